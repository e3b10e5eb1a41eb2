package providers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
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

// identityOf reads who a profile or userinfo reply names: OpenID Connect
// claims, Microsoft Graph's /me and Pinterest's user_account.
func identityOf(body []byte) *backend.Identity {
	var u struct {
		oauth.UserInfo
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
	werr, wdesc := bearerChallenge(r.Header.Get("WWW-Authenticate"))
	_, msg, _ := parseErrorBody(r.Body)
	switch {
	case r.Status == 401 || strings.EqualFold(werr, "invalid_token"):
		detail := firstOf(wdesc, msg)
		pe := newPlatformError(DetailInvalidToken, r.Status, reconnectHint, "%s", withDetail(c.name+" refused the token", detail))
		return refused(p, pe)
	case strings.EqualFold(werr, "insufficient_scope"):
		return newPlatformError(DetailPermission, r.Status, "Connect again and grant every permission asked for.",
			"%s", withDetail(c.name+" says the token lacks a permission", firstOf(wdesc, msg)))
	case r.Status == 403 && wordsCode(msg) == backend.ReasonCheckpoint:
		return newPlatformError(DetailCheckpoint, r.Status, "Ask the account owner to log in on the platform's website and follow the steps shown, then connect again.",
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
	r, err := oauth.GetUserInfo(ctx, c, p.IdentityURL, token)
	if err != nil {
		return nil, err
	}
	if !r.OK() {
		return nil, k.bearerError(c, p, r)
	}
	var obj map[string]json.RawMessage
	if err := c.decode(r, &obj); err != nil {
		return nil, err
	}
	return &backend.Validation{Valid: true, Identity: identityOf(r.Body), Usage: usageOf(r.Header, k.now())}, nil
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
	r, err := c.Get(ctx, u, "")
	if err != nil {
		return nil, err
	}
	if !r.OK() {
		if code, _, _ := parseErrorBody(r.Body); (r.Status == 400 || r.Status == 401) && code == "invalid_token" {
			// tokeninfo answers the same for an expired and a revoked
			// token. Access tokens live an hour, so expired is the likely
			// one; renewing with the refresh token tells revoked apart.
			return nil, newPlatformError(DetailExpired, r.Status, reconnectHint,
				"%s says the access token is no longer valid: it has expired or was revoked (Google does not say which; renewing it tells)", c.name)
		}
		return nil, k.fail(refused(p, statusError(c.name, r)), r)
	}
	var ti struct {
		Aud       string           `json:"aud"`
		Sub       oauth.FlexString `json:"sub"`
		Scope     string           `json:"scope"`
		Exp       oauth.FlexInt    `json:"exp"`
		ExpiresIn oauth.FlexInt    `json:"expires_in"`
		Email     string           `json:"email"`
	}
	if err := c.decode(r, &ti); err != nil {
		return nil, err
	}
	if ti.Exp == 0 && ti.ExpiresIn == 0 && ti.Aud == "" && ti.Sub == "" {
		return nil, newPlatformError(DetailBadResponse, r.Status, "Check introspect_url for this provider.",
			"%s's token check did not describe the token", c.name)
	}
	now := k.now()
	v := &backend.Validation{Valid: true, ExpiresAt: unixTime(ti.Exp), Scopes: splitScopes(ti.Scope), Usage: usageOf(r.Header, now)}
	if v.ExpiresAt == nil {
		v.ExpiresAt = expiry(now, ti.ExpiresIn)
	}
	if ti.Sub != "" {
		v.Identity = &backend.Identity{ExternalID: string(ti.Sub), Email: ti.Email}
	}
	return v, nil
}

// ---- LinkedIn and RFC 7662 introspection ----

// introspect asks p.IntrospectURL about the token (oauth.Introspect); the
// client authenticates in the body (LinkedIn wants client_id and
// client_secret there) or with HTTP Basic, as basic says.
func (k *checker) introspect(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string, basic bool) (*backend.Validation, error) {
	if _, err := endpoint(p.IntrospectURL, "", nil); err != nil {
		return nil, missingURL(p, "introspect_url")
	}
	hint := ""
	if k.kind == "generic" {
		hint = "access_token"
	}
	r, err := oauth.Introspect(ctx, c, p, creds, token, hint, basic)
	if err != nil {
		return nil, err
	}
	if !r.OK() {
		return nil, k.fail(introspectError(c.name, r), r)
	}
	var in oauth.Introspection
	if err := c.decode(r, &in); err != nil {
		return nil, err
	}
	if in.Active == nil {
		return nil, newPlatformError(DetailBadResponse, r.Status, "Check introspect_url for this provider.",
			"%s's introspection reply does not say whether the token is active", c.name)
	}
	now := k.now()
	exp := in.Expiry()
	v := &backend.Validation{Valid: *in.Active, ExpiresAt: exp, Scopes: in.Scopes(), Usage: usageOf(r.Header, now)}
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
		// RFC 7662 §2.2: an inactive reply says nothing more. Without
		// exp the reason is a guess the caller may correct.
		v.Reason, v.Unexplained = refusalCode(p, ""), exp == nil
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
	code, msg, _ := parseErrorBody(r.Body)
	switch {
	case r.Status >= 500 || r.Status == 429 || oauth.LooksLikeHTML(r.Body):
		return statusError(name, r)
	case r.Status == 400 || r.Status == 401 || r.Status == 403 || code == "invalid_client" || code == "unauthorized_client":
		return newPlatformError(DetailAppConfig, r.Status, "Check the client id and secret saved for this provider.",
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

// validateGeneric checks a custom provider's token with the strongest
// check this app can make there. Endpoints it leaves empty come from its
// issuer's discovery document.
//
//   - RFC 7662 introspection, when the app has a client secret: servers
//     authenticate the caller there (§2.1), so a public client has none to
//     offer. It sees revocation, expiry and scopes.
//   - An RFC 9068 JWT access token the server will not introspect (a 400:
//     oidc-provider refuses structured tokens) is verified locally against
//     the issuer's keys: signature, iss, client_id, exp.
//   - OpenID userinfo with the token as a bearer, otherwise: it proves the
//     token works.
//   - Introspection without credentials is the last resort (some servers
//     allow it); its 401 then says the server wants credentials this app
//     does not have, which is no verdict on the token.
func (k *checker) validateGeneric(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string) (*backend.Validation, error) {
	p, err := k.resolve(ctx, p, p.IntrospectURL+p.IdentityURL)
	if err != nil {
		return nil, err
	}
	confidential := creds.ClientSecret != ""
	jwt := oauth.IsJWTAccessToken(token) && strings.TrimSpace(p.Issuer) != ""
	if p.IntrospectURL != "" && confidential {
		v, err := k.introspect(ctx, c, p, creds, token, oauth.BasicAuth(p, creds))
		var pe *PlatformError
		if err == nil || !errors.As(err, &pe) || pe.Status != 400 || (!jwt && p.IdentityURL == "") {
			return v, err
		}
		// 400: the server will not introspect this token; check it another way.
	}
	switch {
	case jwt:
		return k.validateJWT(ctx, c, p, creds, token)
	case p.IdentityURL != "":
		return k.validateBearer(ctx, c, p, token)
	case p.IntrospectURL != "":
		v, err := k.introspect(ctx, c, p, creds, token, oauth.BasicAuth(p, creds))
		var pe *PlatformError
		if !confidential && errors.As(err, &pe) && pe.Status == 401 {
			return nil, newPlatformError(DetailAppConfig, pe.Status, "Add the client secret of a confidential app for this provider, or an identity_url (userinfo) Tokenwarden can check the token at.",
				"%s checks tokens only for apps with a client secret, and this app has none; the token itself may be fine", c.name)
		}
		return v, err
	}
	return nil, missingURL(p, "introspect_url or identity_url")
}

// validateJWT verifies an RFC 9068 access token locally. It cannot see a
// revocation; the next renewal does.
func (k *checker) validateJWT(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string) (*backend.Validation, error) {
	claims, err := oauth.VerifyAccessToken(ctx, k.client, c.name, p.Issuer, creds.ClientID, token)
	if err != nil {
		return nil, fromOAuth(err)
	}
	v := &backend.Validation{Valid: !claims.Expired(k.now()), Scopes: claims.Scopes}
	exp := claims.ExpiresAt
	v.ExpiresAt = &exp
	if claims.Subject != "" {
		v.Identity = &backend.Identity{ExternalID: claims.Subject}
	}
	if !v.Valid {
		v.Reason, v.Message = backend.ReasonExpired, fmt.Sprintf("%s's access token expired on %s.", c.name, exp.Format(time.RFC3339))
	}
	return v, nil
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
	r, err := c.Get(ctx, u, token)
	if err != nil {
		return nil, err
	}
	if !r.OK() {
		return nil, k.bearerError(c, p, r)
	}
	var v struct {
		Data *struct {
			ID       oauth.FlexString `json:"id"`
			Name     string           `json:"name"`
			Username string           `json:"username"`
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
			return nil, newPlatformError(DetailUnknown, r.Status, "",
				"%s", withDetail(c.name+" did not return the account", firstOf(v.Errors[0].Detail, v.Errors[0].Title)))
		}
		return nil, noIdentity(c.name, r.Status)
	}
	return &backend.Validation{
		Valid:    true,
		Usage:    usageOf(r.Header, k.now()),
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
	r, err := c.Get(ctx, u, token)
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
		return nil, noIdentity(c.name, r.Status)
	}
	user := v.Data.User
	return &backend.Validation{
		Valid:    true,
		Usage:    usageOf(r.Header, k.now()),
		Identity: &backend.Identity{ExternalID: user.OpenID, Name: user.DisplayName, PictureURL: user.AvatarURL},
	}, nil
}

// ---- The refresh_token grant (RFC 6749 §6) ----
