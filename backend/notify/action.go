package notify

import (
	"fmt"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
)

// What the window's notification sender (Wails runtime) needs. It registers
// the category once, sends with CategoryID and ActionData, and hands each
// response to ParseResponse.
const (
	// CategoryID is the notification category with the Reconnect button.
	CategoryID = "tokenwarden-reconnect"
	// ActionIDReconnect is the button that starts the account's reconnect.
	ActionIDReconnect    = "RECONNECT"
	ActionTitleReconnect = "Reconnect"
	// ActionIDDefault is what Wails reports for a click on the notification
	// itself. On Linux a dismissal reads the same, so it only opens the
	// window on the account, never starts anything.
	ActionIDDefault = "DEFAULT_ACTION"

	// Keys of the notification's Data (UserInfo in the response).
	DataAccountID  = "account_id"  // string: the account a click acts on
	DataAccountIDs = "account_ids" // list of strings: every account named
)

// maxDataAccounts bounds the account list accepted back from a response.
const maxDataAccounts = 100

// ActionData is the Data map to send with n.
func ActionData(n Notification) map[string]any {
	return map[string]any{
		DataAccountID:  n.PrimaryAccountID,
		DataAccountIDs: append([]string{}, n.AccountIDs...),
	}
}

func badData(format string, args ...any) error {
	return backend.Errorf(backend.EINVALID, "Ignored a notification response: "+format+".", args...)
}

// ParseActionData reads back the Data of a notification response and
// returns the account to act on. It accepts only what ActionData makes:
// exactly the two keys, a well-formed account id, and a list of well-formed
// ids holding it. Anything else (any same-user process can send these) is
// an EINVALID error, and nothing should be opened.
func ParseActionData(userInfo map[string]any) (accountID string, err error) {
	if len(userInfo) != 2 {
		return "", badData("it carries %d data fields, not 2", len(userInfo))
	}
	raw, ok := userInfo[DataAccountID]
	if !ok {
		return "", badData("it names no account")
	}
	id, ok := raw.(string)
	if !ok || !backend.ValidID("acc", id) {
		return "", badData("the account id is not valid")
	}
	list, ok := userInfo[DataAccountIDs]
	if !ok {
		return "", badData("it has no account list")
	}
	// The platform gives back []string as sent (Linux) or []any after a
	// JSON round trip (Windows, macOS).
	var ids []string
	switch l := list.(type) {
	case []string:
		ids = l
	case []any:
		for _, v := range l {
			s, ok := v.(string)
			if !ok {
				return "", badData("the account list holds a %s", kindOf(v))
			}
			ids = append(ids, s)
		}
	default:
		return "", badData("the account list is a %s", kindOf(list))
	}
	if len(ids) == 0 || len(ids) > maxDataAccounts {
		return "", badData("the account list has %d entries", len(ids))
	}
	found := false
	for _, s := range ids {
		if !backend.ValidID("acc", s) {
			return "", badData("the account list holds an id that is not valid")
		}
		found = found || s == id
	}
	if !found {
		return "", badData("the account is not in its account list")
	}
	return id, nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "map"
	case float64, int, int64, uint32, float32:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

// ParseResponse reads a notification response: the action the user chose
// and the notification's data. It returns what to do as a deep link action
// (deeplink.ActionReconnect for the Reconnect button, deeplink.ActionOpen
// for a click on the notification) and the account; an unknown action or
// malformed data is an EINVALID error.
func ParseResponse(actionIdentifier string, userInfo map[string]any) (action, accountID string, err error) {
	switch actionIdentifier {
	case ActionIDReconnect:
		action = deeplink.ActionReconnect
	case ActionIDDefault:
		action = deeplink.ActionOpen
	default:
		return "", "", badData("%q is not an action of Tokenwarden", backend.Clip(actionIdentifier))
	}
	accountID, err = ParseActionData(userInfo)
	if err != nil {
		return "", "", err
	}
	return action, accountID, nil
}
