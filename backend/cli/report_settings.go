package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/history"
)

func init() {
	register(&command{
		name:  "report settings",
		usage: "[--sender NAME] [--accent #rrggbb] [--paper a4|letter] [--client-view=true|false] [--logo FILE | --no-logo] [--json]",
		help:  "Show or change how client reports look (with no flags: show)",
		run:   runReportSettings,
	})
}

// reportSettingsService works on the same data folder as the accounts service.
func reportSettingsService(env *Env) (*history.ReportSettingsService, error) {
	svc, err := env.Service()
	if err != nil {
		return nil, err
	}
	store, ok := svc.Store.(backend.ReportSettingsStore)
	if !ok {
		return nil, backend.Errorf(backend.EINTERNAL, "This store keeps no report settings.")
	}
	return &history.ReportSettingsService{Store: store, DataDir: svc.DataDir}, nil
}

// reportBranding loads the report settings, with the paper size overridden
// when paper is set.
func reportBranding(ctx context.Context, env *Env, paper string) (*history.Branding, error) {
	rs, err := reportSettingsService(env)
	if err != nil {
		return nil, err
	}
	b, err := rs.Branding(ctx)
	if err != nil {
		return nil, err
	}
	if paper != "" {
		st := b.Settings
		st.Paper = paper
		if b.Settings, err = st.Clean(); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func runReportSettings(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("report settings", flag.ContinueOnError)
	sender := fs.String("sender", "", "your or your agency's name on the reports (\"\" to remove)")
	accent := fs.String("accent", "", "accent colour, #rrggbb")
	paper := fs.String("paper", "", "PDF paper size: a4 or letter")
	clientView := fs.Bool("client-view", true, "hide internal detail (ids, reason codes, check counts)")
	logo := fs.String("logo", "", "a PNG or SVG file to put on the reports (copied into the data folder)")
	noLogo := fs.Bool("no-logo", false, "take the logo off the reports")
	asJSON := fs.Bool("json", false, "print the settings as JSON")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["logo"] && *noLogo {
		return ExitError, usagef("--logo and --no-logo exclude each other")
	}
	rs, err := reportSettingsService(env)
	if err != nil {
		return ExitError, err
	}
	st, err := rs.Settings(ctx)
	if err != nil {
		return ExitError, err
	}
	if set["sender"] || set["accent"] || set["paper"] || set["client-view"] {
		if set["sender"] {
			st.SenderName = *sender
		}
		if set["accent"] {
			st.Accent = *accent
		}
		if set["paper"] {
			st.Paper = *paper
		}
		if set["client-view"] {
			st.ClientView = *clientView
		}
		// Checked whole before anything is saved: bad input changes nothing.
		if st, err = st.Clean(); err != nil {
			return ExitError, err
		}
	}
	if *logo != "" {
		if _, err := history.ReadLogoFile(*logo); err != nil {
			return ExitError, err
		}
	}
	if set["sender"] || set["accent"] || set["paper"] || set["client-view"] {
		if st, err = rs.Save(ctx, st); err != nil {
			return ExitError, err
		}
	}
	switch {
	case *logo != "":
		st, err = rs.SetLogo(ctx, *logo)
	case *noLogo:
		st, err = rs.RemoveLogo(ctx)
	}
	if err != nil {
		return ExitError, err
	}
	if *asJSON {
		return ExitOK, writeJSON(env.Stdout, st)
	}
	fmt.Fprintf(env.Stdout, "Sender:      %s\n", histOrDash(st.SenderName))
	fmt.Fprintf(env.Stdout, "Logo:        %s\n", histOrDash(st.Logo))
	fmt.Fprintf(env.Stdout, "Accent:      %s\n", st.Accent)
	fmt.Fprintf(env.Stdout, "Paper:       %s\n", st.Paper)
	fmt.Fprintf(env.Stdout, "Client view: %v (ids, reason codes and check counts %s)\n", st.ClientView,
		map[bool]string{true: "hidden", false: "shown"}[st.ClientView])
	return ExitOK, nil
}
