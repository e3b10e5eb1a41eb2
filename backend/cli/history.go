package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

func init() {
	register(&command{
		name:  "history",
		usage: "[--account ID] [--client NAME] [--since DATE] [--until DATE] [--kind K] [--outcome O] [--search TEXT] [--limit N] [--json | --csv]",
		help:  "Show history events, newest first (DATE: YYYY-MM-DD or RFC 3339; --limit 0: all)",
		run:   runHistory,
	})
	register(&command{
		name:  "history health",
		usage: "[--client NAME] [--since DATE] [--until DATE] [--json]",
		help:  "Uptime, incidents and mean time to reconnect of a client, or of every client worst first (default: last 90 days)",
		run:   runHistoryHealth,
	})
	register(&command{
		name:  "history prune",
		usage: "[--older-than 30d] [--json]",
		help:  "Fold routine successful checks older than that into daily summaries",
		run:   runHistoryPrune,
	})
}

// historyService builds the history service over the same store as the
// accounts service.
func historyService(env *Env) (*history.Service, error) {
	svc, err := env.Service()
	if err != nil {
		return nil, err
	}
	store, ok := svc.Store.(backend.HistoryStore)
	if !ok {
		return nil, backend.Errorf(backend.EINTERNAL, "This store keeps no queryable history.")
	}
	hs := history.New(store, svc.Providers, svc.Settings)
	if svc.Now != nil {
		hs.Now = svc.Now
	}
	return hs, nil
}

// historyFlags are the filters history and its exports share.
type historyFlags struct {
	account, client, since, until, kind, outcome, search *string
}

func addFilterFlags(fs *flag.FlagSet) historyFlags {
	return historyFlags{
		account: fs.String("account", "", "account id"),
		client:  fs.String("client", "", "client name or id"),
		since:   fs.String("since", "", "from this date or time (YYYY-MM-DD or RFC 3339)"),
		until:   fs.String("until", "", "up to this date (the whole day) or time (exclusive)"),
		kind:    fs.String("kind", "", "event kind, e.g. account.check_failed"),
		outcome: fs.String("outcome", "", "ok, failed or info"),
		search:  fs.String("search", "", "text in the message, client name or account label"),
	}
}

// filter turns the flags into an EventFilter, resolving the client by name.
func (h historyFlags) filter(ctx context.Context, env *Env) (backend.EventFilter, error) {
	var f backend.EventFilter
	var err error
	if f.Since, err = parseHistoryDate("--since", *h.since, false); err != nil {
		return f, err
	}
	if f.Until, err = parseHistoryDate("--until", *h.until, true); err != nil {
		return f, err
	}
	if f.Since != nil && f.Until != nil && !f.Since.Before(*f.Until) {
		return f, usagef("--since must be before --until")
	}
	f.AccountID, f.Kind, f.Outcome, f.Query = strings.TrimSpace(*h.account), strings.TrimSpace(*h.kind), strings.TrimSpace(*h.outcome), *h.search
	if *h.client != "" {
		if f.ClientID, err = resolveClientID(ctx, env, *h.client); err != nil {
			return f, err
		}
	}
	return f, nil
}

// resolveClientID finds a client by name or id; the id of a deleted client
// still selects its history.
func resolveClientID(ctx context.Context, env *Env, nameOrID string) (string, error) {
	svc, err := env.Service()
	if err != nil {
		return "", err
	}
	c, err := svc.FindClient(ctx, nameOrID)
	if err == nil {
		return c.ID, nil
	}
	if id := strings.TrimSpace(nameOrID); backend.ErrorCode(err) == backend.ENOTFOUND && backend.ValidID("cli", id) {
		return id, nil
	}
	return "", err
}

// parseHistoryDate reads YYYY-MM-DD (midnight UTC; with endOfDay, the midnight
// after, so that --until 2026-11-30 includes that day) or RFC 3339.
func parseHistoryDate(flagName, s string, endOfDay bool) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if endOfDay {
			t = t.AddDate(0, 0, 1)
		}
		return &t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, backend.Errorf(backend.EINVALID, "%s %q is not a date.", flagName, s).
			WithHint("Write it like 2026-11-30 or 2026-11-30T18:00:00Z.")
	}
	t = t.UTC()
	return &t, nil
}

func runHistory(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	hf := addFilterFlags(fs)
	limit := fs.Int("limit", 100, "at most this many events; 0 for all")
	asJSON := fs.Bool("json", false, "print a JSON array of events")
	asCSV := fs.Bool("csv", false, "print CSV")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	if *asJSON && *asCSV {
		return ExitError, usagef("give --json or --csv, not both")
	}
	if *limit < 0 {
		return ExitError, usagef("--limit must be 0 (all) or more")
	}
	f, err := hf.filter(ctx, env)
	if err != nil {
		return ExitError, err
	}
	f.Limit = *limit
	hs, err := historyService(env)
	if err != nil {
		return ExitError, err
	}
	switch {
	case *asJSON:
		return ExitOK, hs.ExportJSON(ctx, env.Stdout, f)
	case *asCSV:
		return ExitOK, hs.ExportCSV(ctx, env.Stdout, f)
	}
	n := 0
	err = hs.EachEvent(ctx, f, func(e *backend.Event) error {
		n++
		account := e.AccountLabel
		if e.AccountID != "" {
			account = strings.TrimSpace(account + " (" + e.AccountID + ")")
		}
		_, err := fmt.Fprintf(env.Stdout, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Time.UTC().Format("2006-01-02 15:04:05Z"),
			histOrDash(e.ClientName), histOrDash(account), e.Kind, histOrDash(e.Outcome), histOneLine(e.Message))
		return err
	})
	if err != nil {
		return ExitError, err
	}
	if n == 0 {
		fmt.Fprintln(env.Stdout, "No history matches.")
	}
	return ExitOK, nil
}

func runHistoryHealth(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("history health", flag.ContinueOnError)
	client := fs.String("client", "", "client name or id")
	since := fs.String("since", "", "from this date (default: 90 days ago)")
	until := fs.String("until", "", "up to this date, included (default: now)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	hs, err := historyService(env)
	if err != nil {
		return ExitError, err
	}
	p, err := historyPeriod(*since, *until, hs.Now())
	if err != nil {
		return ExitError, err
	}
	if *client == "" {
		return runHealthOverview(ctx, env, hs, p, *asJSON)
	}
	id, err := resolveClientID(ctx, env, *client)
	if err != nil {
		return ExitError, err
	}
	h, err := hs.ClientHealth(ctx, id, p)
	if err != nil {
		return ExitError, err
	}
	code := ExitOK
	if len(h.NeedsAttention) > 0 {
		code = ExitAttention
	}
	if *asJSON {
		return code, writeJSON(env.Stdout, h)
	}
	w := env.Stdout
	fmt.Fprintf(w, "%s, %s to %s\n", h.ClientName, h.Period.From.Format("2006-01-02"), h.Period.To.Format("2006-01-02"))
	fmt.Fprintf(w, "  uptime %s (last 30 days %s, 90 days %s); %d incident(s); mean time to reconnect %s\n",
		histPct(h.UptimePct), histPct(h.Uptime30Pct), histPct(h.Uptime90Pct), len(h.Incidents), histMTTR(h.MeanTimeToReconnect))
	for _, a := range h.Accounts {
		state := string(a.State)
		if a.Deleted != nil {
			state = "deleted " + a.Deleted.Format("2006-01-02")
		}
		fmt.Fprintf(w, "  %s %s · %s (%s): uptime %s, %s\n", histMark(a.NeedsAttention), hs.ProviderName(a.Provider), a.Label, a.AccountID, histPct(a.UptimePct), state)
	}
	for _, in := range h.Incidents {
		end := "ongoing"
		if in.End != nil {
			end = in.End.Format("2006-01-02 15:04Z")
		}
		fmt.Fprintf(w, "  incident %s: %s to %s (%s): %s\n", in.AccountLabel, in.Start.Format("2006-01-02 15:04Z"), end,
			history.Words(in.Duration.Std()), in.Explanation)
	}
	return code, nil
}

func runHistoryPrune(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("history prune", flag.ContinueOnError)
	olderThan := fs.String("older-than", "30d", "fold successful checks older than this, e.g. 30d")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	d, err := ParseDuration(*olderThan)
	if err != nil || d < 24*time.Hour {
		return ExitError, usagef("--older-than %q is not a duration of a day or more, like 30d", *olderThan)
	}
	hs, err := historyService(env)
	if err != nil {
		return ExitError, err
	}
	res, err := hs.Prune(ctx, d)
	if err != nil {
		return ExitError, err
	}
	if *asJSON {
		return ExitOK, writeJSON(env.Stdout, res)
	}
	fmt.Fprintf(env.Stdout, "Folded %d routine check(s) from before %s into %d daily summar%s; kept %d that ended an incident. Failures, reconnects and changes are kept as they were.\n",
		res.Folded, res.Cutoff.Format("2006-01-02"), res.Summaries, histPlural(res.Summaries, "y", "ies"), res.Kept)
	return ExitOK, nil
}

// historyPeriod reads --since/--until; the default is the 90 days up to now.
func historyPeriod(since, until string, now time.Time) (history.Period, error) {
	p := history.LastDays(90, now)
	s, err := parseHistoryDate("--since", since, false)
	if err != nil {
		return p, err
	}
	u, err := parseHistoryDate("--until", until, true)
	if err != nil {
		return p, err
	}
	if s != nil {
		p.From = *s
	}
	if u != nil {
		p.To = *u
	}
	if !p.From.Before(p.To) {
		return p, usagef("--since must be before --until")
	}
	return p, nil
}

func histOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// histOneLine keeps a message on its line (and a tab from shifting columns).
func histOneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' }), " ")
}

func histPct(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.2f%%", *p)
}

func histMTTR(d *history.Duration) string {
	if d == nil {
		return "n/a"
	}
	return history.Words(d.Std())
}

func histMark(b bool) string {
	if b {
		return "!"
	}
	return "✓"
}

func histPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
