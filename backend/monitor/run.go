package monitor

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// maxGap is the longest the scheduler backs off when sweeps cannot move an
// account's next check (a broken database).
const maxGap = 5 * time.Minute

// idleWait is how long the timer is set for when there is no account.
const idleWait = 24 * time.Hour

// Run is the scheduler the window runs until ctx ends (it returns
// ctx.Err()). It sweeps the accounts that are due (NextCheckAt passed or
// never checked) at start, then sleeps on ONE timer set to the earliest
// NextCheckAt, sweeps what is due when it fires (with accounts due within
// Schedule.Batch), and sets it again. Poke sets it again at once, after the
// user changed accounts.
//
// Timers run on the monotonic clock, which on Linux and macOS stops while
// the computer sleeps: a timer set for "in 3 hours" before an 8-hour sleep
// would fire 3 awake hours after waking. So a heartbeat every
// Schedule.Heartbeat (5 minutes) compares how far the wall clock and the
// monotonic clock moved; a difference over Schedule.WakeJump (2 minutes)
// means the computer slept (or the clock was set) and triggers a sweep. The
// heartbeat is the only periodic wake-up: it reads two clocks and goes back
// to sleep, so a quiet app uses no CPU between checks.
func (m *Monitor) Run(ctx context.Context) error {
	m.init()
	sched := m.Schedule
	hb := time.NewTicker(sched.heartbeat())
	defer hb.Stop()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()

	lastWall, lastMono := m.wall(), time.Now()
	gap := sched.minGap()
	var lastSweep time.Time
	sweep := true
	for {
		justSwept := false
		if sweep {
			sweep, justSwept = false, true
			m.sweep(ctx)
			lastSweep = time.Now()
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		wait, err := m.untilNext(ctx)
		switch {
		case err != nil:
			wait = max(gap, time.Minute)
		case wait <= 0 && time.Since(lastSweep) < gap:
			// Something is still due right after a sweep (a check that could
			// not move it): wait, longer each time, rather than spin.
			wait = gap - time.Since(lastSweep)
			if justSwept {
				gap = min(gap*2, maxGap)
			}
		case justSwept:
			gap = sched.minGap()
		}
		timer.Reset(max(wait, 0))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			sweep = true
		case <-m.wakeup:
			timer.Stop()
		case <-hb.C:
			timer.Stop()
			wall, mono := m.wall(), time.Now()
			if d := wall.Sub(lastWall) - mono.Sub(lastMono); d > sched.wakeJump() || d < -sched.wakeJump() {
				sweep = true
			}
			lastWall, lastMono = wall, mono
		}
		atomic.AddInt64(&m.state.wakeups, 1)
	}
}

// Poke tells Run that accounts changed (added, reconnected, deleted), so it
// sets its timer again; an account never checked is then checked at once.
// It never blocks and does nothing when Run is not running.
func (m *Monitor) Poke() {
	m.init()
	select {
	case m.wakeup <- struct{}{}:
	default:
	}
}

// wall is the wall clock without its monotonic reading.
func (m *Monitor) wall() time.Time {
	if m.Now != nil {
		return m.Now().Round(0)
	}
	return time.Now().Round(0)
}

// sweep checks the accounts that are due now or within Schedule.Batch, and
// those whose renewal was cut off (the renewal journal), first.
func (m *Monitor) sweep(ctx context.Context) {
	var all []*backend.Account
	if err := m.Store.View(ctx, func(tx backend.Tx) (err error) {
		all, err = tx.Accounts(backend.AccountFilter{})
		return err
	}); err != nil {
		return
	}
	limit := m.now().Add(m.Schedule.batch())
	interrupted := m.renewalMarks(ctx) // due at once, whatever their schedule
	due := all[:0]
	for _, a := range all {
		if a.NextCheckAt == nil || !a.NextCheckAt.After(limit) || interrupted[a.ID] {
			due = append(due, a)
		}
	}
	if len(due) > 0 {
		_, _ = m.checkAccounts(ctx, due, false, nil)
	}
}

// untilNext is the time until the earliest NextCheckAt; zero or less when an
// account is due (or was never checked).
func (m *Monitor) untilNext(ctx context.Context) (time.Duration, error) {
	var all []*backend.Account
	if err := m.Store.View(ctx, func(tx backend.Tx) (err error) {
		all, err = tx.Accounts(backend.AccountFilter{})
		return err
	}); err != nil {
		return 0, err
	}
	now := m.now()
	wait := idleWait
	for _, a := range all {
		if a.NextCheckAt == nil {
			return 0, nil
		}
		wait = min(wait, a.NextCheckAt.Sub(now))
	}
	return wait, nil
}
