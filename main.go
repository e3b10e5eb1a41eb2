// Tokenwarden keeps a freelancer's client accounts connected. With no
// command it opens the window; with one it runs the command line.
package main

import (
	"context"
	"embed"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/autostart"
	"github.com/tokenwarden/tokenwarden/backend/browser"
	"github.com/tokenwarden/tokenwarden/backend/cli"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
	"github.com/tokenwarden/tokenwarden/backend/history"
	"github.com/tokenwarden/tokenwarden/backend/keychain"
	"github.com/tokenwarden/tokenwarden/backend/lock"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
	"github.com/tokenwarden/tokenwarden/backend/notify"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
	"github.com/tokenwarden/tokenwarden/backend/providers"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

//go:embed all:frontend/dist
var assets embed.FS

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	dataFlag, args, err := splitDataDir(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(cli.ExitError)
	}
	dataDir, err := resolveDataDir(dataFlag)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(cli.ExitError)
	}
	// The window opens with no command, with --hidden (login item) or with
	// a tokenwarden:// link (the OS hands links over as the only argument).
	if len(args) == 0 || (len(args) == 1 && (args[0] == autostart.HiddenFlag || deeplink.Find(args) != "")) {
		os.Exit(runWindow(dataDir, args))
	}
	os.Exit(runCLI(dataDir, args))
}

// splitDataDir takes the global --data-dir flag out of the arguments,
// wherever it stands.
func splitDataDir(args []string) (dir string, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--data-dir" || a == "-data-dir":
			if i+1 >= len(args) || args[i+1] == "" {
				return "", nil, fmt.Errorf("--data-dir needs a folder")
			}
			dir = args[i+1]
			i++
		case strings.HasPrefix(a, "--data-dir="):
			dir = strings.TrimPrefix(a, "--data-dir=")
		default:
			rest = append(rest, a)
		}
	}
	return dir, rest, nil
}

// resolveDataDir picks the data folder: the flag, then TOKENWARDEN_HOME, then
// the OS user config dir.
func resolveDataDir(flagValue string) (string, error) {
	dir := flagValue
	if dir == "" {
		dir = os.Getenv("TOKENWARDEN_HOME")
	}
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("cannot find your config folder (%v); set TOKENWARDEN_HOME or pass --data-dir", err)
		}
		dir = filepath.Join(base, "tokenwarden")
	}
	return filepath.Abs(dir)
}

// openService opens the data folder and wires the backend together. The
// warnings are problems in providers.yaml: the app runs on without the
// broken entries.
func openService(dataDir string) (svc *accounts.Service, db *sqlite.DB, warnings []error, err error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, nil, nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot create the data folder %s: %v.", dataDir, err)
	}
	db, err = sqlite.Open(filepath.Join(dataDir, "tokenwarden.db"))
	if err != nil {
		return nil, nil, nil, err
	}
	catalogue, warnings := providers.Load(dataDir)
	svc = accounts.New(db, keychain.New(keychain.Namespace(dataDir)), catalogue)
	svc.DataDir = dataDir
	svc.Authorizer = oauth.Authorizer{}
	svc.Platforms = providers.PlatformFor
	svc.Discover = oauth.FillFromDiscovery
	svc.CustomProviders = catalogue
	// The warning window is a user setting, kept with the notification ones.
	if settings, err := notify.LoadSettings(context.Background(), db); err == nil {
		svc.Window = settings.WarningWindow()
	}
	return svc, db, warnings, nil
}

// newMonitor builds the token checker over the service's data.
func newMonitor(svc *accounts.Service, dataDir string) *monitor.Monitor {
	return &monitor.Monitor{
		Store: svc.Store, Secrets: svc.Secrets, Providers: svc.Providers, Credentials: svc.Credentials,
		Checkers: providers.CheckerFor, ReasonOf: providers.Reason, RetryAfterOf: providers.RetryAfter,
		TooSoon: providers.ErrTooSoon, Discover: oauth.FillFromDiscovery, DataDir: dataDir, Window: svc.Window,
	}
}

// windowLock is held by the window for as long as it runs, so that a "check"
// from cron knows whether the window will raise the notifications.
const windowLock = "window"

// notifyWithoutWindow raises due notifications with beeep, unless a window
// is running (it notifies with its Reconnect button instead).
func notifyWithoutWindow(ctx context.Context, svc *accounts.Service, db *sqlite.DB, dataDir string) error {
	probe, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	unlock, err := lock.Lock(probe, dataDir, windowLock)
	if err != nil {
		return nil // the window holds the lock and notifies itself
	}
	defer unlock()
	entries, err := svc.Entries(ctx, backend.AccountFilter{})
	if err != nil {
		return err
	}
	n := &notify.Notifier{Store: db, Sender: notify.BeeepSender{}}
	_, err = n.Run(ctx, accounts.NotifyCandidates(entries))
	return err
}

func runCLI(dataDir string, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var db *sqlite.DB
	var svc *accounts.Service
	env := &cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Version: version, Open: browser.Open,
		Monitor: func() (*monitor.Monitor, error) {
			if svc == nil {
				return nil, backend.Errorf(backend.EINTERNAL, "The data folder is not open.")
			}
			return newMonitor(svc, dataDir), nil
		},
		AfterCheck: func(ctx context.Context) error {
			if svc == nil || db == nil {
				return nil
			}
			return notifyWithoutWindow(ctx, svc, db, dataDir)
		},
		Service: func() (*accounts.Service, error) {
			s, d, warnings, err := openService(dataDir)
			for _, w := range warnings {
				fmt.Fprintf(os.Stderr, "warning: %v\n", w)
			}
			svc, db = s, d
			return s, err
		},
	}
	code := cli.Run(ctx, env, args)
	if db != nil {
		db.Close()
	}
	return code
}

func runWindow(dataDir string, args []string) int {
	svc, db, warnings, openErr := openService(dataDir)
	app := NewApp(svc, dataDir, openErr)
	if db != nil {
		defer db.Close()
		app.store = db
		app.monitor = newMonitor(svc, dataDir)
		app.monitor.OnResult = app.checked
		app.history = history.New(db, svc.Providers)
		app.history.Window = svc.Window
	}
	for _, w := range warnings {
		app.warnings = append(app.warnings, w.Error())
	}
	app.pendingLink = deeplink.Find(args)

	appMenu := menu.NewMenu()
	file := appMenu.AddSubmenu("Tokenwarden")
	file.AddText("Close window", keys.CmdOrCtrl("w"), func(*menu.CallbackData) { app.hide() })
	file.AddSeparator()
	file.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) { app.Quit() })
	err := wails.Run(&options.App{
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
		StartHidden:       len(args) == 1 && args[0] == autostart.HiddenFlag,
		OnStartup:         app.startup,
		OnDomReady:        app.domReady,
		Bind:              []interface{}{app},
		SingleInstanceLock: &options.SingleInstanceLock{
			// One instance per data folder: a second launch with the same
			// data hands its link to the running window and exits.
			UniqueId:               "app.tokenwarden." + keychain.Namespace(dataDir),
			OnSecondInstanceLaunch: func(d options.SecondInstanceData) { app.secondInstance(d.Args) },
		},
		Linux: &linux.Options{ProgramName: "tokenwarden"},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		return cli.ExitError
	}
	return cli.ExitOK
}
