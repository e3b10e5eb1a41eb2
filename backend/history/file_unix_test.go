//go:build unix

package history_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

// TestWriteFileRefusesLinksAndSpecialFiles: an export never goes through a
// symbolic link (its target and the link stay as they were) nor onto a
// device, pipe or folder; a regular file is replaced and made 0600.
func TestWriteFileRefusesLinksAndSpecialFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	dangling := filepath.Join(dir, "dangling.csv")
	fifo := filepath.Join(dir, "fifo.csv")
	folder := filepath.Join(dir, "folder.csv")
	for _, err := range []error{
		os.Symlink(victim, link), os.Symlink(filepath.Join(dir, "nothing"), dangling),
		syscall.Mkfifo(fifo, 0o600), os.Mkdir(folder, 0o700),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	targets := map[string]string{
		link: "symbolic link", dangling: "symbolic link", fifo: "not a regular file", folder: "it is a folder",
		"/dev/null": "not a regular file",
	}
	if os.Geteuid() == 0 {
		// Run as root, a device node of its own in the folder too.
		dev := filepath.Join(dir, "null.csv")
		if err := syscall.Mknod(dev, syscall.S_IFCHR|0o600, 1<<8|3); err != nil {
			t.Fatal(err)
		}
		targets[dev] = "not a regular file"
	}
	for path, want := range targets {
		before, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		wrote := false
		err = history.WriteFile(path, func(w io.Writer) error { wrote = true; _, err := w.Write([]byte("exported")); return err })
		if backend.ErrorCode(err) != backend.EINVALID || !strings.Contains(backend.ErrorMessage(err), want) || wrote {
			t.Errorf("%s: err = %v (wrote %v), want EINVALID %q", path, err, wrote, want)
		}
		after, err := os.Lstat(path)
		if err != nil || after.Mode() != before.Mode() || !os.SameFile(before, after) {
			t.Errorf("%s was replaced: %v -> %v (%v)", path, before.Mode(), after, err)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("the link's target was written: %q", b)
	}
	if dest, err := os.Readlink(dangling); err != nil || dest != filepath.Join(dir, "nothing") {
		t.Errorf("dangling link = %q, %v", dest, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "nothing")); !os.IsNotExist(err) {
		t.Error("a file was created through the dangling link")
	}

	// A regular file is replaced, and made readable by the user only.
	plain := filepath.Join(dir, "plain.csv")
	if err := os.WriteFile(plain, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{plain, filepath.Join(dir, "new.csv")} {
		if err := history.WriteFile(path, func(w io.Writer) error { _, err := w.Write([]byte("exported")); return err }); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		st, err := os.Lstat(path)
		if b, _ := os.ReadFile(path); err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != 0o600 || string(b) != "exported" {
			t.Errorf("%s: %v %q %v", path, st.Mode(), b, err)
		}
	}

	// A link planted while the export is being written is not replaced.
	raced := filepath.Join(dir, "raced.csv")
	err := history.WriteFile(raced, func(w io.Writer) error { return os.Symlink(victim, raced) })
	if backend.ErrorCode(err) != backend.EINVALID {
		t.Errorf("raced link: %v", err)
	}
	if st, err := os.Lstat(raced); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the planted link was replaced: %v %v", st, err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("the link's target was written: %q", b)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
