//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package lock

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// tryLock takes flock(LOCK_EX) without blocking; false means another open
// file (this process or another) holds it.
func tryLock(f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return false, nil
		}
		return false, err
	}
}

func unlockFile(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}

// removeLocked removes the lock file while still holding its lock, so that
// a process that locks the old file next sees that it is gone.
func removeLocked(f *os.File, path string) error {
	err := os.Remove(path)
	_ = unlockFile(f)
	f.Close()
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}
