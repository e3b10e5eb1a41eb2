package cli

import (
	"context"
	"fmt"

	"github.com/tokenwarden/tokenwarden/backend/history"
)

// runHealthOverview prints one line per client, worst first, for "history
// health" without --client.
func runHealthOverview(ctx context.Context, env *Env, hs *history.Service, p history.Period, asJSON bool) (int, error) {
	rows, err := hs.HealthOverview(ctx, p)
	if err != nil {
		return ExitError, err
	}
	code := ExitOK
	for _, r := range rows {
		if r.NeedsAttention > 0 {
			code = ExitAttention
		}
	}
	if asJSON {
		return code, writeJSON(env.Stdout, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(env.Stdout, "No clients yet.")
		return code, nil
	}
	fmt.Fprintf(env.Stdout, "All clients, %s to %s, worst first:\n", p.From.Format("2006-01-02"), p.To.Format("2006-01-02"))
	for _, r := range rows {
		fmt.Fprintf(env.Stdout, "  %s %s: uptime %s, %d incident(s)%s, %d of %d account(s) need attention\n", histMark(r.NeedsAttention > 0),
			r.ClientName, histPct(r.UptimePct), r.Incidents, map[bool]string{true: fmt.Sprintf(" (%d ongoing)", r.Ongoing)}[r.Ongoing > 0],
			r.NeedsAttention, r.Accounts)
	}
	return code, nil
}
