package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// splitScopes splits a granted scope string; platforms use spaces (RFC
// 6749) or commas (LinkedIn introspection, TikTok, Pinterest). nil when
// empty.
func splitScopes(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
	if len(f) == 0 {
		return nil
	}
	return f
}

// unixTimeAny reads a Unix time in seconds, or in milliseconds when it is
// that large (LinkedIn uses both in its APIs); nil for 0.
func unixTimeAny(n flexInt) *time.Time {
	if n > 100_000_000_000 {
		n /= 1000
	}
	return unixTime(n)
}

// identityOf reads who a profile or userinfo reply names: OpenID Connect
// claims, Microsoft Graph's /me and Pinterest's user_account.
func identityOf(body []byte) *backend.Identity {
	var u struct {
		userinfoBody
		DisplayName       string `json:"displayName"`
		Mail              string `json:"mail"`
		UserPrincipalName string `json:"userPrincipalName"`
		BusinessName      string `json:"business_name"`
		ProfileImage      string `json:"profile_image"`
	}
	if json.Unmarshal(body, &u) != nil {
		return nil
	}
	id := &backend.Identity{
		ExternalID: firstOf(string(u.Sub), string(u.ID), u.Username),
		Name:       firstOf(u.Name, u.DisplayName, u.BusinessName, strings.TrimSpace(u.GivenName+" "+u.FamilyName)),
		Email:      firstOf(u.Email, u.Mail),
		Handle:     firstOf(u.PreferredUsername, u.Username, u.Login, u.UserPrincipalName),
		PictureURL: firstOf(string(u.Picture), u.AvatarURL, u.ProfileImage),
	}
	if id.ExternalID == "" {
		return nil
	}
	return id
}

// bearerChallenge reads error and error_description from a
// WWW-Authenticate Bearer challenge (RFC 6750 §3).
func bearerChallenge(h string) (code, desc string) {
	h = strings.TrimSpace(h)
	if len(h) >= 6 && strings.EqualFold(h[:6], "bearer") {
		h = h[6:]
	}
	for _, part := range splitChallenge(h) {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "error":
			code = v
		case "error_description":
			desc = v
		}
	}
	return code, desc
}

// splitChallenge splits auth-params at commas outside quotes.
func splitChallenge(s string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// bearerError words a failed call made with the token as a bearer: a 401
// (or a challenge with error="invalid_token") is a refusal of the token,
// worded from the WWW-Authenticate description or the body; a 403 whose
// words say the account is suspended or locked is a checkpoint; the rest
// is statusError's.
func (k *checker) bearerError(c *caller, p *backend.Provider, r *response) *PlatformError {
	werr, wdesc := bearerChallenge(r.header.Get("WWW-Authenticate"))
	_, msg, _ := parseErrorBody(r.body)
	switch {
	case r.status == 401 || strings.EqualFold(werr, "invalid_token"):
		detail := firstOf(wdesc, msg)
		pe := newPlatformError(ReasonInvalidToken, r.status, reconnectHint, "%s", withDetail(c.name+" refused the token", detail))
		return refused(p, pe)
	case strings.EqualFold(werr, "insufficient_scope"):
		return newPlatformError(ReasonPermission, r.status, "Connect again and grant every permission asked for.",
			"%s", withDetail(c.name+" says the token lacks a permission", firstOf(wdesc, msg)))
	case r.status == 403 && wordsCode(msg) == backend.ReasonCheckpoint:
		return newPlatformError(ReasonCheckpoint, r.status, "Ask the account owner to log in on the platform's website and follow the steps shown, then connect again.",
			"%s", withDetail(c.name+" has restricted the account", msg))
	}
	return k.fail(refused(p, statusError(c.name, r)), r)
}

// validateBearer calls the identity endpoint with the token (Pinterest
// /v5/user_account, Microsoft Graph /me, OpenID userinfo).
func (k *checker) validateBearer(ctx context.Context, c *caller, p *backend.Provider, token string) (*backend.Validation, error) {
	if _, err := endpoint(p.IdentityURL, "", nil); err != nil {
		return nil, missingURL(p, "identity_url")
	}
	r, err := c.get(ctx, p.IdentityURL, token)
	if err != nil {
		return nil, err
	}
	if !r.ok() {
		return nil, k.bearerError(c, p, r)
	}
	var obj map[string]json.RawMessage
	if err := c.decode(r, &obj); err != nil {
		return nil, err
	}
	return &backend.Validation{Valid: true, Identity: identityOf(r.body), Usage: usageOf(r.header, k.now())}, nil
}

// ---- Google ----

// validateGoogle reads GET {introspect_url}?access_token= (tokeninfo):
// exp, scope, sub and email. Without introspect_url it falls back to the
// userinfo endpoint.
func (k *checker) validateGoogle(ctx context.Context, c *caller, p *backend.Provider, token string) (*backend.Validation, error) {
	if p.IntrospectURL == "" {
		return k.validateBearer(ctx, c, p, token)
	}
	u, err := endpoint(p.IntrospectURL, "", url.Values{"access_token": {token}})
	if err != nil {
		return nil, missingURL(p, "introspect_url")
	}
	r, err := c.get(ctx, u, "")
	if err != nil {
		return nil, err
	}
	if !r.ok() {
		if code, _, _ := parseErrorBody(r.body); (r.status == 400 || r.status == 401) && code == "invalid_token" {
			// tokeninfo answers the same for an expired and a revoked
			// token. Access tokens live an hour, so expired is the likely
			// one; renewing with the refresh token tells revoked apart.
			return nil, newPlatformError(ReasonExpired, r.status, reconnectHint,
				"%s says the access token is no longer valid: it has expired or was revoked (Google does not say which; renewing it tells)", c.name)
		}
		return nil, k.fail(refused(p, statusError(c.name, r)), r)
	}
	var ti struct {
		Aud       string     `json:"aud"`
		Sub       flexString `json:"sub"`
		Scope     string     `json:"scope"`
		Exp       flexInt    `json:"exp"`
		ExpiresIn flexInt    `json:"expires_in"`
		Email     string     `json:"email"`
	}
	if err := c.decode(r, &ti); err != nil {
		return nil, err
	}
	if ti.Exp == 0 && ti.ExpiresIn == 0 && ti.Aud == "" && ti.Sub == "" {
		return nil, newPlatformError(ReasonBadResponse, r.status, "Check introspect_url for this provider.",
			"%s's token check did not describe the token", c.name)
	}
	now := k.now()
	v := &backend.Validation{Valid: true, ExpiresAt: unixTime(ti.Exp), Scopes: splitScopes(ti.Scope), Usage: usageOf(r.header, now)}
	if v.ExpiresAt == nil {
		v.ExpiresAt = expiry(now, ti.ExpiresIn)
	}
	if ti.Sub != "" {
		v.Identity = &backend.Identity{ExternalID: string(ti.Sub), Email: ti.Email}
	}
	return v, nil
}

// ---- LinkedIn and RFC 7662 introspection ----

// introspection is an RFC 7662 reply, with LinkedIn's status and
// expires_at.
type introspection struct {
	Active    *bool      `json:"active"`
	Status    string     `json:"status"`
	Exp       flexInt    `json:"exp"`
	ExpiresAt flexInt    `json:"expires_at"`
	Scope     string     `json:"scope"`
	Sub       flexString `json:"sub"`
	Username  string     `json:"username"`
}

// introspect posts the token to p.IntrospectURL; the client authenticates
// in the body (LinkedIn wants client_id and client_secret there) or with
// HTTP Basic, as clientAuth says.
func (k *checker) introspect(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string, basic bool) (*backend.Validation, error) {
	if _, err := endpoint(p.IntrospectURL, "", nil); err != nil {
		return nil, missingURL(p, "introspect_url")
	}
	form := url.Values{"token": {token}}
	if k.kind == "generic" {
		form.Set("token_type_hint", "access_token")
	}
	r, err := k.postClient(ctx, c, p, creds, p.IntrospectURL, form, basic)
	if err != nil {
		return nil, err
	}
	if !r.ok() {
		return nil, k.fail(introspectError(c.name, r), r)
	}
	var in introspection
	if err := c.decode(r, &in); err != nil {
		return nil, err
	}
	if in.Active == nil {
		return nil, newPlatformError(ReasonBadResponse, r.status, "Check introspect_url for this provider.",
			"%s's introspection reply does not say whether the token is active", c.name)
	}
	now := k.now()
	exp := unixTimeAny(in.ExpiresAt)
	if in.Exp > 0 {
		exp = unixTime(in.Exp)
	}
	v := &backend.Validation{Valid: *in.Active, ExpiresAt: exp, Scopes: splitScopes(in.Scope), Usage: usageOf(r.header, now)}
	if id := firstOf(string(in.Sub), in.Username); id != "" {
		v.Identity = &backend.Identity{ExternalID: id, Handle: in.Username}
	}
	if v.Valid {
		return v, nil
	}
	switch status := strings.ToLower(in.Status); {
	case status == "expired":
		v.Reason, v.Message = backend.ReasonExpired, fmt.Sprintf("%s says the token has expired.", c.name)
	case status == "revoked":
		v.Reason, v.Message = backend.ReasonRevoked, fmt.Sprintf("%s says the token was revoked.", c.name)
	case exp != nil && !exp.After(now):
		v.Reason, v.Message = backend.ReasonExpired, fmt.Sprintf("%s says the token is no longer active; it expired on %s.", c.name, exp.Format(time.RFC3339))
	default:
		// RFC 7662 §2.2: an inactive reply says nothing more.
		v.Reason = refusalCode(p, "")
		if exp != nil {
			v.Reason = backend.ReasonRevoked // inactive before its expiry
		}
		v.Message = fmt.Sprintf("%s says the token is no longer active.", c.name)
	}
	return v, nil
}

// introspectError words a failed introspection call. The endpoint
// authenticates the client, not the token: 400 and 401 say the app's
// credentials are wrong or missing, never that the token is bad.
func introspectError(name string, r *response) *PlatformError {
	code, msg, _ := parseErrorBody(r.body)
	switch {
	case r.status >= 500 || r.status == 429 || isHTML(r.body):
		return statusError(name, r)
	case r.status == 400 || r.status == 401 || r.status == 403 || code == "invalid_client" || code == "unauthorized_client":
		return newPlatformError(ReasonAppConfig, r.status, "Check the client id and secret saved for this provider.",
			"%s", withDetail(name+" refused to check the token with this app's credentials", msg))
	}
	return statusError(name, r)
}

// validateLinkedIn asks POST {introspect_url} (client_id, client_secret,
// token) for active, status (active, expired, revoked), expires_at and
// scope. Without the client secret it can only call userinfo with the
// token, and says the check was partial.
func (k *checker) validateLinkedIn(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string) (*backend.Validation, error) {
	if creds.ClientSecret == "" || p.IntrospectURL == "" {
		v, err := k.validateBearer(ctx, c, p, token)
		if v != nil {
			v.Message = "Partial check: without the client secret Tokenwarden could only confirm that " + c.name +
				" accepts the token, not when it expires or which permissions it has."
		}
		return v, err
	}
	return k.introspect(ctx, c, p, creds, token, false)
}

// validateGeneric checks a custom provider's token: RFC 7662 introspection
// when it has introspect_url, else its OpenID userinfo endpoint. Endpoints
// it leaves empty come from its issuer's discovery document.
func (k *checker) validateGeneric(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string) (*backend.Validation, error) {
	p, err := k.resolve(ctx, p, p.IntrospectURL+p.IdentityURL)
	if err != nil {
		return nil, err
	}
	switch {
	case p.IntrospectURL != "":
		return k.introspect(ctx, c, p, creds, token, useBasic(p, creds))
	case p.IdentityURL != "":
		return k.validateBearer(ctx, c, p, token)
	}
	return nil, missingURL(p, "introspect_url or identity_url")
}

// ---- X ----

// validateX reads GET /2/users/me. A 401 does not say why; x-rate-limit-*
// headers give the usage and, on 429, when to try again.
func (k *checker) validateX(ctx context.Context, c *caller, p *backend.Provider, token string) (*backend.Validation, error) {
	u := p.IdentityURL
	if u == "" {
		var err error
		if u, err = endpoint(p.GraphURL, "users/me", nil); err != nil {
			return nil, missingURL(p, "identity_url")
		}
	}
	if _, err := endpoint(u, "", nil); err != nil {
		return nil, missingURL(p, "identity_url")
	}
	r, err := c.get(ctx, u, token)
	if err != nil {
		return nil, err
	}
	if !r.ok() {
		return nil, k.bearerError(c, p, r)
	}
	var v struct {
		Data *struct {
			ID       flexString `json:"id"`
			Name     string     `json:"name"`
			Username string     `json:"username"`
		} `json:"data"`
		Errors []struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	if err := c.decode(r, &v); err != nil {
		return nil, err
	}
	if v.Data == nil || v.Data.ID == "" {
		if len(v.Errors) > 0 {
			return nil, newPlatformError(ReasonUnknown, r.status, "",
				"%s", withDetail(c.name+" did not return the account", firstOf(v.Errors[0].Detail, v.Errors[0].Title)))
		}
		return nil, noIdentity(c.name, r.status)
	}
	return &backend.Validation{
		Valid:    true,
		Usage:    usageOf(r.header, k.now()),
		Identity: &backend.Identity{ExternalID: string(v.Data.ID), Name: v.Data.Name, Handle: v.Data.Username},
	}, nil
}

// ---- TikTok ----

// validateTikTok reads GET /v2/user/info/ and its error envelope:
// access_token_invalid, scope_not_authorized (scope_missing),
// rate_limit_exceeded.
func (k *checker) validateTikTok(ctx context.Context, c *caller, p *backend.Provider, token string) (*backend.Validation, error) {
	u := p.IdentityURL
	if u == "" {
		var err error
		if u, err = endpoint(p.GraphURL, "user/info/", url.Values{"fields": {"open_id,union_id,avatar_url,display_name"}}); err != nil {
			return nil, missingURL(p, "identity_url")
		}
	}
	if _, err := endpoint(u, "", nil); err != nil {
		return nil, missingURL(p, "identity_url")
	}
	r, err := c.get(ctx, u, token)
	if err != nil {
		return nil, err
	}
	if pe := tiktokError(c.name, r); pe != nil {
		return nil, k.fail(refused(p, pe), r)
	}
	var v struct {
		Data struct {
			User struct {
				OpenID      string `json:"open_id"`
				DisplayName string `json:"display_name"`
				AvatarURL   string `json:"avatar_url"`
			} `json:"user"`
		} `json:"data"`
	}
	if err := c.decode(r, &v); err != nil {
		return nil, err
	}
	if v.Data.User.OpenID == "" {
		return nil, noIdentity(c.name, r.status)
	}
	user := v.Data.User
	return &backend.Validation{
		Valid:    true,
		Usage:    usageOf(r.header, k.now()),
		Identity: &backend.Identity{ExternalID: user.OpenID, Name: user.DisplayName, PictureURL: user.AvatarURL},
	}, nil
}

// ---- The refresh_token grant (RFC 6749 §6) ----

// useBasic says whether the client authenticates with HTTP Basic: when
// client_auth says basic, or says nothing and there is a secret (RFC 6749
// §2.3.1: servers must support Basic). Without a secret the client_id goes
// in the body (public client).
func useBasic(p *backend.Provider, creds backend.Credentials) bool {
	if creds.ClientSecret == "" {
		return false
	}
	switch p.ClientAuth {
	case "basic":
		return true
	case "":
		return p.ClientIDParam == "" || p.ClientIDParam == "client_id"
	}
	return false
}

// postClient posts form with the client's credentials: HTTP Basic, or the
// client id (under client_id_param: TikTok's client_key) and secret in the
// body.
func (k *checker) postClient(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, rawURL string, form url.Values, basic bool) (*response, error) {
	f := url.Values{}
	for key, v := range form {
		f[key] = v
	}
	if basic {
		return c.postForm(ctx, rawURL, f, creds.ClientID, creds.ClientSecret)
	}
	idParam := "client_id"
	if p.ClientIDParam != "" {
		idParam = p.ClientIDParam
	}
	if creds.ClientID != "" {
		f.Set(idParam, creds.ClientID)
	}
	if creds.ClientSecret != "" {
		f.Set("client_secret", creds.ClientSecret)
	}
	return c.postForm(ctx, rawURL, f, "", "")
}

// tokenReply is a token endpoint's answer. TikTok says refresh_expires_in,
// LinkedIn and Pinterest refresh_token_expires_in.
type tokenReply struct {
	AccessToken           string  `json:"access_token"`
	RefreshToken          string  `json:"refresh_token"`
	ExpiresIn             flexInt `json:"expires_in"`
	RefreshExpiresIn      flexInt `json:"refresh_expires_in"`
	RefreshTokenExpiresIn flexInt `json:"refresh_token_expires_in"`
	RefreshTokenExpiresAt flexInt `json:"refresh_token_expires_at"`
	Scope                 string  `json:"scope"`
}

// refreshGrant renews the tokens with the refresh_token grant at
// p.TokenURL. The Grant's RefreshToken is the new one when the platform
// rotated it, "" when it sent none (keep the old one).
func (k *checker) refreshGrant(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, refresh string) (*backend.Grant, error) {
	p, err := k.resolve(ctx, p, p.TokenURL)
	if err != nil {
		return nil, err
	}
	if _, err := endpoint(p.TokenURL, "", nil); err != nil {
		return nil, missingURL(p, "token_url")
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}
	basic := useBasic(p, creds)
	r, err := k.postClient(ctx, c, p, creds, p.TokenURL, form, basic)
	if err != nil {
		return nil, err
	}
	if basic && p.ClientAuth == "" && (r.status == 400 || r.status == 401) {
		// client_auth unset: like x/oauth2's auto-detection, a server
		// that refuses Basic gets the credentials in the body. A refused
		// client authentication consumed no refresh token.
		if code, _, _ := parseErrorBody(r.body); r.status == 401 || code == "invalid_client" || code == "unauthorized_client" {
			if r, err = k.postClient(ctx, c, p, creds, p.TokenURL, form, false); err != nil {
				return nil, err
			}
		}
	}
	var tr tokenReply
	if r.ok() && json.Unmarshal(bytes.TrimSpace(r.body), &tr) == nil && tr.AccessToken != "" {
		c.hide(tr.AccessToken, tr.RefreshToken)
		now := k.now()
		g := &backend.Grant{
			AccessToken:  tr.AccessToken,
			RefreshToken: tr.RefreshToken,
			ExpiresAt:    expiry(now, tr.ExpiresIn),
			Scopes:       splitScopes(tr.Scope),
		}
		if g.ExpiresAt == nil && p.Lifetimes.Access > 0 {
			t := now.Add(p.Lifetimes.Access).UTC()
			g.ExpiresAt = &t
		}
		switch {
		case tr.RefreshExpiresIn > 0:
			g.RefreshExpiresAt = expiry(now, tr.RefreshExpiresIn)
		case tr.RefreshTokenExpiresIn > 0:
			g.RefreshExpiresAt = expiry(now, tr.RefreshTokenExpiresIn)
		case tr.RefreshTokenExpiresAt > 0:
			g.RefreshExpiresAt = unixTimeAny(tr.RefreshTokenExpiresAt)
		}
		return g, nil
	}
	return nil, k.fail(grantError(c, r), r)
}

// reAADSTS finds a Microsoft identity platform error code in a description.
var reAADSTS = regexp.MustCompile(`AADSTS(\d+)`)

// aadCodes are Microsoft identity platform errors on the refresh_token
// grant, by reason (learn.microsoft.com/entra/identity-platform/reference-error-codes).
var aadCodes = map[int]string{
	// The refresh token expired: unused for 90 days (700082, older
	// 70008), past its maximum lifetime (700081), or a 24-hour SPA token
	// (700084).
	700082: backend.ReasonExpired, 70008: backend.ReasonExpired, 700081: backend.ReasonExpired, 700084: backend.ReasonExpired,
	// The grant ended with a password change or reset (50173: "the
	// provided grant has expired due to it being revoked ... the user
	// might have changed or reset their password"; 50133: session invalid
	// due to expiration or recent password change; 50055: password expired).
	50173: backend.ReasonPasswordChanged, 50133: backend.ReasonPasswordChanged, 50055: backend.ReasonPasswordChanged,
	// The user must sign in interactively: MFA (50076, 50079, 50074,
	// 50072), sign-in frequency (70043), external challenge (50158),
	// account locked (50053) or disabled (50057), Conditional Access block
	// (53003).
	50076: backend.ReasonCheckpoint, 50079: backend.ReasonCheckpoint, 50074: backend.ReasonCheckpoint, 50072: backend.ReasonCheckpoint,
	70043: backend.ReasonCheckpoint, 50158: backend.ReasonCheckpoint, 50053: backend.ReasonCheckpoint, 50057: backend.ReasonCheckpoint,
	53003: backend.ReasonCheckpoint,
	// Consent was withdrawn.
	65001: backend.ReasonRevoked,
	// The app: wrong (7000215) or expired (7000222) secret, secret
	// required (7000218), app not found (700016) or disabled (70001).
	7000215: backend.ReasonAppMisconfigured, 7000222: backend.ReasonAppMisconfigured, 7000218: backend.ReasonAppMisconfigured,
	700016: backend.ReasonAppMisconfigured, 70001: backend.ReasonAppMisconfigured,
}

// aadCode returns the first AADSTS code of a Microsoft error reply, from
// error_codes or the description; 0 when there is none.
func aadCode(body []byte, desc string) int {
	var b struct {
		ErrorCodes []int `json:"error_codes"`
	}
	if json.Unmarshal(body, &b) == nil && len(b.ErrorCodes) > 0 {
		return b.ErrorCodes[0]
	}
	if m := reAADSTS.FindStringSubmatch(desc); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// grantError words a failed refresh_token grant.
//
//   - invalid_grant is a refusal of the refresh token: revoked, unless the
//     words say expired or password; Google's "Token has been expired or
//     revoked." is revoked (a Google app in Testing mode loses its refresh
//     tokens after 7 days the same way: the monitor tells that case apart
//     by timing). Google's error_subtype invalid_rapt asks the user to
//     sign in again (checkpoint).
//   - X answers a used or revoked refresh token with invalid_request
//     "Value passed for the token was invalid.": revoked.
//   - invalid_client, unauthorized_client and a bare 401 are the app's
//     credentials: app_misconfigured.
//   - Microsoft's AADSTS codes are read first (aadCodes).
func grantError(c *caller, r *response) *PlatformError {
	name := c.name
	if r.status >= 500 {
		return statusError(name, r)
	}
	if r.ok() && len(bytes.TrimSpace(r.body)) > 0 && !isHTML(r.body) {
		var probe map[string]json.RawMessage
		if json.Unmarshal(bytes.TrimSpace(r.body), &probe) != nil {
			return newPlatformError(ReasonBadResponse, r.status, "Try again later; if it keeps happening, check this provider's token_url.",
				"%s sent a reply that is not valid JSON", name)
		}
		if _, hasErr := probe["error"]; !hasErr {
			return newPlatformError(ReasonBadResponse, r.status, "Try again later.", "%s did not send a new access token", name)
		}
	}
	trimmed := bytes.TrimSpace(r.body)
	if len(trimmed) == 0 || isHTML(trimmed) {
		if r.status == 401 {
			return newPlatformError(ReasonAppConfig, r.status, "Check the client id and secret saved for this provider.",
				"%s does not accept the app's client id or secret", name)
		}
		if r.ok() {
			if len(trimmed) == 0 {
				return newPlatformError(ReasonBadResponse, r.status, "Try again later.", "%s sent an empty reply", name)
			}
			return newPlatformError(ReasonBadResponse, r.status, "Check this provider's token_url; a proxy or captive portal may also be in the way.",
				"%s sent a web page instead of data", name)
		}
		return statusError(name, r)
	}
	code, msg, _ := parseErrorBody(r.body)
	var sub struct {
		Subtype string `json:"error_subtype"`
	}
	_ = json.Unmarshal(r.body, &sub)
	lc, lmsg := strings.ToLower(code), strings.ToLower(msg)
	refusedGrant := func(code string) *PlatformError {
		return newPlatformError(ReasonInvalidToken, r.status, reconnectHint,
			"%s", withDetail(name+" refused to renew the token", msg)).as(code)
	}
	if ac, ok := aadCodes[aadCode(r.body, msg)]; ok {
		if ac == backend.ReasonAppMisconfigured {
			return newPlatformError(ReasonAppConfig, r.status, "Check the client id and secret saved for this provider; secrets of Microsoft apps expire.",
				"%s", withDetail(name+" does not accept the app's credentials", msg))
		}
		if ac == backend.ReasonCheckpoint {
			return newPlatformError(ReasonCheckpoint, r.status, "Ask the account owner to sign in once on the platform's website, then connect again.",
				"%s", withDetail(name+" wants the account owner to sign in again", msg))
		}
		return refusedGrant(ac)
	}
	switch {
	case lc == "invalid_grant" && sub.Subtype == "invalid_rapt":
		return newPlatformError(ReasonCheckpoint, r.status, "Ask the account owner to sign in again: their organization requires it from time to time.",
			"%s", withDetail(name+" wants the account owner to sign in again", msg))
	case lc == "invalid_client" || lc == "unauthorized_client" || (r.status == 401 && lc != "invalid_grant"):
		return newPlatformError(ReasonAppConfig, r.status, "Check the client id and secret saved for this provider.",
			"%s", withDetail(name+" does not accept the app's client id or secret", msg))
	case lc == "invalid_grant":
		code := wordsCode(msg)
		if code != backend.ReasonExpired && code != backend.ReasonPasswordChanged && code != backend.ReasonCheckpoint {
			code = backend.ReasonRevoked
		}
		return refusedGrant(code)
	case lc == "invalid_request" && strings.Contains(lmsg, "token") && (strings.Contains(lmsg, "invalid") || strings.Contains(lmsg, "expired") || strings.Contains(lmsg, "revoked")):
		return refusedGrant(backend.ReasonRevoked)
	case lc == "interaction_required" || lc == "login_required":
		return newPlatformError(ReasonCheckpoint, r.status, "Ask the account owner to sign in once on the platform's website, then connect again.",
			"%s", withDetail(name+" wants the account owner to sign in again", msg))
	case lc == "invalid_scope" || lc == "consent_required":
		return newPlatformError(ReasonPermission, r.status, "Connect again and grant every permission asked for.",
			"%s", withDetail(name+" no longer grants a permission the token had", msg))
	case r.status == 429 || lc == "rate_limit_exceeded" || lc == "slow_down":
		return newPlatformError(ReasonRateLimited, r.status, "Wait a few minutes and try again.",
			"%s is limiting requests from this app right now", name)
	case lc == "temporarily_unavailable" || lc == "server_error" || lc == "internal_error":
		return newPlatformError(ReasonUnavailable, r.status, "Try again later.", "%s had a temporary problem", name)
	case r.ok():
		return newPlatformError(ReasonUnknown, r.status, "",
			"%s", withDetail(fmt.Sprintf("%s refused to renew the token with error %s", name, quote(code)), msg))
	}
	return statusError(name, r)
}
