package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
	"github.com/tokenwarden/tokenwarden/backend/notify"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// fixture is a database with one client and accounts, a fake clock and a
// sender that records what it shows.
type fixture struct {
	t      *testing.T
	path   string
	db     *sqlite.DB
	client *backend.Client
	now    time.Time
	sender *recorder
}

type recorder struct {
	mu   sync.Mutex
	sent []notify.Notification
	err  error
}

func (r *recorder) Send(_ context.Context, n notify.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.sent = append(r.sent, n)
	return nil
}

func (r *recorder) take() []notify.Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sent
	r.sent = nil
	return out
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, path: filepath.Join(t.TempDir(), "tokenwarden.db"), now: t0, sender: &recorder{}}
	f.open()
	f.client = &backend.Client{ID: backend.NewID("cli"), Name: "Acme Bakery", CreatedAt: t0}
	f.update(func(tx backend.NotifyTx) error { return tx.InsertClient(f.client) })
	return f
}

func (f *fixture) open() {
	f.t.Helper()
	db, err := sqlite.Open(f.path)
	if err != nil {
		f.t.Fatal(err)
	}
	f.db = db
	f.t.Cleanup(func() { db.Close() })
}

// reopen closes the database and opens it again, like a restart.
func (f *fixture) reopen() {
	f.t.Helper()
	if err := f.db.Close(); err != nil {
		f.t.Fatal(err)
	}
	f.open()
}

func (f *fixture) update(fn func(backend.NotifyTx) error) {
	f.t.Helper()
	if err := f.db.NotifyUpdate(context.Background(), fn); err != nil {
		f.t.Fatal(err)
	}
}

// notifier is a fresh Notifier, as a new process would make.
func (f *fixture) notifier() *notify.Notifier {
	return &notify.Notifier{Store: f.db, Sender: f.sender, Now: func() time.Time { return f.now }}
}

func (f *fixture) account(provider, label string, by *time.Time) *backend.Account {
	f.t.Helper()
	a := &backend.Account{ID: backend.NewID("acc"), ClientID: f.client.ID, Provider: provider, Label: label,
		ExpiresAt: by, CreatedAt: t0, UpdatedAt: t0}
	f.update(func(tx backend.NotifyTx) error { return tx.InsertAccount(a) })
	return a
}

func candidate(f *fixture, a *backend.Account) notify.Candidate {
	status := backend.StatusHealthy
	if a.Invalid {
		status = backend.StatusInvalid
	}
	return notify.Candidate{AccountID: a.ID, ClientID: a.ClientID, ClientName: f.client.Name, Provider: a.Provider,
		ProviderName: strings.ToUpper(a.Provider[:1]) + a.Provider[1:], Label: a.Label, Status: status,
		ReconnectBy: a.ExpiresAt, Invalid: a.Invalid, Reason: a.Reason}
}

func (f *fixture) run(accounts ...*backend.Account) []notify.Notification {
	f.t.Helper()
	var entries []notify.Candidate
	for _, a := range accounts {
		entries = append(entries, candidate(f, a))
	}
	shown, err := f.notifier().Run(context.Background(), entries)
	if err != nil {
		f.t.Fatalf("Run at %v: %v", f.now, err)
	}
	if got := f.sender.take(); !reflect.DeepEqual(got, shown) {
		f.t.Fatalf("Run returned %d notifications, sent %d", len(shown), len(got))
	}
	return shown
}

func (f *fixture) events(kind string) []*backend.Event {
	f.t.Helper()
	var out []*backend.Event
	err := f.db.View(context.Background(), func(tx backend.Tx) error {
		var err error
		out, err = tx.Events(backend.EventFilter{Kind: kind})
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func ptr(t time.Time) *time.Time { return &t }

func TestRunSendsOnceAcrossRestarts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fb := f.account("facebook", "Acme Page", ptr(t0.Add(10*day)))

	var log []string
	for d := time.Duration(0); d <= 11*day; d += 6 * time.Hour {
		f.now = t0.Add(d)
		for _, n := range f.run(fb) {
			log = append(log, d.String()+" "+n.Items[0].Threshold)
		}
		if d == 8*day {
			f.reopen() // a restart: state comes back from SQLite only
		}
	}
	want := []string{"72h0m0s 7d", "168h0m0s 3d", "216h0m0s 1d", "240h0m0s passed"}
	if !reflect.DeepEqual(log, want) {
		t.Errorf("sent %q, want %q", log, want)
	}
	events := f.events(backend.EventNotificationSent)
	if len(events) != 4 {
		t.Fatalf("%d notification.sent events, want 4", len(events))
	}
	e := events[0] // newest: passed
	if e.Outcome != backend.OutcomeOK || e.AccountID != fb.ID || e.ClientName != "Acme Bakery" || e.AccountLabel != "Acme Page" ||
		e.Provider != "facebook" || e.Reason != backend.ReasonExpired || e.Message != "Notified: Facebook · Acme Page." {
		t.Errorf("event %+v", e)
	}
	if ids, _ := e.Details["account_ids"].([]any); len(ids) != 1 || ids[0] != fb.ID ||
		!strings.HasPrefix(e.Details["notification_id"].(string), "tw-"+f.client.ID+"-") {
		t.Errorf("details %v", e.Details)
	}
}

func TestRunGroupsAndReconnectRearms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fb := f.account("facebook", "Acme Page", ptr(t0.Add(2*day)))
	ig := f.account("instagram", "@acme", ptr(t0.Add(5*day)))
	li := f.account("linkedin", "Acme Ltd", nil)
	li.Invalid, li.Reason = true, backend.ReasonRevoked
	notes := f.run(fb, ig, li)
	if len(notes) != 1 || notes[0].Title != "Acme Bakery: 3 accounts need you" || notes[0].PrimaryAccountID != li.ID {
		t.Fatalf("%+v", notes)
	}
	if got := f.run(fb, ig, li); len(got) != 0 {
		t.Fatalf("sent again: %+v", got)
	}
	// Reconnecting moves Facebook's date: its thresholds are armed again.
	fb.ExpiresAt = ptr(t0.Add(60 * day))
	f.now = t0.Add(time.Hour)
	if got := f.run(fb, ig, li); len(got) != 0 {
		t.Fatalf("after reconnect: %+v", got)
	}
	f.now = t0.Add(53 * day)
	notes = f.run(fb, ig, li)
	if len(notes) != 1 || notes[0].PrimaryAccountID != ig.ID || len(notes[0].Items) != 2 || notes[0].Items[1].AccountID != fb.ID {
		t.Fatalf("after 53 days: %+v", notes)
	}
	// Instagram has passed, Facebook crossed 7 days.
	if notes[0].Items[0].Threshold != "passed" || notes[0].Items[1].Threshold != "7d" {
		t.Errorf("items %+v", notes[0].Items)
	}
}

func TestRunTwoClients(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other := &backend.Client{ID: backend.NewID("cli"), Name: "Globex", CreatedAt: t0}
	f.update(func(tx backend.NotifyTx) error { return tx.InsertClient(other) })
	a := f.account("facebook", "Acme Page", ptr(t0.Add(day)))
	b := f.account("x", "@globex", ptr(t0.Add(-day)))
	b.ClientID = other.ID
	cb := candidate(f, b)
	cb.ClientName = "Globex"
	shown, err := f.notifier().Run(context.Background(), []notify.Candidate{candidate(f, a), cb})
	if err != nil || len(shown) != 2 || shown[0].ClientName != "Globex" || shown[1].ClientName != "Acme Bakery" {
		t.Fatalf("%+v, %v", shown, err)
	}
}

func TestRunSendFailureRetriesAndLogsOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fb := f.account("facebook", "Acme Page", ptr(t0.Add(2*day)))
	f.sender.err = errors.New("no notification daemon")
	entries := []notify.Candidate{candidate(f, fb)}
	for i := range 3 {
		f.now = t0.Add(time.Duration(i) * time.Hour)
		shown, err := f.notifier().Run(context.Background(), entries)
		if len(shown) != 0 || err == nil || !strings.Contains(err.Error(), "no notification daemon") {
			t.Fatalf("run %d: %v, %v", i, shown, err)
		}
	}
	failed := f.events(backend.EventNotificationSent)
	if len(failed) != 1 || failed[0].Outcome != backend.OutcomeFailed ||
		failed[0].Message != "Could not show the notification about Facebook · Acme Page: no notification daemon" {
		t.Fatalf("failure events %+v", failed)
	}
	// A day later it is logged again.
	f.now = t0.Add(25 * time.Hour)
	f.notifier().Run(context.Background(), entries)
	if n := len(f.events(backend.EventNotificationSent)); n != 2 {
		t.Errorf("%d events after a day, want 2", n)
	}
	// Once the daemon is back, it is shown, at the threshold now due.
	f.sender.err = nil
	f.now = t0.Add(26 * time.Hour)
	notes := f.run(fb)
	if len(notes) != 1 || notes[0].Items[0].Threshold != "1d" {
		t.Fatalf("%+v", notes)
	}
}

func TestRunSkipsWhatAnotherProcessSent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fb := f.account("facebook", "Acme Page", ptr(t0.Add(2*day)))
	entries := []notify.Candidate{candidate(f, fb)}
	// Another process sent it and recorded it.
	slow := &notify.Notifier{Store: f.db, Now: func() time.Time { return f.now },
		Sender: notify.SenderFunc(func(ctx context.Context, n notify.Notification) error {
			t.Errorf("sent %s, already sent by another process", n.ID)
			return nil
		})}
	if shown, err := f.notifier().Run(context.Background(), entries); err != nil || len(shown) != 1 {
		t.Fatalf("the first process showed %v, %v", shown, err)
	}
	if shown, err := slow.Run(context.Background(), entries); err != nil || len(shown) != 0 {
		t.Fatalf("%v, %v", shown, err)
	}

	// Many processes at once, each with its own database handle, started
	// together: exactly one shows it.
	f.now = t0.Add(day + time.Hour) // 1d is due
	start := filepath.Join(t.TempDir(), "start")
	spec, err := json.Marshal(childSpec{DB: f.path, Start: start, Now: f.now, Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	const processes = 6
	outs := make([]*strings.Builder, processes)
	cmds := make([]*exec.Cmd, processes)
	for i := range processes {
		outs[i] = &strings.Builder{}
		cmds[i] = exec.Command(os.Args[0], "-test.run", "^$")
		cmds[i].Env = append(os.Environ(), "TOKENWARDEN_NOTIFY_CHILD="+string(spec))
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(start, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	total := 0
	pids := map[int]bool{}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("notifier process %d: %v\n%s", i, err, outs[i])
		}
		pids[cmd.Process.Pid] = true
		total += strings.Count(outs[i].String(), "sent ")
	}
	if len(pids) != processes || pids[os.Getpid()] {
		t.Fatalf("the notifiers did not run in %d separate processes: %v", processes, pids)
	}
	if total != 1 {
		t.Errorf("shown %d times by %d processes, want 1", total, processes)
	}
}

func TestRunQuietHoursHoldsUntilEnd(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := backend.DefaultSettings()
	s.QuietHours = backend.QuietHours{Enabled: true, Start: "22:00", End: "08:00"}
	if _, err := f.db.SaveSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	fb := f.account("facebook", "Acme Page", nil)
	fb.Invalid, fb.Reason = true, backend.ReasonPasswordChanged
	for _, tm := range []string{"2026-03-02T22:00:00Z", "2026-03-03T03:00:00Z", "2026-03-03T07:59:59Z"} {
		f.now, _ = time.Parse(time.RFC3339, tm)
		if got := f.run(fb); len(got) != 0 {
			t.Fatalf("%s: sent in quiet hours", tm)
		}
	}
	f.now = time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)
	if got := f.run(fb); len(got) != 1 || got[0].Title != "Acme Bakery: Facebook stopped working" {
		t.Fatalf("at 08:00: %+v", got)
	}
}

func TestRunGlobalOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := backend.DefaultSettings()
	s.Enabled = false
	if _, err := f.db.SaveSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	fb := f.account("facebook", "Acme Page", ptr(t0.Add(-day)))
	if got := f.run(fb); len(got) != 0 {
		t.Fatalf("sent while off: %+v", got)
	}
	s.Enabled = true
	if _, err := f.db.SaveSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if got := f.run(fb); len(got) != 1 {
		t.Fatalf("after switching on: %+v", got)
	}
}

func TestSnooze(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{notify.SnoozeDay, notify.SnoozeWeek} {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			fb := f.account("facebook", "Acme Page", nil)
			fb.Invalid, fb.Reason = true, backend.ReasonRevoked
			until, err := f.notifier().Snooze(context.Background(), fb.ID, d)
			if err != nil || !until.Equal(t0.Add(d)) {
				t.Fatalf("Snooze = %v, %v", until, err)
			}
			snoozes, err := f.notifier().Snoozes(context.Background())
			if err != nil || !snoozes[fb.ID].Equal(until) {
				t.Fatalf("Snoozes = %v, %v", snoozes, err)
			}
			f.now = t0.Add(d - time.Second)
			if got := f.run(fb); len(got) != 0 {
				t.Fatal("sent while snoozed")
			}
			f.now = t0.Add(d)
			if got := f.run(fb); len(got) != 1 {
				t.Fatal("not sent when the snooze ended")
			}
			if snoozes, _ := f.notifier().Snoozes(context.Background()); len(snoozes) != 0 {
				t.Errorf("ended snooze still listed: %v", snoozes)
			}
			e := f.events(backend.EventAccountSnoozed)
			words := map[time.Duration]string{notify.SnoozeDay: "1 day, until Tue 3 Mar 12:00", notify.SnoozeWeek: "1 week, until Mon 9 Mar 12:00"}[d]
			if len(e) != 1 || e[0].Message != "Notifications for Acme Page snoozed for "+words+"." || e[0].ClientName != "Acme Bakery" {
				t.Errorf("events %+v", e)
			}
		})
	}
}

func TestSnoozeClear(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fb := f.account("facebook", "Acme Page", nil)
	fb.Invalid, fb.Reason = true, backend.ReasonRevoked
	n := f.notifier()
	if _, err := n.Snooze(context.Background(), fb.ID, notify.SnoozeWeek); err != nil {
		t.Fatal(err)
	}
	if got := f.run(fb); len(got) != 0 {
		t.Fatal("sent while snoozed")
	}
	if until, err := n.Snooze(context.Background(), fb.ID, 0); err != nil || !until.IsZero() {
		t.Fatalf("clear: %v, %v", until, err)
	}
	if got := f.run(fb); len(got) != 1 {
		t.Fatal("not sent after clearing the snooze")
	}
	e := f.events(backend.EventAccountSnoozed)
	if len(e) != 2 || e[0].Message != "Notifications for Acme Page resumed." {
		t.Errorf("events %+v", e)
	}
}

func TestSnoozeRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fb := f.account("facebook", "Acme Page", nil)
	n := f.notifier()
	for _, tt := range []struct {
		id   string
		d    time.Duration
		code string
	}{
		{fb.ID, -time.Hour, backend.EINVALID},
		{fb.ID, time.Second, backend.EINVALID},
		{fb.ID, 31 * day, backend.EINVALID},
		{"acc_../x", notify.SnoozeDay, backend.EINVALID},
		{"", notify.SnoozeDay, backend.EINVALID},
		{backend.NewID("acc"), notify.SnoozeDay, backend.ENOTFOUND},
	} {
		if _, err := n.Snooze(context.Background(), tt.id, tt.d); backend.ErrorCode(err) != tt.code {
			t.Errorf("Snooze(%q, %v) = %v, want %s", tt.id, tt.d, err, tt.code)
		}
	}
	if e := f.events(backend.EventAccountSnoozed); len(e) != 0 {
		t.Errorf("events written for refused snoozes: %+v", e)
	}
}

func TestRecordAction(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fb := f.account("facebook", "Acme Page", nil)
	n := f.notifier()
	for _, action := range []string{"open", deeplink.ActionReconnect, deeplink.ActionFix} {
		if err := n.RecordAction(context.Background(), fb.ID, action); err != nil {
			t.Fatal(err)
		}
	}
	e := f.events(backend.EventNotificationActed)
	// Newest first.
	if len(e) != 3 || e[1].Message != "Reconnect clicked in a notification for Acme Page." || e[1].Details["action"] != "reconnect" ||
		e[2].Message != "Opened from a notification: Acme Page." || e[2].Outcome != backend.OutcomeInfo || e[2].ClientName != "Acme Bakery" ||
		e[0].Details["action"] != "fix" {
		t.Fatalf("events %+v", e)
	}
	for _, tt := range []struct{ id, action, code string }{
		{fb.ID, "delete", backend.EINVALID},
		{fb.ID, "", backend.EINVALID},
		{fb.ID, notify.ActionIDReconnect, backend.EINVALID},
		{"acc_../x", "open", backend.EINVALID},
		{backend.NewID("acc"), "reconnect", backend.ENOTFOUND},
	} {
		if err := n.RecordAction(context.Background(), tt.id, tt.action); backend.ErrorCode(err) != tt.code {
			t.Errorf("RecordAction(%q, %q) = %v, want %s", tt.id, tt.action, err, tt.code)
		}
	}
}

func TestSettingsPersist(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	got, err := f.db.Settings(ctx)
	if err != nil || !reflect.DeepEqual(got, backend.DefaultSettings()) {
		t.Fatalf("before any save: %+v, %v", got, err)
	}
	s := backend.Settings{Enabled: true, Thresholds: []int{1, 14}, WarningDays: 14, StartAtLogin: true,
		QuietHours: backend.QuietHours{Enabled: true, Start: "21:30", End: "7:15"}}
	saved, err := f.db.SaveSettings(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	want := backend.Settings{Enabled: true, Thresholds: []int{14, 1}, WarningDays: 14, StartAtLogin: true,
		QuietHours: backend.QuietHours{Enabled: true, Start: "21:30", End: "07:15"}}
	if !reflect.DeepEqual(saved, want) {
		t.Errorf("saved %+v, want %+v", saved, want)
	}
	f.reopen()
	if got, err := f.db.Settings(ctx); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("after restart %+v, %v", got, err)
	}
	// Bad input changes nothing.
	bad := want
	bad.QuietHours.End = "7pm"
	if _, err := f.db.SaveSettings(ctx, bad); backend.ErrorCode(err) != backend.EINVALID {
		t.Errorf("bad save: %v", err)
	}
	if got, _ := f.db.Settings(ctx); !reflect.DeepEqual(got, want) {
		t.Errorf("after a refused save %+v", got)
	}
	// The Notifier uses the stored settings.
	fb := f.account("facebook", "Acme Page", ptr(t0.Add(10*day)))
	if got := f.run(fb); len(got) != 1 || got[0].Items[0].Threshold != "14d" {
		t.Errorf("with a 14-day reminder: %+v", got)
	}
}

func TestDeletedAccountLeavesNoState(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fb := f.account("facebook", "Acme Page", ptr(t0.Add(day)))
	f.run(fb)
	if _, err := f.notifier().Snooze(context.Background(), fb.ID, notify.SnoozeDay); err != nil {
		t.Fatal(err)
	}
	f.update(func(tx backend.NotifyTx) error { return tx.DeleteAccount(fb.ID) })
	st, err := notify.LoadState(context.Background(), f.db)
	if err != nil || len(st.Sent) != 0 || len(st.Snoozes) != 0 {
		t.Errorf("state after delete: %+v, %v", st, err)
	}
	// A run with a stale list (the account deleted meanwhile) leaves it out.
	ig := f.account("instagram", "@acme", ptr(t0.Add(day)))
	got := f.run(fb, ig)
	if len(got) != 1 || !reflect.DeepEqual(got[0].AccountIDs, []string{ig.ID}) || got[0].Title != "Acme Bakery: reconnect Instagram in 24 hours" {
		t.Fatalf("got %+v", got)
	}
	if got := f.run(fb); len(got) != 0 {
		t.Errorf("sent about a deleted account: %+v", got)
	}
}
