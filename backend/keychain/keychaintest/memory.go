// Package keychaintest gives tests an in-memory stand-in for the keychain,
// with faults on demand. The real keychain is tested in backend/keychain.
package keychaintest

import (
	"context"
	"sync"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Memory implements backend.Secrets in memory. Set Fail to make every call
// fail (a locked or missing keychain); Reads counts Secret calls.
type Memory struct {
	mu    sync.Mutex
	Items map[string]string // "owner/kind" -> value
	Fail  error
	Reads int
}

// New returns an empty keychain.
func New() *Memory { return &Memory{Items: map[string]string{}} }

func key(owner string, kind backend.SecretKind) string { return owner + "/" + string(kind) }

func (m *Memory) SetSecret(_ context.Context, owner string, kind backend.SecretKind, v string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return m.Fail
	}
	m.Items[key(owner, kind)] = v
	return nil
}

func (m *Memory) Secret(_ context.Context, owner string, kind backend.SecretKind) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Reads++
	if m.Fail != nil {
		return "", m.Fail
	}
	v, ok := m.Items[key(owner, kind)]
	if !ok {
		return "", backend.Errorf(backend.ENOTFOUND, "No such secret.")
	}
	return v, nil
}

func (m *Memory) DeleteSecret(_ context.Context, owner string, kind backend.SecretKind) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return m.Fail
	}
	delete(m.Items, key(owner, kind))
	return nil
}

func (m *Memory) Ping(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.Fail
}
