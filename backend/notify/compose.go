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
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
)

// MaxClientNotifications is how many clients a check notifies about one by
// one; more make a single digest.
const MaxClientNotifications = 2

// maxBodyLines bounds the lines of a grouped notification or digest.
const maxBodyLines = 5

// Urgency is the freedesktop urgency level (the "urgency" hint's byte).
type Urgency byte

const (
	UrgencyNormal   Urgency = 1 // a deadline ahead
	UrgencyCritical Urgency = 2 // an account that no longer works: stays up until dismissed
)

// Action is a button of a notification, or the click on it (ActionIDDefault):
// Link is the tokenwarden:// link it follows.
type Action struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Link  string `json:"link"`
}

// broken reports whether the item's account no longer works.
func (it Item) broken() bool {
	return it.Threshold == ThresholdInvalid || it.Threshold == ThresholdPassed
}

// short is an item's text for a line of a grouped notification: the problem
// without what to do.
func (it Item) short() string {
	if it.broken() {
		return backend.Diagnose(it.Reason).Problem
	}
	return it.Text
}

// name is how an account is named in a notification: "Facebook · Acme Page".
func (it Item) name() string {
	p := cmp.Or(it.ProviderName, it.Provider)
	switch {
	case p == "":
		return it.Label
	case it.Label == "":
		return p
	}
	return p + " · " + it.Label
}

func clientName(name string) string { return cmp.Or(name, "A client") }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// compose makes one notification of items (most urgent first, each client's
// together) and the keys to record: about one account, about one client's
// accounts, or a digest when they belong to several clients.
func compose(now time.Time, items []Item, keys []backend.NotifyKey) Notification {
	n := Notification{Items: items, Keys: keys, PrimaryAccountID: items[0].AccountID, Urgency: UrgencyNormal}
	var clients []string // client ids in order of appearance
	perClient := map[string][]Item{}
	for _, it := range items {
		n.AccountIDs = append(n.AccountIDs, it.AccountID)
		if it.broken() {
			n.Urgency = UrgencyCritical
		}
		if _, ok := perClient[it.ClientID]; !ok {
			clients = append(clients, it.ClientID)
		}
		perClient[it.ClientID] = append(perClient[it.ClientID], it)
	}
	n.Clients = len(clients)
	first := items[0]
	open := Action{ID: ActionIDDefault, Title: "Open", Link: deeplink.Open(first.AccountID)}
	switch {
	case n.Clients > 1:
		n.Title = fmt.Sprintf("%s at %d clients need you", plural(len(items), "account", "accounts"), n.Clients)
		lines := make([]string, 0, maxBodyLines+1)
		for i, id := range clients {
			if i == maxBodyLines {
				more, word := len(clients)-maxBodyLines, "clients"
				if more == 1 {
					word = "client"
				}
				lines = append(lines, fmt.Sprintf("…and %d more %s.", more, word))
				break
			}
			its := perClient[id]
			line := clientName(its[0].ClientName) + " — " + its[0].name() + ": " + its[0].short()
			if len(its) > 1 {
				line += fmt.Sprintf(" (and %d more)", len(its)-1)
			}
			lines = append(lines, line)
		}
		n.Body = strings.Join(lines, "\n")
		n.Actions = []Action{open, {ID: ActionIDFix, Title: fixTitle(len(items)), Link: deeplink.FixAll()}}
		n.ID = notificationID("digest", keys)
		return n
	case len(items) == 1:
		n.ClientID, n.ClientName = first.ClientID, first.ClientName
		client := clientName(first.ClientName)
		p := cmp.Or(first.ProviderName, first.Provider, "An account")
		if first.broken() {
			n.Title = fmt.Sprintf("%s: %s stopped working", client, p)
		} else {
			n.Title = fmt.Sprintf("%s: reconnect %s %s", client, p, backend.Relative(*first.ReconnectBy, now))
		}
		n.Body = fmt.Sprintf("%s (%s): %s", first.name(), client, first.Text)
		n.Actions = []Action{open, {ID: ActionIDReconnect, Title: ActionTitleReconnect, Link: deeplink.Reconnect(first.AccountID)}}
	default:
		n.ClientID, n.ClientName = first.ClientID, first.ClientName
		n.Title = fmt.Sprintf("%s: %d accounts need you", clientName(first.ClientName), len(items))
		lines := make([]string, 0, maxBodyLines+1)
		for i, it := range items {
			if i == maxBodyLines {
				lines = append(lines, fmt.Sprintf("…and %d more.", len(items)-maxBodyLines))
				break
			}
			lines = append(lines, it.name()+": "+it.short())
		}
		n.Body = strings.Join(lines, "\n")
		n.Actions = []Action{open, {ID: ActionIDFix, Title: fixTitle(len(items)), Link: deeplink.Fix(first.ClientID)}}
	}
	n.ID = notificationID(cmp.Or(n.ClientID, "none"), keys)
	return n
}

func fixTitle(accounts int) string { return "Fix " + plural(accounts, "account", "accounts") }

// notificationID is "tw-<client or digest>-<hash of the keys>": stable for
// the same accounts, thresholds and dates, different for anything else.
func notificationID(scope string, keys []backend.NotifyKey) string {
	sorted := slices.Clone(keys)
	slices.SortFunc(sorted, func(a, b backend.NotifyKey) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.Threshold, b.Threshold), cmp.Compare(a.ReconnectBy, b.ReconnectBy))
	})
	h := sha256.New()
	for _, k := range sorted {
		fmt.Fprintf(h, "%s\x00%s\x00%d\n", k.AccountID, k.Threshold, k.ReconnectBy)
	}
	return "tw-" + scope + "-" + hex.EncodeToString(h.Sum(nil))[:12]
}
