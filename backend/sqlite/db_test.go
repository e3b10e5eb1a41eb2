package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// --- helpers shared by the tests of this package ---

func openTest(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tokenwarden.db")
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, path
}

func update(t *testing.T, db *DB, fn func(backend.Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, db *DB, fn func(backend.Tx) error) {
	t.Helper()
	if err := db.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// wantCode fails unless err is a backend.Error with this code (and message,
// when msg is not empty).
func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	var e *backend.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want a backend.Error %s", err, err, code)
	}
	if e.Code != code {
		t.Errorf("got code %s (%v), want %s", e.Code, err, code)
	}
	if msg != "" && e.Message != msg {
		t.Errorf("got message %q, want %q", e.Message, msg)
	}
}

// rawVersion reads user_version without going through Open.
func rawVersion(t *testing.T, path string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	v, err := userVersion(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// --- migrations ---

func TestMigrationsApplyOnceAndReopen(t *testing.T) {
	t.Parallel()
	db, path := openTest(t)
	if v := rawVersion(t, path); v != len(migrations) {
		t.Fatalf("user_version = %d, want %d", v, len(migrations))
	}
	update(t, db, func(tx backend.Tx) error {
		return tx.InsertClient(&backend.Client{ID: "cli_1", Name: "Acme"})
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopening applies nothing again (a second CREATE TABLE would fail)
	// and keeps the data.
	for range 2 {
		db2, err := Open(path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		view(t, db2, func(tx backend.Tx) error {
			_, err := tx.Client("cli_1")
			return err
		})
		db2.Close()
	}
	if v := rawVersion(t, path); v != len(migrations) {
		t.Fatalf("user_version after reopen = %d, want %d", v, len(migrations))
	}
}

func TestMigrationsResumeFromOlderVersion(t *testing.T) {
	t.Parallel()
	// A database left at version 0 by a crash mid-way (no tables, version
	// 0) is migrated normally; an empty file is the same case.
	path := filepath.Join(t.TempDir(), "tokenwarden.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.sql.QueryRow("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('clients', 'accounts', 'events')").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("%d tables, want 3", n)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	db, path := openTest(t)
	db.Close()

	newer := len(migrations) + 3
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(fmt.Sprintf("PRAGMA user_version = %d", newer)); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	db2, err := Open(path)
	if err == nil {
		db2.Close()
		t.Fatal("Open succeeded on a newer schema")
	}
	wantCode(t, err, backend.EINVALID, fmt.Sprintf(
		"This data was written by a newer version of Tokenwarden (schema %d; this version knows up to %d).", newer, len(migrations)))
	var e *backend.Error
	if errors.As(err, &e) && e.Hint != "Update Tokenwarden, or open another data folder with --data-dir." {
		t.Errorf("hint = %q", e.Hint)
	}

	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the refused database file was changed")
	}
	if v := rawVersion(t, path); v != newer {
		t.Errorf("user_version = %d, want %d", v, newer)
	}
}

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    int
		wantErr bool
	}{
		{"ok", fstest.MapFS{"m/0001_a.sql": file("A"), "m/0002_b.sql": file("B")}, 2, false},
		{"gap", fstest.MapFS{"m/0001_a.sql": file("A"), "m/0003_c.sql": file("C")}, 0, true},
		{"duplicate", fstest.MapFS{"m/0001_a.sql": file("A"), "m/0001_b.sql": file("B")}, 0, true},
		{"starts at 2", fstest.MapFS{"m/0002_a.sql": file("A")}, 0, true},
		{"bad name", fstest.MapFS{"m/init.sql": file("A")}, 0, true},
		{"not sql", fstest.MapFS{"m/0001_a.txt": file("A")}, 0, true},
		{"empty", fstest.MapFS{"m/.keep": file("")}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.files, "m")
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if len(ms) != tt.want {
				t.Fatalf("%d migrations, want %d", len(ms), tt.want)
			}
			for i, m := range ms {
				if m.version != i+1 {
					t.Errorf("migration %d has version %d", i, m.version)
				}
			}
		})
	}
	// The embedded set itself loaded at init, or the package would panic.
	if len(migrations) == 0 || migrations[0].name != "0001_init.sql" {
		t.Errorf("embedded migrations: %+v", migrations)
	}
}

func TestOpenRejectsQuestionMark(t *testing.T) {
	t.Parallel()
	_, err := Open(filepath.Join(t.TempDir(), "what?", "tokenwarden.db"))
	wantCode(t, err, backend.EINVALID, "")
}

// --- transactions ---

func TestUpdateRollsBack(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	boom := errors.New("boom")

	err := db.Update(context.Background(), func(tx backend.Tx) error {
		if err := tx.InsertClient(&backend.Client{ID: "cli_1", Name: "Acme"}); err != nil {
			return err
		}
		if err := tx.AppendEvent(&backend.Event{Kind: backend.EventClientCreated}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}

	func() {
		defer func() {
			if p := recover(); p != "panic in fn" {
				t.Errorf("recovered %v, want the panic from fn", p)
			}
		}()
		db.Update(context.Background(), func(tx backend.Tx) error {
			tx.InsertClient(&backend.Client{ID: "cli_2", Name: "Globex"})
			panic("panic in fn")
		})
	}()

	view(t, db, func(tx backend.Tx) error {
		cs, err := tx.Clients()
		if err != nil {
			return err
		}
		es, err := tx.Events(backend.EventFilter{})
		if err != nil {
			return err
		}
		if len(cs) != 0 || len(es) != 0 {
			t.Errorf("after rollback: %d clients, %d events; want none", len(cs), len(es))
		}
		return nil
	})
	// The connection is usable after the panic: no transaction was leaked.
	update(t, db, func(tx backend.Tx) error {
		return tx.InsertClient(&backend.Client{ID: "cli_3", Name: "Initech"})
	})
}

func TestViewIsReadOnly(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	update(t, db, func(tx backend.Tx) error {
		return tx.InsertClient(&backend.Client{ID: "cli_1", Name: "Acme"})
	})
	writes := map[string]func(backend.Tx) error{
		"InsertClient":  func(tx backend.Tx) error { return tx.InsertClient(&backend.Client{ID: "cli_2", Name: "B"}) },
		"UpdateClient":  func(tx backend.Tx) error { return tx.UpdateClient(&backend.Client{ID: "cli_1", Name: "B"}) },
		"DeleteClient":  func(tx backend.Tx) error { return tx.DeleteClient("cli_1") },
		"InsertAccount": func(tx backend.Tx) error { return tx.InsertAccount(&backend.Account{ID: "acc_1", ClientID: "cli_1"}) },
		"UpdateAccount": func(tx backend.Tx) error { return tx.UpdateAccount(&backend.Account{ID: "acc_1", ClientID: "cli_1"}) },
		"DeleteAccount": func(tx backend.Tx) error { return tx.DeleteAccount("acc_1") },
		"AppendEvent":   func(tx backend.Tx) error { return tx.AppendEvent(&backend.Event{Kind: "x"}) },
	}
	for name, write := range writes {
		if err := db.View(context.Background(), write); !errors.Is(err, errReadOnly) {
			t.Errorf("%s in View: got %v, want errReadOnly", name, err)
		}
	}
}

func TestUpdateHonoursCancelledContext(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := db.Update(ctx, func(backend.Tx) error { called = true; return nil })
	if !errors.Is(err, context.Canceled) || called {
		t.Fatalf("got %v, called %v; want context.Canceled before fn", err, called)
	}
}

// Two handles on one file stand for the desktop window and a cron-run CLI.
// Each writer reads, then writes, in one transaction: with deferred
// transactions that pattern fails with SQLITE_BUSY under contention.
func TestConcurrentWritersTwoHandles(t *testing.T) {
	t.Parallel()
	a, path := openTest(t)
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	const workers, perWorker = 4, 25 // per handle
	var wg sync.WaitGroup
	errs := make(chan error, 2*2*workers*perWorker) // handles × workers × iterations × (Update, View)
	for _, db := range []*DB{a, b} {
		for range workers {
			wg.Go(func() {
				for range perWorker {
					errs <- db.Update(context.Background(), func(tx backend.Tx) error {
						if _, err := tx.Events(backend.EventFilter{Limit: 1}); err != nil {
							return err
						}
						return tx.AppendEvent(&backend.Event{Kind: "test.tick"})
					})
					errs <- db.View(context.Background(), func(tx backend.Tx) error {
						_, err := tx.Events(backend.EventFilter{Limit: 5})
						return err
					})
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent transaction failed: %v", err)
		}
	}
	var n int
	if err := a.sql.QueryRow("SELECT count(*) FROM events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := 2 * workers * perWorker; n != want {
		t.Fatalf("%d events, want %d", n, want)
	}
}

// A View must not take the write lock: while another process holds a write
// transaction open, reads still run at once and see the last commit.
func TestViewDoesNotWaitForWriter(t *testing.T) {
	t.Parallel()
	a, path := openTest(t)
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	inside, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Update(context.Background(), func(tx backend.Tx) error {
			if err := tx.InsertClient(&backend.Client{ID: "cli_1", Name: "Acme"}); err != nil {
				return err
			}
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside

	// Far below busy_timeout: a View that waited for the lock would miss it.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err = b.View(ctx, func(tx backend.Tx) error {
		cs, err := tx.Clients()
		if len(cs) != 0 {
			t.Errorf("View saw %d uncommitted clients", len(cs))
		}
		return err
	})
	close(release)
	if err != nil {
		t.Fatalf("View during a write: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func TestTimesStoredAsUTCMillis(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	loc := time.FixedZone("UTC+5", 5*3600)
	in := time.Date(2025, 3, 4, 10, 20, 30, 123456789, loc)
	c := &backend.Client{ID: "cli_1", Name: "Acme", CreatedAt: in}
	update(t, db, func(tx backend.Tx) error { return tx.InsertClient(c) })

	want := time.Date(2025, 3, 4, 5, 20, 30, 123000000, time.UTC)
	if c.CreatedAt != want {
		t.Errorf("caller's CreatedAt = %v, want %v", c.CreatedAt, want)
	}
	var raw int64
	if err := db.sql.QueryRow("SELECT created_at FROM clients").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw != want.UnixMilli() {
		t.Errorf("stored %d, want %d", raw, want.UnixMilli())
	}
	view(t, db, func(tx backend.Tx) error {
		got, err := tx.Client("cli_1")
		if err != nil {
			return err
		}
		if got.CreatedAt != want {
			t.Errorf("read back %v, want %v", got.CreatedAt, want)
		}
		return nil
	})
}

// TestSeedManyAccountsFewEvents is the data set that crashed dev seed with a
// division by zero: many accounts, some deleted, with two or three events.
func TestSeedManyAccountsFewEvents(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const accounts, events = 10000, 25000
	if _, err := db.Seed(context.Background(), SeedOptions{Accounts: accounts, Events: events, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.sql.QueryRow("SELECT count(*) FROM events").Scan(&n); err != nil || n != events {
		t.Fatalf("events = %d, %v; want %d", n, err, events)
	}
}
