package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/tokenwarden/tokenwarden/backend/backup"
)

func init() {
	register(&command{name: "backup schedule", usage: "[--folder DIR [--keep N] [--every-hours H] | --off] [--json]",
		help: "Show or set scheduled backups (passphrase from stdin, kept in the keychain)", run: runBackupSchedule})
	register(&command{name: "backup run-scheduled", usage: "[--json]",
		help: "Make the scheduled backup if one is due, and delete the oldest beyond the count to keep (for cron)", run: runBackupScheduled})
}

func runBackupSchedule(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("backup schedule", flag.ContinueOnError)
	folder := fs.String("folder", "", "turn scheduled backups on, into this folder")
	keep := fs.Int("keep", 0, fmt.Sprintf("how many backups to keep (default %d)", backup.DefaultKeep))
	every := fs.Int("every-hours", 0, "hours between backups (default 24)")
	off := fs.Bool("off", false, "turn scheduled backups off and forget their passphrase")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	if *off && *folder != "" {
		return ExitError, usagef("give --folder or --off, not both")
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	s, err := backup.LoadSchedule(svc.DataDir)
	if err != nil {
		return ExitError, err
	}
	switch {
	case *off:
		if s, err = backup.SaveSchedule(ctx, svc.DataDir, svc.Secrets, backup.Schedule{}, ""); err != nil {
			return ExitError, err
		}
	case *folder != "":
		abs, err := filepath.Abs(*folder)
		if err != nil {
			return ExitError, usagef("--folder: %v", err)
		}
		pass, err := readPassphrase(env, "Passphrase for the scheduled backups: ", true)
		if err != nil {
			return ExitError, err
		}
		want := backup.Schedule{Enabled: true, Folder: abs, Keep: *keep, EveryHours: *every}
		if s, err = backup.SaveSchedule(ctx, svc.DataDir, svc.Secrets, want, pass); err != nil {
			return ExitError, err
		}
	case *keep != 0 || *every != 0:
		return ExitError, usagef("--keep and --every-hours go with --folder")
	}
	if *asJSON {
		return ExitOK, writeJSON(env.Stdout, s)
	}
	if !s.Enabled {
		fmt.Fprintln(env.Stdout, "Scheduled backups are off.")
		return ExitOK, nil
	}
	fmt.Fprintf(env.Stdout, "Scheduled backups every %d hours into %s, keeping the newest %d.\n", s.EveryHours, s.Folder, s.Keep)
	if s.LastRunAt != nil {
		result := s.LastFile
		if s.LastError != "" {
			result = "failed: " + s.LastError
		}
		fmt.Fprintf(env.Stdout, "Last run %s: %s\n", s.LastRunAt.Local().Format(time.DateTime), result)
	}
	return ExitOK, nil
}

func runBackupScheduled(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("backup run-scheduled", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	run, err := backup.RunScheduled(ctx, svc.DataDir, svc.Secrets, time.Now(), env.Version)
	if err != nil {
		return ExitError, err
	}
	if *asJSON {
		return ExitOK, writeJSON(env.Stdout, run)
	}
	switch {
	case !run.Ran:
		fmt.Fprintln(env.Stdout, "No scheduled backup is due.")
	default:
		fmt.Fprintf(env.Stdout, "Backed up %d accounts to %s.\n", run.Created.Accounts, run.Created.File)
		for _, p := range run.Pruned {
			fmt.Fprintf(env.Stdout, "Deleted the old backup %s.\n", p)
		}
	}
	return ExitOK, nil
}
