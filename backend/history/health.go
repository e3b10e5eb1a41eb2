package history

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Period is a half-open stretch of time [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// LastDays is the period of n days up to now.
func LastDays(n int, now time.Time) Period {
	return Period{From: now.Add(-time.Duration(n) * 24 * time.Hour), To: now}
}

// Incident is one stretch of time during which an account was broken.
// Broken stretches that touch are one incident; its reasons are all listed.
type Incident struct {
	AccountID    string     `json:"account_id"`
	AccountLabel string     `json:"account_label"`
	Provider     string     `json:"provider"`
	ClientID     string     `json:"client_id"`
	ClientName   string     `json:"client_name"`
	Start        time.Time  `json:"start"`
	End          *time.Time `json:"end"` // nil while ongoing
	Ongoing      bool       `json:"ongoing"`
	// Duration runs to End, or to the moment the figures were computed
	// while the incident is ongoing.
	Duration Duration `json:"duration"`
	Reason   string   `json:"reason"`
	Reasons  []string `json:"reasons"`
	// Explanation is the reason in plain words.
	Explanation string `json:"explanation"`
	// EndedBy is the kind of the event that ended it: a reconnect, a
	// refresh, a successful check, or the account's deletion.
	EndedBy      string `json:"ended_by,omitempty"`
	StartEventID int64  `json:"start_event_id"`
	EndEventID   int64  `json:"end_event_id"`
}

// Resolved reports whether the incident ended with the account working again
// (rather than still going on, or ending with the account's deletion).
func (in *Incident) Resolved() bool {
	return !in.Ongoing && in.EndedBy != backend.EventAccountDeleted && in.End != nil
}

// Action is something done to keep an account connected: an import, a
// connect, a reconnect.
type Action struct {
	Time         time.Time `json:"time"`
	AccountID    string    `json:"account_id"`
	AccountLabel string    `json:"account_label"`
	Provider     string    `json:"provider"`
	Kind         string    `json:"kind"`
	Outcome      string    `json:"outcome"`
	Message      string    `json:"message"`
}

// AccountHealth is one account's figures over a period.
type AccountHealth struct {
	AccountID string `json:"account_id"`
	Label     string `json:"label"`
	Provider  string `json:"provider"`
	ClientID  string `json:"client_id"`
	// Created is when the account was added; MonitoredFrom when its history
	// began (the same moment for every account added since history is kept).
	Created       *time.Time `json:"created"`
	MonitoredFrom *time.Time `json:"monitored_from"`
	// MonitoredSince is MonitoredFrom when it falls inside the period: the
	// period's bar then says "monitored since" that day.
	MonitoredSince *time.Time `json:"monitored_since"`
	Deleted        *time.Time `json:"deleted"`
	// State is the state now ("" once deleted); Reason why it is broken.
	State    State      `json:"state"`
	Reason   string     `json:"reason"`
	Deadline *time.Time `json:"deadline"`
	// Existed is how much of the period the account existed (Cover);
	// Monitored how much of that its history followed; Healthy how much of
	// the monitored time it worked (healthy or expiring); Broken the rest
	// of the monitored time.
	Existed   Duration `json:"existed"`
	Monitored Duration `json:"monitored"`
	Healthy   Duration `json:"healthy"`
	Broken    Duration `json:"broken"`
	// UptimePct is Healthy / Monitored in percent; nil when the account was
	// not monitored in the period. Uptime30Pct and Uptime90Pct are the same
	// over the last 30 and 90 days.
	UptimePct   *float64   `json:"uptime_pct"`
	Uptime30Pct *float64   `json:"uptime_30d_pct"`
	Uptime90Pct *float64   `json:"uptime_90d_pct"`
	Incidents   []Incident `json:"incidents"`
	Actions     []Action   `json:"actions"`
	// NeedsAttention: the account exists and is broken or expiring now.
	NeedsAttention bool `json:"needs_attention"`
	// Intervals are the account's states clipped to the period, for bars.
	Intervals []Interval `json:"intervals"`
}

// ClientHealth is a client's figures over a period.
type ClientHealth struct {
	ClientID    string    `json:"client_id"`
	ClientName  string    `json:"client_name"`
	Period      Period    `json:"period"`
	GeneratedAt time.Time `json:"generated_at"`
	// Accounts: every account that existed at some point in the period.
	Accounts []*AccountHealth `json:"accounts"`
	// UptimePct weighs each account by how long it was monitored in the
	// period: the sum of working time over the sum of monitored time.
	UptimePct   *float64 `json:"uptime_pct"`
	Uptime30Pct *float64 `json:"uptime_30d_pct"`
	Uptime90Pct *float64 `json:"uptime_90d_pct"`
	// AllWorkingPct is the share of the period during which at least one
	// account existed and none was broken (overlapping incidents merged).
	AllWorkingPct *float64 `json:"all_working_pct"`
	// Incidents overlapping the period, newest first.
	Incidents []Incident `json:"incidents"`
	// MeanTimeToReconnect is the mean duration of the incidents that ended
	// in the period with the account working again; nil when none did.
	MeanTimeToReconnect *Duration `json:"mean_time_to_reconnect"`
	ResolvedIncidents   int       `json:"resolved_incidents"`
	// NeedsAttention lists the accounts that are broken or expiring now.
	NeedsAttention []string `json:"needs_attention"`
	// Actions in the period, oldest first.
	Actions []Action `json:"actions"`
}

// ComputeHealth computes a client's figures over p from its accounts'
// timelines, which must run up to now. p.To is cut to now: the future has
// no uptime.
func ComputeHealth(clientID, clientName string, tls []*AccountTimeline, p Period, now time.Time) *ClientHealth {
	if p.To.After(now) {
		p.To = now
	}
	if p.From.After(p.To) {
		p.From = p.To
	}
	h := &ClientHealth{ClientID: clientID, ClientName: clientName, Period: p, GeneratedAt: now,
		Accounts: []*AccountHealth{}, Incidents: []Incident{}, NeedsAttention: []string{}, Actions: []Action{}}
	p30, p90 := LastDays(30, now), LastDays(90, now)
	var sum, sum30, sum90 [2]time.Duration // existed, healthy
	var existing, broken []Interval
	var mttr time.Duration
	for _, tl := range tls {
		if tl.Created == nil {
			continue
		}
		ah := accountHealth(tl, p, now)
		ex30, ok30 := tally(tl.Intervals, p30)
		ex90, ok90 := tally(tl.Intervals, p90)
		ah.Uptime30Pct, ah.Uptime90Pct = pct(ok30, ex30), pct(ok90, ex90)
		sum30[0], sum30[1] = sum30[0]+ex30, sum30[1]+ok30
		sum90[0], sum90[1] = sum90[0]+ex90, sum90[1]+ok90
		if ah.NeedsAttention {
			h.NeedsAttention = append(h.NeedsAttention, tl.AccountID)
		}
		if ah.Existed == 0 && len(ah.Incidents) == 0 && len(ah.Actions) == 0 {
			continue // not in this period
		}
		sum[0], sum[1] = sum[0]+ah.Monitored.Std(), sum[1]+ah.Healthy.Std()
		for _, iv := range ah.Intervals {
			existing = append(existing, iv)
			if iv.State == StateBroken {
				broken = append(broken, iv)
			}
		}
		for _, in := range ah.Incidents {
			h.Incidents = append(h.Incidents, in)
			if in.Resolved() && !in.End.Before(p.From) && in.End.Before(p.To) {
				mttr += in.Duration.Std()
				h.ResolvedIncidents++
			}
		}
		h.Actions = append(h.Actions, ah.Actions...)
		h.Accounts = append(h.Accounts, ah)
	}
	h.UptimePct, h.Uptime30Pct, h.Uptime90Pct = pct(sum[1], sum[0]), pct(sum30[1], sum30[0]), pct(sum90[1], sum90[0])
	if up := covered(existing); up > 0 {
		h.AllWorkingPct = pct(up-covered(broken), up)
	}
	if h.ResolvedIncidents > 0 {
		d := Duration(mttr / time.Duration(h.ResolvedIncidents))
		h.MeanTimeToReconnect = &d
	}
	slices.SortStableFunc(h.Incidents, func(a, b Incident) int { return b.Start.Compare(a.Start) })
	slices.SortStableFunc(h.Actions, func(a, b Action) int { return a.Time.Compare(b.Time) })
	slices.SortStableFunc(h.Accounts, func(a, b *AccountHealth) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)), strings.Compare(a.AccountID, b.AccountID))
	})
	return h
}

// AccountFigures computes one account's figures over p; tl must run up to now.
func AccountFigures(tl *AccountTimeline, p Period, now time.Time) *AccountHealth {
	if p.To.After(now) {
		p.To = now
	}
	ah := accountHealth(tl, p, now)
	ex30, ok30 := tally(tl.Intervals, LastDays(30, now))
	ex90, ok90 := tally(tl.Intervals, LastDays(90, now))
	ah.Uptime30Pct, ah.Uptime90Pct = pct(ok30, ex30), pct(ok90, ex90)
	return ah
}

func accountHealth(tl *AccountTimeline, p Period, now time.Time) *AccountHealth {
	ah := &AccountHealth{AccountID: tl.AccountID, Label: tl.Label, Provider: tl.Provider, ClientID: tl.ClientID,
		Created: tl.Created, MonitoredFrom: tl.Created, Deleted: tl.Deleted, State: tl.State(), Deadline: tl.Deadline,
		Incidents: []Incident{}, Actions: []Action{}, Intervals: Clip(tl.Intervals, p)}
	if tl.ExistedFrom != nil && tl.Created != nil && tl.ExistedFrom.Before(*tl.Created) {
		ah.Created = tl.ExistedFrom
	}
	if cur := tl.Current(); cur != nil && ah.State == StateBroken {
		ah.Reason = cur.Reason
	}
	ah.NeedsAttention = ah.State == StateBroken || ah.State == StateExpiring
	var monitored time.Duration
	if tl.Created != nil {
		c := Cover(p, *ah.Created, *tl.Created, tl.Deleted)
		ah.Existed, ah.MonitoredSince, monitored = Duration(c.Existed), c.MonitoredSince, c.Monitored
	}
	_, ok := tally(tl.Intervals, p)
	ok = min(ok, monitored)
	ah.Monitored, ah.Healthy, ah.Broken = Duration(monitored), Duration(ok), Duration(monitored-ok)
	ah.UptimePct = pct(ok, monitored)
	for _, iv := range tl.Intervals {
		if iv.State != StateBroken || !overlaps(iv, p) {
			continue
		}
		ah.Incidents = append(ah.Incidents, incident(tl, iv, now))
	}
	for _, e := range tl.Reconnects {
		if !e.Time.Before(p.From) && e.Time.Before(p.To) {
			ah.Actions = append(ah.Actions, Action{Time: e.Time, AccountID: tl.AccountID, AccountLabel: orStr(e.AccountLabel, tl.Label),
				Provider: tl.Provider, Kind: e.Kind, Outcome: e.Outcome, Message: e.Message})
		}
	}
	return ah
}

func incident(tl *AccountTimeline, iv Interval, now time.Time) Incident {
	in := Incident{AccountID: tl.AccountID, AccountLabel: tl.Label, Provider: tl.Provider, ClientID: tl.ClientID,
		ClientName: tl.ClientName, Start: iv.Start, Ongoing: iv.Ongoing, Reason: iv.Reason,
		Reasons: slices.Clone(iv.Reasons), Explanation: Explain(iv.Reason), EndedBy: iv.EndKind,
		StartEventID: iv.StartEventID, EndEventID: iv.EndEventID}
	if in.Reasons == nil {
		in.Reasons = []string{}
	}
	if iv.Ongoing {
		in.Duration = Duration(later(now, iv.Start).Sub(iv.Start))
	} else {
		end := iv.End
		in.End = &end
		in.Duration = Duration(iv.End.Sub(iv.Start))
	}
	return in
}

// Clip returns the parts of intervals inside p.
func Clip(intervals []Interval, p Period) []Interval {
	out := []Interval{}
	for _, iv := range intervals {
		if !overlaps(iv, p) {
			continue
		}
		iv.Start, iv.End = later(iv.Start, p.From), earlier(iv.End, p.To)
		out = append(out, iv)
	}
	return out
}

func overlaps(iv Interval, p Period) bool {
	if iv.Start.Equal(iv.End) { // an ongoing state that began just now
		return !iv.Start.Before(p.From) && !iv.Start.After(p.To)
	}
	return iv.Start.Before(p.To) && iv.End.After(p.From)
}

// tally returns how long the intervals cover p, and how much of that in a
// working state (healthy or expiring).
func tally(intervals []Interval, p Period) (existed, working time.Duration) {
	for _, iv := range Clip(intervals, p) {
		d := iv.End.Sub(iv.Start)
		existed += d
		if iv.State != StateBroken {
			working += d
		}
	}
	return existed, working
}

// covered returns the length of the union of the intervals: overlapping
// ones count once.
func covered(ivs []Interval) time.Duration {
	ivs = slices.Clone(ivs)
	slices.SortFunc(ivs, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	var total time.Duration
	var start, end time.Time
	for i, iv := range ivs {
		if i == 0 || iv.Start.After(end) {
			total += end.Sub(start)
			start, end = iv.Start, iv.End
		} else if iv.End.After(end) {
			end = iv.End
		}
	}
	if len(ivs) > 0 {
		total += end.Sub(start)
	}
	return total
}

// pct returns part/whole in percent, nil when whole is zero.
func pct(part, whole time.Duration) *float64 {
	if whole <= 0 {
		return nil
	}
	v := float64(part) / float64(whole) * 100
	return &v
}

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
