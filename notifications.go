package main

import (
	"context"
	"log"
	"sync/atomic"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/notify"
)

// notifications raises the notifications that are due, now or once a burst
// of checks is over.
type notifications struct {
	svc      *accounts.Service
	notifier *notify.Notifier
	burst    notify.Debouncer

	// held is set from the launch until every account due for a check at
	// launchAt has been checked.
	held     atomic.Bool
	launchAt time.Time
}

func newNotifications(ctx func() context.Context, svc *accounts.Service, notifier *notify.Notifier) *notifications {
	n := &notifications{svc: svc, notifier: notifier}
	n.burst = notify.Debouncer{Wait: 2 * time.Second, Run: func() { n.now(ctx()) }}
	return n
}

// now raises the notifications that are due now.
func (n *notifications) now(ctx context.Context) {
	if n == nil {
		return
	}
	if _, err := n.svc.Notify(ctx, n.notifier); err != nil && ctx.Err() == nil {
		log.Printf("notifications: %v", err)
	}
}

// soon raises them shortly after a burst of checks ends.
func (n *notifications) soon() {
	if n != nil {
		n.burst.Poke()
	}
}

// holdForLaunch keeps the launch's notifications back until its checks are
// over, maxWait at the latest, so that a launch raises one round: not one
// for what is known at once and another for what the checks then find.
// What was notified before the launch is never notified again.
func (n *notifications) holdForLaunch(ctx context.Context, at time.Time, maxWait time.Duration) {
	n.launchAt = at
	n.held.Store(true)
	time.AfterFunc(maxWait, n.release)
	n.checked(ctx)
}

// checked follows a finished check: notifications soon, or, while the
// launch holds them, once no account due at launch is left unchecked.
func (n *notifications) checked(ctx context.Context) {
	if n == nil {
		return
	}
	if !n.held.Load() {
		n.soon()
		return
	}
	left := 0
	err := n.svc.Store.View(ctx, func(tx backend.Tx) error {
		all, err := tx.Accounts(backend.AccountFilter{})
		for _, a := range all {
			if a.NextCheckAt == nil || !a.NextCheckAt.After(n.launchAt) {
				left++
			}
		}
		return err
	})
	if err != nil || left == 0 {
		n.release()
	}
}

func (n *notifications) release() {
	if n.held.CompareAndSwap(true, false) {
		n.soon()
	}
}
