package oauth

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
	"golang.org/x/oauth2"
)

// Revoke asks the provider to invalidate token (RFC 7009). tokenTypeHint is
// "access_token", "refresh_token" or "". The client authenticates as
// p.ClientAuth says (see Authorize). A provider without RevokeURL gives
// backend.ErrNoRevocation. HTTP 200 is success, also for a token that was
// already invalid (RFC 7009 §2.2). An empty token has nothing to revoke
// and returns nil without a request.
func Revoke(ctx context.Context, client *http.Client, p *backend.Provider, creds backend.Credentials, token, tokenTypeHint string) error {
	if p == nil || p.RevokeURL == "" {
		return backend.ErrNoRevocation
	}
	if token == "" {
		return nil
	}
	var secrets redactor
	secrets.add(creds.ClientSecret, token)
	name := providerName(p)
	if err := checkEndpoint("revocation endpoint", p.RevokeURL); err != nil {
		return err
	}
	form := url.Values{"token": {token}}
	if tokenTypeHint != "" {
		form.Set("token_type_hint", tokenTypeHint)
	}
	resp, err := postForm(ctx, client, p.RevokeURL, form, p, creds)
	if err != nil {
		return secrets.scrubError(err)
	}
	if resp.status == http.StatusOK {
		return nil
	}
	if resp.status == http.StatusServiceUnavailable {
		return newError(ReasonServerError, "Wait a few minutes, then try again.",
			"%s's revocation service is busy (HTTP 503).", name)
	}
	return secrets.scrubError(endpointError(name, "revocation", hostOf(p.RevokeURL), resp.status, parseOAuthError(resp.body), resp.body, nil))
}

// Introspect asks the provider whether token is active (RFC 7662) and
// returns the response members (scope, exp, client_id, sub, …).
func Introspect(ctx context.Context, client *http.Client, p *backend.Provider, creds backend.Credentials, token string) (bool, map[string]any, error) {
	if p == nil || p.IntrospectURL == "" {
		return false, nil, newError(ReasonConfig, "Set introspect_url for this provider in providers.yaml, or check the token another way.",
			"%s has no token introspection endpoint.", providerName(p))
	}
	var secrets redactor
	secrets.add(creds.ClientSecret, token)
	name := providerName(p)
	if err := checkEndpoint("introspection endpoint", p.IntrospectURL); err != nil {
		return false, nil, err
	}
	resp, err := postForm(ctx, client, p.IntrospectURL, url.Values{"token": {token}}, p, creds)
	if err != nil {
		return false, nil, secrets.scrubError(err)
	}
	if resp.status != http.StatusOK {
		return false, nil, secrets.scrubError(endpointError(name, "introspection", hostOf(p.IntrospectURL), resp.status, parseOAuthError(resp.body), resp.body, nil))
	}
	var claims map[string]any
	if json.Unmarshal(resp.body, &claims) != nil {
		return false, nil, newError(ReasonMalformedResponse, "Check introspect_url for this provider; if it is right, try again later.",
			"%s's answer to the introspection request was not JSON.", name)
	}
	active, ok := claims["active"].(bool)
	if !ok {
		return false, nil, newError(ReasonMalformedResponse, "Check introspect_url for this provider; if it is right, try again later.",
			"%s's answer to the introspection request does not say whether the token is active.", name)
	}
	return active, claims, nil
}

// UserInfo reads the OpenID Connect userinfo endpoint with accessToken.
func UserInfo(ctx context.Context, client *http.Client, userinfoURL, accessToken string) (backend.Identity, error) {
	var secrets redactor
	secrets.add(accessToken)
	if err := checkEndpoint("userinfo endpoint", userinfoURL); err != nil {
		return backend.Identity{}, err
	}
	host := hostOf(userinfoURL)
	req, err := http.NewRequest(http.MethodGet, userinfoURL, nil)
	if err != nil {
		return backend.Identity{}, newError(ReasonConfig, "", "The userinfo address is not valid.")
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := do(ctx, client, req)
	if err != nil {
		return backend.Identity{}, secrets.scrubError(err)
	}
	switch {
	case resp.status == http.StatusUnauthorized || resp.status == http.StatusForbidden:
		oe := bearerError(resp.header.Get("WWW-Authenticate"))
		if oe.Code == "" {
			oe = parseOAuthError(resp.body)
		}
		if oe.Code == "insufficient_scope" {
			return backend.Identity{}, newError(ReasonInvalidToken, "Reconnect the account and allow access to your basic profile.",
				"The token may not read the profile at %s%s.", host, quoted(secrets.scrub(oe.Description)))
		}
		return backend.Identity{}, newError(ReasonInvalidToken, "Reconnect the account.",
			"%s did not accept the access token (HTTP %d)%s.", host, resp.status, quoted(secrets.scrub(oe.Description)))
	case resp.status >= 500:
		return backend.Identity{}, newError(ReasonServerError, "Wait a few minutes, then try again.",
			"The profile service at %s had a problem (HTTP %d).", host, resp.status)
	case resp.status != http.StatusOK:
		return backend.Identity{}, newError(ReasonMalformedResponse, "Check the identity address for this provider.",
			"The profile service at %s answered HTTP %d.", host, resp.status)
	}
	if mt, _, _ := mime.ParseMediaType(resp.header.Get("Content-Type")); mt == "application/jwt" {
		return backend.Identity{}, newError(ReasonMalformedResponse, "Turn off signed userinfo responses for your developer app.",
			"The profile service at %s sent a signed answer, which Tokenwarden does not read.", host)
	}
	var claims map[string]any
	if json.Unmarshal(resp.body, &claims) != nil {
		return backend.Identity{}, newError(ReasonMalformedResponse, "Check the identity address for this provider.",
			"The profile service at %s did not answer with JSON.", host)
	}
	id := identityFromClaims(claims)
	if id.ExternalID == "" {
		return backend.Identity{}, newError(ReasonMalformedResponse, "Check the identity address for this provider.",
			"The profile service at %s did not say which account the token is for (no sub).", host)
	}
	return id, nil
}

// postForm posts form to endpoint with the client authentication p asks
// for: HTTP Basic (RFC 6749 §2.3.1), or the id (under ClientIDParam) and
// secret in the body. Without a secret the id goes in the body (public
// client, RFC 7009 §2.1).
func postForm(ctx context.Context, client *http.Client, endpoint string, form url.Values, p *backend.Provider, creds backend.Credentials) (*response, error) {
	idParam := "client_id"
	if p.ClientIDParam != "" {
		idParam = p.ClientIDParam
	}
	basic := false
	switch authStyle(p, creds) {
	case oauth2.AuthStyleInParams:
		form.Set(idParam, creds.ClientID)
		if creds.ClientSecret != "" {
			form.Set("client_secret", creds.ClientSecret)
		}
	default:
		basic = true
	}
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, newError(ReasonConfig, "", "The address %q is not valid.", providerText(endpoint))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if basic {
		req.SetBasicAuth(url.QueryEscape(creds.ClientID), url.QueryEscape(creds.ClientSecret))
	}
	return do(ctx, client, req)
}

// bearerError reads error and error_description from a WWW-Authenticate
// Bearer challenge (RFC 6750 §3).
func bearerError(h string) oauthError {
	var oe oauthError
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(k), "Bearer ")))
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch k {
		case "error":
			oe.Code = v
		case "error_description":
			oe.Description = v
		}
	}
	return oe
}

func providerName(p *backend.Provider) string {
	switch {
	case p == nil:
		return "The provider"
	case p.Name != "":
		return p.Name
	case p.ID != "":
		return p.ID
	}
	return "The provider"
}
