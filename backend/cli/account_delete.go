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
	if err := svc.DeleteAccount(ctx, pos[0]); err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Deleted account %s. Its history is kept.\n", pos[0])
	return ExitOK, nil
}
