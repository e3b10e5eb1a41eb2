package backend

import (
	"context"
	"errors"
	"net"
)

// Reason codes say why a check, a renewal or a connection failed: the one
// vocabulary every package records and the UI, notifications and history
// explain. Each has one plain sentence and what to do (Diagnose). IsVerdict
// and Transient say what a reason means for the token. Errors carry theirs
// with a ReasonCode() string method (ReasonOf).
const (
	ReasonExpired         = "expired"
	ReasonPasswordChanged = "password_changed"
	ReasonRevoked         = "revoked"
	// ReasonRenewalInterrupted: the platform refused the refresh token of
	// a renewal the journal says was cut off before its answer was stored
	// (under strict rotation, the answer had retired the token).
	ReasonRenewalInterrupted = "renewal_interrupted"
	ReasonPermissionLost     = "permission_lost"
	ReasonScopeMissing       = "scope_missing"
	ReasonCheckpoint         = "checkpoint"
	ReasonRateLimited        = "rate_limited"
	ReasonAppMisconfigured   = "app_misconfigured"
	ReasonNetwork            = "network"
	ReasonProviderDown       = "provider_down"
	ReasonUnknown            = "unknown"
)

// Diagnosis is a reason code in words.
type Diagnosis struct {
	Reason  string `json:"reason"`
	Problem string `json:"problem"` // what happened
	Action  string `json:"action"`  // what the user should do
}

var diagnoses = map[string]Diagnosis{
	ReasonExpired:         {ReasonExpired, "The token has expired.", "Reconnect the account to log in again."},
	ReasonPasswordChanged: {ReasonPasswordChanged, "The account's password was changed, which ended the session.", "Ask the account owner to reconnect (log in with the new password)."},
	ReasonRevoked:         {ReasonRevoked, "Access was removed: the app was deauthorized or the login was revoked.", "Reconnect the account and allow access again."},
	ReasonRenewalInterrupted: {ReasonRenewalInterrupted, "The last renewal was interrupted before its new token was saved, so the platform no longer accepts the old one.",
		"Reconnect the account once to log in again."},
	ReasonPermissionLost:   {ReasonPermissionLost, "The login lost access to this account (an admin role or Page access was removed).", "Ask the client to give the login its role back, then reconnect."},
	ReasonScopeMissing:     {ReasonScopeMissing, "A permission the account needs is no longer granted.", "Reconnect and tick every permission in the platform's dialog."},
	ReasonCheckpoint:       {ReasonCheckpoint, "The platform wants the account owner to log in and confirm something, or flagged the account.", "Ask the owner to log in on the platform's website, clear the notice, then reconnect."},
	ReasonRateLimited:      {ReasonRateLimited, "The platform is limiting requests right now.", "Nothing to do: Tokenwarden will check again later."},
	ReasonAppMisconfigured: {ReasonAppMisconfigured, "Your developer app is set up in a way that stops tokens from lasting.", "Fix the app's settings (for Google, publish the app out of Testing mode), then reconnect."},
	ReasonNetwork:          {ReasonNetwork, "The platform could not be reached (offline, DNS, TLS or timeout).", "Nothing to do: Tokenwarden retries when the network is back."},
	ReasonProviderDown:     {ReasonProviderDown, "The platform is having trouble (server error).", "Nothing to do: Tokenwarden will check again later."},
	ReasonUnknown:          {ReasonUnknown, "The platform refused the token for a reason it did not explain.", "Reconnect the account; if that fails, check the developer app."},
}

// Diagnose returns the words for a reason code; an unknown code reads as
// ReasonUnknown.
func Diagnose(reason string) Diagnosis {
	if d, ok := diagnoses[reason]; ok {
		return d
	}
	return diagnoses[ReasonUnknown]
}

// IsReason reports whether s is one of the reason codes.
func IsReason(s string) bool {
	_, ok := diagnoses[s]
	return ok
}

// Transient reports whether a reason says nothing about the token itself:
// such failures never mark a token invalid; the check is retried later.
func Transient(reason string) bool {
	return reason == ReasonRateLimited || reason == ReasonNetwork || reason == ReasonProviderDown
}

// IsVerdict reports whether a failure with this reason is the platform's
// verdict on the token, so that it marks the account invalid: the token is
// expired, revoked, cut off by a password change, an interrupted renewal, a
// lost role or a security check, or refused for lacking a permission the account needs. Each is
// fixed by a reconnect. The rest are not about the token: transient ones
// (Transient), the developer app's set-up (app_misconfigured) and refusals
// the platform did not explain (unknown) leave its standing open.
//
// A permission found missing from a token the platform accepted is not a
// failure at all: it is a finding on a valid token (scope drift).
func IsVerdict(reason string) bool {
	switch reason {
	case ReasonExpired, ReasonPasswordChanged, ReasonRevoked, ReasonRenewalInterrupted, ReasonPermissionLost, ReasonScopeMissing, ReasonCheckpoint:
		return true
	}
	return false
}

// ReasonOf returns the reason code of err: the ReasonCode() of the first
// error in its chain that has one and names a reason code (the platforms'
// and the OAuth flow's errors do), network for context and network errors,
// provider_down for any other EUNAVAILABLE error, unknown for the rest, and
// "" for nil.
//
// ErrNoRefresh is not a failure and reads as unknown: test for it with
// errors.Is first.
func ReasonOf(err error) string {
	if err == nil {
		return ""
	}
	var rc interface{ ReasonCode() string }
	if errors.As(err, &rc) && IsReason(rc.ReasonCode()) {
		return rc.ReasonCode()
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne):
		return ReasonNetwork
	case ErrorCode(err) == EUNAVAILABLE:
		return ReasonProviderDown
	}
	return ReasonUnknown
}
