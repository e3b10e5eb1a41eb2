package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/keychain/keychaintest"
	"github.com/tokenwarden/tokenwarden/backend/notify"
	"github.com/tokenwarden/tokenwarden/backend/providers"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// sent records the notifications the window shows.
type sent struct {
	mu    sync.Mutex
	notes []notify.Notification
}

func (s *sent) Send(_ context.Context, n notify.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notes = append(s.notes, n)
	return nil
}

func (s *sent) all() []notify.Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]notify.Notification(nil), s.notes...)
}

// rejects is a platform that rejects the tokens of some accounts and
// accepts the others, as the launch's first checks find them.
type rejects struct{ tokens map[string]bool }

func (r rejects) Validate(_ context.Context, _ *backend.Provider, _ backend.Credentials, token string) (*backend.Validation, error) {
	if r.tokens[token] {
		return &backend.Validation{Valid: false, Reason: backend.ReasonRevoked}, nil
	}
	return &backend.Validation{Valid: true}, nil
}

func (rejects) Refresh(context.Context, *backend.Provider, backend.Credentials, string, string) (*backend.Grant, error) {
	return nil, backend.ErrNoRefresh
}

// launch opens the window over the data folder as a launch does (startup,
// then the page loads) and returns what it notified: once the first
// notification came when one is expected (up to 20 s; the checks are paced
// a second apart) and
// 4 s more passed without another, which is longer than the 2 s after
// a check that notifications wait.
func launch(t *testing.T, dir string, platform backend.Checker, expectSome bool) []notify.Notification {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(dir, "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := accounts.New(db, launchKeychain, providers.Builtin(), db)
	svc.DataDir = dir
	w := newWindow(dir, svc, db, nil, nil)
	w.app.monitor.Checkers = func(*backend.Provider) backend.Checker { return platform }
	w.app.status = nil // no tray in this test
	out := &sent{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w.app.startup(ctx, &fakeDesktop{sender: out})
	defer w.app.shutdown()
	w.app.domReady()
	for deadline := time.Now().Add(20 * time.Second); expectSome && len(out.all()) == 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(4 * time.Second)
	return out.all()
}

// keychain is shared by the launches, as the OS keychain is.
var launchKeychain = keychaintest.New()

// TestLaunchNotifiesOncePerClient: five accounts due at two clients, two of
// which the launch's first checks find broken, make two notifications
// (one per client, critical), not a burst; the next launch sends nothing
// for what was already notified.
func TestLaunchNotifiesOncePerClient(t *testing.T) {
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	svc := accounts.New(db, launchKeychain, providers.Builtin(), db)
	ctx := context.Background()
	in2d := time.Now().Add(48 * time.Hour)
	broken := map[string]bool{}
	for i, a := range []struct{ client, label string }{
		{"Acme Bakery", "Page"}, {"Acme Bakery", "Ads"}, {"Acme Bakery", "Shop"},
		{"Blue Dental", "Page"}, {"Blue Dental", "Ads"},
	} {
		c, err := svc.AddClient(ctx, a.client)
		if backend.ErrorCode(err) == backend.ECONFLICT {
			cs, _ := svc.Clients(ctx)
			for _, x := range cs {
				if x.Name == a.client {
					c = x
				}
			}
		} else if err != nil {
			t.Fatal(err)
		}
		token := fmt.Sprintf("launch-token-%d", i)
		if i == 1 || i == 4 {
			broken[token] = true
		}
		if _, err := svc.ImportAccount(ctx, accounts.ImportRequest{ClientID: c.ID, Provider: "x", Label: a.label,
			Token: backend.Token{AccessToken: token, ExpiresAt: &in2d}}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	first := launch(t, dir, rejects{broken}, true)
	perClient := map[string]int{}
	for _, n := range first {
		perClient[n.ClientName]++
		t.Logf("notified: %s (urgency %d)", n.Title, n.Urgency)
	}
	if len(first) != 2 || perClient["Acme Bakery"] != 1 || perClient["Blue Dental"] != 1 {
		t.Fatalf("the launch sent %d notifications %v, want one per client", len(first), perClient)
	}
	for _, n := range first {
		if len(n.Items) != map[string]int{"Acme Bakery": 3, "Blue Dental": 2}[n.ClientName] || n.Urgency != notify.UrgencyCritical {
			t.Errorf("%s: %d accounts, urgency %d", n.Title, len(n.Items), n.Urgency)
		}
	}
	if again := launch(t, dir, rejects{broken}, false); len(again) != 0 {
		t.Errorf("the next launch sent %d notifications for what was notified already: %q", len(again), again[0].Title)
	}
}
