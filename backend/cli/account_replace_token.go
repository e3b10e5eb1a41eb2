package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func init() {
	register(&command{
		name:         "account replace-token",
		usage:        "ID [--expires-at RFC3339 | --expires-in DURATION] [--refresh-token-stdin]",
		help:         "Put a new token, read from stdin, on an existing account; its history stays",
		run:          runAccountReplaceToken,
		readsSecrets: true,
	})
}

func runAccountReplaceToken(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("account replace-token", flag.ContinueOnError)
	expiresAt := fs.String("expires-at", "", "expiry as RFC 3339")
	expiresIn := fs.String("expires-in", "", "expiry from now, e.g. 90m, 12h, 60d")
	withRefresh := fs.Bool("refresh-token-stdin", false, "read a refresh token from the second line of stdin")
	id, rest := splitFirstArg(args)
	if _, err := parse(fs, rest, 0); err != nil {
		return ExitError, err
	}
	if id == "" {
		return ExitError, usagef("give the account id")
	}
	expiry, err := parseExpiry(*expiresAt, *expiresIn, time.Now())
	if err != nil {
		return ExitError, err
	}
	access, refresh, err := readTokens(env.Stdin, *withRefresh)
	if err != nil {
		return ExitError, err
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	a, err := svc.ReplaceToken(ctx, id, backend.Token{AccessToken: access, RefreshToken: refresh, ExpiresAt: expiry})
	if err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Replaced the token of %q (%s); it is checked on the next run.\n", a.Label, a.ID)
	return ExitOK, nil
}
