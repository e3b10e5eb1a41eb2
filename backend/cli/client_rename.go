package cli

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "client rename", usage: "NAME|ID NEW_NAME", help: "Rename a client", run: runClientRename})
}

func runClientRename(ctx context.Context, env *Env, args []string) (int, error) {
	pos, err := parse(flag.NewFlagSet("client rename", flag.ContinueOnError), args, 2)
	if err != nil {
		return ExitError, err
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	c, err := svc.FindClient(ctx, pos[0])
	if err != nil {
		return ExitError, err
	}
	if c, err = svc.RenameClient(ctx, c.ID, pos[1]); err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Renamed client to %q.\n", c.Name)
	return ExitOK, nil
}
