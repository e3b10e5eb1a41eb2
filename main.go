// Tokenwarden keeps a freelancer's client accounts connected. With no
// command it opens the window; with one it runs the command line.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/autostart"
	"github.com/tokenwarden/tokenwarden/backend/browser"
	"github.com/tokenwarden/tokenwarden/backend/cli"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
	"github.com/tokenwarden/tokenwarden/backend/history"
	"github.com/tokenwarden/tokenwarden/backend/lock"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
	"github.com/tokenwarden/tokenwarden/backend/notify"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
	"github.com/tokenwarden/tokenwarden/backend/tray"
	"github.com/tokenwarden/tokenwarden/backend/wire"
)

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

func runCLI(dataDir string, args []string) int {
	ctx, stop := shutdownContext()
	defer stop()
	var db *sqlite.DB
	var svc *accounts.Service
	env := &cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Version: version, Open: browser.Open, DataDir: dataDir,
		Monitor: func() (*monitor.Monitor, error) {
			if svc == nil {
				return nil, backend.Errorf(backend.EINTERNAL, "The data folder is not open.")
			}
			return wire.Monitor(svc), nil
		},
		AfterCheck: func(ctx context.Context) error {
			if svc == nil || db == nil {
				return nil
			}
			// The window notifies with its Reconnect button when it runs.
			return lock.UnlessWindow(ctx, dataDir, func() error {
				_, err := svc.Notify(ctx, &notify.Notifier{Store: db, Sender: notify.CommandLineSender(tray.Icon)})
				return err
			})
		},
		Service: func() (*accounts.Service, error) {
			s, d, warnings, err := wire.Open(dataDir)
			for _, w := range warnings {
				fmt.Fprintf(os.Stderr, "warning: %v\n", w)
			}
			svc, db = s, d
			return s, err
		},
	}
	env.Monitor = withShutdownHooks(env.Monitor)
	code := cli.Run(ctx, env, args)
	if db != nil {
		db.Close()
	}
	return code
}

// window is every bound service over one backend, built once.
type window struct {
	app      *App
	accounts *AccountsService
	connect  *ConnectService
	checks   *ChecksService
	history  *HistoryService
	settings *SettingsService
	backup   *BackupService
	reports  *ReportService
}

// newWindow builds the window's services over svc and db; openErr is why
// the data folder could not be opened (svc and db are then nil).
func newWindow(dataDir string, svc *accounts.Service, db *sqlite.DB, warnings []error, openErr error) *window {
	sh := &shell{dataDir: dataDir, openErr: openErr, now: time.Now}
	for _, w := range warnings {
		sh.warnings = append(sh.warnings, w.Error())
	}
	w := &window{app: &App{shell: sh}}
	w.accounts = &AccountsService{shell: sh}
	w.connect = &ConnectService{shell: sh}
	w.checks = &ChecksService{shell: sh}
	w.history = &HistoryService{shell: sh}
	w.settings = &SettingsService{shell: sh}
	w.backup = &BackupService{shell: sh, keychainOf: openKeychain, open: wire.Open}
	w.app.backup = w.backup
	w.reports = &ReportService{shell: sh}
	w.app.connect, w.app.checks = w.connect, w.checks
	if db == nil {
		return w
	}
	sh.now = svc.Now
	w.app.status = newStatusArea(func() context.Context { return sh.ctx }, svc)
	svc.Store = watchedStore{Store: svc.Store, changed: w.app.status.changed}
	mon := wire.Monitor(svc)
	mon.OnResult = w.app.checked
	setShutdownHooks(mon)
	hist := history.New(db, svc.Providers, db)
	hist.Now = svc.Now
	notifier := &notify.Notifier{Store: db, Sender: notify.CommandLineSender(tray.Icon), Now: svc.Now}
	notes := newNotifications(func() context.Context { return sh.ctx }, svc, notifier)

	w.app.svc, w.app.monitor, w.app.history, w.app.notifications = svc, mon, hist, notes
	w.accounts.svc, w.accounts.notifier, w.accounts.monitor = svc, notifier, mon
	w.connect.svc, w.connect.monitor = svc, mon
	w.checks.monitor, w.checks.notifications = mon, notes
	w.history.history = hist
	w.reports.history, w.reports.settings = hist, &history.ReportSettingsService{Store: db, DataDir: dataDir}
	w.settings.store, w.settings.notifier, w.settings.notifications = db, notifier, notes
	w.backup.secrets, w.backup.db = svc.Secrets, db
	return w
}

// bound lists what the frontend may call.
func (w *window) bound() []any {
	return []any{w.app, w.accounts, w.connect, w.checks, w.history, w.settings, w.backup, w.reports}
}

// startsHidden reports whether this is the login item's launch.
func startsHidden(args []string) bool { return len(args) == 1 && args[0] == autostart.HiddenFlag }

// alreadyRunning is what a second launch says before it exits 0.
const alreadyRunning = "Tokenwarden is already running; brought its window forward"
