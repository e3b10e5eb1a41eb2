package main

import (
	"context"
	"os"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tokenwarden/tokenwarden/backend/browser"
	"github.com/tokenwarden/tokenwarden/backend/notify"
)

// desktop is the one place that calls the Wails runtime, so the facade can be
// tested without a window.
type desktop interface {
	// OpenURL opens a URL in the system browser.
	OpenURL(url string) error
	// Emit sends an event to the frontend.
	Emit(name string, data ...any)
	// Show brings the window forward: unminimised and shown.
	Show()
	// Quit ends the app (closing the window only hides it).
	Quit()
	// Hide hides the window; the app keeps running.
	Hide()
	// Notifications sets up the platform's notifications with buttons and
	// returns their sender; onResponse gets each click, for
	// notify.ParseResponse. An error means the platform refused (no
	// notification service, an unsigned macOS build).
	Notifications(onResponse notify.ResponseFunc) (notify.Sender, error)
}

type wailsDesktop struct{ ctx context.Context }

// OpenURL uses $BROWSER when it is set (tests capture the URL that way),
// else Wails' opener.
func (w wailsDesktop) OpenURL(u string) error {
	if os.Getenv("BROWSER") != "" {
		return browser.Open(u)
	}
	runtime.BrowserOpenURL(w.ctx, u)
	return nil
}

func (w wailsDesktop) Emit(name string, data ...any) { runtime.EventsEmit(w.ctx, name, data...) }

func (w wailsDesktop) Show() {
	runtime.WindowUnminimise(w.ctx)
	runtime.WindowShow(w.ctx)
	runtime.Show(w.ctx)
}

func (w wailsDesktop) Quit() { runtime.Quit(w.ctx) }

func (w wailsDesktop) Hide() { runtime.WindowHide(w.ctx) }
