package notify

import (
	"context"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// State is what planning needs to know from before: what was notified and
// which accounts are snoozed.
type State struct {
	Sent    map[backend.NotifyKey]time.Time `json:"-"`
	Snoozes map[string]time.Time            `json:"snoozes"`
}

// LoadState reads the notification state.
func LoadState(ctx context.Context, store backend.NotifyStore) (State, error) {
	st := State{Sent: map[backend.NotifyKey]time.Time{}, Snoozes: map[string]time.Time{}}
	err := store.NotifyView(ctx, func(tx backend.NotifyTx) error {
		sent, err := tx.NotifySent()
		if err != nil {
			return err
		}
		for _, s := range sent {
			st.Sent[s.NotifyKey] = s.At
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
