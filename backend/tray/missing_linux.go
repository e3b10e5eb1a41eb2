//go:build linux

package tray

import "github.com/godbus/dbus/v5"

// watcherName is the tray host's name on the session bus (StatusNotifierItem).
const watcherName = "org.kde.StatusNotifierWatcher"

func missingHost() string {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return "no session bus, so no tray icon"
	}
	defer conn.Close()
	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&has); err != nil || !has {
		return "no tray host on this desktop (no " + watcherName + "); the tray icon appears when one starts"
	}
	return ""
}
