package oauth

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
	"golang.org/x/oauth2"
)

// docServer serves a discovery document at one path and 404 elsewhere.
type docServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string
}

func newDocServer(t *testing.T, docPath string, doc func(base string) map[string]any) *docServer {
	t.Helper()
	d := &docServer{}
	d.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.seen = append(d.seen, r.URL.Path)
		d.mu.Unlock()
		if r.URL.Path != docPath {
			http.NotFound(w, r)
			return
		}
		writeJSON(w, http.StatusOK, doc("http://"+r.Host))
	}))
	t.Cleanup(d.srv.Close)
	return d
}

func oidcDoc(issuerPath string) func(base string) map[string]any {
	return func(base string) map[string]any {
		iss := base + issuerPath
		return map[string]any{
			"issuer": iss, "authorization_endpoint": iss + "/auth", "token_endpoint": iss + "/token",
			"userinfo_endpoint": iss + "/userinfo", "revocation_endpoint": iss + "/revoke",
			"introspection_endpoint": iss + "/introspect", "jwks_uri": iss + "/jwks",
			"scopes_supported": []string{"openid", "email"}, "code_challenge_methods_supported": []string{"S256"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_post"},
		}
	}
}

func TestDiscoverLocations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		issuerPath string
		docPath    string
		openID     bool
	}{
		{"OpenID at the root", "", "/.well-known/openid-configuration", true},
		{"RFC 8414 at the root", "", "/.well-known/oauth-authorization-server", false},
		{"OpenID appended to the path", "/tenant/a", "/tenant/a/.well-known/openid-configuration", true},
		{"OpenID inserted before the path", "/tenant/a", "/.well-known/openid-configuration/tenant/a", true},
		{"RFC 8414 inserted before the path", "/tenant/a", "/.well-known/oauth-authorization-server/tenant/a", false},
		{"RFC 8414 appended to the path", "/tenant/a", "/tenant/a/.well-known/oauth-authorization-server", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := oidcDoc(tc.issuerPath)
			if !tc.openID {
				plain := doc
				doc = func(base string) map[string]any {
					m := plain(base)
					delete(m, "scopes_supported")
					return m
				}
			}
			ds := newDocServer(t, tc.docPath, doc)
			issuer := ds.srv.URL + tc.issuerPath
			d, err := Discover(t.Context(), ds.srv.Client(), issuer)
			if err != nil {
				t.Fatalf("Discover: %v (tried %v)", err, ds.seen)
			}
			if d.Issuer != issuer || d.AuthURL != issuer+"/auth" || d.TokenURL != issuer+"/token" || d.IdentityURL != issuer+"/userinfo" ||
				d.RevokeURL != issuer+"/revoke" || d.IntrospectURL != issuer+"/introspect" || d.JWKSURL != issuer+"/jwks" {
				t.Errorf("endpoints = %+v", d)
			}
			if d.OpenID != tc.openID || !d.PKCE || d.ClientAuth != "body" || d.DocumentURL != ds.srv.URL+tc.docPath {
				t.Errorf("OpenID=%v PKCE=%v ClientAuth=%q DocumentURL=%q", d.OpenID, d.PKCE, d.ClientAuth, d.DocumentURL)
			}
			// A trailing slash on the issuer finds the same document.
			if _, err := Discover(t.Context(), ds.srv.Client(), issuer+"/"); err != nil {
				t.Errorf("issuer with trailing slash: %v", err)
			}
		})
	}
}

func TestDiscoverDerivedSettings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		challenges []string
		auth       []string
		pkce       bool
		clientAuth string
	}{
		{"nothing advertised", nil, nil, true, ""},
		{"S256", []string{"plain", "S256"}, []string{"client_secret_basic", "client_secret_post"}, true, "basic"},
		{"plain only", []string{"plain"}, []string{"client_secret_post"}, false, "body"},
		{"public client", nil, []string{"none"}, true, "body"},
		{"private_key_jwt only", nil, []string{"private_key_jwt"}, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ds := newDocServer(t, "/.well-known/openid-configuration", func(base string) map[string]any {
				m := map[string]any{"issuer": base, "authorization_endpoint": base + "/a", "token_endpoint": base + "/t"}
				if tc.challenges != nil {
					m["code_challenge_methods_supported"] = tc.challenges
				}
				if tc.auth != nil {
					m["token_endpoint_auth_methods_supported"] = tc.auth
				}
				return m
			})
			d, err := Discover(t.Context(), ds.srv.Client(), ds.srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if d.PKCE != tc.pkce || d.ClientAuth != tc.clientAuth {
				t.Errorf("PKCE=%v ClientAuth=%q, want %v %q", d.PKCE, d.ClientAuth, tc.pkce, tc.clientAuth)
			}
		})
	}
}

func TestDiscoverFailures(t *testing.T) {
	t.Parallel()
	serve := func(h http.HandlerFunc) string {
		s := httptest.NewServer(h)
		t.Cleanup(s.Close)
		return s.URL
	}
	spa := serve(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><html><body>app</body></html>"))
	})
	var mismatch string
	mismatch = serve(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"issuer": "https://other.example", "authorization_endpoint": mismatch + "/a", "token_endpoint": mismatch + "/t"})
	})
	noIssuer := serve(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"authorization_endpoint": "https://x.example/a", "token_endpoint": "https://x.example/t"})
	})
	var noToken string
	noToken = serve(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"issuer": noToken, "authorization_endpoint": noToken + "/a"})
	})
	var plainHTTP string
	plainHTTP = serve(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"issuer": plainHTTP, "authorization_endpoint": plainHTTP + "/a", "token_endpoint": "http://tokens.example.com/t"})
	})
	broken := serve(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	huge := serve(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"issuer":"` + strings.Repeat("x", 2<<20) + `"}`))
	})
	closed, _ := net.Listen("tcp4", "127.0.0.1:0")
	down := "http://" + closed.Addr().String()
	closed.Close()

	for _, tc := range []struct {
		name   string
		issuer string
		reason Reason
		want   string
	}{
		{"no document", spa, ReasonDiscovery, "No OpenID or OAuth discovery document at " + spa + "."},
		{"issuer mismatch", mismatch, ReasonDiscovery, `belongs to issuer "https://other.example"`},
		{"no issuer in document", noIssuer, ReasonDiscovery, "does not name its issuer"},
		{"no token endpoint", noToken, ReasonDiscovery, "does not list an authorization and a token endpoint"},
		{"endpoint over plain http", plainHTTP, ReasonDiscovery, "does not use HTTPS"},
		{"server error", broken, ReasonServerError, "HTTP 502"},
		{"oversized", huge, ReasonMalformedResponse, "larger than 1 MiB"},
		{"unreachable", down, ReasonNetwork, "could not reach"},
		{"plain http issuer", "http://idp.example.com", ReasonConfig, "does not use HTTPS"},
		{"issuer with query", "https://idp.example.com/?x=1", ReasonConfig, "not a valid issuer"},
		{"not a URL", "idp.example.com", ReasonConfig, "not a valid issuer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Discover(t.Context(), nil, tc.issuer)
			fe := wantFlowError(t, err, tc.reason)
			if !strings.Contains(fe.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", fe.Error(), tc.want)
			}
			if fe.Err.Hint == "" && tc.reason != ReasonServerError {
				t.Errorf("error %q has no hint", fe.Error())
			}
		})
	}
}

func TestDiscoverMicrosoftTenantIssuer(t *testing.T) {
	t.Parallel()
	ds := newDocServer(t, "/common/v2.0/.well-known/openid-configuration", func(base string) map[string]any {
		return map[string]any{
			"issuer": base + "/{tenantid}/v2.0", "authorization_endpoint": base + "/common/oauth2/v2.0/authorize",
			"token_endpoint": base + "/common/oauth2/v2.0/token", "jwks_uri": base + "/common/discovery/v2.0/keys",
		}
	})
	d, err := Discover(t.Context(), ds.srv.Client(), ds.srv.URL+"/common/v2.0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(d.Issuer, "/{tenantid}/v2.0") {
		t.Errorf("Issuer = %q", d.Issuer)
	}
	for _, tc := range []struct {
		want, got string
		ok        bool
	}{
		{"https://login.example/common/v2.0", "https://login.example/{tenantid}/v2.0", true},
		{"https://login.example/a/b/v2.0", "https://login.example/{tenantid}/v2.0", false},
		{"https://login.example/v2.0", "https://login.example/{tenantid}/v2.0", false},
		{"https://login.example/{tenantid}/v2.0", "https://login.example/abc/v2.0", true},
		{"https://a.example", "https://a.example/", true},
		{"https://a.example", "", false},
	} {
		if got := issuerMatches(tc.want, tc.got); got != tc.ok {
			t.Errorf("issuerMatches(%q, %q) = %v", tc.want, tc.got, got)
		}
	}
}

func TestFillFromDiscovery(t *testing.T) {
	t.Parallel()
	ds := newDocServer(t, "/.well-known/openid-configuration", oidcDoc(""))
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, ds.srv.Client())
	for _, custom := range []bool{true, false} {
		p := &backend.Provider{ID: "custom", Issuer: ds.srv.URL, TokenURL: "https://kept.example/token", Custom: custom}
		if err := FillFromDiscovery(ctx, p); err != nil {
			t.Fatal(err)
		}
		if p.AuthURL != ds.srv.URL+"/auth" || p.TokenURL != "https://kept.example/token" || p.IdentityURL != ds.srv.URL+"/userinfo" ||
			p.RevokeURL != ds.srv.URL+"/revoke" || p.IntrospectURL != ds.srv.URL+"/introspect" {
			t.Errorf("endpoints = %+v", p)
		}
		// PKCE is switched on for custom providers only; a catalogue
		// entry keeps its own setting.
		if !p.OpenID || p.PKCE != custom || p.ClientAuth != "body" || len(p.Scopes) != 0 {
			t.Errorf("custom=%v: OpenID=%v PKCE=%v ClientAuth=%q Scopes=%v", custom, p.OpenID, p.PKCE, p.ClientAuth, p.Scopes)
		}
	}
	// A provider without issuer is left alone.
	plain := &backend.Provider{ID: "x"}
	if err := FillFromDiscovery(ctx, plain); err != nil || plain.AuthURL != "" {
		t.Errorf("provider without issuer: %v %+v", err, plain)
	}
	// The discovery error reaches the caller.
	broken := &backend.Provider{ID: "x", Issuer: ds.srv.URL + "/nothing-here"}
	wantFlowError(t, FillFromDiscovery(ctx, broken), ReasonDiscovery)
}

// TestDiscoverCachesDocuments: one fetch serves every caller (the connect
// flow, the checks, FillFromDiscovery) for an hour; each gets its own copy.
func TestDiscoverCachesDocuments(t *testing.T) {
	t.Parallel()
	ds := newDocServer(t, "/.well-known/openid-configuration", oidcDoc(""))
	first, err := Discover(t.Context(), ds.srv.Client(), ds.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	first.ScopesSupported[0], first.TokenURL = "changed", "changed"
	second, err := Discover(t.Context(), ds.srv.Client(), ds.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	p := &backend.Provider{Issuer: ds.srv.URL}
	if err := FillFromDiscovery(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	ds.mu.Lock()
	fetches := len(ds.seen)
	ds.mu.Unlock()
	if fetches != 1 {
		t.Errorf("%d requests for three discoveries of one issuer, want 1", fetches)
	}
	if second.TokenURL != ds.srv.URL+"/token" || second.ScopesSupported[0] != "openid" || p.TokenURL != ds.srv.URL+"/token" {
		t.Errorf("a caller's change reached the cache: %+v", second)
	}
}
