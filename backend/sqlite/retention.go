package sqlite

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// watermark is retention's (migration 0010): every routine successful check
// before time, up to event id through, was folded or kept on purpose.
type watermark struct{ time, through int64 }

func (t *Tx) watermark() (watermark, error) {
	var w watermark
	if err := t.tx.QueryRowContext(t.ctx, "SELECT folded_before, folded_through FROM retention WHERE id = 1").Scan(&w.time, &w.through); err != nil {
		return w, fmt.Errorf("read retention watermark: %w", err)
	}
	return w, nil
}

// foldCandidates is the FROM and WHERE of the checks a fold to cutoff (the
// one argument) replaces: the routine successful checks before it that are
// past the watermark in time, or were added since it (arrived late). The
// first runs through events_ok_checks, the second through the ids after the
// watermark: both read what is new, not the whole history.
func foldCandidates(w watermark, index string) string {
	return `FROM events ` + index + ` WHERE account_id <> '' AND ` + okCheckTerms + ` AND time < ?1 AND (time >= ` +
		fmt.Sprint(w.time) + ` OR id > ` + fmt.Sprint(w.through) + `)`
}

// FoldAccounts returns the ids of the accounts with routine successful
// checks that a fold to cutoff would replace (past the watermark): the only
// ones retention must replay. None means nothing is due.
func (t *Tx) FoldAccounts(cutoff time.Time) ([]string, error) {
	w, err := t.watermark()
	if err != nil {
		return nil, err
	}
	cut := cutoff.UnixMilli()
	q := "SELECT account_id FROM events WHERE id > ?2 AND account_id <> '' AND " + okCheckTerms + " AND time < ?1"
	if cut > w.time {
		q += " UNION SELECT account_id FROM events INDEXED BY events_ok_checks WHERE account_id <> '' AND " + okCheckTerms + " AND time >= ?3 AND time < ?1"
	}
	rows, err := t.tx.QueryContext(t.ctx, "SELECT DISTINCT account_id FROM ("+q+") ORDER BY account_id", cut, w.through, w.time)
	if err != nil {
		return nil, fmt.Errorf("accounts to fold: %w", err)
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("accounts to fold: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts to fold: %w", err)
	}
	return ids, nil
}

// Compact hands the pages a fold freed back to the file system and refreshes
// the planner's statistics (PRAGMA optimize, as SQLite advises for
// long-lived connections). Files made by this version are in incremental
// auto-vacuum mode (dsnParams) and give pages back in place; an older file
// is rewritten once by VACUUM, which switches it to that mode. It queues
// with Update, so no write of this process runs meanwhile; other processes
// wait on the file lock under busy_timeout, and readers keep their snapshot.
func (db *DB) Compact(ctx context.Context) (backend.CompactStats, error) {
	var st backend.CompactStats
	select {
	case db.writer <- struct{}{}:
	case <-ctx.Done():
		return st, ctx.Err()
	}
	defer func() { <-db.writer }()
	conn, err := db.sql.Conn(ctx) // PRAGMAs and VACUUM must run outside a transaction, on one connection
	if err != nil {
		return st, fmt.Errorf("compact: %w", err)
	}
	defer conn.Close()
	var mode, free, pageSize int64
	for q, v := range map[string]*int64{"PRAGMA auto_vacuum": &mode, "PRAGMA freelist_count": &free, "PRAGMA page_size": &pageSize} {
		if err := conn.QueryRowContext(ctx, q).Scan(v); err != nil {
			return st, fmt.Errorf("compact: %s: %w", q, err)
		}
	}
	if st.SizeBefore, err = db.fileSize(ctx); err != nil {
		return st, err
	}
	st.FreeBefore = free * pageSize
	switch {
	case free == 0:
	case mode == autoVacuumIncremental:
		_, err = conn.ExecContext(ctx, "PRAGMA incremental_vacuum")
	default:
		_, err = conn.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM")
	}
	if err != nil {
		return st, fmt.Errorf("compact: give space back: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA optimize"); err != nil {
		return st, fmt.Errorf("compact: optimize: %w", err)
	}
	if st.SizeAfter, err = db.fileSize(ctx); err != nil {
		return st, err
	}
	return st, nil
}

// autoVacuumIncremental is PRAGMA auto_vacuum's value for INCREMENTAL.
const autoVacuumIncremental = 2

// fileSize returns the size of the database file after checkpointing the
// WAL into it, so that it counts what the file holds.
func (db *DB) fileSize(ctx context.Context) (int64, error) {
	if _, err := db.sql.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return 0, fmt.Errorf("checkpoint: %w", err)
	}
	fi, err := os.Stat(db.path)
	if err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	return fi.Size(), nil
}
