package keychain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// IDFile is the file in the data folder that holds the folder's keychain id.
const IDFile = "keychain-id"

const (
	idFileHeader = "tokenwarden keychain id v1"
	idLength     = 16 // hex digits of a new id
	legacyLength = 12 // hex digits of a path-derived namespace
	maxIDFile    = 4096
)

// Open returns the Keychain of a data folder. Its items live under the
// folder's id, a random value kept in the folder's keychain-id file, so that
// moving the folder or reaching it through a symlink keeps every secret.
// The file is created on first use; it also records the namespace older
// versions derived from the folder's path, and a secret missing under the id
// is looked for there and moved (see migrate). The folder must exist.
func Open(dataDir string) (*Keychain, error) {
	id, legacy, err := loadID(dataDir)
	if err != nil {
		return nil, err
	}
	k := New(id)
	k.legacy = legacy
	return k, nil
}

// Namespace returns the namespace the keychain's items live under.
func (k *Keychain) Namespace() string { return k.namespace }

// InstanceID names a data folder for the single-instance lock: its keychain
// id, or when the folder has none that can be read, the namespace derived
// from its path, so that the lock works even when the folder cannot be opened.
func InstanceID(dataDir string) string {
	if id, _, err := readID(filepath.Join(dataDir, IDFile)); err == nil {
		return id
	}
	return legacyNamespace(dataDir)
}

// legacyNamespace is the namespace of versions before the keychain id: the
// first 12 hex digits of the SHA-256 of the folder's cleaned absolute path
// (lower-cased on Windows, whose paths ignore case).
func legacyNamespace(dataDir string) string {
	p := dataDir
	if abs, err := filepath.Abs(dataDir); err == nil {
		p = abs
	}
	p = filepath.Clean(p)
	if runtime.GOOS == "windows" {
		p = strings.ToLower(p)
	}
	sum := sha256.Sum256([]byte(p))
	return hex.EncodeToString(sum[:])[:legacyLength]
}

func (k *Keychain) legacyUser(user string) string {
	return k.legacy + strings.TrimPrefix(user, k.namespace)
}

// migrate moves a secret from the old item name to the new one: it reads
// the old value, writes it under the new name, reads it back, and deletes
// the old item only when the copy matches. Interrupted anywhere, nothing is
// lost: before the new head is written the old item is still the only copy
// and the next read migrates again; after it, the new item is read and the
// old one is removed by the next write or delete of the secret.
func (o *op) migrate(from, to string) (string, bool, error) {
	value, found, err := o.read(from)
	if err != nil || !found {
		return "", false, err
	}
	if err := o.write(to, value); err != nil {
		return value, true, nil // still readable under the old name
	}
	if back, ok, err := o.read(to); err != nil || !ok || back != value {
		return value, true, nil
	}
	// The copy is in place; a failed delete leaves a stale duplicate that
	// the next write or delete removes.
	_ = o.remove(from)
	return value, true, nil
}

// loadID reads the folder's keychain id, creating it on first use.
func loadID(dataDir string) (id, legacy string, err error) {
	path := filepath.Join(dataDir, IDFile)
	id, legacy, err = readID(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return id, legacy, err
	}
	b := make([]byte, idLength/2)
	if _, err := rand.Read(b); err != nil {
		return "", "", backend.Errorf(backend.EINTERNAL, "Cannot make a keychain id: %v.", err)
	}
	content := idFileHeader + "\nid " + hex.EncodeToString(b) + "\nlegacy " + legacyNamespace(dataDir) + "\n"
	if err := createOnce(path, content); err != nil {
		return "", "", backend.Errorf(backend.EUNAVAILABLE, "Cannot create %s: %v.", path, err)
	}
	// Read back: another process may have created the file first, and its
	// id is the one to use.
	return readID(path)
}

// readID reads and checks a keychain-id file.
func readID(path string) (id, legacy string, err error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", "", err
		}
		return "", "", backend.Errorf(backend.EUNAVAILABLE, "Cannot read %s: %v.", path, err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxIDFile+1))
	if err != nil {
		return "", "", backend.Errorf(backend.EUNAVAILABLE, "Cannot read %s: %v.", path, err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(raw) <= maxIDFile && len(lines) == 3 && lines[0] == idFileHeader {
		id, _ = strings.CutPrefix(lines[1], "id ")
		legacy, _ = strings.CutPrefix(lines[2], "legacy ")
		if isHex(id, idLength) && (legacy == "" || isHex(legacy, legacyLength)) {
			return id, legacy, nil
		}
	}
	return "", "", backend.Errorf(backend.EINTERNAL, "The keychain id file %s is damaged.", path).
		WithHint("Restore it from a backup of the data folder. Deleting it makes every stored token unreachable: each account would need reconnecting.")
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// createOnce writes content to path unless path exists, atomically: the
// content goes to a temporary file, is synced, and is linked into place,
// which fails when another process got there first. Only on file systems
// without hard links is it renamed instead.
func createOnce(path, content string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return err
		}
	}
	syncDir(dir)
	return nil
}

// syncDir makes a new directory entry durable where the system allows it:
// a lost id would leave every token written under it unreachable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not supported on every system; the file itself is synced
		d.Close()
	}
}
