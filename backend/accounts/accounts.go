package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/lock"
)

// ImportRequest is an existing token the user pastes in by hand.
type ImportRequest struct {
	ClientID string
	Provider string
	Label    string
	Token    backend.Token
	// Replace puts the token on the client's existing account with the same
	// platform and label instead of refusing the import as a duplicate.
	Replace bool
}

// ImportAccount checks the request, stores the tokens in the keychain and the
// account in the store. On any failure nothing is left behind.
func (s *Service) ImportAccount(ctx context.Context, req ImportRequest) (*backend.Account, error) {
	p, err := s.Providers.Provider(req.Provider)
	if err != nil {
		return nil, err
	}
	label, err := backend.CleanName("label", req.Label)
	if err != nil {
		return nil, err
	}
	access, err := backend.CleanToken("access token", req.Token.AccessToken)
	if err != nil {
		return nil, err
	}
	var refresh string
	if req.Token.RefreshToken != "" {
		if refresh, err = backend.CleanToken("refresh token", req.Token.RefreshToken); err != nil {
			return nil, err
		}
	}
	if err := checkExpiry(req.Token.ExpiresAt); err != nil {
		return nil, err
	}
	var client *backend.Client
	var existing *backend.Account
	if err := s.Store.View(ctx, func(tx backend.Tx) error {
		if client, err = tx.Client(req.ClientID); err != nil {
			return err
		}
		existing, err = duplicateOf(tx, client, p, label)
		return err
	}); err != nil {
		return nil, err
	}
	if existing != nil {
		if !req.Replace {
			return nil, newDuplicateError(client, p, existing)
		}
		return s.ReplaceToken(ctx, existing.ID, req.Token)
	}

	now := s.now()
	a := &backend.Account{
		ID: backend.NewID("acc"), ClientID: client.ID, Provider: p.ID, Label: label,
		ExpiresAt: utc(req.Token.ExpiresAt), HasRefreshToken: refresh != "",
		CreatedAt: now, UpdatedAt: now,
	}
	// Secrets first: an account row whose secret never arrived would be a
	// broken account; a keychain item without a row is only clutter.
	if err := s.Secrets.SetSecret(ctx, a.ID, backend.SecretAccessToken, access); err != nil {
		return nil, err
	}
	if refresh != "" {
		if err := s.Secrets.SetSecret(ctx, a.ID, backend.SecretRefreshToken, refresh); err != nil {
			s.forgetSecrets(a.ID)
			return nil, err
		}
	}
	err = s.Store.Update(ctx, func(tx backend.Tx) error {
		if err := tx.InsertAccount(a); err != nil {
			return err
		}
		details := map[string]any{"has_refresh_token": a.HasRefreshToken, "expires_at": a.ExpiresAt}
		return tx.AppendEvent(event(backend.EventAccountImported, backend.OutcomeOK,
			fmt.Sprintf("%s account %q imported by hand.", p.Name, a.Label), client, a, details))
	})
	if err != nil {
		s.forgetSecrets(a.ID)
		return nil, err
	}
	return a, nil
}

// checkExpiry refuses dates no token carries; they are typos.
func checkExpiry(t *time.Time) error {
	if t == nil {
		return nil
	}
	if t.Year() < 2000 || t.Year() > 2200 {
		return backend.Errorf(backend.EINVALID, "The expiry date %s is not a plausible date.", t.Format(time.DateOnly)).
			WithHint("Give a date such as 2026-12-31T18:00:00Z, or leave it empty if you don't know it.")
	}
	return nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Millisecond)
	return &u
}

// forgetSecrets removes an account's keychain items after a failed import,
// on a fresh context so a cancelled request still cleans up.
func (s *Service) forgetSecrets(accountID string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = s.Secrets.DeleteSecret(ctx, accountID, backend.SecretAccessToken)
	_ = s.Secrets.DeleteSecret(ctx, accountID, backend.SecretRefreshToken)
}

// RenameAccount changes an account's label.
func (s *Service) RenameAccount(ctx context.Context, id, label string) (*backend.Account, error) {
	label, err := backend.CleanName("label", label)
	if err != nil {
		return nil, err
	}
	var a *backend.Account
	err = s.Store.Update(ctx, func(tx backend.Tx) error {
		if a, err = tx.Account(id); err != nil {
			return err
		}
		old := a.Label
		if old == label {
			return nil
		}
		c, err := tx.Client(a.ClientID)
		if err != nil {
			return err
		}
		a.Label, a.UpdatedAt = label, s.now()
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		return tx.AppendEvent(event(backend.EventAccountRenamed, backend.OutcomeOK,
			fmt.Sprintf("Account %q renamed to %q.", old, label), c, a, map[string]any{"old_label": old, "new_label": label}))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteResult says what happened at the platform when an account was deleted.
type DeleteResult struct {
	Revoked bool `json:"revoked"`
	// Note tells the user what is left to do, e.g. where to remove the app's
	// access by hand when the platform cannot revoke tokens.
	Note string `json:"note"`
	// Deleted counts the accounts removed: the account and its Pages.
	Deleted int `json:"deleted"`
}

// DeleteAccount revokes the account's tokens at the platform where it can,
// removes them from the keychain, and deletes the account and the Pages it
// keeps alive; history stays. The keychain goes before the store so that a
// locked keychain stops the delete before anything has changed. A failed
// revocation does not stop the delete: the user is told where to finish it.
func (s *Service) DeleteAccount(ctx context.Context, id string) (*DeleteResult, error) {
	var a *backend.Account
	var children []*backend.Account
	if err := s.Store.View(ctx, func(tx backend.Tx) (err error) {
		if a, err = tx.Account(id); err != nil {
			return err
		}
		children, err = tx.Accounts(backend.AccountFilter{ParentID: id})
		return err
	}); err != nil {
		return nil, err
	}
	unlock, err := s.lockAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	locked := true
	defer func() {
		if locked {
			unlock()
		}
	}()
	res := &DeleteResult{Deleted: 1 + len(children)}
	if a.ParentID == "" {
		res.Revoked, res.Note = s.revoke(ctx, a)
	}
	all := append([]*backend.Account{a}, children...)
	for _, acc := range all {
		for _, kind := range []backend.SecretKind{backend.SecretAccessToken, backend.SecretRefreshToken} {
			if err := s.Secrets.DeleteSecret(ctx, acc.ID, kind); err != nil {
				return nil, err
			}
		}
	}
	err = s.Store.Update(ctx, func(tx backend.Tx) error {
		c, err := tx.Client(a.ClientID)
		if err != nil {
			return err
		}
		for _, acc := range all {
			if err := tx.DeleteAccount(acc.ID); err != nil && backend.ErrorCode(err) != backend.ENOTFOUND {
				return err
			}
			msg := fmt.Sprintf("Account %q deleted; its tokens were removed from the keychain.", acc.Label)
			if acc.ParentID != "" {
				msg = fmt.Sprintf("Page %q deleted with the login that kept it alive.", acc.Label)
			}
			details := map[string]any{}
			if acc == a {
				details["revoked"] = res.Revoked
				if res.Note != "" {
					details["note"] = res.Note
				}
				if res.Revoked {
					if err := tx.AppendEvent(event(backend.EventAccountRevoked, backend.OutcomeOK,
						fmt.Sprintf("Tokens of %q revoked at the platform.", acc.Label), c, acc, nil)); err != nil {
						return err
					}
				}
			}
			if err := tx.AppendEvent(event(backend.EventAccountDeleted, backend.OutcomeOK, msg, c, acc, details)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	unlock()
	locked = false
	if s.DataDir != "" {
		for _, acc := range all { // the lock files of deleted accounts go too
			_ = lock.Forget(ctx, s.DataDir, acc.ID)
		}
	}
	return res, nil
}

// revoke asks the platform to invalidate a's tokens and says what happened.
// Accounts imported by hand for a provider without stored credentials can
// still be revoked where the platform needs no client authentication.
func (s *Service) revoke(ctx context.Context, a *backend.Account) (bool, string) {
	if s.Platforms == nil {
		return false, ""
	}
	p, err := s.Providers.Provider(a.Provider)
	if err != nil {
		return false, ""
	}
	manual := "Remove the app's access in the account's settings"
	if p.AccessSettingsURL != "" {
		manual += " at " + p.AccessSettingsURL
	}
	manual += "."
	access, err := s.Secrets.Secret(ctx, a.ID, backend.SecretAccessToken)
	if err != nil {
		return false, "The token could not be read to revoke it. " + manual
	}
	refresh, _ := s.Secrets.Secret(ctx, a.ID, backend.SecretRefreshToken)
	creds, _ := s.Credentials(ctx, p) // revocation without a client id is tried anyway
	rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err = s.Platforms(p).Revoke(rctx, p, creds, access, refresh)
	switch {
	case err == nil:
		return true, ""
	case errors.Is(err, backend.ErrNoRevocation):
		return false, p.Name + " does not let apps revoke tokens. " + manual
	}
	return false, "Revoking at " + p.Name + " failed (" + backend.ErrorMessage(err) + "). " + manual
}
