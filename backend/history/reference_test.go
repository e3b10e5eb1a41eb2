package history

// The in-memory reconstruction the tests check the store-backed
// LoadTimelines and retention against: every event of an account read at
// once, in order, through the same machine. Exported for the external test
// package only; nothing in the app needs it.

import (
	"slices"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Timelines reconstructs the timeline of every account named by the events,
// up to end (events at or after end are ignored). Events may come in any
// order and may include events of other kinds and of no account.
func Timelines(events []*backend.Event, end time.Time, opt Options) map[string]*AccountTimeline {
	byAccount := map[string][]*backend.Event{}
	for _, e := range events {
		if e.AccountID != "" {
			byAccount[e.AccountID] = append(byAccount[e.AccountID], e)
		}
	}
	out := make(map[string]*AccountTimeline, len(byAccount))
	for id, es := range byAccount {
		out[id] = Timeline(es, end, opt)
	}
	return out
}

// Timeline reconstructs one account's status from its events (the caller
// gives only that account's), up to end, by the rules of machine.
func Timeline(events []*backend.Event, end time.Time, opt Options) *AccountTimeline {
	es := slices.Clone(events)
	sortEvents(es)
	m := newMachine(opt)
	for _, e := range es {
		if !e.Time.Before(end) {
			break
		}
		m.step(e)
	}
	return m.finish(end)
}

// IsRoutine reports whether an event is a routine successful check or a
// summary of such checks: the events StateEvents leaves out and retention folds.
func IsRoutine(e *backend.Event) bool {
	return (e.Kind == backend.EventAccountChecked && e.Outcome == backend.OutcomeOK) || e.Kind == backend.EventChecksSummarized
}

// Slice adapts a slice of events to the writers' event source.
func Slice(es []*backend.Event) func(func(*backend.Event) error) error {
	return func(yield func(*backend.Event) error) error {
		for _, e := range es {
			if err := yield(e); err != nil {
				return err
			}
		}
		return nil
	}
}
