package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
)

// Snooze presets, and the longest snooze.
const (
	SnoozeDay     = 24 * time.Hour
	SnoozeWeek    = 7 * 24 * time.Hour
	MaxSnooze     = 30 * 24 * time.Hour
	minSnooze     = time.Minute
	failedLogOnce = 24 * time.Hour // a failing notification is logged once a day
)

// Sender shows a notification to the user.
type Sender interface {
	Send(ctx context.Context, n Notification) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, n Notification) error

func (f SenderFunc) Send(ctx context.Context, n Notification) error { return f(ctx, n) }

// Fallback sends through Primary and, when that fails, through Secondary:
// the window's notifications with a Reconnect button first, BeeepSender
// when they are not available.
type Fallback struct{ Primary, Secondary Sender }

func (f Fallback) Send(ctx context.Context, n Notification) error {
	err := f.Primary.Send(ctx, n)
	if err == nil || ctx.Err() != nil {
		return err
	}
	if err2 := f.Secondary.Send(ctx, n); err2 != nil {
		return errors.Join(err, err2)
	}
	return nil
}

// Notifier plans, sends and records notifications.
type Notifier struct {
	Store  backend.NotifyStore
	Sender Sender
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

// Run sends what is due among entries (every account, as the accounts list
// gives them) and returns the notifications shown. Each is recorded, with a
// history event, so that it is never sent again; one that fails to show is
// logged and tried again at the next run. Run is safe to call from several
// processes at once: a notification is claimed in the database before it is
// sent, so only one of them shows it.
func (n *Notifier) Run(ctx context.Context, entries []Candidate) ([]Notification, error) {
	now := n.now()
	settings, err := n.Store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	state, err := LoadState(ctx, n.Store)
	if err != nil {
		return nil, err
	}
	ended := false
	for _, until := range state.Snoozes {
		ended = ended || !now.Before(until)
	}
	if stale := Stale(now, entries, state); len(stale) > 0 || ended {
		err := n.Store.NotifyUpdate(ctx, func(tx backend.NotifyTx) error {
			for _, k := range stale {
				if err := tx.DeleteNotifySent(k); err != nil {
					return err
				}
			}
			return tx.DeleteNotifySnoozesBefore(now)
		})
		if err != nil {
			return nil, err
		}
		for _, k := range stale {
			delete(state.Sent, k)
		}
	}

	var shown []Notification
	var errs []error
	for _, note := range Plan(now, entries, state, settings) {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		note, claimed, ok, err := n.claim(ctx, now, note)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue // another process has sent it
		}
		sendErr := n.Sender.Send(ctx, note)
		err = n.Store.NotifyUpdate(ctx, func(tx backend.NotifyTx) error {
			if sendErr == nil {
				return tx.AppendEvent(sentEvent(note, now, nil))
			}
			for _, k := range claimed {
				if err := tx.DeleteNotifySent(k); err != nil {
					return err
				}
			}
			return appendFailure(tx, note, now, sendErr)
		})
		if sendErr != nil {
			errs = append(errs, fmt.Errorf("notification %s: %w", note.ID, sendErr))
		} else {
			shown = append(shown, note)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return shown, errors.Join(errs...)
}

// claim records note's keys before it is sent. It returns the note to
// send, without accounts deleted since the entries were listed; ok is false
// when nothing is left to send or another process recorded a decisive key
// already. claimed are the keys this call recorded, to be forgotten if
// sending fails.
func (n *Notifier) claim(ctx context.Context, now time.Time, note Notification) (out Notification, claimed []backend.NotifyKey, ok bool, err error) {
	err = n.Store.NotifyUpdate(ctx, func(tx backend.NotifyTx) error {
		claimed, ok = claimed[:0], false
		sent, err := tx.NotifySent()
		if err != nil {
			return err
		}
		have := make(map[backend.NotifyKey]bool, len(sent))
		for _, s := range sent {
			have[s.NotifyKey] = true
		}
		gone := map[string]bool{}
		var items []Item
		for _, it := range note.Items {
			if have[backend.NotifyKey{AccountID: it.AccountID, Threshold: it.Threshold, ReconnectBy: millis(it.ReconnectBy)}] {
				return nil
			}
			if _, err := tx.Account(it.AccountID); backend.ErrorCode(err) == backend.ENOTFOUND {
				gone[it.AccountID] = true
				continue
			} else if err != nil {
				return err
			}
			items = append(items, it)
		}
		if len(items) == 0 {
			return nil
		}
		out = note
		if len(gone) > 0 {
			var keys []backend.NotifyKey
			for _, k := range note.Keys {
				if !gone[k.AccountID] {
					keys = append(keys, k)
				}
			}
			out = compose(now, items, keys)
		}
		ok = true
		for _, k := range out.Keys {
			inserted, err := tx.InsertNotifySent(backend.NotifySent{NotifyKey: k, At: now, NotificationID: out.ID})
			if err != nil {
				return err
			}
			if inserted {
				claimed = append(claimed, k)
			}
		}
		return nil
	})
	if err != nil || !ok {
		return Notification{}, nil, false, err
	}
	return out, claimed, true, nil
}

// names lists the accounts of a notification for a history message.
func names(note Notification) string {
	parts := make([]string, 0, len(note.Items))
	for _, it := range note.Items {
		parts = append(parts, it.name())
	}
	return strings.Join(parts, ", ")
}

func sentEvent(note Notification, now time.Time, sendErr error) *backend.Event {
	thresholds := make(map[string]any, len(note.Items))
	for _, it := range note.Items {
		thresholds[it.AccountID] = it.Threshold
	}
	ids := make([]any, 0, len(note.AccountIDs))
	for _, id := range note.AccountIDs {
		ids = append(ids, id)
	}
	p := note.Items[0]
	e := &backend.Event{
		Time: now, ClientID: note.ClientID, ClientName: note.ClientName,
		AccountID: p.AccountID, AccountLabel: p.Label, Provider: p.Provider,
		Kind: backend.EventNotificationSent, Outcome: backend.OutcomeOK, Reason: p.Reason,
		Details: map[string]any{"notification_id": note.ID, "account_ids": ids, "thresholds": thresholds, "title": note.Title},
	}
	if sendErr == nil {
		e.Message = fmt.Sprintf("Notified: %s.", names(note))
	} else {
		e.Outcome = backend.OutcomeFailed
		e.Message = fmt.Sprintf("Could not show the notification about %s: %v", names(note), sendErr)
		e.Details["error"] = sendErr.Error()
	}
	return e
}

// appendFailure logs a failed notification, once a day per notification:
// a missing notification daemon must not fill the history at every run.
func appendFailure(tx backend.NotifyTx, note Notification, now time.Time, sendErr error) error {
	since := now.Add(-failedLogOnce)
	recent, err := tx.Events(backend.EventFilter{
		AccountID: note.PrimaryAccountID, Kind: backend.EventNotificationSent, Outcome: backend.OutcomeFailed, Since: &since, Limit: 20,
	})
	if err != nil {
		return err
	}
	for _, e := range recent {
		if e.Details["notification_id"] == note.ID {
			return nil
		}
	}
	return tx.AppendEvent(sentEvent(note, now, sendErr))
}

// accountEvent starts an event about an account, with its client's name.
func accountEvent(tx backend.NotifyTx, accountID string) (*backend.Event, error) {
	if !backend.ValidID("acc", accountID) {
		return nil, backend.Errorf(backend.EINVALID, "%q is not an account id.", backend.Clip(accountID)).
			WithHint(`Run "tokenwarden status" to see account ids.`)
	}
	a, err := tx.Account(accountID)
	if err != nil {
		return nil, err
	}
	e := &backend.Event{ClientID: a.ClientID, AccountID: a.ID, AccountLabel: a.Label, Provider: a.Provider, Outcome: backend.OutcomeInfo}
	if c, err := tx.Client(a.ClientID); err == nil {
		e.ClientName = c.Name
	} else if backend.ErrorCode(err) != backend.ENOTFOUND {
		return nil, err
	}
	return e, nil
}

// RecordAction writes a history event for a click on a notification, on
// the account it is first about. action is the link's action ParseResponse
// returns: deeplink.ActionOpen, ActionReconnect or ActionFix. EINVALID for a
// malformed account id or an unknown action, ENOTFOUND for an account that
// no longer exists.
func (n *Notifier) RecordAction(ctx context.Context, accountID, action string) error {
	var message string
	switch action {
	case deeplink.ActionReconnect:
		message = "Reconnect clicked in a notification for %s."
	case deeplink.ActionOpen:
		message = "Opened from a notification: %s."
	case deeplink.ActionFix:
		message = "Fix clicked in a notification about %s and others."
	default:
		return backend.Errorf(backend.EINVALID, "%q is not a notification action.", backend.Clip(action))
	}
	now := n.now()
	return n.Store.NotifyUpdate(ctx, func(tx backend.NotifyTx) error {
		e, err := accountEvent(tx, accountID)
		if err != nil {
			return err
		}
		e.Time, e.Kind = now, backend.EventNotificationActed
		e.Message = fmt.Sprintf(message, e.AccountLabel)
		e.Details = map[string]any{"action": action}
		return tx.AppendEvent(e)
	})
}

// Snooze holds an account's notifications for d (SnoozeDay, SnoozeWeek, or
// anything from a minute to MaxSnooze) and returns when the snooze ends;
// d = 0 clears the snooze. It writes an account.snoozed event.
func (n *Notifier) Snooze(ctx context.Context, accountID string, d time.Duration) (until time.Time, err error) {
	if d != 0 && (d < minSnooze || d > MaxSnooze) {
		return time.Time{}, backend.Errorf(backend.EINVALID, "A snooze lasts from 1 minute to %d days.", int(MaxSnooze/(24*time.Hour)))
	}
	now := n.now()
	if d != 0 {
		until = now.Add(d).Truncate(time.Millisecond)
	}
	err = n.Store.NotifyUpdate(ctx, func(tx backend.NotifyTx) error {
		e, err := accountEvent(tx, accountID)
		if err != nil {
			return err
		}
		if err := tx.SetNotifySnooze(accountID, until); err != nil {
			return err
		}
		e.Time, e.Kind = now, backend.EventAccountSnoozed
		if d == 0 {
			e.Message = fmt.Sprintf("Notifications for %s resumed.", e.AccountLabel)
			e.Details = map[string]any{"cleared": true}
		} else {
			e.Message = fmt.Sprintf("Notifications for %s snoozed for %s, until %s.", e.AccountLabel, duration(d), formatDate(until, now))
			e.Details = map[string]any{"until": until.UTC().Format(time.RFC3339), "seconds": int64(d / time.Second)}
		}
		return tx.AppendEvent(e)
	})
	if err != nil {
		return time.Time{}, err
	}
	return until, nil
}

// duration says a snooze length in words: "1 day", "1 week", "3 hours".
func duration(d time.Duration) string {
	switch {
	case d%SnoozeWeek == 0:
		return count(int(d/SnoozeWeek), "week")
	case d%SnoozeDay == 0:
		return count(int(d/SnoozeDay), "day")
	case d%time.Hour == 0:
		return count(int(d/time.Hour), "hour")
	}
	return count(int(d.Round(time.Minute)/time.Minute), "minute")
}

func count(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// Snoozes returns the accounts snoozed now, with the end of each snooze.
func (n *Notifier) Snoozes(ctx context.Context) (map[string]time.Time, error) {
	st, err := LoadState(ctx, n.Store)
	if err != nil {
		return nil, err
	}
	now := n.now()
	for id, until := range st.Snoozes {
		if !now.Before(until) {
			delete(st.Snoozes, id)
		}
	}
	return st.Snoozes, nil
}

// AppName is the application name notifications are shown under.
const AppName = "Tokenwarden"

// FooterNoButtons ends the body of a notification without buttons (the command
// line's, or where the platform offers none): a click reaches nothing.
const FooterNoButtons = "Open Tokenwarden to reconnect."
