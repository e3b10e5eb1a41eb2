package monitor

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// TestShutdownLetsTheRenewalUnderWayStore cancels the check's context while
// the platform is answering a renewal (what a signal or Quit does): the
// answer is still stored, Shutdown waits for it, the logind-style inhibitor
// is held just for the renewal, and no renewal starts afterwards.
func TestShutdownLetsTheRenewalUnderWayStore(t *testing.T) {
	w := newRotorWorld(t)
	w.fake.refreshLatency = 300 * time.Millisecond
	now := time.Now().UTC().Truncate(time.Millisecond).Add(2 * time.Minute)
	m := rotorMonitor(w.store, w.kc, w.dir, w.fake.URL(), func() time.Time { return now })
	var mu sync.Mutex
	var steps []string
	m.Trace = func(_, step string) { mu.Lock(); steps = append(steps, step); mu.Unlock() }
	inhibited, released := 0, 0
	m.Inhibit = func(string) func() {
		mu.Lock()
		inhibited++
		mu.Unlock()
		return func() { mu.Lock(); released++; mu.Unlock() }
	}

	ctx, cancel := context.WithCancel(bg)
	type out struct {
		r   *Result
		err error
	}
	done := make(chan out, 1)
	go func() { r, err := m.Check(ctx, w.account.ID, true); done <- out{r, err} }()
	select {
	case <-w.fake.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("no renewal was sent")
	}
	cancel()
	start := time.Now()
	sctx, scancel := context.WithTimeout(bg, renewalGrace+5*time.Second)
	defer scancel()
	if err := m.Shutdown(sctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	o := <-done
	t.Logf("check after cancel: refreshed=%v err=%v; Shutdown waited %v", o.r != nil && o.r.Refreshed, o.err, time.Since(start).Round(time.Millisecond))
	_, _, _, current := w.fake.stats()
	if got := secret(t, w.kc, w.account.ID, backend.SecretRefreshToken); got != current {
		t.Fatal("the renewal under way when the context ended was not stored: the account is lost")
	}
	if o.r == nil || !o.r.Refreshed {
		t.Errorf("result %+v, %v: want the renewal recorded", o.r, o.err)
	}
	if row := rowOf(t, w); row.LastRefreshedAt == nil || !row.LastRefreshedAt.Equal(now) {
		t.Errorf("the account row does not record the renewal: %+v", row.LastRefreshedAt)
	}
	mu.Lock()
	if len(steps) != 3 || steps[0] != "sent" || steps[1] != "answered" || steps[2] != "stored" {
		t.Errorf("trace = %v", steps)
	}
	if inhibited != 1 || released != 1 {
		t.Errorf("inhibitor taken %d and released %d times, want once each", inhibited, released)
	}
	mu.Unlock()

	// Shutdown began: a renewal due now is not started.
	issued, requests, _, _ := w.fake.stats()
	now = now.Add(5 * time.Minute)
	if _, err := m.Check(bg, w.account.ID, true); !errors.Is(err, ErrShutdown) {
		t.Errorf("check after Shutdown: %v, want ErrShutdown", err)
	}
	if i, r, _, _ := w.fake.stats(); i != issued || r != requests {
		t.Errorf("a renewal was sent after Shutdown began (%d→%d requests)", requests, r)
	}
}

// TestShutdownWithoutRenewals returns at once, and is bounded by its context
// when a renewal does not end.
func TestShutdownWithoutRenewals(t *testing.T) {
	t.Parallel()
	m := &Monitor{}
	if err := m.Shutdown(bg); err != nil {
		t.Fatal(err)
	}
	m2 := &Monitor{}
	m2.init()
	end, ok := m2.beginRenewal()
	if !ok {
		t.Fatal("beginRenewal refused before Shutdown")
	}
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	if err := m2.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with a renewal stuck: %v", err)
	}
	end()
	end() // twice is harmless
	if err := m2.Shutdown(bg); err != nil {
		t.Errorf("Shutdown after the renewal ended: %v", err)
	}
	if _, ok := m2.beginRenewal(); ok {
		t.Error("a renewal began after Shutdown")
	}
}

func TestOutlive(t *testing.T) {
	t.Parallel()
	parent, cancel := context.WithCancel(bg)
	ctx, stop := outlive(parent, 100*time.Millisecond)
	defer stop()
	cancel()
	select {
	case <-ctx.Done():
		t.Fatal("ended with its parent")
	case <-time.After(50 * time.Millisecond):
	}
	select {
	case <-ctx.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("did not end after the grace")
	}
	// Not cancelled, it lives on until stopped.
	ctx2, stop2 := outlive(bg, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	if ctx2.Err() != nil {
		t.Fatal("ended without its parent ending")
	}
	stop2()
	if ctx2.Err() == nil {
		t.Fatal("stop did not end it")
	}
}
