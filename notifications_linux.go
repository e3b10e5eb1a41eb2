//go:build !nowindow

package main

import (
	"github.com/tokenwarden/tokenwarden/backend/notify"
	"github.com/tokenwarden/tokenwarden/backend/tray"
)

// Notifications on Linux go to the notification service over D-Bus
// directly: Wails sends them without urgency or icon.
func (w wailsDesktop) Notifications(onResponse notify.ResponseFunc) (notify.Sender, error) {
	return notify.DialDBus(tray.Icon, onResponse)
}
