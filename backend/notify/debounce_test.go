package notify

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestDebouncerRunsOncePerBurst(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	done := make(chan struct{}, 4)
	d := &Debouncer{Wait: 50 * time.Millisecond, Run: func() { runs.Add(1); done <- struct{}{} }}
	for range 5 {
		d.Poke()
		time.Sleep(5 * time.Millisecond)
	}
	<-done
	time.Sleep(100 * time.Millisecond)
	if n := runs.Load(); n != 1 {
		t.Fatalf("a burst of 5 pokes ran %d times, want 1", n)
	}
	d.Poke()
	d.Stop()
	time.Sleep(100 * time.Millisecond)
	if n := runs.Load(); n != 1 {
		t.Errorf("a stopped poke ran: %d runs", n)
	}
}
