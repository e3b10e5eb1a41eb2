package accounts

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestImportDuplicateAndReplace(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.client(t, "Acme Bakery")
	a := f.importToken(t, c.ID, "acme-fb", 30*24*time.Hour)
	if err := f.secrets.SetSecret(ctx, a.ID, backend.SecretRefreshToken, "old-refresh"); err != nil {
		t.Fatal(err)
	}

	// Same client, platform and label, any case: refused, naming the account.
	req := ImportRequest{ClientID: c.ID, Provider: "facebook", Label: "ACME-FB", Token: backend.Token{AccessToken: "EAAnew"}}
	_, err := f.svc.ImportAccount(ctx, req)
	var dup *DuplicateError
	if !errors.As(err, &dup) || dup.Existing.ID != a.ID || backend.ErrorCode(err) != backend.ECONFLICT {
		t.Fatalf("duplicate import: %v", err)
	}
	if tok, _ := f.secrets.Secret(ctx, a.ID, backend.SecretAccessToken); tok != "EAAtest-acme-fb" {
		t.Fatalf("a refused import changed the token: %q", tok)
	}
	// Another label is another account.
	other := req
	other.Label = "acme-fb-2"
	if b, err := f.svc.ImportAccount(ctx, other); err != nil || b.ID == a.ID {
		t.Fatalf("import with another label: %v, %v", b, err)
	}

	// With Replace, the token goes onto the existing account.
	exp := f.now.Add(60 * 24 * time.Hour)
	req.Replace, req.Token.ExpiresAt = true, &exp
	got, err := f.svc.ImportAccount(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != a.ID || got.Label != "acme-fb" || got.HasRefreshToken || got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("replaced = %+v", got)
	}
	if tok, _ := f.secrets.Secret(ctx, a.ID, backend.SecretAccessToken); tok != "EAAnew" {
		t.Fatalf("access token = %q", tok)
	}
	if _, err := f.secrets.Secret(ctx, a.ID, backend.SecretRefreshToken); backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Fatalf("the old login's refresh token stayed: %v", err)
	}
	var replaced int
	for _, e := range f.events(t) {
		if e.Kind == backend.EventTokenReplaced && e.AccountID == a.ID {
			replaced++
		}
	}
	if replaced != 1 {
		t.Fatalf("%d token_replaced events, want 1", replaced)
	}

	// Bad input changes nothing.
	if _, err := f.svc.ReplaceToken(ctx, a.ID, backend.Token{AccessToken: "two words"}); backend.ErrorCode(err) != backend.EINVALID {
		t.Fatalf("bad token: %v", err)
	}
	if tok, _ := f.secrets.Secret(ctx, a.ID, backend.SecretAccessToken); tok != "EAAnew" {
		t.Fatalf("a refused replace changed the token: %q", tok)
	}
}
