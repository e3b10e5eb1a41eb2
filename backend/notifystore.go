package backend

import (
	"context"
	"time"
)

// NotifyStore is the Store with what notifications keep; sqlite.DB
// implements it. NotifyView and NotifyUpdate work like View and Update (one
// transaction, history events included) with a Tx that also reaches the
// notification tables.
type NotifyStore interface {
	Store
	SettingsStore
	NotifyView(ctx context.Context, fn func(NotifyTx) error) error
	NotifyUpdate(ctx context.Context, fn func(NotifyTx) error) error
}

// NotifyTx is one transaction on a NotifyStore.
type NotifyTx interface {
	Tx

	// NotifySent lists what was already notified.
	NotifySent() ([]NotifySent, error)
	// InsertNotifySent records s; inserted is false when its key was
	// recorded already (the row is then left as it was) or its account no
	// longer exists.
	InsertNotifySent(s NotifySent) (inserted bool, err error)
	// DeleteNotifySent forgets a key; a missing key is not an error.
	DeleteNotifySent(k NotifyKey) error

	// NotifySnoozes returns each snoozed account with the end of its snooze.
	NotifySnoozes() (map[string]time.Time, error)
	// SetNotifySnooze snoozes an account until a time, or clears its snooze
	// when until is zero. ENOTFOUND when the account does not exist.
	SetNotifySnooze(accountID string, until time.Time) error
	// DeleteNotifySnoozesBefore forgets snoozes that ended before t.
	DeleteNotifySnoozesBefore(t time.Time) error
}

// NotifyKey says what one notification was about: an account, a threshold
// ("7d", "3d", "1d", "passed" or "invalid") and the reconnect-by date it was
// counted from, in unix milliseconds (0 when none is known).
type NotifyKey struct {
	AccountID   string `json:"account_id"`
	Threshold   string `json:"threshold"`
	ReconnectBy int64  `json:"reconnect_by"`
}

// NotifySent is a NotifyKey that was notified, when, and by which
// notification.
type NotifySent struct {
	NotifyKey
	At             time.Time `json:"at"`
	NotificationID string    `json:"notification_id"`
}
