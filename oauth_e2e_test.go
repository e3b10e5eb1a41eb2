package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// actAsBrowser makes the test binary stand in for the system browser when
// the command line opens it through $BROWSER: it loads the authorization URL
// and follows the redirects to the loopback callback, as a user who clicks
// "Allow" would.
func actAsBrowser() bool {
	if len(os.Args) != 3 || os.Args[1] != "--as-browser" {
		return false
	}
	jar, _ := cookiejar.New(nil) // sign-in pages keep their state in cookies
	client := &http.Client{Timeout: 30 * time.Second, Jar: jar}
	resp, err := client.Get(os.Args[2])
	if err != nil {
		os.Stderr.WriteString("browser: " + err.Error() + "\n")
		os.Exit(1)
	}
	resp.Body.Close()
	return true
}

// startMockOAuth starts tests/oauth/server.mjs, oauth2-mock-server (an
// independent OpenID provider library) with hooks of our own, and returns
// its issuer URL. Discovery, the authorization code flow and token signing
// are the library's; introspection, revocation and userinfo refusal are our
// own code there (see its header), so the check and delete steps below test
// the client against our reading of RFC 7662 and RFC 7009.
func startMockOAuth(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("tests/oauth/node_modules/oauth2-mock-server"); err != nil {
		if os.Getenv("TOKENWARDEN_REQUIRE_MOCK_OAUTH") == "1" {
			t.Fatal("oauth2-mock-server is not installed: run npm ci in tests/oauth")
		}
		t.Skip("oauth2-mock-server is not installed: run npm ci in tests/oauth (make test does)")
	}
	cmd := exec.Command("node", "tests/oauth/server.mjs", "0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe() // the server exits when this closes
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("mock OAuth server did not start: %v", err)
	}
	return strings.TrimSpace(line)
}

// TestConnectThroughRealOpenIDProvider runs the generic flow end to end:
// the real binary, a real OpenID provider, the real keychain and SQLite.
func TestConnectThroughRealOpenIDProvider(t *testing.T) {
	requireKeychain(t)
	issuer := startMockOAuth(t)
	dir := t.TempDir()
	t.Setenv("BROWSER", os.Args[0]+" --as-browser")
	const clientSecret = "mock-client-SECRET-0009"
	var transcript strings.Builder
	run := runner(t, dir, &transcript)
	// runJSON runs a command that prints JSON and decodes it; unreadable
	// output fails the test rather than leaving v empty.
	runJSON := func(v any, want int, args ...string) {
		t.Helper()
		r := run("", want, args...)
		if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
			t.Fatalf("tokenwarden %v printed no JSON: %v\n%s", args, err, r.stdout)
		}
	}
	// Every secret the run puts in the keychain, read back from it after
	// each step (a reconnect replaces the tokens): the scan at the end looks
	// for all of them, not only for the ones the test typed.
	issued := map[string]string{}
	readBack := func(step string) {
		t.Helper()
		items := keychainItems(t, dir)
		if len(items) == 0 {
			t.Fatalf("after %s the keychain holds no item of this data folder", step)
		}
		for k, v := range items {
			issued[step+" "+k] = v
		}
	}

	run("", 0, "client", "add", "Acme")
	run("", 2, "connect", "mock", "--client", "Acme") // unknown provider yet
	run("", 2, "provider", "add-custom", "--id", "broken", "--issuer", "http://127.0.0.1:1/nothing", "--client-id", "x")
	run(clientSecret+"\n", 0, "provider", "add-custom", "--id", "mock", "--name", "Mock SSO", "--issuer", issuer,
		"--client-id", "tokenwarden-test", "--client-secret-stdin", "--scopes", "openid profile email offline_access")
	if b, err := os.ReadFile(filepath.Join(dir, "providers.yaml")); err != nil || !strings.Contains(string(b), issuer) {
		t.Fatalf("providers.yaml = %q, %v", b, err)
	}
	var provs []map[string]any
	runJSON(&provs, 0, "provider", "list", "--json")
	found := false
	for _, p := range provs {
		if p["id"] == "mock" {
			found = p["configured"] == true && p["has_secret"] == true
		}
	}
	if !found {
		t.Fatalf("mock provider not listed as configured: %v", provs)
	}

	r := run("", 0, "connect", "mock", "--client", "Acme")
	id := strings.TrimSpace(r.stdout)
	if !backend.ValidID("acc", id) {
		t.Fatalf("connect printed %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "Connected Mock SSO account \"John Doe\"") {
		t.Errorf("connect said: %s", r.stderr)
	}
	readBack("connect")
	for _, kind := range []string{"access_token", "refresh_token"} {
		if issued["connect "+id+"/"+string(kind)] == "" {
			t.Errorf("connect left no %s in the keychain: %v", kind, keysOf(issued))
		}
	}
	if issued["connect provider:mock/client_secret"] != clientSecret {
		t.Errorf("the client secret read back from the keychain is not the one given: %v", keysOf(issued))
	}
	var rows []map[string]any
	runJSON(&rows, 0, "status", "--json") // a 1-hour token with a refresh token renews itself
	if len(rows) != 1 || rows[0]["id"] != id || rows[0]["has_refresh_token"] != true || rows[0]["expires_at"] == nil {
		t.Fatalf("status after connect = %v", rows)
	}

	// The monitor checks the token with the provider (RFC 7662 introspection).
	var checks []map[string]any
	r = run("", 0, "check", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &checks); err != nil || len(checks) != 1 || checks[0]["verdict"] != "valid" {
		t.Fatalf("check = %s (%v)", r.stdout, err)
	}
	runJSON(&rows, 0, "status", "--json")
	if len(rows) != 1 || rows[0]["last_checked_at"] == nil || rows[0]["next_check_at"] == nil {
		t.Errorf("status after check lacks check times: %v", rows[0])
	}

	run("", 0, "account", "rename", id, "Acme SSO admin")
	r = run("", 0, "reconnect", id)
	if !strings.Contains(r.stderr, "Reconnected") {
		t.Errorf("reconnect said: %s", r.stderr)
	}
	readBack("check")
	runJSON(&rows, 0, "status", "--json")
	if len(rows) != 1 || rows[0]["id"] != id || rows[0]["label"] != "Acme SSO admin" {
		t.Fatalf("reconnect did not keep the record: %v", rows)
	}

	// A user who declines: a clear error, and nothing changes.
	run("", 0, "provider", "add-custom", "--id", "mock-deny", "--issuer", issuer, "--client-id", "deny")
	r = run("", 2, "connect", "mock-deny", "--client", "Acme")
	if !strings.Contains(r.stderr, "declined") {
		t.Errorf("denied consent said: %s", r.stderr)
	}
	readBack("reconnect")
	rows = nil
	runJSON(&rows, 0, "status", "--json")
	if len(rows) != 1 {
		t.Errorf("a denied connect left %d accounts", len(rows))
	}

	r = run("", 0, "account", "delete", id)
	if !strings.Contains(r.stdout, "Revoked") {
		t.Errorf("delete did not revoke: %s%s", r.stdout, r.stderr)
	}
	for k := range keychainItems(t, dir) {
		if strings.HasPrefix(k, id+"/") {
			t.Errorf("the deleted account's %s is still in the keychain", k)
		}
	}
	secrets := secretValues(issued)
	if len(secrets) < 3 {
		t.Fatalf("only %d distinct secrets read back from the keychain: %v", len(secrets), keysOf(issued))
	}
	assertNoSecrets(t, dir, transcript.String(), secrets...)
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
