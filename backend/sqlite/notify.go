package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/tokenwarden/tokenwarden/backend"
)

// The settings and the notification state (migration 0005).

var (
	_ backend.NotifyStore = (*DB)(nil)
	_ backend.NotifyTx    = (*Tx)(nil)
)

// NotifyView is View with a Tx that also reaches the notification tables.
func (db *DB) NotifyView(ctx context.Context, fn func(backend.NotifyTx) error) error {
	return db.View(ctx, as(fn))
}

// NotifyUpdate is Update with a Tx that also reaches the notification tables.
func (db *DB) NotifyUpdate(ctx context.Context, fn func(backend.NotifyTx) error) error {
	return db.Update(ctx, as(fn))
}

// Settings returns the stored settings, backend.DefaultSettings when none
// were saved. It reads the database on every call: the settings have this
// one source.
func (db *DB) Settings(ctx context.Context) (s backend.Settings, err error) {
	err = db.View(ctx, func(tx backend.Tx) error {
		raw, err := tx.(*Tx).settingsJSON()
		if err != nil {
			return err
		}
		s, err = backend.ParseSettings(raw)
		return err
	})
	return s, err
}

// SaveSettings cleans s and stores it, returning it as stored. Bad input is
// an EINVALID error and changes nothing.
func (db *DB) SaveSettings(ctx context.Context, s backend.Settings) (backend.Settings, error) {
	clean, err := s.Clean()
	if err != nil {
		return backend.Settings{}, err
	}
	raw, err := json.Marshal(clean)
	if err != nil {
		return backend.Settings{}, fmt.Errorf("encode settings: %w", err)
	}
	if err := db.Update(ctx, func(tx backend.Tx) error { return tx.(*Tx).saveSettingsJSON(raw) }); err != nil {
		return backend.Settings{}, err
	}
	return clean, nil
}

// settingsJSON returns the stored settings JSON, nil when none was saved.
func (t *Tx) settingsJSON() ([]byte, error) {
	var s string
	err := t.tx.QueryRowContext(t.ctx, "SELECT settings FROM notify_settings WHERE id = 1").Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("get notification settings: %w", err)
	}
	return []byte(s), nil
}

// saveSettingsJSON replaces the stored settings JSON.
func (t *Tx) saveSettingsJSON(settings []byte) error {
	if err := t.writable(); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO notify_settings (id, settings, updated_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
		string(settings), time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("save notification settings: %w", err)
	}
	return nil
}

func scanSent(s scanner) (*backend.NotifySent, error) {
	var r backend.NotifySent
	var at int64
	if err := s.Scan(&r.AccountID, &r.Threshold, &r.ReconnectBy, &at, &r.NotificationID); err != nil {
		return nil, err
	}
	r.At = loadTime(at)
	return &r, nil
}

// NotifySent lists every recorded notification key.
func (t *Tx) NotifySent() ([]backend.NotifySent, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT account_id, threshold, reconnect_by, sent_at, notification_id
		FROM notify_sent ORDER BY account_id, threshold, reconnect_by`)
	if err != nil {
		return nil, fmt.Errorf("list sent notifications: %w", err)
	}
	list, err := collect(rows, scanSent, "list sent notifications")
	if err != nil {
		return nil, err
	}
	out := make([]backend.NotifySent, len(list))
	for i, s := range list {
		out[i] = *s
	}
	return out, nil
}

// InsertNotifySent records s. It inserts nothing, without error, when the
// key is recorded already or the account was deleted meanwhile.
func (t *Tx) InsertNotifySent(s backend.NotifySent) (bool, error) {
	if err := t.writable(); err != nil {
		return false, err
	}
	at := s.At
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO notify_sent (account_id, threshold, reconnect_by, sent_at, notification_id)
		SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?)
		ON CONFLICT (account_id, threshold, reconnect_by) DO NOTHING`,
		s.AccountID, s.Threshold, s.ReconnectBy, storeTime(&at, time.Now()), s.NotificationID, s.AccountID)
	if err != nil {
		return false, fmt.Errorf("record sent notification: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record sent notification: %w", err)
	}
	return n > 0, nil
}

// DeleteNotifySent forgets a recorded key.
func (t *Tx) DeleteNotifySent(k backend.NotifyKey) error {
	if err := t.writable(); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(t.ctx, "DELETE FROM notify_sent WHERE account_id = ? AND threshold = ? AND reconnect_by = ?",
		k.AccountID, k.Threshold, k.ReconnectBy)
	if err != nil {
		return fmt.Errorf("forget sent notification: %w", err)
	}
	return nil
}

// NotifySnoozes returns every stored snooze, ended ones included.
func (t *Tx) NotifySnoozes() (map[string]time.Time, error) {
	rows, err := t.tx.QueryContext(t.ctx, "SELECT account_id, until FROM notify_snoozes")
	if err != nil {
		return nil, fmt.Errorf("list snoozes: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var until int64
		if err := rows.Scan(&id, &until); err != nil {
			return nil, fmt.Errorf("list snoozes: %w", err)
		}
		out[id] = loadTime(until)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list snoozes: %w", err)
	}
	return out, nil
}

// SetNotifySnooze snoozes an account until a time; a zero time clears it.
func (t *Tx) SetNotifySnooze(accountID string, until time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if until.IsZero() {
		if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM notify_snoozes WHERE account_id = ?", accountID); err != nil {
			return fmt.Errorf("clear snooze: %w", err)
		}
		return nil
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO notify_snoozes (account_id, until, created_at) VALUES (?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET until = excluded.until, created_at = excluded.created_at`,
		accountID, until.UnixMilli(), time.Now().UnixMilli())
	if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return errNoAccount(accountID)
	} else if err != nil {
		return fmt.Errorf("snooze: %w", err)
	}
	return nil
}

// DeleteNotifySnoozesBefore forgets the snoozes that ended before t (or at t).
func (t *Tx) DeleteNotifySnoozesBefore(before time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM notify_snoozes WHERE until <= ?", before.UnixMilli()); err != nil {
		return fmt.Errorf("forget ended snoozes: %w", err)
	}
	return nil
}
