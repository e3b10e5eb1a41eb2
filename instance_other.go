//go:build (!linux) && !nowindow

package main

import (
	"github.com/wailsapp/wails/v2/pkg/options"

	"github.com/tokenwarden/tokenwarden/backend/keychain"
)

// claimWindow leaves the claim to Wails on Windows and macOS: there a
// second launch hands its arguments to the first and exits 0 inside
// wails.Run, before this process could say so.
func claimWindow(dataDir string, _ []string, onLaunch func(args []string)) (handedOver bool, lock *options.SingleInstanceLock, err error) {
	return false, &options.SingleInstanceLock{
		// One instance per data folder: a second launch with the same
		// data hands its link to the running window and exits.
		UniqueId:               "app.tokenwarden." + keychain.InstanceID(dataDir),
		OnSecondInstanceLaunch: func(d options.SecondInstanceData) { onLaunch(d.Args) },
	}, nil
}
