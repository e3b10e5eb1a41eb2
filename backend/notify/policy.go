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
//   - accounts of one client that fall due together make one notification;
//   - snoozed accounts wait for the end of their snooze, everything waits
//     for the end of quiet hours, and the global switch stops everything.
//
// Plan is the policy, a pure function of the clock, the accounts, the state
// and the settings. Notifier runs it, sends through a Sender, records what
// was sent and writes history events.
package notify

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
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

// Notification is one message to the user about one client's accounts.
type Notification struct {
	// ID is stable: the same accounts, thresholds and dates give the same id.
	ID         string `json:"id"`
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name"`
	Title      string `json:"title"`
	Body       string `json:"body"`
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

// maxBodyLines bounds the accounts listed in a grouped notification.
const maxBodyLines = 5

// Plan returns the notifications due at now. It is pure: it reads nothing
// but its arguments.
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
		clientID, clientName string
		items                []Item
		keys                 []backend.NotifyKey
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
			g = &group{clientID: c.ClientID, clientName: c.ClientName}
			byClient[c.ClientID] = g
			groups = append(groups, g)
		}
		g.items = append(g.items, item)
		g.keys = append(g.keys, keys...)
	}

	notes := make([]Notification, 0, len(groups))
	for _, g := range groups {
		slices.SortStableFunc(g.items, compareItems)
		notes = append(notes, compose(now, g.clientID, g.clientName, g.items, g.keys))
	}
	slices.SortStableFunc(notes, func(a, b Notification) int {
		if c := compareItems(a.Items[0], b.Items[0]); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(a.ClientName), strings.ToLower(b.ClientName))
	})
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
	item := Item{AccountID: c.AccountID, Provider: c.Provider, ProviderName: c.ProviderName, Label: c.Label, ReconnectBy: c.ReconnectBy}
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

// short is an item's text for a line of a grouped notification: the problem
// without what to do.
func (it Item) short() string {
	if it.Threshold == ThresholdInvalid || it.Threshold == ThresholdPassed {
		return backend.Diagnose(it.Reason).Problem
	}
	return it.Text
}

// name is how an account is named in a notification: "Facebook · Acme Page".
func (it Item) name() string {
	p := it.ProviderName
	if p == "" {
		p = it.Provider
	}
	switch {
	case p == "":
		return it.Label
	case it.Label == "":
		return p
	}
	return p + " · " + it.Label
}

func compose(now time.Time, clientID, clientName string, items []Item, keys []backend.NotifyKey) Notification {
	n := Notification{ClientID: clientID, ClientName: clientName, Items: items, Keys: keys, PrimaryAccountID: items[0].AccountID}
	for _, it := range items {
		n.AccountIDs = append(n.AccountIDs, it.AccountID)
	}
	client := clientName
	if client == "" {
		client = "A client"
	}
	if len(items) == 1 {
		it := items[0]
		p := cmp.Or(it.ProviderName, it.Provider, "An account")
		switch it.Threshold {
		case ThresholdInvalid, ThresholdPassed:
			n.Title = fmt.Sprintf("%s: %s stopped working", client, p)
		default:
			n.Title = fmt.Sprintf("%s: reconnect %s %s", client, p, backend.Relative(*it.ReconnectBy, now))
		}
		n.Body = fmt.Sprintf("%s (%s): %s", it.name(), client, it.Text)
	} else {
		n.Title = fmt.Sprintf("%s: %d accounts need you", client, len(items))
		lines := make([]string, 0, maxBodyLines+1)
		for i, it := range items {
			if i == maxBodyLines {
				lines = append(lines, fmt.Sprintf("…and %d more.", len(items)-maxBodyLines))
				break
			}
			lines = append(lines, it.name()+": "+it.short())
		}
		n.Body = strings.Join(lines, "\n")
	}
	n.ID = notificationID(clientID, keys)
	return n
}

// notificationID is "tw-<client>-<hash of the keys>": stable for the same
// accounts, thresholds and dates, different for anything else.
func notificationID(clientID string, keys []backend.NotifyKey) string {
	sorted := slices.Clone(keys)
	slices.SortFunc(sorted, func(a, b backend.NotifyKey) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.Threshold, b.Threshold), cmp.Compare(a.ReconnectBy, b.ReconnectBy))
	})
	h := sha256.New()
	for _, k := range sorted {
		fmt.Fprintf(h, "%s\x00%s\x00%d\n", k.AccountID, k.Threshold, k.ReconnectBy)
	}
	return "tw-" + cmp.Or(clientID, "none") + "-" + hex.EncodeToString(h.Sum(nil))[:12]
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
