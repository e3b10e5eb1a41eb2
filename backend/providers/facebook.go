package providers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

// maxPages bounds how many pages of a Graph list are followed.
const maxPages = 50

// facebook turns the short-lived user token into a long-lived one and
// collects identity, granted permissions, data access expiry and Pages.
type facebook struct{ base }

// appSecretProof is the HMAC-SHA256 of the token keyed with the app secret,
// which apps with "Require App Secret" must send on every call.
func appSecretProof(token, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// graphQuery adds the token (and its proof, when the secret is known).
func graphQuery(q url.Values, token, secret string) url.Values {
	if q == nil {
		q = url.Values{}
	}
	q.Set("access_token", token)
	if secret != "" {
		q.Set("appsecret_proof", appSecretProof(token, secret))
	}
	return q
}

// graphReply checks a Graph reply and decodes it into out.
func graphReply(c *caller, site string, r *response, out any) error {
	if pe := graphError(c.name, site, r.Status, r.Body); pe != nil {
		return attachRetry(pe, r, time.Now())
	}
	if !r.OK() {
		return attachRetry(statusError(c.name, r), r, time.Now())
	}
	return c.decode(r, out)
}

func (f *facebook) get(ctx context.Context, c *caller, p *backend.Provider, path string, q url.Values, out any) error {
	u, err := endpoint(p.GraphURL, path, q)
	if err != nil {
		return missingURL(p, "graph_url")
	}
	r, err := c.Get(ctx, u, "")
	if err != nil {
		return err
	}
	return graphReply(c, "facebook.com", r, out)
}

func needSecret(p *backend.Provider, why string) error {
	name := p.Name
	if name == "" {
		name = p.ID
	}
	return newPlatformError(DetailAppConfig, 0, "Save the app secret from the developer console with this provider's credentials.",
		"%s needs the app secret %s.", name, why)
}

type exchangeReply struct {
	AccessToken string        `json:"access_token"`
	TokenType   string        `json:"token_type"`
	ExpiresIn   oauth.FlexInt `json:"expires_in"`
}

// facebookExchange trades a valid Facebook user token for a long-lived one
// (GET {graph_url}/oauth/access_token?grant_type=fb_exchange_token). It is
// also how Facebook tokens are renewed (backend.RefreshFacebook): an
// expired token cannot be exchanged.
func facebookExchange(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string, now time.Time) (*backend.Grant, error) {
	if creds.ClientSecret == "" {
		return nil, needSecret(p, "to make a long-lived token")
	}
	if creds.ClientID == "" || token == "" {
		return nil, backend.Errorf(backend.EINVALID, "The app id and a token are needed to make a long-lived token.")
	}
	var v exchangeReply
	q := url.Values{
		"grant_type": {"fb_exchange_token"}, "client_id": {creds.ClientID},
		"client_secret": {creds.ClientSecret}, "fb_exchange_token": {token},
	}
	u, err := endpoint(p.GraphURL, "oauth/access_token", q)
	if err != nil {
		return nil, missingURL(p, "graph_url")
	}
	r, err := c.Get(ctx, u, "")
	if err != nil {
		return nil, err
	}
	if err := graphReply(c, "facebook.com", r, &v); err != nil {
		return nil, err
	}
	if v.AccessToken == "" {
		return nil, newPlatformError(DetailBadResponse, r.Status, "Try connecting again.",
			"%s did not send a long-lived token", c.name)
	}
	c.hide(v.AccessToken)
	g := &backend.Grant{AccessToken: v.AccessToken, ExpiresAt: expiry(now, v.ExpiresIn)}
	if g.ExpiresAt == nil && p.Lifetimes.Access > 0 {
		t := now.Add(p.Lifetimes.Access).UTC()
		g.ExpiresAt = &t
	}
	return g, nil
}

// debugInfo is the data of GET /debug_token.
type debugInfo struct {
	AppID               oauth.FlexString `json:"app_id"`
	Type                string           `json:"type"`
	IsValid             bool             `json:"is_valid"`
	ExpiresAt           *oauth.FlexInt   `json:"expires_at"`
	DataAccessExpiresAt oauth.FlexInt    `json:"data_access_expires_at"`
	Scopes              []string         `json:"scopes"`
	GranularScopes      []struct {
		Scope     string             `json:"scope"`
		TargetIDs []oauth.FlexString `json:"target_ids"`
	} `json:"granular_scopes"`
	UserID    oauth.FlexString `json:"user_id"`
	ProfileID oauth.FlexString `json:"profile_id"` // the Page, for Page tokens
	Error     *struct {
		Code    oauth.FlexInt `json:"code"`
		Message string        `json:"message"`
		Subcode oauth.FlexInt `json:"subcode"`
	} `json:"error"`
}

func (f *facebook) debugToken(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string) (*debugInfo, error) {
	var v struct {
		Data *debugInfo `json:"data"`
	}
	appToken := creds.ClientID + "|" + creds.ClientSecret
	c.hide(appToken)
	q := url.Values{"input_token": {token}, "access_token": {appToken}}
	if err := f.get(ctx, c, p, "debug_token", q, &v); err != nil {
		return nil, err
	}
	if v.Data == nil {
		return nil, newPlatformError(DetailBadResponse, 200, "", "%s sent no token details", c.name)
	}
	return v.Data, nil
}

func (f *facebook) Complete(ctx context.Context, p *backend.Provider, creds backend.Credentials, g *backend.Grant) error {
	if err := checkGrant(g); err != nil {
		return err
	}
	c := f.caller(p, creds, g.AccessToken, g.RefreshToken)
	err := f.complete(ctx, c, p, creds, g)
	return c.clean(err)
}

func (f *facebook) complete(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, g *backend.Grant) error {
	now := f.now()
	ll, err := facebookExchange(ctx, c, p, creds, g.AccessToken, now)
	if err != nil {
		return err
	}
	g.AccessToken, g.ExpiresAt = ll.AccessToken, ll.ExpiresAt
	token, secret := g.AccessToken, creds.ClientSecret

	// Token details: the real expiry (0 = never), data access expiry.
	// Best effort: the calls below validate the token anyway.
	if info, err := f.debugToken(ctx, c, p, creds, token); err == nil {
		if !info.IsValid {
			if info.Error != nil {
				return graphCodeError(c.name, "facebook.com", 200, int(info.Error.Code), int(info.Error.Subcode), info.Error.Message, false)
			}
			return newPlatformError(DetailInvalidToken, 200, reconnectHint, "%s says the new token is not valid", c.name)
		}
		if info.ExpiresAt != nil {
			g.ExpiresAt = unixTime(*info.ExpiresAt) // 0: never expires
		}
		g.DataAccessExpiresAt = unixTime(info.DataAccessExpiresAt)
		g.Scopes = info.Scopes
	}
	if g.DataAccessExpiresAt == nil && p.Lifetimes.DataAccess > 0 {
		t := now.Add(p.Lifetimes.DataAccess).UTC()
		g.DataAccessExpiresAt = &t
	}

	// Who the token belongs to.
	var me struct {
		ID      oauth.FlexString `json:"id"`
		Name    string           `json:"name"`
		Email   string           `json:"email"`
		Picture struct {
			Data struct {
				URL string `json:"url"`
			} `json:"data"`
		} `json:"picture"`
	}
	if p.IdentityURL != "" {
		u, err := endpoint(p.IdentityURL, "", graphQuery(nil, token, secret))
		if err != nil {
			return missingURL(p, "identity_url")
		}
		r, err := c.Get(ctx, u, "")
		if err != nil {
			return err
		}
		if err := graphReply(c, "facebook.com", r, &me); err != nil {
			return err
		}
	} else if err := f.get(ctx, c, p, "me", graphQuery(url.Values{"fields": {"id,name,email,picture"}}, token, secret), &me); err != nil {
		return err
	}
	if me.ID == "" {
		return noIdentity(c.name, 200)
	}
	mergeIdentity(&g.Identity, backend.Identity{
		ExternalID: string(me.ID), Name: me.Name, Email: me.Email, PictureURL: me.Picture.Data.URL,
	})

	// Granted permissions: Facebook's token reply has no scope field.
	var granted []string
	err = f.list(ctx, c, p, "me/permissions", graphQuery(nil, token, secret), func(raw json.RawMessage) {
		var perm struct {
			Permission string `json:"permission"`
			Status     string `json:"status"`
		}
		if json.Unmarshal(raw, &perm) == nil && perm.Status == "granted" && perm.Permission != "" {
			granted = append(granted, perm.Permission)
		}
	})
	if err != nil {
		return err
	}
	if len(granted) > 0 {
		g.Scopes = granted
	}

	// Pages, each with its own token. Without pages_show_list there are none.
	var pages []backend.Asset
	q := graphQuery(url.Values{"fields": {"id,name,access_token,tasks"}, "limit": {"100"}}, token, secret)
	err = f.list(ctx, c, p, "me/accounts", q, func(raw json.RawMessage) {
		var pg struct {
			ID          oauth.FlexString `json:"id"`
			Name        string           `json:"name"`
			AccessToken string           `json:"access_token"`
			Tasks       []string         `json:"tasks"`
		}
		if json.Unmarshal(raw, &pg) != nil || pg.ID == "" {
			return
		}
		c.hide(pg.AccessToken)
		pages = append(pages, backend.Asset{
			ExternalID: string(pg.ID), Name: pg.Name, Kind: "page", AccessToken: pg.AccessToken,
			// A Page's tasks (MANAGE, CREATE_CONTENT, MODERATE, ...)
			// decide what its token can do.
			Scopes: pg.Tasks,
		})
	})
	if err != nil && DetailOf(err) != DetailPermission {
		return err
	}
	g.Assets = pages
	return nil
}

// list reads a Graph list, following paging.next on the same host, at most
// maxPages pages.
func (f *facebook) list(ctx context.Context, c *caller, p *backend.Provider, path string, q url.Values, each func(json.RawMessage)) error {
	next, err := endpoint(p.GraphURL, path, q)
	if err != nil {
		return missingURL(p, "graph_url")
	}
	for page := 0; next != "" && page < maxPages; page++ {
		r, err := c.Get(ctx, next, "")
		if err != nil {
			return err
		}
		var v struct {
			Data   []json.RawMessage `json:"data"`
			Paging struct {
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := graphReply(c, "facebook.com", r, &v); err != nil {
			return err
		}
		for _, d := range v.Data {
			each(d)
		}
		if len(v.Data) == 0 || !sameHost(v.Paging.Next, p.GraphURL) {
			break
		}
		next = v.Paging.Next
	}
	return nil
}

// sameHost says whether link points at the same scheme and host as base,
// so a token in its query never goes elsewhere.
func sameHost(link, base string) bool {
	l, err1 := url.Parse(link)
	b, err2 := url.Parse(base)
	return err1 == nil && err2 == nil && link != "" && l.Scheme == b.Scheme && l.Host == b.Host
}

// Revoke removes the app from the account: DELETE {graph_url}/me/permissions.
func (f *facebook) Revoke(ctx context.Context, p *backend.Provider, creds backend.Credentials, access, refresh string) error {
	if access == "" {
		return backend.Errorf(backend.EINVALID, "There is no token to revoke.")
	}
	c := f.caller(p, creds, access, refresh)
	u, err := endpoint(p.GraphURL, "me/permissions", graphQuery(nil, access, creds.ClientSecret))
	if err != nil {
		return missingURL(p, "graph_url")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, u, nil)
	if err != nil {
		return c.urlError()
	}
	r, err := c.do(req)
	if err != nil {
		return c.clean(err)
	}
	var v struct {
		Success bool `json:"success"`
	}
	if err := graphReply(c, "facebook.com", r, &v); err != nil {
		if pe, ok := err.(*PlatformError); ok {
			if pe.Detail == DetailAppRemoved {
				return nil // already removed: what revocation was for
			}
			if pe.NeedsReconnect() && p.AccessSettingsURL != "" {
				pe.Err = pe.Err.WithHint("The token no longer works, so it cannot remove the app; the owner can remove it at " + p.AccessSettingsURL + ".")
			}
		}
		return c.clean(err)
	}
	if !v.Success {
		return c.clean(newPlatformError(DetailUnknown, r.Status, removeByHand(p), "%s did not confirm that the app was removed", c.name))
	}
	return nil
}

func removeByHand(p *backend.Provider) string {
	if p.AccessSettingsURL == "" {
		return "Remove the app by hand in the account's settings."
	}
	return "The owner can remove the app by hand at " + p.AccessSettingsURL + "."
}
