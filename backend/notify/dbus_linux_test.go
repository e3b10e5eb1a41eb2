//go:build linux

package notify

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tokenwarden/tokenwarden/backend"
)

const notificationsName = "org.freedesktop.Notifications"

// hostile is a label and client name that would be a link and an image to
// a daemon reading markup.
const hostile = `<a href="x">Acme</a> & <img src=y>`

func TestEscapeMarkup(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"Acme Bakery", "Acme Bakery"},
		{hostile, `&lt;a href="x"&gt;Acme&lt;/a&gt; &amp; &lt;img src=y&gt;`},
		{"&amp;", "&amp;amp;"},
		{"<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"},
		{"Café · 2 < 3", "Café · 2 &lt; 3"},
	} {
		if got := EscapeMarkup(tt.in); got != tt.want {
			t.Errorf("EscapeMarkup(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// standIn is a notification daemon on the test's bus: it records each
// Notify call and answers with ids from 1.
type standIn struct {
	caps  []string
	calls chan notifyCall
	next  uint32
}

type notifyCall struct {
	AppName, AppIcon, Summary, Body string
	Actions                         []string
	Hints                           map[string]dbus.Variant
	ID                              uint32
}

func (d *standIn) GetCapabilities() ([]string, *dbus.Error) { return d.caps, nil }

func (d *standIn) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	d.next++
	d.calls <- notifyCall{app, icon, summary, body, actions, hints, d.next}
	return d.next, nil
}

// ownNotifications puts a stand-in daemon with caps on the session bus.
func ownNotifications(t *testing.T, caps []string) (*dbus.Conn, *standIn) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if os.Getenv("TOKENWARDEN_REQUIRE_KEYRING") != "" {
			t.Fatal("no session bus; run under scripts/with-keyring")
		}
		t.Skip("no session bus; run under scripts/with-keyring")
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	d := &standIn{caps: caps, calls: make(chan notifyCall, 8)}
	if err := conn.Export(d, dbusPath, dbusName); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(dbusName, dbus.NameFlagDoNotQueue)
	if err != nil {
		t.Fatal(err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		t.Skip("another notification daemon owns the name on this bus")
	}
	t.Cleanup(func() { _, _ = conn.ReleaseName(dbusName) })
	return conn, d
}

// TestDBusSender sends the notifications Plan makes to a stand-in daemon
// and checks what a daemon receives: urgency, icon, buttons and a body
// whose markup is escaped; then the daemon reports clicks as dunst does.
// Not parallel: the tests take turns owning the daemon's name.
func TestDBusSender(t *testing.T) {
	conn, daemon := ownNotifications(t, []string{"body", "body-markup", "actions"})
	responses := make(chan [2]any, 4)
	icon, err := os.ReadFile("../tray/icon.png")
	if err != nil {
		t.Fatal(err)
	}
	s, err := DialDBus(icon, func(actionID string, data map[string]any) { responses <- [2]any{actionID, data} })
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	evil := broken(cand(accFB, nil), backend.ReasonRevoked)
	evil.Label, evil.ClientName = hostile, hostile
	deadline := cand(accIG, at(2*day))
	notes := Plan(t0, []Candidate{evil, deadline}, emptyState(), backend.DefaultSettings())
	if len(notes) != 1 {
		t.Fatalf("%d notes", len(notes))
	}
	n := notes[0] // one client (cliA), two accounts: critical, with Fix
	ctx := context.Background()
	if err := s.Send(ctx, n); err != nil {
		t.Fatal(err)
	}
	call := <-daemon.calls
	img, _ := call.Hints["image-data"].Value().([]any)
	if call.AppName != AppName || call.Summary != n.Title || call.Body != EscapeMarkup(n.Body) ||
		strings.Contains(call.Body, "<") || !strings.Contains(call.Body, "&lt;a href") ||
		call.Hints["urgency"].Value() != byte(2) || len(img) != 7 || img[0] != int32(64) || img[1] != int32(64) ||
		!slices.Equal(call.Actions, []string{"default", "Open", ActionIDFix, "Fix 2 accounts"}) {
		t.Errorf("daemon got %q %q %q actions %q urgency %v image %d fields", call.AppName, call.Summary, call.Body,
			call.Actions, call.Hints["urgency"].Value(), len(img))
	}

	emit := func(id uint32, key string) {
		t.Helper()
		if err := conn.Emit(dbusPath, dbusName+".ActionInvoked", id, key); err != nil {
			t.Fatal(err)
		}
	}
	// A button this notification does not have, and a notification never
	// sent, do nothing; Fix does what it says.
	emit(call.ID, ActionIDReconnect)
	emit(call.ID+41, ActionIDFix)
	emit(call.ID, ActionIDFix)
	select {
	case r := <-responses:
		link, primary, err := ParseResponse(r[0].(string), r[1].(map[string]any))
		if err != nil || link.String() != "tokenwarden://fix/"+cliA || primary != accFB {
			t.Errorf("Fix click: %+v %q %v", link, primary, err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the Fix click never arrived")
	}
	// Once closed, its buttons are forgotten.
	if err := conn.Emit(dbusPath, dbusName+".NotificationClosed", call.ID, uint32(2)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	emit(call.ID, "default")
	select {
	case r := <-responses:
		t.Errorf("a closed notification's click went through: %v", r)
	case <-time.After(300 * time.Millisecond):
	}

	// A single deadline: normal urgency, Reconnect.
	single := Plan(t0, []Candidate{deadline}, emptyState(), backend.DefaultSettings())[0]
	if err := s.Send(ctx, single); err != nil {
		t.Fatal(err)
	}
	call = <-daemon.calls
	if call.Hints["urgency"].Value() != byte(1) || !slices.Equal(call.Actions, []string{"default", "Open", ActionIDReconnect, "Reconnect"}) {
		t.Errorf("deadline: urgency %v actions %q", call.Hints["urgency"].Value(), call.Actions)
	}
	emit(call.ID, "default")
	select {
	case r := <-responses:
		if link, _, err := ParseResponse(r[0].(string), r[1].(map[string]any)); err != nil || link.String() != "tokenwarden://open/"+accIG {
			t.Errorf("click: %+v %v", link, err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the click never arrived")
	}
}

// TestDBusSenderPlainDaemon: a daemon without buttons (or the command line)
// gets the footer instead, and escaped text still.
func TestDBusSenderPlainDaemon(t *testing.T) {
	_, daemon := ownNotifications(t, []string{"body"})
	evil := broken(cand(accFB, nil), backend.ReasonRevoked)
	evil.Label = hostile
	n := Plan(t0, []Candidate{evil}, emptyState(), backend.DefaultSettings())[0]
	if err := CommandLineSender(nil).Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	call := <-daemon.calls
	if call.Body != EscapeMarkup(n.Body+"\n\n"+FooterNoButtons) || len(call.Actions) != 0 || call.Hints["urgency"].Value() != byte(2) {
		t.Errorf("plain daemon got %q actions %q", call.Body, call.Actions)
	}
}

// TestDBusSenderDunst sends to a real notification daemon and reads the
// notification back from dunst's history. It runs when a daemon is on the
// session bus, or when TOKENWARDEN_REQUIRE_DUNST=1, in which case it starts
// dunst itself if no daemon is there (dunst needs an X display) and fails
// instead of skipping. In CI:
//
//	TOKENWARDEN_REQUIRE_DUNST=1 xvfb-run -a scripts/with-keyring go test -run Dunst ./backend/notify/
func TestDBusSenderDunst(t *testing.T) {
	required := os.Getenv("TOKENWARDEN_REQUIRE_DUNST") == "1"
	skip := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf("TOKENWARDEN_REQUIRE_DUNST=1 but "+format, args...)
		}
		t.Skipf(format+" (set TOKENWARDEN_REQUIRE_DUNST=1 to start dunst and require this test)", args...)
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		skip("no D-Bus session bus (run under scripts/with-keyring)")
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		skip("cannot connect to the session bus: %v", err)
	}
	defer conn.Close()
	owned := func() bool {
		var has bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, notificationsName).Store(&has)
		return err == nil && has
	}
	if !owned() {
		if !required {
			skip("no notification daemon on the session bus")
		}
		startDunst(t, skip, owned)
	}
	if _, err := exec.LookPath("dunstctl"); err != nil {
		skip("dunstctl not found, so the notification cannot be read back")
	}
	if out, err := exec.Command("dunstctl", "count", "history").CombinedOutput(); err != nil {
		skip("the notification daemon is not dunst: dunstctl: %v %s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	icon, err := os.ReadFile("../tray/icon.png")
	if err != nil {
		t.Fatal(err)
	}
	s, err := DialDBus(icon, func(string, map[string]any) {})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	marker := backend.NewID("test")
	evil := broken(cand(accFB, nil), backend.ReasonPasswordChanged)
	evil.Label, evil.ClientName = hostile, hostile
	n := Plan(t0, []Candidate{evil}, emptyState(), backend.DefaultSettings())[0]
	n.Title += " " + marker
	if err := s.Send(ctx, n); err != nil {
		t.Fatalf("Send: %v", err)
	}
	// Shown notifications reach the history when closed.
	var got map[string]dunstField
	deadline := time.Now().Add(5 * time.Second)
	for got == nil && time.Now().Before(deadline) {
		_ = exec.Command("dunstctl", "close-all").Run()
		got = findInHistory(t, n.Title)
		if got == nil {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if got == nil {
		t.Fatalf("notification %q not in dunst's history", n.Title)
	}
	// "message" is the Pango markup dunst draws: the label's tags must be
	// entities there, which Pango shows as typed.
	msg, _ := got["message"].Data.(string)
	t.Logf("dunst draws %q", msg)
	if got["summary"].Data != n.Title || got["body"].Data != EscapeMarkup(n.Body) || got["appname"].Data != AppName ||
		!strings.Contains(msg, EscapeMarkup(hostile)) {
		t.Errorf("dunst shows summary %q, body %q, app %q, message %q\nwant %q, %q, %q",
			got["summary"].Data, got["body"].Data, got["appname"].Data, msg, n.Title, EscapeMarkup(n.Body), AppName)
	}
}

// startDunst starts dunst on the session bus for the test, with an empty
// configuration, and stops it afterwards.
func startDunst(t *testing.T, skip func(string, ...any), owned func() bool) {
	t.Helper()
	if _, err := exec.LookPath("dunst"); err != nil {
		skip("no notification daemon and dunst is not installed")
	}
	if os.Getenv("DISPLAY") == "" {
		skip("no notification daemon, and no DISPLAY for dunst (run under xvfb-run -a)")
	}
	conf := filepath.Join(t.TempDir(), "dunstrc")
	if err := os.WriteFile(conf, []byte("[global]\n    history_length = 50\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dunst", "-config", conf)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dunst: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(5 * time.Second)
	for !owned() {
		select {
		case <-exited:
			t.Fatalf("dunst exited: %s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited // logs are complete only then
			t.Fatalf("dunst did not take %s within 5s: %s", notificationsName, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type dunstField struct {
	Type string `json:"type"`
	Data any    `json:"data"`
}

// findInHistory returns the entry of dunst's history with this summary.
func findInHistory(t *testing.T, summary string) map[string]dunstField {
	t.Helper()
	out, err := exec.Command("dunstctl", "history").Output()
	if err != nil {
		t.Fatalf("dunstctl history: %v", err)
	}
	var h struct {
		Data [][]map[string]dunstField `json:"data"`
	}
	if err := json.Unmarshal(out, &h); err != nil {
		t.Fatalf("dunstctl history: %v\n%s", err, out)
	}
	for _, list := range h.Data {
		for _, e := range list {
			if e["summary"].Data == summary {
				return e
			}
		}
	}
	return nil
}
