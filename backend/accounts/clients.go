package accounts

import (
	"context"
	"fmt"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// AddClient creates a client.
func (s *Service) AddClient(ctx context.Context, name string) (*backend.Client, error) {
	name, err := backend.CleanName("client name", name)
	if err != nil {
		return nil, err
	}
	c := &backend.Client{ID: backend.NewID("cli"), Name: name, CreatedAt: s.now()}
	err = s.Store.Update(ctx, func(tx backend.Tx) error {
		if err := tx.InsertClient(c); err != nil {
			return err
		}
		return tx.AppendEvent(event(backend.EventClientCreated, backend.OutcomeOK,
			fmt.Sprintf("Client %q created.", c.Name), c, nil, nil))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// RenameClient gives a client a new name.
func (s *Service) RenameClient(ctx context.Context, id, name string) (*backend.Client, error) {
	name, err := backend.CleanName("client name", name)
	if err != nil {
		return nil, err
	}
	var c *backend.Client
	err = s.Store.Update(ctx, func(tx backend.Tx) error {
		if c, err = tx.Client(id); err != nil {
			return err
		}
		old := c.Name
		if old == name {
			return nil
		}
		c.Name = name
		if err := tx.UpdateClient(c); err != nil {
			return err
		}
		return tx.AppendEvent(event(backend.EventClientRenamed, backend.OutcomeOK,
			fmt.Sprintf("Client %q renamed to %q.", old, name), c, nil, map[string]any{"old_name": old, "new_name": name}))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteClient deletes a client that has no accounts left. Its history stays.
func (s *Service) DeleteClient(ctx context.Context, id string) error {
	return s.Store.Update(ctx, func(tx backend.Tx) error {
		c, err := tx.Client(id)
		if err != nil {
			return err
		}
		if err := tx.DeleteClient(id); err != nil {
			return err
		}
		return tx.AppendEvent(event(backend.EventClientDeleted, backend.OutcomeOK,
			fmt.Sprintf("Client %q deleted.", c.Name), c, nil, nil))
	})
}

// Clients lists every client by name.
func (s *Service) Clients(ctx context.Context) (clients []*backend.Client, err error) {
	err = s.Store.View(ctx, func(tx backend.Tx) error {
		clients, err = tx.Clients()
		return err
	})
	return clients, err
}

// FindClient finds a client by id or, failing that, by name (any case), as
// the command line takes either.
func (s *Service) FindClient(ctx context.Context, idOrName string) (c *backend.Client, err error) {
	idOrName = strings.TrimSpace(idOrName)
	if idOrName == "" {
		return nil, backend.Errorf(backend.EINVALID, "No client given.").WithHint("Name a client with --client NAME.")
	}
	err = s.Store.View(ctx, func(tx backend.Tx) error {
		if backend.ValidID("cli", idOrName) {
			if c, err = tx.Client(idOrName); err == nil {
				return nil
			}
		}
		c, err = tx.ClientByName(idOrName)
		return err
	})
	if backend.ErrorCode(err) == backend.ENOTFOUND {
		hint := `Create it with "tokenwarden client add NAME", or see "tokenwarden client list".`
		if mean := s.clientSuggestion(ctx, idOrName); mean != "" {
			hint = mean + " " + hint
		}
		return nil, backend.Errorf(backend.ENOTFOUND, "No client named %q.", idOrName).WithHint(hint)
	}
	return c, err
}

// clientSuggestion is "Did you mean ...?" over the client names, or "".
func (s *Service) clientSuggestion(ctx context.Context, name string) string {
	clients, err := s.Clients(ctx)
	if err != nil {
		return ""
	}
	names := make([]string, len(clients))
	for i, c := range clients {
		names[i] = c.Name
	}
	return backend.DidYouMean(name, names)
}

// EditClient saves a client's contact and notes. The history records that
// they changed, not what they say.
func (s *Service) EditClient(ctx context.Context, id, contact, notes string) (*backend.Client, error) {
	contact, err := backend.CleanNote("contact", contact, backend.MaxContactLength, false)
	if err != nil {
		return nil, err
	}
	if notes, err = backend.CleanNote("notes", notes, backend.MaxNotesLength, true); err != nil {
		return nil, err
	}
	var c *backend.Client
	err = s.Store.Update(ctx, func(tx backend.Tx) error {
		if c, err = tx.Client(id); err != nil {
			return err
		}
		var changed []string
		if c.Contact != contact {
			changed = append(changed, "contact")
		}
		if c.Notes != notes {
			changed = append(changed, "notes")
		}
		if len(changed) == 0 {
			return nil
		}
		c.Contact, c.Notes = contact, notes
		if err := tx.UpdateClient(c); err != nil {
			return err
		}
		return tx.AppendEvent(event(backend.EventClientEdited, backend.OutcomeOK,
			fmt.Sprintf("Client %q: %s changed.", c.Name, strings.Join(changed, " and ")), c, nil, map[string]any{"changed": changed}))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
