// Package notify decides when Tokenwarden tells the user about an account,
// keeps the user's notification settings and what was already sent, and
// delivers notifications.
//
// The promise: the user hears about an account before their client does,
// and fixing it is one click. So:
//   - a token the platform rejects is notified at once (a network failure,
//     a rate limit or a provider outage is not: nothing is known to be wrong);
//   - an approaching reconnect-by date is notified at each threshold as it is
//     crossed (7, 3 and 1 days ahead, and when it has passed, by default);
//   - nothing is notified twice: an account, threshold and reconnect-by date
//     are recorded when sent, and a reconnect moves the date, which arms the
//     thresholds again;
//   - accounts of one client that fall due together make one notification,
//     and when more than two clients are due at once they share one digest,
//     so a check never raises a burst;
//   - a broken account is urgent (critical), a deadline is not (normal);
//   - snoozed accounts wait for the end of their snooze, everything waits
//     for the end of quiet hours, and the global switch stops everything.
//
// Plan is the policy, a pure function of the clock, the accounts, the state
// and the settings. Notifier runs it, sends through a Sender, records what
// was sent and writes history events.
package notify

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Candidate is an account as planning sees it.
type Candidate struct {
	AccountID    string         `json:"account_id"`
	ClientID     string         `json:"client_id"`
	ClientName   string         `json:"client_name"`
	Provider     string         `json:"provider"`      // provider id, for history events
	ProviderName string         `json:"provider_name"` // shown to the user
	Label        string         `json:"label"`
	Status       backend.Status `json:"status"`
	// ReconnectBy is the date by which the user must log in again, nil when
	// none is known.
	ReconnectBy *time.Time `json:"reconnect_by"`
	// Invalid is set when the platform rejected the token; Reason is the
	// reason code then.
	Invalid bool   `json:"invalid"`
	Reason  string `json:"reason"`
	Renews  bool   `json:"renews"`
}

// Threshold keys besides the "Nd" ones.
const (
	ThresholdPassed  = "passed"  // the reconnect-by date has passed
	ThresholdInvalid = "invalid" // the platform rejected the token
)

// ThresholdKey names a threshold of Settings.Thresholds: "7d", or "passed" for 0.
func ThresholdKey(days int) string {
	if days == 0 {
		return ThresholdPassed
	}
	return fmt.Sprintf("%dd", days)
}

// Item is one account in a notification.
type Item struct {
	AccountID    string     `json:"account_id"`
	ClientID     string     `json:"client_id"`
	ClientName   string     `json:"client_name"`
	Provider     string     `json:"provider"`
	ProviderName string     `json:"provider_name"`
	Label        string     `json:"label"`
	Threshold    string     `json:"threshold"` // the key that made it due
	Reason       string     `json:"reason"`    // reason code: the rejection's, "expired" once passed, "" before
	ReconnectBy  *time.Time `json:"reconnect_by"`
	// Text says what is wrong in plain words, without the account's name.
	Text string `json:"text"`

	rank int // lower is more urgent
}

// Notification is one message to the user: about one client's accounts, or
// a digest of several clients' (ClientID is "" then).
type Notification struct {
	// ID is stable: the same accounts, thresholds and dates give the same id.
	ID         string `json:"id"`
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name"`
	// Clients counts the clients named: 1, or more in a digest.
	Clients int    `json:"clients"`
	Title   string `json:"title"`
	// Body is plain text; a sender whose daemon reads markup escapes it.
	Body    string  `json:"body"`
	Urgency Urgency `json:"urgency"`
	// Actions are what a click can do, the click on the notification itself
	// (ActionIDDefault) first.
	Actions []Action `json:"actions"`
	// AccountIDs lists the accounts, most urgent first; PrimaryAccountID is
	// the first, the one a click opens or reconnects.
	AccountIDs       []string `json:"account_ids"`
	PrimaryAccountID string   `json:"primary_account_id"`
	Items            []Item   `json:"items"`
	// Keys are recorded as sent once the notification is shown: each
	// account's threshold that made it due, and the less urgent thresholds
	// it had crossed too (a 7d reminder is pointless after the 3d one).
	Keys []backend.NotifyKey `json:"keys"`
}

// Plan returns the notifications due at now: one per client with accounts
// due, or a single digest when more than MaxClientNotifications clients are
// due at once. It is pure: it reads nothing but its arguments.
func Plan(now time.Time, entries []Candidate, state State, settings backend.Settings) []Notification {
	if !settings.Enabled {
		return nil
	}
	if _, quiet := settings.Quiet(now); quiet {
		return nil
	}
	thresholds := slices.Clone(settings.Thresholds)
	slices.Sort(thresholds) // most urgent (fewest days) first

	type group struct {
		clientName string
		items      []Item
		keys       []backend.NotifyKey
	}
	var groups []*group
	byClient := map[string]*group{}
	seen := map[string]bool{}
	for _, c := range entries {
		if c.AccountID == "" || seen[c.AccountID] {
			continue
		}
		seen[c.AccountID] = true
		if until, ok := state.Snoozes[c.AccountID]; ok && now.Before(until) {
			continue
		}
		item, keys, ok := due(now, c, state, thresholds)
		if !ok {
			continue
		}
		g := byClient[c.ClientID]
		if g == nil {
			g = &group{clientName: c.ClientName}
			byClient[c.ClientID] = g
			groups = append(groups, g)
		}
		g.items = append(g.items, item)
		g.keys = append(g.keys, keys...)
	}

	for _, g := range groups {
		slices.SortStableFunc(g.items, compareItems)
	}
	slices.SortStableFunc(groups, func(a, b *group) int {
		if c := compareItems(a.items[0], b.items[0]); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(a.clientName), strings.ToLower(b.clientName))
	})
	if len(groups) > MaxClientNotifications {
		var items []Item
		var keys []backend.NotifyKey
		for _, g := range groups {
			items, keys = append(items, g.items...), append(keys, g.keys...)
		}
		return []Notification{compose(now, items, keys)}
	}
	notes := make([]Notification, 0, len(groups))
	for _, g := range groups {
		notes = append(notes, compose(now, g.items, g.keys))
	}
	return notes
}

func compareItems(a, b Item) int {
	if c := cmp.Compare(a.rank, b.rank); c != 0 {
		return c
	}
	if c := cmp.Compare(millis(a.ReconnectBy), millis(b.ReconnectBy)); c != 0 {
		return c
	}
	if c := cmp.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)); c != 0 {
		return c
	}
	return cmp.Compare(a.AccountID, b.AccountID)
}

func millis(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.UnixMilli()
}

// rejected reports whether the platform said the token does not work.
func rejected(c Candidate) bool { return c.Invalid && !backend.Transient(c.Reason) }

// passed reports whether the account can no longer work without the user.
func passed(now time.Time, c Candidate) bool {
	return c.Status == backend.StatusExpired || (c.ReconnectBy != nil && !c.ReconnectBy.After(now))
}

// due returns what to say about one account now, and the keys to record.
// thresholds are sorted most urgent first.
func due(now time.Time, c Candidate, state State, thresholds []int) (Item, []backend.NotifyKey, bool) {
	by := millis(c.ReconnectBy)
	item := Item{AccountID: c.AccountID, ClientID: c.ClientID, ClientName: c.ClientName, Provider: c.Provider, ProviderName: c.ProviderName, Label: c.Label, ReconnectBy: c.ReconnectBy}
	if rejected(c) {
		k := backend.NotifyKey{AccountID: c.AccountID, Threshold: ThresholdInvalid, ReconnectBy: by}
		if _, sent := state.Sent[k]; sent {
			return Item{}, nil, false
		}
		d := backend.Diagnose(c.Reason)
		item.Threshold, item.Reason, item.rank = ThresholdInvalid, d.Reason, 0
		item.Text = d.Problem + " " + d.Action
		return item, []backend.NotifyKey{k}, true
	}
	if c.ReconnectBy == nil && c.Status != backend.StatusExpired {
		return Item{}, nil, false
	}
	isPassed := passed(now, c)
	var crossed []int
	for _, days := range thresholds {
		if isPassed || (days > 0 && c.ReconnectBy.Sub(now) <= time.Duration(days)*24*time.Hour) {
			crossed = append(crossed, days)
		}
	}
	if len(crossed) == 0 {
		return Item{}, nil, false
	}
	// Only the most urgent threshold crossed decides: when it was sent,
	// less urgent ones crossed since (a threshold added later) stay quiet.
	first := backend.NotifyKey{AccountID: c.AccountID, Threshold: ThresholdKey(crossed[0]), ReconnectBy: by}
	if _, sent := state.Sent[first]; sent {
		return Item{}, nil, false
	}
	keys := make([]backend.NotifyKey, 0, len(crossed))
	for _, days := range crossed {
		keys = append(keys, backend.NotifyKey{AccountID: c.AccountID, Threshold: ThresholdKey(days), ReconnectBy: by})
	}
	item.Threshold = first.Threshold
	if isPassed {
		d := backend.Diagnose(backend.ReasonExpired)
		item.Reason, item.rank = d.Reason, 1
		item.Text = d.Problem + " " + d.Action
	} else {
		item.rank = 1 + crossed[0]
		item.Text = fmt.Sprintf("Must be reconnected %s (by %s).", backend.Relative(*c.ReconnectBy, now), formatDate(*c.ReconnectBy, now))
	}
	return item, keys, true
}

// formatDate shows a date in now's location, "Mon 2 Jun 14:00".
func formatDate(t, now time.Time) string {
	t = t.In(now.Location())
	if t.Year() != now.Year() {
		return t.Format("Mon 2 Jan 2006 15:04")
	}
	return t.Format("Mon 2 Jan 15:04")
}

// Stale returns recorded keys that no longer hold for the accounts in
// entries, to be forgotten so that the same thing can be notified again
// when it happens again: a rejection once the account is no longer marked
// invalid (a network failure does not clear the mark), a
// passed date once it has not passed, and every key of a reconnect-by date
// the account no longer has. Accounts not in entries are left alone.
func Stale(now time.Time, entries []Candidate, state State) []backend.NotifyKey {
	byAccount := map[string][]backend.NotifyKey{}
	for k := range state.Sent {
		byAccount[k.AccountID] = append(byAccount[k.AccountID], k)
	}
	var out []backend.NotifyKey
	for _, c := range entries {
		keys := byAccount[c.AccountID]
		delete(byAccount, c.AccountID) // once per account
		for _, k := range keys {
			switch {
			case k.ReconnectBy != millis(c.ReconnectBy),
				k.Threshold == ThresholdInvalid && !c.Invalid,
				k.Threshold == ThresholdPassed && !passed(now, c) && !c.Invalid:
				out = append(out, k)
			}
		}
	}
	slices.SortFunc(out, func(a, b backend.NotifyKey) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.Threshold, b.Threshold), cmp.Compare(a.ReconnectBy, b.ReconnectBy))
	})
	return out
}
