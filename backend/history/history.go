// Package history answers questions about the past of a freelancer's
// accounts from the append-only history log: when an account broke, why,
// for how long, and what was done about it. It reconstructs each account's
// status over time (Timeline), computes uptime and incidents per client
// (Health), exports events and deadlines (CSV, JSON, iCalendar, an HTML
// report), and folds routine successful checks into daily summaries
// (Retention).
//
// Everything here reads events and account metadata only. Neither ever
// holds a secret, so no export can leak one.
package history

import (
	"github.com/tokenwarden/tokenwarden/backend"
)

// The status logic here works on the monitoring events of backend/event.go:
//
//   - EventAccountChecked: the verdict of a periodic check of the token at
//     the platform. Outcome "ok" means it works (details may hold expires_at
//     and data_access_expires_at as the platform reported them); outcome
//     "failed" means the platform refused it, Reason says why.
//   - EventAccountCheckFailed: a check or renewal that got no verdict
//     (network, rate limit, platform down); Reason says why. It never
//     changes status.
//   - EventAccountRefreshed: a token renewal. Outcome "ok" with details
//     expires_at, refresh_expires_at, data_access_expires_at,
//     has_refresh_token (as the import and connect events carry them) sets
//     the next deadlines; outcome "failed" means the platform refused to
//     renew: the account is broken.
//   - EventChecksSummarized: written by retention only; it replaces the
//     routine successful checks of one account on one UTC day, with the id
//     and time of the last of them. Details: count (number), first and last
//     (RFC 3339 times), deadlines (the deadline fields the last check
//     reported: expires_at, data_access_expires_at, refresh_expires_at,
//     has_refresh_token, those it had).

// Reason codes of history's own, beside backend's Reason* codes.
const (
	ReasonExpired        = backend.ReasonExpired        // a known deadline passed with no renewal
	ReasonPermissionLost = backend.ReasonPermissionLost // e.g. a Page not granted again on reconnect
	ReasonReconnect      = "reconnect_failed"           // a failed reconnect that gave no reason
)

// IsTransient reports whether a failure with this reason says nothing about
// the token, so that it leaves the account's status as it was:
// backend.Transient (network, rate_limited, provider_down), plus the
// providers package's "unavailable" and "bad_response" that older events
// may carry.
func IsTransient(reason string) bool {
	return backend.Transient(reason) || reason == "unavailable" || reason == "bad_response" || reason == "timeout"
}
