package cli

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{name: "client edit", usage: `NAME|ID [--contact TEXT] [--notes TEXT]`,
		help: "Set a client's contact and notes (an empty value clears it)", run: runClientEdit})
}

func runClientEdit(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("client edit", flag.ContinueOnError)
	contact := fs.String("contact", "", "who to ask when a login breaks")
	notes := fs.String("notes", "", "free text")
	name, rest := splitFirstArg(args)
	if _, err := parse(fs, rest, 0); err != nil {
		return ExitError, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if name == "" || len(set) == 0 {
		return ExitError, usagef("name the client and give --contact, --notes or both")
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	c, err := svc.FindClient(ctx, name)
	if err != nil {
		return ExitError, err
	}
	// A flag left out keeps what is there.
	if !set["contact"] {
		*contact = c.Contact
	}
	if !set["notes"] {
		*notes = c.Notes
	}
	if c, err = svc.EditClient(ctx, c.ID, *contact, *notes); err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Saved the contact and notes of %q.\n", c.Name)
	return ExitOK, nil
}
