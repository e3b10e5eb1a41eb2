package keychain

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestOpenKeepsTheIDWhenTheFolderMoves(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	k, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ns := k.Namespace()
	if !isHex(ns, idLength) || ns == legacyNamespace(dir) {
		t.Fatalf("namespace %q, want %d random hex digits", ns, idLength)
	}
	info, err := os.Stat(filepath.Join(dir, IDFile))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", IDFile, info.Mode().Perm())
	}
	moved := filepath.Join(root, "moved")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "link")
	if err := os.Symlink(moved, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{moved, link, link + "/", filepath.Join(moved, "x", "..")} {
		k2, err := Open(path)
		if err != nil {
			t.Fatalf("Open(%s): %v", path, err)
		}
		if k2.Namespace() != ns || InstanceID(path) != ns {
			t.Errorf("Open(%s) namespace %s, instance %s; want %s", path, k2.Namespace(), InstanceID(path), ns)
		}
		if k2.legacy != legacyNamespace(dir) {
			t.Errorf("Open(%s) migrates from %q, want the original folder's %q", path, k2.legacy, legacyNamespace(dir))
		}
	}
	other := t.TempDir()
	if k3, err := Open(other); err != nil || k3.Namespace() == ns {
		t.Errorf("another folder gets %v, %v", k3, err)
	}
}

func TestOpenRaceCreatesOneID(t *testing.T) {
	dir := t.TempDir()
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			k, err := Open(dir)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = k.Namespace()
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent opens got different ids: %v", ids)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only %s", len(entries), IDFile)
	}
}

func TestOpenRefusesADamagedIDFile(t *testing.T) {
	for _, content := range []string{
		"",
		"garbage",
		idFileHeader + "\nid 0123\nlegacy \n",
		idFileHeader + "\nid 0123456789abcdeg\nlegacy \n",
		idFileHeader + "\nid 0123456789ABCDEF\nlegacy \n",
		idFileHeader + "\nid 0123456789abcdef\nlegacy 0/23456789ab\n",
		idFileHeader + "\nid 0123456789abcdef\nlegacy abcdefabcdef\nextra\n",
		strings.Repeat("x", maxIDFile+10),
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, IDFile)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(dir)
		if backend.ErrorCode(err) != backend.EINTERNAL || !strings.Contains(backend.ErrorMessage(err), "damaged") {
			t.Errorf("Open with %q: %v", content, err)
		}
		if got, _ := os.ReadFile(path); string(got) != content {
			t.Errorf("Open changed a damaged id file")
		}
	}
	dir := t.TempDir()
	good := idFileHeader + "\nid 0123456789abcdef\nlegacy \n"
	if err := os.WriteFile(filepath.Join(dir, IDFile), []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	if k, err := Open(dir); err != nil || k.Namespace() != "0123456789abcdef" || k.legacy != "" {
		t.Errorf("Open of a valid file without legacy: %v, %v", k, err)
	}
}

// migrationFixture has a value under the old namespace and a Keychain under
// the new one, both on one fake.
func migrationFixture(t *testing.T, value string) (*fakeProvider, *Keychain) {
	t.Helper()
	f := newFake()
	old := newFakeKeychain(f, 10)
	old.namespace = "0123456789ab"
	if err := old.SetSecret(bg, "acc_k3j9x2m4q8w1", backend.SecretRefreshToken, value); err != nil {
		t.Fatal(err)
	}
	k := newFakeKeychain(f, 10)
	k.namespace, k.legacy = "0123456789abcdef", old.namespace
	return f, k
}

func TestMigrationMovesItems(t *testing.T) {
	for _, value := range []string{"short", "a value long enough for several pieces", "tokenwarden-chunked:literal"} {
		f, k := migrationFixture(t, value)
		got, err := k.Secret(bg, "acc_k3j9x2m4q8w1", backend.SecretRefreshToken)
		if err != nil || got != value {
			t.Fatalf("Secret = %q, %v; want %q", got, err, value)
		}
		for _, name := range f.names() {
			if !strings.HasPrefix(name, k.namespace+"/") {
				t.Errorf("%q left behind after migrating %q", name, value)
			}
		}
		if _, err := k.Secret(bg, "acc_other00000", backend.SecretRefreshToken); backend.ErrorCode(err) != backend.ENOTFOUND {
			t.Errorf("missing secret: %v", err)
		}
	}
}

// A migration that dies at any keychain write or delete, applied or not,
// loses nothing: after a restart the value reads, and once read, written or
// deleted no copy is left under the old name.
func TestMigrationInterruptedAnywhere(t *testing.T) {
	const owner = "acc_k3j9x2m4q8w1"
	for _, value := range []string{"short", "a value long enough for several pieces"} {
		f, k := migrationFixture(t, value)
		if _, err := k.Secret(bg, owner, backend.SecretRefreshToken); err != nil {
			t.Fatal(err)
		}
		total := f.mutationCount()
		for at := range total {
			for _, applied := range []bool{false, true} {
				f, k := migrationFixture(t, value)
				f.revive()
				f.crashAt, f.crashApplied = at, applied
				if got, err := k.Secret(bg, owner, backend.SecretRefreshToken); err == nil && got != value {
					t.Fatalf("crash at %d: Secret = %q", at, got)
				}
				f.revive()
				got, err := k.Secret(bg, owner, backend.SecretRefreshToken)
				if err != nil || got != value {
					t.Fatalf("crash at %d (applied %v), after restart: %q, %v; want %q", at, applied, got, err, value)
				}
				if err := k.DeleteSecret(bg, owner, backend.SecretRefreshToken); err != nil {
					t.Fatal(err)
				}
				if left := f.names(); len(left) != 0 {
					t.Errorf("crash at %d (applied %v): after delete %v remain", at, applied, left)
				}
			}
		}
	}
}

// A failed delete of the old item after the copy keeps the value, and the
// next write removes the stale copy.
func TestMigrationDeleteFails(t *testing.T) {
	const owner = "acc_k3j9x2m4q8w1"
	f, k := migrationFixture(t, "old-refresh")
	f.fail = func(op, user, _ string) error {
		if op == "delete" && strings.HasPrefix(user, k.legacy+"/") {
			return errors.New("delete refused")
		}
		return nil
	}
	if got, err := k.Secret(bg, owner, backend.SecretRefreshToken); err != nil || got != "old-refresh" {
		t.Fatalf("Secret = %q, %v", got, err)
	}
	f.revive()
	if err := k.SetSecret(bg, owner, backend.SecretRefreshToken, "new-refresh"); err != nil {
		t.Fatal(err)
	}
	for _, name := range f.names() {
		if !strings.HasPrefix(name, k.namespace+"/") {
			t.Errorf("after a write, %q remains", name)
		}
	}
	if got, err := k.Secret(bg, owner, backend.SecretRefreshToken); err != nil || got != "new-refresh" {
		t.Errorf("Secret after the write = %q, %v", got, err)
	}
}
