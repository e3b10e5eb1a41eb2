package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/providers"
)

func init() {
	register(&command{name: "provider list", usage: "[--json]", help: "List providers and whether your developer app is set up", run: runProviderList})
}

type providerJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Custom      bool     `json:"custom"`
	Configured  bool     `json:"configured"`
	ClientID    string   `json:"client_id"`
	HasSecret   bool     `json:"has_secret"`
	RedirectURI string   `json:"redirect_uri"`
	Refresh     string   `json:"refresh"`
	Scopes      []string `json:"scopes"`
	Setup       string   `json:"setup"`
}

func runProviderList(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("provider list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	list, err := svc.ProviderStatuses(ctx)
	if err != nil {
		return ExitError, err
	}
	out := make([]providerJSON, 0, len(list))
	for _, p := range list {
		pj := providerJSON{ID: p.ID, Name: p.Name, Custom: p.Custom, Configured: p.Configured, ClientID: p.ClientID,
			HasSecret: p.HasSecret, RedirectURI: p.RedirectURI, Refresh: p.Refresh, Scopes: []string{}, Setup: p.Setup}
		for _, s := range p.Scopes {
			pj.Scopes = append(pj.Scopes, s.Name)
		}
		out = append(out, pj)
	}
	if *asJSON {
		return ExitOK, writeJSON(env.Stdout, out)
	}
	for _, p := range list {
		state := "ready"
		if !p.Configured {
			state = "needs " + p.MissingSetup
		}
		fmt.Fprintf(env.Stdout, "%-12s %-18s %-22s redirect URI %s\n", p.ID, p.Name, state, p.RedirectURI)
		if note := movedNote(svc, p.ID); note != "" {
			fmt.Fprintln(env.Stdout, "  "+note)
		}
	}
	fmt.Fprintln(env.Stdout, `Set up a provider with "tokenwarden provider set-credentials ID --client-id ID --client-secret-stdin".`)
	return ExitOK, nil
}

// movedNote warns, for a provider whose providers.yaml entry points its
// endpoints away from the platform, where they now go; else "".
func movedNote(svc *accounts.Service, providerID string) string {
	p, err := svc.Providers.Provider(providerID)
	if err != nil {
		return ""
	}
	var parts []string
	for _, m := range providers.MovedEndpoints(p) {
		parts = append(parts, m.Field+" → "+m.Host)
	}
	if len(parts) == 0 {
		return ""
	}
	return "! providers.yaml points it off the platform: " + strings.Join(parts, ", ")
}
