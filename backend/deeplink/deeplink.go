// Package deeplink parses tokenwarden:// links, which notifications, the OS
// and other programs use to ask the app to open, reconnect or fix accounts.
// Links come from outside the app, so parsing is strict: anything but the
// exact forms below is refused with a message and does nothing.
//
//	tokenwarden://open/ACCOUNT_ID       show the account
//	tokenwarden://reconnect/ACCOUNT_ID  start its login
//	tokenwarden://fix/CLIENT_ID         offer to fix that client's accounts that need the user
//	tokenwarden://fix/all               offer to fix every account that needs the user
package deeplink

import (
	"fmt"
	"strings"

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

// fixAll is the target of a fix link about every client.
const fixAll = "all"

// Link is a parsed deep link: AccountID for open and reconnect, ClientID for
// fix ("" when it is about every client).
type Link struct {
	Action    string
	AccountID string
	ClientID  string
}

// String is the link as Parse reads it.
func (l Link) String() string {
	target := l.AccountID
	if l.Action == ActionFix {
		target = l.ClientID
		if target == "" {
			target = fixAll
		}
	}
	return Scheme + "://" + l.Action + "/" + target
}

// Open, Reconnect, Fix and FixAll make the links.
func Open(accountID string) string { return Link{Action: ActionOpen, AccountID: accountID}.String() }
func Reconnect(accountID string) string {
	return Link{Action: ActionReconnect, AccountID: accountID}.String()
}
func Fix(clientID string) string { return Link{Action: ActionFix, ClientID: clientID}.String() }
func FixAll() string             { return Link{Action: ActionFix}.String() }

// Parse reads a link. It accepts only the scheme, a known action and a
// well-formed id: no query, fragment, port, user or extra path.
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
	switch action {
	case ActionOpen, ActionReconnect:
		if !backend.ValidID("acc", id) {
			return bad("the account id is not valid")
		}
		return Link{Action: action, AccountID: id}, nil
	case ActionFix:
		if id == fixAll {
			return Link{Action: action}, nil
		}
		if !backend.ValidID("cli", id) {
			return bad("the client id is not valid")
		}
		return Link{Action: action, ClientID: id}, nil
	}
	return bad(fmt.Sprintf("%q is not an action (use open, reconnect or fix)", clip(action)))
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

// clip shortens a link for a message, on a character boundary.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
