package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

func init() {
	register(&command{
		name:  "dev seed",
		usage: "--accounts N --events M [--days 180] [--seed S]",
		help:  "Fill an empty data folder with made-up clients, accounts and history (no tokens)",
		run:   runDevSeed,
	})
}

// seeder is the store's bulk generator (*sqlite.DB).
type seeder interface {
	Seed(ctx context.Context, o sqlite.SeedOptions) (*sqlite.SeedStats, error)
}

func runDevSeed(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("dev seed", flag.ContinueOnError)
	accounts := fs.Int("accounts", 0, "accounts to create (10 per client)")
	events := fs.Int("events", 0, "history events to create")
	days := fs.Int("days", 180, "how far back the history goes")
	seed := fs.Uint64("seed", 1, "random seed: the same options give the same data")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	switch {
	case *accounts <= 0 || *events <= 0:
		return ExitError, usagef("--accounts and --events are required")
	case *accounts > 1_000_000 || *events > 100_000_000:
		return ExitError, usagef("at most 1,000,000 accounts and 100,000,000 events")
	case *events < 2**accounts:
		return ExitError, usagef("--events must be at least twice --accounts")
	case *days <= 0 || *days > 3650:
		return ExitError, usagef("--days must be between 1 and 3650")
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	s, ok := svc.Store.(seeder)
	if !ok {
		return ExitError, backend.Errorf(backend.EINTERNAL, "This store cannot be seeded.")
	}
	st, err := s.Seed(ctx, sqlite.SeedOptions{Accounts: *accounts, Events: *events, Days: *days, Seed: *seed, Now: svc.Now()})
	if err != nil {
		return ExitError, err
	}
	fmt.Fprintf(env.Stdout, "Seeded %d client(s), %d account(s) (%d of them deleted since) and %d history event(s) over %d days in %s.\n",
		st.Clients, st.Accounts, st.Deleted, st.Events, *days, st.Elapsed.Round(time.Millisecond))
	fmt.Fprintln(env.Stdout, "The accounts are metadata only: no token was written to the keychain, so checks and reconnects of them will fail.")
	return ExitOK, nil
}
