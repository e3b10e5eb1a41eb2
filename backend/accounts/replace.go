package accounts

import (
	"context"
	"fmt"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// DuplicateError is an import that matches an account the client already
// has (same platform and label): the user most likely wants to replace that
// account's token, which keeps its history, rather than add a second one.
type DuplicateError struct {
	Existing *backend.Account
	err      *backend.Error
}

func (e *DuplicateError) Error() string { return e.err.Error() }
func (e *DuplicateError) Unwrap() error { return e.err }

// duplicateOf finds the top-level account of client at provider p whose
// label matches label, ignoring case, or nil.
func duplicateOf(tx backend.Tx, client *backend.Client, p *backend.Provider, label string) (*backend.Account, error) {
	as, err := tx.Accounts(backend.AccountFilter{ClientID: client.ID, Provider: p.ID})
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.ParentID == "" && strings.EqualFold(a.Label, label) {
			return a, nil
		}
	}
	return nil, nil
}

func newDuplicateError(client *backend.Client, p *backend.Provider, a *backend.Account) *DuplicateError {
	return &DuplicateError{Existing: a, err: backend.Errorf(backend.ECONFLICT,
		"%s already has a %s account %q (%s).", client.Name, p.Name, a.Label, a.ID).
		WithHint(`Replace its token instead, which keeps its history: "Replace token" in its panel, or import again with --replace.`)}
}

// ReplaceToken puts a new token, pasted by hand, on an existing account:
// same id, client, label and history. A refresh token left out removes the
// old one, which belonged to the old login. The account is checked anew.
func (s *Service) ReplaceToken(ctx context.Context, id string, tok backend.Token) (*backend.Account, error) {
	access, err := backend.CleanToken("access token", tok.AccessToken)
	if err != nil {
		return nil, err
	}
	var refresh string
	if tok.RefreshToken != "" {
		if refresh, err = backend.CleanToken("refresh token", tok.RefreshToken); err != nil {
			return nil, err
		}
	}
	if err := checkExpiry(tok.ExpiresAt); err != nil {
		return nil, err
	}
	var a *backend.Account
	var client *backend.Client
	if err := s.Store.View(ctx, func(tx backend.Tx) (err error) {
		if a, err = tx.Account(id); err != nil {
			return err
		}
		client, err = tx.Client(a.ClientID)
		return err
	}); err != nil {
		return nil, err
	}
	if a.ParentID != "" {
		return nil, backend.Errorf(backend.EINVALID, "%q is a Page reached through another login.", a.Label).
			WithHint("Reconnect the login it belongs to; its Pages follow.")
	}
	// The monitor may be renewing this account: wait for it, so its result
	// cannot overwrite the new token.
	unlock, err := s.lockAccount(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := s.Secrets.SetSecret(ctx, a.ID, backend.SecretAccessToken, access); err != nil {
		return nil, err
	}
	if refresh != "" {
		err = s.Secrets.SetSecret(ctx, a.ID, backend.SecretRefreshToken, refresh)
	} else {
		// Whatever the row says: a stray old refresh token must not outlive
		// the login it came from.
		err = s.Secrets.DeleteSecret(ctx, a.ID, backend.SecretRefreshToken)
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			err = nil
		}
	}
	if err != nil {
		return nil, err
	}
	err = s.Store.Update(ctx, func(tx backend.Tx) error {
		if a, err = tx.Account(id); err != nil {
			return err
		}
		now := s.now()
		a.ExpiresAt, a.HasRefreshToken = utc(tok.ExpiresAt), refresh != ""
		a.RefreshExpiresAt, a.DataAccessExpiresAt = nil, nil
		a.Invalid, a.Reason, a.LastError, a.CheckFailures = false, "", "", 0
		a.LastCheckedAt, a.NextCheckAt, a.UpdatedAt = nil, &now, now
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		return tx.AppendEvent(event(backend.EventTokenReplaced, backend.OutcomeOK,
			fmt.Sprintf("The token of %q was replaced by hand.", a.Label), client, a,
			map[string]any{"has_refresh_token": a.HasRefreshToken, "expires_at": a.ExpiresAt}))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
