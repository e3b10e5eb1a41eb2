package oauth

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// doneError is the error for an attempt whose context ended.
func (a *attempt) doneError(ctx context.Context) *FlowError {
	cause := context.Cause(ctx)
	if errors.Is(cause, errAttemptTimeout) || errors.Is(cause, context.DeadlineExceeded) {
		hint := "Run Connect again and finish signing in within " + durationWords(a.timeout) + "."
		if a.redirect != "" {
			hint += fmt.Sprintf(" If the browser showed an error about the redirect address instead, register exactly %s in your %s developer app settings.", a.redirect, a.name())
		}
		return newError(ReasonTimeout, hint,
			"The sign-in for %s did not finish within %s.", a.name(), durationWords(a.timeout))
	}
	return newError(ReasonCancelled, "", "Connecting %s was cancelled.", a.name())
}

// redirectHint says which redirect URI to register.
func (a *attempt) redirectHint() string {
	h := fmt.Sprintf("Register exactly %s as a redirect URI in your %s developer app settings.", a.redirect, a.name())
	if a.p.RedirectPort == 0 {
		h += fmt.Sprintf(" Tokenwarden picks a free port each time, so %s must accept any port on 127.0.0.1 (RFC 8252); if it only accepts an exact address, set a fixed redirect_port for it in providers.yaml and register that address.", a.name())
	}
	return h
}

// authorizeError maps an error answer of the authorization endpoint
// (RFC 6749 §4.1.2.1).
func (a *attempt) authorizeError(code, desc string) *FlowError {
	name := a.name()
	switch code {
	case "access_denied":
		return newError(ReasonAccessDenied, "Run Connect again and choose Allow.",
			"You (or the account owner) declined the request in the browser.")
	case "invalid_scope":
		return newError(ReasonInvalidScope,
			fmt.Sprintf("Check the permissions requested for %s and that your developer app is allowed to use them.", name),
			"%s refused one or more of the requested permissions%s.", name, quoted(desc))
	case "redirect_uri_mismatch":
		return newError(ReasonRedirectURIMismatch, a.redirectHint(),
			"%s did not accept the redirect address %s%s.", name, a.redirect, quoted(desc))
	case "unauthorized_client", "invalid_client":
		return newError(ReasonInvalidClient,
			fmt.Sprintf("Check the client id for %s in Settings, and that your developer app is set up for this kind of sign-in.", name),
			"%s did not accept this developer app%s.", name, quoted(desc))
	case "server_error", "temporarily_unavailable":
		return newError(ReasonServerError, "Wait a few minutes, then run Connect again.",
			"%s had a problem during the sign-in%s.", name, quoted(desc))
	case "invalid_request":
		if mentionsRedirect(desc) {
			return newError(ReasonRedirectURIMismatch, a.redirectHint(),
				"%s did not accept the redirect address %s%s.", name, a.redirect, quoted(desc))
		}
	}
	return newError(ReasonProviderError,
		fmt.Sprintf("Check the settings of your %s developer app, then run Connect again.", name),
		"%s refused the sign-in request with %q%s.", name, providerText(code), quoted(desc))
}

func mentionsRedirect(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "redirect_uri") || strings.Contains(s, "redirect uri") || strings.Contains(s, "redirect url")
}

// tokenError maps an error from the code exchange. contentType is that of
// the last answer of the token endpoint.
func (a *attempt) tokenError(ctx context.Context, err error, contentType string) *FlowError {
	if ctx.Err() != nil {
		return a.doneError(ctx)
	}
	host := hostOf(a.p.TokenURL)
	var re *oauth2.RetrieveError
	var ue *url.Error
	switch {
	case errors.As(err, &re):
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		return endpointError(a.name(), "token", host, status, oauthError{Code: re.ErrorCode, Description: re.ErrorDescription}, re.Body, a)
	case IsRedirectRefused(err):
		return redirectError(host)
	case errors.As(err, &ue), strings.HasPrefix(err.Error(), "oauth2: cannot fetch token:"):
		return networkError(host)
	}
	hint := fmt.Sprintf("Check token_url for %s; if it is right, the provider may be having problems, so try again later.", a.name())
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case strings.Contains(err.Error(), "missing access_token"):
		return newError(ReasonMalformedResponse, hint, "%s's answer to the token request did not include an access token.", a.name())
	case mt == "text/html" || mt == "application/xhtml+xml":
		return newError(ReasonMalformedResponse, hint, "%s answered the token request with a web page instead of a token.", a.name())
	}
	return newError(ReasonMalformedResponse, hint,
		"%s's answer to the token request was not a usable token (it must be JSON with an access_token).", a.name())
}

// endpointError maps an error answer of a token, revocation or
// introspection endpoint. a, when not nil, gives the redirect URI for hints.
func endpointError(name, what, host string, status int, oe oauthError, body []byte, a *attempt) *FlowError {
	redirectHint := "Check the redirect URI registered in your developer app settings."
	if a != nil {
		redirectHint = a.redirectHint()
	}
	settings := fmt.Sprintf("Check the client id and secret for %s in Settings; they must be those of your own developer app.", name)
	switch {
	case oe.Code == "invalid_client" || (oe.Code == "" && status == http.StatusUnauthorized):
		return newError(ReasonInvalidClient, settings,
			"%s did not accept the client id or secret%s.", name, quoted(oe.Description))
	case oe.Code == "unauthorized_client":
		return newError(ReasonInvalidClient,
			fmt.Sprintf("Check your %s developer app's settings (its type and enabled products), then try again.", name),
			"%s does not allow this developer app to do that%s.", name, quoted(oe.Description))
	case oe.Code == "redirect_uri_mismatch" || ((oe.Code == "invalid_grant" || oe.Code == "invalid_request") && mentionsRedirect(oe.Description)):
		return newError(ReasonRedirectURIMismatch, redirectHint,
			"%s did not accept the redirect address%s.", name, quoted(oe.Description))
	case oe.Code == "invalid_grant":
		return newError(ReasonInvalidGrant, "Run Connect again and finish the sign-in within a few minutes; each sign-in code works only once.",
			"%s did not accept the sign-in code%s.", name, quoted(oe.Description))
	case oe.Code == "invalid_scope":
		return newError(ReasonInvalidScope,
			fmt.Sprintf("Check the permissions requested for %s and that your developer app is allowed to use them.", name),
			"%s refused one or more of the requested permissions%s.", name, quoted(oe.Description))
	case oe.Code == "access_denied":
		return newError(ReasonAccessDenied, "Run Connect again and choose Allow.",
			"%s denied the request%s.", name, quoted(oe.Description))
	case oe.Code == "server_error" || oe.Code == "temporarily_unavailable" || status >= 500:
		return newError(ReasonServerError, "Wait a few minutes, then try again.",
			"%s's %s service had a problem (HTTP %d)%s.", name, what, status, quoted(oe.Description))
	case oe.Code != "":
		return newError(ReasonProviderError,
			fmt.Sprintf("Check the settings of your %s developer app, then try again.", name),
			"%s refused the %s request with %q%s.", name, what, providerText(oe.Code), quoted(oe.Description))
	case LooksLikeHTML(body):
		return newError(ReasonMalformedResponse,
			fmt.Sprintf("Check the %s endpoint address for %s; if it is right, try again later.", what, name),
			"%s answered the %s request with a web page instead of OAuth data (HTTP %d from %s).", name, what, status, host)
	}
	return newError(ReasonMalformedResponse,
		fmt.Sprintf("Check the %s endpoint address for %s; if it is right, try again later.", what, name),
		"%s answered the %s request with HTTP %d and no OAuth error code.", name, what, status)
}
