// Package backup moves Tokenwarden's data between machines: a full backup of
// a data folder and its keychain items (Create, Restore), scheduled backups
// into a folder (Schedule, RunScheduled), and the hand-over of one client to
// a colleague (ExportClient, ImportClient).
//
// # File format
//
// A backup is one file encrypted with age (filippo.io/age), either to a
// passphrase (scrypt) or to age recipients. Nothing in it, not even the
// client names, is readable without the passphrase or key. Inside is a tar
// archive whose first entry is manifest.json (what the file is, the schema
// version, when and by which version it was made), followed by
//
//   - full backups: tokenwarden.db (a VACUUM INTO snapshot, settings
//     included), providers.yaml when there is one, and secrets.json;
//   - client hand-overs: client.json (the client, its accounts and their
//     history) and secrets.json.
//
// age authenticates every 64 KiB chunk and the end of the stream, so a
// tampered or truncated file fails while it is read. Readers therefore read
// the whole file before they change anything.
package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// Kinds of file.
const (
	KindFull   = "full"
	KindClient = "client"
)

// formatVersion is the version of the archive layout itself; the database
// schema has its own version in the manifest.
const formatVersion = 1

const (
	manifestName  = "manifest.json"
	databaseName  = "tokenwarden.db"
	providersName = "providers.yaml"
	secretsName   = "secrets.json"
	clientName    = "client.json"

	// maxEntrySize bounds one entry; a database of a million events is
	// a few hundred MB.
	maxEntrySize = 8 << 30
	// maxJSONSize bounds the entries read into memory.
	maxJSONSize = 512 << 20
	// MinPassphraseLength is the shortest passphrase accepted for a backup.
	MinPassphraseLength = 10
)

// Manifest says what a backup file holds.
type Manifest struct {
	Format        string    `json:"format"` // "tokenwarden-backup"
	FormatVersion int       `json:"format_version"`
	Kind          string    `json:"kind"`
	SchemaVersion int       `json:"schema_version"`
	AppVersion    string    `json:"app_version"`
	CreatedAt     time.Time `json:"created_at"`
	// ClientName is the client handed over (KindClient).
	ClientName string `json:"client_name,omitempty"`
}

const formatName = "tokenwarden-backup"

// secretItem is one keychain item as it travels in a file.
type secretItem struct {
	Owner string             `json:"owner"`
	Kind  backend.SecretKind `json:"kind"`
	Value string             `json:"value"`
}

// Encryption says who can open a new file: a passphrase, or age
// recipients ("age1…" public keys, one per line). Exactly one is set.
type Encryption struct {
	Passphrase string
	Recipients string
}

// Decryption is what opens a file: its passphrase, or age identities (the
// contents of an identity file, "AGE-SECRET-KEY-1…").
type Decryption struct {
	Passphrase string
	Identities string
}

// scryptWorkFactor is age's default (about a second); tests lower it.
var scryptWorkFactor = 18

func (e Encryption) recipients() ([]age.Recipient, error) {
	switch {
	case e.Passphrase != "" && e.Recipients != "":
		return nil, backend.Errorf(backend.EINVALID, "Give a passphrase or a recipient, not both.")
	case e.Passphrase != "":
		if len([]rune(e.Passphrase)) < MinPassphraseLength {
			return nil, backend.Errorf(backend.EINVALID, "The passphrase is shorter than %d characters.", MinPassphraseLength).
				WithHint("Use a longer passphrase, for example four unrelated words.")
		}
		r, err := age.NewScryptRecipient(e.Passphrase)
		if err != nil {
			return nil, backend.Errorf(backend.EINVALID, "The passphrase cannot be used: %v.", err)
		}
		r.SetWorkFactor(scryptWorkFactor)
		return []age.Recipient{r}, nil
	case strings.TrimSpace(e.Recipients) != "":
		rs, err := age.ParseRecipients(strings.NewReader(e.Recipients))
		if err != nil {
			return nil, backend.Errorf(backend.EINVALID, "The recipient is not an age public key: %v.", err).
				WithHint(`Ask for the key that "age-keygen" printed as "Public key: age1…".`)
		}
		return rs, nil
	}
	return nil, backend.Errorf(backend.EINVALID, "Give a passphrase or an age recipient.")
}

func (d Decryption) identities() ([]age.Identity, error) {
	switch {
	case d.Passphrase != "" && d.Identities != "":
		return nil, backend.Errorf(backend.EINVALID, "Give a passphrase or an identity, not both.")
	case d.Passphrase != "":
		id, err := age.NewScryptIdentity(d.Passphrase)
		if err != nil {
			return nil, backend.Errorf(backend.EINVALID, "The passphrase cannot be used: %v.", err)
		}
		return []age.Identity{id}, nil
	case strings.TrimSpace(d.Identities) != "":
		ids, err := age.ParseIdentities(strings.NewReader(d.Identities))
		if err != nil {
			return nil, backend.Errorf(backend.EINVALID, "The identity is not an age secret key: %v.", err)
		}
		return ids, nil
	}
	return nil, backend.Errorf(backend.EINVALID, "Give the passphrase or the age identity of the file.")
}

// writer writes an encrypted archive to a temporary file next to its
// destination and puts it in place on commit, so a failed run leaves no
// half-written file behind.
type writer struct {
	dest string
	tmp  *os.File
	enc  io.WriteCloser
	tar  *tar.Writer
	now  time.Time
}

func newWriter(dest string, e Encryption, m Manifest) (*writer, error) {
	rs, err := e.recipients()
	if err != nil {
		return nil, err
	}
	if dest == "" {
		return nil, backend.Errorf(backend.EINVALID, "No file to write the backup to.")
	}
	if _, err := os.Stat(dest); err == nil {
		return nil, backend.Errorf(backend.ECONFLICT, "%s already exists.", dest).WithHint("Choose another file name.")
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot write to %s: %v.", filepath.Dir(dest), err)
	}
	enc, err := age.Encrypt(tmp, rs...)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	w := &writer{dest: dest, tmp: tmp, enc: enc, tar: tar.NewWriter(enc), now: m.CreatedAt}
	m.Format, m.FormatVersion = formatName, formatVersion
	if err := w.addJSON(manifestName, m); err != nil {
		w.abort()
		return nil, err
	}
	return w, nil
}

func (w *writer) addJSON(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	return w.add(name, int64(len(b)), bytes.NewReader(b))
}

func (w *writer) addFile(name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return w.add(name, st.Size(), f)
}

func (w *writer) add(name string, size int64, r io.Reader) error {
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: w.now, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := w.tar.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := io.Copy(w.tar, r); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

func (w *writer) commit() error {
	defer w.abort()
	if err := w.tar.Close(); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	if err := w.enc.Close(); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	if err := w.tmp.Sync(); err != nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", w.dest, err)
	}
	if err := w.tmp.Close(); err != nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", w.dest, err)
	}
	// Link rather than rename: it fails instead of replacing a file that
	// appeared meanwhile.
	if err := os.Link(w.tmp.Name(), w.dest); err != nil {
		if errors.Is(err, os.ErrExist) {
			return backend.Errorf(backend.ECONFLICT, "%s already exists.", w.dest).WithHint("Choose another file name.")
		}
		if err := os.Rename(w.tmp.Name(), w.dest); err != nil {
			return backend.Errorf(backend.EUNAVAILABLE, "Cannot write %s: %v.", w.dest, err)
		}
	}
	return nil
}

// abort removes the temporary file; after commit it only tidies up.
func (w *writer) abort() {
	w.tmp.Close()
	os.Remove(w.tmp.Name())
}

// contents is a decrypted archive: the JSON entries in memory, the files in
// a staging folder.
type contents struct {
	manifest Manifest
	json     map[string][]byte
	files    map[string]string // entry name -> path in the staging folder
}

// read decrypts the whole file at path, writing its file entries into
// staging and keeping its JSON entries. Any damage fails here, before the
// caller changes anything.
func read(path string, d Decryption, kind, staging string, fileEntries, jsonEntries []string) (*contents, error) {
	ids, err := d.identities()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, backend.Errorf(backend.ENOTFOUND, "There is no file %s.", path)
		}
		return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot read %s: %v.", path, err)
	}
	defer f.Close()
	dec, err := age.Decrypt(f, ids...)
	if err != nil {
		return nil, decryptError(err, d)
	}
	c := &contents{json: map[string][]byte{}, files: map[string]string{}}
	tr := tar.NewReader(dec)
	for i := 0; ; i++ {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, damaged(err)
		}
		switch {
		case i == 0 && hdr.Name != manifestName:
			return nil, notABackup()
		case hdr.Typeflag != tar.TypeReg || hdr.Size < 0 || hdr.Size > maxEntrySize:
			return nil, notABackup()
		case hdr.Name == manifestName || contains(jsonEntries, hdr.Name):
			if hdr.Size > maxJSONSize || c.json[hdr.Name] != nil {
				return nil, notABackup()
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return nil, damaged(err)
			}
			c.json[hdr.Name] = b
			if i == 0 {
				if err := c.readManifest(kind); err != nil {
					return nil, err
				}
			}
		case contains(fileEntries, hdr.Name) && c.files[hdr.Name] == "":
			p := filepath.Join(staging, hdr.Name)
			if err := copyTo(p, tr); err != nil {
				return nil, err
			}
			c.files[hdr.Name] = p
		default:
			return nil, notABackup()
		}
	}
	if c.manifest.Format == "" {
		return nil, notABackup() // an empty archive
	}
	return c, nil
}

// readManifest checks the manifest, the first entry, before the rest is
// read: what kind of file it is and whether this version can read it.
func (c *contents) readManifest(kind string) error {
	m := &c.manifest
	if err := json.Unmarshal(c.json[manifestName], m); err != nil || m.Format != formatName {
		return notABackup()
	}
	if m.FormatVersion > formatVersion || m.SchemaVersion > sqlite.SchemaVersion() {
		return backend.Errorf(backend.EINVALID,
			"This file was made by a newer version of Tokenwarden (%s, schema %d; this version knows up to %d).", m.AppVersion, m.SchemaVersion, sqlite.SchemaVersion()).
			WithHint("Nothing was changed. Update Tokenwarden, then open the file again.")
	}
	switch {
	case m.Kind == kind:
		return nil
	case m.Kind == KindClient:
		return backend.Errorf(backend.EINVALID, "This file hands over one client; it is not a full backup.").
			WithHint(`Nothing was changed. Use "tokenwarden import client" for it.`)
	case m.Kind == KindFull:
		return backend.Errorf(backend.EINVALID, "This file is a full backup, not a client hand-over.").
			WithHint(`Nothing was changed. Use "tokenwarden restore" for it.`)
	}
	return notABackup()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func copyTo(path string, r io.Reader) error {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot unpack the backup: %v.", err)
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return damaged(err)
	}
	if err := out.Close(); err != nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot unpack the backup: %v.", err)
	}
	return nil
}

func decryptError(err error, d Decryption) error {
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch) && d.Passphrase != "":
		return backend.Errorf(backend.EINVALID, "The passphrase is wrong, or the file was not made with a passphrase.").
			WithHint("Nothing was changed. Type the passphrase again.")
	case errors.As(err, &noMatch):
		return backend.Errorf(backend.EINVALID, "The file was not encrypted to this key.").
			WithHint("Nothing was changed. Ask the sender to encrypt it to your public key.")
	}
	return damaged(err)
}

// damaged reports a file that fails age's authentication: cut short,
// changed, or not an age file at all.
func damaged(err error) error {
	return backend.Errorf(backend.EINVALID, "The file is damaged or incomplete (%v).", err).
		WithHint("Nothing was changed. Copy the file again from where it was made.")
}

func notABackup() error {
	return backend.Errorf(backend.EINVALID, "The file decrypts but is not a Tokenwarden backup.").
		WithHint("Nothing was changed.")
}

func decodeJSON(c *contents, name string, v any) error {
	b, ok := c.json[name]
	if !ok {
		return notABackup()
	}
	if err := json.Unmarshal(b, v); err != nil {
		return notABackup()
	}
	return nil
}

// readSecrets reads the listed keychain items; an item that is not there is
// left out (an account imported without a refresh token has none).
func readSecrets(ctx context.Context, secrets backend.Secrets, wanted []secretItem) ([]secretItem, error) {
	var out []secretItem
	for _, s := range wanted {
		v, err := secrets.Secret(ctx, s.Owner, s.Kind)
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		s.Value = v
		out = append(out, s)
	}
	return out, nil
}
