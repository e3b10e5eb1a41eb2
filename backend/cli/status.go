package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
)

func init() {
	register(&command{name: "status", usage: "[--json]", help: "Show every account's status; exit 1 if any needs attention", run: runStatus})
}

type statusJSON struct {
	ID        string         `json:"id"`
	Client    string         `json:"client"`
	ClientID  string         `json:"client_id"`
	Provider  string         `json:"provider"`
	Label     string         `json:"label"`
	Status    backend.Status `json:"status"`
	ExpiresAt *time.Time     `json:"expires_at"`
	// Reason says why the token is bad (invalid accounts); CheckProblem
	// why the last check got no verdict, since UnverifiedSince.
	Reason          string     `json:"reason"`
	CheckProblem    string     `json:"check_problem"`
	UnverifiedSince *time.Time `json:"unverified_since"`
	HasRefreshToken bool       `json:"has_refresh_token"`
	Renews          bool       `json:"renews"`
	ReconnectBy     *time.Time `json:"reconnect_by"`
	LastCheckedAt   *time.Time `json:"last_checked_at"`
	NextCheckAt     *time.Time `json:"next_check_at"`
	ParentID        string     `json:"parent_id,omitempty"`
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
				Label: e.Label, Status: e.Status, ExpiresAt: e.ExpiresAt, Reason: e.Reason, CheckProblem: e.CheckProblem,
				UnverifiedSince: e.UnverifiedSince, HasRefreshToken: e.HasRefreshToken,
				Renews: e.Renews, ReconnectBy: e.ReconnectBy, LastCheckedAt: e.LastCheckedAt, NextCheckAt: e.NextCheckAt, ParentID: e.ParentID})
			if !*asJSON {
				fmt.Fprintf(env.Stdout, "  %s %s · %s (%s): %s%s\n", mark(e.Status), e.ProviderName, e.Label, e.ID,
					e.Status, statusPhrase(e, now))
				if note := movedNote(svc, e.Provider); note != "" {
					fmt.Fprintln(env.Stdout, "    "+note)
				}
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

// statusPhrase says what the user needs to know next to the status: why it
// is broken, when they must reconnect, or when the token expires.
func statusPhrase(e *accounts.Entry, now time.Time) string {
	switch {
	case e.Invalid:
		d := backend.Diagnose(e.Reason)
		return ": " + d.Problem + " " + d.Action
	case e.ReconnectBy != nil && e.ReconnectBy.After(now):
		return ", reconnect " + backend.Relative(*e.ReconnectBy, now)
	case e.ReconnectBy != nil:
		return ", reconnect needed since " + backend.Relative(*e.ReconnectBy, now)
	case e.Renews:
		return ", renews itself"
	case e.ExpiresAt == nil:
		return ", expiry unknown"
	case e.ExpiresAt.After(now):
		return ", expires " + backend.Relative(*e.ExpiresAt, now)
	}
	return ", expired " + backend.Relative(*e.ExpiresAt, now)
}
