package providers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

// PlatformFor returns the platform-specific steps for a provider, with the
// default HTTP client (30 s timeout, no redirects to other hosts). Custom
// providers get the generic OpenID / RFC 7009 steps.
//
// Errors from Complete and Revoke are *PlatformError (a *backend.Error with
// a Reason) or *backend.Error, and never show a token or secret. Revoke
// returns backend.ErrNoRevocation itself (comparable with ==) when the
// platform cannot revoke; the caller then sends the owner to the
// provider's AccessSettingsURL.
func PlatformFor(p *backend.Provider) backend.Platform {
	return NewPlatform(p, nil)
}

// NewPlatform is PlatformFor with an injected HTTP client; nil means the
// default one. Every URL it calls comes from the provider's fields
// (identity_url, graph_url, revoke_url), so providers.yaml and tests can
// point them at fakes.
func NewPlatform(p *backend.Provider, client *http.Client) backend.Platform {
	b := base{client: client, now: time.Now}
	if p == nil || p.Custom {
		return &generic{base: b}
	}
	switch p.ID {
	case "facebook":
		return &facebook{base: b}
	case "instagram":
		return &instagram{base: b}
	case "linkedin":
		return &openID{base: b, revokeClientAuth: true}
	case "google":
		// Google's revoke endpoint takes only the token.
		return &openID{base: b, revokeClientAuth: false}
	case "x":
		return &xPlatform{base: b}
	case "tiktok":
		return &tiktok{base: b}
	case "pinterest":
		return &pinterest{base: b}
	case "microsoft":
		return &microsoft{base: b}
	}
	return &generic{base: b}
}

// base holds what every platform shares.
type base struct {
	client *http.Client
	now    func() time.Time
}

func (b *base) caller(p *backend.Provider, creds backend.Credentials, tokens ...string) *caller {
	return newCaller(b.client, p, append(tokens, creds.ClientSecret)...)
}

func checkGrant(g *backend.Grant) error {
	if g == nil || g.AccessToken == "" {
		return backend.Errorf(backend.EINTERNAL, "There is no access token to complete the connection with.")
	}
	return nil
}

// revoke7009 revokes the refresh token, then the access token, at the
// provider's revocation endpoint (RFC 7009); without one it returns
// backend.ErrNoRevocation.
func (b *base) revoke7009(ctx context.Context, p *backend.Provider, creds backend.Credentials, access, refresh string, clientAuth bool) error {
	if p.RevokeURL == "" {
		return backend.ErrNoRevocation
	}
	if access == "" && refresh == "" {
		return backend.Errorf(backend.EINVALID, "There is no token to revoke.")
	}
	c := b.caller(p, creds, access, refresh)
	var first error
	for _, t := range []struct{ token, hint string }{{refresh, "refresh_token"}, {access, "access_token"}} {
		if t.token == "" {
			continue
		}
		if err := b.revokeOne(ctx, c, p, creds, t.token, t.hint, clientAuth); err != nil && first == nil {
			first = err
		}
	}
	return c.clean(first)
}

func (b *base) revokeOne(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token, hint string, clientAuth bool) error {
	if _, err := endpoint(p.RevokeURL, "", nil); err != nil {
		return missingURL(p, "revoke_url")
	}
	form := url.Values{"token": {token}, "token_type_hint": {hint}}
	var r *response
	var err error
	if clientAuth {
		r, err = c.postClient(ctx, p, creds, p.RevokeURL, form, oauth.BasicAuth(p, creds))
	} else {
		r, err = c.postForm(ctx, p.RevokeURL, form, "", "")
	}
	if err != nil {
		return err
	}
	if r.OK() {
		// X answers {"revoked": true}; most others an empty body.
		var v struct {
			Revoked *bool `json:"revoked"`
		}
		if json.Unmarshal(r.Body, &v) == nil && v.Revoked != nil && !*v.Revoked {
			return newPlatformError(DetailUnknown, r.Status, "Remove the app by hand in the account's settings.",
				"%s did not revoke the token", c.name)
		}
		return nil
	}
	code, _, _ := parseErrorBody(r.Body)
	switch code {
	case "invalid_token", "invalid_grant":
		// Already expired or revoked (Google answers 400 invalid_token):
		// what revocation was for.
		return nil
	case "unsupported_token_type":
		if hint == "refresh_token" {
			return nil // the access token is revoked next
		}
	}
	return statusError(c.name, r)
}

// ---- generic: custom providers ----

// generic fills the identity from an OpenID Connect userinfo endpoint and
// revokes per RFC 7009.
type generic struct{ base }

func (g *generic) Complete(ctx context.Context, p *backend.Provider, creds backend.Credentials, gr *backend.Grant) error {
	if err := checkGrant(gr); err != nil {
		return err
	}
	if gr.Identity.ExternalID != "" || p.IdentityURL == "" {
		return nil
	}
	c := g.caller(p, creds, gr.AccessToken, gr.RefreshToken)
	id, err := userinfo(ctx, c, p, gr.AccessToken)
	if err != nil {
		return c.clean(err)
	}
	mergeIdentity(&gr.Identity, id)
	return nil
}

func (g *generic) Revoke(ctx context.Context, p *backend.Provider, creds backend.Credentials, access, refresh string) error {
	return g.revoke7009(ctx, p, creds, access, refresh, true)
}

// ---- OpenID Connect platforms: Google, LinkedIn ----

type openID struct {
	base
	revokeClientAuth bool
}

func (o *openID) Complete(ctx context.Context, p *backend.Provider, creds backend.Credentials, gr *backend.Grant) error {
	if err := checkGrant(gr); err != nil {
		return err
	}
	c := o.caller(p, creds, gr.AccessToken, gr.RefreshToken)
	id, err := userinfo(ctx, c, p, gr.AccessToken)
	if err != nil {
		return c.clean(err)
	}
	mergeIdentity(&gr.Identity, id)
	return nil
}

func (o *openID) Revoke(ctx context.Context, p *backend.Provider, creds backend.Credentials, access, refresh string) error {
	return o.revoke7009(ctx, p, creds, access, refresh, o.revokeClientAuth)
}

// userinfoBody is an OpenID Connect userinfo reply, with the fields
// common non-OpenID profile endpoints use as fallbacks.
type userinfoBody struct {
	Sub               flexString `json:"sub"`
	ID                flexString `json:"id"`
	Name              string     `json:"name"`
	GivenName         string     `json:"given_name"`
	FamilyName        string     `json:"family_name"`
	Email             string     `json:"email"`
	PreferredUsername string     `json:"preferred_username"`
	Username          string     `json:"username"`
	Login             string     `json:"login"`
	Picture           flexString `json:"picture"`
	AvatarURL         string     `json:"avatar_url"`
}

// userinfo reads the identity at the provider's identity_url.
func userinfo(ctx context.Context, c *caller, p *backend.Provider, token string) (backend.Identity, error) {
	if _, err := endpoint(p.IdentityURL, "", nil); err != nil {
		return backend.Identity{}, missingURL(p, "identity_url")
	}
	r, err := c.get(ctx, p.IdentityURL, token)
	if err != nil {
		return backend.Identity{}, err
	}
	if !r.OK() {
		return backend.Identity{}, statusError(c.name, r)
	}
	var u userinfoBody
	if err := c.decode(r, &u); err != nil {
		return backend.Identity{}, err
	}
	id := backend.Identity{
		ExternalID: firstOf(string(u.Sub), string(u.ID)),
		Name:       firstOf(u.Name, strings.TrimSpace(u.GivenName+" "+u.FamilyName)),
		Email:      u.Email,
		Handle:     firstOf(u.PreferredUsername, u.Username, u.Login),
		PictureURL: firstOf(string(u.Picture), u.AvatarURL),
	}
	if id.ExternalID == "" {
		return id, noIdentity(c.name, r.Status)
	}
	return id, nil
}

func noIdentity(name string, status int) error {
	return newPlatformError(DetailBadResponse, status, "Check this provider's identity_url.",
		"%s did not say whose account the token belongs to", name)
}

// mergeIdentity copies the non-empty fields of from into to.
func mergeIdentity(to *backend.Identity, from backend.Identity) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&to.ExternalID, from.ExternalID)
	set(&to.Name, from.Name)
	set(&to.Email, from.Email)
	set(&to.Handle, from.Handle)
	set(&to.PictureURL, from.PictureURL)
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
