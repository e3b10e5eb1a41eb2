package monitor

import (
	"context"
	"errors"
	"sort"
	"sync"

	"github.com/tokenwarden/tokenwarden/backend"
)

// CheckMany checks every account the filter selects, as the user asked it
// to (Check now, "tokenwarden check"): every account is checked, even one
// another process checked moments ago, but tokens are renewed only when due.
// It returns a result for each check that ran, in
// no particular order; progress, when set, is called after each one, never
// concurrently.
//
// At most Limits.Concurrency checks run at once, and Limits.PerProvider per
// platform; each platform's requests are paced to its rate, and a platform
// that asks to wait (Retry-After, rate limit) is paused: its checks wait up
// to Limits.MaxWait and are otherwise rescheduled for the end of the pause.
// Cancelling ctx stops new checks from starting; checks under way stop at
// their next step (a renewal the platform already granted is still
// stored). A locked keychain stops the whole batch: every check would fail.
// The error is ctx's, the keychain's, or the store's.
func (m *Monitor) CheckMany(ctx context.Context, filter backend.AccountFilter, progress func(done, total int, r *Result)) ([]*Result, error) {
	m.init()
	var accounts []*backend.Account
	if err := m.Store.View(ctx, func(tx backend.Tx) (err error) {
		accounts, err = tx.Accounts(filter)
		return err
	}); err != nil {
		return nil, err
	}
	return m.checkAccounts(ctx, accounts, true, progress)
}

// checkAccounts runs the checks of a batch. recheck: the user asked, so an
// account another process checked moments ago is checked again; the
// background schedule passes false.
func (m *Monitor) checkAccounts(parent context.Context, accounts []*backend.Account, recheck bool, progress func(done, total int, r *Result)) ([]*Result, error) {
	// Most overdue first; never-checked accounts before all.
	sort.SliceStable(accounts, func(i, j int) bool {
		a, b := accounts[i].NextCheckAt, accounts[j].NextCheckAt
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		}
		return a.Before(*b)
	})
	// Accounts whose renewal was cut off go in a first wave of their own
	// (the renewal journal: their refresh token may be dead, and the sooner
	// the user knows the better).
	marks := m.renewalMarks(parent)
	var first, rest []*backend.Account
	for _, a := range accounts {
		if marks[a.ID] {
			first = append(first, a)
		} else {
			rest = append(rest, a)
		}
	}

	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	cc := &credCache{m: map[string]credEntry{}}
	var (
		mu      sync.Mutex
		results = make([]*Result, 0, len(accounts))
	)
	total := len(accounts)
	record := func(r *Result) {
		mu.Lock()
		results = append(results, r)
		if progress != nil {
			progress(len(results), total, r)
		}
		mu.Unlock()
		if m.OnResult != nil {
			m.OnResult(r)
		}
	}
	for _, wave := range [][]*backend.Account{first, rest} {
		m.dispatch(ctx, cancel, wave, recheck, cc, record)
	}
	if err := parent.Err(); err != nil {
		return results, err
	}
	if err := context.Cause(ctx); err != nil { // the keychain is down
		return results, err
	}
	return results, nil
}

// dispatch runs the checks of accounts and waits for them; cancel stops
// the batch when the keychain is down.
func (m *Monitor) dispatch(ctx context.Context, cancel context.CancelCauseFunc, accounts []*backend.Account, recheck bool, cc *credCache, record func(*Result)) {
	var order []string
	byProvider := map[string][]*backend.Account{}
	for _, a := range accounts {
		if byProvider[a.Provider] == nil {
			order = append(order, a.Provider)
		}
		byProvider[a.Provider] = append(byProvider[a.Provider], a)
	}
	var wg sync.WaitGroup
	// One dispatcher per platform takes a ticket for that platform, then an
	// overall one, so a platform at its limit never holds up the others and
	// the batch runs no more goroutines than it may run checks. The checks
	// themselves take the monitor's slots, shared with every other check in
	// the process; a ticket holder may wait for a check already under way.
	overall := make(chan struct{}, m.concurrency())
	for _, prov := range order {
		list := byProvider[prov]
		tickets := make(chan struct{}, m.perProvider())
		wg.Go(func() {
			for _, a := range list {
				select {
				case tickets <- struct{}{}:
				case <-ctx.Done():
					return
				}
				select {
				case overall <- struct{}{}:
				case <-ctx.Done():
					<-tickets
					return
				}
				wg.Go(func() {
					defer func() { <-overall; <-tickets }()
					r, err := m.shared(ctx, a.ID, false, func() (*Result, error) {
						return m.checkSlotted(ctx, a.ID, a.Provider, false, recheck, cc)
					})
					switch {
					case err == nil:
					case r == nil && ctx.Err() != nil:
						return // cancelled before anything was recorded
					case r == nil && isDeleted(err):
						return // deleted since the batch began
					case isKeychainDown(err):
						cancel(err)
						return
					case r == nil:
						r = m.errorResult(a, err)
					}
					record(r)
				})
			}
		})
	}
	wg.Wait()
}

// renewalMarks are the accounts the renewal journal says a renewal of was
// cut off; none when the journal cannot be read (the check reads it again).
func (m *Monitor) renewalMarks(ctx context.Context) map[string]bool {
	marks := map[string]bool{}
	_ = m.Store.View(ctx, func(tx backend.Tx) error {
		all, err := tx.RenewalMarks()
		for id := range all {
			marks[id] = true
		}
		return err
	})
	return marks
}

// isKeychainDown: the keychain cannot be used now (locked, no Secret
// Service), as opposed to one missing secret.
func isKeychainDown(err error) bool {
	var le *LocalError
	return errors.As(err, &le) && le.Step == "keychain" && backend.ErrorCode(le.Err) == backend.EUNAVAILABLE
}

// isDeleted: the account itself is gone (not a missing keychain item).
func isDeleted(err error) bool {
	var le *LocalError
	return !errors.As(err, &le) && backend.ErrorCode(err) == backend.ENOTFOUND
}

// errorResult reports a check that a local failure stopped.
func (m *Monitor) errorResult(a *backend.Account, err error) *Result {
	r := &Result{AccountID: a.ID, Label: a.Label, ClientID: a.ClientID, Provider: a.Provider, Verdict: VerdictNone,
		Findings: []string{}, Error: backend.ErrorMessage(err), Message: "Not checked: " + backend.ErrorMessage(err), NextCheckAt: a.NextCheckAt}
	if p, perr := m.Providers.Provider(a.Provider); perr == nil {
		r.Before = m.status(a, p, m.now())
		r.After = r.Before
	}
	_ = m.Store.View(context.Background(), func(tx backend.Tx) error {
		if c, err := tx.Client(a.ClientID); err == nil {
			r.ClientName = c.Name
		}
		return nil
	})
	return r
}
