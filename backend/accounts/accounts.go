package accounts

import (
	"context"
	"fmt"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// ImportRequest is an existing token the user pastes in by hand.
type ImportRequest struct {
	ClientID string
	Provider string
	Label    string
	Token    backend.Token
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
	if err := s.Store.View(ctx, func(tx backend.Tx) error {
		client, err = tx.Client(req.ClientID)
		return err
	}); err != nil {
		return nil, err
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

// DeleteAccount removes an account's secrets from the keychain and its row
// from the store; its history stays. The keychain goes first so that a locked
// keychain stops the delete before anything has changed.
func (s *Service) DeleteAccount(ctx context.Context, id string) error {
	var a *backend.Account
	if err := s.Store.View(ctx, func(tx backend.Tx) (err error) {
		a, err = tx.Account(id)
		return err
	}); err != nil {
		return err
	}
	for _, kind := range []backend.SecretKind{backend.SecretAccessToken, backend.SecretRefreshToken} {
		if err := s.Secrets.DeleteSecret(ctx, a.ID, kind); err != nil {
			return err
		}
	}
	return s.Store.Update(ctx, func(tx backend.Tx) error {
		a, err := tx.Account(id)
		if err != nil {
			return err
		}
		c, err := tx.Client(a.ClientID)
		if err != nil {
			return err
		}
		if err := tx.DeleteAccount(id); err != nil {
			return err
		}
		return tx.AppendEvent(event(backend.EventAccountDeleted, backend.OutcomeOK,
			fmt.Sprintf("Account %q deleted; its tokens were removed from the keychain.", a.Label), c, a, nil))
	})
}
