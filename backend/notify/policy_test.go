package notify

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// t0 is a Monday, noon UTC.
var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

const (
	accFB = "acc_facebook2222"
	accIG = "acc_instagram222"
	accLI = "acc_linkedin2222"
	accX  = "acc_xtwitter2222"
	cliA  = "cli_acmebakery22"
	cliB  = "cli_globexcorp22"
)

func at(d time.Duration) *time.Time { t := t0.Add(d); return &t }

const day = 24 * time.Hour

// cand is a healthy account of client A whose reconnect-by date is by.
func cand(id string, by *time.Time) Candidate {
	names := map[string][2]string{
		accFB: {"Facebook", "Acme Page"}, accIG: {"Instagram", "@acmebakery"},
		accLI: {"LinkedIn", "Acme Ltd"}, accX: {"X", "@acme"},
	}
	n := names[id]
	return Candidate{AccountID: id, ClientID: cliA, ClientName: "Acme Bakery", Provider: strings.ToLower(n[0]),
		ProviderName: n[0], Label: n[1], Status: backend.StatusHealthy, ReconnectBy: by}
}

func broken(c Candidate, reason string) Candidate {
	c.Invalid, c.Reason, c.Status = true, reason, backend.StatusInvalid
	return c
}

func emptyState() State {
	return State{Sent: map[backend.NotifyKey]time.Time{}, Snoozes: map[string]time.Time{}}
}

func sentState(keys ...backend.NotifyKey) State {
	st := emptyState()
	for _, k := range keys {
		st.Sent[k] = t0
	}
	return st
}

func key(id, threshold string, by *time.Time) backend.NotifyKey {
	return backend.NotifyKey{AccountID: id, Threshold: threshold, ReconnectBy: millis(by)}
}

// summary is what a plan says, in short: per notification, the accounts
// and their thresholds.
func summary(notes []Notification) []string {
	var out []string
	for _, n := range notes {
		var parts []string
		for _, it := range n.Items {
			parts = append(parts, it.AccountID+":"+it.Threshold)
		}
		out = append(out, strings.Join(parts, ","))
	}
	return out
}

func TestPlan(t *testing.T) {
	t.Parallel()
	in3d := at(3 * day)
	noThresholds := backend.DefaultSettings()
	noThresholds.Thresholds = nil
	noPassed := backend.DefaultSettings()
	noPassed.Thresholds = []int{7, 3, 1}
	off := backend.DefaultSettings()
	off.Enabled = false
	quiet := backend.DefaultSettings()
	quiet.QuietHours = backend.QuietHours{Enabled: true, Start: "11:00", End: "13:00"}
	expired := cand(accFB, nil)
	expired.Status = backend.StatusExpired
	transientNear := broken(cand(accFB, at(2*day)), backend.ReasonNetwork)
	transientNear.Invalid, transientNear.Status = false, backend.StatusExpiring // a failed check does not mark invalid

	tests := []struct {
		name     string
		now      time.Time
		entries  []Candidate
		state    State
		settings backend.Settings
		want     []string
		wantKeys []backend.NotifyKey
	}{
		{name: "healthy far away", entries: []Candidate{cand(accFB, at(30*day))}},
		{name: "no date known", entries: []Candidate{cand(accFB, nil)}},
		{name: "just inside 7 days", entries: []Candidate{cand(accFB, at(7*day))}, want: []string{accFB + ":7d"},
			wantKeys: []backend.NotifyKey{key(accFB, "7d", at(7*day))}},
		{name: "just outside 7 days", entries: []Candidate{cand(accFB, at(7*day+time.Minute))}},
		{name: "first seen at 3 days sends 3d only, records 7d too", entries: []Candidate{cand(accFB, in3d)},
			want: []string{accFB + ":3d"}, wantKeys: []backend.NotifyKey{key(accFB, "3d", in3d), key(accFB, "7d", in3d)}},
		{name: "3d already sent", entries: []Candidate{cand(accFB, in3d)}, state: sentState(key(accFB, "3d", in3d))},
		{name: "7d sent, 3d due", entries: []Candidate{cand(accFB, in3d)}, state: sentState(key(accFB, "7d", in3d)),
			want: []string{accFB + ":3d"}},
		{name: "sent for an older date does not count", entries: []Candidate{cand(accFB, in3d)},
			state: sentState(key(accFB, "3d", at(-30*day))), want: []string{accFB + ":3d"}},
		{name: "date passed", entries: []Candidate{cand(accFB, at(-time.Hour))}, want: []string{accFB + ":passed"},
			wantKeys: []backend.NotifyKey{key(accFB, "passed", at(-time.Hour)), key(accFB, "1d", at(-time.Hour)), key(accFB, "3d", at(-time.Hour)), key(accFB, "7d", at(-time.Hour))}},
		{name: "expired status without a date", entries: []Candidate{expired}, want: []string{accFB + ":passed"}},
		{name: "passed already sent", entries: []Candidate{cand(accFB, at(-time.Hour))}, state: sentState(key(accFB, "passed", at(-time.Hour)))},
		{name: "without the passed threshold, 1d decides", entries: []Candidate{cand(accFB, at(-time.Hour))}, settings: noPassed,
			state: sentState(key(accFB, "1d", at(-time.Hour)))},
		{name: "invalid notifies at once", entries: []Candidate{broken(cand(accFB, at(50*day)), backend.ReasonRevoked)},
			want: []string{accFB + ":invalid"}, wantKeys: []backend.NotifyKey{key(accFB, "invalid", at(50*day))}},
		{name: "invalid already sent", entries: []Candidate{broken(cand(accFB, nil), backend.ReasonRevoked)},
			state: sentState(key(accFB, "invalid", nil))},
		{name: "invalid beats thresholds", entries: []Candidate{broken(cand(accFB, at(time.Hour)), backend.ReasonPasswordChanged)},
			want: []string{accFB + ":invalid"}},
		{name: "invalid with no thresholds set", entries: []Candidate{broken(cand(accFB, nil), backend.ReasonScopeMissing), cand(accIG, at(time.Hour))},
			settings: noThresholds, want: []string{accFB + ":invalid"}},
		{name: "network alone: nothing", entries: []Candidate{broken(cand(accFB, nil), backend.ReasonNetwork)}},
		{name: "rate limited alone: nothing", entries: []Candidate{broken(cand(accFB, nil), backend.ReasonRateLimited)}},
		{name: "provider down alone: nothing", entries: []Candidate{broken(cand(accFB, nil), backend.ReasonProviderDown)}},
		{name: "a transient failure does not hide a deadline", entries: []Candidate{transientNear}, want: []string{accFB + ":3d"}},
		{name: "snoozed", entries: []Candidate{broken(cand(accFB, nil), backend.ReasonRevoked)},
			state: State{Sent: map[backend.NotifyKey]time.Time{}, Snoozes: map[string]time.Time{accFB: t0.Add(time.Minute)}}},
		{name: "snooze ended", entries: []Candidate{broken(cand(accFB, nil), backend.ReasonRevoked)},
			state: State{Sent: map[backend.NotifyKey]time.Time{}, Snoozes: map[string]time.Time{accFB: t0}}, want: []string{accFB + ":invalid"}},
		{name: "global off", settings: off, entries: []Candidate{broken(cand(accFB, nil), backend.ReasonRevoked), cand(accIG, at(-day))}},
		{name: "quiet hours", settings: quiet, entries: []Candidate{broken(cand(accFB, nil), backend.ReasonRevoked)}},
		{name: "after quiet hours", settings: quiet, now: t0.Add(time.Hour), entries: []Candidate{broken(cand(accFB, nil), backend.ReasonRevoked)},
			want: []string{accFB + ":invalid"}},
		{name: "duplicate entries count once", entries: []Candidate{cand(accFB, in3d), cand(accFB, in3d)}, want: []string{accFB + ":3d"}},
		{name: "one client, most urgent first", entries: []Candidate{cand(accIG, at(6*day)), cand(accFB, at(-day)), broken(cand(accLI, nil), backend.ReasonCheckpoint), cand(accX, at(40*day))},
			want: []string{accLI + ":invalid," + accFB + ":passed," + accIG + ":7d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := tt.now
			if now.IsZero() {
				now = t0
			}
			settings := tt.settings
			if settings.WarningDays == 0 {
				settings = backend.DefaultSettings()
			}
			state := tt.state
			if state.Sent == nil {
				state = emptyState()
			}
			notes := Plan(now, tt.entries, state, settings)
			if got := summary(notes); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Plan = %q, want %q", got, tt.want)
			}
			if tt.wantKeys != nil {
				got := slices.Clone(notes[0].Keys)
				want := slices.Clone(tt.wantKeys)
				slices.SortFunc(got, compareKeys)
				slices.SortFunc(want, compareKeys)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Keys = %+v, want %+v", got, want)
				}
			}
		})
	}
}

func compareKeys(a, b backend.NotifyKey) int {
	return strings.Compare(a.AccountID+a.Threshold, b.AccountID+b.Threshold)
}

// sim runs the policy over time like Notifier.Run does, keeping the state
// in memory.
type sim struct {
	state    State
	settings backend.Settings
	log      []string
}

func (s *sim) run(now time.Time, entries []Candidate) []Notification {
	for _, k := range Stale(now, entries, s.state) {
		delete(s.state.Sent, k)
	}
	notes := Plan(now, entries, s.state, s.settings)
	for _, n := range notes {
		for _, k := range n.Keys {
			s.state.Sent[k] = now
		}
		for _, it := range n.Items {
			s.log = append(s.log, now.Sub(t0).String()+" "+it.AccountID+":"+it.Threshold)
		}
	}
	return notes
}

func TestThresholdsCrossedOneByOne(t *testing.T) {
	t.Parallel()
	s := &sim{state: emptyState(), settings: backend.DefaultSettings()}
	acc := cand(accFB, at(10*day))
	for d := time.Duration(0); d <= 12*day; d += 3 * time.Hour {
		s.run(t0.Add(d), []Candidate{acc})
	}
	want := []string{"72h0m0s " + accFB + ":7d", "168h0m0s " + accFB + ":3d", "216h0m0s " + accFB + ":1d", "240h0m0s " + accFB + ":passed"}
	if !reflect.DeepEqual(s.log, want) {
		t.Errorf("sent %q, want %q", s.log, want)
	}
}

func TestReconnectRearms(t *testing.T) {
	t.Parallel()
	s := &sim{state: emptyState(), settings: backend.DefaultSettings()}
	acc := cand(accFB, at(2*day))
	s.run(t0, []Candidate{acc}) // 3d
	s.run(t0.Add(day+time.Hour), []Candidate{acc})
	// The user reconnects: a new 60-day token.
	acc.ReconnectBy = at(day + 2*time.Hour + 60*day)
	if notes := s.run(t0.Add(day+2*time.Hour), []Candidate{acc}); len(notes) != 0 {
		t.Fatalf("right after the reconnect: %q", summary(notes))
	}
	for k := range s.state.Sent {
		if k.ReconnectBy != millis(acc.ReconnectBy) {
			t.Errorf("key of the old date kept: %+v", k)
		}
	}
	s.run(t0.Add(day+2*time.Hour+53*day), []Candidate{acc})
	want := []string{"0s " + accFB + ":3d", "25h0m0s " + accFB + ":1d", "1298h0m0s " + accFB + ":7d"}
	if !reflect.DeepEqual(s.log, want) {
		t.Errorf("sent %q, want %q", s.log, want)
	}
}

func TestInvalidRearmsOnceFixed(t *testing.T) {
	t.Parallel()
	s := &sim{state: emptyState(), settings: backend.DefaultSettings()}
	ok := cand(accFB, nil) // renews forever: no date, so only the fix re-arms
	bad := broken(ok, backend.ReasonPasswordChanged)
	s.run(t0, []Candidate{bad})
	s.run(t0.Add(time.Hour), []Candidate{bad})
	s.run(t0.Add(2*time.Hour), []Candidate{ok})
	s.run(t0.Add(3*time.Hour), []Candidate{broken(ok, backend.ReasonRevoked)})
	want := []string{"0s " + accFB + ":invalid", "3h0m0s " + accFB + ":invalid"}
	if !reflect.DeepEqual(s.log, want) {
		t.Errorf("sent %q, want %q", s.log, want)
	}
	// A transient failure is not a fix.
	s.log = nil
	s.run(t0.Add(4*time.Hour), []Candidate{broken(ok, backend.ReasonNetwork)})
	if len(s.state.Sent) != 1 || len(s.log) != 0 {
		t.Errorf("a network failure looked like a fix: state %v, sent %q", s.state.Sent, s.log)
	}
}

func TestStaleLeavesOthersAlone(t *testing.T) {
	t.Parallel()
	by := at(2 * day)
	st := sentState(key(accFB, "7d", by), key(accFB, "3d", by), key(accIG, "invalid", nil), key(accX, "passed", at(-day)))
	got := Stale(t0, []Candidate{cand(accFB, by), broken(cand(accIG, nil), backend.ReasonRevoked), cand(accX, at(-day))}, st)
	if len(got) != 0 {
		t.Errorf("Stale = %+v, want none", got)
	}
	// The passed key goes once the date is no longer passed (renewed), and
	// accounts not listed are kept.
	got = Stale(t0, []Candidate{cand(accX, nil)}, st)
	if want := []backend.NotifyKey{key(accX, "passed", at(-day))}; !reflect.DeepEqual(got, want) {
		t.Errorf("Stale = %+v, want %+v", got, want)
	}
}

func TestGrouping(t *testing.T) {
	t.Parallel()
	other := func(c Candidate) Candidate { c.ClientID, c.ClientName = cliB, "Globex"; return c }
	entries := []Candidate{
		cand(accIG, at(2*day)),
		broken(cand(accFB, at(40*day)), backend.ReasonRevoked),
		cand(accLI, at(-time.Hour)),
		other(cand(accX, at(5*day))),
	}
	notes := Plan(t0, entries, emptyState(), backend.DefaultSettings())
	if len(notes) != 2 {
		t.Fatalf("%d notifications, want 2: %q", len(notes), summary(notes))
	}
	acme, globex := notes[0], notes[1]
	if acme.Title != "Acme Bakery: 3 accounts need you" {
		t.Errorf("title %q", acme.Title)
	}
	if want := []string{accFB, accLI, accIG}; !reflect.DeepEqual(acme.AccountIDs, want) {
		t.Errorf("AccountIDs %q, want %q", acme.AccountIDs, want)
	}
	if acme.PrimaryAccountID != accFB {
		t.Errorf("primary %s, want the revoked one", acme.PrimaryAccountID)
	}
	wantBody := "Facebook · Acme Page: Access was removed: the app was deauthorized or the login was revoked.\n" +
		"LinkedIn · Acme Ltd: The token has expired.\n" +
		"Instagram · @acmebakery: Must be reconnected in 2 days (by Wed 4 Mar 12:00)."
	if acme.Body != wantBody {
		t.Errorf("body:\n%s\nwant:\n%s", acme.Body, wantBody)
	}
	if !strings.HasPrefix(acme.ID, "tw-"+cliA+"-") || len(acme.ID) != len("tw-"+cliA+"-")+12 {
		t.Errorf("id %q", acme.ID)
	}
	if len(acme.Keys) != 1+4+2 { // invalid; passed,1d,3d,7d; 3d,7d
		t.Errorf("keys %+v", acme.Keys)
	}
	if globex.Title != "Globex: reconnect X in 5 days" || globex.PrimaryAccountID != accX {
		t.Errorf("second: %q %s", globex.Title, globex.PrimaryAccountID)
	}
	if want := "X · @acme (Globex): Must be reconnected in 5 days (by Sat 7 Mar 12:00)."; globex.Body != want {
		t.Errorf("body %q, want %q", globex.Body, want)
	}
	// Stable ids: the same input gives the same id, a different one another.
	again := Plan(t0.Add(time.Minute), entries, emptyState(), backend.DefaultSettings())
	if again[0].ID != acme.ID {
		t.Errorf("id changed: %s then %s", acme.ID, again[0].ID)
	}
	if again := Plan(t0, entries[:2], emptyState(), backend.DefaultSettings()); again[0].ID == acme.ID {
		t.Errorf("id did not change with the accounts")
	}
}

func TestGroupBodyIsBounded(t *testing.T) {
	t.Parallel()
	var entries []Candidate
	for i := range 8 {
		c := broken(cand(accFB, nil), backend.ReasonRevoked)
		c.AccountID = backend.NewID("acc")
		c.Label = "Page " + string(rune('A'+i))
		entries = append(entries, c)
	}
	notes := Plan(t0, entries, emptyState(), backend.DefaultSettings())
	if len(notes) != 1 || len(notes[0].AccountIDs) != 8 {
		t.Fatalf("%q", summary(notes))
	}
	lines := strings.Split(notes[0].Body, "\n")
	if len(lines) != 6 || lines[5] != "…and 3 more." || !strings.HasPrefix(lines[0], "Facebook · Page A:") {
		t.Errorf("body %q", notes[0].Body)
	}
}

func TestSingleNotificationWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c           Candidate
		title, body string
	}{
		{broken(cand(accFB, nil), backend.ReasonPasswordChanged), "Acme Bakery: Facebook stopped working",
			"Facebook · Acme Page (Acme Bakery): The account's password was changed, which ended the session. Ask the account owner to reconnect (log in with the new password)."},
		{broken(cand(accFB, nil), "something_new"), "Acme Bakery: Facebook stopped working",
			"Facebook · Acme Page (Acme Bakery): The platform refused the token for a reason it did not explain. Reconnect the account; if that fails, check the developer app."},
		{cand(accFB, at(-day)), "Acme Bakery: Facebook stopped working",
			"Facebook · Acme Page (Acme Bakery): The token has expired. Reconnect the account to log in again."},
		{cand(accFB, at(20*time.Hour)), "Acme Bakery: reconnect Facebook in 20 hours",
			"Facebook · Acme Page (Acme Bakery): Must be reconnected in 20 hours (by Tue 3 Mar 08:00)."},
		{cand(accFB, at(300*day)), "", ""},
	}
	for _, tt := range tests {
		notes := Plan(t0, []Candidate{tt.c}, emptyState(), backend.DefaultSettings())
		if tt.title == "" {
			if len(notes) != 0 {
				t.Errorf("%+v: %q", tt.c, summary(notes))
			}
			continue
		}
		if len(notes) != 1 {
			t.Fatalf("%+v: %d notifications", tt.c, len(notes))
		}
		if n := notes[0]; n.Title != tt.title || n.Body != tt.body {
			t.Errorf("got\n  %q\n  %q\nwant\n  %q\n  %q", n.Title, n.Body, tt.title, tt.body)
		}
	}
}

func TestSnoozeOverTime(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{SnoozeDay, SnoozeWeek} {
		s := &sim{state: emptyState(), settings: backend.DefaultSettings()}
		s.state.Snoozes[accFB] = t0.Add(d)
		acc := broken(cand(accFB, at(30*day)), backend.ReasonRevoked)
		for _, step := range []time.Duration{0, d / 2, d - time.Minute, d, d + time.Hour} {
			s.run(t0.Add(step), []Candidate{acc})
		}
		if want := []string{d.String() + " " + accFB + ":invalid"}; !reflect.DeepEqual(s.log, want) {
			t.Errorf("snooze %v: sent %q, want %q", d, s.log, want)
		}
	}
	// Thresholds crossed during a snooze: only the latest is sent at its end.
	s := &sim{state: emptyState(), settings: backend.DefaultSettings()}
	s.state.Snoozes[accFB] = t0.Add(SnoozeWeek)
	acc := cand(accFB, at(8*day))
	for d := time.Duration(0); d <= 8*day; d += 12 * time.Hour {
		s.run(t0.Add(d), []Candidate{acc})
	}
	want := []string{"168h0m0s " + accFB + ":1d", "192h0m0s " + accFB + ":passed"}
	if !reflect.DeepEqual(s.log, want) {
		t.Errorf("sent %q, want %q", s.log, want)
	}
}

func TestQuietHoursHoldUntilTheyEnd(t *testing.T) {
	t.Parallel()
	settings := backend.DefaultSettings()
	settings.QuietHours = backend.QuietHours{Enabled: true, Start: "22:00", End: "08:00"}
	s := &sim{state: emptyState(), settings: settings}
	acc := cand(accFB, at(3*day))
	night := time.Date(2026, 3, 2, 21, 0, 0, 0, time.UTC)
	bad := broken(cand(accIG, nil), backend.ReasonRevoked)
	s.run(night, []Candidate{acc}) // 21:00: sent, not quiet yet
	// The account breaks at 23:00: held, like everything else.
	for _, tm := range []time.Time{night.Add(2 * time.Hour), night.Add(3 * time.Hour), night.Add(10*time.Hour + 59*time.Minute)} {
		if notes := s.run(tm, []Candidate{acc, bad}); len(notes) != 0 {
			t.Errorf("%s: sent %q inside quiet hours", tm.Format("15:04"), summary(notes))
		}
	}
	eight := time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)
	notes := s.run(eight, []Candidate{acc, bad})
	if got := summary(notes); !reflect.DeepEqual(got, []string{accIG + ":invalid"}) {
		t.Errorf("at 08:00: %q", got)
	}
	if want := []string{"9h0m0s " + accFB + ":3d", "20h0m0s " + accIG + ":invalid"}; !reflect.DeepEqual(s.log, want) {
		t.Errorf("sent %q, want %q", s.log, want)
	}
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	wrap := backend.Settings{QuietHours: backend.QuietHours{Enabled: true, Start: "22:00", End: "08:00"}}
	lunch := backend.Settings{QuietHours: backend.QuietHours{Enabled: true, Start: "12:30", End: "13:45"}}
	off := backend.Settings{QuietHours: backend.QuietHours{Enabled: false, Start: "00:00", End: "23:59"}}
	d := func(day, h, m int) time.Time { return time.Date(2026, 3, day, h, m, 0, 0, paris) }
	tests := []struct {
		s     backend.Settings
		now   time.Time
		until time.Time // zero: not quiet
	}{
		{wrap, d(2, 21, 59), time.Time{}},
		{wrap, d(2, 22, 0), d(3, 8, 0)},
		{wrap, d(2, 23, 59), d(3, 8, 0)},
		{wrap, d(3, 0, 0), d(3, 8, 0)},
		{wrap, d(3, 7, 59), d(3, 8, 0)},
		{wrap, d(3, 8, 0), time.Time{}},
		{wrap, d(3, 12, 0), time.Time{}},
		{lunch, d(3, 12, 29), time.Time{}},
		{lunch, d(3, 12, 30), d(3, 13, 45)},
		{lunch, d(3, 13, 44), d(3, 13, 45)},
		{lunch, d(3, 13, 45), time.Time{}},
		{off, d(3, 12, 0), time.Time{}},
	}
	for _, tt := range tests {
		until, quiet := tt.s.Quiet(tt.now)
		if quiet != !tt.until.IsZero() || !until.Equal(tt.until) {
			t.Errorf("%v at %s: quiet %v until %v, want until %v", tt.s.QuietHours, tt.now.Format("Mon 15:04"), quiet, until, tt.until)
		}
	}
}

func TestFallback(t *testing.T) {
	t.Parallel()
	var calls []string
	sender := func(name string, err error) Sender {
		return SenderFunc(func(context.Context, Notification) error { calls = append(calls, name); return err })
	}
	boom := errors.New("boom")
	for _, tt := range []struct {
		primary, secondary error
		calls              string
		fails              bool
	}{
		{nil, nil, "primary", false},
		{boom, nil, "primary secondary", false},
		{boom, boom, "primary secondary", true},
	} {
		calls = nil
		err := Fallback{sender("primary", tt.primary), sender("secondary", tt.secondary)}.Send(context.Background(), Notification{})
		if strings.Join(calls, " ") != tt.calls || (err != nil) != tt.fails {
			t.Errorf("%v/%v: calls %q, err %v", tt.primary, tt.secondary, calls, err)
		}
	}
}
