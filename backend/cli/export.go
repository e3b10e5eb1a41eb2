package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tokenwarden/tokenwarden/backend/history"
)

func init() {
	register(&command{
		name:  "export deadlines",
		usage: "--ics FILE [--days 90] [--all-day]",
		help:  "Write upcoming reconnect-by deadlines as an iCalendar file (FILE - for stdout)",
		run:   runExportDeadlines,
	})
	register(&command{
		name:  "export report",
		usage: "--client NAME | --all-clients --since DATE --until DATE --out FILE|DIR [--format pdf|html] [--paper a4|letter]",
		help:  "Write connection reports as PDF or HTML: one client's to FILE, or every client's into DIR",
		run:   runExportReport,
	})
}

func runExportDeadlines(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("export deadlines", flag.ContinueOnError)
	file := fs.String("ics", "", "the .ics file to write, - for standard output")
	days := fs.Int("days", 90, "deadlines within this many days")
	allDay := fs.Bool("all-day", false, "all-day events instead of events at the deadline's time")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	if *file == "" {
		return ExitError, usagef("--ics FILE is required")
	}
	if *days <= 0 || *days > 3660 {
		return ExitError, usagef("--days must be between 1 and 3660")
	}
	hs, err := historyService(env)
	if err != nil {
		return ExitError, err
	}
	var n int
	err = writeOutput(env, *file, func(w io.Writer) (err error) {
		n, err = hs.ExportICS(ctx, w, time.Duration(*days)*24*time.Hour, history.ICSOptions{AllDay: *allDay})
		return err
	})
	if err != nil {
		return ExitError, err
	}
	if *file != "-" {
		fmt.Fprintf(env.Stdout, "Wrote %d reconnect deadline(s) of the next %d days to %s.\n", n, *days, *file)
	}
	return ExitOK, nil
}

func runExportReport(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("export report", flag.ContinueOnError)
	client := fs.String("client", "", "client name or id")
	all := fs.Bool("all-clients", false, "one report per client, into the folder --out")
	since := fs.String("since", "", "first day of the period (YYYY-MM-DD or RFC 3339)")
	until := fs.String("until", "", "last day of the period, included")
	out := fs.String("out", "", "the .pdf or .html file to write (- for standard output), or with --all-clients the folder")
	format := fs.String("format", "", "pdf or html (default: from --out's extension, else pdf)")
	paper := fs.String("paper", "", "a4 or letter (default: the report settings')")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	if (*client == "") == !*all || *since == "" || *until == "" || *out == "" {
		return ExitError, usagef("--client or --all-clients, --since, --until and --out are required")
	}
	hs, err := historyService(env)
	if err != nil {
		return ExitError, err
	}
	p, err := historyPeriod(*since, *until, hs.Now())
	if err != nil {
		return ExitError, err
	}
	if *all && *out == "-" {
		return ExitError, usagef("--all-clients writes files: --out must be a folder")
	}
	fmtName, err := history.ReportFormat(*out, *format)
	if err != nil {
		return ExitError, err
	}
	b, err := reportBranding(ctx, env, *paper)
	if err != nil {
		return ExitError, err
	}
	if *all {
		saved, err := hs.SaveAllReports(ctx, p, fmtName, b, *out)
		for _, s := range saved {
			fmt.Fprintf(env.Stdout, "Wrote the report of %s (%d account(s), %d incident(s)) to %s.\n", s.ClientName, s.Accounts, s.Incidents, s.Path)
		}
		if err != nil {
			return ExitError, err
		}
		if len(saved) == 0 {
			fmt.Fprintln(env.Stdout, "There are no clients: no report was written.")
		}
		return ExitOK, nil
	}
	id, err := resolveClientID(ctx, env, *client)
	if err != nil {
		return ExitError, err
	}
	r, err := hs.ClientReport(ctx, id, p, b)
	if err != nil {
		return ExitError, err
	}
	if err := writeOutput(env, *out, func(w io.Writer) error { return r.Write(w, fmtName) }); err != nil {
		return ExitError, err
	}
	if *out != "-" {
		fmt.Fprintf(env.Stdout, "Wrote the report of %s (%d account(s), %d incident(s)) to %s.\n",
			r.Health.ClientName, len(r.Health.Accounts), len(r.Health.Incidents), *out)
	}
	return ExitOK, nil
}

// writeOutput writes to standard output for "-", else to the file through
// a temporary file renamed into place, so a failed export leaves no half
// file. Exports hold client data, so the file is readable by the user only.
func writeOutput(env *Env, path string, write func(io.Writer) error) error {
	if path == "-" {
		var buf bytes.Buffer // nothing half-written on stdout either
		if err := write(&buf); err != nil {
			return err
		}
		_, err := env.Stdout.Write(buf.Bytes())
		return err
	}
	return history.WriteFile(path, write)
}
