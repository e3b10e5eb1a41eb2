package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Report settings (migration 0007).

var _ backend.ReportSettingsStore = (*DB)(nil)

// ReportSettings returns the saved report settings, nil when none were
// saved. Fields a newer version added are ignored; fields missing from an
// older document keep their defaults.
func (db *DB) ReportSettings(ctx context.Context) (*backend.ReportSettings, error) {
	var doc string
	err := db.sql.QueryRowContext(ctx, "SELECT settings FROM report_settings WHERE id = 1").Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("get report settings: %w", err)
	}
	s := backend.DefaultReportSettings()
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return nil, fmt.Errorf("read report settings: %w", err)
	}
	return &s, nil
}

// SaveReportSettings replaces the saved report settings.
func (db *DB) SaveReportSettings(ctx context.Context, s backend.ReportSettings) error {
	doc, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("save report settings: %w", err)
	}
	return db.Update(ctx, func(tx backend.Tx) error {
		_, err := tx.(*Tx).tx.ExecContext(ctx, `INSERT INTO report_settings (id, settings, updated_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
			string(doc), time.Now().UnixMilli())
		if err != nil {
			return fmt.Errorf("save report settings: %w", err)
		}
		return nil
	})
}
