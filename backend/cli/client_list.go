package cli

import (
	"context"
	"flag"
	"fmt"
	"time"
)

func init() {
	register(&command{name: "client list", usage: "[--json]", help: "List clients", run: runClientList})
}

type clientJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Accounts  int       `json:"accounts"`
	CreatedAt time.Time `json:"created_at"`
}

func runClientList(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("client list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	groups, err := svc.Groups(ctx)
	if err != nil {
		return ExitError, err
	}
	out := make([]clientJSON, 0, len(groups))
	for _, g := range groups {
		out = append(out, clientJSON{ID: g.Client.ID, Name: g.Client.Name, Accounts: len(g.Accounts), CreatedAt: g.Client.CreatedAt})
	}
	if *asJSON {
		return ExitOK, writeJSON(env.Stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(env.Stdout, `No clients yet. Add one with "tokenwarden client add NAME".`)
	}
	for _, c := range out {
		fmt.Fprintf(env.Stdout, "%s\t%s\t%d account(s)\n", c.ID, c.Name, c.Accounts)
	}
	return ExitOK, nil
}
