package backup

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// handover is client.json: one client with its accounts and history.
type handover struct {
	Client   *backend.Client    `json:"client"`
	Accounts []*backend.Account `json:"accounts"`
	Events   []*backend.Event   `json:"events"` // oldest first
}

// ClientFile describes a client hand-over file written or read.
type ClientFile struct {
	File     string   `json:"file"`
	Manifest Manifest `json:"manifest"`
	Client   string   `json:"client"`
	Accounts int      `json:"accounts"`
	Events   int      `json:"events"`
	Secrets  int      `json:"secrets"`
}

// eventPage is how many events a hand-over reads at a time.
const eventPage = 1000

// ExportClient writes one client (by name or id), its accounts with their
// tokens and its history to the new file out, encrypted for a colleague.
// Provider credentials stay behind: they belong to the freelancer's own
// developer apps.
func ExportClient(ctx context.Context, store backend.Store, secrets backend.Secrets, client, out string, enc Encryption, appVersion string) (*ClientFile, error) {
	if _, err := enc.recipients(); err != nil {
		return nil, err
	}
	var h handover
	err := store.View(ctx, func(tx backend.Tx) error {
		c, err := tx.ClientByName(client)
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			c, err = tx.Client(client)
		}
		if err != nil {
			return err
		}
		h.Client = c
		if h.Accounts, err = tx.Accounts(backend.AccountFilter{ClientID: c.ID}); err != nil {
			return err
		}
		f := backend.EventFilter{ClientID: c.ID, Limit: eventPage}
		for {
			page, err := tx.Events(f)
			if err != nil {
				return err
			}
			if len(page) == 0 {
				break
			}
			h.Events = append(h.Events, page...)
			f.BeforeID = page[len(page)-1].ID
		}
		slices.Reverse(h.Events)
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, err := readSecrets(ctx, secrets, accountSecrets(h.Accounts))
	if err != nil {
		return nil, err
	}
	m := Manifest{Kind: KindClient, SchemaVersion: sqlite.SchemaVersion(), AppVersion: appVersion,
		CreatedAt: time.Now().UTC().Truncate(time.Second), ClientName: h.Client.Name}
	w, err := newWriter(out, enc, m)
	if err != nil {
		return nil, err
	}
	defer w.abort()
	if err := w.addJSON(clientName, h); err != nil {
		return nil, err
	}
	if err := w.addJSON(secretsName, items); err != nil {
		return nil, err
	}
	if err := w.commit(); err != nil {
		return nil, err
	}
	m.Format, m.FormatVersion = formatName, formatVersion
	return &ClientFile{File: out, Manifest: m, Client: h.Client.Name, Accounts: len(h.Accounts), Events: len(h.Events), Secrets: len(items)}, nil
}

// ImportClient adds the client in a hand-over file, with its accounts,
// tokens and history, to this data folder. It changes nothing when the file
// does not open or does not check out, or when the client or one of its
// accounts is already here.
func ImportClient(ctx context.Context, store backend.Store, secrets backend.Secrets, file string, d Decryption) (*ClientFile, error) {
	staging, err := os.MkdirTemp("", "tokenwarden-import-*")
	if err != nil {
		return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot create a temporary folder: %v.", err)
	}
	defer os.RemoveAll(staging)
	c, err := read(file, d, KindClient, staging, nil, []string{clientName, secretsName})
	if err != nil {
		return nil, err
	}
	var h handover
	var items []secretItem
	if err := decodeJSON(c, clientName, &h); err != nil {
		return nil, err
	}
	if err := decodeJSON(c, secretsName, &items); err != nil {
		return nil, err
	}
	if err := h.check(items); err != nil {
		return nil, err
	}
	if err := store.View(ctx, func(tx backend.Tx) error { return h.absent(tx) }); err != nil {
		return nil, err
	}
	// Secrets first, so that no account row exists without its token.
	undo, err := writeSecrets(ctx, secrets, items)
	if err != nil {
		return nil, err
	}
	err = store.Update(ctx, func(tx backend.Tx) error {
		if err := h.absent(tx); err != nil {
			return err
		}
		if err := tx.InsertClient(h.Client); err != nil {
			return err
		}
		for _, a := range h.Accounts {
			if err := tx.InsertAccount(a); err != nil {
				return err
			}
		}
		for _, e := range h.Events {
			e.ID = 0 // this history numbers its own events
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		undo()
		return nil, err
	}
	return &ClientFile{File: file, Manifest: c.manifest, Client: h.Client.Name, Accounts: len(h.Accounts), Events: len(h.Events), Secrets: len(items)}, nil
}

// check makes sure the file holds one client and only what belongs to it.
func (h *handover) check(items []secretItem) error {
	if h.Client == nil || h.Client.ID == "" {
		return notABackup()
	}
	name, err := backend.CleanName("client name", h.Client.Name)
	if err != nil {
		return err
	}
	h.Client.Name = name
	ids := map[string]bool{}
	for _, a := range h.Accounts {
		if a == nil || a.ID == "" || a.ClientID != h.Client.ID {
			return notABackup()
		}
		ids[a.ID] = true
	}
	for _, e := range h.Events {
		if e == nil || e.ClientID != h.Client.ID {
			return notABackup()
		}
	}
	for _, s := range items {
		if !ids[s.Owner] || (s.Kind != backend.SecretAccessToken && s.Kind != backend.SecretRefreshToken) || s.Value == "" {
			return notABackup()
		}
	}
	return nil
}

// absent fails when the client or one of its accounts is already here.
func (h *handover) absent(tx backend.Tx) error {
	if _, err := tx.ClientByName(h.Client.Name); err == nil {
		return backend.Errorf(backend.ECONFLICT, "A client named %q is already here.", h.Client.Name).
			WithHint("Nothing was changed. Rename or delete that client first.")
	} else if backend.ErrorCode(err) != backend.ENOTFOUND {
		return err
	}
	if _, err := tx.Client(h.Client.ID); err == nil {
		return backend.Errorf(backend.ECONFLICT, "This client was imported here before under another name.").WithHint("Nothing was changed.")
	} else if backend.ErrorCode(err) != backend.ENOTFOUND {
		return err
	}
	for _, a := range h.Accounts {
		if _, err := tx.Account(a.ID); err == nil {
			return backend.Errorf(backend.ECONFLICT, "The account %q (%s) is already here.", a.Label, a.ID).WithHint("Nothing was changed.")
		} else if backend.ErrorCode(err) != backend.ENOTFOUND {
			return fmt.Errorf("look up account: %w", err)
		}
	}
	return nil
}
