package backend

import (
	"crypto/rand"
	"strings"
	"time"
)

// Status is an account's health as shown to the user. It is computed from
// metadata alone, so listing accounts never touches the keychain.
type Status string

const (
	StatusHealthy  Status = "healthy"  // works, and no action is due within the warning window
	StatusExpiring Status = "expiring" // the user must act within the warning window
	StatusExpired  Status = "expired"  // the token's expiry has passed
	StatusInvalid  Status = "invalid"  // the platform rejected the token
	StatusUnknown  Status = "unknown"  // no expiry is known
)

// DefaultWarningWindow is how long before a deadline an account counts as expiring.
const DefaultWarningWindow = 7 * 24 * time.Hour

// Account is one connected platform account, for example a client's Facebook
// Page. Its tokens live in the keychain, never here.
type Account struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	Provider string `json:"provider"`
	Label    string `json:"label"`
	// Kind is "" for a user's own login and "page" for a Facebook Page
	// reached through ParentID's login.
	Kind     string `json:"kind"`
	ParentID string `json:"parent_id"`
	// Identity is who the token belongs to, from the platform.
	Identity Identity `json:"identity"`
	// Scopes as the platform granted them.
	Scopes    []string   `json:"scopes"`
	ExpiresAt *time.Time `json:"expires_at"`
	// RefreshExpiresAt and DataAccessExpiresAt are deadlines beyond the
	// access token: the refresh token's end, Facebook's data access end.
	RefreshExpiresAt    *time.Time `json:"refresh_expires_at"`
	DataAccessExpiresAt *time.Time `json:"data_access_expires_at"`
	// ConnectedAt is the last time the user authorized through the browser.
	ConnectedAt *time.Time `json:"connected_at"`
	// LastCheckedAt is when the platform last answered a check (any verdict);
	// NextCheckAt when the monitor plans the next one; LastRefreshedAt when
	// the tokens were last renewed without the user.
	LastCheckedAt   *time.Time `json:"last_checked_at"`
	NextCheckAt     *time.Time `json:"next_check_at"`
	LastRefreshedAt *time.Time `json:"last_refreshed_at"`
	// CheckFailures counts checks in a row that got no verdict (network,
	// provider down, rate limit), for backoff; LastError says the latest.
	CheckFailures int    `json:"check_failures"`
	LastError     string `json:"last_error"`
	// CheckProblem is the reason code of the last check that reached the
	// platform and got no verdict (network, provider_down, rate_limited,
	// app_misconfigured); "" once one gets a verdict. Reason, by contrast,
	// says why the token is bad.
	CheckProblem string `json:"check_problem"`
	// Usage is the share of the API quota the token used at the last check.
	Usage map[string]string `json:"usage"`
	// HasRefreshToken says whether a refresh token is stored in the keychain.
	HasRefreshToken bool `json:"has_refresh_token"`
	// Invalid is set when the platform last said the token does not work;
	// Reason holds the reason code then.
	Invalid   bool      `json:"invalid"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// UnverifiedSince is when the platform last answered a check of the
// account, while the checks since got no verdict (CheckFailures); the
// account's creation when none ever did; nil when the last check got a
// verdict. status --json and the window's "not verified since" read it.
func (a *Account) UnverifiedSince() *time.Time {
	switch {
	case a.CheckFailures == 0:
		return nil
	case a.LastCheckedAt != nil:
		t := *a.LastCheckedAt
		return &t
	}
	t := a.CreatedAt
	return &t
}

// Renews reports whether the account's access token can be renewed without
// the user, given the provider's refresh method.
func (a *Account) Renews(p *Provider) bool {
	switch p.Refresh {
	case RefreshToken:
		return a.HasRefreshToken
	case RefreshFacebook, RefreshInstagram:
		// The exchange needs the app that issued the token: only logins made
		// through Tokenwarden qualify. Page tokens follow their login.
		return a.Kind == "" && a.ConnectedAt != nil
	}
	return false
}

// Status computes the account's status at now. It follows the reconnect-by
// date: an account that renews itself is healthy until the user will have to
// act within the warning window.
func (a *Account) Status(now time.Time, window time.Duration, renews bool, refreshAfterExpiry bool) Status {
	if a.Invalid {
		return StatusInvalid
	}
	if a.ExpiresAt != nil && !a.ExpiresAt.After(now) && !(renews && refreshAfterExpiry) {
		return StatusExpired
	}
	by := a.ReconnectBy(renews)
	switch {
	case by == nil && a.ExpiresAt == nil && !renews:
		return StatusUnknown
	case by == nil:
		return StatusHealthy
	case !by.After(now):
		return StatusExpired
	case by.Sub(now) <= window:
		return StatusExpiring
	}
	return StatusHealthy
}

// StatusChangesAt is the next moment after now at which Status would give
// another answer by time alone (the warning window opening, a deadline
// passing), or nil when time alone changes nothing. The window uses it to
// refresh an account exactly when its status moves on.
func (a *Account) StatusChangesAt(now time.Time, window time.Duration, renews bool, refreshAfterExpiry bool) *time.Time {
	if a.Invalid {
		return nil
	}
	var next *time.Time
	consider := func(t time.Time) {
		if t.After(now) && (next == nil || t.Before(*next)) {
			next = &t
		}
	}
	if a.ExpiresAt != nil && !(renews && refreshAfterExpiry) {
		consider(*a.ExpiresAt)
	}
	if by := a.ReconnectBy(renews); by != nil {
		consider(by.Add(-window))
		consider(*by)
	}
	return next
}

// AccountFilter selects accounts. Zero fields match everything.
type AccountFilter struct {
	ClientID string
	Provider string
	ParentID string
}

// Token is what the user hands over when importing an account by hand.
type Token struct {
	AccessToken  string
	RefreshToken string
	ExpiresAt    *time.Time
}

// MaxTokenLength bounds a pasted token; real tokens are far shorter.
const MaxTokenLength = 16 * 1024

// CleanToken checks a token string. what names it in the error.
func CleanToken(what, token string) (string, error) {
	token = strings.TrimSpace(token)
	switch {
	case token == "":
		return "", Errorf(EINVALID, "The %s is empty.", what).WithHint("Paste the token from the platform.")
	case len(token) > MaxTokenLength:
		return "", Errorf(EINVALID, "The %s is longer than %d bytes; this is not a token.", what, MaxTokenLength)
	case HasControlChars(token) || strings.ContainsAny(token, " \u00a0"):
		return "", Errorf(EINVALID, "The %s contains spaces or control characters.", what).WithHint("Copy the token again, without line breaks.")
	}
	return token, nil
}

// NewID returns a random identifier with a prefix, for example "acc_k3j9x2m4q8w1".
func NewID(prefix string) string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + "_" + string(b)
}

// ValidID reports whether id has the shape NewID gives with this prefix.
// Ids from outside (deep links, notifications, CLI) are checked with it.
func ValidID(prefix, id string) bool {
	rest, ok := strings.CutPrefix(id, prefix+"_")
	if !ok || len(rest) != 12 {
		return false
	}
	for _, r := range rest {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '9') {
			return false
		}
	}
	return true
}

// ReconnectBy is the earliest date on which no automatic renewal can save
// the account, so the user must log in again: the refresh token's end, the
// data access end, and the access token's expiry unless renews says the
// account renews itself (a refresh token, or an exchange the platform allows).
// Nil when no such date is known.
func (a *Account) ReconnectBy(renews bool) *time.Time {
	var by *time.Time
	consider := func(t *time.Time) {
		if t != nil && (by == nil || t.Before(*by)) {
			by = t
		}
	}
	if !renews {
		consider(a.ExpiresAt)
	}
	consider(a.RefreshExpiresAt)
	consider(a.DataAccessExpiresAt)
	return by
}
