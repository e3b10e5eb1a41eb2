package keychain

import (
	"errors"
	"maps"
	"slices"
	"sync"
)

// errCrashed is what fakeProvider returns once it has "crashed".
var errCrashed = errors.New("fake keychain: crashed")

// fakeProvider is an in-memory keychain that can fail, crash or hang.
type fakeProvider struct {
	mu    sync.Mutex
	items map[string]string

	// fail, when set, is asked before each call; an error fails the call
	// without effect.
	fail func(op, user, value string) error

	// crashAt, when >= 0, makes the mutation (set or delete) with this index
	// (counting from 0) fail, taking effect first if crashApplied, and every
	// call after it fail too, as if the process had died there.
	crashAt      int
	crashApplied bool
	mutations    int
	crashed      bool

	// hang, when set, blocks every call until it is closed.
	hang chan struct{}
	// entered receives a value when a call starts blocking on hang.
	entered chan struct{}
}

func newFake() *fakeProvider {
	return &fakeProvider{items: map[string]string{}, crashAt: -1}
}

// newFakeKeychain returns a Keychain on a fake with small pieces, so chunking
// is exercised with short values.
func newFakeKeychain(f *fakeProvider, chunk int) *Keychain {
	k := New("testns")
	k.p = f
	k.chunkSize = chunk
	return k
}

func (f *fakeProvider) call(op, user, value string, apply func()) error {
	if f.hang != nil {
		if f.entered != nil {
			select {
			case f.entered <- struct{}{}:
			default:
			}
		}
		<-f.hang
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.crashed {
		return errCrashed
	}
	if f.fail != nil {
		if err := f.fail(op, user, value); err != nil {
			return err
		}
	}
	if op != "get" {
		n := f.mutations
		f.mutations++
		if f.crashAt >= 0 && n == f.crashAt {
			f.crashed = true
			if f.crashApplied {
				apply()
			}
			return errCrashed
		}
	}
	apply()
	return nil
}

func (f *fakeProvider) get(user string) (string, error) {
	var v string
	var ok bool
	err := f.call("get", user, "", func() { v, ok = f.items[user] })
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errNotFound
	}
	return v, nil
}

func (f *fakeProvider) set(user, value string) error {
	return f.call("set", user, value, func() { f.items[user] = value })
}

func (f *fakeProvider) delete(user string) error {
	var ok bool
	err := f.call("delete", user, "", func() {
		_, ok = f.items[user]
		delete(f.items, user)
	})
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	return nil
}

// revive ends a crash and clears all faults, keeping the items.
func (f *fakeProvider) revive() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.crashed, f.crashAt, f.mutations, f.fail = false, -1, 0, nil
}

func (f *fakeProvider) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.items))
}

func (f *fakeProvider) snapshot() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.items)
}

func (f *fakeProvider) put(user, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items[user] = value
}

func (f *fakeProvider) mutationCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mutations
}
