//go:build !nowindow

package main

import (
	"context"
	"embed"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/tokenwarden/tokenwarden/backend/cli"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
	"github.com/tokenwarden/tokenwarden/backend/keychain"
	"github.com/tokenwarden/tokenwarden/backend/wire"
)

//go:embed all:frontend/dist
var assets embed.FS

func runWindow(dataDir string, args []string) int {
	// The window is named after the data folder's keychain id; make sure
	// the folder has one first, so the first launch and a later one agree.
	if err := os.MkdirAll(dataDir, 0o700); err == nil {
		_, _ = keychain.Open(dataDir)
	}
	var running atomic.Pointer[App]
	handedOver, singleInstance, err := claimWindow(dataDir, args, func(args []string) {
		if a := running.Load(); a != nil {
			a.secondInstance(args)
		}
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		return cli.ExitError
	}
	if handedOver {
		if startsHidden(args) {
			fmt.Println("Tokenwarden is already running")
		} else {
			fmt.Println(alreadyRunning)
		}
		return cli.ExitOK
	}
	svc, db, warnings, openErr := wire.Open(dataDir)
	if db != nil {
		defer db.Close()
	}
	w := newWindow(dataDir, svc, db, warnings, openErr)
	app := w.app
	app.pendingLink = deeplink.Find(args)
	running.Store(app)

	appMenu := menu.NewMenu()
	file := appMenu.AddSubmenu("Tokenwarden")
	file.AddText("Close window", keys.CmdOrCtrl("w"), func(*menu.CallbackData) { app.hide() })
	file.AddSeparator()
	file.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) { app.quit() })
	err = wails.Run(&options.App{
		Title:            "Tokenwarden",
		Width:            1200,
		Height:           800,
		MinWidth:         860,
		MinHeight:        560,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 246, G: 247, B: 249, A: 1},
		Menu:             appMenu,
		// Closing the window keeps checks running; Quit in the menu ends the app.
		HideWindowOnClose: true,
		StartHidden:       startsHidden(args),
		OnStartup:         func(ctx context.Context) { app.startup(ctx, wailsDesktop{ctx: ctx}); watchEnd(ctx, app.quit) },
		OnDomReady:        func(context.Context) { app.domReady() },
		OnShutdown:        func(context.Context) { app.shutdown() },
		Bind:              w.bound(),
		// One window per data folder: a second launch hands its link over.
		SingleInstanceLock: singleInstance,
		Linux:              &linux.Options{ProgramName: "tokenwarden"},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		return cli.ExitError
	}
	return cli.ExitOK
}
