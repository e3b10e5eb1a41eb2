package notify

import (
	"context"
	"sync"

	"github.com/gen2brain/beeep"
)

// AppName is the application name notifications are shown under.
const AppName = "Tokenwarden"

// BeeepFooter ends every body BeeepSender shows: its notifications have no
// buttons and a click reaches nothing.
const BeeepFooter = "Open Tokenwarden to reconnect."

// BeeepSender shows notifications through github.com/gen2brain/beeep: D-Bus
// on Linux (notify-send as fallback), terminal-notifier or AppleScript on
// macOS, toasts on Windows. It has no buttons and no click callback, so it
// serves the command line, which has no window, and the window when the
// platform's notifications with actions are not available.
type BeeepSender struct {
	// Icon is a PNG path or a stock icon name; "" for none.
	Icon string
}

// beeepMu serialises sends: beeep.AppName is a package variable.
var beeepMu sync.Mutex

// Send shows n. beeep takes no context: when ctx ends first, Send returns
// its error and the notification may still appear.
func (s BeeepSender) Send(ctx context.Context, n Notification) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	body := n.Body + "\n\n" + BeeepFooter
	done := make(chan error, 1)
	go func() {
		beeepMu.Lock()
		defer beeepMu.Unlock()
		beeep.AppName = AppName
		// The icon must be a string or []byte: nil is refused.
		done <- beeep.Notify(n.Title, body, s.Icon)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
