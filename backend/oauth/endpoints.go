package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// The provider endpoints a connected account uses after the sign-in: the
// refresh_token grant (RFC 6749 §6), revocation (RFC 7009), introspection
// (RFC 7662) and userinfo (OpenID Connect Core §5.3). This is the one
// implementation of each request and of reading each reply; backend/
// providers adds the platforms' wording and quirks on top.

// Caller sends one request to a provider and reads its reply. backend/
// providers implements it, wording transport failures in the platform's
// name and keeping the secrets it sends out of every error.
type Caller interface {
	Get(ctx context.Context, rawURL, bearer string) (*Response, error)
	// PostForm sends form; basicUser/basicPass, when set, go in an
	// Authorization: Basic header (RFC 6749 §2.3.1).
	PostForm(ctx context.Context, rawURL string, form url.Values, basicUser, basicPass string) (*Response, error)
}

// PostClient posts form with the client authenticated: HTTP Basic when
// basic, else in the body (AddClientToForm).
func PostClient(ctx context.Context, c Caller, p *backend.Provider, creds backend.Credentials, rawURL string, form url.Values, basic bool) (*Response, error) {
	if basic {
		return c.PostForm(ctx, rawURL, form, creds.ClientID, creds.ClientSecret)
	}
	return c.PostForm(ctx, rawURL, AddClientToForm(form, p, creds), "", "")
}

// ---- The refresh_token grant ----

// RefreshGrant posts the refresh_token grant to p.TokenURL. With
// client_auth unset, a server that refuses Basic (401, invalid_client,
// unauthorized_client) gets the credentials in the body, as x/oauth2's
// auto-detection does: a refused client authentication consumed no
// refresh token.
func RefreshGrant(ctx context.Context, c Caller, p *backend.Provider, creds backend.Credentials, refresh string) (*Response, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}
	basic := BasicAuth(p, creds)
	r, err := PostClient(ctx, c, p, creds, p.TokenURL, form, basic)
	if err != nil || !basic || p.ClientAuth != "" || (r.Status != 400 && r.Status != 401) {
		return r, err
	}
	if code := errorCode(r.Body); r.Status == 401 || code == "invalid_client" || code == "unauthorized_client" {
		return PostClient(ctx, c, p, creds, p.TokenURL, form, false)
	}
	return r, nil
}

// TokenReply is a token endpoint's answer (RFC 6749 §5.1), with the
// refresh-token lifetimes platforms add: refresh_expires_in (Keycloak,
// TikTok), refresh_token_expires_in (LinkedIn, Pinterest, Entra ID) and
// refresh_token_expires_at.
type TokenReply struct {
	AccessToken           string  `json:"access_token"`
	TokenType             string  `json:"token_type"`
	RefreshToken          string  `json:"refresh_token"`
	ExpiresIn             FlexInt `json:"expires_in"`
	RefreshExpiresIn      FlexInt `json:"refresh_expires_in"`
	RefreshTokenExpiresIn FlexInt `json:"refresh_token_expires_in"`
	RefreshTokenExpiresAt FlexInt `json:"refresh_token_expires_at"`
	Scope                 string  `json:"scope"`
}

// ReadTokenReply reads a reply as a token response. ok is false when it is
// none (not 2xx, not JSON, no access_token): the caller words that from
// the reply. A token response that fails CheckTokenResponse is err, and
// must not be stored.
func ReadTokenReply(name string, r *Response) (tr *TokenReply, ok bool, err *FlowError) {
	tr = &TokenReply{}
	if !r.OK() || json.Unmarshal(bytes.TrimSpace(r.Body), tr) != nil || tr.AccessToken == "" {
		return nil, false, nil
	}
	if fe := CheckTokenResponse(name, tr.TokenType, tr.AccessToken, tr.RefreshToken); fe != nil {
		return nil, true, fe
	}
	return tr, true, nil
}

// Grant is the reply as a Grant at now, lifetimes clamped (Lifetime); an
// access token without expires_in lasts defaultAccess (0: unknown).
// RefreshToken is "" when the server sent none: keep the old one.
func (tr *TokenReply) Grant(now time.Time, defaultAccess time.Duration) *backend.Grant {
	g := &backend.Grant{
		AccessToken:  tr.AccessToken,
		RefreshToken: tr.RefreshToken,
		ExpiresAt:    ExpiryAt(now, int64(tr.ExpiresIn), MaxAccessLifetime),
		Scopes:       splitScopes(tr.Scope),
	}
	if len(g.Scopes) == 0 {
		g.Scopes = nil
	}
	if g.ExpiresAt == nil && defaultAccess > 0 {
		t := now.Add(defaultAccess).UTC()
		g.ExpiresAt = &t
	}
	switch {
	case tr.RefreshExpiresIn > 0:
		g.RefreshExpiresAt = ExpiryAt(now, int64(tr.RefreshExpiresIn), MaxRefreshLifetime)
	case tr.RefreshTokenExpiresIn > 0:
		g.RefreshExpiresAt = ExpiryAt(now, int64(tr.RefreshTokenExpiresIn), MaxRefreshLifetime)
	case tr.RefreshTokenExpiresAt > 0:
		g.RefreshExpiresAt = UnixTime(int64(tr.RefreshTokenExpiresAt))
	}
	return g
}

// MaxUnixTime is the last second of year 9999, the latest date a store or
// JSON can hold.
const MaxUnixTime = 253402300799

// UnixTime reads a Unix time in seconds, or in milliseconds when it is that
// large (LinkedIn uses both); nil for 0 or less and past MaxUnixTime.
func UnixTime(n int64) *time.Time {
	if n > 100_000_000_000 {
		n /= 1000
	}
	if n <= 0 || n > MaxUnixTime {
		return nil
	}
	t := time.Unix(n, 0).UTC()
	return &t
}

// ---- Revocation ----

// Revocation is what a revocation endpoint said about one token.
type Revocation int

const (
	// Revoked: 200 (RFC 7009 §2.2), or the token was already invalid
	// (invalid_token, invalid_grant: Google answers 400), which is what
	// revocation is for.
	Revoked Revocation = iota
	// NotRevoked: a 200 that says it did not revoke (X's {"revoked": false}).
	NotRevoked
	// Unsupported: unsupported_token_type (§2.2.1) for this kind of token.
	Unsupported
	// Failed: any other error reply; the caller words it.
	Failed
)

// Revoke posts one token to p.RevokeURL (RFC 7009 §2.1) with its
// token_type_hint; the client authenticates (BasicAuth) when clientAuth,
// else the request carries only the token (Google's endpoint).
func Revoke(ctx context.Context, c Caller, p *backend.Provider, creds backend.Credentials, token, hint string, clientAuth bool) (*Response, Revocation, error) {
	form := url.Values{"token": {token}, "token_type_hint": {hint}}
	var r *Response
	var err error
	if clientAuth {
		r, err = PostClient(ctx, c, p, creds, p.RevokeURL, form, BasicAuth(p, creds))
	} else {
		r, err = c.PostForm(ctx, p.RevokeURL, form, "", "")
	}
	if err != nil {
		return nil, Failed, err
	}
	if r.OK() {
		var v struct {
			Revoked *bool `json:"revoked"`
		}
		if json.Unmarshal(r.Body, &v) == nil && v.Revoked != nil && !*v.Revoked {
			return r, NotRevoked, nil
		}
		return r, Revoked, nil
	}
	switch errorCode(r.Body) {
	case "invalid_token", "invalid_grant":
		return r, Revoked, nil
	case "unsupported_token_type":
		return r, Unsupported, nil
	}
	return r, Failed, nil
}

// ---- Introspection ----

// Introspection is an RFC 7662 reply (§2.2), with LinkedIn's status and
// expires_at.
type Introspection struct {
	Active    *bool      `json:"active"`
	Status    string     `json:"status"`
	Exp       FlexInt    `json:"exp"`
	ExpiresAt FlexInt    `json:"expires_at"`
	Scope     string     `json:"scope"`
	Sub       FlexString `json:"sub"`
	Username  string     `json:"username"`
}

// Expiry is the token's expiry the reply gives, nil when none.
func (in *Introspection) Expiry() *time.Time {
	if in.Exp > 0 {
		return UnixTime(int64(in.Exp))
	}
	return UnixTime(int64(in.ExpiresAt))
}

// Scopes are the reply's scope, split; nil when none.
func (in *Introspection) Scopes() []string {
	if s := splitScopes(in.Scope); len(s) > 0 {
		return s
	}
	return nil
}

// Introspect posts the token to p.IntrospectURL (RFC 7662 §2.1); hint, when
// set, is its token_type_hint. The client authenticates as basic says
// (HTTP Basic, else in the body).
func Introspect(ctx context.Context, c Caller, p *backend.Provider, creds backend.Credentials, token, hint string, basic bool) (*Response, error) {
	form := url.Values{"token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	return PostClient(ctx, c, p, creds, p.IntrospectURL, form, basic)
}

// ---- Userinfo ----

// UserInfo is an OpenID Connect userinfo reply (Core §5.3.2, standard
// claims §5.1), with the members common non-OpenID profile endpoints use
// instead.
type UserInfo struct {
	Sub               FlexString `json:"sub"`
	ID                FlexString `json:"id"`
	Name              string     `json:"name"`
	GivenName         string     `json:"given_name"`
	FamilyName        string     `json:"family_name"`
	Email             string     `json:"email"`
	PreferredUsername string     `json:"preferred_username"`
	Username          string     `json:"username"`
	Login             string     `json:"login"`
	Picture           FlexString `json:"picture"`
	AvatarURL         string     `json:"avatar_url"`
}

// Identity is who the reply names; ExternalID is "" when it names no one.
func (u *UserInfo) Identity() backend.Identity {
	return backend.Identity{
		ExternalID: first(string(u.Sub), string(u.ID)),
		Name:       first(u.Name, strings.TrimSpace(u.GivenName+" "+u.FamilyName)),
		Email:      strings.TrimSpace(u.Email),
		Handle:     first(u.PreferredUsername, u.Username, u.Login),
		PictureURL: first(string(u.Picture), u.AvatarURL),
	}
}

// GetUserInfo asks the userinfo (identity) endpoint with the access token
// as a bearer (RFC 6750 §2.1).
func GetUserInfo(ctx context.Context, c Caller, rawURL, token string) (*Response, error) {
	return c.Get(ctx, rawURL, token)
}

// errorCode is the error member of an OAuth error reply (RFC 6749 §5.2).
func errorCode(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Error
}

func first(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
