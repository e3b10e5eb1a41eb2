package history

import (
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// LoadTimelines rebuilds account timelines from a store without reading the
// routine successful checks, which are most of the history: it steps through
// the status events (Tx.StateEvents) and, each time an account becomes
// broken, asks for the first successful check after that moment
// (Tx.NextOKChecks), the only one that can end the incident. The result is
// the same as Timeline over every event (tests check this).
func LoadTimelines(tx backend.HistoryTx, f backend.StateFilter, end time.Time, opt Options) (map[string]*AccountTimeline, error) {
	if f.Before.IsZero() || f.Before.After(end) {
		f.Before = end
	}
	events, err := tx.StateEvents(f)
	if err != nil {
		return nil, err
	}
	byAccount := map[string][]*backend.Event{}
	var order []string
	for _, e := range events {
		if e.AccountID == "" {
			continue
		}
		if _, ok := byAccount[e.AccountID]; !ok {
			order = append(order, e.AccountID)
		}
		byAccount[e.AccountID] = append(byAccount[e.AccountID], e)
	}
	out := make(map[string]*AccountTimeline, len(byAccount))
	for _, id := range order {
		tl, err := loadOne(tx, id, byAccount[id], end, opt)
		if err != nil {
			return nil, err
		}
		out[id] = tl
	}
	return out, nil
}

// stepper runs one account's machine over its status events.
type stepper struct {
	tx        backend.HistoryTx
	accountID string
	m         *machine
	end       time.Time
	last      backend.HistoryPoint // the last event stepped
	broke     *backend.HistoryPoint
	pending   *backend.Event // first successful check after the last break
	// transitions collects the ids of successful checks that changed the
	// state, which retention must keep.
	transitions map[int64]bool
}

func loadOne(tx backend.HistoryTx, accountID string, es []*backend.Event, end time.Time, opt Options) (*AccountTimeline, error) {
	s := &stepper{tx: tx, accountID: accountID, m: newMachine(opt), end: end}
	if err := s.run(es); err != nil {
		return nil, err
	}
	tl := s.m.finish(end)
	return tl, s.m.err
}

// run steps through es (oldest first), merging in the successful checks that
// end incidents.
func (s *stepper) run(es []*backend.Event) error {
	sortEvents(es)
	s.m.prevOK = func(at time.Time) (*backend.Event, error) {
		oks, err := s.tx.PrevOKChecks([]backend.HistoryPoint{{AccountID: s.accountID, Time: at}})
		if err != nil {
			return nil, err
		}
		return oks[0], nil
	}
	s.m.onBroken = func(at time.Time, id int64) {
		p := backend.HistoryPoint{AccountID: s.accountID, Time: at, ID: id}
		if before(p, s.last) {
			p = s.last
		}
		s.broke = &p
	}
	i := 0
	for !s.m.ended {
		if s.m.err != nil {
			return s.m.err
		}
		var next *backend.Event
		if i < len(es) && es[i].Time.Before(s.end) {
			next = es[i]
		}
		limit := s.end
		if next != nil {
			limit = next.Time
		}
		if s.pending != nil && s.pending.Time.Before(limit) {
			limit = s.pending.Time
		}
		// Deadlines that pass before the next event may break the account
		// in between.
		s.m.advance(limit)
		if s.broke != nil {
			p := *s.broke
			s.broke = nil
			oks, err := s.tx.NextOKChecks([]backend.HistoryPoint{p})
			if err != nil {
				return err
			}
			if oks[0] != nil && oks[0].Time.Before(s.end) {
				s.pending = oks[0]
			}
		}
		if s.pending != nil && (next == nil || before(pointOf(s.pending), pointOf(next))) {
			e := s.pending
			s.pending = nil
			s.step(e)
			continue
		}
		if next == nil {
			break
		}
		i++
		s.step(next)
	}
	if s.transitions != nil {
		for id := range s.m.checked {
			s.transitions[id] = true
		}
	}
	return s.m.err
}

func (s *stepper) step(e *backend.Event) {
	was := s.m.cur.State
	s.m.step(e)
	if e.Kind == backend.EventAccountChecked && e.Outcome != backend.OutcomeFailed && was == StateBroken && s.m.cur.State != StateBroken {
		if s.transitions != nil {
			s.transitions[e.ID] = true
		}
	}
	s.last = pointOf(e)
}

func pointOf(e *backend.Event) backend.HistoryPoint {
	return backend.HistoryPoint{AccountID: e.AccountID, Time: e.Time, ID: e.ID}
}

// before reports whether a comes before b in (time, id) order.
func before(a, b backend.HistoryPoint) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	return a.ID < b.ID
}
