// Package lock gives exclusive locks by name that every goroutine and every
// process using the same data folder respect. The monitor takes one per
// account around a check, so that two processes (the window and a cron
// "tokenwarden check") never renew the same tokens at once: with rotating
// refresh tokens the second renewal would use a token the first one just
// replaced.
//
// # How
//
// A lock is two layers:
//
//   - in the process, a one-slot channel per name: goroutines queue on it in
//     order and stop waiting when their context ends;
//   - across processes, an OS file lock on <dataDir>/locks/<name>.lock:
//     flock(2) with LOCK_EX on Unix, LockFileEx on Windows. The kernel drops
//     the lock when the process dies, kill -9 included, so a crash never
//     leaves a stale lock behind. (flock on a network file system may not
//     lock across machines; the data folder is meant to be local.)
//
// The file lock is taken without blocking (LOCK_NB,
// LOCKFILE_FAIL_IMMEDIATELY) and retried with short sleeps, from 2 ms
// growing to 50 ms, until it is free or the context ends. A blocking call
// could not be abandoned when the context ends; polling can, and costs
// nothing while no one waits. A process waiting for another therefore takes
// over at most ~50 ms after the other lets go.
//
// Lock files stay in place (they are empty). Removing a lock file while
// another process has it open would let two processes lock two different
// files under the same name, so Lock checks after locking that the file it
// locked is still the one at the path, and only Forget removes one, while
// holding its lock.
package lock

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Dir is the folder under the data folder that holds the lock files.
const Dir = "locks"

// maxNameLength bounds a lock name; account ids are 16 characters.
const maxNameLength = 100

// Poll delays while another process holds the file lock.
const (
	firstPoll = 2 * time.Millisecond
	maxPoll   = 50 * time.Millisecond
)

// Lock takes the exclusive lock called name, shared by every goroutine and
// process that uses dataDir. It waits until the lock is free or ctx ends
// (then it returns ctx.Err()). unlock releases it; calling unlock more than
// once is harmless. Names are account ids and the like: letters, digits,
// '_', '-' and '.', not starting with '.'.
func Lock(ctx context.Context, dataDir, name string) (unlock func(), err error) {
	path, err := lockPath(dataDir, name)
	if err != nil {
		return nil, err
	}
	release, err := local.acquire(ctx, key(path))
	if err != nil {
		return nil, err
	}
	f, err := lockFile(ctx, path)
	if err != nil {
		release()
		return nil, err
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			_ = unlockFile(f)
			_ = f.Close()
			release()
		})
	}, nil
}

// Forget removes the lock file of name, for example when its account is
// deleted. It takes the lock first, so no one holds it meanwhile; a process
// that was waiting for it locks a new file afterwards.
func Forget(ctx context.Context, dataDir, name string) error {
	path, err := lockPath(dataDir, name)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return nil
	}
	release, err := local.acquire(ctx, key(path))
	if err != nil {
		return err
	}
	defer release()
	f, err := lockFile(ctx, path)
	if err != nil {
		return err
	}
	return removeLocked(f, path)
}

func lockPath(dataDir, name string) (string, error) {
	if dataDir == "" {
		return "", backend.Errorf(backend.EINTERNAL, "lock: no data folder given")
	}
	if !validName(name) {
		return "", backend.Errorf(backend.EINVALID, "%q cannot name a lock.", name)
	}
	abs, err := filepath.Abs(filepath.Join(dataDir, Dir, name+".lock"))
	if err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	return abs, nil
}

func validName(name string) bool {
	if name == "" || len(name) > maxNameLength || name[0] == '.' {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// key names a lock in the process: its path, case-folded where the file
// system ignores case.
func key(path string) string {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return strings.ToLower(path)
	}
	return path
}

// lockFile opens the lock file, creating it and its folder, and locks it,
// polling until it is free or ctx ends.
func lockFile(ctx context.Context, path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot create the lock folder %s: %v.", filepath.Dir(path), err)
	}
	delay := firstPoll
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot open the lock file %s: %v.", path, err)
		}
		for {
			ok, err := tryLock(f)
			if err != nil {
				f.Close()
				return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot lock %s: %v.", path, err)
			}
			if ok {
				break
			}
			if err := sleep(ctx, delay); err != nil {
				f.Close()
				return nil, err
			}
			delay = min(delay*3/2, maxPoll)
		}
		// Forget may have removed the file while we waited for it: then we
		// hold a lock on a file no one else will find. Start again.
		if same(f, path) {
			return f, nil
		}
		_ = unlockFile(f)
		f.Close()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

func same(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	if err != nil {
		return false
	}
	return os.SameFile(a, b)
}

// sleep waits d, with up to 25% jitter so that waiting processes do not
// poll in step, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	d += time.Duration(rand.Int64N(int64(d)/4 + 1))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// local is the in-process layer: one slot per lock, goroutines queue on it.
var local = registry{slots: map[string]*slot{}}

type registry struct {
	mu    sync.Mutex
	slots map[string]*slot
}

type slot struct {
	ch   chan struct{}
	refs int // goroutines holding or waiting; the slot is dropped at 0
}

func (r *registry) acquire(ctx context.Context, k string) (func(), error) {
	r.mu.Lock()
	s := r.slots[k]
	if s == nil {
		s = &slot{ch: make(chan struct{}, 1)}
		r.slots[k] = s
	}
	s.refs++
	r.mu.Unlock()
	select {
	case s.ch <- struct{}{}:
	case <-ctx.Done():
		r.drop(k, s)
		return nil, ctx.Err()
	}
	return func() {
		<-s.ch
		r.drop(k, s)
	}, nil
}

func (r *registry) drop(k string, s *slot) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s.refs--
	if s.refs == 0 {
		delete(r.slots, k)
	}
}
