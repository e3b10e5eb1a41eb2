package main

import (
	"context"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
)

// TestWarningWindowChangeTakesEffectEverywhere saves a wider warning window
// on a running app and sees the account's status, its next check and the
// deadlines view follow at once, without a restart.
func TestWarningWindowChangeTakesEffectEverywhere(t *testing.T) {
	w, _, svc := newTestWindow(t)
	ctx := context.Background()
	c, err := svc.AddClient(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(10 * 24 * time.Hour) // outside 7 days, inside 14
	acc, err := svc.ImportAccount(ctx, accounts.ImportRequest{ClientID: c.ID, Provider: "x", Label: "Acme X",
		Token: backend.Token{AccessToken: "x-token", ExpiresAt: &exp}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Providers.Provider("x")
	if err != nil {
		t.Fatal(err)
	}
	look := func() (status, deadline string, next time.Time) {
		t.Helper()
		ov, err := w.accounts.Overview()
		if err != nil || len(ov.Groups) != 1 || len(ov.Groups[0].Accounts) != 1 {
			t.Fatalf("overview %+v, %v", ov, err)
		}
		ds, err := w.history.Deadlines(30)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deadlines %+v, %v", ds, err)
		}
		var a *backend.Account
		if err := svc.Store.View(ctx, func(tx backend.Tx) (err error) { a, err = tx.Account(acc.ID); return err }); err != nil {
			t.Fatal(err)
		}
		return ov.Groups[0].Accounts[0].Status, string(ds[0].Status), w.app.monitor.NextCheck(a, p, nil)
	}

	status, deadline, nextBefore := look()
	if status != "healthy" || deadline != "healthy" {
		t.Fatalf("with the 7-day window: status %q, deadline %q", status, deadline)
	}
	s, err := w.settings.NotificationSettings()
	if err != nil {
		t.Fatal(err)
	}
	s.WarningDays = 14
	if _, err := w.settings.SaveNotificationSettings(*s); err != nil {
		t.Fatal(err)
	}
	status, deadline, nextAfter := look()
	if status != "expiring" || deadline != "expiring" {
		t.Errorf("with the 14-day window: status %q, deadline %q", status, deadline)
	}
	if !nextAfter.Before(nextBefore) {
		t.Errorf("an expiring account is checked more often: next check %v before, %v after", nextBefore, nextAfter)
	}

	// Bad input changes nothing anywhere.
	s.WarningDays = 0
	if _, err := w.settings.SaveNotificationSettings(*s); err == nil {
		t.Error("a zero-day warning window was saved")
	}
	if status, deadline, _ := look(); status != "expiring" || deadline != "expiring" {
		t.Errorf("after a refused save: status %q, deadline %q", status, deadline)
	}
}
