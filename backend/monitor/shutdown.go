package monitor

import (
	"context"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// renewalGrace is how long a renewal already sent goes on once the
// caller's context has ended (a signal, the session ending, Quit): long
// enough for the platform's answer and the keychain writes, short enough
// for logind's default 5-second delay lock plus a margin and for the few
// seconds an OS gives an app at logout.
const renewalGrace = 8 * time.Second

// ErrShutdown is the error of a check that would have renewed tokens after
// Shutdown began: no new renewal starts then.
var ErrShutdown = backend.Errorf(backend.EUNAVAILABLE, "Tokenwarden is shutting down; the renewal was not started.")

// renewals counts the renewals under way, so that Shutdown can wait for
// them and the first can hold off the computer's shutdown (Monitor.Inhibit).
type renewals struct {
	mu      sync.Mutex
	n       int
	closed  bool
	idle    chan struct{} // closed when n drops to 0 after Shutdown began
	release func()        // of Monitor.Inhibit, while n > 0
}

// beginRenewal registers a renewal about to be sent; the caller calls end
// once its result is stored. ok is false once Shutdown began.
func (m *Monitor) beginRenewal() (end func(), ok bool) {
	r := &m.state.renewals
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, false
	}
	if r.n == 0 && m.Inhibit != nil {
		r.release = m.Inhibit("Tokenwarden is storing a renewed token; stopping now could disconnect an account.")
	}
	r.n++
	var once sync.Once
	return func() { once.Do(m.endRenewal) }, true
}

func (m *Monitor) endRenewal() {
	r := &m.state.renewals
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n--
	if r.n > 0 {
		return
	}
	if r.release != nil {
		r.release()
		r.release = nil
	}
	if r.closed {
		close(r.idle)
	}
}

// Shutdown stops new renewals from starting and waits until those under
// way have stored their results, or ctx ends. Checks that would renew
// afterwards return ErrShutdown; cancel their contexts to stop the rest.
func (m *Monitor) Shutdown(ctx context.Context) error {
	m.init()
	r := &m.state.renewals
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		r.idle = make(chan struct{})
		if r.n == 0 {
			close(r.idle)
		}
	}
	idle := r.idle
	r.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// outlive is a context that ctx's cancellation does not end at once but
// grace later, for a step that must not be cut off half way: a renewal the
// platform may already have acted on.
func outlive(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	d, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	return d, func() { stop(); cancel() }
}

func (m *Monitor) trace(accountID, step string) {
	if m.Trace != nil {
		m.Trace(accountID, step)
	}
}
