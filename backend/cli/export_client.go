package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/tokenwarden/tokenwarden/backend/backup"
)

func init() {
	register(&command{name: "export client", usage: "NAME --to AGE_PUBLIC_KEY --out FILE [--json]",
		help: "Hand a client over: its accounts, tokens and history, encrypted to a colleague's age key", run: runExportClient})
}

func runExportClient(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("export client", flag.ContinueOnError)
	to := fs.String("to", "", "the colleague's age public key (age1…)")
	out := fs.String("out", "", "the file to write")
	asJSON := fs.Bool("json", false, "print JSON")
	name, rest := splitFirstArg(args)
	if _, err := parse(fs, rest, 0); err != nil {
		return ExitError, err
	}
	if name == "" || *to == "" || *out == "" {
		return ExitError, usagef("a client name, --to and --out are required")
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	res, err := backup.ExportClient(ctx, svc.Store, svc.Secrets, name, *out, backup.Encryption{Recipients: *to}, env.Version)
	if err != nil {
		return ExitError, err
	}
	if *asJSON {
		return ExitOK, writeJSON(env.Stdout, res)
	}
	fmt.Fprintf(env.Stdout, "Wrote %s: %q with %d accounts and %d history events, for the holder of %s.\n", res.File, res.Client, res.Accounts, res.Events, *to)
	fmt.Fprintln(env.Stdout, "Once your colleague has imported it, delete the client here: two machines renewing the same tokens can lock each other out.")
	return ExitOK, nil
}
