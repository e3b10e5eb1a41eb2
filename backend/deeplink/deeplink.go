// Package deeplink parses tokenwarden:// links, which notifications, the OS
// and other programs use to ask the app to open or reconnect an account.
// Links come from outside the app, so parsing is strict: anything but the
// exact forms below is refused with a message and does nothing.
//
//	tokenwarden://open/ACCOUNT_ID
//	tokenwarden://reconnect/ACCOUNT_ID
//	tokenwarden://fix/CLIENT_ID     (every account of the client that needs the user)
package deeplink

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Scheme is the URL scheme the app registers with the OS.
const Scheme = "tokenwarden"

// Actions a link can ask for.
const (
	ActionOpen      = "open"
	ActionReconnect = "reconnect"
	ActionFix       = "fix"
)

// Link is a parsed deep link.
type Link struct {
	Action    string
	AccountID string
	// ClientID is set instead of AccountID for ActionFix.
	ClientID string
}

// Parse reads a link. It accepts only the scheme, a known action and a
// well-formed account id: no query, fragment, port, user or extra path.
func Parse(raw string) (Link, error) {
	bad := func(why string) (Link, error) {
		return Link{}, backend.Errorf(backend.EINVALID, "Ignored the link %q: %s.", clip(raw), why).
			WithHint("Links look like tokenwarden://reconnect/acc_xxxxxxxxxxxx.")
	}
	if len(raw) > 200 || backend.HasControlChars(raw) {
		return bad("it is too long or holds control characters")
	}
	rest, ok := cutPrefixFold(raw, Scheme+"://")
	if !ok {
		return bad("it is not a " + Scheme + ":// link")
	}
	action, id, ok := strings.Cut(rest, "/")
	if !ok {
		return bad("it names no account")
	}
	if action == ActionFix {
		if !backend.ValidID("cli", id) {
			return bad("the client id is not valid")
		}
		return Link{Action: action, ClientID: id}, nil
	}
	if action != ActionOpen && action != ActionReconnect {
		return bad(fmt.Sprintf("%q is not an action (use open, reconnect or fix)", clip(action)))
	}
	if !backend.ValidID("acc", id) {
		return bad("the account id is not valid")
	}
	return Link{Action: action, AccountID: id}, nil
}

// Find returns the first argument that looks like a link (the OS passes it
// among other arguments), or "".
func Find(args []string) string {
	for _, a := range args {
		if _, ok := cutPrefixFold(a, Scheme+":"); ok {
			return a
		}
	}
	return ""
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// clip shortens s for a message to at most clipLength bytes, cutting
// before a character, never inside one.
func clip(s string) string {
	if len(s) <= clipLength {
		return s
	}
	cut := clipLength
	for i := 1; i < utf8.UTFMax && !utf8.RuneStart(s[cut]); i++ {
		cut--
	}
	return s[:cut] + "…"
}

const clipLength = 60
