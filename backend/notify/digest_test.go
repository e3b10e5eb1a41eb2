package notify

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
)

// atClient is c moved to client n ("Client n").
func atClient(c Candidate, n int) Candidate {
	c.ClientID, c.ClientName = client(n), fmt.Sprintf("Client %d", n)
	return c
}

// client and acct are distinct, well-formed ids.
func client(n int) string { return fmt.Sprintf("cli_clientzzzz%c%c", 'a'+n/26, 'a'+n%26) }
func acct(n int) string   { return fmt.Sprintf("acc_accountzzz%c%c", 'a'+n/26, 'a'+n%26) }

// TestPlanDigestUrgencyActions: at most one notification per client per
// check, one digest beyond two clients, critical urgency for accounts that
// no longer work and normal for deadlines, and the buttons that fix them.
func TestPlanDigestUrgencyActions(t *testing.T) {
	t.Parallel()
	deadline := func(id string, client int) Candidate { return atClient(cand(id, at(2*day)), client) }
	dead := func(id string, client int) Candidate {
		return broken(atClient(cand(id, at(30*day)), client), backend.ReasonRevoked)
	}
	type want struct {
		title   string
		urgency Urgency
		actions []string // id=link
	}
	tests := []struct {
		name    string
		entries []Candidate
		want    []want
	}{
		{name: "one deadline", entries: []Candidate{deadline(accFB, 1)}, want: []want{{
			"Client 1: reconnect Facebook in 2 days", UrgencyNormal,
			[]string{ActionIDDefault + "=" + deeplink.Open(accFB), ActionIDReconnect + "=" + deeplink.Reconnect(accFB)}}}},
		{name: "one broken", entries: []Candidate{dead(accFB, 1)}, want: []want{{
			"Client 1: Facebook stopped working", UrgencyCritical,
			[]string{ActionIDDefault + "=" + deeplink.Open(accFB), ActionIDReconnect + "=" + deeplink.Reconnect(accFB)}}}},
		{name: "three at one client make one, critical when one is broken, with Fix",
			entries: []Candidate{deadline(accFB, 1), dead(accIG, 1), deadline(accLI, 1)}, want: []want{{
				"Client 1: 3 accounts need you", UrgencyCritical,
				[]string{ActionIDDefault + "=" + deeplink.Open(accIG), ActionIDFix + "=" + deeplink.Fix(client(1))}}}},
		{name: "two clients: one each, most urgent first",
			entries: []Candidate{deadline(accFB, 1), deadline(accIG, 1), deadline(accLI, 2), dead(accX, 2), deadline(acct(5), 2)},
			want: []want{
				{"Client 2: 3 accounts need you", UrgencyCritical,
					[]string{ActionIDDefault + "=" + deeplink.Open(accX), ActionIDFix + "=" + deeplink.Fix(client(2))}},
				// Equal deadlines: by label, "@acmebakery" first.
				{"Client 1: 2 accounts need you", UrgencyNormal,
					[]string{ActionIDDefault + "=" + deeplink.Open(accIG), ActionIDFix + "=" + deeplink.Fix(client(1))}},
			}},
		{name: "three clients make one digest",
			entries: []Candidate{deadline(accFB, 1), deadline(accIG, 2), deadline(accLI, 3)}, want: []want{{
				"3 accounts at 3 clients need you", UrgencyNormal,
				[]string{ActionIDDefault + "=" + deeplink.Open(accIG), ActionIDFix + "=" + deeplink.FixAll()}}}},
		{name: "seven accounts at four clients, one broken",
			entries: []Candidate{deadline(accFB, 1), deadline(accIG, 1), deadline(accLI, 2), dead(accX, 3),
				deadline(acct(5), 3), deadline(acct(6), 4), deadline(acct(7), 4)}, want: []want{{
				"7 accounts at 4 clients need you", UrgencyCritical,
				[]string{ActionIDDefault + "=" + deeplink.Open(accX), ActionIDFix + "=" + deeplink.FixAll()}}}},
	}
	for _, tt := range tests {
		notes := Plan(t0, tt.entries, emptyState(), backend.DefaultSettings())
		if len(notes) != len(tt.want) {
			t.Errorf("%s: %d notifications %q, want %d", tt.name, len(notes), summary(notes), len(tt.want))
			continue
		}
		var accounts int
		for i, n := range notes {
			accounts += len(n.Items)
			var actions []string
			for _, a := range n.Actions {
				actions = append(actions, a.ID+"="+a.Link)
			}
			w := tt.want[i]
			if n.Title != w.title || n.Urgency != w.urgency || !slices.Equal(actions, w.actions) {
				t.Errorf("%s #%d: %q urgency %d actions %q\nwant %q urgency %d actions %q", tt.name, i, n.Title, n.Urgency, actions, w.title, w.urgency, w.actions)
			}
			// Every action reads back as what it says, as a click brings it.
			for _, a := range n.Actions {
				if l, _, err := ParseResponse(a.ID, ActionData(n)); err != nil || l.String() != a.Link {
					t.Errorf("%s: action %s reads back as %+v, %v", tt.name, a.ID, l, err)
				}
			}
		}
		if accounts != len(tt.entries) {
			t.Errorf("%s: %d accounts notified of %d", tt.name, accounts, len(tt.entries))
		}
	}
}

// TestDigestBody lists one line per client, most urgent first, and no more
// than maxBodyLines clients.
func TestDigestBody(t *testing.T) {
	t.Parallel()
	var entries []Candidate
	for i := range 8 {
		c := atClient(cand(acct(i), at(day*4)), i)
		c.ProviderName, c.Label = "Google", fmt.Sprintf("Ads %d", i)
		entries = append(entries, c)
	}
	entries[6] = broken(entries[6], backend.ReasonRevoked)
	extra := atClient(cand(acct(20), at(day*5)), 6)
	entries = append(entries, extra)
	notes := Plan(t0, entries, emptyState(), backend.DefaultSettings())
	if len(notes) != 1 {
		t.Fatalf("%d notifications", len(notes))
	}
	n := notes[0]
	lines := strings.Split(n.Body, "\n")
	if n.Title != "9 accounts at 8 clients need you" || n.ClientID != "" || n.Clients != 8 || len(lines) != maxBodyLines+1 ||
		lines[0] != "Client 6 — Google · Ads 6: "+backend.Diagnose(backend.ReasonRevoked).Problem+" (and 1 more)" ||
		lines[maxBodyLines] != "…and 3 more clients." || !strings.HasPrefix(n.ID, "tw-digest-") {
		t.Errorf("digest %q %q\n%s", n.ID, n.Title, n.Body)
	}
}
