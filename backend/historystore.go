package backend

import (
	"context"
	"time"
)

// HistoryTx is a transaction on a store that can also answer the history
// queries which the generic Tx lacks. *sqlite.Tx implements it.
type HistoryTx interface {
	Tx
	// StateEvents returns the events that can change an account's status
	// (everything except successful routine checks and their summaries),
	// oldest first by (time, id), for the accounts of f.
	StateEvents(f StateFilter) ([]*Event, error)
	// NextOKChecks returns, for each point, the first successful check
	// (EventAccountChecked, outcome ok) of that account after the point in (time,
	// id) order, or nil when there is none.
	NextOKChecks(points []HistoryPoint) ([]*Event, error)
	// PrevOKChecks returns, for each point, the latest successful check (or
	// daily summary of such checks) of that account strictly before the
	// point's time, or nil.
	PrevOKChecks(points []HistoryPoint) ([]*Event, error)
	// ClientAccountIDs returns the ids of every account that was ever
	// created under the client (from its history), deleted ones included.
	ClientAccountIDs(clientID string) ([]string, error)
	// FoldAccounts returns the ids of the accounts with successful routine
	// checks before cutoff that are past retention's watermark (later than
	// the last cutoff folded to, or added since that fold): those FoldChecks
	// would replace. None means nothing is due.
	FoldAccounts(cutoff time.Time) ([]string, error)
	// FoldChecks replaces every successful routine check before cutoff past
	// the watermark, except those in keep, with one EventChecksSummarized event
	// per account and UTC day, merging into a summary already there, and
	// moves the watermark to cutoff in the same transaction. Write
	// transactions only.
	FoldChecks(cutoff time.Time, keep map[int64]bool) (FoldStats, error)
}

// HistoryStore is a Store with history transactions. *sqlite.DB implements it.
type HistoryStore interface {
	HistoryView(ctx context.Context, fn func(HistoryTx) error) error
	HistoryUpdate(ctx context.Context, fn func(HistoryTx) error) error
	// Compact gives the space a fold freed back to the file system and
	// refreshes the query planner's statistics.
	Compact(ctx context.Context) (CompactStats, error)
}

// CompactStats says what Compact did, in bytes.
type CompactStats struct {
	SizeBefore int64 `json:"size_before"` // database file before
	FreeBefore int64 `json:"free_before"` // unused pages in it
	SizeAfter  int64 `json:"size_after"`  // database file after
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

// HistoryPoint is a moment in one account's history: an event's time and id (id 0
// for a moment between events).
type HistoryPoint struct {
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
