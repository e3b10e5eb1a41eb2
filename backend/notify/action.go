package notify

import (
	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
)

// The actions a notification offers. Each sender shows them with its own
// means (freedesktop action keys on Linux, Wails categories elsewhere) and
// reports a click as one of these ids with ActionData, which ParseResponse
// reads back.
const (
	// ActionIDDefault is a click on the notification itself: it opens the
	// window on the most urgent account, never starts anything (on some
	// daemons a dismissal reads the same). Wails reports it by this name.
	ActionIDDefault = "DEFAULT_ACTION"
	// ActionIDReconnect starts the account's login.
	ActionIDReconnect    = "RECONNECT"
	ActionTitleReconnect = "Reconnect"
	// ActionIDFix opens the fixing of several accounts: one client's, or
	// every client's in a digest.
	ActionIDFix = "FIX"

	// CategoryReconnect and CategoryFix are the Wails notification
	// categories (one per button) on Windows and macOS.
	CategoryReconnect = "tokenwarden-reconnect"
	CategoryFix       = "tokenwarden-fix"
	// ActionTitleFix is the Fix button's title where it cannot carry the
	// count (a Wails category is registered once).
	ActionTitleFix = "Fix accounts"
)

// ResponseFunc gets a click on a notification: the action id (ActionIDDefault,
// ActionIDReconnect, ActionIDFix) and the notification's ActionData, for
// ParseResponse.
type ResponseFunc func(actionID string, data map[string]any)

// actionLink is the link action each action id may carry.
var actionLink = map[string]string{
	ActionIDDefault:   deeplink.ActionOpen,
	ActionIDReconnect: deeplink.ActionReconnect,
	ActionIDFix:       deeplink.ActionFix,
}

// ActionData is the data to send with n: each action's link by action id.
func ActionData(n Notification) map[string]any {
	out := make(map[string]any, len(n.Actions))
	for _, a := range n.Actions {
		out[a.ID] = a.Link
	}
	return out
}

// Category is the Wails category of n: the one with its button.
func Category(n Notification) string {
	for _, a := range n.Actions {
		if a.ID == ActionIDFix {
			return CategoryFix
		}
	}
	return CategoryReconnect
}

func badData(format string, args ...any) error {
	return backend.Errorf(backend.EINVALID, "Ignored a notification response: "+format+".", args...)
}

// ParseResponse reads a click back: the action id the platform reports and
// the notification's data (as ActionData made it, possibly after a JSON
// round trip). It returns the link to follow and the account the
// notification is first about, for its history. Any same-user process can
// send responses, so only what ActionData makes is accepted: known action
// ids, each with a well-formed link of its kind, an open link for the
// click on the notification, and the chosen action among them. Anything
// else is an EINVALID error, and nothing should be opened.
func ParseResponse(actionID string, userInfo map[string]any) (link deeplink.Link, primaryAccountID string, err error) {
	links := make(map[string]deeplink.Link, len(userInfo))
	for id, v := range userInfo {
		want, ok := actionLink[id]
		if !ok {
			return deeplink.Link{}, "", badData("%q is not an action of Tokenwarden", backend.Clip(id))
		}
		raw, ok := v.(string)
		if !ok {
			return deeplink.Link{}, "", badData("the %s link is not text", id)
		}
		l, err := deeplink.Parse(raw)
		if err != nil || l.Action != want {
			return deeplink.Link{}, "", badData("the %s link is not valid", id)
		}
		links[id] = l
	}
	open, ok := links[ActionIDDefault]
	if !ok {
		return deeplink.Link{}, "", badData("it names no account")
	}
	chosen, ok := links[actionID]
	if !ok {
		return deeplink.Link{}, "", badData("%q is not an action of this notification", backend.Clip(actionID))
	}
	return chosen, open.AccountID, nil
}
