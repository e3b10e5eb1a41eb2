package notify

import (
	"sync"
	"time"
)

// Debouncer calls Run once a burst of Pokes is over, Wait after the last
// one, so that a round of checks raises its notifications once rather than
// once per account.
type Debouncer struct {
	Wait time.Duration
	Run  func()

	mu    sync.Mutex
	timer *time.Timer
}

// Poke starts the wait again.
func (d *Debouncer) Poke() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
	d.timer = time.AfterFunc(d.Wait, d.Run)
}

// Stop cancels a Run still waiting.
func (d *Debouncer) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
}
