package monitor

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// runClock runs at real speed from t0 and can jump, like a wall clock
// after the computer wakes from sleep.
type runClock struct {
	mu     sync.Mutex
	start  time.Time
	offset time.Duration
}

func newRunClock() *runClock { return &runClock{start: time.Now()} }

func (c *runClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return t0.Add(time.Since(c.start) + c.offset)
}

func (c *runClock) Jump(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// runEnv is an env whose monitor runs the scheduler, reporting each check.
type runEnv struct {
	*env
	rc      *runClock
	checked chan string
	cancel  context.CancelFunc
	done    chan error
}

func newRunEnv(t *testing.T, sched Schedule) *runEnv {
	e := newMemEnv(t)
	rc := newRunClock()
	e.m.Now = rc.Now
	e.m.Schedule = sched
	re := &runEnv{env: e, rc: rc, checked: make(chan string, 100)}
	e.m.OnResult = func(r *Result) { re.checked <- r.AccountID }
	return re
}

func (re *runEnv) start() {
	re.m.init()
	ctx, cancel := context.WithCancel(bg)
	re.cancel, re.done = cancel, make(chan error, 1)
	go func() { re.done <- re.m.Run(ctx) }()
	re.t.Cleanup(re.stop)
}

func (re *runEnv) stop() {
	if re.cancel == nil {
		return
	}
	re.cancel()
	if err := <-re.done; !errors.Is(err, context.Canceled) {
		re.t.Errorf("Run returned %v", err)
	}
	re.cancel = nil
}

// expect waits for a check of id within d.
func (re *runEnv) expect(id string, d time.Duration) time.Duration {
	re.t.Helper()
	start := time.Now()
	deadline := time.After(d)
	for {
		select {
		case got := <-re.checked:
			if got == id {
				return time.Since(start)
			}
			re.t.Fatalf("checked %s while waiting for %s", got, id)
		case <-deadline:
			re.t.Fatalf("%s not checked within %v", id, d)
		}
	}
}

func (re *runEnv) expectNone(d time.Duration) {
	re.t.Helper()
	select {
	case got := <-re.checked:
		re.t.Fatalf("unexpected check of %s", got)
	case <-time.After(d):
	}
}

func (re *runEnv) add(next *time.Time) *backend.Account {
	return re.addAccount(&backend.Account{Provider: "custom1", ExpiresAt: ptr(t0.Add(30 * day)), NextCheckAt: next}, randomToken("c1"), "")
}

func TestRunArmsTimerForEarliest(t *testing.T) {
	re := newRunEnv(t, Schedule{Batch: 10 * time.Millisecond, Heartbeat: time.Hour, MinGap: 10 * time.Millisecond})
	never := re.add(nil)
	soon := re.add(ptr(re.rc.Now().Add(400 * time.Millisecond)))
	later := re.add(ptr(re.rc.Now().Add(time.Hour)))
	re.start()
	re.expect(never.ID, 2*time.Second) // the sweep at start
	re.expectNone(200 * time.Millisecond)
	waited := re.expect(soon.ID, 2*time.Second)
	if at := re.rc.Now().Sub(t0); at < 390*time.Millisecond {
		t.Fatalf("checked %v after start, before its NextCheckAt (waited %v)", at, waited)
	}
	re.expectNone(300 * time.Millisecond)
	_ = later
	if got := re.account(never.ID).NextCheckAt; got == nil || got.Sub(re.rc.Now()) < 6*time.Hour {
		t.Errorf("next check of the checked account: %v", got)
	}
}

func TestPokeRearms(t *testing.T) {
	re := newRunEnv(t, Schedule{Batch: 10 * time.Millisecond, Heartbeat: time.Hour, MinGap: 10 * time.Millisecond})
	a := re.add(ptr(re.rc.Now().Add(time.Hour)))
	re.start()
	re.expectNone(100 * time.Millisecond)

	// Moved earlier behind the scheduler's back: it still sleeps for an hour.
	if err := re.store.Update(bg, func(tx backend.Tx) error {
		acc, err := tx.Account(a.ID)
		if err != nil {
			return err
		}
		acc.NextCheckAt = ptr(re.rc.Now().Add(50 * time.Millisecond))
		return tx.UpdateAccount(acc)
	}); err != nil {
		t.Fatal(err)
	}
	re.expectNone(300 * time.Millisecond)
	re.m.Poke()
	re.expect(a.ID, time.Second)

	// A new account is checked as soon as the scheduler is poked.
	b := re.add(nil)
	re.m.Poke()
	re.expect(b.ID, time.Second)
}

// TestWakeFromSleep: the wall clock jumps three hours (the computer slept)
// while the monotonic timer still waits: the heartbeat notices and sweeps.
func TestWakeFromSleep(t *testing.T) {
	re := newRunEnv(t, Schedule{Batch: 10 * time.Millisecond, Heartbeat: 40 * time.Millisecond, WakeJump: 2 * time.Minute, MinGap: 10 * time.Millisecond})
	a := re.add(ptr(re.rc.Now().Add(2 * time.Hour)))
	re.start()
	re.expectNone(200 * time.Millisecond) // heartbeats without a jump do nothing
	re.rc.Jump(3 * time.Hour)
	if d := re.expect(a.ID, time.Second); d > 500*time.Millisecond {
		t.Errorf("noticed the wake after %v", d)
	}
}

func TestRunIdlesWithoutWork(t *testing.T) {
	re := newRunEnv(t, Schedule{Heartbeat: time.Hour})
	re.add(ptr(re.rc.Now().Add(time.Hour)))
	re.start()
	time.Sleep(300 * time.Millisecond)
	if n := atomic.LoadInt64(&re.m.state.wakeups); n != 0 {
		t.Fatalf("the scheduler woke %d times with nothing due", n)
	}
}

// failingStore reads but cannot write, so checks cannot move NextCheckAt.
type failingStore struct{ backend.Store }

func (failingStore) Update(context.Context, func(backend.Tx) error) error {
	return backend.Errorf(backend.EUNAVAILABLE, "disk full")
}

func TestRunDoesNotSpin(t *testing.T) {
	re := newRunEnv(t, Schedule{Heartbeat: time.Hour, MinGap: 20 * time.Millisecond})
	re.add(nil)
	re.m.Store = failingStore{re.store}
	re.m.OnResult = nil
	re.start()
	time.Sleep(600 * time.Millisecond)
	re.stop()
	// Sweeps at 0, 20, 60, 140, 300 ms, then 620: about five, not thousands.
	if n := atomic.LoadInt64(&re.m.state.wakeups); n > 8 {
		t.Fatalf("%d wake-ups in 600 ms: the scheduler spins", n)
	}
}
