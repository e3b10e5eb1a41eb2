//go:build !nowindow

package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/wailsapp/wails/v2/pkg/options"

	"github.com/tokenwarden/tokenwarden/backend/keychain"
)

// On Linux the window claims its data folder's name on the session bus
// itself rather than through Wails' SingleInstanceLock, which ends a second
// launch with exit status 1 and no word (os.Exit inside wails.Run).
const (
	windowInterface = "app.tokenwarden.Window"
	windowPath      = "/app/tokenwarden/Window"
)

// windowObject is the running window on the bus.
type windowObject struct{ onLaunch func(args []string) }

// Launched hands over a second launch's arguments (and the folder it was
// started in, for relative paths; unused so far).
func (w windowObject) Launched(args []string, workingDir string) *dbus.Error {
	go w.onLaunch(args)
	return nil
}

// claimWindow makes this process the data folder's window, or hands args
// to the window already running (handedOver). Without a session bus the
// window opens without the claim. lock is what Wails needs (nil here).
func claimWindow(dataDir string, args []string, onLaunch func(args []string)) (handedOver bool, lock *options.SingleInstanceLock, err error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		log.Printf("no session bus (%v): a second launch will not find this window", err)
		return false, nil, nil
	}
	name := windowInterface + ".w" + keychain.InstanceID(dataDir)
	if err := conn.Export(windowObject{onLaunch}, windowPath, windowInterface); err != nil {
		conn.Close()
		return false, nil, fmt.Errorf("cannot offer the window on the session bus: %w", err)
	}
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil {
		conn.Close()
		return false, nil, fmt.Errorf("cannot claim the window's name on the session bus: %w", err)
	}
	if reply == dbus.RequestNameReplyPrimaryOwner {
		return false, nil, nil // the connection stays open for the process's life
	}
	defer conn.Close()
	wd, _ := os.Getwd()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := conn.Object(name, windowPath).CallWithContext(ctx, windowInterface+".Launched", 0, args, wd).Err; err != nil {
		return false, nil, fmt.Errorf("Tokenwarden is already running on this data folder but did not answer (%v); quit it and try again", err)
	}
	return true, nil, nil
}
