package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/backup"
	"github.com/tokenwarden/tokenwarden/backend/keychain"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
)

func init() {
	register(&command{name: "restore", usage: "FILE [--identity FILE] [--force] [--json]",
		help: "Restore a backup into the data folder and this machine's keychain, then check every account", run: runRestore})
}

// restoreReport is the --json output.
type restoreReport struct {
	*backup.Restored
	Checks []*monitor.Result `json:"checks"`
}

func runRestore(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	identity := fs.String("identity", "", "an age identity file, for a backup made with --recipient")
	force := fs.Bool("force", false, "replace a data folder that holds data (it is moved aside)")
	asJSON := fs.Bool("json", false, "print JSON")
	file, rest := splitFirstArg(args)
	if _, err := parse(fs, rest, 0); err != nil {
		return ExitError, err
	}
	if file == "" {
		return ExitError, usagef("the backup file is required")
	}
	if env.DataDir == "" {
		return ExitError, backend.Errorf(backend.EINTERNAL, "No data folder.")
	}
	d, err := readDecryption(env, *identity, true)
	if err != nil {
		return ExitError, err
	}
	res, err := backup.Restore(ctx, file, env.DataDir, func(dir string) (backend.Secrets, error) { return keychain.Open(dir) }, d, *force)
	if err != nil {
		return ExitError, err
	}
	if !*asJSON {
		if res.MovedAside != "" {
			fmt.Fprintf(env.Stdout, "Moved the data that was here to %s.\n", res.MovedAside)
		}
		fmt.Fprintf(env.Stdout, "Restored %d clients, %d accounts and %d keychain items into %s (backup of %s).\n",
			res.Clients, res.Accounts, res.Secrets, res.DataDir, res.Manifest.CreatedAt.Local().Format("2 Jan 2006 15:04"))
	}
	// The tokens now live in another keychain: ask every platform whether
	// they still work there.
	if _, err := env.Service(); err != nil {
		return ExitError, err
	}
	mon, err := env.Monitor()
	if err != nil {
		return ExitError, err
	}
	results, err := mon.CheckMany(ctx, backend.AccountFilter{}, nil)
	if err != nil {
		return ExitError, err
	}
	code := checkCode(results)
	if *asJSON {
		if results == nil {
			results = []*monitor.Result{}
		}
		return code, writeJSON(env.Stdout, restoreReport{res, results})
	}
	for _, r := range results {
		line := fmt.Sprintf("%s %s · %s (%s): %s", mark(r.After), r.ClientName, r.Label, r.AccountID, r.After)
		if r.Error != "" {
			line += ": " + r.Error
		}
		fmt.Fprintln(env.Stdout, line)
	}
	return code, nil
}

// checkCode is the exit code for a set of check results.
func checkCode(results []*monitor.Result) int {
	code := ExitOK
	for _, r := range results {
		if r.Error != "" {
			code = ExitError
		} else if r.NeedsAttention() && code == ExitOK {
			code = ExitAttention
		}
	}
	return code
}
