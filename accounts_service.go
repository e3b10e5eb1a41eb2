package main

import (
	"context"
	"log"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
	"github.com/tokenwarden/tokenwarden/backend/notify"
)

// AccountsService is the main screen: clients, accounts, providers and
// their setup.
type AccountsService struct {
	*shell
	svc      *accounts.Service
	notifier *notify.Notifier
	monitor  *monitor.Monitor
}

// changed wakes the monitor after an account was added or renewed, so its
// schedule counts the new dates.
func changed(m *monitor.Monitor) {
	if m != nil {
		m.Poke()
	}
}

// Overview returns the clients, their accounts most urgent first, and any
// problem the window should show in a banner.
func (s *AccountsService) Overview() (*Overview, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	ctx, cancel := s.within(30 * time.Second)
	defer cancel()
	groups, err := s.svc.Groups(ctx)
	if err != nil {
		return nil, s.userError(err)
	}
	now := s.now()
	snoozes := s.snoozes(ctx)
	ov := &Overview{Groups: []ClientGroup{}, Providers: []ProviderView{}, DataDir: s.dataDir, Warnings: append([]string{}, s.warnings...)}
	for _, g := range groups {
		cg := ClientGroup{ID: g.Client.ID, Name: g.Client.Name, Accounts: []AccountView{}}
		for _, e := range g.Accounts {
			v := accountView(e, now)
			if until, ok := snoozes[e.ID]; ok {
				v.SnoozedUntil = until.Format(time.RFC3339)
			}
			cg.Accounts = append(cg.Accounts, v)
			ov.Counts.add(e.Status)
		}
		ov.Groups = append(ov.Groups, cg)
	}
	for _, p := range s.svc.Providers.Providers() {
		ov.Providers = append(ov.Providers, ProviderView{ID: p.ID, Name: p.Name})
	}
	ov.KeychainProblem = s.keychain()
	return ov, nil
}

// snoozes returns the accounts whose notifications are snoozed, and until when.
func (s *AccountsService) snoozes(ctx context.Context) map[string]time.Time {
	if s.notifier == nil {
		return nil
	}
	m, err := s.notifier.Snoozes(ctx)
	if err != nil {
		log.Printf("snoozes: %v", err)
	}
	return m
}

// AddClient creates a client.
func (s *AccountsService) AddClient(name string) (*ClientView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	c, err := s.svc.AddClient(s.ctx, name)
	if err != nil {
		return nil, s.userError(err)
	}
	return &ClientView{ID: c.ID, Name: c.Name}, nil
}

// RenameClient gives a client a new name.
func (s *AccountsService) RenameClient(id, name string) (*ClientView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	c, err := s.svc.RenameClient(s.ctx, id, name)
	if err != nil {
		return nil, s.userError(err)
	}
	return &ClientView{ID: c.ID, Name: c.Name}, nil
}

// DeleteClient deletes a client that has no accounts.
func (s *AccountsService) DeleteClient(id string) error {
	if s.svc == nil {
		return s.closed()
	}
	return s.userError(s.svc.DeleteClient(s.ctx, id))
}

// ImportAccount stores a pasted token as a new account.
func (s *AccountsService) ImportAccount(form ImportForm) (*AccountView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	var expiry *time.Time
	if v := strings.TrimSpace(form.ExpiresAt); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, s.userError(backend.Errorf(backend.EINVALID, "The expiry %q is not a valid date and time.", v))
		}
		expiry = &t
	}
	ctx, cancel := s.within(30 * time.Second)
	defer cancel()
	acc, err := s.svc.ImportAccount(ctx, accounts.ImportRequest{
		ClientID: form.ClientID, Provider: form.Provider, Label: form.Label,
		Token: backend.Token{AccessToken: form.AccessToken, RefreshToken: form.RefreshToken, ExpiresAt: expiry},
	})
	if err != nil {
		return nil, s.userError(err)
	}
	s.recordKeychain(nil) // the keychain just worked
	changed(s.monitor)
	return s.entry(ctx, acc.ID)
}

// RenameAccount changes an account's label.
func (s *AccountsService) RenameAccount(id, label string) (*AccountView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	if _, err := s.svc.RenameAccount(s.ctx, id, label); err != nil {
		return nil, s.userError(err)
	}
	return s.entry(s.ctx, id)
}

func (s *AccountsService) entry(ctx context.Context, id string) (*AccountView, error) {
	e, err := s.svc.Entry(ctx, id)
	if err != nil {
		return nil, s.userError(err)
	}
	v := accountView(e, s.now())
	return &v, nil
}

// DeleteAccount revokes an account's tokens where the platform allows,
// removes them from the keychain and deletes the account; history stays.
func (s *AccountsService) DeleteAccount(id string) (*accounts.DeleteResult, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	ctx, cancel := s.within(60 * time.Second)
	defer cancel()
	res, err := s.svc.DeleteAccount(ctx, id)
	return res, s.userError(err)
}

// AccountHistory returns an account's history, newest first.
func (s *AccountsService) AccountHistory(id string) ([]EventView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	events, err := s.svc.History(s.ctx, backend.EventFilter{AccountID: id, Limit: 200})
	if err != nil {
		return nil, s.userError(err)
	}
	now := s.now()
	out := make([]EventView, 0, len(events))
	for _, e := range events {
		out = append(out, eventView(e, now))
	}
	return out, nil
}

// ProviderSetups lists every provider with its setup state and guide.
func (s *AccountsService) ProviderSetups() ([]ProviderSetup, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	list, err := s.svc.ProviderStatuses(s.ctx)
	if err != nil {
		return nil, s.userError(err)
	}
	out := make([]ProviderSetup, 0, len(list))
	for _, p := range list {
		out = append(out, providerSetup(p))
	}
	return out, nil
}

// SetProviderCredentials stores the client id of the user's developer app and,
// when given, its secret (in the keychain). An empty secret keeps the stored one.
func (s *AccountsService) SetProviderCredentials(providerID, clientID, clientSecret string) error {
	if s.svc == nil {
		return s.closed()
	}
	return s.userError(s.svc.SetCredentials(s.ctx, providerID, clientID, clientSecret))
}

// AddCustomProvider checks the issuer's discovery document and adds the provider.
func (s *AccountsService) AddCustomProvider(form CustomProviderForm) error {
	if s.svc == nil {
		return s.closed()
	}
	ctx, cancel := s.within(30 * time.Second)
	defer cancel()
	_, err := s.svc.AddCustomProvider(ctx, accounts.CustomProviderRequest{ID: form.ID, Name: form.Name, Issuer: form.Issuer,
		Scopes: strings.Fields(form.Scopes), ClientID: form.ClientID, ClientSecret: form.ClientSecret})
	return s.userError(err)
}
