package cli

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "client add", usage: "NAME", help: "Add a client", run: runClientAdd})
}

func runClientAdd(ctx context.Context, env *Env, args []string) (int, error) {
	pos, err := parse(flag.NewFlagSet("client add", flag.ContinueOnError), args, 1)
	if err != nil {
		return ExitError, err
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	c, err := svc.AddClient(ctx, pos[0])
	if err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Added client %q (%s).\n", c.Name, c.ID)
	return ExitOK, nil
}
