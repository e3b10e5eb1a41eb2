package backup

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend/keychain/keychaintest"
)

func TestScheduleIsOffByDefault(t *testing.T) {
	f := newFixture(t)
	s, err := LoadSchedule(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Enabled || s.DueAt() != nil {
		t.Errorf("default schedule %+v is on", s)
	}
	run, err := RunScheduled(context.Background(), f.dir, f.secrets, time.Now(), "test")
	if err != nil || run.Ran {
		t.Errorf("RunScheduled with the schedule off: %+v, %v", run, err)
	}
}

func TestSaveScheduleChecks(t *testing.T) {
	f := newFixture(t)
	folder := t.TempDir()
	tests := []struct {
		name string
		s    Schedule
		pass string
		ok   bool
	}{
		{"no passphrase yet", Schedule{Enabled: true, Folder: folder}, "", false},
		{"short passphrase", Schedule{Enabled: true, Folder: folder}, "short", false},
		{"relative folder", Schedule{Enabled: true, Folder: "backups"}, passphrase, false},
		{"missing folder", Schedule{Enabled: true, Folder: filepath.Join(folder, "nope")}, passphrase, false},
		{"keep too many", Schedule{Enabled: true, Folder: folder, Keep: MaxKeep + 1}, passphrase, false},
		{"too often", Schedule{Enabled: true, Folder: folder, EveryHours: -1}, passphrase, false},
		{"good", Schedule{Enabled: true, Folder: folder, Keep: 3}, passphrase, true},
		{"keeps the stored passphrase", Schedule{Enabled: true, Folder: folder, Keep: 2}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SaveSchedule(context.Background(), f.dir, f.secrets, tc.s, tc.pass)
			if (err == nil) != tc.ok {
				t.Errorf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	if f.secrets.Items["backup/passphrase"] != passphrase {
		t.Error("passphrase not in the keychain")
	}
	if _, err := SaveSchedule(context.Background(), f.dir, f.secrets, Schedule{}, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.secrets.Items["backup/passphrase"]; ok {
		t.Error("turning the schedule off left the passphrase in the keychain")
	}
}

func TestRunScheduledKeepsTheNewest(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	folder := t.TempDir()
	stranger := filepath.Join(folder, "tokenwarden-backup-notes.age") // not ours: never pruned
	os.WriteFile(stranger, []byte("x"), 0o600)
	if _, err := SaveSchedule(ctx, f.dir, f.secrets, Schedule{Enabled: true, Folder: folder, Keep: 2, EveryHours: 24}, passphrase); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	steps := []struct {
		at      time.Time
		ran     bool
		backups int
	}{
		{start, true, 1},
		{start.Add(time.Hour), false, 1}, // not due
		{start.Add(24 * time.Hour), true, 2},
		{start.Add(48 * time.Hour), true, 2}, // the first is pruned
		{start.Add(72 * time.Hour), true, 2},
	}
	for i, st := range steps {
		run, err := RunScheduled(ctx, f.dir, f.secrets, st.at, "test")
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if run.Ran != st.ran {
			t.Errorf("step %d: ran = %v, want %v", i, run.Ran, st.ran)
		}
		got, _ := filepath.Glob(filepath.Join(folder, "tokenwarden-backup-2*.age"))
		if len(got) != st.backups {
			t.Errorf("step %d: %d backups %v, want %d", i, len(got), got, st.backups)
		}
	}
	if _, err := os.Stat(stranger); err != nil {
		t.Error("pruning deleted a file it did not make")
	}
	s, _ := LoadSchedule(f.dir)
	newest := filepath.Join(folder, "tokenwarden-backup-20261204T030000Z.age")
	if s.LastFile != newest || s.LastError != "" {
		t.Errorf("schedule after runs: %+v", s)
	}
	// The newest scheduled backup restores with the stored passphrase.
	res, err := Restore(ctx, newest, filepath.Join(t.TempDir(), "data"), fixedKeychain(keychaintest.New()), Decryption{Passphrase: passphrase}, false)
	if err != nil || res.Accounts != 3 {
		t.Errorf("restore of a scheduled backup: %+v, %v", res, err)
	}
}

func TestRunScheduledRecordsAFailure(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	folder := t.TempDir()
	if _, err := SaveSchedule(ctx, f.dir, f.secrets, Schedule{Enabled: true, Folder: folder}, passphrase); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(folder) // a backup disk that is not plugged in
	if _, err := RunScheduled(ctx, f.dir, f.secrets, time.Now(), "test"); err == nil {
		t.Fatal("RunScheduled succeeded without its folder")
	}
	s, _ := LoadSchedule(f.dir)
	if s.LastError == "" || s.LastRunAt == nil {
		t.Errorf("failure not recorded: %+v", s)
	}
}
