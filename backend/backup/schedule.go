package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// ScheduleFile holds the scheduled backup settings in the data folder. It is
// not part of a backup: the folder it names belongs to this machine.
const ScheduleFile = "backup-schedule.json"

// The keychain item of the scheduled backups' passphrase. The owner cannot
// be an account id (those start with "acc_") or a provider's.
const (
	passphraseOwner                    = "backup"
	passphraseKind  backend.SecretKind = "passphrase"
)

// Bounds of the schedule.
const (
	DefaultKeep  = 10
	MaxKeep      = 1000
	DefaultEvery = 24 * time.Hour
	MinEvery     = time.Hour
)

// scheduledPrefix and scheduledSuffix frame the names of scheduled backups;
// only files named so are ever pruned.
const (
	scheduledPrefix = "tokenwarden-backup-"
	scheduledSuffix = ".age"
	scheduledTime   = "20060102T150405Z"
)

// Schedule is the scheduled backup setting. Off by default.
type Schedule struct {
	Enabled bool   `json:"enabled"`
	Folder  string `json:"folder"`
	// Keep is how many scheduled backups stay in Folder; older ones are deleted.
	Keep int `json:"keep"`
	// EveryHours is the time between backups.
	EveryHours int        `json:"every_hours"`
	LastRunAt  *time.Time `json:"last_run_at"`
	LastFile   string     `json:"last_file"`
	LastError  string     `json:"last_error"`
}

// Every is the time between backups.
func (s *Schedule) Every() time.Duration { return time.Duration(s.EveryHours) * time.Hour }

// DueAt is when the next scheduled backup is due; nil when the schedule is off.
func (s *Schedule) DueAt() *time.Time {
	if !s.Enabled {
		return nil
	}
	if s.LastRunAt == nil {
		t := time.Time{}
		return &t
	}
	t := s.LastRunAt.Add(s.Every())
	return &t
}

// LoadSchedule reads the schedule of dataDir; without a file it is off.
func LoadSchedule(dataDir string) (*Schedule, error) {
	s := &Schedule{Keep: DefaultKeep, EveryHours: int(DefaultEvery / time.Hour)}
	b, err := os.ReadFile(filepath.Join(dataDir, ScheduleFile))
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot read the backup schedule: %v.", err)
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, backend.Errorf(backend.EINVALID, "The backup schedule in %s is damaged: %v.", ScheduleFile, err).
			WithHint("Set the scheduled backups again in Settings.")
	}
	return s, nil
}

// SaveSchedule checks and stores the schedule's settings (not its last run).
// A non-empty passphrase replaces the one in the keychain; turning the
// schedule on needs one there. Turning it off deletes the passphrase.
func SaveSchedule(ctx context.Context, dataDir string, secrets backend.Secrets, s Schedule, passphrase string) (*Schedule, error) {
	old, err := LoadSchedule(dataDir)
	if err != nil {
		old = &Schedule{}
	}
	if s.Keep == 0 {
		s.Keep = DefaultKeep
	}
	if s.EveryHours == 0 {
		s.EveryHours = int(DefaultEvery / time.Hour)
	}
	switch {
	case s.Keep < 1 || s.Keep > MaxKeep:
		return nil, backend.Errorf(backend.EINVALID, "Keep between 1 and %d backups.", MaxKeep)
	case s.Every() < MinEvery:
		return nil, backend.Errorf(backend.EINVALID, "Back up at most once an hour.")
	}
	if s.Enabled {
		if s.Folder == "" || !filepath.IsAbs(s.Folder) {
			return nil, backend.Errorf(backend.EINVALID, "Choose the folder for the backups.")
		}
		if st, err := os.Stat(s.Folder); err != nil || !st.IsDir() {
			return nil, backend.Errorf(backend.EINVALID, "%s is not a folder.", s.Folder)
		}
		if passphrase != "" {
			if _, err := (Encryption{Passphrase: passphrase}).recipients(); err != nil {
				return nil, err
			}
			if err := secrets.SetSecret(ctx, passphraseOwner, passphraseKind, passphrase); err != nil {
				return nil, err
			}
		} else if _, err := secrets.Secret(ctx, passphraseOwner, passphraseKind); err != nil {
			if backend.ErrorCode(err) == backend.ENOTFOUND {
				return nil, backend.Errorf(backend.EINVALID, "Choose a passphrase for the backups.")
			}
			return nil, err
		}
	} else if err := secrets.DeleteSecret(ctx, passphraseOwner, passphraseKind); err != nil {
		return nil, err
	}
	s.LastRunAt, s.LastFile, s.LastError = old.LastRunAt, old.LastFile, old.LastError
	if err := writeSchedule(dataDir, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

func writeSchedule(dataDir string, s *Schedule) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode schedule: %w", err)
	}
	path := filepath.Join(dataDir, ScheduleFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot save the backup schedule: %v.", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot save the backup schedule: %v.", err)
	}
	return nil
}

// ScheduledRun is what RunScheduled did.
type ScheduledRun struct {
	// Ran is false when the schedule is off or no backup is due yet.
	Ran     bool     `json:"ran"`
	Created *Created `json:"created,omitempty"`
	// Pruned lists the old backups deleted to keep Keep.
	Pruned []string `json:"pruned"`
}

// RunScheduled makes a backup when the schedule is on and one is due at now,
// then deletes the oldest scheduled backups beyond the count to keep. The
// outcome, good or bad, is recorded in the schedule.
func RunScheduled(ctx context.Context, dataDir string, secrets backend.Secrets, now time.Time, appVersion string) (*ScheduledRun, error) {
	s, err := LoadSchedule(dataDir)
	if err != nil {
		return nil, err
	}
	run := &ScheduledRun{}
	if due := s.DueAt(); due == nil || now.Before(*due) {
		return run, nil
	}
	run.Ran = true
	created, pruned, err := scheduledBackup(ctx, dataDir, secrets, s, now, appVersion)
	run.Created, run.Pruned = created, pruned
	at := now.UTC()
	s.LastRunAt, s.LastError = &at, ""
	if created != nil {
		s.LastFile = created.File
	}
	if err != nil {
		s.LastError = backend.ErrorMessage(err)
	}
	if werr := writeSchedule(dataDir, s); werr != nil && err == nil {
		err = werr
	}
	return run, err
}

func scheduledBackup(ctx context.Context, dataDir string, secrets backend.Secrets, s *Schedule, now time.Time, appVersion string) (*Created, []string, error) {
	pass, err := secrets.Secret(ctx, passphraseOwner, passphraseKind)
	if err != nil {
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			return nil, nil, backend.Errorf(backend.EINVALID, "The passphrase of the scheduled backups is not in the keychain.").
				WithHint("Set it again in Settings.")
		}
		return nil, nil, err
	}
	out := filepath.Join(s.Folder, scheduledPrefix+now.UTC().Format(scheduledTime)+scheduledSuffix)
	created, err := Create(ctx, dataDir, secrets, out, Encryption{Passphrase: pass}, appVersion)
	if err != nil {
		return nil, nil, err
	}
	pruned, err := prune(s.Folder, s.Keep)
	return created, pruned, err
}

// prune deletes the oldest scheduled backups in folder beyond keep. Only
// files with the scheduled backups' exact name pattern are touched.
func prune(folder string, keep int) ([]string, error) {
	entries, err := os.ReadDir(folder)
	if err != nil {
		return nil, backend.Errorf(backend.EUNAVAILABLE, "Cannot read %s: %v.", folder, err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		stamp, ok := strings.CutPrefix(n, scheduledPrefix)
		stamp, ok2 := strings.CutSuffix(stamp, scheduledSuffix)
		if !ok || !ok2 || !e.Type().IsRegular() {
			continue
		}
		if _, err := time.Parse(scheduledTime, stamp); err == nil {
			names = append(names, n)
		}
	}
	sort.Strings(names) // the timestamp sorts by time
	var pruned []string
	for len(names) > keep {
		p := filepath.Join(folder, names[0])
		if err := os.Remove(p); err != nil {
			return pruned, backend.Errorf(backend.EUNAVAILABLE, "Cannot delete the old backup %s: %v.", p, err)
		}
		pruned = append(pruned, p)
		names = names[1:]
	}
	return pruned, nil
}
