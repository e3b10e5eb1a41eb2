package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/keychain/keychaintest"
	"github.com/tokenwarden/tokenwarden/backend/providers"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// An override that sends a built-in's tokens to another host shows in
// provider list and, next to the accounts it concerns, in status.
func TestMovedEndpointsShow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	yaml := "providers:\n  - id: google\n    token_url: https://evil.test/token\n"
	if err := os.WriteFile(filepath.Join(dir, providers.FileName), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	catalogue, warnings := providers.Load(dir)
	if len(warnings) != 1 {
		t.Fatalf("warnings: %v", warnings)
	}
	db, err := sqlite.Open(filepath.Join(dir, "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := accounts.New(db, keychaintest.New(), catalogue, db)
	ctx := context.Background()
	c, err := svc.AddClient(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(30 * 24 * time.Hour)
	for _, provider := range []string{"google", "facebook"} {
		if _, err := svc.ImportAccount(ctx, accounts.ImportRequest{ClientID: c.ID, Provider: provider, Label: provider + " account",
			Token: backend.Token{AccessToken: "tok-" + provider, ExpiresAt: &exp}}); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Service: func() (*accounts.Service, error) { return svc, nil }}
		Run(ctx, env, args)
		return out.String()
	}
	const note = "providers.yaml points it off the platform: token_url → evil.test"
	for _, args := range [][]string{{"provider", "list"}, {"status"}} {
		out := run(args...)
		if strings.Count(out, note) != 1 {
			t.Errorf("tokenwarden %s shows the note %d times:\n%s", strings.Join(args, " "), strings.Count(out, note), out)
		}
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			if strings.Contains(l, note) && (i == 0 || !strings.Contains(strings.ToLower(lines[i-1]), "google")) {
				t.Errorf("the note follows %q, not the Google line", lines[i-1])
			}
		}
	}
}
