package history

import (
	"math/rand/v2"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// at is t0 plus a number of hours.
func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func day(d float64) time.Time { return at(24 * d) }

var nextID atomic.Int64

// ev builds an event of account acc_1 at time t.
func ev(t time.Time, kind, outcome, reason string, details map[string]any) *backend.Event {
	return &backend.Event{ID: nextID.Add(1), Time: t, ClientID: "cli_1", ClientName: "Acme", AccountID: "acc_1", AccountLabel: "Acme IG",
		Provider: "instagram", Kind: kind, Outcome: outcome, Reason: reason, Details: details}
}

func imported(t time.Time) *backend.Event {
	return ev(t, backend.EventAccountImported, backend.OutcomeOK, "", nil)
}
func checkOK(t time.Time) *backend.Event {
	return ev(t, backend.EventAccountChecked, backend.OutcomeOK, "", nil)
}

// failed is a check's verdict that the platform refused the token.
func failed(t time.Time, reason string) *backend.Event {
	return ev(t, backend.EventAccountChecked, backend.OutcomeFailed, reason, nil)
}

// noVerdict is a check that could not be made.
func noVerdict(t time.Time, reason string) *backend.Event {
	return ev(t, backend.EventAccountCheckFailed, backend.OutcomeFailed, reason, nil)
}
func reconnected(t time.Time) *backend.Event {
	return ev(t, backend.EventAccountReconnected, backend.OutcomeOK, "", nil)
}
func deleted(t time.Time) *backend.Event {
	return ev(t, backend.EventAccountDeleted, backend.OutcomeOK, "", nil)
}

// iv is a compact interval for comparisons: state, start and end in hours
// after t0, reason.
type iv struct {
	state      State
	start, end float64
	reason     string
	ongoing    bool
}

func compact(ivs []Interval) []iv {
	out := []iv{}
	for _, x := range ivs {
		out = append(out, iv{x.State, x.Start.Sub(t0).Hours(), x.End.Sub(t0).Hours(), x.Reason, x.Ongoing})
	}
	return out
}

func TestTimeline(t *testing.T) {
	t.Parallel()
	expiresIn := func(t time.Time, d time.Duration, refresh bool) map[string]any {
		return map[string]any{"expires_at": t.Add(d).Format(time.RFC3339), "has_refresh_token": refresh}
	}
	tests := []struct {
		name   string
		events []*backend.Event
		end    time.Time
		want   []iv
	}{
		{"import then healthy", []*backend.Event{imported(at(1))}, at(10),
			[]iv{{StateHealthy, 1, 10, "", true}}},
		{"failure then reconnect", []*backend.Event{imported(at(0)), checkOK(at(1)), failed(at(2), "invalid_token"), failed(at(3), "invalid_token"), reconnected(at(5)), checkOK(at(6))}, at(10),
			[]iv{{StateHealthy, 0, 2, "", false}, {StateBroken, 2, 5, "invalid_token", false}, {StateHealthy, 5, 10, "", true}}},
		{"transient failures change nothing", []*backend.Event{imported(at(0)), failed(at(2), "network"), failed(at(3), "rate_limited"), failed(at(4), "provider_down"), failed(at(5), "unavailable")}, at(10),
			[]iv{{StateHealthy, 0, 10, "", true}}},
		{"successful check ends an incident", []*backend.Event{imported(at(0)), failed(at(2), "checkpoint"), checkOK(at(4)), checkOK(at(5))}, at(10),
			[]iv{{StateHealthy, 0, 2, "", false}, {StateBroken, 2, 4, "checkpoint", false}, {StateHealthy, 4, 10, "", true}}},
		{"out of order is sorted by time", []*backend.Event{reconnected(at(5)), failed(at(2), "invalid_token"), imported(at(0)), checkOK(at(1))}, at(10),
			[]iv{{StateHealthy, 0, 2, "", false}, {StateBroken, 2, 5, "invalid_token", false}, {StateHealthy, 5, 10, "", true}}},
		{"overlapping failures are one incident", []*backend.Event{imported(at(0)), failed(at(2), "invalid_token"), failed(at(3), "password_changed"), failed(at(3.5), "invalid_token"), reconnected(at(6))}, at(10),
			[]iv{{StateHealthy, 0, 2, "", false}, {StateBroken, 2, 6, "invalid_token", false}, {StateHealthy, 6, 10, "", true}}},
		{"ongoing incident", []*backend.Event{imported(at(0)), failed(at(7), "app_removed")}, at(10),
			[]iv{{StateHealthy, 0, 7, "", false}, {StateBroken, 7, 10, "app_removed", true}}},
		{"deleted account stops at deletion", []*backend.Event{imported(at(0)), failed(at(3), "invalid_token"), deleted(at(6)), checkOK(at(7))}, at(10),
			[]iv{{StateHealthy, 0, 3, "", false}, {StateBroken, 3, 6, "invalid_token", false}}},
		{"checks do not start a timeline", []*backend.Event{checkOK(at(0)), imported(at(2))}, at(10),
			[]iv{{StateHealthy, 2, 10, "", true}}},
		{"events after the end are ignored", []*backend.Event{imported(at(0)), failed(at(12), "invalid_token")}, at(10),
			[]iv{{StateHealthy, 0, 10, "", true}}},
		{"deadline: expiring 7 days before, broken after", []*backend.Event{ev(day(0), backend.EventAccountImported, "ok", "", expiresIn(day(0), 10*24*time.Hour, false))}, day(12),
			[]iv{{StateHealthy, 0, 72, "", false}, {StateExpiring, 72, 240, "", false}, {StateBroken, 240, 288, ReasonExpired, true}}},
		{"refresh token: access expiry is no deadline", []*backend.Event{ev(day(0), backend.EventAccountImported, "ok", "", expiresIn(day(0), time.Hour, true))}, day(12),
			[]iv{{StateHealthy, 0, 288, "", true}}},
		{"renewal moves the deadline", []*backend.Event{ev(day(0), backend.EventAccountImported, "ok", "", expiresIn(day(0), 10*24*time.Hour, false)),
			ev(day(5), backend.EventAccountRefreshed, "ok", "", expiresIn(day(5), 60*24*time.Hour, false))}, day(12),
			[]iv{{StateHealthy, 0, 72, "", false}, {StateExpiring, 72, 120, "", false}, {StateHealthy, 120, 288, "", true}}},
		{"a check after the deadline proves it works", []*backend.Event{ev(day(0), backend.EventAccountImported, "ok", "", expiresIn(day(0), 10*24*time.Hour, false)), checkOK(day(11))}, day(12),
			[]iv{{StateHealthy, 0, 72, "", false}, {StateExpiring, 72, 240, "", false}, {StateBroken, 240, 264, ReasonExpired, false}, {StateHealthy, 264, 288, "", true}}},
		{"reconnect with a near deadline is expiring at once", []*backend.Event{imported(day(0)), failed(day(1), "invalid_token"),
			ev(day(2), backend.EventAccountReconnected, "ok", "", expiresIn(day(2), 3*24*time.Hour, false))}, day(4),
			[]iv{{StateHealthy, 0, 24, "", false}, {StateBroken, 24, 48, "invalid_token", false}, {StateExpiring, 48, 96, "", true}}},
		{"reconnect that lost Pages still works", []*backend.Event{imported(at(0)),
			ev(at(2), backend.EventAccountReconnected, backend.OutcomeFailed, "", map[string]any{"assets_lost": []any{"Shop Page"}})}, at(4),
			[]iv{{StateHealthy, 0, 4, "", true}}},
		{"a Page not granted again breaks", []*backend.Event{ev(at(0), backend.EventAccountConnected, "ok", "", nil),
			ev(at(2), backend.EventAccountReconnected, backend.OutcomeFailed, "", map[string]any{"reason": "permission_lost", "parent_id": "acc_p"})}, at(4),
			[]iv{{StateHealthy, 0, 2, "", false}, {StateBroken, 2, 4, ReasonPermissionLost, true}}},
		{"failure and fix at the same moment leave no gap", []*backend.Event{imported(at(0)), failed(at(2), "invalid_token"), reconnected(at(2))}, at(4),
			[]iv{{StateHealthy, 0, 4, "", true}}},
		{"a check without a verdict changes nothing, whatever the reason", []*backend.Event{imported(at(0)), noVerdict(at(1), "unknown"), noVerdict(at(2), "revoked"), noVerdict(at(3), "network")}, at(4),
			[]iv{{StateHealthy, 0, 4, "", true}}},
		{"a refused renewal breaks", []*backend.Event{imported(at(0)), ev(at(1), backend.EventAccountRefreshed, backend.OutcomeFailed, "revoked", nil), reconnected(at(3))}, at(4),
			[]iv{{StateHealthy, 0, 1, "", false}, {StateBroken, 1, 3, "revoked", false}, {StateHealthy, 3, 4, "", true}}},
		{"a check's reported expiry moves the deadline", []*backend.Event{ev(day(0), backend.EventAccountImported, "ok", "", expiresIn(day(0), 10*24*time.Hour, false)),
			ev(day(2), backend.EventAccountChecked, "ok", "", map[string]any{"expires_at": day(40).Format(time.RFC3339)}), checkOK(day(5))}, day(12),
			[]iv{{StateHealthy, 0, 288, "", true}}},
		{"a check before the deadlines were set does not count", []*backend.Event{ev(day(-1), backend.EventAccountChecked, "ok", "", map[string]any{"expires_at": day(40).Format(time.RFC3339)}),
			ev(day(0), backend.EventAccountImported, "ok", "", expiresIn(day(0), 10*24*time.Hour, false))}, day(12),
			[]iv{{StateHealthy, 0, 72, "", false}, {StateExpiring, 72, 240, "", false}, {StateBroken, 240, 288, ReasonExpired, true}}},
		{"failure without a reason is unknown", []*backend.Event{imported(at(0)), failed(at(1), "")}, at(2),
			[]iv{{StateHealthy, 0, 1, "", false}, {StateBroken, 1, 2, "unknown", true}}},
		{"renames and failed connects change nothing", []*backend.Event{imported(at(0)), ev(at(1), backend.EventAccountRenamed, "ok", "", nil), ev(at(2), backend.EventConnectFailed, "failed", "access_denied", nil)}, at(3),
			[]iv{{StateHealthy, 0, 3, "", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := Timeline(tt.events, tt.end, Options{})
			if got := compact(tl.Intervals); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("intervals\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestTimelineDetails(t *testing.T) {
	t.Parallel()
	es := []*backend.Event{imported(at(0)), failed(at(2), "invalid_token"), failed(at(3), "password_changed"), reconnected(at(5)), deleted(at(8))}
	tl := Timeline(es, at(10), Options{})
	if tl.Created == nil || !tl.Created.Equal(at(0)) || tl.Deleted == nil || !tl.Deleted.Equal(at(8)) {
		t.Errorf("created %v deleted %v", tl.Created, tl.Deleted)
	}
	if tl.State() != "" {
		t.Errorf("state of a deleted account = %q", tl.State())
	}
	b := tl.Intervals[1]
	if !reflect.DeepEqual(b.Reasons, []string{"invalid_token", "password_changed"}) || b.StartEventID != es[1].ID ||
		b.EndEventID != es[3].ID || b.EndKind != backend.EventAccountReconnected {
		t.Errorf("broken interval %+v", b)
	}
	if last := tl.Intervals[len(tl.Intervals)-1]; last.EndKind != backend.EventAccountDeleted || last.Ongoing {
		t.Errorf("last interval %+v", last)
	}
	if len(tl.Reconnects) != 2 {
		t.Errorf("%d reconnects, want the import and the reconnect", len(tl.Reconnects))
	}
	// Details as they come back from JSON: strings and []any.
	withTimes := ev(at(0), backend.EventAccountImported, "ok", "", map[string]any{"expires_at": at(24 * 30).Format(time.RFC3339Nano)})
	if d := Timeline([]*backend.Event{withTimes}, at(1), Options{}).Deadline; d == nil || !d.Equal(at(24*30)) {
		t.Errorf("deadline from a JSON string: %v", d)
	}
	exp := at(24 * 30)
	asTime := ev(at(0), backend.EventAccountImported, "ok", "", map[string]any{"expires_at": &exp})
	if d := Timeline([]*backend.Event{asTime}, at(1), Options{}).Deadline; d == nil || !d.Equal(exp) {
		t.Errorf("deadline from a *time.Time: %v", d)
	}
	// Renewal from the caller: Instagram renews by exchange, which cannot
	// bring back an expired token: no warning, but broken at expiry.
	opt := Options{Renewal: func(a *backend.Account) (bool, bool) {
		return a.Provider == "instagram" || a.HasRefreshToken, a.HasRefreshToken
	}}
	tl2 := Timeline([]*backend.Event{asTime}, at(24*31), opt)
	if tl2.Deadline != nil {
		t.Errorf("renewing provider has deadline %v", tl2.Deadline)
	}
	if got, want := compact(tl2.Intervals), []iv{{StateHealthy, 0, 24 * 30, "", false}, {StateBroken, 24 * 30, 24 * 31, ReasonExpired, true}}; !reflect.DeepEqual(got, want) {
		t.Errorf("exchange renewal: %v, want %v", got, want)
	}
}

// Any order of the same events gives the same timeline.
func TestTimelineOrderIndependent(t *testing.T) {
	t.Parallel()
	es := []*backend.Event{imported(at(0)), checkOK(at(1)), failed(at(2), "invalid_token"), noVerdict(at(2.5), "network"), checkOK(at(3)),
		failed(at(4), "checkpoint"), reconnected(at(6)), failed(at(7), "app_removed"), checkOK(at(7)), deleted(at(9))}
	want := Timeline(es, at(10), Options{})
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		shuffled := append([]*backend.Event(nil), es...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := Timeline(shuffled, at(10), Options{}); !reflect.DeepEqual(got.Intervals, want.Intervals) {
			t.Fatalf("shuffled order gave %v, want %v", compact(got.Intervals), compact(want.Intervals))
		}
	}
	// The input slice is not reordered.
	if es[0].Kind != backend.EventAccountImported || es[9].Kind != backend.EventAccountDeleted {
		t.Error("Timeline sorted the caller's slice")
	}
}
