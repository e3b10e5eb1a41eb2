// Package conformance runs the life of an account (connect, check, renew,
// check again, reconnect, delete with revocation) through the command line
// against oidc-provider, an OpenID Certified server started per
// configuration from tests/oidc, and prints the matrix for the README's
// "Providers tested":
//
//	scripts/with-keyring go test -count=1 -v ./backend/conformance/
//
// TOKENWARDEN_MATRIX_OUT=FILE also writes the table to FILE;
// TOKENWARDEN_REQUIRE_OIDC=1 fails instead of skipping when tests/oidc has
// no node_modules.
package conformance

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// knownFailing maps "row/step" to the defect that makes the cell fail
// today. Such a cell is reported as a known defect instead of failing the
// test; a listed cell that passes fails the test, so remove its entry when
// the fix lands. Issue 10's defects (K1..K11) are fixed: keep it empty, and
// add an entry only with the defect's words while its fix is under way.
var knownFailing = map[string]string{}

// configuration is one row of the matrix: how the server is set up, how the
// app is registered there, and the steps the account goes through.
type configuration struct {
	row    string
	title  string
	client appClient
	server serverConfig
	steps  []step
}

type step struct {
	name string
	run  func(*life) error
}

// standard is the full life of an account.
func standard() []step {
	return []step{{"connect", connect}, {"check", check}, {"renew", renew}, {"check again", check},
		{"reconnect", reconnect}, {"delete", deleteRevoking}}
}

// columns are the matrix's step columns; other steps go under "Also".
var columns = []string{"connect", "check", "renew", "check again", "reconnect", "delete"}

var (
	public = appClient{ID: "native-public", AuthMethod: "none"}
	basic  = appClient{ID: "confidential-basic", Secret: "basic-secret-0123456789abcdef0123456789", AuthMethod: "client_secret_basic"}
	post   = appClient{ID: "confidential-post", Secret: "post-secret-0123456789abcdef01234567890", AuthMethod: "client_secret_post"}
)

func configurations() []*configuration {
	no := false
	return []*configuration{
		{row: "1", title: "public native client: PKCE S256, no secret, loopback any port, introspection needs client auth",
			client: public, server: serverConfig{IntrospectionNeedsAuth: true}, steps: standard()},
		{row: "2", title: "confidential client, client_secret_basic", client: basic, steps: standard()},
		{row: "3", title: "confidential client, client_secret_post", client: post, steps: standard()},
		{row: "4a", title: "refresh-token rotation with reuse detection", client: basic,
			server: serverConfig{RotateRefreshToken: true},
			steps: append(standard(), step{"interrupted renewal (rotated token reused)", interruptedRenewal},
				step{"invalid: reconnect_by is now", reconnectByNow}, step{"reconnect after reuse", reconnect},
				step{"delete after reuse", deleteRevoking})},
		{row: "4b", title: "no refresh token in the refresh response (keep the old one)", client: basic,
			server: serverConfig{OmitRefreshTokenOnRefresh: true},
			steps:  insert(standard(), 3, step{"renew again with the kept token", renewAgain})},
		{row: "5a", title: "opaque access tokens, no expires_in", client: basic,
			server: serverConfig{OmitExpiresIn: true},
			steps: append(standard(),
				step{"token_type MAC refused", refusedTokenResponse(map[string]any{"token_type": "MAC"}, "token")},
				step{"access token with a space refused", refusedTokenResponse(map[string]any{"access_token": "two words"}, "token")},
				step{"expires_in 9223372037 clamped", clampedExpiresIn})},
		{row: "5b", title: "JWT access tokens (RFC 9068)", client: basic,
			server: serverConfig{AccessTokenFormat: "jwt"}, steps: standard()},
		{row: "6a", title: "offline_access granted only with prompt=consent", client: basic,
			server: serverConfig{RefreshTokenWithoutOffline: &no}, steps: standard()},
		{row: "6b", title: "scopes granted narrower than requested (no email)", client: basic,
			server: serverConfig{WithholdScopes: []string{"email"}},
			steps:  insert(standard(), 1, step{"narrower grant recorded and said", narrowerGrantReported})},
		{row: "7", title: "RFC 9207 iss; ID token iss/aud/nonce/exp/signature; keys rotated before reconnect", client: basic,
			steps: []step{
				{"iss mismatch refused", refusedIss},
				{"ID token wrong nonce refused", refusedIDToken("nonce")},
				{"ID token wrong aud refused", refusedIDToken("aud")},
				{"ID token wrong iss refused", refusedIDToken("iss")},
				{"ID token expired refused", refusedIDToken("exp")},
				{"ID token bad signature refused", refusedIDToken("signature")},
				{"connect", connect}, {"check", check}, {"renew", renew}, {"check again", check},
				{"reconnect", keysRotated}, {"delete", deleteRevoking},
			}},
		{row: "8a", title: "the server revokes the grant", client: basic,
			steps: []step{{"connect", connect}, {"check", check}, {"server revokes: invalid, revoked", serverRevokes},
				{"invalid: reconnect_by is now", reconnectByNow}, {"reconnect", reconnect}, {"delete", deleteRevoking}}},
		{row: "8b", title: "the server restarts with no memory", client: basic,
			steps: []step{{"connect", connect}, {"check", check}, {"server forgets: invalid", serverForgets},
				{"reconnect", reconnect}, {"delete", deleteRevoking}}},
		{row: "8c", title: "the server is unreachable", client: basic,
			steps: []step{{"connect", connect}, {"check", check}, {"unreachable: unchanged, reason network", serverUnreachable},
				{"reconnect", reconnectUnreachable}, {"delete", deleteUnreachable}}},
	}
}

func insert(steps []step, at int, s step) []step {
	out := append([]step{}, steps[:at]...)
	out = append(out, s)
	return append(out, steps[at:]...)
}

// outcome is one cell.
type outcome struct {
	step   string
	passed bool
	known  string // the defect, when the cell is in knownFailing
	detail string
}

func (o outcome) cell() string {
	switch {
	case errorsIsBlocked(o.detail):
		return "not run (blocked)"
	case o.passed && o.known != "":
		return "PASS, still listed as known"
	case o.passed:
		return "pass"
	case o.known != "":
		return "known defect: " + o.known
	}
	return "FAIL: " + brief(o.detail)
}

var urlQuery = regexp.MustCompile(`(https?://[^\s"?]+)\?[^\s"]*`)

// brief is a failure's detail fit for a table cell: URLs without their
// query (codes, states, challenges), cut at 200 characters. The test's own
// error message keeps it whole.
func brief(detail string) string {
	s := urlQuery.ReplaceAllString(detail, "$1?…")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

func errorsIsBlocked(detail string) bool { return detail == errBlocked.Error() }

// TestConformanceMatrix runs the life of an account against oidc-provider
// in each configuration and prints the matrix.
func TestConformanceMatrix(t *testing.T) {
	if os.Getenv("TOKENWARDEN_REQUIRE_KEYRING") != "1" {
		t.Skip("needs a real Secret Service: run under scripts/with-keyring (make test does)")
	}
	requireOIDC(t)
	var mu sync.Mutex
	results := map[string][]outcome{}
	cfgs := configurations()
	t.Run("rows", func(t *testing.T) {
		for _, cfg := range cfgs {
			t.Run(cfg.row, func(t *testing.T) {
				t.Parallel()
				out := runConfiguration(t, cfg)
				mu.Lock()
				results[cfg.row] = out
				mu.Unlock()
			})
		}
	})
	ran := map[string]bool{}
	for row, outs := range results {
		for _, o := range outs {
			ran[row+"/"+o.step] = true
		}
	}
	for key := range knownFailing {
		if !ran[key] {
			t.Errorf("knownFailing lists %q, which is no cell of the matrix", key)
		}
	}
	table := matrixTable(cfgs, results)
	t.Log("\n" + table)
	if path := os.Getenv("TOKENWARDEN_MATRIX_OUT"); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// runConfiguration runs one row on its own server and data folder.
func runConfiguration(t *testing.T, cfg *configuration) []outcome {
	sc := cfg.server
	sc.Clients = []map[string]any{cfg.client.metadata()}
	srv := startOIDC(t, sc)
	l := &life{cfg: cfg, srv: srv, app: newApp(t)}
	var outs []outcome
	record := func(name string, err error) {
		key := cfg.row + "/" + name
		o := outcome{step: name, passed: err == nil, known: knownFailing[key]}
		if err != nil {
			o.detail = err.Error()
		}
		switch {
		case errorsIsBlocked(o.detail):
		case o.passed && o.known != "":
			t.Errorf("%s passes now: remove it from knownFailing (%s)", key, o.known)
		case !o.passed && o.known == "":
			t.Errorf("%s: %s", key, o.detail)
		case !o.passed:
			t.Logf("%s: known defect (%s): %s", key, o.known, o.detail)
		}
		outs = append(outs, o)
	}
	for _, s := range cfg.steps {
		record(s.name, s.run(l))
	}
	record("no token in data or output", l.app.scanForLeaks(append(srv.secrets(t), cfg.client.Secret)))
	return outs
}

// matrixTable renders the results as the README's "Providers tested" table.
func matrixTable(cfgs []*configuration, results map[string][]outcome) string {
	var b strings.Builder
	b.WriteString("Tokenwarden against oidc-provider 9.13.3 (OpenID Certified), one server per configuration.\n\n")
	b.WriteString("| Configuration | " + strings.Join(columns, " | ") + " | Also checked |\n")
	b.WriteString("|---|" + strings.Repeat("---|", len(columns)) + "---|\n")
	known := map[string]bool{}
	for _, cfg := range cfgs {
		byStep := map[string]outcome{}
		var also []string
		for _, o := range results[cfg.row] {
			byStep[o.step] = o
			if !isColumn(o.step) {
				also = append(also, o.step+": "+o.cell())
			}
			if o.known != "" && !o.passed {
				known[o.known] = true
			}
		}
		cells := []string{fmt.Sprintf("%s. %s", cfg.row, cfg.title)}
		for _, c := range columns {
			if o, ok := byStep[c]; ok {
				cells = append(cells, o.cell())
			} else {
				cells = append(cells, "n/a")
			}
		}
		cells = append(cells, strings.Join(also, "; "))
		for i := range cells {
			cells[i] = strings.ReplaceAll(strings.ReplaceAll(cells[i], "|", "\\|"), "\n", " ")
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	if len(known) > 0 {
		var ds []string
		for d := range known {
			ds = append(ds, d)
		}
		sort.Strings(ds)
		b.WriteString("\nKnown defects, expected to fail until fixed (issue 10):\n")
		for _, d := range ds {
			b.WriteString("- " + d + "\n")
		}
	}
	return b.String()
}

func isColumn(name string) bool {
	for _, c := range columns {
		if c == name {
			return true
		}
	}
	return false
}
