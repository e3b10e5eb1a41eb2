package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// shell is what every bound service shares: the window's lifetime, the
// desktop (the one way to the Wails runtime), the one clock, and what the
// window shows in its banners. The services turn the frontend's plain values
// into backend calls and the results into view types; the rules live in the
// backend. Nothing they return holds a secret.
type shell struct {
	// ctx is the window's lifetime: set by start, cancelled by stop, so
	// quitting ends every call and background job under way.
	ctx     context.Context
	stop    context.CancelFunc
	desktop desktop
	now     func() time.Time
	// openErr is why the data folder could not be opened; every call then
	// returns it, so the window can say why instead of staying blank.
	openErr error
	dataDir string
	// warnings are problems found at start, such as a broken providers.yaml.
	warnings []string

	mu              sync.Mutex
	keychainProblem string
}

// start keeps the window's context and the desktop around it.
func (s *shell) start(ctx context.Context, d desktop) {
	s.ctx, s.stop = context.WithCancel(ctx)
	s.desktop = d
}

// within is the window's context, ended after d at the latest.
func (s *shell) within(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(s.ctx, d)
}

// recordKeychain remembers whether the keychain works, from a probe or from
// the outcome of a real call.
func (s *shell) recordKeychain(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch backend.ErrorCode(err) {
	case "":
		s.keychainProblem = ""
	case backend.EUNAVAILABLE:
		s.keychainProblem = backend.ErrorMessage(err)
	}
}

func (s *shell) keychain() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keychainProblem
}

// userError turns any error into one whose text is fit for the window, and
// notes keychain trouble for the banner.
func (s *shell) userError(err error) error {
	if err == nil {
		return nil
	}
	s.recordKeychain(err)
	return errors.New(backend.ErrorMessage(err))
}

// closed is the error of a call made while the data folder is not open.
func (s *shell) closed() error {
	if s.openErr != nil {
		return s.userError(s.openErr)
	}
	return s.userError(backend.Errorf(backend.EUNAVAILABLE, "The data folder is not open."))
}
