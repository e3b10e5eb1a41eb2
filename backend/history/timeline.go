package history

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// State is an account's status over an interval of time, as history tells it.
type State string

const (
	StateHealthy  State = "healthy"  // works, no deadline within the warning window
	StateExpiring State = "expiring" // works, but a deadline is within the warning window
	StateBroken   State = "broken"   // does not work: the platform refused it, or a deadline passed
)

// Duration is a time.Duration that reads as whole milliseconds in JSON, the
// unit JavaScript dates use.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, time.Duration(d).Milliseconds(), 10), nil
}

func (d *Duration) UnmarshalJSON(b []byte) error {
	ms, err := strconv.ParseInt(string(b), 10, 64)
	*d = Duration(time.Duration(ms) * time.Millisecond)
	return err
}

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// Options tune how a timeline is reconstructed.
type Options struct {
	// Window is how long before a deadline an account counts as expiring;
	// zero means backend.DefaultWarningWindow.
	Window time.Duration
	// Renewal says, as backend.Account.Status needs it, whether the account
	// renews its access token by itself (backend.Account.Renews) and whether
	// it can still renew after the access token expired (a refresh token
	// can; Facebook's and Instagram's exchange cannot). The account passed
	// holds what history knows: provider, kind, deadlines, whether it has a
	// refresh token and was connected through the browser. Nil means: it
	// renews when it has a refresh token, also after expiry.
	Renewal func(a *backend.Account) (renews, afterExpiry bool)
}

func (o Options) window() time.Duration {
	if o.Window <= 0 {
		return backend.DefaultWarningWindow
	}
	return o.Window
}

func (o Options) renewal(a *backend.Account) (bool, bool) {
	if o.Renewal == nil {
		return a.HasRefreshToken, true
	}
	return o.Renewal(a)
}

// Interval is a stretch of time in one state. End is exclusive.
type Interval struct {
	State State     `json:"state"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Ongoing is set on the last interval when the account still exists at
	// the end of the timeline; End is then the timeline's end, not a change.
	Ongoing bool `json:"ongoing"`
	// Reason is why a broken interval began; Reasons lists every distinct
	// reason seen while broken, first one first.
	Reason  string   `json:"reason,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
	// StartEventID is the event that began the interval (0 for a deadline
	// passing); EndEventID and EndKind the event that ended it.
	StartEventID int64  `json:"start_event_id"`
	EndEventID   int64  `json:"end_event_id"`
	EndKind      string `json:"end_kind,omitempty"`
}

// Duration is End - Start.
func (iv Interval) Duration() time.Duration { return iv.End.Sub(iv.Start) }

// AccountTimeline is one account's status over its life, from its first
// status event up to the timeline's end or its deletion.
type AccountTimeline struct {
	AccountID  string `json:"account_id"`
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name"`
	Label      string `json:"label"`
	Provider   string `json:"provider"`
	// Created is the first status event: where the account's history, and
	// so its monitoring, begins.
	Created *time.Time `json:"created"`
	Deleted *time.Time `json:"deleted"`
	// ExistedFrom is the account's creation as the store knows it, when it
	// is earlier than Created (an account added before history was kept);
	// nil otherwise. The loader's caller sets it.
	ExistedFrom *time.Time `json:"existed_from,omitempty"`
	// Deadline is the last known reconnect-by date at the timeline's end.
	Deadline  *time.Time `json:"deadline"`
	Intervals []Interval `json:"intervals"`
	// Reconnects are the account's successful reconnect and connect events.
	Reconnects []*backend.Event `json:"reconnects"`
}

// State returns the state at the timeline's end ("" before creation and after deletion).
func (tl *AccountTimeline) State() State {
	if tl.Deleted != nil || len(tl.Intervals) == 0 {
		return ""
	}
	return tl.Intervals[len(tl.Intervals)-1].State
}

// Current returns the last interval, or nil.
func (tl *AccountTimeline) Current() *Interval {
	if len(tl.Intervals) == 0 {
		return nil
	}
	return &tl.Intervals[len(tl.Intervals)-1]
}

// sortEvents orders events by time, then id: the order things happened in,
// whatever order they were written in.
func sortEvents(es []*backend.Event) {
	slices.SortStableFunc(es, func(a, b *backend.Event) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// machine steps through one account's events in time order. It follows the
// monitor's verdicts and the same status rule as the app
// (backend.Account.Status):
//
//   - account.imported, account.connected, a successful account.reconnected
//     and a successful account.refreshed make the account work and replace
//     its deadlines with those in their details (expires_at,
//     refresh_expires_at, data_access_expires_at, has_refresh_token); a
//     failed reconnect that only lost Pages (details assets_lost) still
//     leaves the login working.
//   - account.checked is the monitor's verdict: outcome ok ends a broken
//     stretch (it takes the deadlines it reports, expires_at and
//     data_access_expires_at, and forgets any that say the token had
//     expired: it works), failed breaks the account with its reason. Just
//     before a deadline would make a working account expiring or expired,
//     the latest successful check's deadlines are taken into account. A
//     check does not start a timeline.
//   - a failed account.refreshed (the platform refused to renew), a failed
//     reconnect, import or connect break the account too.
//   - account.check_failed is a check that got no verdict (network, rate
//     limit, platform down): it changes nothing, whatever its reason; so do
//     failures with a transient reason (IsTransient).
//   - between events, the account is what backend.Account.Status says of its
//     deadlines: healthy, expiring within Options.Window, or broken
//     ("expired") once a deadline passes.
//   - account.deleted ends the timeline; everything else changes nothing.
type machine struct {
	opt     Options
	tl      AccountTimeline
	started bool
	ended   bool
	cur     Interval
	// acct holds the deadlines as history knows them; set is when and by
	// which event they were last replaced.
	acct  backend.Account
	setAt backend.HistoryPoint
	// upto: the deadlines' moments up to here were judged already.
	upto    time.Time
	lastOK  *backend.Event
	checked map[int64]bool // successful checks whose deadlines were read
	// prevOK returns the latest successful check before a moment; the
	// loader asks the store, by default the last one stepped is remembered.
	prevOK func(at time.Time) (*backend.Event, error)
	// onBroken is called each time the account becomes broken, with the
	// moment it did (lazy loading fetches the next successful check then).
	onBroken func(at time.Time, id int64)
	err      error
}

func newMachine(opt Options) *machine {
	m := &machine{opt: opt, tl: AccountTimeline{Intervals: []Interval{}, Reconnects: []*backend.Event{}}, checked: map[int64]bool{}}
	m.prevOK = func(at time.Time) (*backend.Event, error) {
		if m.lastOK != nil && m.lastOK.Time.Before(at) {
			return m.lastOK, nil
		}
		return nil, nil
	}
	return m
}

// step applies one event. Events must come in (time, id) order.
func (m *machine) step(e *backend.Event) {
	if m.ended || m.err != nil {
		return
	}
	m.names(e)
	m.advance(e.Time)
	failed := e.Outcome == backend.OutcomeFailed
	switch e.Kind {
	case backend.EventAccountImported, backend.EventAccountConnected:
		if failed {
			m.failure(e, reasonOf(e, ""))
		} else {
			m.grant(e)
			m.tl.Reconnects = append(m.tl.Reconnects, e)
		}
	case backend.EventAccountReconnected:
		if !failed || len(detailList(e, "assets_lost")) > 0 {
			m.grant(e)
			m.tl.Reconnects = append(m.tl.Reconnects, e)
		} else {
			m.failure(e, reasonOf(e, ReasonReconnect))
		}
	case backend.EventAccountRefreshed:
		if failed {
			m.failure(e, reasonOf(e, ""))
		} else {
			m.grant(e)
		}
	case backend.EventAccountChecked:
		if failed {
			m.failure(e, reasonOf(e, ""))
			break
		}
		if e.Outcome == backend.OutcomeOK {
			m.lastOK = e
		}
		if m.started && m.cur.State == StateBroken {
			// The platform says the token works now: that ends the
			// incident, and any date saying it had expired was wrong.
			m.updateDeadlines(e)
			for _, d := range []**time.Time{&m.acct.ExpiresAt, &m.acct.RefreshExpiresAt, &m.acct.DataAccessExpiresAt} {
				if *d != nil && !(*d).After(e.Time) {
					*d = nil
				}
			}
			m.setAt = pointOf(e)
			m.settle(e)
		}
	case backend.EventChecksSummarized:
		// It stands for its day's last successful check: same time, same id,
		// and that check's deadlines.
		m.lastOK = e
	case backend.EventAccountDeleted:
		if m.started {
			m.close(e.Time, e)
			t := e.Time
			m.tl.Deleted = &t
		}
		m.ended = true
	}
}

// names keeps the account's latest names for display.
func (m *machine) names(e *backend.Event) {
	m.tl.AccountID = e.AccountID
	if e.ClientID != "" {
		m.tl.ClientID, m.tl.ClientName = e.ClientID, e.ClientName
	}
	if e.AccountLabel != "" {
		m.tl.Label = e.AccountLabel
	}
	if e.Provider != "" {
		m.tl.Provider = e.Provider
		m.acct.Provider = e.Provider
	}
}

// grant replaces the deadlines with those of a new or renewed token.
func (m *machine) grant(e *backend.Event) {
	m.acct.ExpiresAt = detailTime(e, "expires_at")
	m.acct.RefreshExpiresAt = detailTime(e, "refresh_expires_at")
	m.acct.DataAccessExpiresAt = detailTime(e, "data_access_expires_at")
	if v, ok := e.Details["has_refresh_token"].(bool); ok {
		if e.Kind == backend.EventAccountReconnected {
			v = v || m.acct.HasRefreshToken // a reconnect without a new refresh token keeps the old one
		}
		m.acct.HasRefreshToken = v
	}
	if e.Kind == backend.EventAccountConnected || e.Kind == backend.EventAccountReconnected {
		t := e.Time
		m.acct.ConnectedAt = &t
	}
	if _, ok := e.Details["parent_id"]; ok && e.Kind == backend.EventAccountConnected {
		m.acct.Kind = "page"
	}
	m.setAt = pointOf(e)
	m.settle(e)
}

// updateDeadlines takes the deadlines a successful check reports, and says
// whether it reported any. A date at or before the check itself is dropped:
// the check says the token worked then.
func (m *machine) updateDeadlines(e *backend.Event) bool {
	details := e.Details
	if e.Kind == backend.EventChecksSummarized {
		details, _ = e.Details["deadlines"].(map[string]any)
	}
	d := &backend.Event{Details: details}
	any := false
	for key, field := range map[string]**time.Time{"expires_at": &m.acct.ExpiresAt, "data_access_expires_at": &m.acct.DataAccessExpiresAt,
		"refresh_expires_at": &m.acct.RefreshExpiresAt} {
		if _, ok := details[key]; ok {
			*field, any = detailTime(d, key), true
			if *field != nil && !(*field).After(e.Time) {
				*field = nil
			}
		}
	}
	if v, ok := details["has_refresh_token"].(bool); ok {
		m.acct.HasRefreshToken, any = v, true
	}
	if any {
		m.setAt = pointOf(e)
	}
	return any
}

// statusAt is the app's status rule applied to what history knows, as a state.
func (m *machine) statusAt(t time.Time) (State, string) {
	renews, afterExpiry := m.opt.renewal(&m.acct)
	switch m.acct.Status(t, m.opt.window(), renews, afterExpiry) {
	case backend.StatusExpired:
		return StateBroken, ReasonExpired
	case backend.StatusExpiring:
		return StateExpiring, ""
	}
	return StateHealthy, ""
}

// settle puts the account in the state its deadlines give at e's time.
func (m *machine) settle(e *backend.Event) {
	st, reason := m.statusAt(e.Time)
	m.set(e.Time, st, reason, e)
	m.upto = e.Time
}

// changes returns the moments after t at which the deadlines can change the
// status: the access token's expiry, the reconnect-by date and the start of
// its warning window.
func (m *machine) changes(after time.Time) []time.Time {
	renews, _ := m.opt.renewal(&m.acct)
	var out []time.Time
	add := func(t *time.Time) {
		if t != nil && t.After(after) {
			out = append(out, *t)
		}
	}
	add(m.acct.ExpiresAt)
	if by := m.acct.ReconnectBy(renews); by != nil {
		add(by)
		w := by.Add(-m.opt.window())
		add(&w)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// advance applies the changes the deadlines bring up to and including t,
// while the account works: a broken account stays broken until an event
// says otherwise. Before each change, the latest successful check's
// deadlines are taken, when it came after the deadlines were last set.
func (m *machine) advance(t time.Time) {
	from := later(m.cur.Start, m.upto)
	for m.started && !m.ended && m.err == nil && m.cur.State != StateBroken {
		cs := m.changes(from)
		if len(cs) == 0 || cs[0].After(t) {
			return
		}
		c := cs[0]
		ok, err := m.prevOK(c)
		if err != nil {
			m.err = err
			return
		}
		if ok != nil && before(m.setAt, pointOf(ok)) {
			m.checked[ok.ID] = true
			if m.updateDeadlines(ok) {
				// The deadlines moved. What they say counts from c on, never
				// before: events up to c were judged with what was known then.
				if st, reason := m.statusAt(c); st != m.cur.State {
					m.set(c, st, reason, nil)
				}
				from, m.upto = c, c
				continue
			}
			m.setAt = pointOf(ok)
		}
		if st, reason := m.statusAt(c); st != m.cur.State {
			m.set(c, st, reason, nil)
		}
		from, m.upto = c, c
	}
}

func (m *machine) failure(e *backend.Event, reason string) {
	if IsTransient(reason) {
		return
	}
	if reason == "" {
		reason = backend.ReasonUnknown
	}
	m.set(e.Time, StateBroken, reason, e)
}

// set moves to state st at time at, caused by event e (nil: a deadline).
func (m *machine) set(at time.Time, st State, reason string, e *backend.Event) {
	var id int64
	if e != nil {
		id = e.ID
	}
	if !m.started {
		m.started = true
		t := at
		m.tl.Created = &t
		m.open(at, st, reason, id)
		return
	}
	if st == m.cur.State {
		m.addReason(reason)
		return
	}
	m.close(at, e)
	if n := len(m.tl.Intervals); n > 0 && m.tl.Intervals[n-1].State == st && !m.tl.Intervals[n-1].End.Before(at) {
		// The interval in between had no length and was dropped: the one
		// before goes on.
		m.cur = m.tl.Intervals[n-1]
		m.cur.EndEventID, m.cur.EndKind = 0, ""
		m.tl.Intervals = m.tl.Intervals[:n-1]
		m.addReason(reason)
		return
	}
	m.open(at, st, reason, id)
}

func (m *machine) open(at time.Time, st State, reason string, id int64) {
	m.cur = Interval{State: st, Start: at, StartEventID: id}
	if st == StateBroken {
		m.cur.Reason, m.cur.Reasons = reason, []string{reason}
		if m.onBroken != nil {
			m.onBroken(at, id)
		}
	}
}

func (m *machine) addReason(reason string) {
	if m.cur.State == StateBroken && reason != "" && !slices.Contains(m.cur.Reasons, reason) {
		m.cur.Reasons = append(m.cur.Reasons, reason)
	}
}

// close ends the current interval at t because of e (nil: a deadline),
// dropping it when it has no length.
func (m *machine) close(t time.Time, e *backend.Event) {
	if !m.started {
		return
	}
	m.cur.End = t
	if e != nil {
		m.cur.EndEventID, m.cur.EndKind = e.ID, e.Kind
	}
	if m.cur.End.After(m.cur.Start) {
		m.tl.Intervals = append(m.tl.Intervals, m.cur)
	}
}

// finish ends the timeline at end and returns it.
func (m *machine) finish(end time.Time) *AccountTimeline {
	if !m.ended && m.started {
		m.advance(end)
		m.cur.End, m.cur.Ongoing = end, true
		if m.cur.End.After(m.cur.Start) || len(m.tl.Intervals) == 0 {
			if m.cur.End.Before(m.cur.Start) {
				m.cur.End = m.cur.Start
			}
			m.tl.Intervals = append(m.tl.Intervals, m.cur)
		}
	}
	if !m.ended {
		renews, _ := m.opt.renewal(&m.acct)
		m.tl.Deadline = m.acct.ReconnectBy(renews)
	}
	return &m.tl
}

func reasonOf(e *backend.Event, fallback string) string {
	if e.Reason != "" {
		return e.Reason
	}
	if r, ok := e.Details["reason"].(string); ok && r != "" {
		return r
	}
	return fallback
}

// detailTime reads a time from event details: an RFC 3339 string once the
// event went through JSON, a time.Time or *time.Time before.
func detailTime(e *backend.Event, key string) *time.Time {
	switch v := e.Details[key].(type) {
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			t = t.UTC()
			return &t
		}
	case time.Time:
		if !v.IsZero() {
			t := v.UTC()
			return &t
		}
	case *time.Time:
		if v != nil && !v.IsZero() {
			t := v.UTC()
			return &t
		}
	}
	return nil
}

func detailList(e *backend.Event, key string) []string {
	switch v := e.Details[key].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
