package providers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
	"unicode"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

// Reasons say why a platform call failed, in more detail than the eleven
// backend.Reason* codes: every PlatformError has one (DetailOf), and maps
// to one backend code (Reason, PlatformError.ReasonCode). Monitoring stores
// the backend code; these details are for logs and tests.
const (
	ReasonInvalidToken    = "invalid_token"    // the token is not valid (revoked, malformed, expired without detail)
	ReasonExpired         = "expired"          // the token's time ran out
	ReasonPasswordChanged = "password_changed" // the owner changed the password (Facebook 460)
	ReasonAppRemoved      = "app_removed"      // the owner removed the app (Facebook 458)
	ReasonCheckpoint      = "checkpoint"       // the account is locked behind a security check (Facebook 459)
	ReasonUnconfirmed     = "unconfirmed_user" // the account is not confirmed (Facebook 464)
	ReasonLoggedOut       = "logged_out"       // the owner logged out or the session ended (Facebook 467)
	ReasonRoleLost        = "role_lost"        // the login lost its role on the Page (Facebook 492)
	ReasonPermission      = "permission_missing"
	ReasonRateLimited     = "rate_limited"
	ReasonAppConfig       = "app_config"   // the developer app or its credentials are refused
	ReasonUnavailable     = "unavailable"  // network failure, timeout or server error
	ReasonBadResponse     = "bad_response" // empty, HTML, non-JSON or oversized reply
	ReasonTooSoon         = "too_soon"     // the platform will not renew the token yet (ErrTooSoon)
	ReasonUnknown         = "unknown"
)

// PlatformError is a failed platform call: a user-facing *backend.Error
// (reached with errors.As), a detailed Reason, the backend reason code
// (ReasonCode) and how long the platform asked to wait (RetryAfter).
type PlatformError struct {
	// Reason is this package's detailed reason (ReasonExpired,
	// ReasonAppRemoved, ...); ReasonCode gives the backend code.
	Reason string
	// Status is the HTTP status, 0 when no response arrived.
	Status int
	Err    *backend.Error
	// RetryAfter is how long the platform asked to wait before the next
	// call (Retry-After, x-rate-limit-reset, Facebook's
	// estimated_time_to_regain_access); 0 when it did not say.
	RetryAfter time.Duration
	// code is the backend reason code when the call site knows better than
	// the default mapping of Reason (see ReasonCode).
	code string
}

func (e *PlatformError) Error() string { return e.Err.Error() }
func (e *PlatformError) Unwrap() error { return e.Err }

// ReasonCode returns one of the eleven backend.Reason* codes. Other
// packages read it through interface{ ReasonCode() string }.
func (e *PlatformError) ReasonCode() string {
	if e.code != "" {
		return e.code
	}
	return backendReason(e.Reason, e.Status)
}

// as sets the backend reason code and returns e.
func (e *PlatformError) as(code string) *PlatformError {
	e.code = code
	return e
}

// backendReason maps a detailed reason to a backend reason code.
//
//   - invalid_token (refused without saying why) reads as revoked; call
//     sites that know the token is short-lived say expired instead
//     (refusalCode).
//   - Facebook 458 (app removed) and 467 (logged out / session ended) are
//     revoked: access ended by an act, not by time, and the fix is a new
//     login. 464 (unconfirmed user) is a checkpoint: the owner must confirm
//     something on the platform first.
//   - unavailable is network without a reply (also timeouts and
//     cancellation) and provider_down with one (5xx, Graph codes 1 and 2).
//   - bad_response (empty, HTML, non-JSON, oversized or incomplete reply)
//     is provider_down: the reply says nothing about the token, so it must
//     never mark one invalid, and it is retried like a server error. A
//     wrong URL in providers.yaml shows the same way; its message says to
//     check the URLs.
func backendReason(reason string, status int) string {
	switch reason {
	case ReasonExpired:
		return backend.ReasonExpired
	case ReasonPasswordChanged:
		return backend.ReasonPasswordChanged
	case ReasonInvalidToken, ReasonAppRemoved, ReasonLoggedOut:
		return backend.ReasonRevoked
	case ReasonCheckpoint, ReasonUnconfirmed:
		return backend.ReasonCheckpoint
	case ReasonRoleLost:
		return backend.ReasonPermissionLost
	case ReasonPermission:
		return backend.ReasonScopeMissing
	case ReasonRateLimited, ReasonTooSoon:
		return backend.ReasonRateLimited
	case ReasonAppConfig:
		return backend.ReasonAppMisconfigured
	case ReasonUnavailable:
		if status == 0 {
			return backend.ReasonNetwork
		}
		return backend.ReasonProviderDown
	case ReasonBadResponse:
		return backend.ReasonProviderDown
	}
	return backend.ReasonUnknown
}

// backendCodes are the eleven reason codes.
var backendCodes = map[string]bool{
	backend.ReasonExpired: true, backend.ReasonPasswordChanged: true, backend.ReasonRevoked: true,
	backend.ReasonPermissionLost: true, backend.ReasonScopeMissing: true, backend.ReasonCheckpoint: true,
	backend.ReasonRateLimited: true, backend.ReasonAppMisconfigured: true, backend.ReasonNetwork: true,
	backend.ReasonProviderDown: true, backend.ReasonUnknown: true,
}

// Reason returns the backend reason code (one of the eleven
// backend.Reason* codes) of any error: a *PlatformError's ReasonCode, an
// error from backend/oauth mapped to the nearest code, network and context
// errors as network, any other error with a ReasonCode() method that gives
// a backend code, and unknown for the rest. It returns "" for nil.
//
// backend.ErrNoRefresh is not a failure and reads as unknown: test for it
// with errors.Is first. ErrTooSoon reads as rate_limited, so a caller that
// only looks at the code waits and tries again instead of marking the token
// invalid.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var pe *PlatformError
	if errors.As(err, &pe) {
		return pe.ReasonCode()
	}
	if r := oauth.ReasonOf(err); r != "" {
		return oauthReason(r)
	}
	var rc interface{ ReasonCode() string }
	if errors.As(err, &rc) && backendCodes[rc.ReasonCode()] {
		return rc.ReasonCode()
	}
	var ne net.Error
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) {
		return backend.ReasonNetwork
	}
	return backend.ReasonUnknown
}

// oauthReason maps a backend/oauth reason to a backend reason code.
func oauthReason(r oauth.Reason) string {
	switch r {
	case oauth.ReasonNetwork, oauth.ReasonTimeout, oauth.ReasonCancelled:
		return backend.ReasonNetwork
	case oauth.ReasonServerError, oauth.ReasonMalformedResponse:
		return backend.ReasonProviderDown
	case oauth.ReasonInvalidClient, oauth.ReasonConfig, oauth.ReasonDiscovery, oauth.ReasonRedirectURIMismatch:
		return backend.ReasonAppMisconfigured
	case oauth.ReasonInvalidGrant, oauth.ReasonInvalidToken:
		return backend.ReasonRevoked
	case oauth.ReasonInvalidScope:
		return backend.ReasonScopeMissing
	}
	return backend.ReasonUnknown
}

// fromOAuth turns an error from backend/oauth into a *PlatformError with
// the same words and the mapped reason code.
func fromOAuth(err error) error {
	r := oauth.ReasonOf(err)
	var be *backend.Error
	if r == "" || !errors.As(err, &be) {
		return err
	}
	return (&PlatformError{Reason: string(r), Err: be}).as(oauthReason(r))
}

// RetryAfter returns how long the platform asked to wait before trying
// again, from a *PlatformError in err's chain: the Retry-After header (in
// seconds or as an HTTP date), X's x-rate-limit-reset, or Facebook's
// estimated_time_to_regain_access. It is 0 when the platform did not say,
// and at most 24 hours.
func RetryAfter(err error) time.Duration {
	var pe *PlatformError
	if errors.As(err, &pe) {
		return pe.RetryAfter
	}
	return 0
}

// ErrTooSoon is returned by Refresh for an Instagram token that the
// platform will not renew yet because it is less than 24 hours old. It is
// not a failure: the token still works; skip it and renew later (see
// MinRefreshAge). It is comparable with == and errors.Is; its reason code
// is rate_limited so that callers that only read Reason never count it
// against the token.
var ErrTooSoon = &PlatformError{
	Reason: ReasonTooSoon,
	Err: backend.Errorf(backend.EUNAVAILABLE, "This token is too new to renew: the platform renews tokens once they are at least 24 hours old.").
		WithHint("Nothing to do: it is renewed later."),
}

// NeedsReconnect says whether the account owner must connect again.
func (e *PlatformError) NeedsReconnect() bool {
	switch e.Reason {
	case ReasonInvalidToken, ReasonExpired, ReasonPasswordChanged, ReasonAppRemoved,
		ReasonCheckpoint, ReasonUnconfirmed, ReasonLoggedOut, ReasonRoleLost:
		return true
	}
	return false
}

// ReasonOf is Reason under the name backend.Checker's documentation uses:
// the backend reason code of any error, "" for nil.
func ReasonOf(err error) string { return Reason(err) }

// DetailOf returns the detailed Reason of a PlatformError in err's chain
// (ReasonAppRemoved, ReasonBadResponse, ...), or "".
func DetailOf(err error) string {
	var pe *PlatformError
	if errors.As(err, &pe) {
		return pe.Reason
	}
	return ""
}

const reconnectHint = "Connect the account again."

// codeFor is the backend error code that goes with a reason.
func codeFor(reason string) string {
	switch reason {
	case ReasonRateLimited, ReasonUnavailable, ReasonBadResponse, ReasonUnknown, ReasonTooSoon:
		return backend.EUNAVAILABLE
	}
	return backend.EINVALID
}

func newPlatformError(reason string, status int, hint, format string, args ...any) *PlatformError {
	e := backend.Errorf(codeFor(reason), format, args...)
	if hint != "" {
		e = e.WithHint(hint)
	}
	return &PlatformError{Reason: reason, Status: status, Err: e}
}

// quote shows a platform's own message: one line, at most 160 characters.
// Callers redact secrets from the final error.
func quote(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:160]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// withDetail appends the platform's words to a sentence.
func withDetail(sentence, detail string) string {
	if detail == "" {
		return sentence + "."
	}
	return sentence + ": " + quote(detail) + "."
}

// ---- Meta Graph API (Facebook and Instagram) ----

type graphErrorBody struct {
	Error *struct {
		Message      string  `json:"message"`
		Type         string  `json:"type"`
		Code         flexInt `json:"code"`
		Subcode      flexInt `json:"error_subcode"`
		UserTitle    string  `json:"error_user_title"`
		UserMessage  string  `json:"error_user_msg"`
		FBTraceID    string  `json:"fbtrace_id"`
		IsTransient  bool    `json:"is_transient"`
		DebugSubcode flexInt `json:"subcode"` // debug_token's data.error uses "subcode"
	} `json:"error"`
}

// FacebookError maps a Graph API error body, such as
// {"error":{"message":"…","type":"OAuthException","code":190,"error_subcode":460}},
// to plain words and a Reason. It returns nil and "" when body holds no
// Graph error.
func FacebookError(body []byte) (*backend.Error, string) {
	if pe := graphError("Facebook", "facebook.com", 0, body); pe != nil {
		return pe.Err, pe.Reason
	}
	return nil, ""
}

// InstagramError is FacebookError for the Instagram Graph API, which uses
// the same error shape and codes.
func InstagramError(body []byte) (*backend.Error, string) {
	if pe := graphError("Instagram", "instagram.com", 0, body); pe != nil {
		return pe.Err, pe.Reason
	}
	return nil, ""
}

// graphError maps a Graph error body; site is where the owner logs in.
func graphError(name, site string, status int, body []byte) *PlatformError {
	var b graphErrorBody
	if json.Unmarshal(body, &b) != nil || b.Error == nil {
		return nil
	}
	e := b.Error
	sub := int(e.Subcode)
	if sub == 0 {
		sub = int(e.DebugSubcode)
	}
	return graphCodeError(name, site, status, int(e.Code), sub, e.Message, e.IsTransient)
}

// graphCodeError words a Graph error code and subcode.
// Codes: developers.facebook.com/docs/graph-api/guides/error-handling.
func graphCodeError(name, site string, status, code, sub int, msg string, transient bool) *PlatformError {
	lower := strings.ToLower(msg)
	switch {
	case code == 190 || code == 102:
		switch sub {
		case 458:
			return newPlatformError(ReasonAppRemoved, status, "Ask the owner to connect the account again if they still want it managed.",
				"The account owner removed this app in their %s settings", name)
		case 459:
			return newPlatformError(ReasonCheckpoint, status, "Ask the account owner to log in at "+site+" and follow the steps shown, then connect again.",
				"%s has locked the account until its owner logs in and passes a security check", name)
		case 460:
			return newPlatformError(ReasonPasswordChanged, status, reconnectHint,
				"%s ended the connection because the account's password was changed", name)
		case 463:
			return newPlatformError(ReasonExpired, status, reconnectHint, "The %s token has expired", name)
		case 464:
			return newPlatformError(ReasonUnconfirmed, status, "Ask the account owner to confirm their email address or phone number, then connect again.",
				"The %s account is not confirmed yet", name)
		case 467:
			return newPlatformError(ReasonLoggedOut, status, reconnectHint,
				"The %s token is no longer valid: the owner logged out or %s ended the session", name, name)
		case 492:
			// "User associated with the Page access token does not have an
			// appropriate role on the Page."
			return newPlatformError(ReasonRoleLost, status, "Ask the client to give the login its role on the Page back, then connect again.",
				"The login no longer has a role on this %s Page", name)
		}
		if strings.Contains(lower, "log in to www.instagram.com") || strings.Contains(lower, "checkpoint") {
			return newPlatformError(ReasonCheckpoint, status, "Ask the account owner to log in at "+site+" and follow the steps shown, then connect again.",
				"%s has locked the account until its owner logs in and passes a security check", name)
		}
		if strings.Contains(lower, "has expired") || strings.Contains(lower, "session has expired") {
			return newPlatformError(ReasonExpired, status, reconnectHint, "The %s token has expired", name)
		}
		return newPlatformError(ReasonInvalidToken, status, reconnectHint, "%s says the token is not valid", name)
	case code == 4 || code == 17 || code == 32 || code == 341 || code == 613 || (code >= 80001 && code <= 80099):
		return newPlatformError(ReasonRateLimited, status, "Wait up to an hour and try again.",
			"%s is limiting requests from this app right now", name)
	case code == 10 || (code >= 200 && code <= 299):
		return newPlatformError(ReasonPermission, status,
			"In the Meta app dashboard check that the app has Advanced Access to the permissions it asks for, then connect again and grant them all.",
			"%s says the app lacks a permission for this (error %d)", name, code)
	case code == 1 || code == 2 || transient:
		return newPlatformError(ReasonUnavailable, status, "Try again in a few minutes.", "%s had a temporary problem", name)
	}
	return newPlatformError(ReasonUnknown, status, "",
		"%s", withDetail(fmt.Sprintf("%s answered with error %d", name, code), msg))
}

// ---- OAuth, OpenID and REST errors ----

// errorBody gathers the shapes platforms use for errors: RFC 6749
// {"error","error_description"}, Microsoft Graph and Google
// {"error":{"code","message"}}, X {"title","detail","reason"} and
// {"errors":[{"message"}]}, Pinterest and LinkedIn {"code"|"serviceErrorCode","message"}.
type errorBody struct {
	Error       json.RawMessage `json:"error"`
	Description string          `json:"error_description"`
	Message     string          `json:"message"`
	Title       string          `json:"title"`
	Detail      string          `json:"detail"`
	Reason      string          `json:"reason"`
	Errors      []struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
	} `json:"errors"`
}

type errorObject struct {
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
	Status  string          `json:"status"`
}

// parseErrorBody returns the error code (as text) and the platform's
// message from a JSON error body, when there is one.
func parseErrorBody(body []byte) (code, msg, reason string) {
	var b errorBody
	if json.Unmarshal(body, &b) != nil {
		return "", "", ""
	}
	var s string
	var o errorObject
	switch {
	case len(b.Error) == 0:
	case json.Unmarshal(b.Error, &s) == nil:
		code = s
	case json.Unmarshal(b.Error, &o) == nil:
		if json.Unmarshal(o.Code, &s) == nil {
			code = s
		} else if len(o.Code) > 0 {
			code = string(o.Code)
		}
		if o.Status != "" && code == "" {
			code = o.Status
		}
		msg = o.Message
	}
	for _, m := range []string{b.Description, msg, b.Detail, b.Message, b.Title} {
		if m != "" {
			msg = m
			break
		}
	}
	if msg == "" && len(b.Errors) > 0 {
		msg = b.Errors[0].Message
		if msg == "" {
			msg = b.Errors[0].Detail
		}
	}
	return code, msg, b.Reason
}

// statusError words a failed HTTP reply from an OAuth, OpenID or REST
// endpoint.
func statusError(name string, r *response) *PlatformError {
	if isHTML(r.body) && r.status < 500 {
		return newPlatformError(ReasonBadResponse, r.status, "Check this provider's URLs; a proxy or captive portal may also be in the way.",
			"%s answered with a web page (HTTP %d) instead of data", name, r.status)
	}
	code, msg, reason := parseErrorBody(r.body)
	lc := strings.ToLower(code)
	switch {
	case reason == "client-not-enrolled":
		return newPlatformError(ReasonAppConfig, r.status, "In the developer portal attach the app to a Project with an access tier that includes this endpoint.",
			"%s says this app is not enrolled for this endpoint", name)
	case lc == "invalid_client" || lc == "unauthorized_client":
		return newPlatformError(ReasonAppConfig, r.status, "Check the client id and secret saved for this provider.",
			"%s", withDetail(name+" does not accept the app's client id or secret", msg))
	case lc == "invalid_grant" || lc == "invalid_token" || lc == "invalidauthenticationtoken" || lc == "unauthenticated" || r.status == 401:
		return newPlatformError(ReasonInvalidToken, r.status, reconnectHint,
			"%s", withDetail(name+" says the token is no longer valid", msg))
	case r.status == 429 || lc == "rate_limit_exceeded" || lc == "toomanyrequests":
		return newPlatformError(ReasonRateLimited, r.status, "Wait a few minutes and try again.",
			"%s is limiting requests from this app right now", name)
	case r.status == 403 || lc == "insufficient_scope" || lc == "authorization_requestdenied" || lc == "permission_denied":
		return newPlatformError(ReasonPermission, r.status, "Connect again and grant every permission asked for, or check the app's access in the developer console.",
			"%s", withDetail(name+" refused the request: the app or token lacks a permission", msg))
	case r.status >= 500:
		return newPlatformError(ReasonUnavailable, r.status, "Try again later.",
			"%s is having problems (HTTP %d)", name, r.status)
	case r.status == 404:
		return newPlatformError(ReasonUnknown, r.status, "Check this provider's URLs.",
			"%s", withDetail(fmt.Sprintf("%s has no such endpoint (HTTP 404)", name), msg))
	}
	return newPlatformError(ReasonUnknown, r.status, "",
		"%s", withDetail(fmt.Sprintf("%s answered with an error (HTTP %d)", name, r.status), msg))
}

// oauthCodeError words an RFC 6749 error code found in a 2xx or 4xx reply.
func oauthCodeError(name string, status int, code, msg string) *PlatformError {
	r := &response{status: status}
	if r.status < 400 {
		r.status = 400
	}
	b, _ := json.Marshal(map[string]string{"error": code, "error_description": msg})
	r.body = b
	pe := statusError(name, r)
	pe.Status = status
	return pe
}
