package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Schema changes are numbered SQL files, migrations/NNNN_name.sql, applied in
// order. To change the schema, add the next file; never edit one that has
// shipped. A migration that rebuilds a table must keep in mind that
// foreign_keys is on and cannot be switched off inside a transaction.
//
// The version reached is kept in PRAGMA user_version rather than in a
// schema_migrations table: it lives in the file header, costs no table, is
// readable before any table exists, and changes in the same transaction as
// the migration it records, so a migration and its version land together.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations is the whole list; migrations[i] has version i+1.
var migrations = mustLoadMigrations(migrationFiles, "migrations")

func mustLoadMigrations(fsys fs.FS, dir string) []migration {
	ms, err := loadMigrations(fsys, dir)
	if err != nil {
		panic(err) // a packaging bug, caught by the tests
	}
	return ms
}

// loadMigrations reads the migration files in dir and checks that they are
// numbered 1, 2, 3... without gaps or duplicates.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir) // sorted by name, so by number
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") || len(num) != 4 {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", name)
		}
		if want := len(ms) + 1; version != want {
			return nil, fmt.Errorf("migration %s: want number %d", name, want)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: version, name: name, sql: string(b)})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("no migrations in %s", dir)
	}
	return ms, nil
}

// migrate brings the schema to the newest version this binary knows.
func (db *DB) migrate(ctx context.Context) error {
	v, err := userVersion(ctx, db.sql)
	if err != nil {
		return err
	}
	if err := checkVersion(v); err != nil {
		return err
	}
	if v == 0 {
		if err := db.incrementalVacuum(ctx); err != nil {
			return err
		}
	}
	for _, m := range migrations[v:] {
		if err := db.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// incrementalVacuum makes a new, empty file in the auto-vacuum mode in which
// Compact gives freed pages back in place. The mode is a connection's
// setting until a VACUUM writes it into the file; on a file with tables
// already (made before this), Compact's first VACUUM switches it.
func (db *DB) incrementalVacuum(ctx context.Context) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("auto-vacuum: %w", err)
	}
	defer conn.Close()
	var tables int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
		return fmt.Errorf("auto-vacuum: %w", err)
	}
	if tables > 0 {
		return nil
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM"); err != nil {
		return fmt.Errorf("auto-vacuum: %w", err)
	}
	return nil
}

// apply runs one migration in its own write transaction. The version is read
// again under the write lock: another process opening the same file at the
// same moment may have applied it already.
func (db *DB) apply(ctx context.Context, m migration) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", m.name, err)
	}
	defer tx.Rollback() // no-op after Commit

	v, err := userVersion(ctx, tx)
	if err != nil {
		return err
	}
	if err := checkVersion(v); err != nil {
		return err
	}
	if v >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	// PRAGMA takes no bound parameters; the version is an int we own.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return fmt.Errorf("migration %s: set version: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return nil
}

// checkVersion refuses a schema newer than this binary knows: it cannot tell
// what the newer version's data means, so it must not read or change it.
func checkVersion(v int) error {
	if known := len(migrations); v > known {
		return backend.Errorf(backend.EINVALID,
			"This data was written by a newer version of Tokenwarden (schema %d; this version knows up to %d).", v, known).
			WithHint("Update Tokenwarden, or open another data folder with --data-dir.")
	}
	return nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func userVersion(ctx context.Context, q queryRower) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
