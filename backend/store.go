package backend

import (
	"context"
	"time"
)

// Store keeps clients, accounts and history. Writes happen in transactions so
// that a change and its history event land together or not at all.
type Store interface {
	View(ctx context.Context, fn func(Tx) error) error
	Update(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction on the Store. Lookups of missing rows return ENOTFOUND.
type Tx interface {
	Client(id string) (*Client, error)
	ClientByName(name string) (*Client, error)
	Clients() ([]*Client, error)
	InsertClient(c *Client) error // ECONFLICT on a duplicate name
	UpdateClient(c *Client) error
	DeleteClient(id string) error

	Account(id string) (*Account, error)
	Accounts(f AccountFilter) ([]*Account, error)
	InsertAccount(a *Account) error
	UpdateAccount(a *Account) error
	DeleteAccount(id string) error

	// Credentials returns a provider's developer app client id (ENOTFOUND
	// when none is set); the secret is in the keychain.
	Credentials(providerID string) (*Credentials, error)
	SaveCredentials(c *Credentials) error

	AppendEvent(e *Event) error
	Events(f EventFilter) ([]*Event, error)

	// The renewal journal. MarkRenewal records, before a refresh request
	// is sent, that a renewal of the account is in flight; ClearRenewal
	// removes the mark once its answer is recorded. A mark still there
	// later (RenewalMark, RenewalMarks: nil or empty when none) means the
	// renewal was cut off between sending and storing: under strict
	// rotation the stored refresh token may be dead.
	MarkRenewal(accountID string, at time.Time) error
	ClearRenewal(accountID string) error
	RenewalMark(accountID string) (*time.Time, error)
	RenewalMarks() (map[string]time.Time, error)
}

// SecretKind names one secret of an account.
type SecretKind string

const (
	SecretAccessToken  SecretKind = "access_token"
	SecretRefreshToken SecretKind = "refresh_token"
)

// Secrets is the OS keychain. Owner is an account id.
type Secrets interface {
	SetSecret(ctx context.Context, owner string, kind SecretKind, value string) error
	// Secret returns ENOTFOUND when there is no such secret.
	Secret(ctx context.Context, owner string, kind SecretKind) (string, error)
	// DeleteSecret succeeds when the secret is already gone.
	DeleteSecret(ctx context.Context, owner string, kind SecretKind) error
	// Ping reports whether the keychain can be used now, with an error that
	// says what is missing and how to fix it.
	Ping(ctx context.Context) error
}
