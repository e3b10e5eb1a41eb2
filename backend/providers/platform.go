package providers

import (
	"context"
	"net/http"
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
	grantEnded := false
	for _, t := range []struct{ token, hint string }{{refresh, "refresh_token"}, {access, "access_token"}} {
		if t.token == "" {
			continue
		}
		err := b.revokeOne(ctx, c, p, creds, t.token, t.hint, clientAuth)
		switch {
		case err == nil:
			grantEnded = grantEnded || t.hint == "refresh_token"
		case grantEnded:
			// RFC 7009 §2.1: revoking the refresh token ended the grant and
			// its access tokens; a server that will not revoke the access
			// token itself (oidc-provider refuses JWT access tokens) changes
			// nothing.
		case first == nil:
			first = err
		}
	}
	return c.clean(first)
}

func (b *base) revokeOne(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token, hint string, clientAuth bool) error {
	if _, err := endpoint(p.RevokeURL, "", nil); err != nil {
		return missingURL(p, "revoke_url")
	}
	r, outcome, err := oauth.Revoke(ctx, c, p, creds, token, hint, clientAuth)
	switch {
	case err != nil:
		return err
	case outcome == oauth.Revoked:
		return nil
	case outcome == oauth.NotRevoked:
		return newPlatformError(DetailUnknown, r.Status, "Remove the app by hand in the account's settings.",
			"%s did not revoke the token", c.name)
	case outcome == oauth.Unsupported && hint == "refresh_token":
		return nil // the access token is revoked next
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

// userinfo reads the identity at the provider's identity_url
// (oauth.GetUserInfo).
func userinfo(ctx context.Context, c *caller, p *backend.Provider, token string) (backend.Identity, error) {
	if _, err := endpoint(p.IdentityURL, "", nil); err != nil {
		return backend.Identity{}, missingURL(p, "identity_url")
	}
	r, err := oauth.GetUserInfo(ctx, c, p.IdentityURL, token)
	if err != nil {
		return backend.Identity{}, err
	}
	if !r.OK() {
		return backend.Identity{}, statusError(c.name, r)
	}
	var u oauth.UserInfo
	if err := c.decode(r, &u); err != nil {
		return backend.Identity{}, err
	}
	id := u.Identity()
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
