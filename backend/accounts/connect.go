package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// ConnectRequest starts a new account through the browser.
type ConnectRequest struct {
	ClientID string
	Provider string
	Label    string // empty: the name the platform gives
	Scopes   []string
	Open     func(url string) error
}

// ReconnectRequest renews an existing account's authorization.
type ReconnectRequest struct {
	AccountID string
	Open      func(url string) error
	// ConfirmIdentity is asked when a different user logged in than before;
	// false (or nil) keeps the account as it was.
	ConfirmIdentity func(old, new backend.Identity) bool
	// Also are other accounts of the same user on the same platform (from
	// a FixPlan step) that take this login's tokens too.
	Also []string
}

// Changes is what a reconnect gained and lost. Lost Pages are what breaks
// other clients' connections, so the UI says them loudly.
type Changes struct {
	ScopesGained []string `json:"scopes_gained"`
	ScopesLost   []string `json:"scopes_lost"`
	// ScopesNotGranted were asked for and not granted (the user unticked
	// them, or the platform withheld them).
	ScopesNotGranted []string `json:"scopes_not_granted"`
	// AssetsKept were granted before and still are; AssetsGained are new;
	// AssetsLost were granted before and are not any more.
	AssetsKept      []string `json:"assets_kept"`
	AssetsGained    []string `json:"assets_gained"`
	AssetsLost      []string `json:"assets_lost"`
	IdentityChanged bool     `json:"identity_changed"`
}

// ConnectResult is the account a connect or reconnect produced, with the
// child accounts (Facebook Pages) the new grant keeps alive, and those it
// lost (broken by this login: the person did not tick them).
type ConnectResult struct {
	Account  *Entry   `json:"account"`
	Children []*Entry `json:"children"`
	Lost     []*Entry `json:"lost"`
	Changes  Changes  `json:"changes"`
	// Also are the other accounts the same login fixed; NotFixed says, one
	// sentence each, those it could not (another user logged in).
	Also     []*Entry `json:"also"`
	NotFixed []string `json:"not_fixed"`
}

// ErrIdentityDeclined ends a reconnect whose new login belongs to someone
// else when the user chose to keep the account as it was.
var ErrIdentityDeclined = backend.Errorf(backend.EINVALID, "A different user logged in; the account was left as it was.").
	WithHint("Reconnect again and log in as the account's owner.")

// Credentials returns a provider's developer-app credentials, with the secret
// from the keychain, or an error that tells the user how to set them up.
func (s *Service) Credentials(ctx context.Context, p *backend.Provider) (backend.Credentials, error) {
	var c *backend.Credentials
	err := s.Store.View(ctx, func(tx backend.Tx) (err error) {
		c, err = tx.Credentials(p.ID)
		return err
	})
	if backend.ErrorCode(err) == backend.ENOTFOUND || (err == nil && c.ClientID == "") {
		return backend.Credentials{}, backend.Errorf(backend.EINVALID, "Tokenwarden has no client id for %s yet.", p.Name).
			WithHint(fmt.Sprintf("Register your own %s app (redirect URI %s), then enter its client id and secret under %s's setup.", p.Name, p.RedirectURI(p.RedirectPort), p.Name))
	} else if err != nil {
		return backend.Credentials{}, err
	}
	creds := *c
	secret, err := s.Secrets.Secret(ctx, backend.CredentialsOwner(p.ID), backend.SecretClientSecret)
	switch backend.ErrorCode(err) {
	case "":
		creds.ClientSecret = secret
	case backend.ENOTFOUND:
		if p.NeedsSecret {
			return backend.Credentials{}, backend.Errorf(backend.EINVALID, "%s needs your app's client secret, and none is stored.", p.Name).
				WithHint("Enter the client secret under " + p.Name + "'s setup.")
		}
	default:
		return backend.Credentials{}, err
	}
	return creds, nil
}

// SetCredentials stores a provider's client id (store) and, when given, its
// client secret (keychain).
func (s *Service) SetCredentials(ctx context.Context, providerID, clientID, clientSecret string) error {
	p, err := s.Providers.Provider(providerID)
	if err != nil {
		return err
	}
	clientID = strings.TrimSpace(clientID)
	if clientID == "" || len(clientID) > 512 || backend.HasControlChars(clientID) || strings.ContainsAny(clientID, " \u00a0") {
		return backend.Errorf(backend.EINVALID, "The client id is empty or malformed.").WithHint("Copy it from your app's settings at " + orDefault(p.ConsoleURL, "the platform's developer console") + ".")
	}
	if clientSecret != "" {
		if clientSecret, err = backend.CleanToken("client secret", clientSecret); err != nil {
			return err
		}
		if err := s.Secrets.SetSecret(ctx, backend.CredentialsOwner(p.ID), backend.SecretClientSecret, clientSecret); err != nil {
			return err
		}
	}
	return s.Store.Update(ctx, func(tx backend.Tx) error {
		if err := tx.SaveCredentials(&backend.Credentials{ProviderID: p.ID, ClientID: clientID}); err != nil {
			return err
		}
		return tx.AppendEvent(&backend.Event{Kind: backend.EventCredentialsSet, Outcome: backend.OutcomeOK, Provider: p.ID,
			Message: fmt.Sprintf("Developer app credentials for %s saved.", p.Name),
			Details: map[string]any{"client_id": clientID, "secret_stored": clientSecret != ""}})
	})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// authorize runs the browser flow and the platform's own steps. It asks
// for scopes, or the provider's when empty, and returns what it asked for.
func (s *Service) authorize(ctx context.Context, p *backend.Provider, scopes []string, prompt string, open func(string) error) (*backend.Grant, []string, error) {
	creds, err := s.Credentials(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	if len(scopes) == 0 {
		scopes = providerScopes(p)
	}
	g, err := s.Authorizer.Authorize(ctx, backend.AuthRequest{Provider: p, Credentials: creds, Scopes: scopes, Prompt: prompt, Open: open})
	if err != nil {
		return nil, nil, err
	}
	if err := s.Platforms(p).Complete(ctx, p, creds, g); err != nil {
		return nil, nil, err
	}
	g.CleanNames() // names from the platform become labels and messages
	return g, scopes, nil
}

// provider returns a provider with its endpoints filled from discovery.
func (s *Service) provider(ctx context.Context, id string) (*backend.Provider, error) {
	p, err := s.Providers.Provider(id)
	if err != nil {
		return nil, err
	}
	if p.AuthURL == "" || p.TokenURL == "" {
		if s.Discover == nil || p.Issuer == "" {
			return nil, backend.Errorf(backend.EINVALID, "%s has no authorization endpoints.", p.Name).
				WithHint("Set issuer, or auth_url and token_url, for it in providers.yaml.")
		}
		filled := *p
		if err := s.Discover(ctx, &filled); err != nil {
			return nil, err
		}
		p = &filled
	}
	return p, nil
}

// Connect creates a new account by logging in through the browser.
func (s *Service) Connect(ctx context.Context, req ConnectRequest) (*ConnectResult, error) {
	var label string
	if strings.TrimSpace(req.Label) != "" {
		var err error
		if label, err = backend.CleanName("label", req.Label); err != nil {
			return nil, err
		}
	}
	var client *backend.Client
	if err := s.Store.View(ctx, func(tx backend.Tx) (err error) {
		client, err = tx.Client(req.ClientID)
		return err
	}); err != nil {
		return nil, err
	}
	p, err := s.provider(ctx, req.Provider)
	if err != nil {
		return nil, err
	}
	g, asked, err := s.authorize(ctx, p, req.Scopes, "", req.Open)
	if err != nil {
		s.recordFailure(client, nil, p, err)
		return nil, err
	}
	notGranted := missingScopes(asked, g.Scopes)
	now := s.now()
	a := &backend.Account{ID: backend.NewID("acc"), ClientID: client.ID, Provider: p.ID, Label: label, CreatedAt: now}
	if a.Label == "" {
		a.Label = defaultLabel(g.Identity, p)
	}
	applyGrant(a, g, now)
	children := make([]*backend.Account, 0, len(g.Assets))
	for _, as := range g.Assets {
		children = append(children, newChild(a, g, as, now))
	}
	if err := s.storeTokens(ctx, a, g, children, g.Assets); err != nil {
		return nil, err
	}
	err = s.Store.Update(ctx, func(tx backend.Tx) error {
		if err := tx.InsertAccount(a); err != nil {
			return err
		}
		msg := fmt.Sprintf("%s account %q connected as %s.", p.Name, a.Label, who(g.Identity))
		if len(children) > 0 {
			msg += fmt.Sprintf(" This login keeps %d Page(s) alive.", len(children))
		}
		msg += NotGrantedSentence(notGranted)
		if err := tx.AppendEvent(event(backend.EventAccountConnected, backend.OutcomeOK, msg, client, a, grantDetails(g, asked, notGranted))); err != nil {
			return err
		}
		for _, c := range children {
			if err := tx.InsertAccount(c); err != nil {
				return err
			}
			if err := tx.AppendEvent(event(backend.EventAccountConnected, backend.OutcomeOK,
				fmt.Sprintf("Page %q connected through %q.", c.Label, a.Label), client, c, map[string]any{"parent_id": a.ID, "scopes": c.Scopes})); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.forgetSecrets(a.ID)
		for _, c := range children {
			s.forgetSecrets(c.ID)
		}
		return nil, err
	}
	return s.result(ctx, a.ID, Changes{ScopesGained: a.Scopes, ScopesNotGranted: notGranted, AssetsGained: assetNames(g.Assets)}, nil)
}

// Reconnect renews an account's authorization in place: same id, client,
// label and history. Pages are matched by their platform id.
func (s *Service) Reconnect(ctx context.Context, req ReconnectRequest) (*ConnectResult, error) {
	var a *backend.Account
	var client *backend.Client
	var oldChildren []*backend.Account
	if err := s.Store.View(ctx, func(tx backend.Tx) (err error) {
		if a, err = tx.Account(req.AccountID); err != nil {
			return err
		}
		if client, err = tx.Client(a.ClientID); err != nil {
			return err
		}
		oldChildren, err = tx.Accounts(backend.AccountFilter{ParentID: a.ID})
		return err
	}); err != nil {
		return nil, err
	}
	if a.ParentID != "" {
		return nil, backend.Errorf(backend.EINVALID, "%q is a Page reached through another login.", a.Label).
			WithHint("Reconnect the Facebook login it belongs to; its Pages follow.")
	}
	others, err := s.sharedAccounts(ctx, a, req.Also)
	if err != nil {
		return nil, err
	}
	p, err := s.provider(ctx, a.Provider)
	if err != nil {
		return nil, err
	}
	// Ask for what the account needs: the provider's scopes (openid and
	// offline_access among them), what it was granted last time and what the
	// accounts fixed alongside it need.
	g, asked, err := s.authorize(ctx, p, scopeUnion(providerScopes(p), unionScopes(a, others)), "consent", req.Open)
	if err != nil {
		s.recordFailure(client, a, p, err)
		return nil, err
	}
	changes := diff(a, g, oldChildren)
	changes.ScopesNotGranted = missingScopes(asked, g.Scopes)
	if changes.IdentityChanged && (req.ConfirmIdentity == nil || !req.ConfirmIdentity(a.Identity, g.Identity)) {
		return nil, ErrIdentityDeclined
	}
	unlock, err := s.lockAccount(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	now := s.now()
	oldScopes := a.Scopes
	imported, previous := !isConnected(a), a.Identity
	applyGrant(a, g, now)
	a.Invalid, a.Reason = false, ""

	// Match Pages: update those still granted, add new ones, and mark lost
	// ones so the user sees which client connections just broke.
	byExternal := map[string]*backend.Account{}
	for _, c := range oldChildren {
		byExternal[c.Identity.ExternalID] = c
	}
	var updated, added []*backend.Account
	var addedAssets, updatedAssets []backend.Asset
	for _, as := range g.Assets {
		if c := byExternal[as.ExternalID]; c != nil {
			c.Label, c.Scopes, c.Invalid, c.Reason, c.UpdatedAt, c.ConnectedAt = orDefault(as.Name, c.Label), as.Scopes, false, "", now, &now
			provenByGrant(c, g, now)
			updated, updatedAssets = append(updated, c), append(updatedAssets, as)
			delete(byExternal, as.ExternalID)
		} else {
			added, addedAssets = append(added, newChild(a, g, as, now)), append(addedAssets, as)
		}
	}
	if err := s.storeTokens(ctx, a, g, append(updated, added...), append(updatedAssets, addedAssets...)); err != nil {
		return nil, err
	}
	if err := s.dropStaleRefresh(ctx, a, g, imported); err != nil {
		return nil, err
	}
	err = s.Store.Update(ctx, func(tx backend.Tx) error {
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		// New tokens: a renewal cut off before counts no more.
		if err := tx.ClearRenewal(a.ID); err != nil {
			return err
		}
		details := grantDetails(g, asked, changes.ScopesNotGranted)
		details["scopes_gained"], details["scopes_lost"] = changes.ScopesGained, changes.ScopesLost
		details["assets_gained"], details["assets_lost"] = changes.AssetsGained, changes.AssetsLost
		details["previous_scopes"] = oldScopes
		if changes.IdentityChanged {
			details["identity_changed"] = true
			details["previous_identity"] = who(previous)
		}
		outcome, msg := backend.OutcomeOK, fmt.Sprintf("%s account %q reconnected as %s.", p.Name, a.Label, who(g.Identity))
		if changes.IdentityChanged {
			msg = fmt.Sprintf("%s account %q reconnected as %s, replacing the login of %s.", p.Name, a.Label, who(g.Identity), who(previous))
		}
		if imported {
			msg = fmt.Sprintf("%s account %q, imported by hand, is now connected as %s.", p.Name, a.Label, who(g.Identity))
			details["was_imported"] = true
		}
		if len(changes.AssetsLost) > 0 {
			outcome = backend.OutcomeFailed
			msg += fmt.Sprintf(" Lost access to %d Page(s): %s.", len(changes.AssetsLost), strings.Join(changes.AssetsLost, ", "))
		}
		if len(changes.ScopesLost) > 0 {
			msg += " Permissions lost: " + strings.Join(changes.ScopesLost, ", ") + "."
		}
		msg += NotGrantedSentence(changes.ScopesNotGranted)
		if err := tx.AppendEvent(event(backend.EventAccountReconnected, outcome, msg, client, a, details)); err != nil {
			return err
		}
		for _, c := range updated {
			if err := tx.UpdateAccount(c); err != nil {
				return err
			}
		}
		for _, c := range added {
			if err := tx.InsertAccount(c); err != nil {
				return err
			}
			if err := tx.AppendEvent(event(backend.EventAccountConnected, backend.OutcomeOK,
				fmt.Sprintf("Page %q newly granted through %q.", c.Label, a.Label), client, c, map[string]any{"parent_id": a.ID})); err != nil {
				return err
			}
		}
		for _, c := range byExternal { // no longer granted
			c.Invalid, c.Reason, c.UpdatedAt = true, "permission_lost", now
			if err := tx.UpdateAccount(c); err != nil {
				return err
			}
			if err := tx.AppendEvent(event(backend.EventAccountReconnected, backend.OutcomeFailed,
				fmt.Sprintf("Page %q was not granted on reconnect of %q: its connection is broken.", c.Label, a.Label), client, c,
				map[string]any{"parent_id": a.ID, "reason": "permission_lost"})); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	lost := make([]string, 0, len(byExternal))
	for _, c := range byExternal {
		lost = append(lost, c.ID)
	}
	fixed, notFixed, err := s.applyShared(ctx, a, p, g, others)
	if err != nil {
		return nil, err
	}
	res, err := s.result(ctx, a.ID, changes, lost)
	if err != nil {
		return nil, err
	}
	res.NotFixed = notFixed
	for _, id := range fixed {
		e, err := s.Entry(ctx, id)
		if err != nil {
			return nil, err
		}
		res.Also = append(res.Also, e)
	}
	return res, nil
}

// storeTokens writes the grant's tokens, then each child's, to the keychain.
// Secrets go first so a row never exists without its token.
func (s *Service) storeTokens(ctx context.Context, a *backend.Account, g *backend.Grant, children []*backend.Account, assets []backend.Asset) error {
	if err := s.Secrets.SetSecret(ctx, a.ID, backend.SecretAccessToken, g.AccessToken); err != nil {
		return err
	}
	if g.RefreshToken != "" {
		if err := s.Secrets.SetSecret(ctx, a.ID, backend.SecretRefreshToken, g.RefreshToken); err != nil {
			return err
		}
	}
	for i, c := range children {
		if assets[i].AccessToken == "" {
			continue
		}
		if err := s.Secrets.SetSecret(ctx, c.ID, backend.SecretAccessToken, assets[i].AccessToken); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) recordFailure(client *backend.Client, a *backend.Account, p *backend.Provider, cause error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	verb := "Connecting"
	if a != nil {
		verb = "Reconnecting"
	}
	e := event(backend.EventConnectFailed, backend.OutcomeFailed,
		fmt.Sprintf("%s %s failed: %s", verb, p.Name, backend.ErrorMessage(cause)), client, a, nil)
	e.Provider = p.ID
	e.Reason = reasonOf(cause)
	_ = s.Store.Update(ctx, func(tx backend.Tx) error { return tx.AppendEvent(e) })
}

// reasonOf extracts a reason code from errors that carry one.
func reasonOf(err error) string {
	var r interface{ ReasonCode() string }
	if errors.As(err, &r) {
		return r.ReasonCode()
	}
	return ""
}

// result reads back what a connect or reconnect stored. lostIDs are the
// Pages this grant no longer covers; every other child is kept or new.
func (s *Service) result(ctx context.Context, id string, ch Changes, lostIDs []string) (*ConnectResult, error) {
	e, err := s.Entry(ctx, id)
	if err != nil {
		return nil, err
	}
	kids, err := s.Entries(ctx, backend.AccountFilter{ParentID: id})
	if err != nil {
		return nil, err
	}
	res := &ConnectResult{Account: e, Children: []*Entry{}, Lost: []*Entry{}, Changes: ch, Also: []*Entry{}, NotFixed: []string{}}
	for _, k := range kids {
		if slices.Contains(lostIDs, k.Account.ID) {
			res.Lost = append(res.Lost, k)
		} else {
			res.Children = append(res.Children, k)
		}
	}
	return res, nil
}

func applyGrant(a *backend.Account, g *backend.Grant, now time.Time) {
	a.Identity, a.Scopes = g.Identity, g.Scopes
	a.ExpiresAt, a.RefreshExpiresAt, a.DataAccessExpiresAt = utc(g.ExpiresAt), utc(g.RefreshExpiresAt), utc(g.DataAccessExpiresAt)
	a.HasRefreshToken = a.HasRefreshToken || g.RefreshToken != ""
	a.ConnectedAt, a.UpdatedAt = &now, now
}

func newChild(parent *backend.Account, g *backend.Grant, as backend.Asset, now time.Time) *backend.Account {
	c := &backend.Account{
		ID: backend.NewID("acc"), ClientID: parent.ClientID, Provider: parent.Provider, Label: orDefault(as.Name, as.ExternalID),
		Kind: as.Kind, ParentID: parent.ID, Identity: backend.Identity{ExternalID: as.ExternalID, Name: as.Name},
		Scopes: as.Scopes, ConnectedAt: &now, CreatedAt: now, UpdatedAt: now,
	}
	provenByGrant(c, g, now)
	return c
}

// provenByGrant gives a Page the state the login just proved: the platform
// handed over its token moments ago under a user token it had validated, so
// the Page works now and lives as long as the login's data access. Without
// this every fresh Page showed "unknown" until a later check.
func provenByGrant(c *backend.Account, g *backend.Grant, now time.Time) {
	c.DataAccessExpiresAt = utc(g.DataAccessExpiresAt)
	c.LastCheckedAt = &now
	c.CheckFailures, c.LastError = 0, ""
}

func diff(a *backend.Account, g *backend.Grant, children []*backend.Account) Changes {
	var ch Changes
	for _, sc := range g.Scopes {
		if !slices.Contains(a.Scopes, sc) {
			ch.ScopesGained = append(ch.ScopesGained, sc)
		}
	}
	for _, sc := range a.Scopes {
		if !slices.Contains(g.Scopes, sc) {
			ch.ScopesLost = append(ch.ScopesLost, sc)
		}
	}
	granted := map[string]bool{}
	for _, as := range g.Assets {
		granted[as.ExternalID] = true
	}
	had := map[string]bool{}
	for _, c := range children {
		had[c.Identity.ExternalID] = true
		if granted[c.Identity.ExternalID] {
			ch.AssetsKept = append(ch.AssetsKept, c.Label)
		} else {
			ch.AssetsLost = append(ch.AssetsLost, c.Label)
		}
	}
	for _, as := range g.Assets {
		if !had[as.ExternalID] {
			ch.AssetsGained = append(ch.AssetsGained, orDefault(as.Name, as.ExternalID))
		}
	}
	ch.IdentityChanged = a.Identity.ExternalID != "" && g.Identity.ExternalID != "" && a.Identity.ExternalID != g.Identity.ExternalID
	return ch
}

func grantDetails(g *backend.Grant, asked, notGranted []string) map[string]any {
	return map[string]any{
		"identity": who(g.Identity), "external_id": g.Identity.ExternalID, "scopes": g.Scopes,
		"scopes_requested": asked, "scopes_not_granted": notGranted,
		"expires_at": g.ExpiresAt, "refresh_expires_at": g.RefreshExpiresAt, "has_refresh_token": g.RefreshToken != "",
		"assets": assetNames(g.Assets),
	}
}

func assetNames(as []backend.Asset) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, orDefault(a.Name, a.ExternalID))
	}
	return out
}

// who names an identity for messages: name and handle or email.
func who(id backend.Identity) string {
	parts := []string{}
	if id.Name != "" {
		parts = append(parts, id.Name)
	}
	if id.Handle != "" {
		parts = append(parts, "@"+strings.TrimPrefix(id.Handle, "@"))
	} else if id.Email != "" {
		parts = append(parts, "<"+id.Email+">")
	}
	if len(parts) == 0 && id.ExternalID != "" {
		return "an unnamed user (id " + id.ExternalID + ")"
	} else if len(parts) == 0 {
		return "an unnamed user"
	}
	return strings.Join(parts, " ")
}

func defaultLabel(id backend.Identity, p *backend.Provider) string {
	for _, s := range []string{id.Name, id.Handle, id.Email, id.ExternalID} {
		if l, err := backend.CleanName("label", s); err == nil {
			return l
		}
	}
	return p.Name + " account"
}
