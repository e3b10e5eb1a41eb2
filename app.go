package main

import (
	"context"
	"log"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
	"github.com/tokenwarden/tokenwarden/backend/history"
	"github.com/tokenwarden/tokenwarden/backend/lock"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
	"github.com/tokenwarden/tokenwarden/backend/notify"
)

// App is the window's life: what happens at start, when the page is ready,
// on a second launch, a link or a notification click, and at quit. Of it
// only HandleLink is bound; the frontend calls the services.
type App struct {
	*shell
	svc           *accounts.Service
	monitor       *monitor.Monitor
	history       *history.Service
	notifications *notifications
	connect       *ConnectService
	checks        *ChecksService
	status        *statusArea
	backup        *BackupService
	// pendingLink is a deep link the app was started with, acted on once the
	// window is ready.
	pendingLink string
	// background starts the checks, notifications and tray once, however
	// often the page loads.
	background sync.Once
}

// Events for links and notification clicks.
const (
	// EventFocusAccount asks the window to show one account.
	EventFocusAccount = "account:focus"
	// EventConnectFinished reports a reconnect the backend started itself
	// (from a link or a notification), with its result or error message.
	EventConnectFinished = "connect:finished"
	// EventFixClient asks the window to fix a client's accounts (every
	// account that needs the user when the client id is ""), one login after
	// another: a notification's Fix button, a tokenwarden://fix link.
	EventFixClient = "fix:client"
	// EventAccountChecked carries a monitor.Result after any check.
	EventAccountChecked = "account:checked"
)

// startup runs when the window opens: every service gets the window's
// context, notifications are set up, and the keychain is probed once so the
// window can warn before the user tries to import anything.
func (a *App) startup(ctx context.Context, d desktop) {
	a.start(ctx, d)
	if a.notifications != nil {
		a.setupNotifications()
	}
	if a.svc != nil {
		a.recordKeychain(a.svc.Secrets.Ping(a.ctx))
	}
}

// shutdown ends every call and background job of the window, and lets a
// renewal under way store its result first (bounded; see shutdown.go).
func (a *App) shutdown() {
	if a.notifications != nil {
		a.notifications.burst.Stop()
	}
	a.status.stop()
	if a.stop != nil {
		a.stop()
	}
	if a.monitor != nil {
		if err := drainRenewals(a.monitor); err != nil {
			log.Printf("quit before a renewal finished: %v", err)
		}
	}
}

// setupNotifications prefers the platform's own notifications, which carry
// the buttons, and keeps the command line's (no buttons) when they are
// refused or fail.
func (a *App) setupNotifications() {
	native, err := a.desktop.Notifications(a.notificationResponse)
	if err != nil {
		log.Printf("notifications with buttons unavailable (%v); notifying without", err)
		return
	}
	a.notifications.notifier.Sender = notify.Fallback{Primary: native, Secondary: a.notifications.notifier.Sender}
}

// notificationResponse acts on a click. The data comes from outside the app
// (any process on the session bus can fake a click), so it is checked
// strictly: anything malformed opens nothing and is logged.
func (a *App) notificationResponse(actionID string, userInfo map[string]any) {
	link, primary, err := notify.ParseResponse(actionID, userInfo)
	if err != nil {
		log.Printf("ignored a notification response: %v", err)
		return
	}
	log.Printf("notification: %s", link)
	if err := a.notifications.notifier.RecordAction(a.ctx, primary, link.Action); err != nil {
		log.Printf("notification response for %s: %v", primary, err)
		return
	}
	_ = a.act(link)
}

// domReady acts on a link the app was started with, now that the window can
// show what happens, and starts the background work. It starts here rather
// than at startup because on Linux Wails runs startup before it knows
// whether this is a second instance about to exit.
func (a *App) domReady() {
	if link := a.pendingLink; link != "" {
		a.pendingLink = ""
		_ = a.HandleLink(link)
	}
	if a.monitor == nil {
		return
	}
	a.background.Do(a.startBackground)
}

// startBackground starts the checks, the tray and the notifications; the
// launch's notifications wait for its checks (holdForLaunch).
func (a *App) startBackground() {
	if err := lock.HoldWindow(a.ctx, a.dataDir); err != nil {
		log.Printf("another window seems to run on this data folder: %v", err)
	}
	a.status.start(a.trayActions())
	go a.history.PruneDaily(a.ctx, log.Printf)
	go a.backup.runHourly(a.ctx)
	a.notifications.holdForLaunch(a.ctx, a.now(), 2*time.Minute)
	go func() {
		if err := a.monitor.Run(a.ctx); err != nil && a.ctx.Err() == nil {
			log.Printf("monitor stopped: %v", err)
		}
	}()
}

// checked tells the window about a finished check and raises notifications
// once the burst of checks is over. It is the monitor's OnResult.
func (a *App) checked(r *monitor.Result) {
	if a.desktop != nil {
		a.desktop.Emit(EventAccountChecked, r)
	}
	a.notifications.checked(a.ctx)
	a.status.changed()
}

// secondInstance runs when the binary is launched again: it brings this
// window forward and hands it the link the new launch carried, if any.
func (a *App) secondInstance(args []string) {
	if a.desktop == nil || startsHidden(args) {
		return // a login item started again leaves the window as it is
	}
	a.desktop.Show()
	log.Printf("second launch: brought the window forward")
	if link := deeplink.Find(args); link != "" {
		_ = a.HandleLink(link)
	}
}

// HandleLink acts on a tokenwarden:// link: open shows the account,
// reconnect starts its login, fix offers to fix a client's accounts (or
// every one that needs the user). Anything malformed is logged and
// ignored. It is bound so that a test can deliver a link as the OS would.
func (a *App) HandleLink(raw string) error {
	l, err := deeplink.Parse(raw)
	if err != nil {
		log.Printf("%v", backend.ErrorMessage(err))
		return a.userError(err)
	}
	log.Printf("link: %s %s", l.Action, l.AccountID+l.ClientID)
	return a.act(l)
}

// fix brings the window forward with the bulk fix of a client's accounts
// (every client's when clientID is ""): a grouped notification's or the
// digest's action; the window runs it, login by login.
func (a *App) fix(clientID string) error {
	if a.svc == nil {
		return a.closed()
	}
	if _, err := a.svc.PlanFixes(a.ctx, accounts.FixScope{ClientID: clientID}); err != nil {
		log.Printf("ignored fix for %s: %s", clientID, backend.ErrorMessage(err))
		return a.userError(err)
	}
	a.desktop.Show()
	a.desktop.Emit(EventFixClient, clientID)
	return nil
}

// act follows a link on behalf of the OS, a notification or the tray: it
// brings the window forward on the account or client, after checking that
// it exists.
func (a *App) act(l deeplink.Link) error {
	if a.svc == nil {
		return a.closed()
	}
	if l.Action == deeplink.ActionFix {
		return a.fix(l.ClientID)
	}
	accountID := l.AccountID
	if _, err := a.svc.Entry(a.ctx, accountID); err != nil {
		log.Printf("ignored %s for %s: %s", l.Action, accountID, backend.ErrorMessage(err))
		return a.userError(err)
	}
	a.desktop.Show()
	a.desktop.Emit(EventFocusAccount, accountID)
	if l.Action == deeplink.ActionReconnect {
		go func() {
			res, err := a.connect.Reconnect(accountID)
			out := map[string]any{"account_id": accountID}
			if err != nil {
				out["error"] = err.Error()
			} else {
				out["result"] = res
			}
			a.desktop.Emit(EventConnectFinished, out)
		}()
	}
	return nil
}

// quit ends the app; closing the window only hides it so checks go on.
func (a *App) quit() {
	if a.desktop != nil {
		a.desktop.Quit()
	}
}

func (a *App) hide() {
	if a.desktop != nil {
		a.desktop.Hide()
	}
}
