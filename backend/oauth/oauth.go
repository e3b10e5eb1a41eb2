// Package oauth is the protocol: it connects accounts through OAuth 2.0 and
// OpenID Connect the way a native app should (RFC 8252): the authorization
// request opens in the system browser, the answer comes back to a one-shot
// listener on 127.0.0.1, and the code is exchanged with PKCE (RFC 7636). It
// discovers endpoints (OpenID Connect Discovery, RFC 8414; one cache) and
// verifies ID tokens against the issuer's keys. It holds what every call to
// a provider shares, for backend/providers too: the one HTTP client and
// Send (timeouts, body limit, no redirect to another host or to http), the
// one Redactor, the client-authentication rule (BasicAuth) and the HTML
// check.
//
// Every error Authorize and Discover return is a *FlowError: a
// *backend.Error whose Message and Hint are safe to show, plus a Reason
// the UI can switch on and its backend reason code. No error and no
// browser page ever contains a token, an authorization code, a PKCE
// verifier or a client secret.
package oauth

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Reason says why a flow or a call failed, in the words of the protocol
// (RFC 6749 error codes and the steps of the flow), for the UI to choose
// what to offer without parsing text. Code maps each to the one reason
// vocabulary (backend.Reason*) that history and monitoring record.
type Reason string

// Reasons. The first group comes from the authorization flow itself; the
// second from the endpoints and from the set-up around it.
const (
	ReasonStateMismatch       Reason = "state_mismatch"        // the answer does not belong to this attempt
	ReasonAccessDenied        Reason = "access_denied"         // the user declined in the browser
	ReasonInvalidScope        Reason = "invalid_scope"         // the provider refused a requested permission
	ReasonRedirectURIMismatch Reason = "redirect_uri_mismatch" // the redirect URI is not registered
	ReasonInvalidClient       Reason = "invalid_client"        // wrong client id or secret, or the app is not allowed
	ReasonInvalidGrant        Reason = "invalid_grant"         // the code (or refresh token) was refused
	ReasonTimeout             Reason = "timeout"               // the browser step took too long
	ReasonCancelled           Reason = "cancelled"             // the caller cancelled (the UI's Cancel button)
	ReasonMalformedResponse   Reason = "malformed_response"    // the provider answered something unusable
	ReasonServerError         Reason = "server_error"          // the provider failed (5xx, server_error, temporarily_unavailable)
	ReasonNetwork             Reason = "network"               // the provider could not be reached

	ReasonInvalidIDToken Reason = "invalid_id_token" // the ID token failed verification
	ReasonProviderError  Reason = "provider_error"   // any other error the provider named
	ReasonDiscovery      Reason = "discovery"        // no usable discovery document at the issuer
	ReasonConfig         Reason = "config"           // the provider or credentials are incomplete or unsafe
	ReasonPortInUse      Reason = "port_in_use"      // the fixed redirect port is taken
	ReasonBrowser        Reason = "browser"          // the browser could not be opened
)

// FlowError is the error every function of this package returns. It wraps a
// *backend.Error (so backend.ErrorCode, backend.ErrorMessage and errors.As
// work) and adds the Reason.
type FlowError struct {
	Reason Reason
	Err    *backend.Error
}

func (e *FlowError) Error() string { return e.Err.Error() }

// Unwrap exposes the *backend.Error.
func (e *FlowError) Unwrap() error { return e.Err }

// ReasonCode is the error's backend reason code (Reason.Code), for
// packages that do not import this one (backend.ReasonOf).
func (e *FlowError) ReasonCode() string { return e.Reason.Code() }

// Code maps a flow reason to the backend reason code: the network and the
// caller's own cancelling are network; a provider failing or answering
// nonsense is provider_down; the developer app's or providers.yaml's set-up
// is app_misconfigured; a refused code or refresh token (invalid_grant) is
// revoked; a refused permission is scope_missing. The browser step's own
// outcomes (declined, wrong state, taken port, no browser, an ID token that
// fails verification) are about neither the token nor the app and read as
// unknown.
func (r Reason) Code() string {
	switch r {
	case ReasonNetwork, ReasonTimeout, ReasonCancelled:
		return backend.ReasonNetwork
	case ReasonServerError, ReasonMalformedResponse:
		return backend.ReasonProviderDown
	case ReasonInvalidClient, ReasonConfig, ReasonDiscovery, ReasonRedirectURIMismatch:
		return backend.ReasonAppMisconfigured
	case ReasonInvalidGrant:
		return backend.ReasonRevoked
	case ReasonInvalidScope:
		return backend.ReasonScopeMissing
	}
	return backend.ReasonUnknown
}

// ReasonOf returns the Reason of an error from this package, or "" for any
// other error and for nil.
func ReasonOf(err error) Reason {
	var fe *FlowError
	if errors.As(err, &fe) {
		return fe.Reason
	}
	return ""
}

// codeFor gives the backend error code of each reason: the user's own input
// or choice is EINVALID, a provider or network that misbehaves is
// EUNAVAILABLE.
func codeFor(r Reason) string {
	switch r {
	case ReasonTimeout, ReasonNetwork, ReasonServerError, ReasonMalformedResponse, ReasonPortInUse, ReasonBrowser:
		return backend.EUNAVAILABLE
	default:
		return backend.EINVALID
	}
}

func newError(r Reason, hint, format string, args ...any) *FlowError {
	e := backend.Errorf(codeFor(r), format, args...)
	if hint != "" {
		e = e.WithHint(hint)
	}
	return &FlowError{Reason: r, Err: e}
}

// providerText makes text a provider sent (an error_description) fit to
// quote: one line, printable, at most 200 characters.
func providerText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case !unicode.IsPrint(r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200]) + "…"
	}
	return s
}

// quoted returns ` (the provider said: "…")` for a non-empty description.
func quoted(desc string) string {
	desc = providerText(desc)
	if desc == "" {
		return ""
	}
	return fmt.Sprintf(" (the provider said: %q)", desc)
}

// durationWords says a duration in words: "5 minutes", "30 seconds".
func durationWords(d time.Duration) string {
	switch {
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	case d >= time.Second:
		return plural(int(d.Round(time.Second)/time.Second), "second")
	default:
		return "less than a second"
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// isLoopbackHost reports whether host (without port) is localhost or a
// loopback IP address.
func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkEndpoint refuses an endpoint that is not an absolute https URL, or
// http on a loopback host (tests and local providers). Secrets and tokens
// never travel in clear text over a network.
func checkEndpoint(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return newError(ReasonConfig, "Check the address in providers.yaml or in the provider's settings.",
			"The %s address %q is not a valid web address.", what, providerText(raw))
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return newError(ReasonConfig, "Use the https:// address of the endpoint.",
			"The %s address %q does not use HTTPS.", what, providerText(raw))
	}
	return nil
}

// hostOf returns the host of a URL for messages.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return "the provider"
}

// networkError describes a failed request to host.
func networkError(host string) *FlowError {
	return newError(ReasonNetwork, "Check your internet connection, then try again.",
		"Tokenwarden could not reach %s.", host)
}
