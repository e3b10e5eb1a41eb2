package providers

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// tokenEndpoint checks a refresh_token grant: the form fields (an empty
// value means the field must be absent) and HTTP Basic client
// authentication. A request that does not match gets a 418, which no case
// expects.
func tokenEndpoint(form map[string]string, basic bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		user, pass, ok := r.BasicAuth()
		bad := ""
		if ok != basic || (basic && (user != appID || pass != appSecret)) {
			bad = "client authentication"
		}
		for k, v := range form {
			if r.PostForm.Get(k) != v {
				bad = k
			}
		}
		if bad != "" {
			reply(418, `{"error":"test_mismatch","error_description":"unexpected `+bad+`"}`)(w, r)
			return
		}
		h(w, r)
	}
}

func refreshForm(extra ...string) map[string]string {
	m := map[string]string{"grant_type": "refresh_token", "refresh_token": tokRefresh}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// bodyAuth is the form of a client authenticating in the body.
var bodyAuth = []string{"client_id", appID, "client_secret", appSecret}

func aadError(code, errCode int, err, desc string) string {
	return fmt.Sprintf(`{"error":%q,"error_description":"AADSTS%d: %s\r\nTrace ID: 3f2a9c1e-0000-4b8e-9c55-2a1f5e1d0100\r\nCorrelation ID: 5b3d2e4a-1111-4d6f-8a2b-7c9e0f1a2b3c\r\nTimestamp: 2026-05-01 12:00:00Z","error_codes":[%d],"timestamp":"2026-05-01 12:00:00Z","trace_id":"3f2a9c1e-0000-4b8e-9c55-2a1f5e1d0100","correlation_id":"5b3d2e4a-1111-4d6f-8a2b-7c9e0f1a2b3c","error_uri":"https://login.microsoftonline.com/error?code=%d"}`, err, code, desc, errCode, code)
}

// rcase is one Refresh call against a fake platform.
type rcase struct {
	name      string
	id        string
	creds     *backend.Credentials
	setup     func(p *backend.Provider, f *fake)
	noRefresh bool // call without a refresh token
	routes    map[string]http.HandlerFunc
	sentinel  error // want exactly this error
	reason    string
	retry     time.Duration
	check     func(t *testing.T, g *backend.Grant, f *fake)
}

func wantGrant(access, refresh string, expiresIn time.Duration, scopes ...string) func(t *testing.T, g *backend.Grant, f *fake) {
	return func(t *testing.T, g *backend.Grant, f *fake) {
		t.Helper()
		if g.AccessToken != access || g.RefreshToken != refresh || g.ExpiresAt == nil || !g.ExpiresAt.Equal(testNow.Add(expiresIn)) {
			t.Errorf("grant access %q refresh %q expires %v", g.AccessToken, g.RefreshToken, g.ExpiresAt)
		}
		if len(scopes) > 0 && !reflect.DeepEqual(g.Scopes, scopes) {
			t.Errorf("scopes %v, want %v", g.Scopes, scopes)
		}
	}
}

var refreshCases = []rcase{
	// ---- Google ----
	{name: "google keeps the refresh token", id: "google", routes: map[string]http.HandlerFunc{
		"POST /token": tokenEndpoint(refreshForm(bodyAuth...), false, reply(200, `{"access_token":"`+tokNewAccess+`","expires_in":3599,"scope":"openid https://www.googleapis.com/auth/youtube.readonly","token_type":"Bearer","id_token":"eyJhbGciOiJSUzI1NiJ9.e30.sig"}`)),
	}, check: wantGrant(tokNewAccess, "", 3599*time.Second, "openid", "https://www.googleapis.com/auth/youtube.readonly")},
	{name: "google expired or revoked", id: "google", routes: map[string]http.HandlerFunc{
		"POST /token": reply(400, `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`),
	}, reason: backend.ReasonRevoked},
	{name: "google reauth required", id: "google", routes: map[string]http.HandlerFunc{
		"POST /token": reply(400, `{"error":"invalid_grant","error_description":"reauth related error (invalid_rapt)","error_uri":"https://support.google.com/a/answer/9368756","error_subtype":"invalid_rapt"}`),
	}, reason: backend.ReasonCheckpoint},
	{name: "google client not found", id: "google", routes: map[string]http.HandlerFunc{
		"POST /token": reply(401, `{"error":"invalid_client","error_description":"The OAuth client was not found."}`),
	}, reason: backend.ReasonAppMisconfigured},
	{name: "google unauthorized client", id: "google", routes: map[string]http.HandlerFunc{
		"POST /token": reply(400, `{"error":"unauthorized_client","error_description":"Unauthorized"}`),
	}, reason: backend.ReasonAppMisconfigured},
	{name: "google server error", id: "google", routes: map[string]http.HandlerFunc{
		"POST /token": reply(500, `<html><body>Error 500 (Server Error)!!1</body></html>`),
	}, reason: backend.ReasonProviderDown},
	{name: "google temporarily unavailable", id: "google", routes: map[string]http.HandlerFunc{
		"POST /token": respond(503, `{"error":"temporarily_unavailable"}`, "Retry-After", "45"),
	}, reason: backend.ReasonProviderDown, retry: 45 * time.Second},
	{name: "google rate limited", id: "google", routes: map[string]http.HandlerFunc{
		"POST /token": respond(429, `{"error":"rate_limit_exceeded","error_description":"Rate Limit Exceeded"}`, "Retry-After", "30"),
	}, reason: backend.ReasonRateLimited, retry: 30 * time.Second},
	{name: "google html", id: "google", routes: map[string]http.HandlerFunc{"POST /token": reply(200, "<html><body>Sign in to the hotel Wi-Fi</body></html>")}, reason: backend.ReasonProviderDown},
	{name: "google empty", id: "google", routes: map[string]http.HandlerFunc{"POST /token": reply(200, "")}, reason: backend.ReasonProviderDown},
	{name: "google malformed", id: "google", routes: map[string]http.HandlerFunc{"POST /token": reply(200, `{"access_token":"ya29.`)}, reason: backend.ReasonProviderDown},
	{name: "google no access token", id: "google", routes: map[string]http.HandlerFunc{"POST /token": reply(200, `{"token_type":"Bearer"}`)}, reason: backend.ReasonProviderDown},
	{name: "google oversized", id: "google", routes: map[string]http.HandlerFunc{"POST /token": reply(200, `{"access_token":"`+strings.Repeat("A", maxBody)+`"}`)}, reason: backend.ReasonProviderDown},
	{name: "google unknown error", id: "google", routes: map[string]http.HandlerFunc{"POST /token": reply(400, `{"error":"invalid_request","error_description":"Missing required parameter: client_id"}`)}, reason: backend.ReasonUnknown},
	{name: "google without refresh token", id: "google", noRefresh: true, sentinel: backend.ErrNoRefresh},
	{name: "refresh none", id: "google", setup: func(p *backend.Provider, f *fake) { p.Refresh = backend.RefreshNone }, sentinel: backend.ErrNoRefresh},

	// ---- X: Basic for confidential clients, rotating refresh tokens ----
	{name: "x rotates the refresh token", id: "x", routes: map[string]http.HandlerFunc{
		"POST /2/oauth2/token": tokenEndpoint(refreshForm("client_id", "", "client_secret", ""), true,
			reply(200, `{"token_type":"bearer","expires_in":7200,"access_token":"`+tokNewAccess+`","scope":"tweet.read users.read offline.access","refresh_token":"`+tokNewRefresh+`"}`)),
	}, check: wantGrant(tokNewAccess, tokNewRefresh, 2*time.Hour, "tweet.read", "users.read", "offline.access")},
	{name: "x public client", id: "x", creds: &backend.Credentials{ClientID: appID}, routes: map[string]http.HandlerFunc{
		"POST /2/oauth2/token": tokenEndpoint(refreshForm("client_id", appID, "client_secret", ""), false,
			reply(200, `{"token_type":"bearer","expires_in":7200,"access_token":"`+tokNewAccess+`","scope":"tweet.read offline.access","refresh_token":"`+tokNewRefresh+`"}`)),
	}, check: wantGrant(tokNewAccess, tokNewRefresh, 2*time.Hour)},
	{name: "x used refresh token", id: "x", routes: map[string]http.HandlerFunc{
		"POST /2/oauth2/token": reply(400, `{"error":"invalid_request","error_description":"Value passed for the token was invalid."}`),
	}, reason: backend.ReasonRevoked},
	{name: "x missing authorization", id: "x", routes: map[string]http.HandlerFunc{
		"POST /2/oauth2/token": reply(401, `{"error":"unauthorized_client","error_description":"Missing valid authorization header"}`),
	}, reason: backend.ReasonAppMisconfigured},

	// ---- TikTok: client_key in the body, refresh_expires_in ----
	{name: "tiktok", id: "tiktok", routes: map[string]http.HandlerFunc{
		"POST /v2/oauth/token/": tokenEndpoint(refreshForm("client_key", appID, "client_secret", appSecret, "client_id", ""), false,
			reply(200, `{"access_token":"`+tokNewAccess+`","expires_in":86400,"open_id":"723f24d7-e717-40f8-a2b6-cb8464cd23b4","refresh_expires_in":15552000,"refresh_token":"`+tokNewRefresh+`","scope":"user.info.basic,video.list","token_type":"Bearer"}`)),
	}, check: func(t *testing.T, g *backend.Grant, f *fake) {
		wantGrant(tokNewAccess, tokNewRefresh, 24*time.Hour, "user.info.basic", "video.list")(t, g, f)
		if g.RefreshExpiresAt == nil || !g.RefreshExpiresAt.Equal(testNow.Add(15552000*time.Second)) {
			t.Errorf("RefreshExpiresAt %v", g.RefreshExpiresAt)
		}
	}},
	{name: "tiktok refresh token expired", id: "tiktok", routes: map[string]http.HandlerFunc{
		"POST /v2/oauth/token/": reply(400, `{"error":"invalid_grant","error_description":"Refresh token is invalid or expired.","log_id":"20230525083127E2A6C6BD0A1D3D2D2D2D"}`),
	}, reason: backend.ReasonExpired},
	{name: "tiktok error in a 200", id: "tiktok", routes: map[string]http.HandlerFunc{
		"POST /v2/oauth/token/": reply(200, `{"error":"invalid_client","error_description":"Client key or secret is incorrect.","log_id":"2023"}`),
	}, reason: backend.ReasonAppMisconfigured},

	// ---- LinkedIn, Pinterest: refresh_token_expires_in ----
	{name: "linkedin", id: "linkedin", routes: map[string]http.HandlerFunc{
		"POST /oauth/v2/accessToken": tokenEndpoint(refreshForm(bodyAuth...), false,
			reply(200, `{"access_token":"`+tokNewAccess+`","expires_in":5183999,"refresh_token":"`+tokNewRefresh+`","refresh_token_expires_in":31535999,"scope":"email,openid,profile,w_member_social"}`)),
	}, check: func(t *testing.T, g *backend.Grant, f *fake) {
		wantGrant(tokNewAccess, tokNewRefresh, 5183999*time.Second)(t, g, f)
		if g.RefreshExpiresAt == nil || !g.RefreshExpiresAt.Equal(testNow.Add(31535999*time.Second)) || len(g.Scopes) != 4 {
			t.Errorf("grant %+v", g)
		}
	}},
	{name: "linkedin without refresh token", id: "linkedin", noRefresh: true, sentinel: backend.ErrNoRefresh},
	{name: "linkedin refresh token revoked", id: "linkedin", routes: map[string]http.HandlerFunc{
		"POST /oauth/v2/accessToken": reply(400, `{"error":"invalid_grant","error_description":"The provided authorization grant or refresh token is invalid, expired or revoked"}`),
	}, reason: backend.ReasonRevoked},
	{name: "pinterest", id: "pinterest", routes: map[string]http.HandlerFunc{
		"POST /v5/oauth/token": tokenEndpoint(refreshForm("client_secret", ""), true,
			reply(200, `{"access_token":"`+tokNewAccess+`","refresh_token":"`+tokNewRefresh+`","response_type":"refresh_token","token_type":"bearer","expires_in":2592000,"refresh_token_expires_in":31536000,"scope":"boards:read,pins:read"}`)),
	}, check: wantGrant(tokNewAccess, tokNewRefresh, 30*24*time.Hour, "boards:read", "pins:read")},

	// ---- Microsoft: AADSTS codes ----
	{name: "microsoft public client", id: "microsoft", creds: &backend.Credentials{ClientID: appID}, routes: map[string]http.HandlerFunc{
		"POST /common/oauth2/v2.0/token": tokenEndpoint(refreshForm("client_id", appID, "client_secret", ""), false,
			reply(200, `{"token_type":"Bearer","scope":"openid profile email offline_access User.Read","expires_in":4499,"ext_expires_in":4499,"access_token":"`+tokNewAccess+`","refresh_token":"`+tokNewRefresh+`"}`)),
	}, check: wantGrant(tokNewAccess, tokNewRefresh, 4499*time.Second)},
	{name: "microsoft inactive 90 days", id: "microsoft", routes: map[string]http.HandlerFunc{
		"POST /common/oauth2/v2.0/token": reply(400, aadError(700082, 700082, "invalid_grant", "The refresh token has expired due to inactivity. The token was issued on 2026-01-01T00:00:00Z and was inactive for 90.00:00:00.")),
	}, reason: backend.ReasonExpired},
	{name: "microsoft password changed", id: "microsoft", routes: map[string]http.HandlerFunc{
		"POST /common/oauth2/v2.0/token": reply(400, aadError(50173, 50173, "invalid_grant", "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.")),
	}, reason: backend.ReasonPasswordChanged},
	{name: "microsoft session invalid", id: "microsoft", routes: map[string]http.HandlerFunc{
		"POST /common/oauth2/v2.0/token": reply(400, aadError(50133, 50133, "invalid_grant", "Session is invalid due to expiration or recent password change.")),
	}, reason: backend.ReasonPasswordChanged},
	{name: "microsoft mfa required", id: "microsoft", routes: map[string]http.HandlerFunc{
		"POST /common/oauth2/v2.0/token": reply(400, aadError(50076, 50076, "invalid_grant", "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.")),
	}, reason: backend.ReasonCheckpoint},
	{name: "microsoft expired secret", id: "microsoft", routes: map[string]http.HandlerFunc{
		"POST /common/oauth2/v2.0/token": reply(401, aadError(7000222, 7000222, "invalid_client", "The provided client secret keys for app '1234567890' are expired.")),
	}, reason: backend.ReasonAppMisconfigured},
	{name: "microsoft consent withdrawn", id: "microsoft", routes: map[string]http.HandlerFunc{
		"POST /common/oauth2/v2.0/token": reply(400, aadError(65001, 65001, "invalid_grant", "The user or administrator has not consented to use the application with ID '1234567890'.")),
	}, reason: backend.ReasonRevoked},

	// ---- Facebook: the long-lived exchange ----
	{name: "facebook exchange", id: "facebook", routes: map[string]http.HandlerFunc{
		"GET /v25.0/debug_token": reply(200, fbDebugValid),
		"GET /v25.0/oauth/access_token": func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("grant_type") != "fb_exchange_token" || q.Get("fb_exchange_token") != tokLong || q.Get("client_secret") != appSecret {
				reply(418, graphErr(100, 0, "unexpected"))(w, r)
				return
			}
			reply(200, `{"access_token":"`+tokNewAccess+`","token_type":"bearer","expires_in":5183944}`)(w, r)
		},
	}, noRefresh: true, check: func(t *testing.T, g *backend.Grant, f *fake) {
		wantGrant(tokNewAccess, "", 5183944*time.Second)(t, g, f)
		if g.DataAccessExpiresAt == nil || g.DataAccessExpiresAt.Unix() != 1785585600 || len(g.Scopes) != 4 {
			t.Errorf("grant %+v", g)
		}
	}},
	{name: "facebook page token", id: "facebook", noRefresh: true, routes: map[string]http.HandlerFunc{
		"GET /v25.0/debug_token": reply(200, fbDebugPage),
	}, sentinel: backend.ErrNoRefresh},
	{name: "facebook expired token", id: "facebook", noRefresh: true, routes: map[string]http.HandlerFunc{
		"GET /v25.0/debug_token": reply(200, fbInvalid(463, "Error validating access token: Session has expired on Friday, 24-Apr-26 05:00:00 PDT.")),
	}, reason: backend.ReasonExpired},
	{name: "facebook exchange rate limited", id: "facebook", noRefresh: true, routes: map[string]http.HandlerFunc{
		"GET /v25.0/debug_token": reply(200, fbDebugValid),
		"GET /v25.0/oauth/access_token": respond(400, graphErr(4, 0, "(#4) Application request limit reached"),
			"X-Business-Use-Case-Usage", `{"1234567890":[{"type":"pages","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":7}]}`),
	}, reason: backend.ReasonRateLimited, retry: 7 * time.Minute},
	{name: "facebook without secret", id: "facebook", noRefresh: true, creds: &backend.Credentials{ClientID: appID}, reason: backend.ReasonAppMisconfigured},

	// ---- Instagram: refresh_access_token ----
	{name: "instagram", id: "instagram", noRefresh: true, routes: map[string]http.HandlerFunc{
		"GET /refresh_access_token": func(w http.ResponseWriter, r *http.Request) {
			if q := r.URL.Query(); q.Get("grant_type") != "ig_refresh_token" || q.Get("access_token") != tokLong {
				reply(418, graphErr(100, 0, "unexpected"))(w, r)
				return
			}
			reply(200, `{"access_token":"`+tokNewAccess+`","token_type":"bearer","expires_in":5183944}`)(w, r)
		},
	}, check: wantGrant(tokNewAccess, "", 5183944*time.Second)},
	// Meta documents the 24-hour rule but not its error; this wording is
	// an assumption (see tooYoung).
	{name: "instagram too young", id: "instagram", noRefresh: true, routes: map[string]http.HandlerFunc{
		"GET /refresh_access_token": reply(400, `{"error":{"message":"The access token can only be refreshed once it is at least 24 hours old.","type":"IGApiException","code":100,"fbtrace_id":"AbC"}}`),
	}, sentinel: ErrTooSoon},
	{name: "instagram expired", id: "instagram", noRefresh: true, routes: map[string]http.HandlerFunc{
		"GET /refresh_access_token": reply(400, graphErr(190, 463, "Error validating access token: Session has expired on Friday, 24-Apr-26 05:00:00 PDT.")),
	}, reason: backend.ReasonExpired},

	// ---- Custom providers ----
	{name: "custom client auth detected", id: "custom", setup: func(p *backend.Provider, f *fake) { p.ClientAuth = "" }, routes: map[string]http.HandlerFunc{
		"POST /token": func(w http.ResponseWriter, r *http.Request) {
			if _, _, basic := r.BasicAuth(); basic {
				reply(401, `{"error":"invalid_client","error_description":"client authentication method not allowed"}`)(w, r)
				return
			}
			tokenEndpoint(refreshForm(bodyAuth...), false, reply(200, `{"access_token":"`+tokNewAccess+`","token_type":"Bearer","expires_in":"3600"}`))(w, r)
		},
	}, check: func(t *testing.T, g *backend.Grant, f *fake) {
		wantGrant(tokNewAccess, "", time.Hour)(t, g, f)
		if f.hit("POST /token") != 2 || g.Scopes != nil {
			t.Errorf("hits %d, scopes %v", f.hit("POST /token"), g.Scopes)
		}
	}},
	{name: "custom token url from discovery", id: "custom", setup: func(p *backend.Provider, f *fake) {
		p.TokenURL, p.Issuer = "", f.srv.URL
		f.mu.Lock()
		f.routes["GET /.well-known/openid-configuration"] = reply(200, fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":"%[1]s/authorize","token_endpoint":"%[1]s/oauth/token","jwks_uri":"%[1]s/jwks"}`, f.srv.URL))
		f.mu.Unlock()
	}, routes: map[string]http.HandlerFunc{
		"POST /oauth/token": tokenEndpoint(refreshForm(), true, reply(200, `{"access_token":"`+tokNewAccess+`","expires_in":600,"refresh_token":"`+tokNewRefresh+`"}`)),
	}, check: wantGrant(tokNewAccess, tokNewRefresh, 10*time.Minute)},
}

func runRefresh(t *testing.T, tc rcase, reached *reachedCodes) {
	routes := map[string]http.HandlerFunc{}
	for k, v := range tc.routes {
		routes[k] = v
	}
	f := newFake(t, routes)
	p := providerFor(t, tc.id, f)
	if tc.setup != nil {
		tc.setup(p, f)
	}
	creds := testCreds
	if tc.creds != nil {
		creds = *tc.creds
	}
	refresh := tokRefresh
	if tc.noRefresh {
		refresh = ""
	}
	g, err := testChecker(p, f).Refresh(context.Background(), p, creds, tokenFor(tc.id), refresh)
	switch {
	case tc.sentinel != nil:
		if err != tc.sentinel || g != nil {
			t.Errorf("Refresh = %+v, %v; want %v", g, err, tc.sentinel)
		}
	case tc.reason != "":
		if err == nil || g != nil {
			t.Fatalf("want an error with %q, got %+v", tc.reason, g)
		}
		assertNoSecret(t, err)
		assertClean(t, "error", err.Error())
		if backend.ReasonOf(err) != tc.reason || RetryAfter(err) != tc.retry {
			t.Errorf("Reason %q RetryAfter %v, want %q %v (%v)", backend.ReasonOf(err), RetryAfter(err), tc.reason, tc.retry, err)
		}
		reached.add(backend.ReasonOf(err))
	default:
		if err != nil {
			t.Fatalf("Refresh: %v (%s)", err, backend.ReasonOf(err))
		}
		tc.check(t, g, f)
	}
}

func TestInstagramRefreshTooSoon(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{
		"GET /refresh_access_token": reply(400, `{"error":{"message":"Token is too new: refresh it once it is 24 hours old.","type":"OAuthException","code":10}}`),
	})
	p := fakeProvider(t, "instagram", f)
	if _, err := newChecker(p, f.srv.Client()).Refresh(context.Background(), p, backend.Credentials{}, tokLong, ""); err != ErrTooSoon || backend.ReasonOf(err) != backend.ReasonRateLimited || backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Errorf("too soon: %v", err)
	}
}

// TestRefreshRefusesForeignRedirect: a token endpoint answering 307 would
// have the client re-send the refresh token and the client secret to the
// new address. The refresh must stop there and say why.
func TestRefreshRefusesForeignRedirect(t *testing.T) {
	thief := newFake(t, map[string]http.HandlerFunc{"POST /token": reply(200, `{"access_token":"stolen"}`)})
	for _, tc := range []struct{ name, target string }{
		{"plain http off the loopback", "http://tokens.attacker.example/token"},
		{"another loopback host", thief.srv.URL + "/token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tokenSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tc.target, http.StatusTemporaryRedirect)
			}))
			t.Cleanup(tokenSrv.Close)
			// Every connection to a host other than the token endpoint goes
			// to the thief, so a followed redirect is seen there.
			tr := tokenSrv.Client().Transport.(*http.Transport).Clone()
			var d net.Dialer
			tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				if addr != tokenSrv.Listener.Addr().String() {
					addr = thief.srv.Listener.Addr().String()
				}
				return d.DialContext(ctx, network, addr)
			}
			p := customProvider(thief)
			p.TokenURL = tokenSrv.URL + "/token"
			_, err := newChecker(p, &http.Client{Transport: tr}).Refresh(context.Background(), p, testCreds, tokAccess, tokRefresh)
			if err == nil || !strings.Contains(err.Error(), "redirected the request to another address") {
				t.Fatalf("Refresh = %v, want a refused redirect", err)
			}
			if n := thief.hit("POST /token"); n != 0 {
				t.Fatalf("the redirect target received %d refresh request(s)", n)
			}
			assertNoSecret(t, err)
		})
	}
}
