package sqlite

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func notifyUpdate(t *testing.T, db *DB, fn func(backend.NotifyTx) error) {
	t.Helper()
	if err := db.NotifyUpdate(context.Background(), fn); err != nil {
		t.Fatalf("NotifyUpdate: %v", err)
	}
}

func notifyView(t *testing.T, db *DB, fn func(backend.NotifyTx) error) {
	t.Helper()
	if err := db.NotifyView(context.Background(), fn); err != nil {
		t.Fatalf("NotifyView: %v", err)
	}
}

func notifyAccount(t *testing.T, db *DB) *backend.Account {
	t.Helper()
	c := seedClients(t, db, "Acme "+backend.NewID("x"))[0]
	a := &backend.Account{ID: backend.NewID("acc"), ClientID: c.ID, Provider: "facebook", Label: "Page"}
	update(t, db, func(tx backend.Tx) error { return tx.InsertAccount(a) })
	return a
}

func TestNotifySettingsStorage(t *testing.T) {
	t.Parallel()
	db, path := openTest(t)
	notifyView(t, db, func(tx backend.NotifyTx) error {
		got, err := tx.(*Tx).settingsJSON()
		if err != nil || got != nil {
			t.Errorf("before any save: %q, %v", got, err)
		}
		return nil
	})
	notifyUpdate(t, db, func(tx backend.NotifyTx) error { return tx.(*Tx).saveSettingsJSON([]byte(`{"enabled":false}`)) })
	notifyUpdate(t, db, func(tx backend.NotifyTx) error { return tx.(*Tx).saveSettingsJSON([]byte(`{"enabled":true}`)) })
	// Not JSON: refused by the CHECK, the old copy stays.
	if err := db.NotifyUpdate(context.Background(), func(tx backend.NotifyTx) error { return tx.(*Tx).saveSettingsJSON([]byte(`{`)) }); err == nil {
		t.Error("invalid JSON stored")
	}
	db.Close() // again in openTest's cleanup, which is harmless
	db2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	notifyView(t, db2, func(tx backend.NotifyTx) error {
		got, err := tx.(*Tx).settingsJSON()
		if err != nil || string(got) != `{"enabled":true}` {
			t.Errorf("after reopen: %q, %v", got, err)
		}
		return nil
	})
	// Writes inside NotifyView fail.
	err = db2.NotifyView(context.Background(), func(tx backend.NotifyTx) error { return tx.(*Tx).saveSettingsJSON([]byte(`{}`)) })
	if !errors.Is(err, errReadOnly) {
		t.Errorf("write in NotifyView: %v", err)
	}
}

func TestNotifySent(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	a := notifyAccount(t, db)
	k := backend.NotifyKey{AccountID: a.ID, Threshold: "3d", ReconnectBy: t0.Add(72 * time.Hour).UnixMilli()}
	s := backend.NotifySent{NotifyKey: k, At: t0.Add(123456 * time.Microsecond), NotificationID: "tw-x-1"}
	notifyUpdate(t, db, func(tx backend.NotifyTx) error {
		for i, want := range []bool{true, false} {
			s := s
			s.NotificationID = []string{"tw-x-1", "tw-x-2"}[i]
			got, err := tx.InsertNotifySent(s)
			if err != nil || got != want {
				t.Errorf("insert %d: %v, %v; want %v", i, got, err, want)
			}
		}
		// An account deleted meanwhile: nothing, no error.
		got, err := tx.InsertNotifySent(backend.NotifySent{NotifyKey: backend.NotifyKey{AccountID: backend.NewID("acc"), Threshold: "1d"}, At: t0})
		if err != nil || got {
			t.Errorf("insert for a missing account: %v, %v", got, err)
		}
		// Another date of the same threshold is another key.
		k2 := k
		k2.ReconnectBy = 0
		got, err = tx.InsertNotifySent(backend.NotifySent{NotifyKey: k2, At: t0, NotificationID: "tw-x-3"})
		if err != nil || !got {
			t.Errorf("insert with another date: %v, %v", got, err)
		}
		return nil
	})
	notifyView(t, db, func(tx backend.NotifyTx) error {
		got, err := tx.NotifySent()
		if err != nil {
			return err
		}
		want := []backend.NotifySent{
			{NotifyKey: backend.NotifyKey{AccountID: a.ID, Threshold: "3d", ReconnectBy: 0}, At: t0, NotificationID: "tw-x-3"},
			{NotifyKey: k, At: t0.Add(123 * time.Millisecond), NotificationID: "tw-x-1"}, // first one kept, milliseconds
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("NotifySent = %+v\nwant %+v", got, want)
		}
		return nil
	})
	notifyUpdate(t, db, func(tx backend.NotifyTx) error {
		if err := tx.DeleteNotifySent(k); err != nil {
			return err
		}
		return tx.DeleteNotifySent(k) // already gone: fine
	})
	notifyView(t, db, func(tx backend.NotifyTx) error {
		got, err := tx.NotifySent()
		if err != nil || len(got) != 1 || got[0].NotificationID != "tw-x-3" {
			t.Errorf("after delete: %+v, %v", got, err)
		}
		return nil
	})
}

func TestNotifySnoozes(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	a, b := notifyAccount(t, db), notifyAccount(t, db)
	notifyUpdate(t, db, func(tx backend.NotifyTx) error {
		if err := tx.SetNotifySnooze(a.ID, t0.Add(time.Hour)); err != nil {
			return err
		}
		if err := tx.SetNotifySnooze(a.ID, t0.Add(24*time.Hour)); err != nil { // replaces
			return err
		}
		return tx.SetNotifySnooze(b.ID, t0)
	})
	err := db.NotifyUpdate(context.Background(), func(tx backend.NotifyTx) error {
		return tx.SetNotifySnooze(backend.NewID("acc"), t0)
	})
	wantCode(t, err, backend.ENOTFOUND, "")
	snoozes := func() map[string]time.Time {
		var out map[string]time.Time
		notifyView(t, db, func(tx backend.NotifyTx) error {
			var err error
			out, err = tx.NotifySnoozes()
			return err
		})
		return out
	}
	if got, want := snoozes(), map[string]time.Time{a.ID: t0.Add(24 * time.Hour), b.ID: t0}; !reflect.DeepEqual(got, want) {
		t.Errorf("snoozes %v, want %v", got, want)
	}
	notifyUpdate(t, db, func(tx backend.NotifyTx) error { return tx.DeleteNotifySnoozesBefore(t0) })
	if got := snoozes(); len(got) != 1 || got[b.ID] != (time.Time{}) {
		t.Errorf("after pruning: %v", got)
	}
	notifyUpdate(t, db, func(tx backend.NotifyTx) error { return tx.SetNotifySnooze(a.ID, time.Time{}) })
	if got := snoozes(); len(got) != 0 {
		t.Errorf("after clearing: %v", got)
	}
}

func TestNotifyStateGoesWithTheAccount(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	a, b := notifyAccount(t, db), notifyAccount(t, db)
	notifyUpdate(t, db, func(tx backend.NotifyTx) error {
		for _, acc := range []*backend.Account{a, b} {
			if _, err := tx.InsertNotifySent(backend.NotifySent{NotifyKey: backend.NotifyKey{AccountID: acc.ID, Threshold: "invalid"}, At: t0}); err != nil {
				return err
			}
			if err := tx.SetNotifySnooze(acc.ID, t0); err != nil {
				return err
			}
		}
		return tx.DeleteAccount(a.ID)
	})
	notifyView(t, db, func(tx backend.NotifyTx) error {
		sent, err := tx.NotifySent()
		if err != nil {
			return err
		}
		snoozes, err := tx.NotifySnoozes()
		if err != nil {
			return err
		}
		if len(sent) != 1 || sent[0].AccountID != b.ID || len(snoozes) != 1 || snoozes[b.ID].IsZero() {
			t.Errorf("after deleting one account: %+v %v", sent, snoozes)
		}
		return nil
	})
}
