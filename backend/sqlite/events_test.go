package sqlite

import (
	"reflect"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestAppendEvent(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	withDetails := &backend.Event{Time: t0, ClientID: "cli_1", ClientName: "Acme", AccountID: "acc_1", AccountLabel: "Page",
		Provider: "meta", Kind: backend.EventAccountImported, Outcome: backend.OutcomeOK, Reason: "r", Message: "Imported.",
		Details: map[string]any{"scopes": []any{"pages_read"}, "n": 2.0}}
	noDetails := &backend.Event{Time: t0, Kind: backend.EventClientCreated}
	update(t, db, func(tx backend.Tx) error {
		if err := tx.AppendEvent(withDetails); err != nil {
			return err
		}
		return tx.AppendEvent(noDetails)
	})
	if withDetails.ID == 0 || noDetails.ID <= withDetails.ID {
		t.Fatalf("ids %d, %d: want increasing and set", withDetails.ID, noDetails.ID)
	}
	var raw string
	if err := db.sql.QueryRow("SELECT details FROM events WHERE id = ?", noDetails.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw != "{}" {
		t.Errorf("nil details stored as %q, want {}", raw)
	}
	view(t, db, func(tx backend.Tx) error {
		es, err := tx.Events(backend.EventFilter{})
		if err != nil {
			return err
		}
		if len(es) != 2 {
			t.Fatalf("%d events, want 2", len(es))
		}
		if !reflect.DeepEqual(es[1], withDetails) {
			t.Errorf("read back %+v, want %+v", es[1], withDetails)
		}
		if es[0].Details == nil || len(es[0].Details) != 0 {
			t.Errorf("nil details read back as %#v, want an empty map", es[0].Details)
		}
		return nil
	})
}

func TestEventsSurviveDeletion(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	update(t, db, func(tx backend.Tx) error {
		if err := tx.InsertClient(&backend.Client{ID: "cli_1", Name: "Acme"}); err != nil {
			return err
		}
		if err := tx.InsertAccount(&backend.Account{ID: "acc_1", ClientID: "cli_1", Provider: "meta", Label: "Page"}); err != nil {
			return err
		}
		return tx.AppendEvent(&backend.Event{ClientID: "cli_1", ClientName: "Acme", AccountID: "acc_1", AccountLabel: "Page", Kind: backend.EventAccountImported})
	})
	update(t, db, func(tx backend.Tx) error {
		if err := tx.DeleteAccount("acc_1"); err != nil {
			return err
		}
		if err := tx.DeleteClient("cli_1"); err != nil {
			return err
		}
		return tx.AppendEvent(&backend.Event{ClientID: "cli_1", ClientName: "Acme", Kind: backend.EventClientDeleted})
	})
	view(t, db, func(tx backend.Tx) error {
		es, err := tx.Events(backend.EventFilter{AccountID: "acc_1"})
		if err != nil {
			return err
		}
		if len(es) != 1 || es[0].AccountLabel != "Page" || es[0].ClientName != "Acme" {
			t.Errorf("events of the deleted account: %+v", es)
		}
		return nil
	})
}

func TestEventFilter(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	// ids 1..8, one minute apart from t0.
	seed := []backend.Event{
		{ClientID: "cli_a", ClientName: "Acme", AccountID: "acc_1", AccountLabel: "Facebook Page", Provider: "meta", Kind: backend.EventAccountImported, Outcome: backend.OutcomeOK, Message: "Imported."},
		{ClientID: "cli_a", ClientName: "Acme", AccountID: "acc_2", AccountLabel: "Ads", Provider: "google", Kind: backend.EventAccountImported, Outcome: backend.OutcomeOK, Message: "Imported."},
		{ClientID: "cli_b", ClientName: "Globex", AccountID: "acc_3", AccountLabel: "Shop", Provider: "meta", Kind: backend.EventAccountRenamed, Outcome: backend.OutcomeFailed, Message: "Discount 50% applied"},
		{ClientID: "cli_b", ClientName: "Globex", AccountID: "acc_3", AccountLabel: "Shop", Provider: "meta", Kind: backend.EventAccountDeleted, Outcome: backend.OutcomeInfo, Message: "Deleted snake_case thing"},
		{ClientID: "cli_c", ClientName: "Init_ech", Kind: backend.EventClientCreated, Outcome: backend.OutcomeOK, Message: "Created."},
		{ClientID: "cli_a", ClientName: "Acme", Kind: backend.EventClientRenamed, Outcome: backend.OutcomeOK, Message: `Back\slash`},
		{ClientID: "cli_d", ClientName: "Müller", Kind: backend.EventClientCreated, Outcome: backend.OutcomeOK, Message: "Created."},
		{ClientID: "cli_a", ClientName: "Acme", AccountID: "acc_1", AccountLabel: "Facebook Page", Provider: "meta", Kind: backend.EventAccountDeleted, Outcome: backend.OutcomeOK, Message: "Gone."},
	}
	update(t, db, func(tx backend.Tx) error {
		for i := range seed {
			seed[i].Time = t0.Add(time.Duration(i) * time.Minute)
			if err := tx.AppendEvent(&seed[i]); err != nil {
				return err
			}
		}
		return nil
	})
	at := func(i int) *time.Time { tm := t0.Add(time.Duration(i) * time.Minute); return &tm }

	tests := []struct {
		name string
		f    backend.EventFilter
		want []int64
	}{
		{"all newest first", backend.EventFilter{}, []int64{8, 7, 6, 5, 4, 3, 2, 1}},
		{"client", backend.EventFilter{ClientID: "cli_a"}, []int64{8, 6, 2, 1}},
		{"account", backend.EventFilter{AccountID: "acc_3"}, []int64{4, 3}},
		{"provider", backend.EventFilter{Provider: "meta"}, []int64{8, 4, 3, 1}},
		{"kind", backend.EventFilter{Kind: backend.EventClientCreated}, []int64{7, 5}},
		{"outcome", backend.EventFilter{Outcome: backend.OutcomeFailed}, []int64{3}},
		{"since inclusive", backend.EventFilter{Since: at(5)}, []int64{8, 7, 6}},
		{"until exclusive", backend.EventFilter{Until: at(2)}, []int64{2, 1}},
		{"since and until", backend.EventFilter{Since: at(2), Until: at(4)}, []int64{4, 3}},
		{"since in another zone", backend.EventFilter{Since: ptr(at(5).In(time.FixedZone("X", -7*3600)))}, []int64{8, 7, 6}},
		{"query message any case", backend.EventFilter{Query: "imPORTED"}, []int64{2, 1}},
		{"query client name", backend.EventFilter{Query: "glob"}, []int64{4, 3}},
		{"query account label", backend.EventFilter{Query: "book pa"}, []int64{8, 1}},
		{"query percent is literal", backend.EventFilter{Query: "%"}, []int64{3}},
		{"query underscore is literal", backend.EventFilter{Query: "_"}, []int64{5, 4}},
		{"query percent in text", backend.EventFilter{Query: "50%"}, []int64{3}},
		{"query backslash is literal", backend.EventFilter{Query: `k\s`}, []int64{6}},
		{"query no match", backend.EventFilter{Query: "zzz"}, []int64{}},
		{"query non-ascii exact case", backend.EventFilter{Query: "Mül"}, []int64{7}},
		{"before id", backend.EventFilter{BeforeID: 4}, []int64{3, 2, 1}},
		{"limit", backend.EventFilter{Limit: 3}, []int64{8, 7, 6}},
		{"combined", backend.EventFilter{ClientID: "cli_a", Provider: "meta", Kind: backend.EventAccountImported, Outcome: backend.OutcomeOK,
			Since: at(0), Until: at(8), Query: "page", BeforeID: 8, Limit: 10}, []int64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view(t, db, func(tx backend.Tx) error {
				es, err := tx.Events(tt.f)
				if err != nil {
					return err
				}
				if got := eventIDs(es); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Events(%+v) = %v, want %v", tt.f, got, tt.want)
				}
				return nil
			})
		})
	}

	t.Run("paging", func(t *testing.T) {
		var pages [][]int64
		f := backend.EventFilter{ClientID: "cli_a", Limit: 3}
		view(t, db, func(tx backend.Tx) error {
			for {
				es, err := tx.Events(f)
				if err != nil {
					return err
				}
				if len(es) == 0 {
					return nil
				}
				pages = append(pages, eventIDs(es))
				f.BeforeID = es[len(es)-1].ID
			}
		})
		if want := [][]int64{{8, 6, 2}, {1}}; !reflect.DeepEqual(pages, want) {
			t.Errorf("pages %v, want %v", pages, want)
		}
	})
}

func TestEventLimits(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t)
	update(t, db, func(tx backend.Tx) error {
		for range MaxEventLimit + 5 {
			if err := tx.AppendEvent(&backend.Event{Time: t0, Kind: "test.tick"}); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tt := range []struct{ limit, want int }{
		{0, DefaultEventLimit}, {-1, DefaultEventLimit}, {MaxEventLimit, MaxEventLimit}, {MaxEventLimit + 1, MaxEventLimit}, {1 << 40, MaxEventLimit},
	} {
		view(t, db, func(tx backend.Tx) error {
			es, err := tx.Events(backend.EventFilter{Limit: tt.limit})
			if err != nil {
				return err
			}
			if len(es) != tt.want {
				t.Errorf("Limit %d: %d events, want %d", tt.limit, len(es), tt.want)
			}
			return nil
		})
	}
}

func TestEscapeLike(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain": "plain", "%": `\%`, "_": `\_`, `\`: `\\`, `50%_off\`: `50\%\_off\\`,
	} {
		if got := likeEscaper.Replace(in); got != want {
			t.Errorf("likeEscaper.Replace(%q) = %q, want %q", in, got, want)
		}
	}
}

func eventIDs(es []*backend.Event) []int64 {
	ids := []int64{}
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

func ptr[T any](v T) *T { return &v }
