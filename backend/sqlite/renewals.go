package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
)

// The renewal journal (migration 0010): see backend.Tx.MarkRenewal.

func (t *Tx) MarkRenewal(accountID string, at time.Time) error {
	if err := t.writable(); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO renewals_in_flight (account_id, started_at) VALUES (?, ?)
		ON CONFLICT (account_id) DO UPDATE SET started_at = excluded.started_at`, accountID, at.UnixMilli())
	if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return errNoAccount(accountID)
	}
	if err != nil {
		return fmt.Errorf("mark renewal: %w", err)
	}
	return nil
}

func (t *Tx) ClearRenewal(accountID string) error {
	if err := t.writable(); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM renewals_in_flight WHERE account_id = ?", accountID); err != nil {
		return fmt.Errorf("clear renewal: %w", err)
	}
	return nil
}

func (t *Tx) RenewalMark(accountID string) (*time.Time, error) {
	var ms int64
	err := t.tx.QueryRowContext(t.ctx, "SELECT started_at FROM renewals_in_flight WHERE account_id = ?", accountID).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read renewal journal: %w", err)
	}
	at := loadTime(ms)
	return &at, nil
}

func (t *Tx) RenewalMarks() (map[string]time.Time, error) {
	rows, err := t.tx.QueryContext(t.ctx, "SELECT account_id, started_at FROM renewals_in_flight")
	if err != nil {
		return nil, fmt.Errorf("read renewal journal: %w", err)
	}
	defer rows.Close()
	marks := map[string]time.Time{}
	for rows.Next() {
		var id string
		var ms int64
		if err := rows.Scan(&id, &ms); err != nil {
			return nil, fmt.Errorf("read renewal journal: %w", err)
		}
		marks[id] = loadTime(ms)
	}
	return marks, rows.Err()
}
