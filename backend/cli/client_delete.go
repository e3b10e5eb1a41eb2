package cli

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "client delete", usage: "NAME|ID", help: "Delete a client that has no accounts", run: runClientDelete})
}

func runClientDelete(ctx context.Context, env *Env, args []string) (int, error) {
	pos, err := parse(flag.NewFlagSet("client delete", flag.ContinueOnError), args, 1)
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
	if err := svc.DeleteClient(ctx, c.ID); err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Deleted client %q. Its history is kept.\n", c.Name)
	return ExitOK, nil
}
