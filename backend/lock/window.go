package lock

import (
	"context"
	"time"
)

// windowName is the lock the window holds for as long as it runs, so that a
// "check" from cron knows whether the window raises the notifications.
const windowName = "window"

// HoldWindow takes the window lock for the rest of the process's life (the
// OS frees it when the process ends), trying for up to a second. An error
// means another window seems to run on this data folder.
func HoldWindow(ctx context.Context, dataDir string) error {
	probe, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, err := Lock(probe, dataDir, windowName)
	return err
}

// UnlessWindow runs fn while holding the window lock, so no window starts
// notifying meanwhile, unless a window holds it: then the window does the
// work itself, and UnlessWindow returns nil without running fn.
func UnlessWindow(ctx context.Context, dataDir string, fn func() error) error {
	probe, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	unlock, err := Lock(probe, dataDir, windowName)
	if err != nil {
		return nil // the window holds the lock and notifies itself
	}
	defer unlock()
	return fn()
}
