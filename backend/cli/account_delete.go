package cli

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "account delete", usage: "ID", help: "Delete an account and its keychain items; history is kept", run: runAccountDelete})
}

func runAccountDelete(ctx context.Context, env *Env, args []string) (int, error) {
	pos, err := parse(flag.NewFlagSet("account delete", flag.ContinueOnError), args, 1)
	if err != nil {
		return ExitError, err
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	res, err := svc.DeleteAccount(ctx, pos[0])
	if err != nil {
		return ExitError, err
	}
	if res.Revoked {
		fmt.Fprintln(env.Stdout, "Revoked its tokens at the platform.")
	}
	if res.Deleted > 1 {
		fmt.Fprintf(env.Stdout, "Deleted account %s and the %d Page(s) it kept alive. History is kept.\n", pos[0], res.Deleted-1)
	} else {
		fmt.Fprintf(env.Stdout, "Deleted account %s. Its history is kept.\n", pos[0])
	}
	if res.Note != "" {
		fmt.Fprintln(env.Stderr, "note: "+res.Note)
	}
	return ExitOK, nil
}
