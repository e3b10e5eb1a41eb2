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
	"context"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Event kinds written by account monitoring (backend/monitor defines the
// same strings; they belong in backend/event.go). The status logic here
// works on these strings:
//
//   - KindChecked: the verdict of a periodic check of the token at the
//     platform. Outcome "ok" means it works (details may hold expires_at and
//     data_access_expires_at as the platform reported them); outcome
//     "failed" means the platform refused it, Reason says why.
//   - KindCheckFailed: a check or renewal that got no verdict (network,
//     rate limit, platform down); Reason says why. It never changes status.
//   - KindRefreshed: a token renewal. Outcome "ok" with details expires_at,
//     refresh_expires_at, data_access_expires_at, has_refresh_token (as the
//     import and connect events carry them) sets the next deadlines; outcome
//     "failed" means the platform refused to renew: the account is broken.
//   - KindChecksSummarized: written by retention only; it replaces the
//     routine successful checks of one account on one UTC day, with the id
//     and time of the last of them. Details: count (number), first and last
//     (RFC 3339 times), deadlines (the deadline fields the last check
//     reported: expires_at, data_access_expires_at, refresh_expires_at,
//     has_refresh_token, those it had).
const (
	KindChecked          = "account.checked"
	KindCheckFailed      = "account.check_failed"
	KindRefreshed        = "account.refreshed"
	KindChecksSummarized = "account.checks_summarized"
)

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

// Tx is a transaction on a store that can also answer the history queries
// which the generic backend.Tx lacks. *sqlite.Tx implements it.
type Tx interface {
	backend.Tx
	// StateEvents returns the events that can change an account's status
	// (everything except successful routine checks and their summaries),
	// oldest first by (time, id), for the accounts of f.
	StateEvents(f StateFilter) ([]*backend.Event, error)
	// NextOKChecks returns, for each point, the first successful check
	// (KindChecked, outcome ok) of that account after the point in (time,
	// id) order, or nil when there is none.
	NextOKChecks(points []Point) ([]*backend.Event, error)
	// PrevOKChecks returns, for each point, the latest successful check (or
	// daily summary of such checks) of that account strictly before the
	// point's time, or nil.
	PrevOKChecks(points []Point) ([]*backend.Event, error)
	// ClientAccountIDs returns the ids of every account that was ever
	// created under the client (from its history), deleted ones included.
	ClientAccountIDs(clientID string) ([]string, error)
	// FoldChecks replaces every successful routine check before cutoff,
	// except those in keep, with one KindChecksSummarized event per account
	// and UTC day, merging into a summary already there. Write transactions only.
	FoldChecks(cutoff time.Time, keep map[int64]bool) (FoldStats, error)
}

// Store is a backend.Store with history transactions. *sqlite.DB implements it.
type Store interface {
	ViewHistory(ctx context.Context, fn func(Tx) error) error
	UpdateHistory(ctx context.Context, fn func(Tx) error) error
}

// StateFilter selects the accounts whose status events StateEvents returns.
// At least one of AccountIDs or All must be set.
type StateFilter struct {
	AccountIDs []string
	// All selects every account (retention).
	All bool
	// Before, when not zero, leaves out events at or after it.
	Before time.Time
}

// Point is a moment in one account's history: an event's time and id (id 0
// for a moment between events).
type Point struct {
	AccountID string
	Time      time.Time
	ID        int64
}

// FoldStats says what one retention run did.
type FoldStats struct {
	Folded    int `json:"folded"`    // successful checks removed
	Summaries int `json:"summaries"` // summary events written (new or merged into)
	Kept      int `json:"kept"`      // successful checks kept because they ended an incident
}
