package sqlite

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Search (EventFilter.Query) finds a substring of the message, client name
// or account label, ignoring the case of ASCII letters (as LIKE does),
// through the trigram index from three characters on and by LIKE alone
// below; whatever the user types is text to find, never query syntax, and
// never an error. Each query's expected ids come from strings.Contains over
// the same rows.
func TestSearch(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	rows := []backend.Event{
		{ClientName: "Acme", AccountLabel: "Facebook Page", Message: `Token "refreshed" for 60 days.`},
		{ClientName: "O'Brien & Sons", AccountLabel: "Ads (main)", Message: "Password changed: reconnect needed."},
		{ClientName: "Globex", AccountLabel: "shop_eu", Message: "Discount 50% off * all: NEAR(x y) AND z OR w"},
		{ClientName: "Müller Bäckerei", AccountLabel: "ÜBER-Konto", Message: "Prüfung bestanden."},
		{ClientName: "Init^ech", AccountLabel: "col:label", Message: `Back\slash -minus +plus {brace}`},
		{ClientName: "Zed", AccountLabel: "QA", Message: "ok"},
	}
	update(t, db, func(tx backend.Tx) error {
		for i := range rows {
			rows[i].Time = t0.Add(time.Duration(i) * time.Minute)
			rows[i].ClientID, rows[i].AccountID = "cli_x", "acc_x"
			rows[i].Kind, rows[i].Outcome = backend.EventAccountChecked, backend.OutcomeOK
			if err := tx.AppendEvent(&rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
	want := func(q string) []int64 {
		ids := []int64{}
		for i := len(rows) - 1; i >= 0; i-- {
			for _, s := range []string{rows[i].Message, rows[i].ClientName, rows[i].AccountLabel} {
				if strings.Contains(asciiLower(s), asciiLower(q)) {
					ids = append(ids, rows[i].ID)
					break
				}
			}
		}
		return ids
	}
	for _, q := range []string{
		"acme", "ACME", "book pa", `"refreshed"`, `"`, `""`, `" OR "`, "'", "O'Brien", "& S", "(main)", ")",
		"50%", "%", "_", "p_e", "* all", "*", "NEAR(x", "AND z OR", "AND", "OR", "NOT", ":", "col:", "col:label", "^", "Init^",
		`k\s`, `\`, "-minus", "+plus", "{brace}", "müller", "MÜLLER", "Müller", "über-konto", "ÜBER-konto", "prüfung", "BÄCK", "Bäck", "SONS", "abab", "d \"re", "QA", "qa", "a", "ok",
		"zzz", "no such text anywhere", "   ", "x y", "60 days.",
	} {
		var got []int64
		view(t, db, func(tx backend.Tx) error {
			es, err := tx.Events(backend.EventFilter{Query: q})
			if err != nil {
				t.Errorf("query %q: %v", q, err)
				return nil
			}
			got = eventIDs(es)
			return nil
		})
		if w := want(q); !slices.Equal(got, w) {
			t.Errorf("query %q: ids %v, want %v", q, got, w)
		}
	}
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// The index follows the events table: a changed message is found by its new
// text only, and a deleted event is found no more.
func TestSearchFollowsChanges(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	e := &backend.Event{Time: t0, ClientID: "cli_x", ClientName: "Acme", AccountID: "acc_x", Kind: backend.EventAccountChecked, Outcome: backend.OutcomeOK, Message: "first words"}
	update(t, db, func(tx backend.Tx) error { return tx.AppendEvent(e) })
	search := func(q string) int {
		var n int
		view(t, db, func(tx backend.Tx) error {
			es, err := tx.Events(backend.EventFilter{Query: q})
			n = len(es)
			return err
		})
		return n
	}
	if search("first") != 1 {
		t.Fatal("new event not found")
	}
	if _, err := db.sql.Exec("UPDATE events SET message = 'second words' WHERE id = ?", e.ID); err != nil {
		t.Fatal(err)
	}
	if search("first") != 0 || search("second") != 1 || search("acme") != 1 {
		t.Error("index did not follow the update")
	}
	if _, err := db.sql.Exec("DELETE FROM events WHERE id = ?", e.ID); err != nil {
		t.Fatal(err)
	}
	if search("second") != 0 || search("acme") != 0 {
		t.Error("deleted event still found")
	}
}

// A common word in a rare kind of event: past searchWindow candidates the
// search goes on by the filter alone, and finds what lies beyond them; a
// common word alone ends after one batch; paging back by id works on both.
func TestSearchPastTheWindow(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	rare := &backend.Event{Time: t0, ClientID: "cli_x", ClientName: "Acme", AccountID: "acc_x", Kind: backend.EventAccountCheckFailed, Outcome: backend.OutcomeFailed, Message: "Common words, rare kind."}
	update(t, db, func(tx backend.Tx) error {
		if err := tx.AppendEvent(rare); err != nil {
			return err
		}
		for i := range searchWindow + searchBatch {
			if err := tx.AppendEvent(&backend.Event{Time: t0.Add(time.Duration(i+1) * time.Second), ClientID: "cli_x", ClientName: "Acme", AccountID: "acc_x",
				Kind: backend.EventAccountChecked, Outcome: backend.OutcomeOK, Message: "Common words."}); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tt := range []struct {
		f    backend.EventFilter
		want int
	}{
		{backend.EventFilter{Query: "common", Kind: backend.EventAccountCheckFailed}, 1},
		{backend.EventFilter{Query: "COMMON WORDS, rare"}, 1},
		{backend.EventFilter{Query: "common", Limit: 50}, 50},
		{backend.EventFilter{Query: "common", Limit: 1000, BeforeID: 600}, 599},
		{backend.EventFilter{Query: "common", Kind: backend.EventAccountCheckFailed, BeforeID: rare.ID}, 0},
		{backend.EventFilter{Query: "common", Kind: backend.EventAccountCheckFailed, BeforeID: rare.ID + 1}, 1},
	} {
		view(t, db, func(tx backend.Tx) error {
			es, err := tx.Events(tt.f)
			if err != nil {
				return err
			}
			if len(es) != tt.want {
				t.Errorf("%+v: %d events, want %d", tt.f, len(es), tt.want)
			}
			return nil
		})
	}
}
