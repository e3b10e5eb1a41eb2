package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/backup"
)

func init() {
	register(&command{name: "backup", usage: "--out FILE [--recipient AGE_PUBLIC_KEY] [--json]",
		help: "Write an encrypted backup of all data and keychain items (passphrase read from stdin)", run: runBackup})
}

func runBackup(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("out", "", "the backup file to write")
	recipient := fs.String("recipient", "", "encrypt to this age public key instead of a passphrase")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	if *out == "" {
		return ExitError, usagef("--out is required")
	}
	enc := backup.Encryption{Recipients: *recipient}
	if *recipient == "" {
		pass, err := readPassphrase(env, "Passphrase for the backup: ", true)
		if err != nil {
			return ExitError, err
		}
		enc.Passphrase = pass
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	res, err := backup.Create(ctx, svc.DataDir, svc.Secrets, *out, enc, env.Version)
	if err != nil {
		return ExitError, err
	}
	if *asJSON {
		return ExitOK, writeJSON(env.Stdout, res)
	}
	fmt.Fprintf(env.Stdout, "Backed up %d clients, %d accounts and %d keychain items to %s.\n", res.Clients, res.Accounts, res.Secrets, res.File)
	return ExitOK, nil
}

// readPassphrase reads the passphrase from the first line of stdin, spaces
// included; it never comes from an argument, which other users can see in
// ps. On a terminal it prompts, and asks twice when confirm is set (the
// typing is visible: pipe it in from a password manager to avoid that).
func readPassphrase(env *Env, prompt string, confirm bool) (string, error) {
	terminal := false
	if f, ok := env.Stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			terminal = true
		}
	}
	r := bufio.NewReader(io.LimitReader(env.Stdin, 8192))
	line := func(p string) (string, error) {
		if terminal {
			fmt.Fprint(env.Stderr, p)
		}
		s, err := r.ReadString('\n')
		s = strings.TrimRight(s, "\r\n")
		if strings.TrimSpace(s) == "" {
			return "", backend.Errorf(backend.EINVALID, "No passphrase on standard input.").
				WithHint(`Type it, or pipe it in: "pass show tokenwarden | tokenwarden backup --out FILE".`)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return "", backend.Errorf(backend.EINVALID, "Cannot read the passphrase: %v.", err)
		}
		return s, nil
	}
	pass, err := line(prompt)
	if err != nil || !terminal || !confirm {
		return pass, err
	}
	again, err := line("Again, to be sure: ")
	if err != nil {
		return "", err
	}
	if again != pass {
		return "", backend.Errorf(backend.EINVALID, "The two passphrases differ.").WithHint("Nothing was written. Try again.")
	}
	return pass, nil
}
