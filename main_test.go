package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/keychain"
)

// The test binary doubles as the tokenwarden binary: with this variable set
// it runs main, so these tests drive the real command line in real processes
// against a real SQLite file and the real keychain.
func TestMain(m *testing.M) {
	if actAsBrowser() {
		return
	}
	if os.Getenv("TOKENWARDEN_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func requireKeychain(t *testing.T) {
	t.Helper()
	if os.Getenv("TOKENWARDEN_REQUIRE_KEYRING") != "1" {
		t.Skip("needs a real Secret Service: run under scripts/with-keyring (make test does)")
	}
}

type result struct {
	code           int
	stdout, stderr string
}

func tokenwarden(t *testing.T, dataDir, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--data-dir", dataDir}, args...)...)
	cmd.Env = append(os.Environ(), "TOKENWARDEN_TEST_AS_MAIN=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

// Known test tokens: none may ever show up in SQLite files or output.
const (
	accessToken  = "EAAtest-cli-SECRET-access-0001"
	refreshToken = "1//test-cli-SECRET-refresh-0002"
)

func TestCommandLine(t *testing.T) {
	requireKeychain(t)
	dir := t.TempDir()
	var transcript strings.Builder
	run := runner(t, dir, &transcript)

	if r := run("", 0, "version"); !strings.HasPrefix(r.stdout, "tokenwarden ") {
		t.Errorf("version printed %q", r.stdout)
	}
	if r := run("", 0, "status"); !strings.Contains(r.stdout, "No accounts yet") {
		t.Errorf("empty status printed %q", r.stdout)
	}
	run("", 0, "client", "add", "Acme Bakery")
	if r := run("", 2, "client", "add", "acme bakery"); !strings.Contains(r.stderr, "already exists") {
		t.Errorf("duplicate client: %q", r.stderr)
	}
	run("", 2, "client", "add", "")
	run("", 2, "client", "frobnicate")

	// Bad imports change nothing.
	run(accessToken+"\n", 2, "account", "import", "--client", "Acme Bakery", "--provider", "myspace", "--label", "x")
	run(accessToken+"\n", 2, "account", "import", "--client", "Nobody", "--provider", "facebook", "--label", "x")
	run(accessToken+"\n", 2, "account", "import", "--client", "Acme Bakery", "--provider", "facebook", "--label", "x", "--expires-at", "tomorrow")
	run(accessToken+"\n", 2, "account", "import", "--client", "Acme Bakery", "--provider", "facebook", "--label", "x", "--expires-in", "-5d")
	run("tok\x07en\n", 2, "account", "import", "--client", "Acme Bakery", "--provider", "facebook", "--label", "x")
	run("", 2, "account", "import", "--client", "Acme Bakery", "--provider", "facebook", "--label", "x")
	if r := run("", 0, "status", "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("bad imports left accounts: %s", r.stdout)
	}

	page := strings.TrimSpace(run(accessToken+"\n"+refreshToken+"\n", 0, "account", "import", "--client", "Acme Bakery",
		"--provider", "facebook", "--label", "Acme Page", "--expires-in", "3d", "--refresh-token-stdin").stdout)
	if !backend.ValidID("acc", page) {
		t.Fatalf("import printed %q, want an account id", page)
	}
	yt := strings.TrimSpace(run("ya29.test-cli-SECRET-0003\n", 0, "account", "import", "--client", "Acme Bakery",
		"--provider", "google", "--label", "Acme YouTube", "--expires-at", time.Now().Add(90*24*time.Hour).UTC().Format(time.RFC3339)).stdout)

	// Expiring within 7 days needs attention: exit 1.
	r := run("", 1, "status", "--json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	if len(rows) != 2 || rows[0]["id"] != page || rows[0]["status"] != "expiring" || rows[1]["status"] != "healthy" {
		t.Fatalf("status rows = %v", rows)
	}
	for _, key := range []string{"id", "client", "provider", "label", "status", "expires_at", "reason"} {
		if _, ok := rows[0][key]; !ok {
			t.Errorf("status --json lacks %q", key)
		}
	}
	run("", 0, "account", "rename", page, "Acme Facebook Page")
	run("", 2, "account", "rename", "acc_nosuchaccnt", "x")
	run("", 0, "account", "delete", page)
	if r := run("", 0, "status"); !strings.Contains(r.stdout, "Acme YouTube") || strings.Contains(r.stdout, "Facebook Page") {
		t.Errorf("status after delete: %s", r.stdout)
	}
	run("", 2, "client", "delete", "Acme Bakery") // still has the YouTube account
	run("", 0, "account", "delete", yt)
	run("", 0, "client", "delete", "Acme Bakery")

	// The deleted account's tokens are gone from the keychain too.
	kc, err := keychain.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Secret(context.Background(), page, backend.SecretAccessToken); backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Errorf("access token still in the keychain after delete: %v", err)
	}
	assertNoSecrets(t, dir, transcript.String(), accessToken, refreshToken, "ya29.test-cli-SECRET-0003")
}

// assertNoSecrets scans every file of the data dir (database, WAL, shared
// memory) and the given output for the known test tokens.
func assertNoSecrets(t *testing.T, dir, output string, secrets ...string) {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatal("no files in the data dir to scan")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains a secret", filepath.Base(f))
			}
		}
	}
	for _, s := range secrets {
		if strings.Contains(output, s) {
			t.Errorf("command output contains a secret")
		}
	}
}

// TestKillDuringImport kills the command line at random moments of an import
// and checks that at least one kill landed in the middle of one (after it
// wrote something, before it printed its id), that the database stays
// consistent, that every id an import printed survived with its own token,
// that every listed account has a token of one of the imports, and that no
// token reached the data folder or the output.
func TestKillDuringImport(t *testing.T) {
	requireKeychain(t)
	dir := t.TempDir()
	if r := tokenwarden(t, dir, "", "client", "add", "Acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	var transcript strings.Builder
	printed := map[string]string{} // id an import printed -> its token
	tokens := map[string]bool{}
	// Each import's stdout (its id) and stderr, kept apart.
	// Each round its own label: the same label again would be refused as a
	// duplicate of the account the last round made.
	importCmd := func(token string) (*exec.Cmd, *bytes.Buffer) {
		label := fmt.Sprintf("Round %d", len(tokens)+1)
		cmd := exec.Command(os.Args[0], "--data-dir", dir, "account", "import", "--client", "Acme", "--provider", "x", "--label", label)
		cmd.Env = append(os.Environ(), "TOKENWARDEN_TEST_AS_MAIN=1")
		cmd.Stdin = strings.NewReader(token + "\n")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &transcript
		tokens[token] = true
		return cmd, &out
	}
	// An import that runs to its end gives the time the kills spread over.
	cmd, out := importCmd("x-token-SECRET-kill-whole")
	began := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("import: %v\n%s%s", err, out, transcript.String())
	}
	whole := time.Since(began)
	transcript.WriteString(out.String())
	if id := strings.TrimSpace(out.String()); backend.ValidID("acc", id) {
		printed[id] = "x-token-SECRET-kill-whole"
	} else {
		t.Fatalf("import printed %q", out)
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	accountCount := func() int {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM accounts").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	lastItems, lastAccounts := len(keychainItems(t, dir)), accountCount()

	minRounds, maxRounds := 25, 200
	if testing.Short() {
		minRounds = 5
	}
	rounds, midImport := 0, 0
	for ; rounds < minRounds || (midImport == 0 && rounds < maxRounds); rounds++ {
		token := fmt.Sprintf("x-token-SECRET-kill-%03d", rounds)
		cmd, out := importCmd(token)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(whole) * 6 / 5)))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		transcript.WriteString(out.String())
		if id := strings.TrimSpace(out.String()); backend.ValidID("acc", id) {
			printed[id] = token
		}
		// Killed before it printed, yet it had written a keychain item or a
		// row: the kill landed mid-import.
		items, accounts := len(keychainItems(t, dir)), accountCount()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && !strings.Contains(out.String(), "acc_") &&
			(items != lastItems || accounts != lastAccounts) {
			midImport++
		}
		lastItems, lastAccounts = items, accounts
	}
	if midImport == 0 {
		t.Fatalf("no kill landed mid-import in %d rounds (a whole import takes %v)", rounds, whole)
	}

	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	var orphans int
	if err := db.QueryRow(`SELECT count(*) FROM accounts a LEFT JOIN events e ON e.account_id = a.id AND e.kind = 'account.imported' WHERE e.id IS NULL`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("%d accounts have no import event: change and history did not land together", orphans)
	}
	r := tokenwarden(t, dir, "", "status", "--json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("status after kills: %v\n%s%s", err, r.stdout, r.stderr)
	}
	kc, err := keychain.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	owner := map[string]string{} // token -> the account holding it
	for _, row := range rows {
		id, _ := row["id"].(string)
		listed[id] = true
		tok, err := kc.Secret(context.Background(), id, backend.SecretAccessToken)
		switch {
		case err != nil:
			t.Errorf("account %s is listed but its token is not readable: %v", id, err)
		case printed[id] != "" && tok != printed[id]:
			t.Errorf("account %s holds %q, but its import was given %q", id, tok, printed[id])
		case !tokens[tok]:
			t.Errorf("account %s holds %q, which no import was given", id, tok)
		case owner[tok] != "":
			t.Errorf("accounts %s and %s hold the same import's token", owner[tok], id)
		}
		owner[tok] = id
	}
	for id := range printed {
		if !listed[id] {
			t.Errorf("import printed %s, but that account is gone", id)
		}
	}
	var all []string
	for tok := range tokens {
		all = append(all, tok)
	}
	assertNoSecrets(t, dir, transcript.String(), all...)
	t.Logf("%d rounds: %d imports printed their id (the whole one included), %d accounts survived, %d kills landed mid-import", rounds, len(printed), len(rows), midImport)
}

// runner runs the real binary on dir, keeps its output in transcript (for
// the secret scans) and fails the test on an unexpected exit code.
func runner(t *testing.T, dir string, transcript *strings.Builder) func(stdin string, wantCode int, args ...string) result {
	return func(stdin string, wantCode int, args ...string) result {
		t.Helper()
		r := tokenwarden(t, dir, stdin, args...)
		transcript.WriteString(r.stdout + r.stderr)
		if r.code != wantCode {
			t.Fatalf("tokenwarden %v: exit %d, want %d\nstdout: %s\nstderr: %s", args, r.code, wantCode, r.stdout, r.stderr)
		}
		return r
	}
}
