package cli

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "version", help: "Print the version", run: runVersion})
}

func runVersion(_ context.Context, env *Env, args []string) (int, error) {
	if _, err := parse(flag.NewFlagSet("version", flag.ContinueOnError), args, 0); err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "tokenwarden %s\n", env.Version)
	return ExitOK, nil
}
