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
	// Due is false when no check was left to fold before Cutoff (an earlier
	// prune folded them), and this one did nothing.
	Due bool `json:"due"`
	// Space is the database file's size before and after giving back the
	// pages the fold freed; zero when nothing was folded.
	Space backend.CompactStats `json:"space"`
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
// folding. Its work is what is new since the last prune: the store keeps a
// watermark (the last cutoff folded to and the newest event id then), a
// prune with no check past it reads an index range and returns, and one
// with some folds only those, replaying only the accounts that have them. The fold
// and the watermark commit together; then the freed space goes back to the
// file system. The app calls it once a day.
func (s *Service) Prune(ctx context.Context, olderThan time.Duration) (*PruneResult, error) {
	if olderThan <= 0 {
		olderThan = DefaultRetention
	}
	res := &PruneResult{Cutoff: Cutoff(s.now(), olderThan)}
	// A read first, so that a prune with nothing due takes no write lock.
	err := s.Store.HistoryView(ctx, func(tx backend.HistoryTx) error {
		ids, err := tx.FoldAccounts(res.Cutoff)
		res.Due = len(ids) > 0
		return err
	})
	if err != nil || !res.Due {
		return res, err
	}
	opt, err := s.Options(ctx)
	if err != nil {
		return nil, err
	}
	err = s.Store.HistoryUpdate(ctx, func(tx backend.HistoryTx) error {
		ids, err := tx.FoldAccounts(res.Cutoff) // again: another process may have folded meanwhile
		if err != nil || len(ids) == 0 {
			return err
		}
		keep, err := Transitions(tx, ids, res.Cutoff, opt)
		if err != nil {
			return err
		}
		res.FoldStats, err = tx.FoldChecks(res.Cutoff, keep)
		return err
	})
	if err != nil {
		return nil, err
	}
	if res.Folded > 0 {
		if res.Space, err = s.Store.Compact(ctx); err != nil {
			return nil, err
		}
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

// transitionBatch is how many accounts Transitions replays at once, which
// bounds the events it holds in memory.
const transitionBatch = 100

// Transitions returns the ids of the successful checks of the given
// accounts before cutoff that ended an incident: the only ones the status
// depends on.
func Transitions(tx backend.HistoryTx, accountIDs []string, cutoff time.Time, opt Options) (map[int64]bool, error) {
	keep := map[int64]bool{}
	for len(accountIDs) > 0 {
		batch := accountIDs[:min(transitionBatch, len(accountIDs))]
		accountIDs = accountIDs[len(batch):]
		events, err := tx.StateEvents(backend.StateFilter{AccountIDs: batch, Before: cutoff})
		if err != nil {
			return nil, err
		}
		byAccount := map[string][]*backend.Event{}
		for _, e := range events {
			byAccount[e.AccountID] = append(byAccount[e.AccountID], e)
		}
		for _, id := range batch {
			st := &stepper{tx: tx, accountID: id, m: newMachine(opt), end: cutoff, transitions: keep}
			if err := st.run(byAccount[id]); err != nil {
				return nil, err
			}
		}
	}
	return keep, nil
}
