package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend/accounts"
)

func init() {
	register(&command{name: "provider add-custom", usage: `--id ID --issuer URL --client-id ID [--name NAME] [--client-secret-stdin] [--scopes "a b"]`,
		help: "Add any OAuth 2.0 / OpenID Connect provider by its issuer URL", run: runProviderAddCustom, readsSecrets: true})
}

func runProviderAddCustom(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("provider add-custom", flag.ContinueOnError)
	id := fs.String("id", "", "provider id, e.g. acme-sso")
	name := fs.String("name", "", "display name")
	issuer := fs.String("issuer", "", "issuer URL (discovery)")
	clientID := fs.String("client-id", "", "the app's client id")
	secretStdin := fs.Bool("client-secret-stdin", false, "read the client secret from stdin")
	scopes := fs.String("scopes", "", "scopes to request, space-separated")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	if *id == "" || *issuer == "" || *clientID == "" {
		return ExitError, usagef("--id, --issuer and --client-id are required")
	}
	secret := ""
	var err error
	if *secretStdin {
		if secret, err = readSecretLine(env.Stdin, "client secret"); err != nil {
			return ExitError, err
		}
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	p, err := svc.AddCustomProvider(ctx, accounts.CustomProviderRequest{
		ID: *id, Name: *name, Issuer: *issuer, Scopes: strings.Fields(*scopes), ClientID: *clientID, ClientSecret: secret,
	})
	if err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Added provider %s (%s). Register %s as the redirect URI, then run \"tokenwarden connect %s --client NAME\".\n",
		p.ID, p.Name, strings.Replace(p.RedirectURI(p.RedirectPort), ":0/", ":<any port>/", 1), p.ID)
	return ExitOK, nil
}
