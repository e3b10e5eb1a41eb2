package main

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/backup"
	"github.com/tokenwarden/tokenwarden/backend/keychain"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
	"github.com/tokenwarden/tokenwarden/backend/wire"
)

// BackupService makes and restores full backups and keeps the scheduled
// backups' setting. A passphrase goes in and never comes back out: it is
// not logged, not stored by the window and not in any view type.
type BackupService struct {
	*shell
	// secrets is the keychain of the data folder (the backup reads it; the
	// schedule keeps its passphrase there); db is the window's database,
	// closed before a restore replaces the folder under it.
	secrets backend.Secrets
	db      *sqlite.DB
	// keychainOf opens a data folder's keychain (keychain.Open); open opens
	// a data folder's backend (wire.Open). Tests replace both.
	keychainOf func(dir string) (backend.Secrets, error)
	open       func(dir string) (*accounts.Service, *sqlite.DB, []error, error)

	mu sync.Mutex
	// restored is set once a restore has replaced the data folder: the
	// window's services still hold the old backend until it restarts.
	restored bool
}

// BackupView describes a backup just written.
type BackupView struct {
	File      string `json:"file"`
	CreatedAt string `json:"created_at"`
	Clients   int    `json:"clients"`
	Accounts  int    `json:"accounts"`
	Secrets   int    `json:"secrets"`
}

// RestoreView describes a restore that went through and the check of every
// account that followed it.
type RestoreView struct {
	DataDir string `json:"data_dir"`
	// MovedAside is where the data that was there before now is ("" when
	// the folder held none).
	MovedAside string `json:"moved_aside"`
	// BackupCreatedAt is when the backup was made (RFC 3339), AppVersion by
	// which version.
	BackupCreatedAt string           `json:"backup_created_at"`
	AppVersion      string           `json:"app_version"`
	Clients         int              `json:"clients"`
	Accounts        int              `json:"accounts"`
	Secrets         int              `json:"secrets"`
	Checks          *monitor.Summary `json:"checks"`
	// CheckError says why the accounts could not be checked ("" when they were).
	CheckError string `json:"check_error"`
}

// ScheduleView is the scheduled backups' setting and last run.
type ScheduleView struct {
	Enabled    bool   `json:"enabled"`
	Folder     string `json:"folder"`
	Keep       int    `json:"keep"`
	EveryHours int    `json:"every_hours"`
	LastRunAt  string `json:"last_run_at"`
	LastFile   string `json:"last_file"`
	LastError  string `json:"last_error"`
	NextAt     string `json:"next_at"`
}

// ScheduleForm is what Settings saves. An empty Passphrase keeps the one in
// the keychain.
type ScheduleForm struct {
	Enabled    bool   `json:"enabled"`
	Folder     string `json:"folder"`
	Keep       int    `json:"keep"`
	EveryHours int    `json:"every_hours"`
	Passphrase string `json:"passphrase"`
}

// DataFolderView says whether the data folder holds data, so a restore can
// ask before replacing it.
type DataFolderView struct {
	DataDir string `json:"data_dir"`
	Empty   bool   `json:"empty"`
}

// ChooseBackupDestination asks where to save a new backup; "" when cancelled.
func (s *BackupService) ChooseBackupDestination() (string, error) {
	name := "tokenwarden-" + s.now().Format("2006-01-02") + ".age"
	path, err := s.desktop.SaveFile("Save the backup", "", name, []fileFilter{{Name: "Tokenwarden backup", Pattern: "*.age"}})
	if err != nil {
		return "", s.userError(backend.Errorf(backend.EUNAVAILABLE, "Cannot show the save dialog: %v.", err))
	}
	return path, nil
}

// ChooseBackupFile asks for a backup file to restore; "" when cancelled.
func (s *BackupService) ChooseBackupFile() (string, error) {
	path, err := s.desktop.OpenFile("Choose a Tokenwarden backup", nil)
	if err != nil {
		return "", s.userError(backend.Errorf(backend.EUNAVAILABLE, "Cannot show the file dialog: %v.", err))
	}
	return path, nil
}

// ChooseBackupFolder asks for the scheduled backups' folder; "" when cancelled.
func (s *BackupService) ChooseBackupFolder() (string, error) {
	path, err := s.desktop.ChooseFolder("Choose the folder for scheduled backups", "")
	if err != nil {
		return "", s.userError(backend.Errorf(backend.EUNAVAILABLE, "Cannot show the folder dialog: %v.", err))
	}
	return path, nil
}

// Backup writes a full backup, encrypted to passphrase, to the new file path.
func (s *BackupService) Backup(path, passphrase string) (*BackupView, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if !filepath.IsAbs(path) {
		return nil, s.userError(backend.Errorf(backend.EINVALID, "Choose where to save the backup."))
	}
	c, err := backup.Create(s.ctx, s.dataDir, s.secrets, path, backup.Encryption{Passphrase: passphrase}, version)
	if err != nil {
		return nil, s.userError(err)
	}
	return &BackupView{File: c.File, CreatedAt: c.Manifest.CreatedAt.Format(time.RFC3339),
		Clients: c.Clients, Accounts: c.Accounts, Secrets: c.Secrets}, nil
}

// DataFolder says whether the data folder holds data a restore would move aside.
func (s *BackupService) DataFolder() (*DataFolderView, error) {
	empty, err := backup.IsEmpty(s.ctx, s.dataDir)
	if err != nil {
		return nil, s.userError(err)
	}
	return &DataFolderView{DataDir: s.dataDir, Empty: empty}, nil
}

// Restore replaces the data folder with the backup in path, opened with
// passphrase; a folder holding data is replaced only with force, and is
// moved aside. The whole file is first restored into a throwaway folder,
// so a wrong passphrase, a damaged file or a newer schema is found while
// the window's data is still open and untouched. Then the window's
// database is closed, the backup restored for real, and every account
// checked over the restored data. The window must restart afterwards: its
// services and background checks still hold the old backend.
func (s *BackupService) Restore(path, passphrase string, force bool) (*RestoreView, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	dec := backup.Decryption{Passphrase: passphrase}
	empty, err := backup.IsEmpty(s.ctx, s.dataDir)
	if err != nil {
		return nil, s.userError(err)
	}
	if !empty && !force {
		return nil, s.userError(backend.Errorf(backend.ECONFLICT, "%s already holds Tokenwarden data.", s.dataDir).
			WithHint("Nothing was changed. Confirm to move that folder aside and replace it."))
	}
	if err := s.trial(path, dec); err != nil {
		return nil, s.userError(err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db != nil {
		s.db.Close()
	}
	s.restored = true // from here on the old backend is gone either way
	res, err := backup.Restore(s.ctx, path, s.dataDir, s.keychainOf, dec, force)
	if err != nil {
		return nil, s.userError(backend.Errorf(backend.ErrorCode(err), "%s", backend.ErrorMessage(err)).
			WithHint("Start Tokenwarden again."))
	}
	v := &RestoreView{DataDir: res.DataDir, MovedAside: res.MovedAside,
		BackupCreatedAt: res.Manifest.CreatedAt.Format(time.RFC3339), AppVersion: res.Manifest.AppVersion,
		Clients: res.Clients, Accounts: res.Accounts, Secrets: res.Secrets}
	v.Checks, err = s.checkAll()
	if err != nil {
		v.CheckError = backend.ErrorMessage(err)
	}
	return v, nil
}

// QuitAfterRestore ends the app once a restore has replaced the data
// folder, so that the next start opens the restored data.
func (s *BackupService) QuitAfterRestore() error {
	s.mu.Lock()
	restored := s.restored
	s.mu.Unlock()
	if !restored {
		return s.userError(backend.Errorf(backend.ECONFLICT, "Nothing was restored."))
	}
	s.desktop.Quit()
	return nil
}

// trial restores path into a throwaway folder and keychain: everything
// Restore checks, without touching the data folder or this keychain.
func (s *BackupService) trial(path string, dec backup.Decryption) error {
	dir, err := os.MkdirTemp("", "tokenwarden-restore-check-*")
	if err != nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Cannot create a temporary folder: %v.", err)
	}
	defer os.RemoveAll(dir)
	_, err = backup.Restore(s.ctx, path, filepath.Join(dir, "data"),
		func(string) (backend.Secrets, error) { return discardSecrets{}, nil }, dec, false)
	return err
}

// checkAll opens the restored data folder and checks every account, as the
// command line's restore does.
func (s *BackupService) checkAll() (*monitor.Summary, error) {
	svc, db, _, err := s.open(s.dataDir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	results, err := wire.Monitor(svc).CheckMany(s.ctx, backend.AccountFilter{}, nil)
	if err != nil {
		return nil, err
	}
	return monitor.Summarize(results), nil
}

// usable refuses calls once a restore has replaced the data under the window.
func (s *BackupService) usable() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.restored {
		return s.userError(backend.Errorf(backend.ECONFLICT, "The data folder was restored.").WithHint("Start Tokenwarden again."))
	}
	return nil
}

// Schedule returns the scheduled backups' setting.
func (s *BackupService) Schedule() (*ScheduleView, error) {
	sch, err := backup.LoadSchedule(s.dataDir)
	if err != nil {
		return nil, s.userError(err)
	}
	return scheduleView(sch), nil
}

// SaveSchedule checks and saves the scheduled backups' setting; a new
// passphrase goes to the keychain. Bad input changes nothing.
func (s *BackupService) SaveSchedule(in ScheduleForm) (*ScheduleView, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if s.secrets == nil {
		return nil, s.closed()
	}
	sch, err := backup.SaveSchedule(s.ctx, s.dataDir, s.secrets,
		backup.Schedule{Enabled: in.Enabled, Folder: in.Folder, Keep: in.Keep, EveryHours: in.EveryHours}, in.Passphrase)
	if err != nil {
		return nil, s.userError(err)
	}
	return scheduleView(sch), nil
}

// runScheduled makes the scheduled backup when one is due; the window calls
// it every hour. The outcome is recorded in the schedule, which Settings shows.
func (s *BackupService) runScheduled(ctx context.Context) (*backup.ScheduledRun, error) {
	if s.usable() != nil || s.secrets == nil {
		return &backup.ScheduledRun{}, nil
	}
	return backup.RunScheduled(ctx, s.dataDir, s.secrets, s.now(), version)
}

func scheduleView(s *backup.Schedule) *ScheduleView {
	v := &ScheduleView{Enabled: s.Enabled, Folder: s.Folder, Keep: s.Keep, EveryHours: s.EveryHours,
		LastFile: s.LastFile, LastError: s.LastError}
	if s.LastRunAt != nil {
		v.LastRunAt = s.LastRunAt.Format(time.RFC3339)
	}
	if due := s.DueAt(); due != nil && !due.IsZero() {
		v.NextAt = due.Format(time.RFC3339)
	}
	return v
}

// discardSecrets is the keychain of a trial restore: it keeps nothing.
type discardSecrets struct{}

func (discardSecrets) SetSecret(context.Context, string, backend.SecretKind, string) error {
	return nil
}
func (discardSecrets) Secret(context.Context, string, backend.SecretKind) (string, error) {
	return "", backend.Errorf(backend.ENOTFOUND, "No such secret.")
}
func (discardSecrets) DeleteSecret(context.Context, string, backend.SecretKind) error { return nil }
func (discardSecrets) Ping(context.Context) error                                     { return nil }

// openKeychain opens a data folder's keychain.
func openKeychain(dir string) (backend.Secrets, error) { return keychain.Open(dir) }

// runHourly makes the scheduled backup whenever one is due, checking at the
// start and then every hour until ctx ends. Failures are recorded in the
// schedule for Settings to show, and logged without the passphrase.
func (s *BackupService) runHourly(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		run, err := s.runScheduled(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.Printf("scheduled backup: %s", backend.ErrorMessage(err))
			}
		} else if run.Ran && run.Created != nil {
			log.Printf("scheduled backup written to %s", run.Created.File)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
