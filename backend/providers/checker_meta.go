package providers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

// ---- Facebook ----

// debugToken calls GET {graph_url}/debug_token with the app token
// (APP_ID|APP_SECRET) and returns the token's details and the reply.
func (k *checker) debugToken(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string) (*debugInfo, *response, error) {
	appToken := creds.ClientID + "|" + creds.ClientSecret
	c.hide(appToken)
	u, err := endpoint(p.GraphURL, "debug_token", url.Values{"input_token": {token}, "access_token": {appToken}})
	if err != nil {
		return nil, nil, missingURL(p, "graph_url")
	}
	r, err := c.Get(ctx, u, "")
	if err != nil {
		return nil, nil, err
	}
	if pe := graphError(c.name, "facebook.com", r.Status, r.Body); pe != nil {
		switch pe.ReasonCode() {
		case backend.ReasonRateLimited, backend.ReasonProviderDown, backend.ReasonNetwork:
		default:
			// An error outside data is about the request and the app
			// token (wrong App ID or secret, a token of another app),
			// never a verdict on the token checked: that one's problems
			// come in data.error with is_valid false.
			pe = newPlatformError(DetailAppConfig, r.Status, "Check the App ID and App Secret saved for "+c.name+"; the token must come from the same app.",
				"%s", withDetail(c.name+" refused to check the token with this app's credentials", graphMessage(r.Body)))
		}
		return nil, r, k.fail(pe, r)
	}
	if !r.OK() {
		return nil, r, k.fail(statusError(c.name, r), r)
	}
	var v struct {
		Data *debugInfo `json:"data"`
	}
	if err := c.decode(r, &v); err != nil {
		return nil, r, err
	}
	if v.Data == nil {
		return nil, r, newPlatformError(DetailBadResponse, r.Status, "Try again later.", "%s sent no token details", c.name)
	}
	return v.Data, r, nil
}

// graphMessage is the message of a Graph error body, or "".
func graphMessage(body []byte) string {
	var b graphErrorBody
	if json.Unmarshal(body, &b) != nil || b.Error == nil {
		return ""
	}
	return b.Error.Message
}

// pageIDs is the union of the target_ids of the pages_* permissions in
// debug_token's granular_scopes, sorted: the Pages the grant reaches. It is
// nil when no pages_* permission lists targets (the platform did not say,
// or the grant is not limited to chosen Pages).
func pageIDs(info *debugInfo) []string {
	seen := map[string]bool{}
	for _, g := range info.GranularScopes {
		if !strings.HasPrefix(g.Scope, "pages_") {
			continue
		}
		for _, id := range g.TargetIDs {
			if id != "" {
				seen[string(id)] = true
			}
		}
	}
	if len(seen) == 0 {
		return nil
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// validateFacebook asks debug_token about the token (user or Page). Without
// the app secret it can only call /me with the token, and says the check
// was partial.
func (k *checker) validateFacebook(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string) (*backend.Validation, error) {
	if creds.ClientID == "" || creds.ClientSecret == "" {
		v, err := k.graphMe(ctx, c, p, "facebook.com", url.Values{"fields": {"id,name"}, "access_token": {token}})
		if v != nil {
			v.Message = "Partial check: without the app secret Tokenwarden could only confirm that " + c.name +
				" accepts the token, not when it expires or which permissions and Pages it has. Save the app secret for a full check."
		}
		return v, err
	}
	info, r, err := k.debugToken(ctx, c, p, creds, token)
	if err != nil {
		return nil, err
	}
	now := k.now()
	v := &backend.Validation{
		Valid:               info.IsValid,
		DataAccessExpiresAt: unixTime(info.DataAccessExpiresAt),
		Scopes:              info.Scopes,
		AssetIDs:            pageIDs(info),
		Usage:               usageOf(r.Header, now),
	}
	if info.ExpiresAt != nil {
		v.ExpiresAt = unixTime(*info.ExpiresAt) // 0: never expires
	}
	isPage := strings.EqualFold(info.Type, "PAGE")
	if id := string(info.UserID); id != "" || info.ProfileID != "" {
		if isPage && info.ProfileID != "" {
			id = string(info.ProfileID)
		}
		v.Identity = &backend.Identity{ExternalID: id}
	}
	switch {
	case !info.IsValid && info.Error != nil:
		pe := refused(p, graphCodeError(c.name, "facebook.com", r.Status, int(info.Error.Code), int(info.Error.Subcode), info.Error.Message, false))
		v.Reason, v.Message = pe.ReasonCode(), pe.Err.Message
		if !backend.IsVerdict(v.Reason) {
			// data.error always concerns the token, even with a code
			// that elsewhere means something else.
			v.Reason = backend.ReasonUnknown
		}
	case !info.IsValid && v.ExpiresAt != nil && !v.ExpiresAt.After(now):
		v.Reason, v.Message = backend.ReasonExpired, fmt.Sprintf("The %s token has expired.", c.name)
	case !info.IsValid:
		v.Reason, v.Message = backend.ReasonUnknown, fmt.Sprintf("%s says the token is not valid, without saying why.", c.name)
	case !isPage && v.DataAccessExpiresAt != nil && !v.DataAccessExpiresAt.After(now):
		// The token still "works", but reads no user data until the
		// owner logs in again (data access lasts 90 days from their last
		// visit to the app).
		v.Valid = false
		v.Reason = backend.ReasonExpired
		v.Message = fmt.Sprintf("%s's data access for this login ended on %s; the owner must log in again to renew it.",
			c.name, v.DataAccessExpiresAt.Format("2 January 2006"))
	}
	return v, nil
}

// graphMe checks a token with GET {graph_url}/me (Facebook without the app
// secret, Instagram).
func (k *checker) graphMe(ctx context.Context, c *caller, p *backend.Provider, site string, q url.Values) (*backend.Validation, error) {
	u, err := endpoint(p.GraphURL, "me", q)
	if err != nil {
		return nil, missingURL(p, "graph_url")
	}
	r, err := c.Get(ctx, u, "")
	if err != nil {
		return nil, err
	}
	if pe := graphError(c.name, site, r.Status, r.Body); pe != nil {
		return nil, k.fail(refused(p, pe), r)
	}
	if !r.OK() {
		return nil, k.fail(refused(p, statusError(c.name, r)), r)
	}
	var me struct {
		ID       oauth.FlexString `json:"id"`
		UserID   oauth.FlexString `json:"user_id"`
		Name     string           `json:"name"`
		Username string           `json:"username"`
	}
	if err := c.decode(r, &me); err != nil {
		return nil, err
	}
	// Instagram: user_id is the professional account's id, id app-scoped.
	id := firstOf(string(me.UserID), string(me.ID))
	if id == "" {
		return nil, noIdentity(c.name, r.Status)
	}
	return &backend.Validation{
		Valid:    true,
		Usage:    usageOf(r.Header, k.now()),
		Identity: &backend.Identity{ExternalID: id, Name: firstOf(me.Name, me.Username), Handle: me.Username},
	}, nil
}

// refreshFacebook renews a user token by the long-lived exchange, which
// works only while the token is valid. Page tokens are not renewed
// (backend.ErrNoRefresh): from a long-lived user token they do not expire,
// and they are re-read from the user's Pages on reconnect.
func (k *checker) refreshFacebook(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, token string) (*backend.Grant, error) {
	if creds.ClientSecret == "" || creds.ClientID == "" {
		return nil, needSecret(p, "to renew a token")
	}
	info, r, err := k.debugToken(ctx, c, p, creds, token)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(info.Type, "PAGE") {
		return nil, backend.ErrNoRefresh
	}
	if !info.IsValid {
		// An expired or invalidated token cannot be exchanged.
		if info.Error != nil {
			return nil, refused(p, graphCodeError(c.name, "facebook.com", r.Status, int(info.Error.Code), int(info.Error.Subcode), info.Error.Message, false))
		}
		pe := newPlatformError(DetailInvalidToken, r.Status, reconnectHint, "%s says the token is no longer valid, so it cannot be renewed", c.name)
		if info.ExpiresAt != nil {
			if t := unixTime(*info.ExpiresAt); t != nil && !t.After(k.now()) {
				pe.Detail = DetailExpired
			}
		}
		return nil, pe
	}
	g, err := facebookExchange(ctx, c, p, creds, token, k.now())
	if err != nil {
		return nil, refused(p, asPlatformError(err))
	}
	g.DataAccessExpiresAt = unixTime(info.DataAccessExpiresAt)
	g.Scopes = info.Scopes
	return g, nil
}

// asPlatformError returns err's *PlatformError, or err unchanged as one of
// unknown reason.
func asPlatformError(err error) *PlatformError {
	if pe, ok := err.(*PlatformError); ok {
		return pe
	}
	return newPlatformError(DetailUnknown, 0, "", "%s", err.Error())
}

// ---- Instagram ----

// validateInstagram reads GET {graph_url}/me?fields=user_id,username with
// the token (Instagram API with Instagram Login has no debug_token).
func (k *checker) validateInstagram(ctx context.Context, c *caller, p *backend.Provider, token string) (*backend.Validation, error) {
	return k.graphMe(ctx, c, p, "instagram.com", url.Values{"fields": {"user_id,username"}, "access_token": {token}})
}

// tooYoung says whether a refusal of ig_refresh_token is about the
// token's age. Meta documents the 24-hour rule but not the error it gives;
// these are the phrasings seen in the wild [unsure].
func tooYoung(body []byte) bool {
	b := strings.ToLower(string(body))
	if !strings.Contains(b, "error") {
		return false
	}
	for _, s := range []string{"24 hours", "24 hour", "too soon", "too early", "too new", "not old enough", "at least one day"} {
		if strings.Contains(b, s) {
			return true
		}
	}
	return false
}

// refreshInstagram renews a long-lived Instagram token:
// GET {graph_url}/refresh_access_token?grant_type=ig_refresh_token.
func (k *checker) refreshInstagram(ctx context.Context, c *caller, p *backend.Provider, token string) (*backend.Grant, error) {
	u, err := endpoint(p.GraphURL, "refresh_access_token", url.Values{"grant_type": {"ig_refresh_token"}, "access_token": {token}})
	if err != nil {
		return nil, missingURL(p, "graph_url")
	}
	r, err := c.Get(ctx, u, "")
	if err != nil {
		return nil, err
	}
	if !r.OK() && tooYoung(r.Body) {
		return nil, ErrTooSoon
	}
	if pe := graphError(c.name, "instagram.com", r.Status, r.Body); pe != nil {
		return nil, k.fail(refused(p, pe), r)
	}
	if !r.OK() {
		return nil, k.fail(refused(p, statusError(c.name, r)), r)
	}
	var v exchangeReply
	if err := c.decode(r, &v); err != nil {
		return nil, err
	}
	if v.AccessToken == "" {
		return nil, newPlatformError(DetailBadResponse, r.Status, "Try again later.", "%s did not send a renewed token", c.name)
	}
	c.hide(v.AccessToken)
	now := k.now()
	g := &backend.Grant{AccessToken: v.AccessToken, ExpiresAt: expiry(now, v.ExpiresIn)}
	if g.ExpiresAt == nil && p.Lifetimes.Access > 0 {
		t := now.Add(p.Lifetimes.Access).UTC()
		g.ExpiresAt = &t
	}
	return g, nil
}
