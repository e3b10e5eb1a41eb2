package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

// getIdentity fetches identity_url with the token as a bearer and decodes
// the reply into out; failures are worded by statusError.
func getIdentity(ctx context.Context, c *caller, p *backend.Provider, token string, out any) error {
	if _, err := endpoint(p.IdentityURL, "", nil); err != nil {
		return missingURL(p, "identity_url")
	}
	r, err := c.Get(ctx, p.IdentityURL, token)
	if err != nil {
		return err
	}
	if !r.OK() {
		return statusError(c.name, r)
	}
	return c.decode(r, out)
}

// ---- X ----

// xPlatform reads GET /2/users/me and revokes at /2/oauth2/revoke (RFC 7009
// with HTTP Basic for confidential clients, client_id in the body for
// public ones).
type xPlatform struct{ base }

func (x *xPlatform) Complete(ctx context.Context, p *backend.Provider, creds backend.Credentials, g *backend.Grant) error {
	if err := checkGrant(g); err != nil {
		return err
	}
	c := x.caller(p, creds, g.AccessToken, g.RefreshToken)
	var v struct {
		Data *struct {
			ID              oauth.FlexString `json:"id"`
			Name            string           `json:"name"`
			Username        string           `json:"username"`
			ProfileImageURL string           `json:"profile_image_url"`
		} `json:"data"`
		Errors []struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	if err := getIdentity(ctx, c, p, g.AccessToken, &v); err != nil {
		return c.clean(err)
	}
	if v.Data == nil || v.Data.ID == "" {
		if len(v.Errors) > 0 {
			return c.clean(newPlatformError(DetailUnknown, 200, "",
				"%s", withDetail(c.name+" did not return the account", firstOf(v.Errors[0].Detail, v.Errors[0].Title))))
		}
		return c.clean(noIdentity(c.name, 200))
	}
	mergeIdentity(&g.Identity, backend.Identity{
		ExternalID: string(v.Data.ID), Name: v.Data.Name, Handle: v.Data.Username, PictureURL: v.Data.ProfileImageURL,
	})
	return nil
}

func (x *xPlatform) Revoke(ctx context.Context, p *backend.Provider, creds backend.Credentials, access, refresh string) error {
	return x.revoke7009(ctx, p, creds, access, refresh, true)
}

// ---- TikTok ----

// tiktok reads GET /v2/user/info/ and revokes at /v2/oauth/revoke/ with
// client_key, client_secret and the access token.
type tiktok struct{ base }

// tiktokEnvelope is TikTok API v2's reply: {"data":{...},"error":{"code":"ok",...}}.
// OAuth endpoints use {"error":"invalid_request","error_description":...} instead.
type tiktokEnvelope struct {
	Data  json.RawMessage `json:"data"`
	Error json.RawMessage `json:"error"`
	Desc  string          `json:"error_description"`
}

// tiktokError returns the error a TikTok reply carries, or nil.
func tiktokError(name string, r *response) *PlatformError {
	var env tiktokEnvelope
	if json.Unmarshal(bytes.TrimSpace(r.Body), &env) != nil || len(env.Error) == 0 {
		if !r.OK() {
			return statusError(name, r)
		}
		return nil
	}
	var code string
	if json.Unmarshal(env.Error, &code) == nil { // OAuth shape
		if code == "" {
			return nil
		}
		return oauthCodeError(name, r.Status, code, env.Desc)
	}
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		LogID   string `json:"log_id"`
	}
	if json.Unmarshal(env.Error, &e) != nil || e.Code == "" || e.Code == "ok" {
		if !r.OK() {
			return statusError(name, r)
		}
		return nil
	}
	switch e.Code {
	case "access_token_invalid":
		return newPlatformError(DetailInvalidToken, r.Status, reconnectHint, "%s says the token is no longer valid", name)
	case "scope_not_authorized", "scope_permission_missed":
		return newPlatformError(DetailPermission, r.Status, "Connect again and grant every permission asked for.",
			"%s", withDetail(name+" says the token lacks a permission", e.Message))
	case "rate_limit_exceeded":
		return newPlatformError(DetailRateLimited, r.Status, "Wait a few minutes and try again.",
			"%s is limiting requests from this app right now", name)
	case "internal_error":
		return newPlatformError(DetailUnavailable, r.Status, "Try again later.", "%s had an internal problem", name)
	}
	return newPlatformError(DetailUnknown, r.Status, "",
		"%s", withDetail(name+" answered with error "+quote(e.Code), e.Message))
}

func (t *tiktok) Complete(ctx context.Context, p *backend.Provider, creds backend.Credentials, g *backend.Grant) error {
	if err := checkGrant(g); err != nil {
		return err
	}
	c := t.caller(p, creds, g.AccessToken, g.RefreshToken)
	if _, err := endpoint(p.IdentityURL, "", nil); err != nil {
		return missingURL(p, "identity_url")
	}
	r, err := c.Get(ctx, p.IdentityURL, g.AccessToken)
	if err != nil {
		return c.clean(err)
	}
	if pe := tiktokError(c.name, r); pe != nil {
		return c.clean(pe)
	}
	var v struct {
		Data struct {
			User struct {
				OpenID      string `json:"open_id"`
				UnionID     string `json:"union_id"`
				AvatarURL   string `json:"avatar_url"`
				DisplayName string `json:"display_name"`
				Username    string `json:"username"`
			} `json:"user"`
		} `json:"data"`
	}
	if err := c.decode(r, &v); err != nil {
		return c.clean(err)
	}
	u := v.Data.User
	if u.OpenID == "" {
		return c.clean(noIdentity(c.name, r.Status))
	}
	mergeIdentity(&g.Identity, backend.Identity{
		ExternalID: u.OpenID, Name: u.DisplayName, Handle: u.Username, PictureURL: u.AvatarURL,
	})
	return nil
}

func (t *tiktok) Revoke(ctx context.Context, p *backend.Provider, creds backend.Credentials, access, refresh string) error {
	if p.RevokeURL == "" {
		return backend.ErrNoRevocation
	}
	if access == "" {
		return backend.Errorf(backend.EINVALID, "TikTok revokes with the access token, and there is none.")
	}
	if creds.ClientSecret == "" {
		return needSecret(p, "to revoke a token")
	}
	if _, err := endpoint(p.RevokeURL, "", nil); err != nil {
		return missingURL(p, "revoke_url")
	}
	c := t.caller(p, creds, access, refresh)
	form := url.Values{"client_key": {creds.ClientID}, "client_secret": {creds.ClientSecret}, "token": {access}}
	r, err := c.PostForm(ctx, p.RevokeURL, form, "", "")
	if err != nil {
		return c.clean(err)
	}
	if pe := tiktokError(c.name, r); pe != nil {
		if pe.Detail == DetailInvalidToken {
			return nil // already not valid
		}
		return c.clean(pe)
	}
	if trimmed := bytes.TrimSpace(r.Body); len(trimmed) > 0 && oauth.LooksLikeHTML(trimmed) {
		return c.clean(newPlatformError(DetailBadResponse, r.Status, "Check this provider's revoke_url.",
			"%s sent a web page instead of data", c.name))
	}
	return nil
}

// ---- Pinterest ----

// pinterest reads GET /v5/user_account. API v5 has no revocation endpoint.
type pinterest struct{ base }

func (pi *pinterest) Complete(ctx context.Context, p *backend.Provider, creds backend.Credentials, g *backend.Grant) error {
	if err := checkGrant(g); err != nil {
		return err
	}
	c := pi.caller(p, creds, g.AccessToken, g.RefreshToken)
	var v struct {
		ID           oauth.FlexString `json:"id"`
		Username     string           `json:"username"`
		BusinessName string           `json:"business_name"`
		ProfileImage string           `json:"profile_image"`
		AccountType  string           `json:"account_type"`
	}
	if err := getIdentity(ctx, c, p, g.AccessToken, &v); err != nil {
		return c.clean(err)
	}
	id := firstOf(string(v.ID), v.Username)
	if id == "" {
		return c.clean(noIdentity(c.name, 200))
	}
	mergeIdentity(&g.Identity, backend.Identity{
		ExternalID: id, Name: firstOf(v.BusinessName, v.Username), Handle: v.Username, PictureURL: v.ProfileImage,
	})
	return nil
}

func (pi *pinterest) Revoke(ctx context.Context, p *backend.Provider, creds backend.Credentials, access, refresh string) error {
	return pi.revoke7009(ctx, p, creds, access, refresh, true)
}

// ---- Microsoft ----

// microsoft reads Microsoft Graph GET /me. The identity platform cannot
// revoke a single token; the owner removes the app at myapps.microsoft.com.
type microsoft struct{ base }

func (m *microsoft) Complete(ctx context.Context, p *backend.Provider, creds backend.Credentials, g *backend.Grant) error {
	if err := checkGrant(g); err != nil {
		return err
	}
	c := m.caller(p, creds, g.AccessToken, g.RefreshToken)
	var v struct {
		ID                string `json:"id"`
		DisplayName       string `json:"displayName"`
		Mail              string `json:"mail"`
		UserPrincipalName string `json:"userPrincipalName"`
	}
	if err := getIdentity(ctx, c, p, g.AccessToken, &v); err != nil {
		return c.clean(err)
	}
	if v.ID == "" {
		return c.clean(noIdentity(c.name, 200))
	}
	email := v.Mail
	if email == "" && strings.Contains(v.UserPrincipalName, "@") && !strings.Contains(v.UserPrincipalName, "#EXT#") {
		email = v.UserPrincipalName
	}
	mergeIdentity(&g.Identity, backend.Identity{
		ExternalID: v.ID, Name: v.DisplayName, Email: email, Handle: v.UserPrincipalName,
	})
	return nil
}

func (m *microsoft) Revoke(ctx context.Context, p *backend.Provider, creds backend.Credentials, access, refresh string) error {
	return m.revoke7009(ctx, p, creds, access, refresh, true)
}
