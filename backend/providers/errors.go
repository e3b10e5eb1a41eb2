package providers

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

// Details say which of a platform's failures a call met, finer than the
// reason codes (Facebook's 458 and 467 are both revoked): every
// PlatformError has one (DetailOf). They are not reason codes: each maps to
// one, in one place (backendReason, PlatformError.ReasonCode), and only
// that is recorded or shown; details decide this package's own wording and
// what needs a reconnect.
const (
	DetailInvalidToken    = "invalid_token"    // the token is not valid (revoked, malformed, expired without detail)
	DetailExpired         = "expired"          // the token's time ran out
	DetailPasswordChanged = "password_changed" // the owner changed the password (Facebook 460)
	DetailAppRemoved      = "app_removed"      // the owner removed the app (Facebook 458)
	DetailCheckpoint      = "checkpoint"       // the account is locked behind a security check (Facebook 459)
	DetailUnconfirmed     = "unconfirmed_user" // the account is not confirmed (Facebook 464)
	DetailLoggedOut       = "logged_out"       // the owner logged out or the session ended (Facebook 467)
	DetailRoleLost        = "role_lost"        // the login lost its role on the Page (Facebook 492)
	DetailPermission      = "permission_missing"
	DetailRateLimited     = "rate_limited"
	DetailAppConfig       = "app_config"   // the developer app or its credentials are refused
	DetailUnavailable     = "unavailable"  // network failure, timeout or server error
	DetailBadResponse     = "bad_response" // empty, HTML, non-JSON or oversized reply
	DetailTooSoon         = "too_soon"     // the platform will not renew the token yet (ErrTooSoon)
	DetailUnknown         = "unknown"
)

// PlatformError is a failed platform call: a user-facing *backend.Error
// (reached with errors.As), its Detail, the reason code (ReasonCode) and
// how long the platform asked to wait (RetryAfter).
type PlatformError struct {
	// Detail is which failure it was (DetailExpired, DetailAppRemoved, ...);
	// ReasonCode gives the reason code.
	Detail string
	// Status is the HTTP status, 0 when no response arrived.
	Status int
	Err    *backend.Error
	// RetryAfter is how long the platform asked to wait before the next
	// call (Retry-After, x-rate-limit-reset, Facebook's
	// estimated_time_to_regain_access); 0 when it did not say.
	RetryAfter time.Duration
	// code is the backend reason code when the call site knows better than
	// the default mapping of Detail (see ReasonCode).
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
	return backendReason(e.Detail, e.Status)
}

// as sets the backend reason code and returns e.
func (e *PlatformError) as(code string) *PlatformError {
	e.code = code
	return e
}

// backendReason maps a detail to its reason code: the one place it is done.
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
func backendReason(detail string, status int) string {
	switch detail {
	case DetailExpired:
		return backend.ReasonExpired
	case DetailPasswordChanged:
		return backend.ReasonPasswordChanged
	case DetailInvalidToken, DetailAppRemoved, DetailLoggedOut:
		return backend.ReasonRevoked
	case DetailCheckpoint, DetailUnconfirmed:
		return backend.ReasonCheckpoint
	case DetailRoleLost:
		return backend.ReasonPermissionLost
	case DetailPermission:
		return backend.ReasonScopeMissing
	case DetailRateLimited, DetailTooSoon:
		return backend.ReasonRateLimited
	case DetailAppConfig:
		return backend.ReasonAppMisconfigured
	case DetailUnavailable:
		if status == 0 {
			return backend.ReasonNetwork
		}
		return backend.ReasonProviderDown
	case DetailBadResponse:
		return backend.ReasonProviderDown
	}
	return backend.ReasonUnknown
}

// fromOAuth turns an error from backend/oauth into a *PlatformError with
// the same words and its reason code (oauth.Reason.Code, the one mapping).
func fromOAuth(err error) error {
	r := oauth.ReasonOf(err)
	var be *backend.Error
	if r == "" || !errors.As(err, &be) {
		return err
	}
	return (&PlatformError{Detail: string(r), Err: be}).as(r.Code())
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
	Detail: DetailTooSoon,
	Err: backend.Errorf(backend.EUNAVAILABLE, "This token is too new to renew: the platform renews tokens once they are at least 24 hours old.").
		WithHint("Nothing to do: it is renewed later."),
}

// NeedsReconnect says whether the account owner must connect again.
func (e *PlatformError) NeedsReconnect() bool {
	switch e.Detail {
	case DetailInvalidToken, DetailExpired, DetailPasswordChanged, DetailAppRemoved,
		DetailCheckpoint, DetailUnconfirmed, DetailLoggedOut, DetailRoleLost:
		return true
	}
	return false
}

// DetailOf returns the detailed Reason of a PlatformError in err's chain
// (DetailAppRemoved, DetailBadResponse, ...), or "".
func DetailOf(err error) string {
	var pe *PlatformError
	if errors.As(err, &pe) {
		return pe.Detail
	}
	return ""
}

const reconnectHint = "Connect the account again."

// codeFor is the backend error code that goes with a reason.
func codeFor(detail string) string {
	switch detail {
	case DetailRateLimited, DetailUnavailable, DetailBadResponse, DetailUnknown, DetailTooSoon:
		return backend.EUNAVAILABLE
	}
	return backend.EINVALID
}

func newPlatformError(detail string, status int, hint, format string, args ...any) *PlatformError {
	e := backend.Errorf(codeFor(detail), format, args...)
	if hint != "" {
		e = e.WithHint(hint)
	}
	return &PlatformError{Detail: detail, Status: status, Err: e}
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
		Message      string        `json:"message"`
		Type         string        `json:"type"`
		Code         oauth.FlexInt `json:"code"`
		Subcode      oauth.FlexInt `json:"error_subcode"`
		UserTitle    string        `json:"error_user_title"`
		UserMessage  string        `json:"error_user_msg"`
		FBTraceID    string        `json:"fbtrace_id"`
		IsTransient  bool          `json:"is_transient"`
		DebugSubcode oauth.FlexInt `json:"subcode"` // debug_token's data.error uses "subcode"
	} `json:"error"`
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
			return newPlatformError(DetailAppRemoved, status, "Ask the owner to connect the account again if they still want it managed.",
				"The account owner removed this app in their %s settings", name)
		case 459:
			return newPlatformError(DetailCheckpoint, status, "Ask the account owner to log in at "+site+" and follow the steps shown, then connect again.",
				"%s has locked the account until its owner logs in and passes a security check", name)
		case 460:
			return newPlatformError(DetailPasswordChanged, status, reconnectHint,
				"%s ended the connection because the account's password was changed", name)
		case 463:
			return newPlatformError(DetailExpired, status, reconnectHint, "The %s token has expired", name)
		case 464:
			return newPlatformError(DetailUnconfirmed, status, "Ask the account owner to confirm their email address or phone number, then connect again.",
				"The %s account is not confirmed yet", name)
		case 467:
			return newPlatformError(DetailLoggedOut, status, reconnectHint,
				"The %s token is no longer valid: the owner logged out or %s ended the session", name, name)
		case 492:
			// "User associated with the Page access token does not have an
			// appropriate role on the Page."
			return newPlatformError(DetailRoleLost, status, "Ask the client to give the login its role on the Page back, then connect again.",
				"The login no longer has a role on this %s Page", name)
		}
		if strings.Contains(lower, "log in to www.instagram.com") || strings.Contains(lower, "checkpoint") {
			return newPlatformError(DetailCheckpoint, status, "Ask the account owner to log in at "+site+" and follow the steps shown, then connect again.",
				"%s has locked the account until its owner logs in and passes a security check", name)
		}
		if strings.Contains(lower, "has expired") || strings.Contains(lower, "session has expired") {
			return newPlatformError(DetailExpired, status, reconnectHint, "The %s token has expired", name)
		}
		return newPlatformError(DetailInvalidToken, status, reconnectHint, "%s says the token is not valid", name)
	case code == 4 || code == 17 || code == 32 || code == 341 || code == 613 || (code >= 80001 && code <= 80099):
		return newPlatformError(DetailRateLimited, status, "Wait up to an hour and try again.",
			"%s is limiting requests from this app right now", name)
	case code == 10 || (code >= 200 && code <= 299):
		return newPlatformError(DetailPermission, status,
			"In the Meta app dashboard check that the app has Advanced Access to the permissions it asks for, then connect again and grant them all.",
			"%s says the app lacks a permission for this (error %d)", name, code)
	case code == 1 || code == 2 || transient:
		return newPlatformError(DetailUnavailable, status, "Try again in a few minutes.", "%s had a temporary problem", name)
	}
	return newPlatformError(DetailUnknown, status, "",
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
	if oauth.LooksLikeHTML(r.Body) && r.Status < 500 {
		return newPlatformError(DetailBadResponse, r.Status, "Check this provider's URLs; a proxy or captive portal may also be in the way.",
			"%s answered with a web page (HTTP %d) instead of data", name, r.Status)
	}
	code, msg, reason := parseErrorBody(r.Body)
	lc := strings.ToLower(code)
	switch {
	case reason == "client-not-enrolled":
		return newPlatformError(DetailAppConfig, r.Status, "In the developer portal attach the app to a Project with an access tier that includes this endpoint.",
			"%s says this app is not enrolled for this endpoint", name)
	case lc == "invalid_client" || lc == "unauthorized_client":
		return newPlatformError(DetailAppConfig, r.Status, "Check the client id and secret saved for this provider.",
			"%s", withDetail(name+" does not accept the app's client id or secret", msg))
	case lc == "invalid_grant" || lc == "invalid_token" || lc == "invalidauthenticationtoken" || lc == "unauthenticated" || r.Status == 401:
		return newPlatformError(DetailInvalidToken, r.Status, reconnectHint,
			"%s", withDetail(name+" says the token is no longer valid", msg))
	case r.Status == 429 || lc == "rate_limit_exceeded" || lc == "toomanyrequests":
		return newPlatformError(DetailRateLimited, r.Status, "Wait a few minutes and try again.",
			"%s is limiting requests from this app right now", name)
	case r.Status == 403 || lc == "insufficient_scope" || lc == "authorization_requestdenied" || lc == "permission_denied":
		return newPlatformError(DetailPermission, r.Status, "Connect again and grant every permission asked for, or check the app's access in the developer console.",
			"%s", withDetail(name+" refused the request: the app or token lacks a permission", msg))
	case r.Status >= 500:
		return newPlatformError(DetailUnavailable, r.Status, "Try again later.",
			"%s is having problems (HTTP %d)", name, r.Status)
	case r.Status == 404:
		return newPlatformError(DetailUnknown, r.Status, "Check this provider's URLs.",
			"%s", withDetail(fmt.Sprintf("%s has no such endpoint (HTTP 404)", name), msg))
	}
	return newPlatformError(DetailUnknown, r.Status, "",
		"%s", withDetail(fmt.Sprintf("%s answered with an error (HTTP %d)", name, r.Status), msg))
}

// oauthCodeError words an RFC 6749 error code found in a 2xx or 4xx reply.
func oauthCodeError(name string, status int, code, msg string) *PlatformError {
	r := &response{Status: status}
	if r.Status < 400 {
		r.Status = 400
	}
	b, _ := json.Marshal(map[string]string{"error": code, "error_description": msg})
	r.Body = b
	pe := statusError(name, r)
	pe.Status = status
	return pe
}
