package providers

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

const (
	fbExpiresAt    = 1785000000 // debug_token's expires_at
	fbDataAccessAt = 1790000000
)

// graphErr is a Graph API error body as Facebook documents it.
func graphErr(code, subcode int, msg string) string {
	sub := ""
	if subcode != 0 {
		sub = fmt.Sprintf(`,"error_subcode":%d`, subcode)
	}
	return fmt.Sprintf(`{"error":{"message":%q,"type":"OAuthException","code":%d%s,"fbtrace_id":"AWhsZc4nTbKEx7q_dOcFhY1"}}`, msg, code, sub)
}

// facebookRoutes is a Graph API v25.0 that knows tokShort and issues tokLong.
func facebookRoutes(t *testing.T) map[string]http.HandlerFunc {
	checkUser := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("access_token") != tokLong {
				reply(400, graphErr(190, 0, "Invalid OAuth access token - Cannot parse access token"))(w, r)
				return
			}
			if q.Get("appsecret_proof") != appSecretProof(tokLong, appSecret) {
				reply(400, graphErr(100, 0, "Invalid appsecret_proof provided in the API argument"))(w, r)
				return
			}
			h(w, r)
		}
	}
	return map[string]http.HandlerFunc{
		"GET /v25.0/oauth/access_token": func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("grant_type") != "fb_exchange_token" || q.Get("client_id") != appID || q.Get("client_secret") != appSecret {
				reply(400, graphErr(101, 0, "Error validating application. Invalid application ID."))(w, r)
				return
			}
			if q.Get("fb_exchange_token") != tokShort {
				reply(400, graphErr(190, 0, "Invalid OAuth access token - Cannot parse access token"))(w, r)
				return
			}
			reply(200, `{"access_token":"`+tokLong+`","token_type":"bearer","expires_in":5183944}`)(w, r)
		},
		"GET /v25.0/debug_token": func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("input_token") != tokLong || q.Get("access_token") != appID+"|"+appSecret {
				t.Errorf("debug_token query: input_token ok %v, app token ok %v", q.Get("input_token") == tokLong, q.Get("access_token") == appID+"|"+appSecret)
			}
			reply(200, fmt.Sprintf(`{"data":{"app_id":"%s","type":"USER","application":"Tokenwarden Test","data_access_expires_at":%d,"expires_at":%d,"is_valid":true,"issued_at":1779816056,"scopes":["email","pages_show_list","public_profile"],"granular_scopes":[{"scope":"pages_show_list","target_ids":["111","222","333"]}],"user_id":"10158"}}`,
				appID, fbDataAccessAt, fbExpiresAt))(w, r)
		},
		"GET /v25.0/me": checkUser(func(w http.ResponseWriter, r *http.Request) {
			if f := r.URL.Query().Get("fields"); f != "id,name,email,picture" {
				t.Errorf("fields = %q", f)
			}
			reply(200, `{"id":"10158","name":"Jane Doe","email":"jane@example.com","picture":{"data":{"height":50,"is_silhouette":false,"url":"https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10158","width":50}}}`)(w, r)
		}),
		"GET /v25.0/me/permissions": checkUser(reply(200, `{"data":[
			{"permission":"public_profile","status":"granted"},
			{"permission":"email","status":"granted"},
			{"permission":"pages_show_list","status":"granted"},
			{"permission":"pages_read_engagement","status":"granted"},
			{"permission":"pages_manage_posts","status":"declined"}]}`)),
		"GET /v25.0/me/accounts": checkUser(func(w http.ResponseWriter, r *http.Request) {
			if q := r.URL.Query(); q.Get("fields") != "id,name,access_token,tasks" || q.Get("limit") != "100" {
				t.Errorf("accounts query %v", q)
			}
			next := "http://" + r.Host + "/v25.0/10158/accounts?access_token=" + tokLong + "&appsecret_proof=" + appSecretProof(tokLong, appSecret) + "&fields=id%2Cname%2Caccess_token%2Ctasks&limit=100&after=QVFIUmxtX0"
			reply(200, `{"data":[
				{"access_token":"`+tokPage1+`","category":"Bakery","category_list":[{"id":"2500","name":"Bakery"}],"name":"Acme Bakery","id":"111","tasks":["ANALYZE","ADVERTISE","MODERATE","CREATE_CONTENT","MANAGE"]},
				{"access_token":"`+tokPage2+`","category":"Cafe","category_list":[{"id":"128673187201735","name":"Cafe"}],"name":"Acme Cafe","id":"222","tasks":["ANALYZE","CREATE_CONTENT"]}],
				"paging":{"cursors":{"before":"QVFIUkFB","after":"QVFIUmxtX0"},"next":"`+next+`"}}`)(w, r)
		}),
		"GET /v25.0/10158/accounts": checkUser(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("after") != "QVFIUmxtX0" {
				t.Error("second page without the cursor")
			}
			reply(200, `{"data":[{"access_token":"`+tokPage3+`","category":"Shop","name":"Acme Shop","id":"333","tasks":["MODERATE"]}],
				"paging":{"cursors":{"before":"QVFIUmx","after":"QVFIUkZ"},"previous":"http://`+r.Host+`/v25.0/10158/accounts?before=QVFIUmx"}}`)(w, r)
		}),
		"DELETE /v25.0/me/permissions": checkUser(reply(200, `{"success":true}`)),
	}
}

var fixedNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func facebookPlatform(p *backend.Provider, f *fake) *facebook {
	pl := NewPlatform(p, f.srv.Client()).(*facebook)
	pl.now = func() time.Time { return fixedNow }
	return pl
}

func TestFacebookComplete(t *testing.T) {
	f := newFake(t, facebookRoutes(t))
	p := fakeProvider(t, "facebook", f)
	g := &backend.Grant{AccessToken: tokShort}
	if err := facebookPlatform(p, f).Complete(context.Background(), p, testCreds, g); err != nil {
		t.Fatal(err)
	}
	exp, data := time.Unix(fbExpiresAt, 0).UTC(), time.Unix(fbDataAccessAt, 0).UTC()
	want := &backend.Grant{
		AccessToken: tokLong, ExpiresAt: &exp, DataAccessExpiresAt: &data,
		Scopes:   []string{"public_profile", "email", "pages_show_list", "pages_read_engagement"},
		Identity: backend.Identity{ExternalID: "10158", Name: "Jane Doe", Email: "jane@example.com", PictureURL: "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10158"},
		Assets: []backend.Asset{
			{ExternalID: "111", Name: "Acme Bakery", Kind: "page", AccessToken: tokPage1, Scopes: []string{"ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"}},
			{ExternalID: "222", Name: "Acme Cafe", Kind: "page", AccessToken: tokPage2, Scopes: []string{"ANALYZE", "CREATE_CONTENT"}},
			{ExternalID: "333", Name: "Acme Shop", Kind: "page", AccessToken: tokPage3, Scopes: []string{"MODERATE"}},
		},
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("grant:\n got %+v\nwant %+v", g, want)
	}
	if n := f.hit("GET /v25.0/10158/accounts"); n != 1 {
		t.Errorf("second page fetched %d times", n)
	}
}

func TestFacebookCompleteVariants(t *testing.T) {
	for _, tc := range []struct {
		name   string
		routes map[string]http.HandlerFunc // replaced routes
		check  func(t *testing.T, g *backend.Grant, err error)
	}{
		{"never-expiring token", map[string]http.HandlerFunc{
			"GET /v25.0/debug_token": reply(200, `{"data":{"app_id":"1234567890","type":"USER","is_valid":true,"expires_at":0,"data_access_expires_at":1790000000,"scopes":["email"],"user_id":"10158"}}`),
		}, func(t *testing.T, g *backend.Grant, err error) {
			if err != nil || g.ExpiresAt != nil {
				t.Errorf("expires_at 0 means never: %v %v", g.ExpiresAt, err)
			}
		}},
		{"debug_token unavailable", map[string]http.HandlerFunc{
			"GET /v25.0/debug_token": reply(500, graphErr(2, 0, "An unexpected error has occurred. Please retry your request later.")),
		}, func(t *testing.T, g *backend.Grant, err error) {
			if err != nil {
				t.Fatal(err)
			}
			wantExp := fixedNow.Add(5183944 * time.Second)
			wantData := fixedNow.Add(90 * 24 * time.Hour)
			if g.ExpiresAt == nil || !g.ExpiresAt.Equal(wantExp) || g.DataAccessExpiresAt == nil || !g.DataAccessExpiresAt.Equal(wantData) {
				t.Errorf("want expires_in and the documented data access lifetime: %v %v", g.ExpiresAt, g.DataAccessExpiresAt)
			}
		}},
		{"exchange without expires_in", map[string]http.HandlerFunc{
			"GET /v25.0/oauth/access_token": reply(200, `{"access_token":"`+tokLong+`","token_type":"bearer"}`),
			"GET /v25.0/debug_token":        reply(400, graphErr(100, 0, "(#100) You must provide an app access token")),
		}, func(t *testing.T, g *backend.Grant, err error) {
			if want := fixedNow.Add(1440 * time.Hour); err != nil || g.ExpiresAt == nil || !g.ExpiresAt.Equal(want) {
				t.Errorf("want the documented 60 days: %v %v", g.ExpiresAt, err)
			}
		}},
		{"no pages permission", map[string]http.HandlerFunc{
			"GET /v25.0/me/accounts": reply(403, graphErr(200, 0, "(#200) Requires pages_show_list permission to manage the object")),
		}, func(t *testing.T, g *backend.Grant, err error) {
			if err != nil || len(g.Assets) != 0 || g.Identity.ExternalID != "10158" {
				t.Errorf("a user without Pages still connects: %v %+v", err, g)
			}
		}},
		{"paging to another host is not followed", map[string]http.HandlerFunc{
			"GET /v25.0/me/accounts": reply(200, `{"data":[{"access_token":"`+tokPage1+`","name":"Acme Bakery","id":"111","tasks":["MANAGE"]}],"paging":{"next":"https://evil.example/v25.0/10158/accounts?access_token=`+tokLong+`"}}`),
		}, func(t *testing.T, g *backend.Grant, err error) {
			if err != nil || len(g.Assets) != 1 {
				t.Errorf("%v %d assets", err, len(g.Assets))
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			routes := facebookRoutes(t)
			for k, h := range tc.routes {
				routes[k] = h
			}
			f := newFake(t, routes)
			p := fakeProvider(t, "facebook", f)
			g := &backend.Grant{AccessToken: tokShort}
			err := facebookPlatform(p, f).Complete(context.Background(), p, testCreds, g)
			assertNoSecret(t, err)
			tc.check(t, g, err)
		})
	}
}

func TestFacebookPagingIsBounded(t *testing.T) {
	routes := facebookRoutes(t)
	endless := func(w http.ResponseWriter, r *http.Request) {
		reply(200, `{"data":[{"access_token":"`+tokPage1+`","name":"Loop","id":"111","tasks":["MANAGE"]}],"paging":{"next":"http://`+r.Host+`/v25.0/10158/accounts?access_token=`+tokLong+`&appsecret_proof=`+appSecretProof(tokLong, appSecret)+`&after=again"}}`)(w, r)
	}
	routes["GET /v25.0/me/accounts"] = endless
	routes["GET /v25.0/10158/accounts"] = endless
	f := newFake(t, routes)
	p := fakeProvider(t, "facebook", f)
	g := &backend.Grant{AccessToken: tokShort}
	if err := facebookPlatform(p, f).Complete(context.Background(), p, testCreds, g); err != nil {
		t.Fatal(err)
	}
	if n := f.hit("GET /v25.0/me/accounts") + f.hit("GET /v25.0/10158/accounts"); n != maxPages || len(g.Assets) != maxPages {
		t.Errorf("%d page requests, %d assets; want %d", n, len(g.Assets), maxPages)
	}
}

func TestFacebookCompleteErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		route  string
		status int
		body   string
		creds  *backend.Credentials
		reason string // "" with code
		code   string
		want   string
	}{
		{"no secret", "", 0, "", &backend.Credentials{ClientID: appID}, "", backend.EINVALID, "needs the app secret"},
		{"expired short token", "GET /v25.0/oauth/access_token", 400, graphErr(190, 463, "Error validating access token: Session has expired on Friday, 01-May-26 11:00:00 PDT. The current time is Friday, 01-May-26 12:00:00 PDT."), nil, DetailExpired, "", "has expired"},
		{"bad app id", "GET /v25.0/oauth/access_token", 400, graphErr(101, 0, "Error validating application. Invalid application ID."), nil, DetailUnknown, "", `answered with error 101: "Error validating application. Invalid application ID."`},
		{"exchange html", "GET /v25.0/oauth/access_token", 200, "<html><head><title>Facebook</title></head><body>Sorry, something went wrong.</body></html>", nil, DetailBadResponse, "", "web page instead of data"},
		{"exchange 502 html", "GET /v25.0/oauth/access_token", 502, "<html><body>502 Bad Gateway</body></html>", nil, DetailUnavailable, "", "HTTP 502"},
		{"exchange empty", "GET /v25.0/oauth/access_token", 200, "", nil, DetailBadResponse, "", "empty reply"},
		{"exchange garbage", "GET /v25.0/oauth/access_token", 200, "access_token=abc&expires=5183944", nil, DetailBadResponse, "", "not valid JSON"},
		{"exchange oversized", "GET /v25.0/oauth/access_token", 200, `{"access_token":"` + strings.Repeat("A", maxBody) + `"}`, nil, DetailBadResponse, "", "larger than 1 MiB"},
		{"exchange without token", "GET /v25.0/oauth/access_token", 200, `{"token_type":"bearer"}`, nil, DetailBadResponse, "", "did not send a long-lived token"},
		{"token invalid per debug_token", "GET /v25.0/debug_token", 200, `{"data":{"app_id":"1234567890","type":"USER","is_valid":false,"error":{"code":190,"message":"Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.","subcode":460},"scopes":[],"user_id":"10158"}}`, nil, DetailPasswordChanged, "", "password was changed"},
		{"me checkpoint", "GET /v25.0/me", 400, graphErr(190, 459, "Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given."), nil, DetailCheckpoint, "", "security check"},
		{"me without id", "GET /v25.0/me", 200, `{"name":"Jane Doe"}`, nil, DetailBadResponse, "", "did not say whose account"},
		{"permissions rate limited", "GET /v25.0/me/permissions", 400, `{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","is_transient":true,"code":4,"fbtrace_id":"AxYz"}}`, nil, DetailRateLimited, "", "limiting requests"},
		{"pages server error", "GET /v25.0/me/accounts", 500, graphErr(1, 0, "An unknown error occurred"), nil, DetailUnavailable, "", "temporary problem"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			routes := facebookRoutes(t)
			if tc.route != "" {
				routes[tc.route] = reply(tc.status, tc.body)
			}
			f := newFake(t, routes)
			p := fakeProvider(t, "facebook", f)
			creds := testCreds
			if tc.creds != nil {
				creds = *tc.creds
			}
			g := &backend.Grant{AccessToken: tokShort}
			err := facebookPlatform(p, f).Complete(context.Background(), p, creds, g)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.reason != "" && DetailOf(err) != tc.reason {
				t.Errorf("reason = %q, want %q (%v)", DetailOf(err), tc.reason, err)
			}
			if tc.code != "" && backend.ErrorCode(err) != tc.code {
				t.Errorf("code = %q, want %q", backend.ErrorCode(err), tc.code)
			}
			if !strings.Contains(backend.ErrorMessage(err), tc.want) {
				t.Errorf("message %q lacks %q", backend.ErrorMessage(err), tc.want)
			}
			assertNoSecret(t, err)
			if tc.name == "no secret" && f.hit("GET /v25.0/oauth/access_token") != 0 {
				t.Error("called Facebook without a secret")
			}
		})
	}
}

func TestFacebookIdentityURL(t *testing.T) {
	// identity_url, when set, is used with the token added; without it the
	// identity comes from graph_url/me.
	f := newFake(t, facebookRoutes(t))
	for _, identity := range []string{"keep", ""} {
		p := fakeProvider(t, "facebook", f)
		if identity == "" {
			p.IdentityURL = ""
		}
		g := &backend.Grant{AccessToken: tokShort}
		if err := facebookPlatform(p, f).Complete(context.Background(), p, testCreds, g); err != nil || g.Identity.ExternalID != "10158" {
			t.Errorf("identity_url %q: %v %+v", p.IdentityURL, err, g.Identity)
		}
	}
}

func TestFacebookError(t *testing.T) {
	for _, tc := range []struct {
		body   string
		reason string
		code   string
		want   string
	}{
		{graphErr(190, 458, "Error validating access token: The user has not authorized application 1234567890."), DetailAppRemoved, backend.EINVALID, "removed this app"},
		{graphErr(190, 459, "Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given."), DetailCheckpoint, backend.EINVALID, "security check"},
		{graphErr(190, 460, "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons."), DetailPasswordChanged, backend.EINVALID, "password was changed"},
		{graphErr(190, 463, "Error validating access token: Session has expired on Tuesday, 14-May-24 10:00:00 PDT. The current time is Tuesday, 14-May-24 11:00:00 PDT."), DetailExpired, backend.EINVALID, "has expired"},
		{graphErr(190, 464, "Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user."), DetailUnconfirmed, backend.EINVALID, "not confirmed"},
		{graphErr(190, 467, "Error validating access token: The user has logged out."), DetailLoggedOut, backend.EINVALID, "logged out"},
		{graphErr(190, 0, "Invalid OAuth access token - Cannot parse access token"), DetailInvalidToken, backend.EINVALID, "not valid"},
		{graphErr(190, 0, "Error validating access token: Session has expired on Tuesday, 14-May-24 10:00:00 PDT."), DetailExpired, backend.EINVALID, "has expired"},
		{graphErr(102, 0, "Session key invalid or no longer valid"), DetailInvalidToken, backend.EINVALID, "not valid"},
		{`{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","is_transient":true,"code":4,"fbtrace_id":"AxYz"}}`, DetailRateLimited, backend.EUNAVAILABLE, "limiting requests"},
		{graphErr(17, 0, "(#17) User request limit reached"), DetailRateLimited, backend.EUNAVAILABLE, "limiting requests"},
		{graphErr(32, 0, "(#32) Page request limit reached"), DetailRateLimited, backend.EUNAVAILABLE, "limiting requests"},
		{graphErr(613, 0, "(#613) Calls to this api have exceeded the rate limit."), DetailRateLimited, backend.EUNAVAILABLE, "limiting requests"},
		{graphErr(80001, 0, "(#80001) There have been too many calls to this Page account. Wait a bit and try again."), DetailRateLimited, backend.EUNAVAILABLE, "limiting requests"},
		{graphErr(10, 0, "(#10) Application does not have permission for this action"), DetailPermission, backend.EINVALID, "lacks a permission for this (error 10)"},
		{graphErr(200, 0, "(#200) Permissions error"), DetailPermission, backend.EINVALID, "(error 200)"},
		{graphErr(299, 0, "(#299) Requires extended permission: manage_pages"), DetailPermission, backend.EINVALID, "(error 299)"},
		{`{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","is_transient":true,"code":2,"fbtrace_id":"A"}}`, DetailUnavailable, backend.EUNAVAILABLE, "temporary problem"},
		{graphErr(100, 33, "Unsupported get request. Object with ID 'me' does not exist, cannot be loaded due to missing permissions, or does not support this operation."), DetailUnknown, backend.EUNAVAILABLE, `error 100: "Unsupported get request.`},
		{`{"error":{"code":"190","error_subcode":"460","message":"numbers as strings"}}`, DetailPasswordChanged, backend.EINVALID, "password"},
	} {
		e, reason := graphErrorWords("Facebook", "facebook.com", []byte(tc.body))
		if e == nil || reason != tc.reason || e.Code != tc.code || !strings.Contains(e.Message, tc.want) {
			t.Errorf("graphError(%s) = %v, %q; want %s %q containing %q", tc.body, e, reason, tc.code, tc.reason, tc.want)
			continue
		}
		if !strings.Contains(e.Message, "Facebook") && !strings.Contains(e.Message, "account owner") {
			t.Errorf("message does not name Facebook: %q", e.Message)
		}
		if reason != DetailRateLimited && reason != DetailUnknown && reason != DetailUnavailable && e.Hint == "" {
			t.Errorf("no hint for %s", reason)
		}
	}
	for _, body := range []string{``, `{"data":[]}`, `<html></html>`, `{"error":"invalid_request"}`, `null`} {
		if e, reason := graphErrorWords("Facebook", "facebook.com", []byte(body)); e != nil || reason != "" {
			t.Errorf("graphError(%q) = %v, %q; want nil", body, e, reason)
		}
	}
	if e, reason := graphErrorWords("Instagram", "instagram.com", []byte(graphErr(190, 0, "Error validating access token: You cannot access the app till you log in to www.instagram.com and follow the instructions given."))); reason != DetailCheckpoint || !strings.Contains(e.Hint, "instagram.com") {
		t.Errorf("Instagram graphError checkpoint = %v, %q", e, reason)
	}
}

func TestFacebookRevoke(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		access string
		reason string // "" = success
		hint   string
	}{
		{"removed", 200, `{"success":true}`, tokLong, "", ""},
		{"already removed", 400, graphErr(190, 458, "Error validating access token: The user has not authorized application 1234567890."), tokLong, "", ""},
		{"expired", 400, graphErr(190, 463, "Error validating access token: Session has expired."), tokLong, DetailExpired, "https://www.facebook.com/settings?tab=business_tools"},
		{"success false", 200, `{"success":false}`, tokLong, DetailUnknown, "remove the app by hand"},
		{"html", 200, `<html>oops</html>`, tokLong, DetailBadResponse, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			routes := facebookRoutes(t)
			routes["DELETE /v25.0/me/permissions"] = func(w http.ResponseWriter, r *http.Request) {
				if q := r.URL.Query(); q.Get("access_token") != tokLong || q.Get("appsecret_proof") != appSecretProof(tokLong, appSecret) {
					t.Error("revoke without the token and its proof")
				}
				reply(tc.status, tc.body)(w, r)
			}
			f := newFake(t, routes)
			p := fakeProvider(t, "facebook", f)
			err := facebookPlatform(p, f).Revoke(context.Background(), p, testCreds, tc.access, "")
			assertNoSecret(t, err)
			if tc.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if DetailOf(err) != tc.reason || !strings.Contains(err.Error(), tc.hint) {
				t.Errorf("err = %v (%q), want %q with %q", err, DetailOf(err), tc.reason, tc.hint)
			}
		})
	}
	f := newFake(t, facebookRoutes(t))
	p := fakeProvider(t, "facebook", f)
	if err := facebookPlatform(p, f).Revoke(context.Background(), p, testCreds, "", tokRefresh); backend.ErrorCode(err) != backend.EINVALID {
		t.Errorf("no token: %v", err)
	}
}

func TestFacebookExchange(t *testing.T) {
	f := newFake(t, facebookRoutes(t))
	p := fakeProvider(t, "facebook", f)
	before := time.Now()
	// The exchange behind Complete (a new login's short-lived token) and
	// Refresh (after debug_token says the token still works).
	exchange := func(token string) (*backend.Grant, error) {
		c := newCaller(f.srv.Client(), p, token, appSecret)
		g, err := facebookExchange(context.Background(), c, p, testCreds, token, time.Now())
		return g, c.clean(err)
	}
	g, err := exchange(tokShort)
	if err != nil {
		t.Fatal(err)
	}
	if g.AccessToken != tokLong || g.ExpiresAt == nil || g.ExpiresAt.Before(before.Add(5183944*time.Second)) || g.ExpiresAt.After(time.Now().Add(5183944*time.Second)) {
		t.Errorf("grant %+v", g)
	}
	_, err = exchange("EAAexpiredTOKEN")
	if DetailOf(err) != DetailInvalidToken {
		t.Errorf("bad token: %v", err)
	}
}

// graphErrorWords is what graphError, behind every Graph call, says of a
// body: the user-facing error and the detail; nil and "" for no Graph error.
func graphErrorWords(name, site string, body []byte) (*backend.Error, string) {
	if pe := graphError(name, site, 0, body); pe != nil {
		return pe.Err, pe.Detail
	}
	return nil, ""
}
