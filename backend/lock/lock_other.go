//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package lock

import (
	"errors"
	"os"
)

var errUnsupported = errors.New("file locks are not supported on this system")

func tryLock(*os.File) (bool, error)          { return false, errUnsupported }
func unlockFile(*os.File) error               { return errUnsupported }
func removeLocked(f *os.File, _ string) error { f.Close(); return errUnsupported }
