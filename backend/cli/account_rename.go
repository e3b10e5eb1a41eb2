package cli

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "account rename", usage: "ID LABEL", help: "Rename an account", run: runAccountRename})
}

func runAccountRename(ctx context.Context, env *Env, args []string) (int, error) {
	pos, err := parse(flag.NewFlagSet("account rename", flag.ContinueOnError), args, 2)
	if err != nil {
		return ExitError, err
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	a, err := svc.RenameAccount(ctx, pos[0], pos[1])
	if err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Renamed account %s to %q.\n", a.ID, a.Label)
	return ExitOK, nil
}
