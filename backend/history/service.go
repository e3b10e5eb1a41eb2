package history

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Service answers the history questions the window and the command line ask.
type Service struct {
	Store backend.HistoryStore
	// Providers gives provider names and whether their tokens renew by
	// themselves; optional.
	Providers backend.ProviderRegistry
	// Now is the clock; tests set it.
	Now func() time.Time
	// Settings gives the warning window, read on every use so that a change
	// shows at once; nil means backend.DefaultWarningWindow.
	Settings backend.SettingsStore
}

// New returns a Service with the real clock.
func New(store backend.HistoryStore, providers backend.ProviderRegistry, settings backend.SettingsStore) *Service {
	return &Service{Store: store, Providers: providers, Now: time.Now, Settings: settings}
}

func (s *Service) now() time.Time { return backend.NowFrom(s.Now) }

// Options returns the timeline options for this service's providers, with
// the warning window as the user set it now.
func (s *Service) Options(ctx context.Context) (Options, error) {
	window, err := backend.WarningWindowOf(ctx, s.Settings)
	if err != nil {
		return Options{}, err
	}
	return Options{Window: window, Renewal: s.renewal}, nil
}

// renewal is the app's rule (backend.Account.Renews, and renewal after
// expiry only with a refresh token), for the account's provider.
func (s *Service) renewal(a *backend.Account) (renews, afterExpiry bool) {
	if s.Providers != nil {
		if p, err := s.Providers.Provider(a.Provider); err == nil {
			return a.Renews(p), p.Refresh == backend.RefreshToken
		}
	}
	return a.HasRefreshToken, true
}

// ProviderName returns a provider's display name, or its id.
func (s *Service) ProviderName(id string) string {
	if s.Providers != nil {
		if p, err := s.Providers.Provider(id); err == nil && p.Name != "" {
			return p.Name
		}
	}
	return id
}

// PageSize is the number of events the history page shows at a time.
const PageSize = 50

// Page is one page of history, newest first.
type Page struct {
	Events []*backend.Event `json:"events"`
	// NextBeforeID is the BeforeID of the next (older) page; 0 when this
	// page is the last.
	NextBeforeID int64 `json:"next_before_id"`
}

// MaxPageSize bounds Page's f.Limit.
const MaxPageSize = 500

// Page returns the events matching f, newest first, f.Limit (default
// PageSize, at most MaxPageSize) at a time; pass NextBeforeID as f.BeforeID
// for the next page.
func (s *Service) Page(ctx context.Context, f backend.EventFilter) (*Page, error) {
	if f.Limit <= 0 {
		f.Limit = PageSize
	}
	f.Limit = min(f.Limit, MaxPageSize)
	want := f.Limit
	f.Limit++ // one more tells whether there is a next page
	var es []*backend.Event
	err := s.Store.HistoryView(ctx, func(tx backend.HistoryTx) (err error) {
		es, err = tx.Events(f)
		return err
	})
	if err != nil {
		return nil, err
	}
	p := &Page{Events: es}
	if len(es) > want {
		p.Events = es[:want]
		p.NextBeforeID = es[want-1].ID
	}
	return p, nil
}

// EachEvent calls fn with every event matching f, newest first, reading
// pages of up to 1,000 in one read transaction. f.Limit, when set, caps the
// total; f.BeforeID starts from there.
func (s *Service) EachEvent(ctx context.Context, f backend.EventFilter, fn func(*backend.Event) error) error {
	total := f.Limit
	return s.Store.HistoryView(ctx, func(tx backend.HistoryTx) error {
		seen := 0
		for {
			f.Limit = 1000
			if total > 0 {
				f.Limit = min(f.Limit, total-seen)
			}
			es, err := tx.Events(f)
			if err != nil {
				return err
			}
			for _, e := range es {
				if err := fn(e); err != nil {
					return err
				}
			}
			seen += len(es)
			if len(es) < f.Limit || (total > 0 && seen >= total) {
				return nil
			}
			f.BeforeID = es[len(es)-1].ID
		}
	})
}

// AccountTimeline returns one account's status intervals and figures over p.
func (s *Service) AccountTimeline(ctx context.Context, accountID string, p Period) (*AccountHealth, error) {
	now := s.now()
	opt, err := s.Options(ctx)
	if err != nil {
		return nil, err
	}
	var tl *AccountTimeline
	err = s.Store.HistoryView(ctx, func(tx backend.HistoryTx) error {
		tls, err := LoadTimelines(tx, backend.StateFilter{AccountIDs: []string{accountID}}, now, opt)
		if err != nil {
			return err
		}
		a, err := tx.Account(accountID)
		if tl = tls[accountID]; tl == nil {
			if err != nil {
				return err
			}
			tl = &AccountTimeline{AccountID: accountID, Intervals: []Interval{}}
		} else if err == nil && tl.Created != nil && a.CreatedAt.Before(*tl.Created) {
			t := a.CreatedAt.UTC()
			tl.ExistedFrom = &t
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return AccountFigures(tl, p, now), nil
}

// ClientHealth computes a client's uptime, incidents, mean time to
// reconnect and accounts needing attention over p (and over the last 30
// and 90 days), from every account the client has or had.
func (s *Service) ClientHealth(ctx context.Context, clientID string, p Period) (*ClientHealth, error) {
	now := s.now()
	opt, err := s.Options(ctx)
	if err != nil {
		return nil, err
	}
	var h *ClientHealth
	err = s.Store.HistoryView(ctx, func(tx backend.HistoryTx) (err error) {
		h, err = s.clientHealth(tx, clientID, p, now, opt)
		return err
	})
	return h, err
}

func (s *Service) clientHealth(tx backend.HistoryTx, clientID string, p Period, now time.Time, opt Options) (*ClientHealth, error) {
	c, err := tx.Client(clientID)
	if err != nil {
		return nil, err
	}
	ids, err := tx.ClientAccountIDs(clientID)
	if err != nil {
		return nil, err
	}
	tls, err := LoadTimelines(tx, backend.StateFilter{AccountIDs: ids}, now, opt)
	if err != nil {
		return nil, err
	}
	current, err := tx.Accounts(backend.AccountFilter{ClientID: clientID})
	if err != nil {
		return nil, err
	}
	for _, a := range current {
		if tl := tls[a.ID]; tl != nil && tl.Created != nil && a.CreatedAt.Before(*tl.Created) {
			t := a.CreatedAt.UTC()
			tl.ExistedFrom = &t
		}
	}
	list := make([]*AccountTimeline, 0, len(tls))
	for _, id := range ids {
		if tl := tls[id]; tl != nil {
			list = append(list, tl)
		}
	}
	h := ComputeHealth(c.ID, c.Name, list, p, now)
	// The account's metadata knows what monitoring has not written down
	// yet (an import with an expiry already near, the invalid flag): the
	// app's own status counts too.
	for _, a := range current {
		renews, afterExpiry := s.renewal(a)
		if st := a.Status(now, opt.Window, renews, afterExpiry); st == backend.StatusInvalid || st == backend.StatusExpired || st == backend.StatusExpiring {
			if !slices.Contains(h.NeedsAttention, a.ID) {
				h.NeedsAttention = append(h.NeedsAttention, a.ID)
			}
			for _, ah := range h.Accounts {
				if ah.AccountID == a.ID {
					ah.NeedsAttention = true
				}
			}
		}
	}
	return h, nil
}

// Deadline is an upcoming date by which an account must be reconnected, or
// an account that is broken now and must be reconnected at once.
type Deadline struct {
	AccountID    string    `json:"account_id"`
	ClientID     string    `json:"client_id"`
	ClientName   string    `json:"client_name"`
	Provider     string    `json:"provider"`
	ProviderName string    `json:"provider_name"`
	Label        string    `json:"label"`
	By           time.Time `json:"by"`
	// Status is the account's status now: expiring when By falls within
	// the user's warning window.
	Status backend.Status `json:"status"`
	// BrokenNow: the account is invalid or expired. By is then when it
	// expired, or now: never a date still to come. Problem says why in
	// plain words.
	BrokenNow bool   `json:"broken_now"`
	Reason    string `json:"reason,omitempty"`
	Problem   string `json:"problem,omitempty"`
}

// Deadlines lists the accounts broken now (first), then the reconnect-by
// dates (backend.Account.ReconnectBy) from now to now+within, soonest first.
func (s *Service) Deadlines(ctx context.Context, within time.Duration) ([]Deadline, error) {
	now := s.now()
	out := []Deadline{}
	window, err := backend.WarningWindowOf(ctx, s.Settings)
	if err != nil {
		return out, err
	}
	err = s.Store.HistoryView(ctx, func(tx backend.HistoryTx) error {
		clients, err := tx.Clients()
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, c := range clients {
			names[c.ID] = c.Name
		}
		accounts, err := tx.Accounts(backend.AccountFilter{})
		if err != nil {
			return err
		}
		for _, a := range accounts {
			renews, afterExpiry := s.renewal(a)
			by := a.ReconnectBy(renews)
			d := Deadline{AccountID: a.ID, ClientID: a.ClientID, ClientName: names[a.ClientID], Provider: a.Provider,
				ProviderName: s.ProviderName(a.Provider), Label: a.Label}
			st := a.Status(now, window, renews, afterExpiry)
			d.Status = st
			switch {
			case st == backend.StatusInvalid || st == backend.StatusExpired:
				d.BrokenNow, d.By, d.Reason = true, now, a.Reason
				if st == backend.StatusExpired {
					d.Reason = backend.ReasonExpired
					if by != nil && by.Before(now) {
						d.By = by.UTC()
					} else if a.ExpiresAt != nil && a.ExpiresAt.Before(now) {
						d.By = a.ExpiresAt.UTC()
					}
				}
				d.Problem = Explain(d.Reason)
			case by == nil || by.Before(now) || by.After(now.Add(within)):
				continue
			default:
				d.By = by.UTC()
			}
			out = append(out, d)
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b Deadline) int {
		if a.BrokenNow != b.BrokenNow {
			if a.BrokenNow {
				return -1
			}
			return 1
		}
		if c := a.By.Compare(b.By); c != 0 {
			return c
		}
		return strings.Compare(a.AccountID, b.AccountID)
	})
	return out, err
}
