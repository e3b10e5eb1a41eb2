package main

import (
	"context"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
)

// ConnectService logs accounts in through the system browser. Only one login
// runs at a time, since it owns the browser.
type ConnectService struct {
	*shell
	svc     *accounts.Service
	monitor *monitor.Monitor

	mu sync.Mutex
	// cancel ends the login attempt in progress; identityAnswer takes the
	// user's answer when a reconnect finds a different user.
	cancel         context.CancelFunc
	identityAnswer chan bool
}

// Events sent while a login is under way.
const (
	// EventConnectWaiting carries the authorization URL once the browser was
	// asked to open it, so the window can offer to open it again.
	EventConnectWaiting = "connect:waiting"
	// EventIdentityChanged asks the user whether a different login may
	// replace the account's; answered with AnswerIdentityChange.
	EventIdentityChanged = "connect:identity-changed"
)

// begin makes the login attempt cancellable from the window.
func (s *ConnectService) begin() (context.Context, func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		return nil, nil, backend.Errorf(backend.ECONFLICT, "A login is already waiting in the browser.").WithHint("Finish or cancel it first.")
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.cancel = cancel
	return ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		cancel()
		s.cancel = nil
	}, nil
}

func (s *ConnectService) openForLogin(u string) error {
	if s.desktop == nil {
		return backend.Errorf(backend.EUNAVAILABLE, "The window is not ready to open a browser.")
	}
	err := s.desktop.OpenURL(u)
	s.desktop.Emit(EventConnectWaiting, u)
	return err
}

// Connect logs in through the system browser and creates the account. It
// waits for the login (up to 5 minutes); CancelConnect ends it early.
func (s *ConnectService) Connect(form ConnectForm) (*ConnectResultView, error) {
	return s.attempt(func(ctx context.Context) (*accounts.ConnectResult, error) {
		return s.svc.Connect(ctx, accounts.ConnectRequest{ClientID: form.ClientID, Provider: form.Provider, Label: form.Label,
			Scopes: form.Scopes, Open: s.openForLogin})
	})
}

// Reconnect logs in again for an existing account, keeping its record and
// history. When a different user logs in, the window is asked first.
func (s *ConnectService) Reconnect(accountID string) (*ConnectResultView, error) {
	return s.FixLogin(accountID, nil)
}

// FixLogin is one step of a bulk fix: it reconnects accountID and gives the
// same login to also, the other accounts of that user the plan grouped
// with it (accounts.FixStep).
func (s *ConnectService) FixLogin(accountID string, also []string) (*ConnectResultView, error) {
	return s.attempt(func(ctx context.Context) (*accounts.ConnectResult, error) {
		return s.svc.Reconnect(ctx, accounts.ReconnectRequest{AccountID: accountID, Also: also, Open: s.openForLogin,
			ConfirmIdentity: func(old, new backend.Identity) bool { return s.askIdentity(ctx, old, new) }})
	})
}

// attempt runs one login, the only one under way, and wakes the monitor
// for the account it produced.
func (s *ConnectService) attempt(login func(context.Context) (*accounts.ConnectResult, error)) (*ConnectResultView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	ctx, done, err := s.begin()
	if err != nil {
		return nil, s.userError(err)
	}
	defer done()
	res, err := login(ctx)
	if err != nil {
		return nil, s.userError(err)
	}
	changed(s.monitor)
	ids := []string{res.Account.ID}
	for _, c := range res.Children {
		ids = append(ids, c.ID)
	}
	s.announce(ids...)
	return connectView(res, s.now()), nil
}

// askIdentity asks the window whether a different login may replace the
// account's and waits for AnswerIdentityChange (or cancellation).
func (s *ConnectService) askIdentity(ctx context.Context, old, new backend.Identity) bool {
	answer := make(chan bool, 1)
	s.mu.Lock()
	s.identityAnswer = answer
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.identityAnswer = nil
		s.mu.Unlock()
	}()
	s.desktop.Emit(EventIdentityChanged, map[string]backend.Identity{"old": old, "new": new})
	select {
	case ok := <-answer:
		return ok
	case <-ctx.Done():
		return false
	case <-time.After(5 * time.Minute):
		return false
	}
}

// AnswerIdentityChange answers the question EventIdentityChanged asked.
func (s *ConnectService) AnswerIdentityChange(replace bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.identityAnswer != nil {
		s.identityAnswer <- replace
		s.identityAnswer = nil
	}
}

// CancelConnect ends the login attempt in progress, if any.
func (s *ConnectService) CancelConnect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}
