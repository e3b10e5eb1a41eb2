package keychain

import (
	"errors"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/zalando/go-keyring"
)

// realOpen opens a data folder on the real keychain, or skips like
// realKeychain.
func realOpen(t *testing.T, dir string) *Keychain {
	t.Helper()
	if os.Getenv("TOKENWARDEN_REQUIRE_KEYRING") != "1" {
		t.Skip("needs the real keychain: run under scripts/with-keyring (sets TOKENWARDEN_REQUIRE_KEYRING=1)")
	}
	k, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRealFolderMovesAndSymlinks(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	k := realOpen(t, dir)
	secrets := map[backend.SecretKind]string{backend.SecretAccessToken: strings.Repeat("long-access.", 400), backend.SecretRefreshToken: "refresh-1"}
	for kind, v := range secrets {
		cleanupSecret(t, k, owner, kind)
		if err := k.SetSecret(bg, owner, kind, v); err != nil {
			t.Fatal(err)
		}
	}
	moved := filepath.Join(root, "moved")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "link")
	if err := os.Symlink(moved, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{moved, link} {
		k2 := realOpen(t, path)
		for kind, v := range secrets {
			if got, err := k2.Secret(bg, owner, kind); err != nil || got != v {
				t.Errorf("through %s: %s = %d bytes, %v", path, kind, len(got), err)
			}
		}
	}
}

// deleteRefused passes every call to the real keychain except deletes.
type deleteRefused struct{ goKeyring }

func (deleteRefused) delete(string) error { return errors.New("delete refused") }

func TestRealMigrationFromThePathNamespace(t *testing.T) {
	dir := t.TempDir()
	if os.Getenv("TOKENWARDEN_REQUIRE_KEYRING") != "1" {
		t.Skip("needs the real keychain: run under scripts/with-keyring (sets TOKENWARDEN_REQUIRE_KEYRING=1)")
	}
	// What an older version stored for this folder.
	old := New(legacyNamespace(dir))
	access, refresh := strings.Repeat("old-access.", 500), "old-refresh"
	for kind, v := range map[backend.SecretKind]string{backend.SecretAccessToken: access, backend.SecretRefreshToken: refresh} {
		if err := old.SetSecret(bg, owner, kind, v); err != nil {
			t.Fatal(err)
		}
		cleanupSecret(t, old, owner, kind)
	}
	k := realOpen(t, dir)
	defer func() { k.p = goKeyring{} }()
	cleanupSecret(t, k, owner, backend.SecretAccessToken)
	cleanupSecret(t, k, owner, backend.SecretRefreshToken)

	// The copy is written and read back, then the old delete fails: as if
	// the process died between write and delete. Nothing is lost.
	k.p = deleteRefused{}
	if got, err := k.Secret(bg, owner, backend.SecretAccessToken); err != nil || got != access {
		t.Fatalf("Secret with the delete failing = %d bytes, %v", len(got), err)
	}
	if _, err := keyring.Get(Service, old.namespace+"/"+owner+"/access_token"); err != nil {
		t.Fatalf("the old item went although its delete failed: %v", err)
	}
	// Restart: both values read, the old items are gone after a read (the
	// refresh token) or the next write (the access token).
	k.p = goKeyring{}
	k = realOpen(t, dir)
	for kind, v := range map[backend.SecretKind]string{backend.SecretAccessToken: access, backend.SecretRefreshToken: refresh} {
		if got, err := k.Secret(bg, owner, kind); err != nil || got != v {
			t.Fatalf("%s after restart = %d bytes, %v", kind, len(got), err)
		}
	}
	if _, err := keyring.Get(Service, old.namespace+"/"+owner+"/refresh_token"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("old refresh token item after migration: %v", err)
	}
	if err := k.SetSecret(bg, owner, backend.SecretAccessToken, "new-access"); err != nil {
		t.Fatal(err)
	}
	user, _ := old.user(owner, backend.SecretAccessToken)
	if _, err := keyring.Get(Service, user); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("old access token item after a write: %v", err)
	}
	if left := rawPieces(t, old, owner, backend.SecretAccessToken); len(left) != 0 {
		t.Errorf("old pieces after a write: %v", left)
	}
	if got, err := k.Secret(bg, owner, backend.SecretAccessToken); err != nil || got != "new-access" {
		t.Errorf("Secret after the write = %q, %v", got, err)
	}
}

// TestRealMigrationKilled kills a process with -9 at random moments while it
// migrates a long secret, then checks from a fresh process that the secret
// still reads and that deleting it leaves nothing under either name.
func TestRealMigrationKilled(t *testing.T) {
	if dir := os.Getenv("TOKENWARDEN_MIGRATE_DIR"); dir != "" {
		k, err := Open(dir)
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("start\n")
		if _, err := k.Secret(bg, owner, backend.SecretAccessToken); err != nil {
			os.Exit(4)
		}
		os.Stdout.WriteString("done\n")
		os.Exit(0)
	}
	realOpen(t, t.TempDir())                                // skips without the keychain
	value := strings.Repeat("migrating-access-token.", 700) // 9 pieces
	rounds := 6                                             // TOKENWARDEN_KILL_ROUNDS=200 for a longer run
	if n, err := strconv.Atoi(os.Getenv("TOKENWARDEN_KILL_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	midway := 0
	for round := range rounds {
		dir := t.TempDir()
		old := New(legacyNamespace(dir))
		if err := old.SetSecret(bg, owner, backend.SecretAccessToken, value); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(dir); err != nil { // the id exists before the child runs
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestRealMigrationKilled$")
		cmd.Env = append(os.Environ(), "TOKENWARDEN_MIGRATE_DIR="+dir)
		var out strings.Builder
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(mrand.IntN(60)) * time.Millisecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if strings.Contains(out.String(), "start") && !strings.Contains(out.String(), "done") {
			midway++
		}
		k := realOpen(t, dir)
		if got, err := k.Secret(bg, owner, backend.SecretAccessToken); err != nil || got != value {
			t.Fatalf("round %d (child said %q): after the kill the secret reads as %d bytes, %v", round, out.String(), len(got), err)
		}
		if err := k.DeleteSecret(bg, owner, backend.SecretAccessToken); err != nil {
			t.Fatal(err)
		}
		for _, kc := range []*Keychain{old, k} {
			user, _ := kc.user(owner, backend.SecretAccessToken)
			if _, err := keyring.Get(Service, user); !errors.Is(err, keyring.ErrNotFound) {
				t.Errorf("round %d: %s left after delete: %v", round, user, err)
			}
			if left := rawPieces(t, kc, owner, backend.SecretAccessToken); len(left) != 0 {
				t.Errorf("round %d: pieces left after delete: %v", round, left)
			}
		}
	}
	t.Logf("%d of %d processes were killed during the migration; no secret was lost", midway, rounds)
}
