package history_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

func TestExportFile(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	randomHistory(t, db, 7)
	s := newService(db)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "exports") // made on first use
	stamp := now.Local().Format("2006-01-02-150405")

	for _, tt := range []struct {
		req  history.ExportRequest
		name string
	}{
		{history.ExportRequest{Format: history.FormatCSV}, "tokenwarden-" + stamp + "-history.csv"},
		{history.ExportRequest{Format: history.FormatJSON, Filter: backend.EventFilter{AccountID: "acc_axxxxxxxxxxx", Limit: 1}}, "tokenwarden-" + stamp + "-history.json"},
		{history.ExportRequest{Format: history.FormatICS, Days: 90}, "tokenwarden-" + stamp + "-deadlines.ics"},
	} {
		path, err := s.ExportFile(ctx, tt.req, dir)
		if err != nil {
			t.Fatalf("%s: %v", tt.req.Format, err)
		}
		if filepath.Base(path) != tt.name || filepath.Dir(path) != dir {
			t.Errorf("%s: wrote %s, want %s in %s", tt.req.Format, path, tt.name, dir)
		}
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != 0o600 || st.Size() == 0 {
			t.Errorf("%s: %v, %v", tt.req.Format, st, err)
		}
	}
	// The filter's limit is the page's, not the export's: every event of the account.
	b, _ := os.ReadFile(filepath.Join(dir, "tokenwarden-"+stamp+"-history.json"))
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) < 2 {
		t.Errorf("the JSON export has %d rows (%v), want the account's whole history", len(rows), err)
	}
	for _, r := range rows {
		if r["account_id"] != "acc_axxxxxxxxxxx" {
			t.Fatalf("the JSON export ignored the filter: %v", r["account_id"])
		}
	}

	// Bad input is refused and writes nothing.
	before, _ := os.ReadDir(dir)
	for _, bad := range []history.ExportRequest{{Format: "xlsx"}, {Format: history.FormatReport}} {
		if _, err := s.ExportFile(ctx, bad, dir); backend.ErrorCode(err) != backend.EINVALID {
			t.Errorf("%+v: %v, want EINVALID", bad, err)
		}
	}
	after, _ := os.ReadDir(dir)
	if len(after) != len(before) {
		t.Errorf("refused exports left files: %d before, %d after", len(before), len(after))
	}
	for _, e := range after {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}
}

func TestClampDays(t *testing.T) {
	t.Parallel()
	for in, want := range map[int]int{-5: 30, 0: 30, 1: 1, 90: 90, 3650: 3650, 99999: 3650} {
		if got := history.ClampDays(in); got != want {
			t.Errorf("ClampDays(%d) = %d, want %d", in, got, want)
		}
	}
}
