//go:build (!linux) && !nowindow

package main

import (
	"context"
	"log"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tokenwarden/tokenwarden/backend/notify"
)

// Notifications on Windows and macOS are Wails': one category per button.
func (w wailsDesktop) Notifications(onResponse notify.ResponseFunc) (notify.Sender, error) {
	if err := runtime.InitializeNotifications(w.ctx); err != nil {
		return nil, err
	}
	for _, c := range []runtime.NotificationCategory{
		{ID: notify.CategoryReconnect, Actions: []runtime.NotificationAction{{ID: notify.ActionIDReconnect, Title: notify.ActionTitleReconnect}}},
		{ID: notify.CategoryFix, Actions: []runtime.NotificationAction{{ID: notify.ActionIDFix, Title: notify.ActionTitleFix}}},
	} {
		if err := runtime.RegisterNotificationCategory(w.ctx, c); err != nil {
			return nil, err
		}
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
			ID: n.ID, Title: n.Title, Body: n.Body, CategoryID: notify.Category(n), Data: notify.ActionData(n)})
	}), nil
}
