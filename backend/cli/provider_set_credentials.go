package cli

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "provider set-credentials", usage: "ID --client-id ID [--client-secret-stdin]",
		help: "Store your developer app's client id (and secret, read from stdin)", run: runProviderSetCredentials, readsSecrets: true})
}

func runProviderSetCredentials(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("provider set-credentials", flag.ContinueOnError)
	clientID := fs.String("client-id", "", "the app's client id")
	secretStdin := fs.Bool("client-secret-stdin", false, "read the client secret from stdin")
	// The provider id may come before or after the flags.
	id, rest := splitFirstArg(args)
	pos, err := parse(fs, rest, 0)
	if err != nil {
		return ExitError, err
	}
	_ = pos
	if id == "" || *clientID == "" {
		return ExitError, usagef("a provider id and --client-id are required")
	}
	secret := ""
	if *secretStdin {
		if secret, err = readSecretLine(env.Stdin, "client secret"); err != nil {
			return ExitError, err
		}
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	if err := svc.SetCredentials(ctx, id, *clientID, secret); err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Saved the client id for %s", id)
	if secret != "" {
		fmt.Fprint(env.Stdout, "; the secret is in the keychain")
	}
	fmt.Fprintln(env.Stdout, ".")
	return ExitOK, nil
}

// splitFirstArg takes a leading positional argument off args, so that
// "provider set-credentials ID --client-id X" parses like flags-first.
func splitFirstArg(args []string) (string, []string) {
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		return args[0], args[1:]
	}
	return "", args
}
