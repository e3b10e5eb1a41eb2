// Package accounts carries out what the user asks of clients and accounts:
// it checks input, keeps secrets in the keychain and metadata in the store,
// and writes a history event for every change.
package accounts

import (
	"context"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/lock"
)

// Service is the one place the window and the command line go through.
type Service struct {
	Store     backend.Store
	Secrets   backend.Secrets
	Providers backend.ProviderRegistry
	// Authorizer runs the browser flow; Platforms gives each provider's own
	// steps; Discover fills a custom provider's endpoints from its issuer.
	Authorizer backend.Authorizer
	Platforms  func(*backend.Provider) backend.Platform
	Discover   func(context.Context, *backend.Provider) error
	// CustomProviders saves providers the user adds by issuer.
	CustomProviders CustomProviders
	// DataDir holds the per-account lock files shared with the monitor, so
	// a reconnect or delete never interleaves with a background renewal.
	// Empty: no cross-process locking (tests).
	DataDir string
	// Now is the clock; tests set it.
	Now func() time.Time
	// Settings gives the warning window, read on every use so that a change
	// shows at once; nil means backend.DefaultWarningWindow.
	Settings backend.SettingsStore
}

// New returns a Service with the real clock.
func New(store backend.Store, secrets backend.Secrets, providers backend.ProviderRegistry, settings backend.SettingsStore) *Service {
	return &Service{Store: store, Secrets: secrets, Providers: providers, Now: time.Now, Settings: settings}
}

func (s *Service) now() time.Time { return backend.NowFrom(s.Now) }

// event fills the client and account names of an event from what it is about.
func event(kind, outcome, message string, c *backend.Client, a *backend.Account, details map[string]any) *backend.Event {
	e := &backend.Event{Kind: kind, Outcome: outcome, Message: message, Details: details}
	if c != nil {
		e.ClientID, e.ClientName = c.ID, c.Name
	}
	if a != nil {
		e.AccountID, e.AccountLabel, e.Provider = a.ID, a.Label, a.Provider
	}
	return e
}

// lockAccount takes the account's cross-process lock, the same one the
// monitor holds while it renews tokens.
func (s *Service) lockAccount(ctx context.Context, id string) (func(), error) {
	if s.DataDir == "" {
		return func() {}, nil
	}
	unlock, err := lock.Lock(ctx, s.DataDir, id)
	if err != nil {
		return nil, backend.Errorf(backend.EUNAVAILABLE, "The account is busy (a check is renewing its tokens).").WithHint("Try again in a moment.")
	}
	return unlock, nil
}
