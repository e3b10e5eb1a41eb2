package history

import (
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// explanations put reason codes in plain words, for reports a client reads.
var explanations = map[string]string{
	ReasonExpired:        "The access expired and was not renewed in time.",
	ReasonPermissionLost: "Access to this Page was not granted again when the login was reconnected.",
	ReasonReconnect:      "Reconnecting did not succeed.",
	"invalid_token":      "The platform no longer accepted the access (revoked or invalid).",
	"revoked":            "The access was revoked.",
	"invalid_grant":      "The platform refused to renew the access; a new login is needed.",
	"password_changed":   "The account owner changed their password, which ends existing logins.",
	"app_removed":        "The account owner removed the app's access.",
	"checkpoint":         "The platform locked the account behind a security check.",
	"unconfirmed_user":   "The account is not confirmed at the platform.",
	"logged_out":         "The account owner logged out, which ended the session.",
	"permission_missing": "A permission the connection needs was not granted or was removed.",
	"app_config":         "The platform refused the developer app or its credentials.",
	"network":            "The platform could not be reached (network problem).",
	"unavailable":        "The platform could not be reached or had an error.",
	"provider_down":      "The platform was down.",
	"rate_limited":       "The platform asked to slow down (rate limit).",
	"bad_response":       "The platform sent an answer that could not be read.",
	"unknown":            "The platform refused the access without saying why.",
}

// Explain returns a reason code in plain words: backend.Diagnose's for the
// app's reason codes, history's own for older and provider-specific ones.
func Explain(reason string) string {
	if d := backend.Diagnose(reason); d.Reason == reason {
		return d.Problem
	}
	if s, ok := explanations[reason]; ok {
		return s
	}
	if reason == "" {
		return explanations["unknown"]
	}
	return "The platform refused the access (" + strings.ReplaceAll(reason, "_", " ") + ")."
}

// KindWords names an event kind in plain words.
func KindWords(kind string) string {
	switch kind {
	case backend.EventAccountImported:
		return "imported"
	case backend.EventAccountConnected:
		return "connected"
	case backend.EventAccountReconnected:
		return "reconnected"
	case backend.EventAccountDeleted:
		return "deleted"
	case backend.EventAccountRefreshed:
		return "renewed automatically"
	case backend.EventAccountChecked:
		return "check passed"
	case backend.EventAccountCheckFailed:
		return "check not possible"
	case backend.EventChecksSummarized:
		return "checks passed"
	case "":
		return ""
	}
	return strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(kind, "account."), "client."), "_", " ")
}
