package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Tx is one transaction, valid only inside the View or Update call that made it.
type Tx struct {
	ctx      context.Context
	tx       *sql.Tx
	readOnly bool
}

// errReadOnly reports a bug: a write inside View. A deferred (read)
// transaction that writes would also risk SQLITE_BUSY on lock upgrade.
var errReadOnly = errors.New("sqlite: write in a read-only transaction")

func (t *Tx) writable() error {
	if t.readOnly {
		return errReadOnly
	}
	return nil
}

// Times are stored as unix milliseconds UTC. A zero time is stored as now, so
// that ordering by time stays meaningful; the caller's struct gets the stored
// value, so it equals what a later read returns.
func storeTime(t *time.Time, now time.Time) int64 {
	if t.IsZero() {
		*t = now
	}
	*t = time.UnixMilli(t.UnixMilli()).UTC()
	return t.UnixMilli()
}

func loadTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// sqliteCode returns the extended result code of a driver error, or 0.
func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

type scanner interface{ Scan(dest ...any) error }

func errNoClient(id string) error {
	return backend.Errorf(backend.ENOTFOUND, "No client with id %q.", id)
}

func errNoAccount(id string) error {
	return backend.Errorf(backend.ENOTFOUND, "No account with id %q.", id).
		WithHint(`Run "tokenwarden status" to see account ids.`)
}

func errDuplicateClient(name string) error {
	return backend.Errorf(backend.ECONFLICT, "A client named %q already exists.", name).
		WithHint("Choose another name.")
}

// --- clients ---

const clientColumns = "id, name, created_at, contact, notes"

func scanClient(s scanner) (*backend.Client, error) {
	var c backend.Client
	var created int64
	if err := s.Scan(&c.ID, &c.Name, &created, &c.Contact, &c.Notes); err != nil {
		return nil, err
	}
	c.CreatedAt = loadTime(created)
	return &c, nil
}

func (t *Tx) Client(id string) (*backend.Client, error) {
	c, err := scanClient(t.tx.QueryRowContext(t.ctx, "SELECT "+clientColumns+" FROM clients WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoClient(id)
	} else if err != nil {
		return nil, fmt.Errorf("get client: %w", err)
	}
	return c, nil
}

// ClientByName finds a client by name, ignoring case.
func (t *Tx) ClientByName(name string) (*backend.Client, error) {
	// The column's NOCASE collation applies to the comparison.
	c, err := scanClient(t.tx.QueryRowContext(t.ctx, "SELECT "+clientColumns+" FROM clients WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, backend.Errorf(backend.ENOTFOUND, "No client named %q.", name)
	} else if err != nil {
		return nil, fmt.Errorf("get client by name: %w", err)
	}
	return c, nil
}

// Clients returns every client ordered by name, ignoring case.
func (t *Tx) Clients() ([]*backend.Client, error) {
	rows, err := t.tx.QueryContext(t.ctx, "SELECT "+clientColumns+" FROM clients ORDER BY name, id")
	if err != nil {
		return nil, fmt.Errorf("list clients: %w", err)
	}
	return collect(rows, scanClient, "list clients")
}

// InsertClient adds c. A zero CreatedAt is set to now.
func (t *Tx) InsertClient(c *backend.Client) error {
	if err := t.writable(); err != nil {
		return err
	}
	created := storeTime(&c.CreatedAt, time.Now())
	_, err := t.tx.ExecContext(t.ctx, "INSERT INTO clients (id, name, created_at, contact, notes) VALUES (?, ?, ?, ?, ?)",
		c.ID, c.Name, created, c.Contact, c.Notes)
	if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return errDuplicateClient(c.Name)
	} else if err != nil {
		return fmt.Errorf("insert client: %w", err)
	}
	return nil
}

// UpdateClient saves c's name, contact and notes. CreatedAt never changes.
func (t *Tx) UpdateClient(c *backend.Client) error {
	if err := t.writable(); err != nil {
		return err
	}
	res, err := t.tx.ExecContext(t.ctx, "UPDATE clients SET name = ?, contact = ?, notes = ? WHERE id = ?", c.Name, c.Contact, c.Notes, c.ID)
	if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return errDuplicateClient(c.Name)
	} else if err != nil {
		return fmt.Errorf("update client: %w", err)
	}
	return mustAffect(res, errNoClient(c.ID), "update client")
}

// DeleteClient deletes a client that has no accounts left.
func (t *Tx) DeleteClient(id string) error {
	if err := t.writable(); err != nil {
		return err
	}
	c, err := t.Client(id)
	if err != nil {
		return err
	}
	var n int
	if err := t.tx.QueryRowContext(t.ctx, "SELECT count(*) FROM accounts WHERE client_id = ?", id).Scan(&n); err != nil {
		return fmt.Errorf("count accounts: %w", err)
	}
	if n > 0 {
		noun := "accounts"
		if n == 1 {
			noun = "account"
		}
		return backend.Errorf(backend.ECONFLICT, "%q still has %d %s.", c.Name, n, noun).
			WithHint(`Move them to another client first ("tokenwarden account move ID --client NAME", or Move in the account's panel), or delete them.`)
	}
	if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM clients WHERE id = ?", id); err != nil {
		return fmt.Errorf("delete client: %w", err)
	}
	return nil
}

// --- accounts ---

const accountColumns = `id, client_id, provider, label, expires_at, has_refresh_token, invalid, reason, created_at, updated_at,
	kind, parent_id, identity, scopes, refresh_expires_at, data_access_expires_at, connected_at,
	last_checked_at, next_check_at, last_refreshed_at, check_failures, last_error, usage, check_problem`

func scanAccount(s scanner) (*backend.Account, error) {
	var a backend.Account
	var expires, refreshExpires, dataExpires, connected, checked, next, refreshed sql.NullInt64
	var created, updated int64
	var identity, scopes, usage string
	if err := s.Scan(&a.ID, &a.ClientID, &a.Provider, &a.Label, &expires,
		&a.HasRefreshToken, &a.Invalid, &a.Reason, &created, &updated,
		&a.Kind, &a.ParentID, &identity, &scopes, &refreshExpires, &dataExpires, &connected,
		&checked, &next, &refreshed, &a.CheckFailures, &a.LastError, &usage, &a.CheckProblem); err != nil {
		return nil, err
	}
	a.LastCheckedAt, a.NextCheckAt, a.LastRefreshedAt = optTime(checked), optTime(next), optTime(refreshed)
	if err := json.Unmarshal([]byte(usage), &a.Usage); err != nil {
		return nil, fmt.Errorf("account %s usage: %w", a.ID, err)
	}
	if len(a.Usage) == 0 {
		a.Usage = nil // as it was written
	}
	a.ExpiresAt, a.RefreshExpiresAt = optTime(expires), optTime(refreshExpires)
	a.DataAccessExpiresAt, a.ConnectedAt = optTime(dataExpires), optTime(connected)
	a.CreatedAt = loadTime(created)
	a.UpdatedAt = loadTime(updated)
	if err := json.Unmarshal([]byte(identity), &a.Identity); err != nil {
		return nil, fmt.Errorf("account %s identity: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(scopes), &a.Scopes); err != nil {
		return nil, fmt.Errorf("account %s scopes: %w", a.ID, err)
	}
	if a.Scopes == nil {
		a.Scopes = []string{}
	}
	return &a, nil
}

func optTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := loadTime(v.Int64)
	return &t
}

// nullTime converts an optional time for storage and normalises the
// caller's value to what a later read returns, like storeTime does.
func nullTime(p **time.Time) sql.NullInt64 {
	if *p == nil {
		return sql.NullInt64{}
	}
	t := loadTime((*p).UnixMilli())
	*p = &t
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// accountValues returns the stored form of a's columns after the timestamps,
// in accountColumns order.
func accountValues(a *backend.Account) ([]any, error) {
	identity, err := json.Marshal(a.Identity)
	if err != nil {
		return nil, err
	}
	if a.Scopes == nil {
		a.Scopes = []string{}
	}
	scopes, err := json.Marshal(a.Scopes)
	if err != nil {
		return nil, err
	}
	usage, err := json.Marshal(a.Usage)
	if err != nil {
		return nil, err
	}
	if a.Usage == nil {
		usage = []byte("{}")
	}
	return []any{a.Kind, a.ParentID, string(identity), string(scopes),
		nullTime(&a.RefreshExpiresAt), nullTime(&a.DataAccessExpiresAt), nullTime(&a.ConnectedAt),
		nullTime(&a.LastCheckedAt), nullTime(&a.NextCheckAt), nullTime(&a.LastRefreshedAt), a.CheckFailures, a.LastError, string(usage), a.CheckProblem}, nil
}

func (t *Tx) Account(id string) (*backend.Account, error) {
	a, err := scanAccount(t.tx.QueryRowContext(t.ctx, "SELECT "+accountColumns+" FROM accounts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoAccount(id)
	} else if err != nil {
		return nil, fmt.Errorf("get account: %w", err)
	}
	return a, nil
}

// Accounts returns the accounts matching f, oldest first.
func (t *Tx) Accounts(f backend.AccountFilter) ([]*backend.Account, error) {
	var w where
	w.add(f.ClientID != "", "client_id = ?", f.ClientID)
	w.add(f.Provider != "", "provider = ?", f.Provider)
	// The repeated "parent_id <> ''" lets SQLite use the partial index.
	w.add(f.ParentID != "", "parent_id = ? AND parent_id <> ''", f.ParentID)
	// rowid breaks ties in insertion order.
	rows, err := t.tx.QueryContext(t.ctx, "SELECT "+accountColumns+" FROM accounts"+w.sql()+" ORDER BY created_at, rowid", w.args...)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return collect(rows, scanAccount, "list accounts")
}

// InsertAccount adds a. Zero CreatedAt and UpdatedAt are set to now.
// ENOTFOUND when its client does not exist.
func (t *Tx) InsertAccount(a *backend.Account) error {
	if err := t.writable(); err != nil {
		return err
	}
	now := time.Now()
	created, updated := storeTime(&a.CreatedAt, now), storeTime(&a.UpdatedAt, now)
	more, err := accountValues(a)
	if err != nil {
		return fmt.Errorf("insert account: %w", err)
	}
	args := append([]any{a.ID, a.ClientID, a.Provider, a.Label, nullTime(&a.ExpiresAt), a.HasRefreshToken, a.Invalid, a.Reason, created, updated}, more...)
	_, err = t.tx.ExecContext(t.ctx, "INSERT INTO accounts ("+accountColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", args...)
	if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return errNoClient(a.ClientID)
	} else if err != nil {
		return fmt.Errorf("insert account: %w", err)
	}
	return nil
}

// UpdateAccount saves every field of a except CreatedAt. A zero UpdatedAt is
// set to now. ENOTFOUND when the account or its (new) client does not exist.
func (t *Tx) UpdateAccount(a *backend.Account) error {
	if err := t.writable(); err != nil {
		return err
	}
	updated := storeTime(&a.UpdatedAt, time.Now())
	more, err := accountValues(a)
	if err != nil {
		return fmt.Errorf("update account: %w", err)
	}
	args := append([]any{a.ClientID, a.Provider, a.Label, nullTime(&a.ExpiresAt), a.HasRefreshToken, a.Invalid, a.Reason, updated}, more...)
	res, err := t.tx.ExecContext(t.ctx, `UPDATE accounts SET client_id = ?, provider = ?, label = ?, expires_at = ?,
		has_refresh_token = ?, invalid = ?, reason = ?, updated_at = ?, kind = ?, parent_id = ?, identity = ?, scopes = ?,
		refresh_expires_at = ?, data_access_expires_at = ?, connected_at = ?,
		last_checked_at = ?, next_check_at = ?, last_refreshed_at = ?, check_failures = ?, last_error = ?, usage = ?, check_problem = ? WHERE id = ?`, append(args, a.ID)...)
	if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return errNoClient(a.ClientID)
	} else if err != nil {
		return fmt.Errorf("update account: %w", err)
	}
	return mustAffect(res, errNoAccount(a.ID), "update account")
}

// DeleteAccount deletes an account. Its history events stay.
func (t *Tx) DeleteAccount(id string) error {
	if err := t.writable(); err != nil {
		return err
	}
	res, err := t.tx.ExecContext(t.ctx, "DELETE FROM accounts WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("delete account: %w", err)
	}
	return mustAffect(res, errNoAccount(id), "delete account")
}

// --- helpers ---

// where builds a WHERE clause from optional conditions.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(ok bool, cond string, args ...any) {
	if ok {
		w.conds = append(w.conds, cond)
		w.args = append(w.args, args...)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func collect[T any](rows *sql.Rows, scan func(scanner) (*T, error), what string) ([]*T, error) {
	defer rows.Close()
	out := []*T{} // empty, not nil: it reaches the UI as [] rather than null
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// mustAffect returns notFound when an UPDATE or DELETE matched no row.
func mustAffect(res sql.Result, notFound error, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return notFound
	}
	return nil
}

// --- developer app credentials ---

// Credentials returns a provider's stored client id.
func (t *Tx) Credentials(providerID string) (*backend.Credentials, error) {
	c := &backend.Credentials{ProviderID: providerID}
	err := t.tx.QueryRowContext(t.ctx, "SELECT client_id FROM provider_credentials WHERE provider_id = ?", providerID).Scan(&c.ClientID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, backend.Errorf(backend.ENOTFOUND, "No client id is stored for %s.", providerID)
	} else if err != nil {
		return nil, fmt.Errorf("get credentials: %w", err)
	}
	return c, nil
}

// SaveCredentials stores a provider's client id, replacing any earlier one.
func (t *Tx) SaveCredentials(c *backend.Credentials) error {
	if err := t.writable(); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO provider_credentials (provider_id, client_id, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (provider_id) DO UPDATE SET client_id = excluded.client_id, updated_at = excluded.updated_at`,
		c.ProviderID, c.ClientID, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	return nil
}
