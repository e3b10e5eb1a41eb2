package accounts

import (
	"context"
	"fmt"
	"slices"

	"github.com/tokenwarden/tokenwarden/backend"
)

// FixScope says which accounts to fix: those of one client, or every
// account that needs the user when ClientID is empty.
type FixScope struct {
	ClientID string
}

// FixPlan is the logins that fix the accounts needing the user, one after
// another. A login that covers several accounts (a Facebook login and its
// Pages; one Google user's login kept by several accounts) is one step.
type FixPlan struct {
	Steps []FixStep `json:"steps"`
	// Accounts counts the accounts the steps fix.
	Accounts int `json:"accounts"`
}

// FixStep is one login to redo.
type FixStep struct {
	// AccountID is the login to reconnect; Also are other accounts of the
	// same user on the same platform that take the same login.
	AccountID    string   `json:"account_id"`
	Also         []string `json:"also"`
	Label        string   `json:"label"`
	ClientName   string   `json:"client_name"`
	Provider     string   `json:"provider"`
	ProviderName string   `json:"provider_name"`
	// Who the login belongs to, as the platform last said; "" when it was
	// imported by hand (the login then makes it a connected account).
	Who      string `json:"who"`
	Imported bool   `json:"imported"`
	// Fixes are the accounts this login fixes: the ones that need the user,
	// Pages included.
	Fixes []FixTarget `json:"fixes"`
	// Blocked says why the login cannot run yet ("Set up Google first"),
	// "" when it can.
	Blocked string `json:"blocked"`
}

// FixTarget is one account a step fixes.
type FixTarget struct {
	AccountID  string         `json:"account_id"`
	Label      string         `json:"label"`
	ClientName string         `json:"client_name"`
	Status     backend.Status `json:"status"`
}

// PlanFixes lists the logins that fix the accounts in scope needing the user.
func (s *Service) PlanFixes(ctx context.Context, scope FixScope) (*FixPlan, error) {
	if scope.ClientID != "" {
		if err := s.Store.View(ctx, func(tx backend.Tx) error {
			_, err := tx.Client(scope.ClientID)
			return err
		}); err != nil {
			return nil, err
		}
	}
	entries, err := s.Entries(ctx, backend.AccountFilter{})
	if err != nil {
		return nil, err
	}
	statuses, err := s.ProviderStatuses(ctx)
	if err != nil {
		return nil, err
	}
	setups := make(map[string]*ProviderStatus, len(statuses))
	for _, p := range statuses {
		setups[p.ID] = p
	}
	return planFixes(entries, scope, setups), nil
}

// planFixes groups the entries needing the user into logins. entries are
// most urgent first, and so are the steps.
func planFixes(entries []*Entry, scope FixScope, setups map[string]*ProviderStatus) *FixPlan {
	byID := make(map[string]*Entry, len(entries))
	hasPages := map[string]bool{}
	for _, e := range entries {
		byID[e.ID] = e
		if e.ParentID != "" {
			hasPages[e.ParentID] = true
		}
	}
	plan := &FixPlan{Steps: []FixStep{}}
	stepOf := map[string]int{} // a login's id, or its shared-login key, to its step
	for _, e := range entries {
		if !e.NeedsAttention() || (scope.ClientID != "" && e.ClientID != scope.ClientID) {
			continue
		}
		login := e
		if e.ParentID != "" {
			if login = byID[e.ParentID]; login == nil {
				continue // a Page whose login is gone has nothing to redo
			}
		}
		target := FixTarget{AccountID: e.ID, Label: e.Label, ClientName: e.ClientName, Status: e.Status}
		if i, ok := stepOf[login.ID]; ok {
			plan.Steps[i].Fixes = append(plan.Steps[i].Fixes, target)
			plan.Accounts++
			continue
		}
		p := setups[login.Provider]
		key := sharedKey(login, p, hasPages)
		if i, ok := stepOf[key]; ok && key != "" {
			st := &plan.Steps[i]
			st.Also = append(st.Also, login.ID)
			st.Fixes = append(st.Fixes, target)
			stepOf[login.ID] = i
			plan.Accounts++
			continue
		}
		st := FixStep{AccountID: login.ID, Also: []string{}, Label: login.Label, ClientName: login.ClientName,
			Provider: login.Provider, ProviderName: login.ProviderName, Imported: !login.Connected(),
			Fixes: []FixTarget{target}}
		if login.Connected() {
			st.Who = who(login.Identity)
		}
		switch {
		case p == nil:
			st.Blocked = fmt.Sprintf("%s is no longer in the providers list.", login.ProviderName)
		case !p.Configured:
			st.Blocked = fmt.Sprintf("Set up %s first: Tokenwarden needs your app's %s.", p.Name, p.MissingSetup)
		}
		plan.Steps = append(plan.Steps, st)
		stepOf[login.ID] = len(plan.Steps) - 1
		if key != "" {
			stepOf[key] = len(plan.Steps) - 1
		}
		plan.Accounts++
	}
	return plan
}

// sharedKey names the login a top-level account shares with others of the
// same user on the same platform, or "" when its login is its own: unknown
// user, Pages of its own (each login's Pages are matched to it), or a
// platform whose refresh tokens rotate.
func sharedKey(a *Entry, p *ProviderStatus, hasPages map[string]bool) string {
	if p == nil || p.RotatesRefresh || a.ParentID != "" || hasPages[a.ID] || a.Identity.ExternalID == "" {
		return ""
	}
	return "login\x00" + a.Provider + "\x00" + a.Identity.ExternalID
}

// sharedAccounts loads the accounts that take the login of a as well, and
// refuses those that cannot: another platform, a Page, a login with Pages.
func (s *Service) sharedAccounts(ctx context.Context, a *backend.Account, ids []string) ([]*backend.Account, error) {
	var out []*backend.Account
	err := s.Store.View(ctx, func(tx backend.Tx) error {
		for _, id := range ids {
			if id == a.ID || slices.ContainsFunc(out, func(o *backend.Account) bool { return o.ID == id }) {
				continue
			}
			o, err := tx.Account(id)
			if err != nil {
				return err
			}
			kids, err := tx.Accounts(backend.AccountFilter{ParentID: o.ID})
			if err != nil {
				return err
			}
			if o.Provider != a.Provider || o.ParentID != "" || len(kids) > 0 {
				return backend.Errorf(backend.EINVALID, "%q cannot share the login of %q.", o.Label, a.Label).
					WithHint("Reconnect it on its own.")
			}
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// unionScopes is a's scopes followed by those only the others have, so one
// login grants what each of them had.
func unionScopes(a *backend.Account, others []*backend.Account) []string {
	scopes := slices.Clone(a.Scopes)
	for _, o := range others {
		for _, sc := range o.Scopes {
			if !slices.Contains(scopes, sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	return scopes
}

// applyShared gives each other account the login's tokens, when the same
// user logged in as the account had; the rest are named in notFixed.
func (s *Service) applyShared(ctx context.Context, via *backend.Account, p *backend.Provider, g *backend.Grant, others []*backend.Account) (fixed []string, notFixed []string, err error) {
	for _, o := range others {
		if o.Identity.ExternalID != g.Identity.ExternalID {
			notFixed = append(notFixed, fmt.Sprintf("%q belongs to %s, not to %s who logged in; reconnect it on its own.",
				o.Label, who(o.Identity), who(g.Identity)))
			continue
		}
		if err := s.applyLogin(ctx, o, p, g, fmt.Sprintf("through the login of %q", via.Label)); err != nil {
			return fixed, notFixed, err
		}
		fixed = append(fixed, o.ID)
	}
	return fixed, notFixed, nil
}

// applyLogin puts a login's tokens on an account without Pages and records it.
func (s *Service) applyLogin(ctx context.Context, a *backend.Account, p *backend.Provider, g *backend.Grant, how string) error {
	unlock, err := s.lockAccount(ctx, a.ID)
	if err != nil {
		return err
	}
	defer unlock()
	imported := !isConnected(a)
	now := s.now()
	applyGrant(a, g, now)
	a.Invalid, a.Reason = false, ""
	if err := s.storeTokens(ctx, a, g, nil, nil); err != nil {
		return err
	}
	if err := s.dropStaleRefresh(ctx, a, g, imported); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx backend.Tx) error {
		c, err := tx.Client(a.ClientID)
		if err != nil {
			return err
		}
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		return tx.AppendEvent(event(backend.EventAccountReconnected, backend.OutcomeOK,
			fmt.Sprintf("%s account %q reconnected as %s, %s.", p.Name, a.Label, who(g.Identity), how), c, a, grantDetails(g, nil, nil)))
	})
}

// isConnected says the account was authorized through the browser before;
// false for one imported by hand.
func isConnected(a *backend.Account) bool { return a.ConnectedAt != nil || a.Identity.ExternalID != "" }

// dropStaleRefresh removes the refresh token an imported account had when
// its first login brought none: it came from another app's login and must
// not outlive it.
func (s *Service) dropStaleRefresh(ctx context.Context, a *backend.Account, g *backend.Grant, imported bool) error {
	if !imported || g.RefreshToken != "" {
		return nil
	}
	a.HasRefreshToken = false
	err := s.Secrets.DeleteSecret(ctx, a.ID, backend.SecretRefreshToken)
	if backend.ErrorCode(err) == backend.ENOTFOUND {
		err = nil
	}
	return err
}

// What the user can do about an account, in the order to offer it.
const (
	// FixReconnect logs in again through the browser; for an account
	// imported by hand it makes it a connected one.
	FixReconnect = "reconnect"
	// FixReplaceToken pastes a new token by hand (imported accounts).
	FixReplaceToken = "replace_token"
	// FixReconnectLogin: a Page is renewed by reconnecting its login.
	FixReconnectLogin = "reconnect_login"
)

// Fixes lists what the user can do to renew the account's access.
func (e *Entry) Fixes() []string {
	switch {
	case e.ParentID != "":
		return []string{FixReconnectLogin}
	case e.Connected():
		return []string{FixReconnect}
	}
	return []string{FixReconnect, FixReplaceToken}
}
