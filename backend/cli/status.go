package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func init() {
	register(&command{name: "status", usage: "[--json]", help: "Show every account's status; exit 1 if any needs attention", run: runStatus})
}

type statusJSON struct {
	ID              string         `json:"id"`
	Client          string         `json:"client"`
	ClientID        string         `json:"client_id"`
	Provider        string         `json:"provider"`
	Label           string         `json:"label"`
	Status          backend.Status `json:"status"`
	ExpiresAt       *time.Time     `json:"expires_at"`
	Reason          string         `json:"reason"`
	HasRefreshToken bool           `json:"has_refresh_token"`
}

func runStatus(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
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
	code := ExitOK
	out := []statusJSON{}
	now := svc.Now()
	for _, g := range groups {
		if !*asJSON && len(g.Accounts) > 0 {
			fmt.Fprintln(env.Stdout, g.Client.Name)
		}
		for _, e := range g.Accounts {
			if e.NeedsAttention() {
				code = ExitAttention
			}
			out = append(out, statusJSON{ID: e.ID, Client: e.ClientName, ClientID: e.ClientID, Provider: e.Provider,
				Label: e.Label, Status: e.Status, ExpiresAt: e.ExpiresAt, Reason: e.Reason, HasRefreshToken: e.HasRefreshToken})
			if !*asJSON {
				fmt.Fprintf(env.Stdout, "  %s %s · %s (%s): %s%s\n", mark(e.Status), e.ProviderName, e.Label, e.ID,
					e.Status, expiryPhrase(e.ExpiresAt, now))
			}
		}
	}
	if *asJSON {
		return code, writeJSON(env.Stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(env.Stdout, `No accounts yet. Import one with "tokenwarden account import", or open the window.`)
	}
	return code, nil
}

func mark(s backend.Status) string {
	switch s {
	case backend.StatusHealthy:
		return "✓"
	case backend.StatusExpiring, backend.StatusUnknown:
		return "!"
	}
	return "✗"
}

func expiryPhrase(t *time.Time, now time.Time) string {
	if t == nil {
		return ", expiry unknown"
	}
	if t.After(now) {
		return ", expires " + backend.Relative(*t, now)
	}
	return ", expired " + backend.Relative(*t, now)
}
