package providers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// instagram (Instagram API with Instagram Login) turns the short-lived
// token into a long-lived one and reads the professional account's profile.
// There is no revocation endpoint.
type instagram struct{ base }

func (in *instagram) get(ctx context.Context, c *caller, rawURL string, out any) error {
	r, err := c.get(ctx, rawURL, "")
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
		return nil, newPlatformError(ReasonBadResponse, 200, "Try connecting again.", "%s did not send a long-lived token", c.name)
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
		ID                flexString `json:"id"`
		UserID            flexString `json:"user_id"`
		Username          string     `json:"username"`
		Name              string     `json:"name"`
		ProfilePictureURL string     `json:"profile_picture_url"`
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

// InstagramRefresh renews a long-lived Instagram token that is at least 24
// hours old and not expired (GET {graph_url}/refresh_access_token?
// grant_type=ig_refresh_token); the new one is valid for 60 days. A token
// the platform finds too young gives ErrTooSoon. client may be nil.
func InstagramRefresh(ctx context.Context, client *http.Client, p *backend.Provider, token string) (*backend.Grant, error) {
	if token == "" {
		return nil, backend.Errorf(backend.EINVALID, "There is no token to renew.")
	}
	k := &checker{base: base{client: client, now: time.Now}, kind: "instagram"}
	c := newCaller(client, p, token)
	g, err := k.refreshInstagram(ctx, c, p, token)
	return g, c.clean(err)
}
