package providers

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

// instagram (Instagram API with Instagram Login) turns the short-lived
// token into a long-lived one and reads the professional account's profile.
// There is no revocation endpoint.
type instagram struct{ base }

func (in *instagram) get(ctx context.Context, c *caller, rawURL string, out any) error {
	r, err := c.Get(ctx, rawURL, "")
	if err != nil {
		return err
	}
	return graphReply(c, "instagram.com", r, out)
}

// longLived reads the reply of ig_exchange_token and ig_refresh_token.
func (in *instagram) longLived(ctx context.Context, c *caller, p *backend.Provider, path string, q url.Values, now time.Time) (*backend.Grant, error) {
	u, err := endpoint(p.GraphURL, path, q)
	if err != nil {
		return nil, missingURL(p, "graph_url")
	}
	var v exchangeReply
	if err := in.get(ctx, c, u, &v); err != nil {
		return nil, err
	}
	if v.AccessToken == "" {
		return nil, newPlatformError(DetailBadResponse, 200, "Try connecting again.", "%s did not send a long-lived token", c.name)
	}
	c.hide(v.AccessToken)
	g := &backend.Grant{AccessToken: v.AccessToken, ExpiresAt: expiry(now, v.ExpiresIn)}
	if g.ExpiresAt == nil && p.Lifetimes.Access > 0 {
		t := now.Add(p.Lifetimes.Access).UTC()
		g.ExpiresAt = &t
	}
	return g, nil
}

func (in *instagram) Complete(ctx context.Context, p *backend.Provider, creds backend.Credentials, g *backend.Grant) error {
	if err := checkGrant(g); err != nil {
		return err
	}
	if creds.ClientSecret == "" {
		return needSecret(p, "to make a long-lived token")
	}
	c := in.caller(p, creds, g.AccessToken, g.RefreshToken)
	q := url.Values{"grant_type": {"ig_exchange_token"}, "client_secret": {creds.ClientSecret}, "access_token": {g.AccessToken}}
	ll, err := in.longLived(ctx, c, p, "access_token", q, in.now())
	if err != nil {
		return c.clean(err)
	}
	g.AccessToken, g.ExpiresAt = ll.AccessToken, ll.ExpiresAt

	u, err := endpoint(p.IdentityURL, "", url.Values{"access_token": {g.AccessToken}})
	if p.IdentityURL == "" {
		u, err = endpoint(p.GraphURL, "me", url.Values{
			"fields": {"id,user_id,username,name,profile_picture_url"}, "access_token": {g.AccessToken},
		})
	}
	if err != nil {
		return c.clean(missingURL(p, "identity_url"))
	}
	// The profile comes either bare or as {"data":[{...}]}.
	var raw json.RawMessage
	if err := in.get(ctx, c, u, &raw); err != nil {
		return c.clean(err)
	}
	type profile struct {
		ID                oauth.FlexString `json:"id"`
		UserID            oauth.FlexString `json:"user_id"`
		Username          string           `json:"username"`
		Name              string           `json:"name"`
		ProfilePictureURL string           `json:"profile_picture_url"`
	}
	var me profile
	var wrapped struct {
		Data []profile `json:"data"`
	}
	if json.Unmarshal(raw, &wrapped) == nil && len(wrapped.Data) > 0 {
		me = wrapped.Data[0]
	} else if json.Unmarshal(raw, &me) != nil {
		return c.clean(noIdentity(c.name, 200))
	}
	// user_id is the professional account's Instagram id; id is app-scoped.
	id := firstOf(string(me.UserID), string(me.ID))
	if id == "" {
		return c.clean(noIdentity(c.name, 200))
	}
	mergeIdentity(&g.Identity, backend.Identity{
		ExternalID: id, Name: firstOf(me.Name, me.Username), Handle: me.Username, PictureURL: me.ProfilePictureURL,
	})
	return nil
}

// Revoke: Instagram offers no revocation endpoint; the owner removes the
// app at access_settings_url. A revoke_url set in providers.yaml is used
// as an RFC 7009 endpoint.
func (in *instagram) Revoke(ctx context.Context, p *backend.Provider, creds backend.Credentials, access, refresh string) error {
	return in.revoke7009(ctx, p, creds, access, refresh, true)
}
