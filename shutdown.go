package main

// Graceful shutdown, for the command line and the window alike. What ends
// the app, and where each is handled:
//
//   - SIGINT, SIGTERM, SIGHUP (Ctrl-C, timeout(1), systemd stopping a unit,
//     logout closing the terminal; on Windows Ctrl-C, Ctrl-Break and a
//     console's close, logoff and shutdown, which Go delivers as SIGTERM):
//     the command's context is cancelled (runCLI), or the window quits as
//     Quit does (watchEnd).
//   - Linux: logind's PrepareForShutdown(true) or the removal of this
//     session (package session): the window quits as Quit does. While a
//     renewal is under way, window or command, a logind "delay" lock holds
//     off shutdown and sleep (monitor.Monitor.Inhibit).
//   - macOS: NSApplication's terminate (Quit in the Dock, logout, shutdown)
//     reaches Wails' applicationShouldTerminate, which quits through the
//     same path as Quit.
//   - Windows: Wails v2.13 does not act on WM_QUERYENDSESSION or
//     WM_ENDSESSION, so a session ending while the window runs ends the
//     process without OnShutdown; a renewal cut off then is the kill -9
//     case (see monitor's package comment).
//   - Quit (menu, tray, runtime.Quit): Wails runs OnShutdown, App.shutdown.
//
// In every handled case no renewal starts any more, and one already sent
// finishes storing what the platform answered (monitor.Shutdown), within
// shutdownWait; a command line gets at most shutdownWait after the signal
// before it exits regardless.

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/tokenwarden/tokenwarden/backend/cli"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
	"github.com/tokenwarden/tokenwarden/backend/session"
)

// shutdownSignals end the app gracefully.
var shutdownSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// shutdownWait is how long the app waits at most, once told to stop, for a
// renewal under way to store its result.
const shutdownWait = 10 * time.Second

// shutdownContext is the command line's context: cancelled by the first
// shutdown signal, after which the process has shutdownWait to finish.
func shutdownContext() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), shutdownSignals...)
	cancelLimit := context.AfterFunc(ctx, func() {
		time.AfterFunc(shutdownWait, func() {
			fmt.Fprintln(os.Stderr, "error: stopped: a renewal did not finish in time.")
			os.Exit(cli.ExitError)
		})
	})
	return ctx, func() { cancelLimit(); stop() }
}

// desktopSession is logind, opened on first use; nil where there is none.
var desktopSession = sync.OnceValue(func() session.Watcher {
	w, err := session.Open()
	if err != nil {
		return nil
	}
	return w
})

// inhibitShutdown is monitor.Monitor.Inhibit over desktopSession.
func inhibitShutdown(why string) func() {
	if w := desktopSession(); w != nil {
		return w.Inhibit(why)
	}
	return func() {}
}

// watchEnd quits the window, as Quit does, on a shutdown signal or when
// the session ends.
func watchEnd(ctx context.Context, quit func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, shutdownSignals...)
	if w := desktopSession(); w != nil {
		w.OnEnd(quit)
	}
	go func() {
		defer signal.Stop(sigs)
		select {
		case <-sigs:
			quit()
		case <-ctx.Done():
		}
	}()
}

// drainRenewals lets the renewals under way store their results, within
// shutdownWait.
func drainRenewals(m *monitor.Monitor) error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
	defer cancel()
	return m.Shutdown(ctx)
}

// setShutdownHooks has m hold off the session's end during renewals and
// trace them when asked (renewalTraceEnv); set before m is used.
func setShutdownHooks(m *monitor.Monitor) {
	m.Inhibit = inhibitShutdown
	m.Trace = renewalTrace()
}

// withShutdownHooks is the command line's Monitor with setShutdownHooks.
func withShutdownHooks(open func() (*monitor.Monitor, error)) func() (*monitor.Monitor, error) {
	return func() (*monitor.Monitor, error) {
		m, err := open()
		if m != nil {
			setShutdownHooks(m)
		}
		return m, err
	}
}

// renewalTraceEnv, set to 1, makes the binary write each renewal's steps to
// standard error for the kill tests (tests/kill): "renewal sent|answered|
// stored <account id> <unix microseconds>". It carries no secret.
const renewalTraceEnv = "TOKENWARDEN_TEST_RENEWAL_TRACE"

func renewalTrace() func(accountID, step string) {
	if os.Getenv(renewalTraceEnv) != "1" {
		return nil
	}
	return func(accountID, step string) {
		fmt.Fprintf(os.Stderr, "renewal %s %s %d\n", step, accountID, time.Now().UnixMicro())
	}
}
