package accounts

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/notify"
)

// Entry is an account as the user sees it: with its client, provider name
// and status. It never carries a secret.
type Entry struct {
	*backend.Account
	ClientName   string         `json:"client"`
	ProviderName string         `json:"provider_name"`
	Status       backend.Status `json:"status"`
	// Renews says the tokens renew without the user; ReconnectBy is the
	// date by which the user must log in again (nil: none known; now for
	// an invalid account).
	Renews      bool       `json:"renews"`
	ReconnectBy *time.Time `json:"reconnect_by"`
	// UnverifiedSince is backend.Account.UnverifiedSince: since when the
	// checks got no verdict (CheckProblem says why); nil when verified.
	UnverifiedSince *time.Time `json:"unverified_since"`
	// StatusChangesAt is when Status next moves on by time alone (nil: never).
	StatusChangesAt *time.Time `json:"status_changes_at"`
}

// Group is one client and its accounts, most urgent first.
type Group struct {
	Client   *backend.Client `json:"client"`
	Accounts []*Entry        `json:"accounts"`
}

// urgency orders statuses: what needs the user most comes first.
var urgency = map[backend.Status]int{
	backend.StatusInvalid:  0,
	backend.StatusExpired:  1,
	backend.StatusExpiring: 2,
	backend.StatusUnknown:  3,
	backend.StatusHealthy:  4,
}

// Entries returns every account (or those of filter) with its status, from
// metadata only: no keychain read.
func (s *Service) Entries(ctx context.Context, filter backend.AccountFilter) ([]*Entry, error) {
	var entries []*Entry
	now := s.Now()
	window, err := backend.WarningWindowOf(ctx, s.Settings)
	if err != nil {
		return nil, err
	}
	err = s.Store.View(ctx, func(tx backend.Tx) error {
		clients, err := tx.Clients()
		if err != nil {
			return err
		}
		names := make(map[string]string, len(clients))
		for _, c := range clients {
			names[c.ID] = c.Name
		}
		list, err := tx.Accounts(filter)
		if err != nil {
			return err
		}
		for _, a := range list {
			entries = append(entries, s.entry(a, names[a.ClientID], now, window))
		}
		return nil
	})
	sortByUrgency(entries)
	return entries, err
}

func (s *Service) entry(a *backend.Account, clientName string, now time.Time, window time.Duration) *Entry {
	p, err := s.Providers.Provider(a.Provider)
	if err != nil { // a custom provider removed from providers.yaml
		p = &backend.Provider{ID: a.Provider, Name: a.Provider, Refresh: backend.RefreshNone}
	}
	renews := a.Renews(p)
	by := a.ReconnectBy(renews)
	if a.Invalid {
		// The platform refused the token: it must be reconnected now, as
		// history.Deadlines counts it ("broken now"), not by its old dates.
		t := now
		by = &t
	}
	refreshAfterExpiry := p.Refresh == backend.RefreshToken
	return &Entry{Account: a, ClientName: clientName, ProviderName: p.Name, Renews: renews, ReconnectBy: by,
		UnverifiedSince: a.UnverifiedSince(), Status: a.Status(now, window, renews, refreshAfterExpiry),
		StatusChangesAt: a.StatusChangesAt(now, window, renews, refreshAfterExpiry)}
}

// Groups returns every client with its accounts. Clients whose accounts need
// attention come first; within a client, the most urgent account first.
func (s *Service) Groups(ctx context.Context) ([]*Group, error) {
	clients, err := s.Clients(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := s.Entries(ctx, backend.AccountFilter{})
	if err != nil {
		return nil, err
	}
	byClient := make(map[string]*Group, len(clients))
	groups := make([]*Group, 0, len(clients))
	for _, c := range clients {
		g := &Group{Client: c, Accounts: []*Entry{}}
		byClient[c.ID] = g
		groups = append(groups, g)
	}
	for _, e := range entries { // already most urgent first
		if g := byClient[e.ClientID]; g != nil {
			g.Accounts = append(g.Accounts, e)
		}
	}
	sort.SliceStable(groups, func(i, j int) bool {
		wi, wj := worst(groups[i]), worst(groups[j])
		if wi != wj {
			return wi < wj
		}
		return strings.ToLower(groups[i].Client.Name) < strings.ToLower(groups[j].Client.Name)
	})
	return groups, nil
}

func worst(g *Group) int {
	if len(g.Accounts) == 0 {
		return len(urgency) // clients without accounts last
	}
	return urgency[g.Accounts[0].Status]
}

// sortByUrgency orders by status, then by the soonest expiry, then by label.
func sortByUrgency(entries []*Entry) {
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if ua, ub := urgency[a.Status], urgency[b.Status]; ua != ub {
			return ua < ub
		}
		switch {
		case a.ExpiresAt != nil && b.ExpiresAt != nil && !a.ExpiresAt.Equal(*b.ExpiresAt):
			return a.ExpiresAt.Before(*b.ExpiresAt)
		case a.ExpiresAt != nil && b.ExpiresAt == nil:
			return true
		case a.ExpiresAt == nil && b.ExpiresAt != nil:
			return false
		}
		return strings.ToLower(a.Label) < strings.ToLower(b.Label)
	})
}

// Connected says the account was authorized through the browser and so can
// be reconnected in one click.
func (e *Entry) Connected() bool { return isConnected(e.Account) }

// LostByLogin reports whether a Page is no longer reached by the login it
// belongs to (the person did not tick it at the last login): the login no
// longer keeps it alive.
func (e *Entry) LostByLogin() bool {
	return e.ParentID != "" && e.Invalid && e.Reason == backend.ReasonPermissionLost
}

// NeedsAttention reports whether an entry's status asks the user to act. An
// unknown expiry is not a fault of the account, so it does not count.
func (e *Entry) NeedsAttention() bool {
	switch e.Status {
	case backend.StatusInvalid, backend.StatusExpired, backend.StatusExpiring:
		return true
	}
	return false
}

// History returns history events, newest first.
func (s *Service) History(ctx context.Context, f backend.EventFilter) (events []*backend.Event, err error) {
	err = s.Store.View(ctx, func(tx backend.Tx) error {
		events, err = tx.Events(f)
		return err
	})
	return events, err
}

// Entry returns one account with its status.
func (s *Service) Entry(ctx context.Context, id string) (*Entry, error) {
	window, err := backend.WarningWindowOf(ctx, s.Settings)
	if err != nil {
		return nil, err
	}
	var e *Entry
	err = s.Store.View(ctx, func(tx backend.Tx) error {
		a, err := tx.Account(id)
		if err != nil {
			return err
		}
		c, err := tx.Client(a.ClientID)
		if err != nil {
			return err
		}
		e = s.entry(a, c.Name, s.Now(), window)
		return nil
	})
	return e, err
}

// EntriesByID returns the accounts of ids that exist, in the order asked,
// read in one transaction; ids of deleted accounts are left out, so the
// window can drop their rows.
func (s *Service) EntriesByID(ctx context.Context, ids []string) ([]*Entry, error) {
	window, err := backend.WarningWindowOf(ctx, s.Settings)
	if err != nil {
		return nil, err
	}
	entries := make([]*Entry, 0, len(ids))
	now := s.Now()
	err = s.Store.View(ctx, func(tx backend.Tx) error {
		names := map[string]string{}
		for _, id := range ids {
			a, err := tx.Account(id)
			if backend.ErrorCode(err) == backend.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			name, ok := names[a.ClientID]
			if !ok {
				c, err := tx.Client(a.ClientID)
				if err != nil {
					return err
				}
				name, names[a.ClientID] = c.Name, c.Name
			}
			entries = append(entries, s.entry(a, name, now, window))
		}
		return nil
	})
	return entries, err
}

// Notify raises, through n, the notifications due now for every account.
func (s *Service) Notify(ctx context.Context, n *notify.Notifier) ([]notify.Notification, error) {
	entries, err := s.Entries(ctx, backend.AccountFilter{})
	if err != nil {
		return nil, err
	}
	return n.Run(ctx, notifyCandidates(entries))
}

// notifyCandidates turns the accounts list into candidates.
func notifyCandidates(entries []*Entry) []notify.Candidate {
	out := make([]notify.Candidate, 0, len(entries))
	for _, e := range entries {
		if e == nil || e.Account == nil {
			continue
		}
		out = append(out, notify.Candidate{
			AccountID: e.ID, ClientID: e.ClientID, ClientName: e.ClientName,
			Provider: e.Provider, ProviderName: e.ProviderName, Label: e.Label,
			// The account's own deadline, not Entry's "now" for an invalid
			// account: it keys which notifications were sent, so it must not
			// move between runs.
			Status: e.Status, ReconnectBy: e.Account.ReconnectBy(e.Renews), Invalid: e.Invalid, Reason: e.Reason, Renews: e.Renews,
		})
	}
	return out
}
