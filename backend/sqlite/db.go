// Package sqlite implements backend.Store on an SQLite file, using the pure Go
// driver modernc.org/sqlite so that the app builds without cgo.
//
// The store holds only metadata and history. Tokens live in the keychain and
// never reach this package.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/tokenwarden/tokenwarden/backend"
)

// dsnParams configures every connection:
//   - busy_timeout: wait up to 5 s for another process (the window and a cron
//     CLI run share the file) instead of failing with SQLITE_BUSY. The driver
//     applies it before the other pragmas.
//   - journal_mode(WAL): readers do not block the writer and vice versa.
//   - foreign_keys: SQLite leaves them off unless asked, per connection.
//   - synchronous(NORMAL): durable enough under WAL, and much faster than FULL.
//   - _txlock=immediate: write transactions take the write lock at BEGIN, so
//     they wait under busy_timeout there. A deferred transaction that reads
//     first and writes later fails at once with SQLITE_BUSY when another
//     connection wrote in between; busy_timeout cannot help it.

// The driver (tx.go in modernc.org/sqlite v1.61.1) ignores _txlock for
// transactions begun with sql.TxOptions{ReadOnly: true} and sends a plain
// BEGIN, so View uses those and never takes the write lock.
const dsnParams = "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"

// DB is the SQLite store. It is safe for concurrent use.
type DB struct {
	sql  *sql.DB
	path string
	// writer holds a token while an Update runs. Writers in this process queue
	// here, in order and cancellable by their context, rather than polling
	// the file lock under busy_timeout; the file lock still orders them
	// against other processes.
	writer chan struct{}
}

var (
	_ backend.Store = (*DB)(nil)
	_ backend.Tx    = (*Tx)(nil)
)

// Open opens the database file at path, creating it if needed (but not its
// folder), and brings its schema up to date. It refuses, changing nothing,
// a database written by a newer version of the app.
func Open(path string) (*DB, error) {
	// The driver splits the DSN at the first "?", so a path holding one would
	// silently open another file.
	if strings.Contains(path, "?") {
		return nil, backend.Errorf(backend.EINVALID, "The data folder path %q contains a \"?\", which Tokenwarden cannot use.", path).
			WithHint("Open another data folder with --data-dir.")
	}
	if err := tightenPermissions(path); err != nil {
		return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot open the database %s: %v.", path, err)
	}
	sdb, err := sql.Open("sqlite", path+dsnParams)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db := &DB{sql: sdb, path: path, writer: make(chan struct{}, 1)}
	if err := db.migrate(context.Background()); err != nil {
		sdb.Close()
		return nil, err
	}
	// SQLite's advice for long-lived connections: statistics for the tables
	// that have none or whose changed much, so the plans are those the
	// benchmarks measure. Full statistics (no analysis_limit): sampled ones
	// lead the planner off the history indexes. Once statistics exist this
	// is a no-op until a table grows many times over.
	if _, err := sdb.Exec("PRAGMA optimize = 0x10002"); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open database %s: optimize: %w", path, err)
	}
	return db, nil
}

// Close refreshes the planner's statistics where they went stale (PRAGMA
// optimize) and closes the database. Transactions still running fail.
func (db *DB) Close() error {
	// Best effort: statistics only speed queries up, and a failure here
	// (a database closed already) must not fail the close.
	_, _ = db.sql.Exec("PRAGMA optimize")
	return db.sql.Close()
}

// View runs fn in a read-only transaction. It sees one consistent snapshot
// and does not block writers. Writes through its Tx fail.
func (db *DB) View(ctx context.Context, fn func(backend.Tx) error) error {
	return db.run(ctx, true, fn)
}

// Update runs fn in a write transaction, committing when fn returns nil and
// rolling back when it returns an error or panics. Updates run one at a
// time; fn must not call Update itself, which would wait for it forever.
func (db *DB) Update(ctx context.Context, fn func(backend.Tx) error) error {
	select {
	case db.writer <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-db.writer }()
	return db.run(ctx, false, fn)
}

func (db *DB) run(ctx context.Context, readOnly bool, fn func(backend.Tx) error) error {
	stx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	// Roll back unless committed. This also covers a panic in fn, which then
	// goes on unchanged, keeping its original stack trace.
	committed := false
	defer func() {
		if !committed {
			_ = stx.Rollback() // the error of fn, or the panic, matters more
		}
	}()
	if err := fn(&Tx{ctx: ctx, tx: stx, readOnly: readOnly}); err != nil {
		return err
	}
	committed = true
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
