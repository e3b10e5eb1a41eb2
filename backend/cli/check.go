package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
)

func init() {
	register(&command{name: "check", usage: "[--account ID | --client NAME] [--json]",
		help: "Check tokens with their platforms now, renewing what can be renewed", run: runCheck})
}

func runCheck(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	accountID := fs.String("account", "", "check one account")
	client := fs.String("client", "", "check one client's accounts")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	if *accountID != "" && *client != "" {
		return ExitError, usagef("give --account or --client, not both")
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	mon, err := env.Monitor()
	if err != nil {
		return ExitError, err
	}
	var results []*monitor.Result
	switch {
	case *accountID != "":
		r, err := mon.Check(ctx, *accountID, true)
		if err != nil {
			return ExitError, err
		}
		results = []*monitor.Result{r}
	default:
		var filter backend.AccountFilter
		if *client != "" {
			c, err := svc.FindClient(ctx, *client)
			if err != nil {
				return ExitError, err
			}
			filter.ClientID = c.ID
		}
		results, err = mon.CheckMany(ctx, filter, func(done, total int, _ *monitor.Result) {
			if !*asJSON && total > 1 && isTerminal(env.progress) {
				fmt.Fprintf(env.progress, "\rChecked %d of %d", done, total)
				if done == total {
					fmt.Fprintln(env.progress)
				}
			}
		})
		if err != nil {
			return ExitError, err
		}
	}
	code := checkCode(results)
	if env.AfterCheck != nil {
		if err := env.AfterCheck(ctx); err != nil {
			fmt.Fprintf(env.Stderr, "warning: %s\n", backend.ErrorMessage(err))
		}
	}
	if *asJSON {
		if results == nil {
			results = []*monitor.Result{}
		}
		return code, writeJSON(env.Stdout, results)
	}
	if len(results) == 0 {
		fmt.Fprintln(env.Stdout, "No accounts to check.")
	}
	for _, r := range results {
		line := fmt.Sprintf("%s %s · %s (%s): %s", mark(r.After), r.ClientName, r.Label, r.AccountID, r.After)
		if r.Refreshed {
			line += ", renewed"
		}
		switch {
		case r.Error != "":
			line += ": " + r.Error
		case r.Message != "":
			line += ": " + r.Message
		}
		fmt.Fprintln(env.Stdout, line)
		for _, f := range r.Findings {
			fmt.Fprintln(env.Stdout, "    "+f)
		}
	}
	return code, nil
}
