package monitor

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// reason turns a checker error into a backend reason code.
func (m *Monitor) reason(err error) string {
	var r string
	if m.ReasonOf != nil {
		r = m.ReasonOf(err)
	}
	if r == "" {
		r = fallbackReason(err)
	}
	return normalize(r)
}

// retryAfter is the wait a platform asked for with this error, if any.
func (m *Monitor) retryAfter(err error) time.Duration {
	if m.RetryAfterOf != nil {
		return max(m.RetryAfterOf(err), 0)
	}
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return max(ra.RetryAfter(), 0)
	}
	return 0
}

// fallbackReason classifies an error when no ReasonOf is wired.
func fallbackReason(err error) string {
	var rc interface{ ReasonCode() string }
	if errors.As(err, &rc) && rc.ReasonCode() != "" {
		return rc.ReasonCode()
	}
	var ne net.Error
	var ue *url.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne), errors.As(err, &ue):
		return backend.ReasonNetwork
	case backend.ErrorCode(err) == backend.EUNAVAILABLE:
		return backend.ReasonProviderDown
	}
	return backend.ReasonUnknown
}

// aliases maps other reason words (the providers package's PlatformError
// reasons, raw OAuth error codes) to backend reason codes.
var aliases = map[string]string{
	"invalid_token":       backend.ReasonRevoked,
	"invalid_grant":       backend.ReasonRevoked,
	"app_removed":         backend.ReasonRevoked,
	"logged_out":          backend.ReasonRevoked,
	"unconfirmed_user":    backend.ReasonCheckpoint,
	"permission_missing":  backend.ReasonScopeMissing,
	"insufficient_scope":  backend.ReasonScopeMissing,
	"app_config":          backend.ReasonAppMisconfigured,
	"invalid_client":      backend.ReasonAppMisconfigured,
	"unauthorized_client": backend.ReasonAppMisconfigured,
	"unavailable":         backend.ReasonProviderDown,
	"bad_response":        backend.ReasonProviderDown,
	"timeout":             backend.ReasonNetwork,
}

// normalize returns one of the eleven backend reason codes.
func normalize(r string) string {
	r = strings.TrimSpace(strings.ToLower(r))
	if a, ok := aliases[r]; ok {
		return a
	}
	if backend.Diagnose(r).Reason == r {
		return r
	}
	return backend.ReasonUnknown
}

// isVerdict reports whether a reason carried by an error is still a
// statement about the token itself, so that it marks the account invalid.
// Other non-transient reasons (unknown, app_misconfigured, scope_missing on
// a call) leave the token's standing open.
func isVerdict(reason string) bool {
	switch reason {
	case backend.ReasonExpired, backend.ReasonPasswordChanged, backend.ReasonRevoked,
		backend.ReasonPermissionLost, backend.ReasonCheckpoint:
		return true
	}
	return false
}

// isGoogle recognises Google (and YouTube) accounts, whose developer apps
// can be left in "Testing" mode.
func isGoogle(p *backend.Provider) bool {
	return p.ID == "google" || p.ID == "youtube" ||
		strings.Contains(p.TokenURL, "googleapis.com") || strings.Contains(p.AuthURL, "accounts.google.com")
}

// testingModeSuspect: Google ends the refresh tokens of apps in "Testing"
// publishing status 7 days after consent. A renewal refused 6 to 8 days
// after the account was connected is most likely that, not the user.
func testingModeSuspect(a *backend.Account, p *backend.Provider, now time.Time) bool {
	if !isGoogle(p) || a.ConnectedAt == nil {
		return false
	}
	age := now.Sub(*a.ConnectedAt)
	return age >= 6*day && age <= 8*day
}

// redact hides secrets that might have slipped into a message.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 6 {
			s = strings.ReplaceAll(s, sec, "[hidden]")
		}
	}
	return s
}
