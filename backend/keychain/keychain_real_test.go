package keychain

// Tests against the real OS keychain. They run only when
// TOKENWARDEN_REQUIRE_KEYRING=1, which scripts/with-keyring sets after
// starting a private, unlocked GNOME Keyring:
//
//	scripts/with-keyring go test ./backend/keychain/

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/zalando/go-keyring"
)

// realKeychain returns a Keychain on the real keychain under a fresh
// namespace, or skips the test unless the keychain is required.
func realKeychain(t *testing.T) *Keychain {
	t.Helper()
	if os.Getenv("TOKENWARDEN_REQUIRE_KEYRING") != "1" {
		t.Skip("needs the real keychain: run under scripts/with-keyring (sets TOKENWARDEN_REQUIRE_KEYRING=1)")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	k := New("test-" + hex.EncodeToString(b))
	if err := k.Ping(bg); err != nil {
		t.Fatalf("the keychain does not work: %v (cause: %v)", err, Cause(err))
	}
	return k
}

// rawPieces lists the piece items of a secret that exist in the keychain,
// read with go-keyring directly.
func rawPieces(t *testing.T, k *Keychain, owner string, kind backend.SecretKind) []string {
	t.Helper()
	user, err := k.user(owner, kind)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, slot := range slots {
		for i := 1; i <= 15; i++ {
			name := chunkUser(user, slot, i)
			_, err := keyring.Get(Service, name)
			switch {
			case err == nil:
				found = append(found, name)
			case !errors.Is(err, keyring.ErrNotFound):
				t.Fatalf("keyring.Get(%q): %v", name, err)
			}
		}
	}
	return found
}

func cleanupSecret(t *testing.T, k *Keychain, owner string, kind backend.SecretKind) {
	t.Cleanup(func() {
		if err := k.DeleteSecret(bg, owner, kind); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
}

func TestRealRoundTrip(t *testing.T) {
	k := realKeychain(t)
	tests := []struct {
		name   string
		value  string
		pieces int
	}{
		{"short token", "EAAGm0PX4ZCpsBA-short.token_value", 0},
		{"at the limit", strings.Repeat("l", chunkSize), 0},
		{"just over the limit", strings.Repeat("o", chunkSize+1), 2},
		{"5000 bytes", strings.Repeat("0123456789", 500), 3},
		{"20000 bytes", strings.Repeat("abcdefghij", 2000), 10},
		{"5000 bytes of UTF-8", strings.Repeat("ü€😀", 5000/9+1), 3},
		{"marker-like value", markerPrefix + "v1:a:3:" + checksum("x"), 0},
		{"literal-like value", literalPrefix + "tok", 0},
		{"long marker-like value", markerPrefix + strings.Repeat("m", 4000), 3},
		{"JSON", `{"access_token":"ya29.a0","refresh_token":"1//0g","expires_in":3599}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind := backend.SecretAccessToken
			cleanupSecret(t, k, owner, kind)
			if err := k.SetSecret(bg, owner, kind, tt.value); err != nil {
				t.Fatalf("SetSecret: %v (cause: %v)", err, Cause(err))
			}
			got, err := k.Secret(bg, owner, kind)
			if err != nil {
				t.Fatalf("Secret: %v (cause: %v)", err, Cause(err))
			}
			if got != tt.value {
				t.Fatalf("Secret returned %d bytes, want the %d stored", len(got), len(tt.value))
			}
			if n := len(rawPieces(t, k, owner, kind)); n != tt.pieces {
				t.Fatalf("%d pieces in the keychain, want %d", n, tt.pieces)
			}
			if err := k.DeleteSecret(bg, owner, kind); err != nil {
				t.Fatalf("DeleteSecret: %v", err)
			}
			_, err = k.Secret(bg, owner, kind)
			wantCode(t, err, backend.ENOTFOUND)
			if p := rawPieces(t, k, owner, kind); len(p) != 0 {
				t.Fatalf("pieces left after delete: %q", p)
			}
		})
	}
}

func TestRealMissing(t *testing.T) {
	k := realKeychain(t)
	tests := []struct {
		owner string
		kind  backend.SecretKind
	}{
		{owner, backend.SecretAccessToken},
		{owner, backend.SecretRefreshToken},
		{"provider:google", "client_secret"},
	}
	for _, tt := range tests {
		_, err := k.Secret(bg, tt.owner, tt.kind)
		wantCode(t, err, backend.ENOTFOUND)
		if err := k.DeleteSecret(bg, tt.owner, tt.kind); err != nil {
			t.Fatalf("DeleteSecret of a missing secret: %v", err)
		}
	}
}

// TestRealResize overwrites a secret with longer and shorter values and
// checks with go-keyring itself that no stale piece stays behind.
func TestRealResize(t *testing.T) {
	k := realKeychain(t)
	kind := backend.SecretRefreshToken
	cleanupSecret(t, k, owner, kind)
	steps := []struct {
		name   string
		value  string
		pieces int
	}{
		{"20000 bytes", strings.Repeat("A", 20000), 10},
		{"shrink to short", "short-token", 0},
		{"grow to 5000", strings.Repeat("B", 5000), 3},
		{"grow to 20000", strings.Repeat("C", 20000), 10},
		{"shrink to 5000", strings.Repeat("D", 5000), 3},
		{"same size", strings.Repeat("E", 5000), 3},
		{"shrink to short again", "tok", 0},
	}
	for _, s := range steps {
		if err := k.SetSecret(bg, owner, kind, s.value); err != nil {
			t.Fatalf("%s: SetSecret: %v (cause: %v)", s.name, err, Cause(err))
		}
		got, err := k.Secret(bg, owner, kind)
		if err != nil || got != s.value {
			t.Fatalf("%s: Secret = %d bytes, %v", s.name, len(got), err)
		}
		if p := rawPieces(t, k, owner, kind); len(p) != s.pieces {
			t.Fatalf("%s: pieces in the keychain %q, want %d", s.name, p, s.pieces)
		}
	}
}

func TestRealNamespaces(t *testing.T) {
	k1, k2 := realKeychain(t), realKeychain(t)
	kind := backend.SecretAccessToken
	cleanupSecret(t, k1, owner, kind)
	cleanupSecret(t, k2, owner, kind)
	values := []struct {
		k     *Keychain
		value string
	}{
		{k1, "token-one"},
		{k2, strings.Repeat("two", 2000)},
	}
	for _, v := range values {
		if err := v.k.SetSecret(bg, owner, kind, v.value); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range values {
		if got, err := v.k.Secret(bg, owner, kind); err != nil || got != v.value {
			t.Fatalf("namespace %s: Secret = %d bytes, %v", v.k.namespace, len(got), err)
		}
	}
	if err := k1.DeleteSecret(bg, owner, kind); err != nil {
		t.Fatal(err)
	}
	if got, err := k2.Secret(bg, owner, kind); err != nil || got != values[1].value {
		t.Fatalf("deleting in one namespace touched the other: %v", err)
	}
	// Different data directories give different namespaces.
	k3, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k4, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if k3.Namespace() == k4.Namespace() {
		t.Fatal("two data directories share a namespace")
	}
}

func TestRealKinds(t *testing.T) {
	k := realKeychain(t)
	secrets := map[backend.SecretKind]string{
		backend.SecretAccessToken:  "access-" + strings.Repeat("a", 3000),
		backend.SecretRefreshToken: "refresh-token",
	}
	for kind, v := range secrets {
		cleanupSecret(t, k, owner, kind)
		if err := k.SetSecret(bg, owner, kind, v); err != nil {
			t.Fatal(err)
		}
	}
	for kind, v := range secrets {
		if got, err := k.Secret(bg, owner, kind); err != nil || got != v {
			t.Fatalf("%s: Secret = %d bytes, %v", kind, len(got), err)
		}
	}
}

func TestRealPing(t *testing.T) {
	k := realKeychain(t)
	if err := k.Ping(bg); err != nil {
		t.Fatal(err)
	}
	// Ping leaves nothing behind.
	if _, err := keyring.Get(Service, k.namespace+"/"+pingUser); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("ping item: %v", err)
	}
}
