// Package wire builds Tokenwarden's backend over one data folder: the one
// place that knows which implementation serves each domain interface. The
// window, the command line and the end-to-end tests all open data through
// it, so they cannot drift apart.
package wire

import (
	"os"
	"path/filepath"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/keychain"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
	"github.com/tokenwarden/tokenwarden/backend/providers"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// Open opens (creating if needed) the data folder and wires the accounts
// service over its database, the OS keychain and the provider catalogue.
// The warnings are problems in providers.yaml: the app runs on without the
// broken entries. The caller closes db.
func Open(dataDir string) (svc *accounts.Service, db *sqlite.DB, warnings []error, err error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, nil, nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot create the data folder %s: %v.", dataDir, err)
	}
	db, err = sqlite.Open(filepath.Join(dataDir, "tokenwarden.db"))
	if err != nil {
		return nil, nil, nil, err
	}
	catalogue, warnings := providers.Load(dataDir)
	secrets, err := keychain.Open(dataDir)
	if err != nil {
		db.Close()
		return nil, nil, warnings, err
	}
	svc = accounts.New(db, secrets, catalogue, db)
	svc.DataDir = dataDir
	svc.Authorizer = oauth.Authorizer{}
	svc.Platforms = providers.PlatformFor
	svc.Discover = oauth.FillFromDiscovery
	svc.CustomProviders = catalogue
	return svc, db, warnings, nil
}

// Monitor builds the token checker over the service's data and clock.
func Monitor(svc *accounts.Service) *monitor.Monitor {
	return &monitor.Monitor{
		Store: svc.Store, Secrets: svc.Secrets, Providers: svc.Providers, Credentials: svc.Credentials,
		Checkers: providers.CheckerFor, RetryAfterOf: providers.RetryAfter,
		TooSoon: providers.ErrTooSoon, Discover: oauth.FillFromDiscovery, DataDir: svc.DataDir, Settings: svc.Settings, Now: svc.Now,
	}
}
