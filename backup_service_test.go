package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/backup"
	"github.com/tokenwarden/tokenwarden/backend/keychain/keychaintest"
	"github.com/tokenwarden/tokenwarden/backend/providers"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

const testPassphrase = "correct horse battery staple"

// backupWindow is a test window whose restores write to keychain kc and
// reopen the data folder over it, as keychain.Open and wire.Open do.
func backupWindow(t *testing.T) (*window, *accounts.Service, *keychaintest.Memory) {
	t.Helper()
	w, _, svc := newTestWindow(t)
	kc := svc.Secrets.(*keychaintest.Memory)
	w.backup.keychainOf = func(string) (backend.Secrets, error) { return kc, nil }
	w.backup.open = func(dir string) (*accounts.Service, *sqlite.DB, []error, error) {
		db, err := sqlite.Open(filepath.Join(dir, backup.DatabaseFile))
		if err != nil {
			return nil, nil, nil, err
		}
		s := accounts.New(db, kc, providers.Builtin(), db)
		s.DataDir = dir
		return s, db, nil, nil
	}
	return w, svc, kc
}

// TestBackupAndRestore: a backup made in one window restores into another
// window's first-run data folder and keychain, and every account is then
// checked; a wrong passphrase, a damaged file or a data folder that holds
// data without confirmation changes nothing.
func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	src, srcSvc, _ := backupWindow(t)
	c, _ := srcSvc.AddClient(ctx, "Acme")
	past := time.Now().Add(-time.Hour)
	if _, err := srcSvc.ImportAccount(ctx, accounts.ImportRequest{ClientID: c.ID, Provider: "x", Label: "Acme X",
		Token: backend.Token{AccessToken: "x-token-secret-1", ExpiresAt: &past}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "acme.age")
	if _, err := src.backup.Backup(file, "short"); err == nil || !strings.Contains(err.Error(), "shorter than") {
		t.Fatalf("short passphrase: %v", err)
	}
	if _, err := src.backup.Backup("relative.age", testPassphrase); err == nil {
		t.Fatal("a relative path was accepted")
	}
	made, err := src.backup.Backup(file, testPassphrase)
	if err != nil || made.Clients != 1 || made.Accounts != 1 || made.Secrets != 1 || made.File != file {
		t.Fatalf("backup = %+v, %v", made, err)
	}
	raw, _ := os.ReadFile(file)
	if bytes.Contains(raw, []byte("x-token-secret-1")) || bytes.Contains(raw, []byte("Acme")) {
		t.Fatal("the backup file is readable without the passphrase")
	}
	tampered := filepath.Join(t.TempDir(), "tampered.age")
	bad := bytes.Clone(raw)
	bad[len(bad)/2] ^= 0xff
	os.WriteFile(tampered, bad, 0o600)
	truncated := filepath.Join(t.TempDir(), "truncated.age")
	os.WriteFile(truncated, raw[:len(raw)-40], 0o600)

	dst, _, kc := backupWindow(t)
	before, err := dst.backup.DataFolder()
	if err != nil || !before.Empty {
		t.Fatalf("first-run folder = %+v, %v", before, err)
	}
	for _, tc := range []struct{ name, file, pass, want string }{
		{"wrong passphrase", file, "not the passphrase at all", "passphrase"},
		{"tampered", tampered, testPassphrase, ""},
		{"truncated", truncated, testPassphrase, ""},
		{"missing", filepath.Join(t.TempDir(), "none.age"), testPassphrase, ""},
	} {
		_, err := dst.backup.Restore(tc.file, tc.pass, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if strings.Contains(fmtErr(err), testPassphrase) {
			t.Errorf("%s: the error repeats the passphrase", tc.name)
		}
		if len(kc.Items) != 0 {
			t.Errorf("%s: keychain written: %d items", tc.name, len(kc.Items))
		}
		if groups := mustOverview(t, dst.accounts).Groups; len(groups) != 0 {
			t.Errorf("%s: the window's data changed: %d clients", tc.name, len(groups))
		}
	}

	got, err := dst.backup.Restore(file, testPassphrase, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Clients != 1 || got.Accounts != 1 || got.Secrets != 1 || got.MovedAside != "" || got.AppVersion != version {
		t.Errorf("restore = %+v", got)
	}
	if got.Checks == nil || got.Checks.Checked != 1 || got.CheckError != "" {
		t.Errorf("checks after restore = %+v, %q", got.Checks, got.CheckError)
	}
	if len(kc.Items) != 1 {
		t.Errorf("keychain after restore: %d items", len(kc.Items))
	}
	out, _ := json.Marshal(got)
	if bytes.Contains(out, []byte(testPassphrase)) || bytes.Contains(out, []byte("x-token-secret-1")) {
		t.Errorf("the restore view carries a secret: %s", out)
	}
	if _, err := dst.backup.Backup(filepath.Join(t.TempDir(), "again.age"), testPassphrase); err == nil {
		t.Error("a backup over the replaced backend was made before a restart")
	}
}

// TestRestoreOverData: a data folder that holds data is replaced only when
// the user confirms, and then moved aside.
func TestRestoreOverData(t *testing.T) {
	ctx := context.Background()
	w, svc, _ := backupWindow(t)
	svc.AddClient(ctx, "Acme")
	file := filepath.Join(t.TempDir(), "b.age")
	if _, err := w.backup.Backup(file, testPassphrase); err != nil {
		t.Fatal(err)
	}
	if f, err := w.backup.DataFolder(); err != nil || f.Empty {
		t.Fatalf("data folder = %+v, %v", f, err)
	}
	if _, err := w.backup.Restore(file, testPassphrase, false); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Fatalf("restore over data without force: %v", err)
	}
	if n := len(mustOverview(t, w.accounts).Groups); n != 1 {
		t.Fatalf("refused restore changed the data: %d clients", n)
	}
	got, err := w.backup.Restore(file, testPassphrase, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.MovedAside == "" {
		t.Fatal("the old folder was not moved aside")
	}
	if _, err := os.Stat(filepath.Join(got.MovedAside, backup.DatabaseFile)); err != nil {
		t.Errorf("moved-aside folder: %v", err)
	}
}

// TestBackupSchedule: the schedule is off by default, needs a folder and a
// passphrase to turn on, keeps the passphrase out of its view, and the
// hourly run makes the backup when it is due.
func TestBackupSchedule(t *testing.T) {
	w, svc, kc := backupWindow(t)
	svc.AddClient(context.Background(), "Acme")
	s := w.backup
	v, err := s.Schedule()
	if err != nil || v.Enabled || v.NextAt != "" {
		t.Fatalf("default schedule = %+v, %v", v, err)
	}
	folder := t.TempDir()
	for _, bad := range []ScheduleForm{
		{Enabled: true, Folder: folder},
		{Enabled: true, Folder: folder, Passphrase: "short"},
		{Enabled: true, Folder: "relative", Passphrase: testPassphrase},
		{Enabled: true, Folder: folder, Passphrase: testPassphrase, EveryHours: -1},
	} {
		if _, err := s.SaveSchedule(bad); err == nil {
			t.Errorf("SaveSchedule(%+v) succeeded", bad)
		}
	}
	if len(kc.Items) != 0 {
		t.Fatalf("a refused schedule stored a passphrase")
	}
	v, err = s.SaveSchedule(ScheduleForm{Enabled: true, Folder: folder, Keep: 3, EveryHours: 24, Passphrase: testPassphrase})
	if err != nil || !v.Enabled || v.Keep != 3 || v.Folder != folder {
		t.Fatalf("saved schedule = %+v, %v", v, err)
	}
	if out, _ := json.Marshal(v); bytes.Contains(out, []byte(testPassphrase)) {
		t.Errorf("the schedule view carries the passphrase: %s", out)
	}
	run, err := s.runScheduled(context.Background())
	if err != nil || !run.Ran || run.Created == nil {
		t.Fatalf("scheduled run = %+v, %v", run, err)
	}
	entries, _ := os.ReadDir(folder)
	if len(entries) != 1 {
		t.Errorf("scheduled backups in the folder: %d", len(entries))
	}
	v, _ = s.Schedule()
	if v.LastRunAt == "" || v.LastFile != run.Created.File || v.LastError != "" || v.NextAt == "" {
		t.Errorf("schedule after a run = %+v", v)
	}
	if again, err := s.runScheduled(context.Background()); err != nil || again.Ran {
		t.Errorf("a second run within the hour = %+v, %v", again, err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
