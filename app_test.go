package main

import (
	"context"
	"errors"
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

// fakeDesktop records what the facade asks of the window.
type fakeDesktop struct {
	mu     sync.Mutex
	shown  int
	opened []string
	events []string
	// sender, when set, stands for the platform's notifications.
	sender notify.Sender
	// saveAs, openFile and folder are what the file dialogs answer ("":
	// cancelled); asked records each dialog's title and proposed name.
	saveAs, openFile, folder string
	asked                    []string
	openedPaths              []string
}

func (d *fakeDesktop) OpenURL(u string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opened = append(d.opened, u)
	return nil
}

func (d *fakeDesktop) Emit(name string, _ ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.events = append(d.events, name)
}

func (d *fakeDesktop) SaveFile(title, _, name string, _ []fileFilter) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, title+": "+name)
	return d.saveAs, nil
}

func (d *fakeDesktop) OpenFile(title string, _ []fileFilter) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, title)
	return d.openFile, nil
}

func (d *fakeDesktop) ChooseFolder(title, _ string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, title)
	return d.folder, nil
}

func (d *fakeDesktop) OpenPath(p string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.openedPaths = append(d.openedPaths, p)
	return nil
}

func (d *fakeDesktop) Show() { d.mu.Lock(); d.shown++; d.mu.Unlock() }
func (d *fakeDesktop) Quit() {}
func (d *fakeDesktop) Hide() {}
func (d *fakeDesktop) Notifications(notify.ResponseFunc) (notify.Sender, error) {
	if d.sender == nil {
		return nil, errors.New("no notifications in tests")
	}
	return d.sender, nil
}

// newTestWindow wires the services as main.go does, over a fresh data
// folder with an in-memory keychain, and starts them as the window does.
func newTestWindow(t *testing.T) (*window, *fakeDesktop, *accounts.Service) {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := accounts.New(db, keychaintest.New(), providers.Builtin(), db)
	svc.DataDir = dir
	w := newWindow(dir, svc, db, nil, nil)
	d := &fakeDesktop{}
	w.app.startup(context.Background(), d)
	t.Cleanup(w.app.shutdown)
	return w, d, svc
}

func newTestApp(t *testing.T) (*App, *fakeDesktop, *accounts.Service) {
	t.Helper()
	w, d, svc := newTestWindow(t)
	return w.app, d, svc
}

func TestHandleLink(t *testing.T) {
	app, d, svc := newTestApp(t)
	ctx := context.Background()
	c, _ := svc.AddClient(ctx, "Acme")
	exp := time.Now().Add(48 * time.Hour)
	acc, err := svc.ImportAccount(ctx, accounts.ImportRequest{ClientID: c.ID, Provider: "x", Label: "Acme X",
		Token: backend.Token{AccessToken: "x-token", ExpiresAt: &exp}})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"tokenwarden://delete/" + acc.ID,
		"tokenwarden://open/" + acc.ID + "?evil=1",
		"tokenwarden://open/acc_nosuchaccnt",
		"https://example.com/open/" + acc.ID,
	} {
		if err := app.HandleLink(bad); err == nil {
			t.Errorf("HandleLink(%q) succeeded", bad)
		}
	}
	if d.shown != 0 || len(d.events) != 0 {
		t.Fatalf("bad links acted: shown %d, events %v", d.shown, d.events)
	}
	if err := app.HandleLink("tokenwarden://open/" + acc.ID); err != nil {
		t.Fatal(err)
	}
	if d.shown != 1 || len(d.events) != 1 || d.events[0] != EventFocusAccount {
		t.Errorf("open link: shown %d, events %v", d.shown, d.events)
	}
}

func TestSecondInstanceBringsWindowForward(t *testing.T) {
	app, d, _ := newTestApp(t)
	app.secondInstance([]string{"--data-dir", "/x"})
	if d.shown != 1 || len(d.events) != 0 {
		t.Errorf("second launch without a link: shown %d, events %v", d.shown, d.events)
	}
	app.secondInstance([]string{"tokenwarden://open/acc_nosuchaccnt"})
	if d.shown != 2 || len(d.events) != 0 {
		t.Errorf("second launch with an unknown account: shown %d, events %v", d.shown, d.events)
	}
	app.secondInstance([]string{"--hidden"})
	if d.shown != 2 {
		t.Errorf("the login item started again showed the window")
	}
}

// TestFixLink: a fix link (a notification's Fix button) brings the window
// forward and asks it to offer the fixing, for a client that exists or for
// everyone; an unknown client does nothing.
func TestFixLink(t *testing.T) {
	app, d, svc := newTestApp(t)
	c, _ := svc.AddClient(context.Background(), "Acme")
	if err := app.HandleLink("tokenwarden://fix/cli_nosuchclint"); err == nil || d.shown != 0 || len(d.events) != 0 {
		t.Fatalf("unknown client: %v, shown %d, events %v", err, d.shown, d.events)
	}
	for i, link := range []string{"tokenwarden://fix/" + c.ID, "tokenwarden://fix/all"} {
		if err := app.HandleLink(link); err != nil {
			t.Fatal(err)
		}
		if d.shown != i+1 || len(d.events) != i+1 || d.events[i] != EventFixClient {
			t.Errorf("%s: shown %d, events %v", link, d.shown, d.events)
		}
	}
}
