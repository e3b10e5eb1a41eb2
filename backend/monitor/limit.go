package monitor

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// limiter paces one platform's requests: at most rate per second, evenly
// spaced (a token bucket of depth one), and none while the platform asked
// us to wait (pause). It runs on the real clock, not Monitor.Now.
type limiter struct {
	mu          sync.Mutex
	interval    time.Duration // 1/rate
	next        time.Time     // when the next request may start
	pausedUntil time.Time
}

func newLimiter(rate float64) *limiter {
	return &limiter{interval: time.Duration(float64(time.Second) / rate)}
}

// pausedError: the platform is paused for longer than a check may wait.
type pausedError struct{ until time.Time }

func (e *pausedError) Error() string {
	return fmt.Sprintf("the platform asked to wait until %s", e.until.Format(time.Kitchen))
}

// wait blocks until a request may start, or returns ctx's error, or a
// *pausedError at once when the platform is paused for longer than maxWait.
func (l *limiter) wait(ctx context.Context, maxWait time.Duration) error {
	for {
		l.mu.Lock()
		now := time.Now()
		if l.pausedUntil.Sub(now) > maxWait {
			until := l.pausedUntil
			l.mu.Unlock()
			return &pausedError{until: until}
		}
		t := now
		if l.pausedUntil.After(t) {
			t = l.pausedUntil
		}
		if l.next.After(t) {
			t = l.next
		}
		l.next = t.Add(l.interval)
		l.mu.Unlock()
		if d := time.Until(t); d > 0 {
			timer := time.NewTimer(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				timer.Stop()
				return ctx.Err()
			}
		}
		// A pause may have begun while this request waited its turn.
		l.mu.Lock()
		paused := l.pausedUntil.After(time.Now())
		l.mu.Unlock()
		if !paused {
			return nil
		}
	}
}

// pause stops requests until the given time (a Retry-After).
func (l *limiter) pause(until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
}
