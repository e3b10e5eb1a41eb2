package backend

import "time"

// Event kinds. The history log is append-only; each change writes one.
const (
	EventClientCreated   = "client.created"
	EventClientRenamed   = "client.renamed"
	EventClientEdited    = "client.edited" // contact or notes
	EventClientDeleted   = "client.deleted"
	EventAccountImported = "account.imported"
	EventAccountRenamed  = "account.renamed"
	EventAccountMoved    = "account.moved"          // to another client
	EventTokenReplaced   = "account.token_replaced" // by hand, on an existing account
	EventAccountDeleted  = "account.deleted"
	// OAuth: a new account through the browser, a reconnect of an existing
	// one, a failed attempt, a revocation at the platform on delete.
	EventAccountConnected   = "account.connected"
	EventAccountReconnected = "account.reconnected"
	EventConnectFailed      = "account.connect_failed"
	EventAccountRevoked     = "account.revoked"
	EventCredentialsSet     = "provider.credentials_set"
	// Monitoring: a check's verdict (outcome ok, or failed with a reason), a
	// renewal without the user, a check that got no verdict (network, rate
	// limit, platform down), and something noticed while the token works
	// (permissions lost, a Page reachable again).
	EventAccountChecked     = "account.checked"
	EventAccountRefreshed   = "account.refreshed"
	EventAccountCheckFailed = "account.check_failed"
	EventAccountFinding     = "account.finding"
	// EventChecksSummarized stands for one account's routine successful
	// checks of one day, folded by retention.
	EventChecksSummarized = "account.checks_summarized"
	// Notifications: one sent (outcome ok or failed), one acted on (the user
	// clicked Reconnect or the body), an account snoozed or unsnoozed.
	EventNotificationSent  = "notification.sent"
	EventNotificationActed = "notification.acted"
	EventAccountSnoozed    = "account.snoozed"
)

// Event outcomes.
const (
	OutcomeOK     = "ok"
	OutcomeFailed = "failed"
	OutcomeInfo   = "info"
)

// Event is one entry of the history log. It names the client and account by
// id and by the names they had then, so it still reads well after they are
// renamed or deleted. It never holds a secret.
type Event struct {
	ID           int64          `json:"id"`
	Time         time.Time      `json:"time"`
	ClientID     string         `json:"client_id"`
	ClientName   string         `json:"client_name"`
	AccountID    string         `json:"account_id"`
	AccountLabel string         `json:"account_label"`
	Provider     string         `json:"provider"`
	Kind         string         `json:"kind"`
	Outcome      string         `json:"outcome"`
	Reason       string         `json:"reason"`
	Message      string         `json:"message"`
	Details      map[string]any `json:"details"`
}

// EventFilter selects history events, newest first. Zero fields match everything.
type EventFilter struct {
	ClientID  string
	AccountID string
	Provider  string
	Kind      string
	Outcome   string
	Since     *time.Time
	Until     *time.Time
	// Query matches the message, client name and account label.
	Query string
	// HideRoutine leaves out routine successful checks and their daily
	// summaries, which are most of the log (the activity view hides them
	// unless asked).
	HideRoutine bool
	// BeforeID pages backwards: only events with a smaller id.
	BeforeID int64
	Limit    int
}
