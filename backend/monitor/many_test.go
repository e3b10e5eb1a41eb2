package monitor

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func (e *env) addMany(provider string, n int) []*backend.Account {
	var out []*backend.Account
	for range n {
		out = append(out, e.addAccount(&backend.Account{Provider: provider, ExpiresAt: ptr(t0.Add(30 * day))}, randomToken(provider), ""))
	}
	return out
}

func TestCheckManyConcurrency(t *testing.T) {
	e := newMemEnv(t)
	e.m.Limits.Concurrency, e.m.Limits.PerProvider = 5, 2
	for _, p := range []string{"custom1", "custom2", "tiktok"} {
		e.addMany(p, 8)
	}
	e.checker.delay = 60 * time.Millisecond
	var mu sync.Mutex
	var dones []int
	results, err := e.m.CheckMany(bg, backend.AccountFilter{}, func(done, total int, r *Result) {
		mu.Lock()
		defer mu.Unlock()
		if total != 24 {
			t.Errorf("total = %d", total)
		}
		dones = append(dones, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 24 || len(dones) != 24 || !slices.IsSorted(dones) || dones[23] != 24 {
		t.Fatalf("%d results, progress %v", len(results), dones)
	}
	for _, r := range results {
		if r.Verdict != VerdictValid {
			t.Errorf("result %+v", r)
		}
	}
	e.checker.mu.Lock()
	defer e.checker.mu.Unlock()
	if e.checker.peak[""] > 5 || e.checker.peak[""] < 4 {
		t.Errorf("peak overall %d, want 4-5 (limit 5)", e.checker.peak[""])
	}
	for _, p := range []string{"custom1", "custom2", "tiktok"} {
		if e.checker.peak[p] > 2 {
			t.Errorf("peak for %s: %d, limit 2", p, e.checker.peak[p])
		}
	}
}

func TestCheckManyRate(t *testing.T) {
	e := newMemEnv(t)
	e.m.Limits.Rate = map[string]float64{"custom1": 50}
	e.m.Limits.Concurrency, e.m.Limits.PerProvider = 8, 8
	e.addMany("custom1", 12)
	start := time.Now()
	if _, err := e.m.CheckMany(bg, backend.AccountFilter{}, nil); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	calls := slices.Clone(e.checker.calls)
	slices.SortFunc(calls, func(a, b time.Time) int { return a.Compare(b) })
	// The limiter hands out slots 20 ms apart, the first no earlier than
	// start; a busy machine can only wake a request late, never early, so
	// the i-th request to start never starts before start + i*20 ms.
	// (Comparing neighbours instead flaked: two late wake-ups land close.)
	for i := 1; i < len(calls); i++ {
		if slot := start.Add(time.Duration(i) * 20 * time.Millisecond); calls[i].Before(slot.Add(-2 * time.Millisecond)) {
			t.Errorf("request %d started %v before its slot at 50/s", i, slot.Sub(calls[i]))
		}
	}
	if elapsed < 11*20*time.Millisecond {
		t.Errorf("12 requests at 50/s took %v", elapsed)
	}
}

// TestCheckManyRetryAfter: a platform that asks to wait long is paused: its
// other accounts are not asked, and are rescheduled for the end of the
// pause; other platforms go on.
func TestCheckManyRetryAfter(t *testing.T) {
	e := newMemEnv(t)
	e.m.Limits.PerProvider = 1 // one at a time, so the first answer pauses the rest
	limited := e.addMany("custom1", 4)
	others := e.addMany("custom2", 3)
	first := true
	var mu sync.Mutex
	e.checker.setValidate(func(p *backend.Provider, token string) (*backend.Validation, error) {
		mu.Lock()
		defer mu.Unlock()
		if p.ID == "custom1" && first {
			first = false
			return nil, errRetry(backend.ReasonRateLimited, 10*time.Minute)
		}
		return &backend.Validation{Valid: true}, nil
	})
	results, err := e.m.CheckMany(bg, backend.AccountFilter{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Result{}
	for _, r := range results {
		byID[r.AccountID] = r
	}
	var asked, skipped int
	for _, a := range limited {
		r := byID[a.ID]
		switch {
		case r.Skipped && r.Reason == backend.ReasonRateLimited && r.Verdict == VerdictNone:
			skipped++
			if d := r.NextCheckAt.Sub(t0); d < 10*time.Minute || d > 12*time.Minute {
				t.Errorf("skipped account rescheduled in %v", d)
			}
			if n := len(e.events(a.ID)); n != 0 {
				t.Errorf("a skipped check wrote %d events", n)
			}
		case r.RetryAfter == 10*time.Minute:
			asked++
			if !r.NextCheckAt.Equal(t0.Add(10 * time.Minute)) {
				t.Errorf("limited account rescheduled at %v", r.NextCheckAt)
			}
		default:
			t.Errorf("unexpected result %+v", r)
		}
	}
	if asked != 1 || skipped != 3 {
		t.Fatalf("asked %d, skipped %d", asked, skipped)
	}
	for _, a := range others {
		if byID[a.ID].Verdict != VerdictValid {
			t.Errorf("other platform's account: %+v", byID[a.ID])
		}
	}
	if v, _ := e.checker.counts(); v != 4 {
		t.Errorf("%d validations, want 4 (1 limited + 3 others)", v)
	}
}

// TestShortRetryAfterWaits: a short Retry-After holds the platform's next
// request back for that long.
func TestShortRetryAfterWaits(t *testing.T) {
	e := newMemEnv(t)
	e.m.Limits.PerProvider = 1
	e.addMany("custom1", 2)
	var mu sync.Mutex
	n := 0
	e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		if n == 1 {
			return nil, errRetry(backend.ReasonRateLimited, 300*time.Millisecond)
		}
		return &backend.Validation{Valid: true}, nil
	})
	if _, err := e.m.CheckMany(bg, backend.AccountFilter{}, nil); err != nil {
		t.Fatal(err)
	}
	calls := e.checker.calls
	if len(calls) != 2 || calls[1].Sub(calls[0]) < 290*time.Millisecond {
		t.Fatalf("second request %v after the Retry-After of 300ms", calls[1].Sub(calls[0]))
	}
}

func TestCheckManyCancel(t *testing.T) {
	e := newMemEnv(t)
	e.m.Limits.Concurrency = 2
	e.addMany("custom1", 20)
	e.checker.delay = 40 * time.Millisecond
	ctx, cancel := context.WithCancel(bg)
	var mu sync.Mutex
	done := 0
	results, err := e.m.CheckMany(ctx, backend.AccountFilter{}, func(int, int, *Result) {
		mu.Lock()
		defer mu.Unlock()
		if done++; done == 4 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if len(results) < 4 || len(results) > 6 {
		t.Fatalf("%d results after cancelling at 4", len(results))
	}
	var all []*backend.Event
	_ = e.store.View(bg, func(tx backend.Tx) (err error) {
		all, err = tx.Events(backend.EventFilter{Limit: 100})
		return err
	})
	for _, ev := range all {
		if ev.Kind != backend.EventAccountChecked || ev.Outcome != backend.OutcomeOK {
			t.Errorf("cancelling recorded %s/%s: %s", ev.Kind, ev.Outcome, ev.Message)
		}
	}
	if len(all) != len(results) {
		t.Errorf("%d events for %d results", len(all), len(results))
	}
}

func TestCheckManyStopsWhenKeychainIsDown(t *testing.T) {
	e := newMemEnv(t)
	e.m.Limits.Concurrency = 1
	e.addMany("custom1", 10)
	e.secrets.(*memSecrets).getErr = backend.Errorf(backend.EUNAVAILABLE, "The keychain is locked.")
	results, err := e.m.CheckMany(bg, backend.AccountFilter{}, nil)
	if backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Fatalf("err = %v", err)
	}
	if len(results) > 1 {
		t.Errorf("%d results: the batch went on with the keychain down", len(results))
	}
	if v, _ := e.checker.counts(); v != 0 {
		t.Errorf("%d validations", v)
	}
}

// TestConcurrentChecksShareOne: checks of one account asked for while one
// runs join it, in Check and CheckMany alike.
func TestConcurrentChecksShareOne(t *testing.T) {
	e := newMemEnv(t)
	a := e.addAccount(&backend.Account{Provider: "custom1", ExpiresAt: ptr(t0.Add(30 * day))}, randomToken("c1"), "")
	e.checker.delay = 150 * time.Millisecond
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if r, err := e.m.Check(bg, a.ID, true); err != nil || r.Verdict != VerdictValid {
				t.Errorf("%+v %v", r, err)
			}
		})
	}
	wg.Go(func() {
		time.Sleep(20 * time.Millisecond)
		if _, err := e.m.CheckMany(bg, backend.AccountFilter{}, nil); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	if v, _ := e.checker.counts(); v > 3 {
		t.Fatalf("%d validations for 21 overlapping checks", v)
	}
	// An unforced check does not settle a forced request.
	e.checker.delay = 100 * time.Millisecond
	e.clock.Advance(time.Hour)
	before, _ := e.checker.counts()
	wg.Go(func() { _, _ = e.m.CheckMany(bg, backend.AccountFilter{}, nil) })
	time.Sleep(20 * time.Millisecond)
	if _, err := e.m.Check(bg, a.ID, true); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if after, _ := e.checker.counts(); after-before != 2 {
		t.Fatalf("%d validations; a forced check joined an unforced one", after-before)
	}
}

// TestCheckManyChecksWhatWasJustChecked: "tokenwarden check" and Check now
// right after a connect or another process's check still ask the platform;
// only the background schedule skips an account checked moments ago.
func TestCheckManyChecksWhatWasJustChecked(t *testing.T) {
	e := newMemEnv(t)
	e.addMany("custom1", 2)
	for round := 1; round <= 2; round++ {
		results, err := e.m.CheckMany(bg, backend.AccountFilter{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Skipped {
				t.Fatalf("round %d: %s skipped: %s", round, r.Label, r.Message)
			}
		}
	}
	if n := len(e.checker.calls); n != 4 {
		t.Fatalf("the platform was asked %d times in two explicit rounds, want 4", n)
	}
	// The schedule's own batch leaves them alone.
	var accounts []*backend.Account
	if err := e.m.Store.View(bg, func(tx backend.Tx) (err error) {
		accounts, err = tx.Accounts(backend.AccountFilter{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	results, err := e.m.checkAccounts(bg, accounts, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.Skipped {
			t.Errorf("the schedule checked %s again moments after a check", r.Label)
		}
	}
	if n := len(e.checker.calls); n != 4 {
		t.Errorf("the platform was asked %d times, want still 4", n)
	}
}
