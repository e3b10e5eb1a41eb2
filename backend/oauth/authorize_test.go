package oauth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// fakeProvider is an httptest OAuth server whose answers each test shapes.
type fakeProvider struct {
	srv *httptest.Server
	mux *http.ServeMux

	// authorize turns the authorization request into the query sent back
	// to the redirect URI; nil sends code and state.
	authorize func(q url.Values) url.Values
	// token answers the token request; nil sends a JSON token.
	token http.HandlerFunc

	mu        sync.Mutex
	authQuery url.Values
	tokenForm url.Values
	tokenAuth []string
}

func newFakeProvider(t *testing.T) *fakeProvider {
	t.Helper()
	mux := http.NewServeMux()
	f := &fakeProvider{mux: mux}
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f.mu.Lock()
		f.authQuery = q
		f.mu.Unlock()
		back := url.Values{"code": {testCode}, "state": {q.Get("state")}}
		if f.authorize != nil {
			back = f.authorize(q)
		}
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+back.Encode(), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		f.tokenForm = r.PostForm
		f.tokenAuth = append(f.tokenAuth, r.Header.Get("Authorization"))
		f.mu.Unlock()
		if f.token != nil {
			f.token(w, r)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": testAccessToken, "token_type": "Bearer", "expires_in": 3600,
			"refresh_token": testRefreshToken,
		})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeProvider) provider() *backend.Provider {
	return &backend.Provider{
		ID: "fake", Name: "Fake", AuthURL: f.srv.URL + "/authorize", TokenURL: f.srv.URL + "/token",
		PKCE: true, Scopes: []backend.Scope{{Name: "read"}, {Name: "write"}},
	}
}

// run runs Authorize against the fake with a simulated browser.
func (f *fakeProvider) run(t *testing.T, p *backend.Provider, mutate func(*Request)) (*Result, error, *browser) {
	t.Helper()
	b := newBrowser()
	req := Request{
		Provider:    p,
		Credentials: backend.Credentials{ProviderID: p.ID, ClientID: testClientID, ClientSecret: testClientSecret},
		Open:        b.open,
		Timeout:     10 * time.Second,
		HTTPClient:  f.srv.Client(),
	}
	if mutate != nil {
		mutate(&req)
	}
	res, err := Authorize(t.Context(), req)
	return res, err, b
}

// secrets are the per-attempt values the fake saw.
func (f *fakeProvider) secrets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var s []string
	if f.authQuery != nil {
		s = append(s, f.authQuery.Get("state"), f.authQuery.Get("nonce"))
	}
	if f.tokenForm != nil {
		s = append(s, f.tokenForm.Get("code_verifier"))
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func TestAuthorizeCodeFlowWithPKCE(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	f.token = func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": testAccessToken, "token_type": "Bearer", "expires_in": 7200,
			"refresh_token": testRefreshToken, "refresh_expires_in": 86400, "scope": "read",
		})
	}
	p := f.provider()
	p.AuthParams = map[string]string{"access_type": "offline", "prompt": "consent", "state": "attacker", "redirect_uri": "https://evil.example"}
	start := time.Now()
	res, err, b := f.run(t, p, func(r *Request) { r.Prompt = "select_account" })
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	q := f.authQuery
	redirect, _ := url.Parse(q.Get("redirect_uri"))
	if redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1" || redirect.Port() == "0" || redirect.Path != "/callback" {
		t.Errorf("redirect_uri = %q, want http://127.0.0.1:<port>/callback", redirect)
	}
	if res.RedirectURI != redirect.String() {
		t.Errorf("Result.RedirectURI = %q, want %q", res.RedirectURI, redirect)
	}
	for k, want := range map[string]string{
		"response_type": "code", "client_id": testClientID, "scope": "read write",
		"code_challenge_method": "S256", "access_type": "offline", "prompt": "select_account",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("authorization %s = %q, want %q", k, got, want)
		}
	}
	if state := q.Get("state"); len(state) != 43 || state == "attacker" {
		t.Errorf("state %q is not 32 random bytes in base64url", state)
	}
	if q.Has("nonce") {
		t.Error("a nonce was sent to a provider that is not OpenID")
	}
	form := f.tokenForm
	verifier := form.Get("code_verifier")
	sum := sha256.Sum256([]byte(verifier))
	if got := q.Get("code_challenge"); got != base64.RawURLEncoding.EncodeToString(sum[:]) || len(verifier) < 43 {
		t.Errorf("code_challenge %q does not match verifier %q", got, verifier)
	}
	for k, want := range map[string]string{"grant_type": "authorization_code", "code": testCode, "redirect_uri": res.RedirectURI} {
		if got := form.Get(k); got != want {
			t.Errorf("token %s = %q, want %q", k, got, want)
		}
	}
	g := res.Grant
	if g.AccessToken != testAccessToken || g.RefreshToken != testRefreshToken {
		t.Errorf("tokens = %q, %q", g.AccessToken, g.RefreshToken)
	}
	if g.ExpiresAt == nil || g.ExpiresAt.Sub(start) < 7190*time.Second || g.ExpiresAt.Sub(start) > 7210*time.Second {
		t.Errorf("ExpiresAt = %v, want about 2 h from now", g.ExpiresAt)
	}
	if g.RefreshExpiresAt == nil || g.RefreshExpiresAt.Sub(start) < 86390*time.Second {
		t.Errorf("RefreshExpiresAt = %v, want about a day from now", g.RefreshExpiresAt)
	}
	if !slices.Equal(g.Scopes, []string{"read"}) {
		t.Errorf("Scopes = %v, want the granted [read], not the requested", g.Scopes)
	}
	page := b.page(t)
	if page.status != http.StatusOK || !strings.Contains(page.body, "You&#39;re connected.") ||
		!strings.Contains(page.body, "You can close this tab and return to Tokenwarden.") {
		t.Errorf("success page = %d %s", page.status, page.body)
	}
	wantNoSecrets(t, "success page", page.body, f.secrets()...)
	// The listener is closed once the callback is handled.
	if _, err := http.Get(res.RedirectURI); err == nil {
		t.Error("the loopback listener still answers after the flow ended")
	}
}

func TestAuthorizeGrantedScopes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		scope any
		sep   string
		want  []string
	}{
		{"absent means requested", nil, "", []string{"read", "write"}},
		{"empty means requested", "", "", []string{"read", "write"}},
		{"space separated", "read write admin", "", []string{"read", "write", "admin"}},
		{"comma separated", "read,write", ",", []string{"read", "write"}},
		{"array", []string{"write"}, "", []string{"write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeProvider(t)
			f.token = func(w http.ResponseWriter, r *http.Request) {
				body := map[string]any{"access_token": testAccessToken, "token_type": "bearer"}
				if tc.scope != nil {
					body["scope"] = tc.scope
				}
				writeJSON(w, http.StatusOK, body)
			}
			p := f.provider()
			p.ScopeSeparator = tc.sep
			res, err, _ := f.run(t, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Grant.Scopes, tc.want) {
				t.Errorf("Scopes = %v, want %v", res.Grant.Scopes, tc.want)
			}
			if res.Grant.ExpiresAt != nil || res.Grant.RefreshExpiresAt != nil {
				t.Errorf("expiry set without expires_in: %v %v", res.Grant.ExpiresAt, res.Grant.RefreshExpiresAt)
			}
			wantSep := tc.sep
			if wantSep == "" {
				wantSep = " "
			}
			if got := f.authQuery.Get("scope"); got != "read"+wantSep+"write" {
				t.Errorf("requested scope = %q", got)
			}
		})
	}
}

func TestAuthorizeClientAuthentication(t *testing.T) {
	t.Parallel()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(testClientID+":"+testClientSecret))
	for _, tc := range []struct {
		name       string
		clientAuth string
		secret     string
		idParam    string
		id         string
		wantHeader string
		wantBody   map[string]string // "" means absent
	}{
		{"basic", "basic", testClientSecret, "", "", basic,
			map[string]string{"client_id": "", "client_secret": ""}},
		{"body", "body", testClientSecret, "", "", "",
			map[string]string{"client_id": testClientID, "client_secret": testClientSecret}},
		{"auto tries basic first", "", testClientSecret, "", "", basic,
			map[string]string{"client_secret": ""}},
		{"public client", "", "", "", "", "",
			map[string]string{"client_id": testClientID, "client_secret": ""}},
		{"public client of a basic provider", "basic", "", "", "", "",
			map[string]string{"client_id": testClientID, "client_secret": ""}},
		{"tiktok client_key", "", testClientSecret, "client_key", "tiktok", "",
			map[string]string{"client_key": testClientID, "client_secret": testClientSecret, "client_id": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeProvider(t)
			p := f.provider()
			p.ClientAuth = tc.clientAuth
			p.ClientIDParam = tc.idParam
			if tc.id != "" {
				p.ID = tc.id
			}
			_, err, _ := f.run(t, p, func(r *Request) { r.Credentials.ClientSecret = tc.secret })
			if err != nil {
				t.Fatal(err)
			}
			if got := f.tokenAuth[0]; got != tc.wantHeader {
				t.Errorf("Authorization header = %q, want %q", got, tc.wantHeader)
			}
			for k, want := range tc.wantBody {
				if got := f.tokenForm.Get(k); got != want {
					t.Errorf("token body %s = %q, want %q", k, got, want)
				}
			}
			if tc.idParam != "" {
				q := f.authQuery
				if q.Has("client_id") || q.Get(tc.idParam) != testClientID {
					t.Errorf("authorization URL has client_id=%q %s=%q", q.Get("client_id"), tc.idParam, q.Get(tc.idParam))
				}
				// TikTok's desktop Login Kit wants the hex SHA-256.
				sum := sha256.Sum256([]byte(f.tokenForm.Get("code_verifier")))
				if got := q.Get("code_challenge"); got != hex.EncodeToString(sum[:]) {
					t.Errorf("TikTok code_challenge = %q, want hex SHA-256 of the verifier", got)
				}
			}
		})
	}
}

func TestAuthorizeWithoutPKCE(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	p := f.provider()
	p.PKCE = false
	if _, err, _ := f.run(t, p, nil); err != nil {
		t.Fatal(err)
	}
	if f.authQuery.Has("code_challenge") || f.tokenForm.Has("code_verifier") {
		t.Error("PKCE parameters sent to a provider with PKCE off")
	}
}

func TestAuthorizeFixedRedirectPortAndPath(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	p := f.provider()
	p.RedirectPort = port
	p.RedirectPath = "/oauth/done"
	res, err, _ := f.run(t, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d/oauth/done", port); res.RedirectURI != want {
		t.Errorf("RedirectURI = %q, want %q", res.RedirectURI, want)
	}
}

func TestAuthorizeSetupErrors(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	busy, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	busyPort := busy.Addr().(*net.TCPAddr).Port

	for _, tc := range []struct {
		name   string
		mutate func(p *backend.Provider, r *Request)
		reason Reason
		want   string
	}{
		{"no client id", func(p *backend.Provider, r *Request) { r.Credentials.ClientID = " " }, ReasonConfig,
			"There is no client id for Fake."},
		{"secret needed", func(p *backend.Provider, r *Request) { p.NeedsSecret = true; r.Credentials.ClientSecret = "" }, ReasonConfig,
			"needs the client secret"},
		{"no endpoints", func(p *backend.Provider, r *Request) { p.AuthURL, p.TokenURL = "", "" }, ReasonConfig,
			"has no authorization or token endpoint"},
		{"plain http token endpoint", func(p *backend.Provider, r *Request) { p.TokenURL = "http://example.com/token" }, ReasonConfig,
			"does not use HTTPS"},
		{"bad port", func(p *backend.Provider, r *Request) { p.RedirectPort = 70000 }, ReasonConfig, "not a valid port"},
		{"port in use", func(p *backend.Provider, r *Request) { p.RedirectPort = busyPort }, ReasonPortInUse,
			fmt.Sprintf("Port %d on this computer is already in use", busyPort)},
		{"browser fails", func(p *backend.Provider, r *Request) {
			r.Open = func(string) error { return errors.New("xdg-open: no method available") }
		}, ReasonBrowser, "could not open your web browser"},
		{"no opener", func(p *backend.Provider, r *Request) { r.Open = nil }, ReasonConfig, "no way to open the browser"},
		{"no provider", func(p *backend.Provider, r *Request) { r.Provider = nil }, ReasonConfig, "No provider"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := f.provider()
			_, err, _ := f.run(t, p, func(r *Request) {
				r.Provider = p
				tc.mutate(p, r)
			})
			fe := wantFlowError(t, err, tc.reason)
			t.Logf("%s: %s", fe.Reason, err)
			if !strings.Contains(fe.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", fe.Error(), tc.want)
			}
		})
	}
}

// TestAuthorizeDoesNotChangeProvider checks that discovery fills a copy.
func TestAuthorizeDoesNotChangeProvider(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	p := f.provider()
	before := *p
	if _, err, _ := f.run(t, p, nil); err != nil {
		t.Fatal(err)
	}
	if p.AuthURL != before.AuthURL || p.TokenURL != before.TokenURL || p.OpenID != before.OpenID || p.ClientAuth != before.ClientAuth {
		t.Error("Authorize changed the caller's provider")
	}
}

func TestAuthorizerAdapter(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	f.token = func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": testAccessToken, "token_type": "Bearer", "expires_in": 86400, "open_id": "tiktok-user-1",
			"refresh_token": testRefreshToken, "refresh_expires_in": 15552000, "scope": "user.info.basic,video.list",
		})
	}
	b := newBrowser()
	var auth backend.Authorizer = Authorizer{HTTPClient: f.srv.Client(), Timeout: 10 * time.Second}
	g, err := auth.Authorize(t.Context(), backend.AuthRequest{
		Provider:    f.provider(),
		Credentials: backend.Credentials{ClientID: testClientID, ClientSecret: testClientSecret},
		Scopes:      []string{"user.info.basic", "video.list", "video.upload"},
		Prompt:      "consent",
		Open:        b.open,
	})
	if err != nil {
		t.Fatal(err)
	}
	if g.Identity.ExternalID != "tiktok-user-1" || !slices.Equal(g.Scopes, []string{"user.info.basic", "video.list"}) || g.RefreshExpiresAt == nil {
		t.Errorf("grant = %+v", g)
	}
	if q := f.authQuery; q.Get("prompt") != "consent" || q.Get("scope") != "user.info.basic video.list video.upload" {
		t.Errorf("authorization request = %v", q)
	}
}

// TestAuthorizeSecondCallbackOverTheListener sends a second callback to the
// real loopback listener while the first is being exchanged: it gets the
// "already handled" page and the first one's result stands.
func TestAuthorizeSecondCallbackOverTheListener(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	exchanging := make(chan struct{})
	release := make(chan struct{})
	f.token = func(w http.ResponseWriter, r *http.Request) {
		close(exchanging)
		<-release
		writeJSON(w, http.StatusOK, map[string]any{"access_token": testAccessToken, "token_type": "Bearer"})
	}
	noFollow := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	second := make(chan browserPage, 1)
	open := func(u string) error {
		resp, err := noFollow.Get(u) // the provider's redirect back
		if err != nil {
			return err
		}
		resp.Body.Close()
		callback := resp.Header.Get("Location")
		go func() { _, _ = noFollow.Get(callback) }() // the first callback
		<-exchanging
		forged, _ := url.Parse(callback)
		q := forged.Query()
		q.Set("code", "another-code")
		forged.RawQuery = q.Encode()
		resp, err = noFollow.Get(forged.String())
		if err != nil {
			second <- browserPage{err: err}
		} else {
			body := make([]byte, 4096)
			n, _ := resp.Body.Read(body)
			resp.Body.Close()
			second <- browserPage{status: resp.StatusCode, body: string(body[:n])}
		}
		close(release)
		return nil
	}
	res, err, _ := f.run(t, f.provider(), func(r *Request) { r.Open = open })
	if err != nil {
		t.Fatal(err)
	}
	if res.Grant.AccessToken != testAccessToken || f.tokenForm.Get("code") != testCode {
		t.Errorf("the result is not the first callback's: %+v, code %q", res.Grant, f.tokenForm.Get("code"))
	}
	p := <-second
	if p.err != nil || p.status != http.StatusConflict || !strings.Contains(p.body, "This sign-in was already handled.") {
		t.Errorf("second callback page = %d %v %s", p.status, p.err, p.body)
	}
}
