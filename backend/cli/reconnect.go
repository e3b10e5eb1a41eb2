package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
)

func init() {
	register(&command{name: "reconnect", usage: "ACCOUNT_ID [--yes]",
		help: "Log in again for an account; keeps its id, client, label and history", run: runReconnect})
}

func runReconnect(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("reconnect", flag.ContinueOnError)
	yes := fs.Bool("yes", false, "accept a different user logging in without asking")
	id, rest := splitFirstArg(args)
	if _, err := parse(fs, rest, 0); err != nil {
		return ExitError, err
	}
	if id == "" {
		return ExitError, usagef("an account id is required")
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	res, err := svc.Reconnect(ctx, accounts.ReconnectRequest{
		AccountID: id, Open: announceOpen(env),
		ConfirmIdentity: func(old, new backend.Identity) bool {
			fmt.Fprintf(env.Stderr, "A different user logged in: before %s, now %s.\n", describe(old), describe(new))
			if *yes {
				return true
			}
			fmt.Fprint(env.Stderr, "Replace the account's tokens with this user's? [y/N] ")
			line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
			return strings.EqualFold(strings.TrimSpace(line), "y") || strings.EqualFold(strings.TrimSpace(line), "yes")
		},
	})
	if err != nil {
		return ExitError, err
	}
	printConnectResult(env, res, "Reconnected")
	if len(res.Changes.AssetsLost) > 0 {
		return ExitAttention, nil
	}
	return ExitOK, nil
}

func describe(id backend.Identity) string {
	s := id.Name
	if id.Email != "" {
		s += " <" + id.Email + ">"
	}
	if s == "" {
		s = id.ExternalID
	}
	return strings.TrimSpace(s)
}
