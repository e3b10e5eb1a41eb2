package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend/accounts"
)

func init() {
	register(&command{name: "connect", usage: `PROVIDER --client NAME [--label LABEL] [--scopes "a b"]`,
		help: "Connect a new account by logging in through the browser", run: runConnect})
}

func runConnect(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("connect", flag.ContinueOnError)
	client := fs.String("client", "", "client name or id")
	label := fs.String("label", "", "account label (default: the name the platform gives)")
	scopes := fs.String("scopes", "", "scopes to request instead of the defaults, space-separated")
	provider, rest := splitFirstArg(args)
	if _, err := parse(fs, rest, 0); err != nil {
		return ExitError, err
	}
	if provider == "" || *client == "" {
		return ExitError, usagef("a provider and --client are required")
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	c, err := svc.FindClient(ctx, *client)
	if err != nil {
		return ExitError, err
	}
	res, err := svc.Connect(ctx, accounts.ConnectRequest{
		ClientID: c.ID, Provider: provider, Label: *label, Scopes: strings.Fields(*scopes), Open: announceOpen(env),
	})
	if err != nil {
		return ExitError, err
	}
	printConnectResult(env, res, "Connected")
	fmt.Fprintln(env.Stdout, res.Account.ID)
	return ExitOK, nil
}

// announceOpen opens the browser and tells the user where to go if it
// does not open. The URL holds no secret (PKCE sends only a hash).
func announceOpen(env *Env) func(string) error {
	return func(u string) error {
		fmt.Fprintf(env.Stderr, "Opening your browser to log in. If it does not open, visit:\n  %s\nWaiting for the login (up to 5 minutes; Ctrl-C cancels)...\n", u)
		if env.Open == nil {
			return nil
		}
		if err := env.Open(u); err != nil {
			fmt.Fprintf(env.Stderr, "Could not open a browser (%v); open the address above yourself.\n", err)
		}
		return nil
	}
}

func printConnectResult(env *Env, res *accounts.ConnectResult, verb string) {
	a := res.Account
	fmt.Fprintf(env.Stderr, "%s %s account %q (%s).\n", verb, a.ProviderName, a.Label, a.Status)
	// Only the Pages the new grant covers are kept alive; a Page the person
	// did not tick is listed apart, loudly.
	if len(res.Children) > 0 {
		fmt.Fprintf(env.Stderr, "This login keeps %d Page(s) alive:\n", len(res.Children))
		gained := map[string]bool{}
		if verb == "Reconnected" {
			for _, g := range res.Changes.AssetsGained {
				gained[g] = true
			}
		}
		for _, c := range res.Children {
			note := ""
			if gained[c.Label] {
				note = ", new"
			}
			fmt.Fprintf(env.Stderr, "  %s (%s, %s%s)\n", c.Label, c.ID, c.Status, note)
		}
	}
	if len(res.Lost) > 0 {
		fmt.Fprintf(env.Stderr, "WARNING: access LOST to %d Page(s); their connections are broken:\n", len(res.Lost))
		for _, c := range res.Lost {
			fmt.Fprintf(env.Stderr, "  %s (%s)\n", c.Label, c.ID)
		}
		fmt.Fprintf(env.Stderr, "Reconnect the login that manages them (tokenwarden reconnect %s) and tick them in the login dialog.\n", a.ID)
	}
	ch := res.Changes
	if len(ch.ScopesLost) > 0 {
		fmt.Fprintf(env.Stderr, "Permissions lost: %s\n", strings.Join(ch.ScopesLost, ", "))
	}
	if verb == "Reconnected" && len(ch.ScopesGained) > 0 {
		fmt.Fprintf(env.Stderr, "Permissions gained: %s\n", strings.Join(ch.ScopesGained, ", "))
	}
	if s := accounts.NotGrantedSentence(ch.ScopesNotGranted); s != "" {
		fmt.Fprintln(env.Stderr, strings.TrimSpace(s))
	}
}
