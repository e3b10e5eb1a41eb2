package main

import (
	"context"
	"sync"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
)

// ChecksService runs "Check now".
type ChecksService struct {
	*shell
	monitor       *monitor.Monitor
	notifications *notifications

	mu     sync.Mutex
	cancel context.CancelFunc
}

// EventCheckProgress carries {done, total} while "Check now" runs.
const EventCheckProgress = "check:progress"

// CheckNow checks one account (accountID), one client's accounts
// (clientID) or all (both empty) now, sending EventCheckProgress as it goes.
// CancelCheck stops it.
func (s *ChecksService) CheckNow(accountID, clientID string) (*monitor.Summary, error) {
	if s.monitor == nil {
		return nil, s.closed()
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.mu.Lock()
	if s.cancel != nil {
		s.mu.Unlock()
		cancel()
		return nil, s.userError(backend.Errorf(backend.ECONFLICT, "A check is already running.").WithHint("Wait for it or cancel it."))
	}
	s.cancel = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.cancel = nil
		s.mu.Unlock()
		cancel()
	}()
	var results []*monitor.Result
	if accountID != "" {
		r, err := s.monitor.Check(ctx, accountID, true)
		if err != nil {
			return nil, s.userError(err)
		}
		results = []*monitor.Result{r}
	} else {
		var err error
		results, err = s.monitor.CheckMany(ctx, backend.AccountFilter{ClientID: clientID}, func(done, total int, _ *monitor.Result) {
			s.desktop.Emit(EventCheckProgress, map[string]int{"done": done, "total": total})
		})
		if err != nil {
			return nil, s.userError(err)
		}
	}
	s.notifications.now(s.ctx)
	return monitor.Summarize(results), nil
}

// CancelCheck stops a running "Check now"; checks already under way finish.
func (s *ChecksService) CancelCheck() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}
