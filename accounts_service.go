package main

import (
	"context"
	"errors"
	"log"
	"sort"
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

// EventAccountsChanged carries AccountsChanged after anything changed the
// rows the window shows, whoever changed them (this window, a notification,
// a link); the window fetches just those rows with Entries. Checks are
// announced by EventAccountChecked, which names its account.
const EventAccountsChanged = "accounts:changed"

// announce tells the window which rows to fetch again; no ids means all.
func (s *shell) announce(ids ...string) {
	if s.desktop == nil {
		return
	}
	s.desktop.Emit(EventAccountsChanged, AccountsChanged{IDs: append([]string{}, ids...), All: len(ids) == 0})
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
		cg := ClientGroup{ID: g.Client.ID, Name: g.Client.Name, Contact: g.Client.Contact, Notes: g.Client.Notes, Accounts: []AccountView{}}
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
		ov.Providers = append(ov.Providers, ProviderView{ID: p.ID, Name: p.Name, ChildAssets: p.ChildAssets})
	}
	ov.KeychainProblem = s.keychain()
	return ov, nil
}

// Entries returns the rows of ids that still exist, for the window to
// replace after EventAccountsChanged or EventAccountChecked; a missing id
// is a deleted account.
func (s *AccountsService) Entries(ids []string) ([]AccountView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	ctx, cancel := s.within(30 * time.Second)
	defer cancel()
	entries, err := s.svc.EntriesByID(ctx, ids)
	if err != nil {
		return nil, s.userError(err)
	}
	now := s.now()
	snoozes := s.snoozes(ctx)
	out := make([]AccountView, 0, len(entries))
	for _, e := range entries {
		v := accountView(e, now)
		if until, ok := snoozes[e.ID]; ok {
			v.SnoozedUntil = until.Format(time.RFC3339)
		}
		out = append(out, v)
	}
	return out, nil
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
	s.announce()
	return clientView(c), nil
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
	s.announce()
	return clientView(c), nil
}

// EditClient saves a client's contact and notes.
func (s *AccountsService) EditClient(id, contact, notes string) (*ClientView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	c, err := s.svc.EditClient(s.ctx, id, contact, notes)
	if err != nil {
		return nil, s.userError(err)
	}
	s.announce()
	return clientView(c), nil
}

// DeleteClient deletes a client that has no accounts.
func (s *AccountsService) DeleteClient(id string) error {
	if s.svc == nil {
		return s.closed()
	}
	if err := s.svc.DeleteClient(s.ctx, id); err != nil {
		return s.userError(err)
	}
	s.announce()
	return nil
}

// ImportAccount stores a pasted token as a new account. When the client
// already has an account on that platform with that label, nothing is
// stored and the result names it as Duplicate; with form.Replace the token
// goes onto that account instead.
func (s *AccountsService) ImportAccount(form ImportForm) (*ImportResult, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	tok, err := TokenForm{AccessToken: form.AccessToken, RefreshToken: form.RefreshToken, ExpiresAt: form.ExpiresAt}.token()
	if err != nil {
		return nil, s.userError(err)
	}
	ctx, cancel := s.within(30 * time.Second)
	defer cancel()
	acc, err := s.svc.ImportAccount(ctx, accounts.ImportRequest{
		ClientID: form.ClientID, Provider: form.Provider, Label: form.Label, Token: tok, Replace: form.Replace,
	})
	var dup *accounts.DuplicateError
	if errors.As(err, &dup) {
		v, err := s.entry(ctx, dup.Existing.ID)
		return &ImportResult{Duplicate: v}, err
	}
	if err != nil {
		return nil, s.userError(err)
	}
	s.recordKeychain(nil) // the keychain just worked
	changed(s.monitor)
	s.announce(acc.ID)
	v, err := s.entry(ctx, acc.ID)
	return &ImportResult{Account: v}, err
}

// ReplaceToken puts a token pasted by hand on an existing account, keeping
// its id, client, label and history.
func (s *AccountsService) ReplaceToken(id string, form TokenForm) (*AccountView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	tok, err := form.token()
	if err != nil {
		return nil, s.userError(err)
	}
	ctx, cancel := s.within(30 * time.Second)
	defer cancel()
	if _, err := s.svc.ReplaceToken(ctx, id, tok); err != nil {
		return nil, s.userError(err)
	}
	s.recordKeychain(nil)
	changed(s.monitor)
	s.announce(id)
	return s.entry(ctx, id)
}

// MoveAccount puts an account under another client; its history stays.
func (s *AccountsService) MoveAccount(id, clientID string) (*AccountView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	if _, err := s.svc.MoveAccount(s.ctx, id, clientID); err != nil {
		return nil, s.userError(err)
	}
	s.announce(id)
	return s.entry(s.ctx, id)
}

// FixPlan lists the logins that fix the accounts needing the user: one
// client's (clientID), or every client's when clientID is "".
func (s *AccountsService) FixPlan(clientID string) (*accounts.FixPlan, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	ctx, cancel := s.within(30 * time.Second)
	defer cancel()
	plan, err := s.svc.PlanFixes(ctx, accounts.FixScope{ClientID: clientID})
	return plan, s.userError(err)
}

// RenameAccount changes an account's label.
func (s *AccountsService) RenameAccount(id, label string) (*AccountView, error) {
	if s.svc == nil {
		return nil, s.closed()
	}
	if _, err := s.svc.RenameAccount(s.ctx, id, label); err != nil {
		return nil, s.userError(err)
	}
	s.announce(id)
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
	if err != nil {
		return nil, s.userError(err)
	}
	if res.Deleted > 1 {
		s.announce() // its Pages went with it
	} else {
		s.announce(id)
	}
	return res, nil
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

// ProviderSetups lists every provider with its setup state and guide, the
// ready ones first.
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
	// Platforms that are ready come first: those are the ones to pick from.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Configured && !out[j].Configured })
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

// token reads the form: the expiry is RFC 3339 or empty.
func (f TokenForm) token() (backend.Token, error) {
	tok := backend.Token{AccessToken: f.AccessToken, RefreshToken: f.RefreshToken}
	if v := strings.TrimSpace(f.ExpiresAt); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return tok, backend.Errorf(backend.EINVALID, "The expiry %q is not a valid date and time.", v)
		}
		tok.ExpiresAt = &t
	}
	return tok, nil
}
