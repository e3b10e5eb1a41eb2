package main

import (
	"context"
	"log"
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
	// Notifications sets up native notifications with a Reconnect action and
	// returns their sender; onResponse gets each click. An error means the
	// platform refused (e.g. an unsigned macOS build) and beeep must serve.
	Notifications(onResponse func(actionID string, userInfo map[string]any)) (notify.Sender, error)
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

func (w wailsDesktop) Notifications(onResponse func(string, map[string]any)) (notify.Sender, error) {
	if err := runtime.InitializeNotifications(w.ctx); err != nil {
		return nil, err
	}
	if err := runtime.RegisterNotificationCategory(w.ctx, runtime.NotificationCategory{ID: notify.CategoryID,
		Actions: []runtime.NotificationAction{{ID: notify.ActionIDReconnect, Title: notify.ActionTitleReconnect}}}); err != nil {
		return nil, err
	}
	runtime.OnNotificationResponse(w.ctx, func(r runtime.NotificationResult) {
		if r.Error != nil {
			log.Printf("notification response: %v", r.Error)
			return
		}
		onResponse(r.Response.ActionIdentifier, r.Response.UserInfo)
	})
	return notify.SenderFunc(func(_ context.Context, n notify.Notification) error {
		return runtime.SendNotificationWithActions(w.ctx, runtime.NotificationOptions{
			ID: n.ID, Title: n.Title, Body: n.Body, CategoryID: notify.CategoryID, Data: notify.ActionData(n)})
	}), nil
}
