package sqlite

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

var t0 = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

func seedClients(t *testing.T, db *DB, names ...string) []*backend.Client {
	t.Helper()
	var cs []*backend.Client
	update(t, db, func(tx backend.Tx) error {
		for i, name := range names {
			c := &backend.Client{ID: backend.NewID("cli"), Name: name, CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
			if err := tx.InsertClient(c); err != nil {
				return err
			}
			cs = append(cs, c)
		}
		return nil
	})
	return cs
}

func TestClients(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	cs := seedClients(t, db, "globex", "Acme", "Initech")
	acme := cs[1]

	view(t, db, func(tx backend.Tx) error {
		got, err := tx.Client(acme.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, acme) {
			t.Errorf("Client = %+v, want %+v", got, acme)
		}
		got, err = tx.ClientByName("ACME")
		if err != nil {
			return err
		}
		if got.ID != acme.ID {
			t.Errorf("ClientByName(ACME) = %s, want %s", got.ID, acme.ID)
		}
		all, err := tx.Clients()
		if err != nil {
			return err
		}
		var names []string
		for _, c := range all {
			names = append(names, c.Name)
		}
		if want := []string{"Acme", "globex", "Initech"}; !reflect.DeepEqual(names, want) {
			t.Errorf("Clients order = %q, want %q (case-insensitive)", names, want)
		}
		return nil
	})

	tests := []struct {
		name string
		fn   func(backend.Tx) error
		code string
		msg  string
	}{
		{"get missing", func(tx backend.Tx) error { _, err := tx.Client("cli_nope"); return err },
			backend.ENOTFOUND, `No client with id "cli_nope".`},
		{"by name missing", func(tx backend.Tx) error { _, err := tx.ClientByName("Nope"); return err },
			backend.ENOTFOUND, `No client named "Nope".`},
		{"insert duplicate name other case", func(tx backend.Tx) error {
			return tx.InsertClient(&backend.Client{ID: backend.NewID("cli"), Name: "ACME"})
		}, backend.ECONFLICT, `A client named "ACME" already exists.`},
		{"rename onto another client", func(tx backend.Tx) error {
			return tx.UpdateClient(&backend.Client{ID: cs[0].ID, Name: "initech"})
		}, backend.ECONFLICT, `A client named "initech" already exists.`},
		{"update missing", func(tx backend.Tx) error {
			return tx.UpdateClient(&backend.Client{ID: "cli_nope", Name: "Whatever"})
		}, backend.ENOTFOUND, `No client with id "cli_nope".`},
		{"delete missing", func(tx backend.Tx) error { return tx.DeleteClient("cli_nope") },
			backend.ENOTFOUND, `No client with id "cli_nope".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Update(context.Background(), tt.fn)
			wantCode(t, err, tt.code, tt.msg)
		})
	}

	// Renaming a client to its own name in another case is no clash.
	update(t, db, func(tx backend.Tx) error {
		return tx.UpdateClient(&backend.Client{ID: acme.ID, Name: "ACME Corp"})
	})
	update(t, db, func(tx backend.Tx) error {
		return tx.UpdateClient(&backend.Client{ID: acme.ID, Name: "acme corp"})
	})
	update(t, db, func(tx backend.Tx) error { return tx.DeleteClient(cs[0].ID) })
	view(t, db, func(tx backend.Tx) error {
		got, err := tx.Client(acme.ID)
		if err != nil {
			return err
		}
		if got.Name != "acme corp" || !got.CreatedAt.Equal(acme.CreatedAt) {
			t.Errorf("after rename: %+v", got)
		}
		_, err = tx.Client(cs[0].ID)
		wantCode(t, err, backend.ENOTFOUND, "")
		return nil
	})
}

func TestDeleteClientWithAccounts(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	cs := seedClients(t, db, "Acme", "Globex")
	update(t, db, func(tx backend.Tx) error {
		for range 3 {
			if err := tx.InsertAccount(&backend.Account{ID: backend.NewID("acc"), ClientID: cs[0].ID, Provider: "meta"}); err != nil {
				return err
			}
		}
		return tx.InsertAccount(&backend.Account{ID: backend.NewID("acc"), ClientID: cs[1].ID, Provider: "meta"})
	})
	for _, tt := range []struct{ id, msg string }{
		{cs[0].ID, `"Acme" still has 3 accounts.`},
		{cs[1].ID, `"Globex" still has 1 account.`},
	} {
		err := db.Update(context.Background(), func(tx backend.Tx) error { return tx.DeleteClient(tt.id) })
		wantCode(t, err, backend.ECONFLICT, tt.msg)
		if e, ok := err.(*backend.Error); ok && e.Hint != `Move them to another client first ("tokenwarden account move ID --client NAME", or Move in the account's panel), or delete them.` {
			t.Errorf("hint = %q", e.Hint)
		}
	}
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	cs := seedClients(t, db, "Acme", "Globex")
	exp := t0.Add(60 * 24 * time.Hour)
	accs := []*backend.Account{
		// Inserted out of created_at order, to check the ordering.
		{ID: "acc_b", ClientID: cs[0].ID, Provider: "google", Label: "Ads", CreatedAt: t0.Add(2 * time.Hour), UpdatedAt: t0.Add(2 * time.Hour)},
		{ID: "acc_a", ClientID: cs[0].ID, Provider: "meta", Label: "Page", ExpiresAt: &exp, HasRefreshToken: true,
			Invalid: true, Reason: "revoked", CreatedAt: t0.Add(time.Hour), UpdatedAt: t0.Add(90 * time.Minute)},
		{ID: "acc_c", ClientID: cs[1].ID, Provider: "meta", Label: "Shop", CreatedAt: t0.Add(3 * time.Hour), UpdatedAt: t0.Add(3 * time.Hour)},
	}
	update(t, db, func(tx backend.Tx) error {
		for _, a := range accs {
			if err := tx.InsertAccount(a); err != nil {
				return err
			}
		}
		return nil
	})

	view(t, db, func(tx backend.Tx) error {
		got, err := tx.Account("acc_a")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, accs[1]) {
			t.Errorf("Account = %+v, want %+v", got, accs[1])
		}
		got, err = tx.Account("acc_b")
		if err != nil {
			return err
		}
		if got.ExpiresAt != nil || got.HasRefreshToken || got.Invalid {
			t.Errorf("acc_b zero fields not kept: %+v", got)
		}
		return nil
	})

	filters := []struct {
		name string
		f    backend.AccountFilter
		want []string
	}{
		{"all", backend.AccountFilter{}, []string{"acc_a", "acc_b", "acc_c"}},
		{"client", backend.AccountFilter{ClientID: cs[0].ID}, []string{"acc_a", "acc_b"}},
		{"provider", backend.AccountFilter{Provider: "meta"}, []string{"acc_a", "acc_c"}},
		{"both", backend.AccountFilter{ClientID: cs[1].ID, Provider: "meta"}, []string{"acc_c"}},
		{"none", backend.AccountFilter{Provider: "tiktok"}, []string{}},
	}
	for _, tt := range filters {
		t.Run(tt.name, func(t *testing.T) {
			view(t, db, func(tx backend.Tx) error {
				as, err := tx.Accounts(tt.f)
				if err != nil {
					return err
				}
				ids := []string{}
				for _, a := range as {
					ids = append(ids, a.ID)
				}
				if !reflect.DeepEqual(ids, tt.want) {
					t.Errorf("Accounts(%+v) = %q, want %q", tt.f, ids, tt.want)
				}
				return nil
			})
		})
	}

	// Update every field, moving the account to the other client.
	upd := *accs[1]
	upd.ClientID, upd.Provider, upd.Label = cs[1].ID, "google", "Renamed"
	upd.ExpiresAt, upd.HasRefreshToken, upd.Invalid, upd.Reason = nil, false, false, ""
	upd.UpdatedAt = t0.Add(5 * time.Hour)
	update(t, db, func(tx backend.Tx) error { return tx.UpdateAccount(&upd) })
	view(t, db, func(tx backend.Tx) error {
		got, err := tx.Account("acc_a")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, &upd) {
			t.Errorf("after update %+v, want %+v", got, &upd)
		}
		return nil
	})

	errs := []struct {
		name string
		fn   func(backend.Tx) error
		code string
		msg  string
	}{
		{"get missing", func(tx backend.Tx) error { _, err := tx.Account("acc_nope"); return err },
			backend.ENOTFOUND, `No account with id "acc_nope".`},
		{"insert unknown client", func(tx backend.Tx) error {
			return tx.InsertAccount(&backend.Account{ID: "acc_x", ClientID: "cli_nope", Provider: "meta"})
		}, backend.ENOTFOUND, `No client with id "cli_nope".`},
		{"move to unknown client", func(tx backend.Tx) error {
			a := upd
			a.ClientID = "cli_nope"
			return tx.UpdateAccount(&a)
		}, backend.ENOTFOUND, `No client with id "cli_nope".`},
		{"update missing", func(tx backend.Tx) error {
			return tx.UpdateAccount(&backend.Account{ID: "acc_nope", ClientID: cs[0].ID})
		}, backend.ENOTFOUND, `No account with id "acc_nope".`},
		{"delete missing", func(tx backend.Tx) error { return tx.DeleteAccount("acc_nope") },
			backend.ENOTFOUND, `No account with id "acc_nope".`},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, db.Update(context.Background(), tt.fn), tt.code, tt.msg)
		})
	}

	// Deleting a client's accounts lets the client go.
	update(t, db, func(tx backend.Tx) error {
		if err := tx.DeleteAccount("acc_b"); err != nil {
			return err
		}
		return tx.DeleteClient(cs[0].ID)
	})
	view(t, db, func(tx backend.Tx) error {
		_, err := tx.Account("acc_b")
		wantCode(t, err, backend.ENOTFOUND, "")
		return nil
	})
}

func TestForeignKeyEnforcedInSQL(t *testing.T) {
	t.Parallel()
	// Below the error mapping: the constraint itself is on for every
	// connection, not just the first.
	db, _ := openTest(t)
	for range 3 {
		_, err := db.sql.Exec("INSERT INTO accounts (id, client_id, provider, label, created_at, updated_at) VALUES ('acc_1', 'cli_nope', 'meta', '', 0, 0)")
		if err == nil {
			t.Fatal("insert with unknown client_id succeeded")
		}
	}
}

func TestZeroTimesFilled(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	before := time.Now().Add(-time.Second)
	c := &backend.Client{ID: "cli_1", Name: "Acme"}
	a := &backend.Account{ID: "acc_1", ClientID: "cli_1", Provider: "meta"}
	e := &backend.Event{Kind: backend.EventAccountImported}
	update(t, db, func(tx backend.Tx) error {
		if err := tx.InsertClient(c); err != nil {
			return err
		}
		if err := tx.InsertAccount(a); err != nil {
			return err
		}
		return tx.AppendEvent(e)
	})
	for name, tm := range map[string]time.Time{"client": c.CreatedAt, "account created": a.CreatedAt, "account updated": a.UpdatedAt, "event": e.Time} {
		if tm.Before(before) || tm.Location() != time.UTC {
			t.Errorf("%s time = %v, want now in UTC", name, tm)
		}
	}
}

func TestAccountOAuthFieldsAndCredentials(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	ctx := context.Background()
	exp := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	parent := &backend.Account{ID: "acc_parentparent", ClientID: "cli_one", Provider: "facebook", Label: "Ann",
		Identity: backend.Identity{ExternalID: "1001", Name: "Ann", Email: "ann@example.com"},
		Scopes:   []string{"pages_show_list", "pages_read_engagement"}, ExpiresAt: &exp, RefreshExpiresAt: &exp,
		DataAccessExpiresAt: &exp, ConnectedAt: &now, LastCheckedAt: &now, NextCheckAt: &exp, LastRefreshedAt: &now,
		CheckFailures: 2, LastError: "The platform could not be reached.", Usage: map[string]string{"app call_count": "12%"}}
	page := &backend.Account{ID: "acc_pagepagepage", ClientID: "cli_one", Provider: "facebook", Label: "Bakery Page",
		Kind: "page", ParentID: parent.ID, Identity: backend.Identity{ExternalID: "2002"}}
	err := db.Update(ctx, func(tx backend.Tx) error {
		if err := tx.InsertClient(&backend.Client{ID: "cli_one", Name: "One"}); err != nil {
			return err
		}
		if err := tx.InsertAccount(parent); err != nil {
			return err
		}
		if err := tx.InsertAccount(page); err != nil {
			return err
		}
		return tx.SaveCredentials(&backend.Credentials{ProviderID: "facebook", ClientID: "first"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx backend.Tx) error {
		return tx.SaveCredentials(&backend.Credentials{ProviderID: "facebook", ClientID: "second"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(tx backend.Tx) error {
		got, err := tx.Account(parent.ID)
		if err != nil {
			return err
		}
		if got.Identity != parent.Identity || len(got.Scopes) != 2 || !got.DataAccessExpiresAt.Equal(exp) || !got.ConnectedAt.Equal(now) ||
			!got.NextCheckAt.Equal(exp) || !got.LastRefreshedAt.Equal(now) || got.CheckFailures != 2 || got.Usage["app call_count"] != "12%" || got.LastError == "" {
			t.Errorf("parent read back as %+v", got)
		}
		kids, err := tx.Accounts(backend.AccountFilter{ParentID: parent.ID})
		if err != nil {
			return err
		}
		if len(kids) != 1 || kids[0].ID != page.ID || kids[0].Kind != "page" || kids[0].Scopes == nil {
			t.Errorf("children = %+v", kids)
		}
		c, err := tx.Credentials("facebook")
		if err != nil || c.ClientID != "second" {
			t.Errorf("credentials = %+v, %v", c, err)
		}
		if _, err := tx.Credentials("google"); backend.ErrorCode(err) != backend.ENOTFOUND {
			t.Errorf("missing credentials = %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
