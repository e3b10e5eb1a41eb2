package backend

// Reason codes say why a check or renewal failed. Each has one plain
// sentence and what to do; the UI, notifications and history use them.
const (
	ReasonExpired          = "expired"
	ReasonPasswordChanged  = "password_changed"
	ReasonRevoked          = "revoked"
	ReasonPermissionLost   = "permission_lost"
	ReasonScopeMissing     = "scope_missing"
	ReasonCheckpoint       = "checkpoint"
	ReasonRateLimited      = "rate_limited"
	ReasonAppMisconfigured = "app_misconfigured"
	ReasonNetwork          = "network"
	ReasonProviderDown     = "provider_down"
	ReasonUnknown          = "unknown"
)

// Diagnosis is a reason code in words.
type Diagnosis struct {
	Reason  string `json:"reason"`
	Problem string `json:"problem"` // what happened
	Action  string `json:"action"`  // what the user should do
}

var diagnoses = map[string]Diagnosis{
	ReasonExpired:          {ReasonExpired, "The token has expired.", "Reconnect the account to log in again."},
	ReasonPasswordChanged:  {ReasonPasswordChanged, "The account's password was changed, which ended the session.", "Ask the account owner to reconnect (log in with the new password)."},
	ReasonRevoked:          {ReasonRevoked, "Access was removed: the app was deauthorized or the login was revoked.", "Reconnect the account and allow access again."},
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

// Transient reports whether a reason says nothing about the token itself:
// such failures never mark a token invalid; the check is retried later.
func Transient(reason string) bool {
	return reason == ReasonRateLimited || reason == ReasonNetwork || reason == ReasonProviderDown
}
