package providers

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Test secrets: none may ever appear in an error.
const (
	tokShort   = "EAAshortLivedTOKEN1"
	tokLong    = "EAAlongLivedTOKEN22"
	tokAccess  = "ya29.accessTOKEN55"
	tokRefresh = "1//refreshTOKEN333"
	tokPage1   = "EAApageTOKENone111"
	tokPage2   = "EAApageTOKENtwo222"
	tokPage3   = "EAApageTOKENthree3"
	appID      = "1234567890"
	appSecret  = "appSECRET4444"
)

var allSecrets = []string{tokShort, tokLong, tokAccess, tokRefresh, tokPage1, tokPage2, tokPage3, appSecret}

var testCreds = backend.Credentials{ClientID: appID, ClientSecret: appSecret}

// assertNoSecret fails when an error shows any test secret.
func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	basic := base64.StdEncoding.EncodeToString([]byte(appID + ":" + appSecret))
	for _, s := range []string{err.Error(), backend.ErrorMessage(err), fmt.Sprintf("%+v", err)} {
		for _, sec := range append(allSecrets, basic) {
			if strings.Contains(s, sec) || strings.Contains(s, url.QueryEscape(sec)) {
				t.Errorf("error shows a secret: %s", s)
			}
		}
	}
}

// fake is a platform API: routes are "METHOD /path".
type fake struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	hits   map[string]int
}

func newFake(t *testing.T, routes map[string]http.HandlerFunc) *fake {
	f := &fake{t: t, routes: routes, hits: map[string]int{}}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Method + " " + r.URL.Path
	f.mu.Lock()
	f.hits[key]++
	h := f.routes[key]
	f.mu.Unlock()
	if h == nil {
		f.t.Errorf("unexpected request %s", key)
		http.Error(w, `{"error":"not_found"}`, http.StatusNotFound)
		return
	}
	h(w, r)
}

func (f *fake) hit(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(strings.TrimSpace(body), "<") {
			w.Header().Set("Content-Type", "text/html")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// fakeProvider is the built-in provider id with every API URL moved to the
// fake, keeping paths and queries.
func fakeProvider(t *testing.T, id string, f *fake) *backend.Provider {
	t.Helper()
	p, err := Builtin().Provider(id)
	if err != nil {
		t.Fatal(err)
	}
	cp := clone(p)
	for _, field := range []*string{&cp.AuthURL, &cp.TokenURL, &cp.IdentityURL, &cp.RevokeURL, &cp.IntrospectURL, &cp.GraphURL} {
		if *field == "" {
			continue
		}
		u, err := url.Parse(*field)
		if err != nil {
			t.Fatal(err)
		}
		*field = f.srv.URL + strings.TrimSuffix(u.Path, "/")
		if strings.HasSuffix(u.Path, "/") && len(u.Path) > 1 {
			*field += "/" // TikTok's paths end in a slash
		}
		if u.RawQuery != "" {
			*field += "?" + u.RawQuery
		}
	}
	return cp
}

func customProvider(f *fake) *backend.Provider {
	return &backend.Provider{
		ID: "acme", Name: "Acme", AuthURL: f.srv.URL + "/authorize", TokenURL: f.srv.URL + "/token",
		IdentityURL: f.srv.URL + "/userinfo", RevokeURL: f.srv.URL + "/revoke", ClientAuth: "basic",
		PKCE: true, Refresh: backend.RefreshToken, Custom: true,
	}
}

func wantBearer(t *testing.T, token string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("Authorization = %q, want the bearer token", got)
		}
		h(w, r)
	}
}

func TestPlatformFor(t *testing.T) {
	want := map[string]string{
		"facebook": "*providers.facebook", "instagram": "*providers.instagram", "linkedin": "*providers.openID",
		"google": "*providers.openID", "x": "*providers.xPlatform", "tiktok": "*providers.tiktok",
		"pinterest": "*providers.pinterest", "microsoft": "*providers.microsoft",
	}
	for _, p := range Builtin().Providers() {
		if got := fmt.Sprintf("%T", PlatformFor(p)); got != want[p.ID] {
			t.Errorf("PlatformFor(%s) = %s, want %s", p.ID, got, want[p.ID])
		}
	}
	// A custom provider is generic even when it borrows a built-in's name.
	for _, p := range []*backend.Provider{nil, {ID: "acme", Custom: true}, {ID: "facebook", Custom: true}} {
		if got := fmt.Sprintf("%T", PlatformFor(p)); got != "*providers.generic" {
			t.Errorf("PlatformFor(%v) = %s, want generic", p, got)
		}
	}
}

// identityCases are each platform's documented identity reply.
var identityCases = []struct {
	id, path, body string
	want           backend.Identity
}{
	{"google", "GET /v1/userinfo", `{
  "sub": "110248495921238986420",
  "name": "Jane Doe",
  "given_name": "Jane",
  "family_name": "Doe",
  "picture": "https://lh3.googleusercontent.com/a/ACg8ocJ",
  "email": "jane.doe@gmail.com",
  "email_verified": true
}`, backend.Identity{ExternalID: "110248495921238986420", Name: "Jane Doe", Email: "jane.doe@gmail.com", PictureURL: "https://lh3.googleusercontent.com/a/ACg8ocJ"}},
	{"linkedin", "GET /v2/userinfo", `{
  "sub": "782bbtaQ",
  "email_verified": true,
  "name": "John Doe",
  "locale": {"country": "US", "language": "en"},
  "given_name": "John",
  "family_name": "Doe",
  "email": "doe@email.com",
  "picture": "https://media.licdn-ei.com/dms/image/C5F03AQHqK8v7tB1HCQ/profile-displayphoto-shrink_100_100/0/"
}`, backend.Identity{ExternalID: "782bbtaQ", Name: "John Doe", Email: "doe@email.com", PictureURL: "https://media.licdn-ei.com/dms/image/C5F03AQHqK8v7tB1HCQ/profile-displayphoto-shrink_100_100/0/"}},
	{"x", "GET /2/users/me", `{"data":{"id":"2244994945","name":"X Developers","username":"XDevelopers","profile_image_url":"https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg"}}`,
		backend.Identity{ExternalID: "2244994945", Name: "X Developers", Handle: "XDevelopers", PictureURL: "https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg"}},
	{"tiktok", "GET /v2/user/info/", `{
  "data": {
    "user": {
      "avatar_url": "https://p19-sign.tiktokcdn-us.com/tos-useast5-avt-0068-tx/b17f0e4b3a4f4a50993cf72cda8b88b8~c5_168x168.jpeg",
      "open_id": "723f24d7-e717-40f8-a2b6-cb8464cd23b4",
      "union_id": "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1",
      "display_name": "Tik Toker"
    }
  },
  "error": {"code": "ok", "message": "", "log_id": "20220829194722CBE87ED59D524E727021"}
}`, backend.Identity{ExternalID: "723f24d7-e717-40f8-a2b6-cb8464cd23b4", Name: "Tik Toker", PictureURL: "https://p19-sign.tiktokcdn-us.com/tos-useast5-avt-0068-tx/b17f0e4b3a4f4a50993cf72cda8b88b8~c5_168x168.jpeg"}},
	{"pinterest", "GET /v5/user_account", `{
  "account_type": "BUSINESS",
  "id": "549755885175",
  "profile_image": "https://i.pinimg.com/280x280_RS/42/03/a5/4203a57a78f6f1b1e8ccb4a7f5a1f1a1.jpg",
  "website_url": "https://acme-bakery.example",
  "username": "acmebakery",
  "about": "Bread.",
  "business_name": "Acme Bakery",
  "board_count": 12,
  "pin_count": 340,
  "follower_count": 87,
  "following_count": 5,
  "monthly_views": 1000
}`, backend.Identity{ExternalID: "549755885175", Name: "Acme Bakery", Handle: "acmebakery", PictureURL: "https://i.pinimg.com/280x280_RS/42/03/a5/4203a57a78f6f1b1e8ccb4a7f5a1f1a1.jpg"}},
	{"microsoft", "GET /v1.0/me", `{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
  "businessPhones": ["+1 412 555 0109"],
  "displayName": "Megan Bowen",
  "givenName": "Megan",
  "jobTitle": "Auditor",
  "mail": null,
  "mobilePhone": null,
  "officeLocation": "12/1110",
  "preferredLanguage": "en-US",
  "surname": "Bowen",
  "userPrincipalName": "MeganB@contoso.com",
  "id": "48d31887-5fad-4d73-a9f5-3c356e68a038"
}`, backend.Identity{ExternalID: "48d31887-5fad-4d73-a9f5-3c356e68a038", Name: "Megan Bowen", Email: "MeganB@contoso.com", Handle: "MeganB@contoso.com"}},
	{"custom", "GET /userinfo", `{"sub":"248289761001","name":"Jane Doe","preferred_username":"j.doe","email":"janedoe@example.com","picture":"http://example.com/janedoe/me.jpg"}`,
		backend.Identity{ExternalID: "248289761001", Name: "Jane Doe", Email: "janedoe@example.com", Handle: "j.doe", PictureURL: "http://example.com/janedoe/me.jpg"}},
}

func providerFor(t *testing.T, id string, f *fake) *backend.Provider {
	if id == "custom" {
		return customProvider(f)
	}
	return fakeProvider(t, id, f)
}

func TestCompleteIdentity(t *testing.T) {
	for _, tc := range identityCases {
		t.Run(tc.id, func(t *testing.T) {
			f := newFake(t, map[string]http.HandlerFunc{tc.path: wantBearer(t, tokAccess, reply(200, tc.body))})
			p := providerFor(t, tc.id, f)
			g := &backend.Grant{AccessToken: tokAccess, RefreshToken: tokRefresh, Scopes: []string{"a"}}
			if err := NewPlatform(p, f.srv.Client()).Complete(context.Background(), p, testCreds, g); err != nil {
				t.Fatal(err)
			}
			if g.Identity != tc.want {
				t.Errorf("identity:\n got %+v\nwant %+v", g.Identity, tc.want)
			}
			if g.AccessToken != tokAccess || g.RefreshToken != tokRefresh || !reflect.DeepEqual(g.Scopes, []string{"a"}) {
				t.Error("Complete changed the tokens or scopes")
			}
			if tc.id == "tiktok" && !strings.Contains(p.IdentityURL, "fields=open_id,union_id,avatar_url,display_name") {
				t.Error("tiktok identity_url lacks the fields")
			}
		})
	}
}

func TestGenericCompleteSkipsKnownIdentity(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{})
	p := customProvider(f)
	g := &backend.Grant{AccessToken: tokAccess, Identity: backend.Identity{ExternalID: "from-id-token"}}
	if err := PlatformFor(p).Complete(context.Background(), p, testCreds, g); err != nil || g.Identity.ExternalID != "from-id-token" {
		t.Fatalf("err %v, identity %+v", err, g.Identity)
	}
	p.IdentityURL = ""
	g = &backend.Grant{AccessToken: tokAccess}
	if err := PlatformFor(p).Complete(context.Background(), p, testCreds, g); err != nil {
		t.Fatalf("no identity_url: %v", err)
	}
	if err := PlatformFor(p).Complete(context.Background(), p, testCreds, &backend.Grant{}); backend.ErrorCode(err) != backend.EINTERNAL {
		t.Errorf("empty grant: %v", err)
	}
}

// TestCompleteErrors feeds every identity endpoint the failures platforms
// really send, and the garbage a proxy or outage sends.
func TestCompleteErrors(t *testing.T) {
	big := `{"data":"` + strings.Repeat("x", maxBody) + `"}`
	generic := []struct {
		name   string
		status int
		body   string
		reason string
		want   string
	}{
		{"html", 200, "<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>", DetailBadResponse, "sent a web page instead of data"},
		{"html error page", 404, "<html><body>Not Found</body></html>", DetailBadResponse, "answered with a web page (HTTP 404)"},
		{"empty", 200, "", DetailBadResponse, "sent an empty reply"},
		{"whitespace", 200, " \n ", DetailBadResponse, "sent an empty reply"},
		{"garbage", 200, "ok then", DetailBadResponse, "not valid JSON"},
		{"truncated", 200, `{"sub":"1`, DetailBadResponse, "not valid JSON"},
		{"oversized", 200, big, DetailBadResponse, "larger than 1 MiB"},
		{"no id", 200, `{"name":"nobody"}`, DetailBadResponse, "did not say whose account"},
		{"server error", 503, "<html>Service Unavailable</html>", DetailUnavailable, "is having problems (HTTP 503)"},
		{"rate limited", 429, `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`, DetailRateLimited, "limiting requests"},
	}
	specific := map[string][]struct {
		status int
		body   string
		reason string
		want   string
	}{
		"google": {
			{401, `{"error":"invalid_token","error_description":"Invalid Credentials"}`, DetailInvalidToken, `no longer valid: "Invalid Credentials"`},
			{401, `{"error":{"code":401,"message":"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.","status":"UNAUTHENTICATED"}}`, DetailInvalidToken, "Request had invalid authentication credentials"},
		},
		"linkedin": {
			{401, `{"serviceErrorCode":65600,"message":"Invalid access token","status":401}`, DetailInvalidToken, `"Invalid access token"`},
			{403, `{"serviceErrorCode":100,"message":"Not enough permissions to access: userinfo.GET.NO_VERSION","status":403}`, DetailPermission, "Not enough permissions"},
		},
		"x": {
			{401, `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`, DetailInvalidToken, "no longer valid"},
			{403, `{"client_id":"27594802","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}`, DetailAppConfig, "not enrolled"},
			{200, `{"errors":[{"detail":"Could not find user with id: [1].","title":"Not Found Error","type":"https://api.twitter.com/2/problems/resource-not-found"}]}`, DetailUnknown, "Could not find user"},
		},
		"tiktok": {
			{401, `{"data":{},"error":{"code":"access_token_invalid","message":"The access token is invalid or not found in the request.","log_id":"20230101123456ABCDEF"}}`, DetailInvalidToken, "no longer valid"},
			{401, `{"data":{},"error":{"code":"scope_not_authorized","message":"The user did not authorize the scope required for completing this request.","log_id":"2023"}}`, DetailPermission, "lacks a permission"},
			{429, `{"data":{},"error":{"code":"rate_limit_exceeded","message":"The API rate limit was exceeded.","log_id":"2023"}}`, DetailRateLimited, "limiting requests"},
			{200, `{"data":{},"error":{"code":"internal_error","message":"Something went wrong.","log_id":"2023"}}`, DetailUnavailable, "internal problem"},
		},
		"pinterest": {
			{401, `{"code":2,"message":"Authentication failed."}`, DetailInvalidToken, `"Authentication failed."`},
			{403, `{"code":3,"message":"Not authorized to access the user_account."}`, DetailPermission, "Not authorized"},
		},
		"microsoft": {
			{401, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid.","innerError":{"date":"2024-05-14T10:00:00","request-id":"7c1b3f0e-1c4a-4d5e-9b2a-5c0f3e2a1b0c","client-request-id":"7c1b3f0e-1c4a-4d5e-9b2a-5c0f3e2a1b0c"}}}`, DetailInvalidToken, "Access token has expired"},
			{403, `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2024-05-14T10:00:00","request-id":"x"}}}`, DetailPermission, "Insufficient privileges"},
		},
		"custom": {
			{400, `{"error":"invalid_client","error_description":"Client authentication failed"}`, DetailAppConfig, "client id or secret"},
		},
	}
	for _, ic := range identityCases {
		type errCase struct {
			name   string
			status int
			body   string
			reason string
			want   string
		}
		var cases []errCase
		for _, g := range generic {
			if ic.id == "tiktok" && g.name == "no id" {
				continue
			}
			cases = append(cases, errCase(g))
		}
		for i, s := range specific[ic.id] {
			cases = append(cases, errCase{fmt.Sprintf("documented error %d", i), s.status, s.body, s.reason, s.want})
		}
		for _, tc := range cases {
			t.Run(ic.id+"/"+tc.name, func(t *testing.T) {
				f := newFake(t, map[string]http.HandlerFunc{ic.path: reply(tc.status, tc.body)})
				p := providerFor(t, ic.id, f)
				g := &backend.Grant{AccessToken: tokAccess, RefreshToken: tokRefresh}
				err := NewPlatform(p, f.srv.Client()).Complete(context.Background(), p, testCreds, g)
				if err == nil {
					t.Fatal("no error")
				}
				if got := DetailOf(err); got != tc.reason {
					t.Errorf("reason = %q, want %q (%v)", got, tc.reason, err)
				}
				if msg := backend.ErrorMessage(err); !strings.Contains(msg, tc.want) || !strings.Contains(msg, p.Name) {
					t.Errorf("message %q lacks %q or the platform name", msg, tc.want)
				}
				if code := backend.ErrorCode(err); code != codeFor(tc.reason) {
					t.Errorf("code = %q", code)
				}
				if g.Identity != (backend.Identity{}) {
					t.Error("a failed Complete filled the identity")
				}
				assertNoSecret(t, err)
			})
		}
	}
}

func TestTransportErrors(t *testing.T) {
	// Nothing listens here any more.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	p := &backend.Provider{ID: "acme", Name: "Acme", Custom: true, IdentityURL: deadURL + "/userinfo?access_token=" + tokAccess}
	err := PlatformFor(p).Complete(context.Background(), p, testCreds, &backend.Grant{AccessToken: tokAccess})
	if DetailOf(err) != DetailUnavailable || backend.ErrorCode(err) != backend.EUNAVAILABLE || !strings.Contains(err.Error(), "Could not reach Acme") {
		t.Errorf("unreachable: %v", err)
	}
	assertNoSecret(t, err)

	slow := newFake(t, map[string]http.HandlerFunc{"GET /userinfo": func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}})
	p = customProvider(slow)
	client := slow.srv.Client()
	client.Timeout = 50 * time.Millisecond
	err = NewPlatform(p, client).Complete(context.Background(), p, testCreds, &backend.Grant{AccessToken: tokAccess})
	if DetailOf(err) != DetailUnavailable || !strings.Contains(err.Error(), "did not answer in time") {
		t.Errorf("timeout: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = NewPlatform(p, slow.srv.Client()).Complete(ctx, p, testCreds, &backend.Grant{AccessToken: tokAccess})
	if DetailOf(err) != DetailUnavailable || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("cancelled: %v", err)
	}
}

func TestDefaultClientRefusesForeignRedirects(t *testing.T) {
	other := newFake(t, map[string]http.HandlerFunc{})
	f := newFake(t, map[string]http.HandlerFunc{"GET /userinfo": func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.srv.URL+"/steal?"+r.URL.RawQuery, http.StatusFound)
	}})
	p := customProvider(f)
	p.IdentityURL += "?access_token=" + tokAccess
	err := PlatformFor(p).Complete(context.Background(), p, testCreds, &backend.Grant{AccessToken: tokAccess})
	if err == nil || other.hit("GET /steal") != 0 {
		t.Fatalf("followed a redirect to another host: %v", err)
	}
	assertNoSecret(t, err)
}

func TestErrorsNeverShowSecrets(t *testing.T) {
	// A platform that repeats everything it was sent in its error message.
	echo := func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		all := r.URL.RawQuery + " " + r.Header.Get("Authorization") + " " + r.PostForm.Encode()
		for _, v := range r.Form {
			all += " " + strings.Join(v, " ")
		}
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":"invalid_request","error_description":%q,"message":%q}`, all, all)
	}
	graphEcho := func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		all := r.URL.RawQuery
		for _, v := range r.Form {
			all += " " + strings.Join(v, " ")
		}
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":{"message":%q,"type":"OAuthException","code":100,"fbtrace_id":"x"}}`, all)
	}
	for _, id := range []string{"facebook", "instagram", "linkedin", "google", "x", "tiktok", "pinterest", "microsoft", "custom"} {
		t.Run(id, func(t *testing.T) {
			routes := map[string]http.HandlerFunc{}
			f := newFake(t, routes)
			p := providerFor(t, id, f)
			for _, u := range []string{p.IdentityURL, p.RevokeURL} {
				if u != "" {
					pu, _ := url.Parse(u)
					routes["GET "+pu.Path], routes["POST "+pu.Path] = echo, echo
				}
			}
			if p.GraphURL != "" {
				gu, _ := url.Parse(p.GraphURL)
				for _, path := range []string{"/oauth/access_token", "/access_token", "/me", "/me/permissions", "/refresh_access_token"} {
					routes["GET "+gu.Path+path], routes["DELETE "+gu.Path+path] = graphEcho, graphEcho
				}
			}
			pl := NewPlatform(p, f.srv.Client())
			err := pl.Complete(context.Background(), p, testCreds, &backend.Grant{AccessToken: tokShort, RefreshToken: tokRefresh})
			if err == nil {
				t.Fatal("Complete: no error")
			}
			assertNoSecret(t, err)
			// Either the platform's words are shown with the secrets hidden, or
			// the error is a verdict, or the platform's words are left out:
			// then nothing of what was sent may appear.
			if msg := backend.ErrorMessage(err); !strings.Contains(msg, "[hidden]") && DetailOf(err) != DetailInvalidToken {
				if strings.Contains(msg, appID) || strings.Contains(msg, "grant_type") || strings.Contains(msg, "client_id") {
					t.Errorf("Complete error repeats the request without hiding it: %v", err)
				}
			}
			if err := pl.Revoke(context.Background(), p, testCreds, tokAccess, tokRefresh); err != nil {
				assertNoSecret(t, err)
			}
			if id == "instagram" {
				_, err := newChecker(p, f.srv.Client()).Refresh(context.Background(), p, backend.Credentials{}, tokLong, "")
				if err == nil {
					t.Fatal("Refresh: no error")
				}
				assertNoSecret(t, err)
			}
		})
	}
}

func TestDetailOf(t *testing.T) {
	pe := newPlatformError(DetailAppRemoved, 400, reconnectHint, "The app was removed")
	wrapped := fmt.Errorf("refresh: %w", pe)
	if DetailOf(wrapped) != DetailAppRemoved || !pe.NeedsReconnect() {
		t.Error("DetailOf or NeedsReconnect")
	}
	if backend.ReasonOf(wrapped) != backend.ReasonRevoked || backend.ReasonOf(nil) != "" || backend.ReasonOf(errors.New("x")) != backend.ReasonUnknown {
		t.Error("ReasonOf gives the backend reason code")
	}
	var be *backend.Error
	if !errors.As(wrapped, &be) || be.Code != backend.EINVALID || be.Hint != reconnectHint {
		t.Error("a PlatformError must unwrap to its *backend.Error")
	}
	if DetailOf(errors.New("x")) != "" || DetailOf(nil) != "" {
		t.Error("DetailOf of a plain error")
	}
	if newPlatformError(DetailRateLimited, 429, "", "x").NeedsReconnect() {
		t.Error("rate limits do not need a reconnect")
	}
}
