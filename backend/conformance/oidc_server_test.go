package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// oidcDir is tests/oidc, where the oidc-provider script and its
// node_modules live (go test runs in the package directory).
var oidcDir = filepath.Join("..", "..", "tests", "oidc")

// serverConfig is the JSON configuration tests/oidc/server.mjs takes; its
// comment says what each member does.
type serverConfig struct {
	Clients                    []map[string]any `json:"clients"`
	RotateRefreshToken         bool             `json:"rotateRefreshToken,omitempty"`
	OmitRefreshTokenOnRefresh  bool             `json:"omitRefreshTokenOnRefresh,omitempty"`
	OmitExpiresIn              bool             `json:"omitExpiresIn,omitempty"`
	AccessTokenFormat          string           `json:"accessTokenFormat,omitempty"`
	RefreshTokenWithoutOffline *bool            `json:"refreshTokenWithoutOffline,omitempty"`
	WithholdScopes             []string         `json:"withholdScopes,omitempty"`
	IntrospectionNeedsAuth     bool             `json:"introspectionRequiresClientAuth,omitempty"`
	TokensFile                 string           `json:"tokensFile,omitempty"`
}

// inspector is a confidential client every server registers for the test
// itself: it asks the server (RFC 7662) whether a token is still active,
// which no client of the app's is allowed to do for another client.
const (
	inspectorID     = "conformance-inspector"
	inspectorSecret = "inspector-secret-not-the-apps-0123456789"
)

// oidcServer is one running tests/oidc/server.mjs.
type oidcServer struct {
	Issuer     string
	tokensFile string
	cmd        *exec.Cmd
	stdin      io.WriteCloser
	http       *http.Client
}

// requireOIDC skips (or, with TOKENWARDEN_REQUIRE_OIDC=1, fails) when
// oidc-provider is not installed.
func requireOIDC(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(oidcDir, "node_modules", "oidc-provider", "package.json")); err != nil {
		if os.Getenv("TOKENWARDEN_REQUIRE_OIDC") == "1" {
			t.Fatal("oidc-provider is not installed: run npm ci in tests/oidc (scripts/install-deps test does)")
		}
		t.Skip("oidc-provider is not installed: run npm ci in tests/oidc (make test does)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH")
	}
}

// startOIDC starts a server with cfg plus the inspector client; it stops
// when the test ends.
func startOIDC(t *testing.T, cfg serverConfig) *oidcServer {
	t.Helper()
	cfg.TokensFile = filepath.Join(t.TempDir(), "issued.jsonl")
	cfg.Clients = append(cfg.Clients, map[string]any{
		"client_id": inspectorID, "client_secret": inspectorSecret, "grant_types": []string{"refresh_token"},
		"response_types": []string{}, "redirect_uris": []string{}, "token_endpoint_auth_method": "client_secret_basic",
	})
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(oidcDir, "server.mjs"), string(raw))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe() // the server exits when this closes
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &oidcServer{tokensFile: cfg.TokensFile, cmd: cmd, stdin: stdin, http: &http.Client{Timeout: 10 * time.Second}}
	t.Cleanup(s.stop)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("oidc-provider did not start: %v\n%s", err, stderr.String())
	}
	s.Issuer = strings.TrimSpace(line)
	return s
}

// stop ends the server; afterwards its port refuses connections.
func (s *oidcServer) stop() {
	if s.cmd.Process == nil || s.cmd.ProcessState != nil {
		return
	}
	s.stdin.Close()
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// control runs one of the server's control operations (see server.mjs).
func (s *oidcServer) control(op string, body any) error {
	raw, _ := json.Marshal(body)
	resp, err := s.http.Post(s.Issuer+"/control/"+op, "application/json", bytes.NewReader(raw))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("control %s: HTTP %d: %s", op, resp.StatusCode, msg)
	}
	return nil
}

// issuedToken is one line of the server's log of what it issued.
type issuedToken struct {
	Kind         string `json:"kind"` // "code" or "token"
	Code         string `json:"code"`
	GrantType    string `json:"grant_type"`
	ClientID     string `json:"client_id"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
}

func (s *oidcServer) issued(t *testing.T) []issuedToken {
	t.Helper()
	b, err := os.ReadFile(s.tokensFile)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []issuedToken
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var it issuedToken
		if line == "" {
			continue
		}
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			t.Fatalf("bad line in the issued-tokens log: %v", err)
		}
		out = append(out, it)
	}
	return out
}

// secrets is every code and token the server issued.
func (s *oidcServer) secrets(t *testing.T) []string {
	var out []string
	for _, it := range s.issued(t) {
		for _, v := range []string{it.Code, it.AccessToken, it.RefreshToken, it.IDToken} {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// lastRefreshToken is the newest refresh token issued to clientID.
func (s *oidcServer) lastRefreshToken(t *testing.T, clientID string) string {
	rt := ""
	for _, it := range s.issued(t) {
		if it.Kind == "token" && it.ClientID == clientID && it.RefreshToken != "" {
			rt = it.RefreshToken
		}
	}
	return rt
}

// lastTokens is the newest refresh token and opaque access token issued to
// clientID: what the app holds (JWT access tokens cannot be introspected).
func (s *oidcServer) lastTokens(t *testing.T, clientID string) []string {
	var at string
	for _, it := range s.issued(t) {
		if it.Kind == "token" && it.ClientID == clientID && it.AccessToken != "" {
			at = it.AccessToken
		}
	}
	out := []string{}
	if rt := s.lastRefreshToken(t, clientID); rt != "" {
		out = append(out, rt)
	}
	if at != "" && strings.Count(at, ".") != 2 {
		out = append(out, at)
	}
	return out
}

// active asks the server, as the inspector, whether token is active.
func (s *oidcServer) active(token string) (bool, error) {
	req, _ := http.NewRequest(http.MethodPost, s.Issuer+"/token/introspection",
		strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(inspectorID, inspectorSecret)
	resp, err := s.http.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	var body struct {
		Active bool `json:"active"`
	}
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("introspection: HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return false, err
	}
	return body.Active, nil
}
