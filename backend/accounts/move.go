package accounts

import (
	"context"
	"fmt"

	"github.com/tokenwarden/tokenwarden/backend"
)

// MoveAccount puts an account under another client. Its id, tokens and
// history stay; earlier events keep the client they happened under. Only
// this account moves: a login's Pages often belong to other clients, so
// each is moved on its own.
func (s *Service) MoveAccount(ctx context.Context, id, clientID string) (*backend.Account, error) {
	var a *backend.Account
	err := s.Store.Update(ctx, func(tx backend.Tx) (err error) {
		if a, err = tx.Account(id); err != nil {
			return err
		}
		to, err := tx.Client(clientID)
		if err != nil {
			return err
		}
		if a.ClientID == to.ID {
			return nil
		}
		from, err := tx.Client(a.ClientID)
		if err != nil {
			return err
		}
		a.ClientID, a.UpdatedAt = to.ID, s.now()
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		return tx.AppendEvent(event(backend.EventAccountMoved, backend.OutcomeOK,
			fmt.Sprintf("Account %q moved from %q to %q.", a.Label, from.Name, to.Name), to, a,
			map[string]any{"from_client_id": from.ID, "from_client": from.Name}))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
