//go:build !linux

package notify

import (
	"context"
	"sync"

	"github.com/gen2brain/beeep"
)

// BeeepSender shows notifications through github.com/gen2brain/beeep:
// terminal-notifier or AppleScript on macOS, toasts on Windows (Linux has
// DBusSender). It has no buttons and no click callback, so it
// serves the command line, which has no window, and the window when the
// platform's notifications with actions are not available.
type BeeepSender struct {
	// Icon is a PNG; nil for none.
	Icon []byte
}

// CommandLineSender is how the command line notifies: no buttons, since it
// is gone by the time anyone clicks.
func CommandLineSender(icon []byte) Sender { return BeeepSender{Icon: icon} }

// beeepMu serialises sends: beeep.AppName is a package variable.
var beeepMu sync.Mutex

// Send shows n. beeep takes no context: when ctx ends first, Send returns
// its error and the notification may still appear.
func (s BeeepSender) Send(ctx context.Context, n Notification) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	body := n.Body + "\n\n" + FooterNoButtons
	done := make(chan error, 1)
	go func() {
		beeepMu.Lock()
		defer beeepMu.Unlock()
		beeep.AppName = AppName
		// The icon must be a string or []byte: nil is refused.
		var icon any = ""
		if len(s.Icon) > 0 {
			icon = s.Icon
		}
		done <- beeep.Notify(n.Title, body, icon)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
