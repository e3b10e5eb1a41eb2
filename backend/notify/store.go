package notify

import (
	"context"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Store is the SQLite store with what notifications keep: *sqlite.DB
// implements it. NotifyView and NotifyUpdate work like View and Update (one
// transaction, history events included) with a Tx that also reaches the
// notification tables.
type Store interface {
	backend.Store
	NotifyView(ctx context.Context, fn func(Tx) error) error
	NotifyUpdate(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction on a Store.
type Tx interface {
	backend.Tx

	// NotifySettings returns the stored settings JSON, nil when none.
	NotifySettings() ([]byte, error)
	SaveNotifySettings(settings []byte) error

	// NotifySent lists what was already notified.
	NotifySent() ([]Sent, error)
	// InsertNotifySent records s; inserted is false when its key was
	// recorded already (the row is then left as it was) or its account no
	// longer exists.
	InsertNotifySent(s Sent) (inserted bool, err error)
	// DeleteNotifySent forgets a key; a missing key is not an error.
	DeleteNotifySent(k Key) error

	// NotifySnoozes returns each snoozed account with the end of its snooze.
	NotifySnoozes() (map[string]time.Time, error)
	// SetNotifySnooze snoozes an account until a time, or clears its snooze
	// when until is zero. ENOTFOUND when the account does not exist.
	SetNotifySnooze(accountID string, until time.Time) error
	// DeleteNotifySnoozesBefore forgets snoozes that ended before t.
	DeleteNotifySnoozesBefore(t time.Time) error
}

// Key says what one notification was about: an account, a threshold
// ("7d", "3d", "1d", "passed" or "invalid") and the reconnect-by date it was
// counted from, in unix milliseconds (0 when none is known).
type Key struct {
	AccountID   string `json:"account_id"`
	Threshold   string `json:"threshold"`
	ReconnectBy int64  `json:"reconnect_by"`
}

// Sent is a Key that was notified, when, and by which notification.
type Sent struct {
	Key
	At             time.Time `json:"at"`
	NotificationID string    `json:"notification_id"`
}

// State is what planning needs to know from before: what was notified and
// which accounts are snoozed.
type State struct {
	Sent    map[Key]time.Time    `json:"-"`
	Snoozes map[string]time.Time `json:"snoozes"`
}

// LoadState reads the notification state.
func LoadState(ctx context.Context, store Store) (State, error) {
	st := State{Sent: map[Key]time.Time{}, Snoozes: map[string]time.Time{}}
	err := store.NotifyView(ctx, func(tx Tx) error {
		sent, err := tx.NotifySent()
		if err != nil {
			return err
		}
		for _, s := range sent {
			st.Sent[s.Key] = s.At
		}
		st.Snoozes, err = tx.NotifySnoozes()
		return err
	})
	if err != nil {
		return State{}, err
	}
	if st.Snoozes == nil {
		st.Snoozes = map[string]time.Time{}
	}
	return st, nil
}
