// Package cli is Tokenwarden's command line: the same backend as the window,
// for scripts, cron and tests. One file per command.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
)

// Exit codes, as gh auth status uses them.
const (
	ExitOK        = 0 // done; every account is healthy
	ExitAttention = 1 // done; some account needs the user
	ExitError     = 2 // failed, or bad usage
)

// Env is what a command runs with. Service opens the data dir on first use,
// so commands that need no data (version, help) work without it.
type Env struct {
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Service func() (*accounts.Service, error)
	Version string
	// DataDir is the data folder (--data-dir), for commands that must not
	// open it first, such as restore.
	DataDir string
	// Open opens a URL in the system browser.
	Open func(url string) error
	// Monitor gives the token checker over the same data.
	Monitor func() (*monitor.Monitor, error)
	// AfterCheck runs after "check": it raises desktop notifications for
	// accounts that need the user when no window is running to do it.
	AfterCheck func(ctx context.Context) error

	// progress is the unfiltered Stderr, for check's counter, which needs
	// carriage returns. Run sets it.
	progress io.Writer
}

type command struct {
	name  string // "client add"
	usage string // arguments after the name
	help  string
	run   func(ctx context.Context, env *Env, args []string) (int, error)
	// readsSecrets marks commands that take tokens or secrets on standard
	// input, so a stray argument is answered with why, not a count.
	readsSecrets bool
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// Run runs the command named by args and returns the process exit code.
func Run(ctx context.Context, env *Env, args []string) int {
	// Every command prints through the terminal filter (see terminalWriter).
	filtered := *env
	filtered.Stdout, filtered.Stderr = &terminalWriter{w: env.Stdout}, &terminalWriter{w: env.Stderr}
	filtered.progress = env.Stderr
	env = &filtered
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || (args[0] == "help" && len(args) == 1) {
		printUsage(env.Stdout)
		return ExitOK
	}
	if args[0] == "help" {
		// "tokenwarden help client add" is "tokenwarden client add --help".
		args = append(args[1:], "--help")
	}
	cmd, rest := find(args)
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "error: unknown command %q\n", strings.Join(args[:min(2, len(args))], " "))
		if hint := backend.DidYouMean(strings.Join(args[:min(2, len(args))], " "), commandWords(args[0])); hint != "" {
			fmt.Fprintln(env.Stderr, hint)
		}
		fmt.Fprintln(env.Stderr, `Run "tokenwarden help" to see the commands.`)
		return ExitError
	}
	code, err := cmd.run(ctx, env, rest)
	if err != nil {
		var help helpRequest
		if errors.As(err, &help) {
			printCommandHelp(env.Stdout, cmd, help.fs)
			return ExitOK
		}
		var usage usageError
		if errors.As(err, &usage) {
			msg := usage.msg
			if usage.extraArgs && cmd.readsSecrets {
				msg = "tokens and secrets are read from standard input, so they stay out of your shell history " +
					"and the process list; pipe them in (see the example in tokenwarden " + cmd.name + " --help)"
			}
			fmt.Fprintf(env.Stderr, "error: %s\nusage: tokenwarden %s %s\n", msg, cmd.name, cmd.usage)
			return ExitError
		}
		fmt.Fprintf(env.Stderr, "error: %s\n", backend.ErrorMessage(err))
		return ExitError
	}
	return code
}

// find picks the command args name: a two-word command ("client add")
// before a one-word one.
func find(args []string) (*command, []string) {
	if len(args) > 1 {
		if sub := commands[args[0]+" "+args[1]]; sub != nil {
			return sub, args[2:]
		}
	}
	if cmd := commands[args[0]]; cmd != nil {
		return cmd, args[1:]
	}
	return nil, nil
}

// commandWords lists what a mistyped command could have meant: the full
// names, and for a known first word ("client"), its subcommands.
func commandWords(first string) []string {
	var out []string
	seen := map[string]bool{}
	for n := range commands {
		out = append(out, n)
		if w, _, ok := strings.Cut(n, " "); ok && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

func printCommandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s.\n\nusage: tokenwarden %s %s\n", c.help, c.name, c.usage)
	if c.readsSecrets {
		fmt.Fprintln(w, "\nTokens and secrets are read from standard input, never from arguments.")
	}
	if fs != nil {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	fmt.Fprintln(w, "\nGlobal flag: --data-dir DIR (or TOKENWARDEN_HOME) picks the data folder.")
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Tokenwarden keeps your clients' accounts connected.")
	fmt.Fprintln(w, "\nWith no command it opens the window. Commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  %-50s %s\n", strings.TrimSpace(n+" "+c.usage), c.help)
	}
	fmt.Fprintln(w, "\nGlobal flag: --data-dir DIR (or TOKENWARDEN_HOME) picks the data folder.")
	fmt.Fprintln(w, "Exit codes: 0 ok, 1 an account needs attention, 2 error.")
}

// usageError is a mistake in the command line itself; extraArgs marks
// positional arguments a command does not take.
type usageError struct {
	msg       string
	extraArgs bool
}

// helpRequest is -h or --help on a command: its help goes to stdout, exit 0.
type helpRequest struct{ fs *flag.FlagSet }

func (h helpRequest) Error() string { return "help requested" }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{msg: fmt.Sprintf(format, args...)} }

// parse parses flags and checks the number of positional arguments.
func parse(fs *flag.FlagSet, args []string, positional int) ([]string, error) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, helpRequest{fs}
		}
		return nil, usagef("%v", err)
	}
	if fs.NArg() > positional {
		return nil, usageError{msg: fmt.Sprintf("unexpected argument %q (this command takes %d)", fs.Arg(positional), positional), extraArgs: true}
	}
	if fs.NArg() != positional {
		return nil, usagef("expected %d argument(s), got %d", positional, fs.NArg())
	}
	return fs.Args(), nil
}

// isTerminal reports whether w is a terminal: progress lines that rewrite
// themselves with "\r" only make sense there; in a log they run together.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
