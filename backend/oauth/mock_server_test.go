package oauth

// Tests against a real, independent OpenID provider: oauth2-mock-server from
// the npm registry, started by tests/oauth/server.mjs (see the scenarios it
// offers there). They are skipped when Node.js or the package is missing,
// unless TOKENWARDEN_REQUIRE_MOCK_OAUTH=1, which makes that a failure.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"golang.org/x/oauth2"
)

func TestMain(m *testing.M) {
	code := m.Run()
	stopMockServers()
	os.Exit(code)
}

// mockServer is one running server.mjs process.
type mockServer struct {
	once   sync.Once
	issuer string
	skip   string
	err    error
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *lockedBuffer
}

var mockServers = struct {
	sync.Mutex
	byArgs map[string]*mockServer
}{byArgs: map[string]*mockServer{}}

// mockIssuer returns the issuer URL of a server.mjs started with args,
// starting it on first use and sharing it between tests.
func mockIssuer(t *testing.T, args ...string) string {
	t.Helper()
	key := strings.Join(args, " ")
	mockServers.Lock()
	ms := mockServers.byArgs[key]
	if ms == nil {
		ms = &mockServer{}
		mockServers.byArgs[key] = ms
	}
	mockServers.Unlock()
	ms.once.Do(func() { ms.start(args) })
	switch {
	case ms.skip != "" && os.Getenv("TOKENWARDEN_REQUIRE_MOCK_OAUTH") == "1":
		t.Fatalf("%s (TOKENWARDEN_REQUIRE_MOCK_OAUTH=1)", ms.skip)
	case ms.skip != "":
		t.Skip(ms.skip)
	case ms.err != nil:
		t.Fatal(ms.err)
	}
	return ms.issuer
}

func (ms *mockServer) start(args []string) {
	root, err := repoRoot()
	if err != nil {
		ms.err = err
		return
	}
	dir := filepath.Join(root, "tests", "oauth")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oauth2-mock-server", "package.json")); err != nil {
		ms.skip = "oauth2-mock-server is not installed: run `npm ci` in tests/oauth to run the tests against a real OpenID provider"
		return
	}
	node, err := exec.LookPath("node")
	if err != nil {
		ms.skip = "Node.js is not installed: install Node.js 20.19 or later and run `npm ci` in tests/oauth"
		return
	}
	cmd := exec.Command(node, append([]string{"server.mjs", "0"}, args...)...)
	cmd.Dir = dir
	ms.stderr = &lockedBuffer{}
	cmd.Stderr = ms.stderr
	stdin, err := cmd.StdinPipe() // the server exits when this closes
	if err != nil {
		ms.err = err
		return
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		ms.err = err
		return
	}
	if err := cmd.Start(); err != nil {
		ms.err = fmt.Errorf("start node server.mjs: %w", err)
		return
	}
	ms.cmd, ms.stdin = cmd, stdin
	first := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		first <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, r)
	}()
	select {
	case line := <-first:
		if u, err := url.Parse(line); err != nil || u.Scheme != "http" || u.Host == "" {
			ms.err = fmt.Errorf("server.mjs printed %q instead of an issuer URL; stderr: %s", line, ms.stderr.String())
			return
		}
		ms.issuer = line
	case <-time.After(20 * time.Second):
		ms.err = fmt.Errorf("server.mjs did not start within 20 s; stderr: %s", ms.stderr.String())
	}
}

func stopMockServers() {
	mockServers.Lock()
	defer mockServers.Unlock()
	for _, ms := range mockServers.byArgs {
		if ms.cmd == nil {
			continue
		}
		_ = ms.stdin.Close()
		done := make(chan struct{})
		go func() { _ = ms.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			_ = ms.cmd.Process.Kill()
			<-done
		}
	}
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var mockClient = &http.Client{Timeout: 10 * time.Second}

func mockProvider(issuer string) *backend.Provider {
	return &backend.Provider{
		ID: "mock", Name: "Mock IdP", Issuer: issuer, PKCE: true,
		Scopes: []backend.Scope{{Name: "openid"}, {Name: "profile"}, {Name: "email"}, {Name: "offline_access"}},
	}
}

// mockAuthorize runs Authorize against the mock with a simulated browser.
func mockAuthorize(t *testing.T, p *backend.Provider, clientID string) (*Result, error, *browser) {
	t.Helper()
	b := newBrowser()
	res, err := Authorize(t.Context(), Request{
		Provider:    p,
		Credentials: backend.Credentials{ProviderID: p.ID, ClientID: clientID, ClientSecret: testClientSecret},
		Open:        b.open,
		Timeout:     15 * time.Second,
		HTTPClient:  mockClient,
	})
	return res, err, b
}

func TestMockDiscovery(t *testing.T) {
	t.Parallel()
	issuer := mockIssuer(t)
	d, err := Discover(t.Context(), mockClient, issuer)
	if err != nil {
		t.Fatal(err)
	}
	if d.Issuer != issuer || d.AuthURL != issuer+"/authorize" || d.TokenURL != issuer+"/token" || d.IdentityURL != issuer+"/userinfo" ||
		d.RevokeURL != issuer+"/revoke" || d.IntrospectURL != issuer+"/introspect" || d.JWKSURL != issuer+"/jwks" {
		t.Errorf("endpoints = %+v", d)
	}
	// The mock advertises plain and S256, and token auth "none" (public
	// clients): the id and secret then go in the body.
	if !d.OpenID || !d.PKCE || d.ClientAuth != "body" || !slices.Contains(d.CodeChallengeMethods, "S256") {
		t.Errorf("OpenID=%v PKCE=%v ClientAuth=%q methods=%v", d.OpenID, d.PKCE, d.ClientAuth, d.CodeChallengeMethods)
	}
}

// TestMockConnectLifecycle connects, reads the identity from the verified ID
// token and fills the provider from discovery.
func TestMockConnectLifecycle(t *testing.T) {
	t.Parallel()
	issuer := mockIssuer(t)
	p := mockProvider(issuer)
	start := time.Now()
	res, err, b := mockAuthorize(t, p, testClientID)
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	page := b.page(t)
	if page.status != http.StatusOK || !strings.Contains(page.body, "You&#39;re connected.") {
		t.Errorf("browser page = %d %s", page.status, page.body)
	}
	g := res.Grant
	if strings.Count(g.AccessToken, ".") != 2 || g.RefreshToken == "" {
		t.Errorf("tokens = %q / %q", g.AccessToken, g.RefreshToken)
	}
	if g.ExpiresAt == nil || g.ExpiresAt.Sub(start) < 59*time.Minute || g.ExpiresAt.Sub(start) > 61*time.Minute {
		t.Errorf("ExpiresAt = %v, want in 1 h", g.ExpiresAt)
	}
	if g.RefreshExpiresAt == nil || g.RefreshExpiresAt.Sub(start) < 364*24*time.Hour {
		t.Errorf("RefreshExpiresAt = %v, want in 365 days (refresh_token_expires_in)", g.RefreshExpiresAt)
	}
	if want := []string{"openid", "profile", "email", "offline_access"}; !slices.Equal(g.Scopes, want) {
		t.Errorf("Scopes = %v, want %v", g.Scopes, want)
	}
	wantID := backend.Identity{ExternalID: "johndoe", Name: "John Doe", Email: "john.doe@example.com", Handle: "johndoe", PictureURL: "https://example.com/johndoe.png"}
	if g.Identity != wantID {
		t.Errorf("identity from the ID token = %+v, want %+v", g.Identity, wantID)
	}
	if n, _ := res.IDTokenClaims["nonce"].(string); len(n) != 43 {
		t.Errorf("the verified ID token carries nonce %q", n)
	}
	if !strings.HasPrefix(res.RedirectURI, "http://127.0.0.1:") {
		t.Errorf("RedirectURI = %q", res.RedirectURI)
	}

	// The caller's provider is untouched; FillFromDiscovery fills it.
	if p.TokenURL != "" {
		t.Fatal("Authorize filled the caller's provider")
	}
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, mockClient)
	if err := FillFromDiscovery(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p.IdentityURL != issuer+"/userinfo" || p.RevokeURL != issuer+"/revoke" || p.IntrospectURL != issuer+"/introspect" {
		t.Errorf("FillFromDiscovery left %+v", p)
	}
	// Userinfo, introspection and revocation against this server are the
	// platforms' (backend/providers), run end to end by
	// TestConnectThroughRealOpenIDProvider.
}

func TestMockES256IDToken(t *testing.T) {
	t.Parallel()
	issuer := mockIssuer(t, "--alg=ES256")
	res, err, _ := mockAuthorize(t, mockProvider(issuer), testClientID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Grant.Identity.ExternalID != "johndoe" || res.IDTokenClaims == nil {
		t.Errorf("identity = %+v", res.Grant.Identity)
	}
}

func TestMockScenarios(t *testing.T) {
	t.Parallel()
	issuer := mockIssuer(t)
	for _, tc := range []struct {
		clientID string
		reason   Reason
		want     string
		page     string
	}{
		{"deny", ReasonAccessDenied, "You (or the account owner) declined the request in the browser.", "The connection was not approved."},
		{"refuse-scope", ReasonInvalidScope, "refused one or more of the requested permissions", "Tokenwarden could not connect this account."},
		{"token-500", ReasonServerError, "HTTP 500", "Wait a few minutes"},
		{"invalid-client", ReasonInvalidClient, "did not accept the client id or secret", "Check the client id and secret for Mock IdP in Settings"},
		{"bad-nonce", ReasonInvalidIDToken, "the nonce does not match", "could not be verified"},
	} {
		t.Run(tc.clientID, func(t *testing.T) {
			t.Parallel()
			res, err, b := mockAuthorize(t, mockProvider(issuer), tc.clientID)
			if res != nil {
				t.Errorf("got a result %+v", res)
			}
			fe := wantFlowError(t, err, tc.reason)
			t.Logf("%s: %s", fe.Reason, fe)
			if !strings.Contains(fe.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", fe.Error(), tc.want)
			}
			page := b.page(t)
			if page.status != http.StatusBadRequest || !strings.Contains(page.body, tc.page) {
				t.Errorf("browser page = %d %s", page.status, page.body)
			}
			wantNoSecrets(t, "browser page", page.body)
		})
	}
}

func TestMockPartialConsent(t *testing.T) {
	t.Parallel()
	res, err, _ := mockAuthorize(t, mockProvider(mockIssuer(t)), "partial-consent")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"openid", "profile", "email"}; !slices.Equal(res.Grant.Scopes, want) {
		t.Errorf("granted scopes = %v, want %v (offline_access unticked)", res.Grant.Scopes, want)
	}
}

// TestMockRequiresPKCE turns PKCE off with explicit endpoints: the strict
// mock refuses, and the error names what it said.
func TestMockRequiresPKCE(t *testing.T) {
	t.Parallel()
	issuer := mockIssuer(t)
	p := &backend.Provider{ID: "mock", Name: "Mock IdP", AuthURL: issuer + "/authorize", TokenURL: issuer + "/token", PKCE: false,
		Scopes: []backend.Scope{{Name: "profile"}}}
	_, err, _ := mockAuthorize(t, p, testClientID)
	fe := wantFlowError(t, err, ReasonProviderError)
	if !strings.Contains(fe.Error(), "PKCE with code_challenge_method=S256 is required") {
		t.Errorf("error = %q", fe)
	}
}
