package sqlite_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

func TestReportSettingsRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tokenwarden.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.ReportSettings(ctx)
	if err != nil || got != nil {
		t.Fatalf("fresh database: %+v, %v; want nil, nil", got, err)
	}
	want := backend.ReportSettings{SenderName: "Zoë Studio", Accent: "#aa0033", Logo: "logo.png", ClientView: false, Paper: backend.PaperLetter}
	for _, s := range []backend.ReportSettings{backend.DefaultReportSettings(), want} {
		if err := db.SaveReportSettings(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	// It survives reopening.
	db, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err = db.ReportSettings(ctx)
	if err != nil || got == nil || !reflect.DeepEqual(*got, want) {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
}
