package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/backup"
)

func init() {
	register(&command{name: "import client", usage: "FILE [--identity FILE] [--json]",
		help: "Add a client handed over by a colleague (age identity from stdin or --identity)", run: runImportClient})
}

func runImportClient(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("import client", flag.ContinueOnError)
	identity := fs.String("identity", "", "your age identity file (default: read it from stdin)")
	asJSON := fs.Bool("json", false, "print JSON")
	file, rest := splitFirstArg(args)
	if _, err := parse(fs, rest, 0); err != nil {
		return ExitError, err
	}
	if file == "" {
		return ExitError, usagef("the hand-over file is required")
	}
	d, err := readDecryption(env, *identity, false)
	if err != nil {
		return ExitError, err
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	res, err := backup.ImportClient(ctx, svc.Store, svc.Secrets, file, d)
	if err != nil {
		return ExitError, err
	}
	if *asJSON {
		return ExitOK, writeJSON(env.Stdout, res)
	}
	fmt.Fprintf(env.Stdout, "Added %q with %d accounts and %d history events.\n", res.Client, res.Accounts, res.Events)
	fmt.Fprintf(env.Stdout, "Run \"tokenwarden check --client %q\" to see that they work here.\n", res.Client)
	return ExitOK, nil
}

// maxIdentitySize bounds an age identity file; one key is 74 bytes.
const maxIdentitySize = 64 * 1024

// readDecryption reads what opens a file: the identity file given, or else
// standard input, which holds a passphrase when stdinPassphrase is set and
// an identity otherwise.
func readDecryption(env *Env, identityFile string, stdinPassphrase bool) (backup.Decryption, error) {
	var r io.Reader = env.Stdin
	if identityFile != "" {
		f, err := os.Open(identityFile)
		if err != nil {
			return backup.Decryption{}, backend.Errorf(backend.EINVALID, "Cannot read the identity file: %v.", err)
		}
		defer f.Close()
		r = f
	} else if stdinPassphrase {
		pass, err := readPassphrase(env, "Passphrase of the backup: ", false)
		return backup.Decryption{Passphrase: pass}, err
	}
	b, err := io.ReadAll(io.LimitReader(r, maxIdentitySize))
	if err != nil {
		return backup.Decryption{}, backend.Errorf(backend.EINVALID, "Cannot read the identity: %v.", err)
	}
	return backup.Decryption{Identities: string(b)}, nil
}
