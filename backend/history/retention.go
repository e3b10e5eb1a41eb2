package history

import (
	"context"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// DefaultRetention is how long routine successful checks are kept one by one.
const DefaultRetention = 30 * 24 * time.Hour

// PruneResult says what Prune did.
type PruneResult struct {
	backend.FoldStats
	// Cutoff: checks before it were folded. It is a UTC midnight, so a day
	// is always folded whole.
	Cutoff time.Time `json:"cutoff"`
}

// Cutoff returns the UTC midnight on or before now - olderThan.
func Cutoff(now time.Time, olderThan time.Duration) time.Time {
	return now.Add(-olderThan).UTC().Truncate(24 * time.Hour)
}

// Prune folds the routine successful checks (account.checked, outcome ok)
// older than olderThan (DefaultRetention when zero) into one
// account.checks_summarized event per account and UTC day. Every failure,
// reconnect, change, and each successful check that ended an incident, stays
// as it was, so timelines, uptime and incidents come out the same after
// folding. It runs in one write transaction and may run any number of
// times: a second run with the same cutoff changes nothing. The app calls it
// once a day.
func (s *Service) Prune(ctx context.Context, olderThan time.Duration) (*PruneResult, error) {
	if olderThan <= 0 {
		olderThan = DefaultRetention
	}
	opt, err := s.Options(ctx)
	if err != nil {
		return nil, err
	}
	res := &PruneResult{Cutoff: Cutoff(s.now(), olderThan)}
	err = s.Store.HistoryUpdate(ctx, func(tx backend.HistoryTx) error {
		keep, err := Transitions(tx, res.Cutoff, opt)
		if err != nil {
			return err
		}
		res.FoldStats, err = tx.FoldChecks(res.Cutoff, keep)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// PruneDaily runs Prune with DefaultRetention a few minutes after it is
// called and then once a day, until ctx ends, so the database stays small
// while the window runs. A failed run is reported through logf and tried
// again the next day.
func (s *Service) PruneDaily(ctx context.Context, logf func(format string, args ...any)) {
	timer := time.NewTimer(3 * time.Minute)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
			if _, err := s.Prune(ctx, DefaultRetention); err != nil && ctx.Err() == nil {
				logf("history: %v", err)
			}
			timer.Reset(24 * time.Hour)
		}
	}
}

// Transitions returns the ids of the successful checks before cutoff that
// ended an incident: the only ones the status depends on.
func Transitions(tx backend.HistoryTx, cutoff time.Time, opt Options) (map[int64]bool, error) {
	events, err := tx.StateEvents(backend.StateFilter{All: true, Before: cutoff})
	if err != nil {
		return nil, err
	}
	byAccount := map[string][]*backend.Event{}
	var order []string
	for _, e := range events {
		if _, ok := byAccount[e.AccountID]; !ok {
			order = append(order, e.AccountID)
		}
		byAccount[e.AccountID] = append(byAccount[e.AccountID], e)
	}
	keep := map[int64]bool{}
	for _, id := range order {
		st := &stepper{tx: tx, accountID: id, m: newMachine(opt), end: cutoff, transitions: keep}
		if err := st.run(byAccount[id]); err != nil {
			return nil, err
		}
	}
	return keep, nil
}
