package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Client names, labels and history are the freelancer's business, not the
// other users' of the machine: the folder holding the database is 0700 and
// the database files 0600, set on creation and tightened on every open
// (an older Tokenwarden created them 0755/0644). SQLite gives the -wal and
// -shm files the main file's mode. Windows has no such bits; its per-user
// profile folder is already private.
const (
	folderMode = 0o700
	fileMode   = 0o600
)

func tightenPermissions(path string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	dir := filepath.Dir(path)
	if err := os.Chmod(dir, folderMode); err != nil {
		return fmt.Errorf("make the data folder private: %w", err)
	}
	// Create the file ourselves, so that it never exists with a wider mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create the database: %w", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, fileMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("make %s private: %w", filepath.Base(p), err)
		}
	}
	return nil
}
