package cli

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "account move", usage: "ID --client NAME", help: "Move an account to another client; its history stays", run: runAccountMove})
}

func runAccountMove(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("account move", flag.ContinueOnError)
	client := fs.String("client", "", "the client to move it to (name or id)")
	id, rest := splitFirstArg(args)
	if _, err := parse(fs, rest, 0); err != nil {
		return ExitError, err
	}
	if id == "" || *client == "" {
		return ExitError, usagef("give the account id and --client NAME")
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	c, err := svc.FindClient(ctx, *client)
	if err != nil {
		return ExitError, err
	}
	a, err := svc.MoveAccount(ctx, id, c.ID)
	if err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Account %q (%s) is now under %q.\n", a.Label, a.ID, c.Name)
	return ExitOK, nil
}
