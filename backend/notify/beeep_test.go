package notify

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tokenwarden/tokenwarden/backend"
)

const notificationsName = "org.freedesktop.Notifications"

// TestBeeepSenderDunst sends through beeep to a real notification daemon
// and reads the notification back from dunst's history. It runs when a
// daemon is on the session bus, or when TOKENWARDEN_REQUIRE_DUNST=1, in
// which case it starts dunst itself if no daemon is there (dunst needs an X
// display) and fails instead of skipping. In CI:
//
//	TOKENWARDEN_REQUIRE_DUNST=1 xvfb-run -a scripts/with-keyring go test -run Dunst ./backend/notify/
func TestBeeepSenderDunst(t *testing.T) {
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
	// A private connection, to ask the bus; beeep uses the shared one.
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
	marker := backend.NewID("test")
	n := Plan(t0, []Candidate{broken(cand(accFB, nil), backend.ReasonPasswordChanged)}, emptyState(), backend.DefaultSettings())[0]
	n.Title += " " + marker
	if err := (BeeepSender{}).Send(ctx, n); err != nil {
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
	wantBody := n.Body + "\n\n" + BeeepFooter
	if got["summary"].Data != n.Title || got["body"].Data != wantBody || got["appname"].Data != AppName {
		t.Errorf("dunst shows summary %q, body %q, app %q\nwant %q, %q, %q",
			got["summary"].Data, got["body"].Data, got["appname"].Data, n.Title, wantBody, AppName)
	}
	if !strings.HasSuffix(got["body"].Data.(string), "Open Tokenwarden to reconnect.") {
		t.Errorf("body does not end with the footer: %q", got["body"].Data)
	}

	// A cancelled context returns at once.
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	if err := (BeeepSender{}).Send(cancelled, n); err == nil {
		t.Error("Send with a cancelled context succeeded")
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
