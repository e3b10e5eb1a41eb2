package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend/accounts"
)

// TestRunUsage covers what the command line answers before it opens any
// data: help, mistyped commands and tokens passed as arguments.
func TestRunUsage(t *testing.T) {
	noData := func() (*Env, *bytes.Buffer, *bytes.Buffer) {
		var out, errOut bytes.Buffer
		return &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
			Service: func() (*accounts.Service, error) {
				t.Fatal("help or bad usage must not open the data folder")
				return nil, nil
			}}, &out, &errOut
	}
	for _, tc := range []struct {
		args    []string
		code    int
		stdout  string // must contain
		stderr  string // must contain
		noStdio bool   // stdout must stay empty
	}{
		{args: []string{"connect", "--help"}, code: ExitOK, stdout: "usage: tokenwarden connect"},
		{args: []string{"connect", "-h"}, code: ExitOK, stdout: "--scopes"},
		{args: []string{"help", "client", "add"}, code: ExitOK, stdout: "usage: tokenwarden client add NAME"},
		{args: []string{"account", "import", "--help"}, code: ExitOK, stdout: "read from standard input"},
		{args: []string{"stauts"}, code: ExitError, stderr: `Did you mean "status"?`, noStdio: true},
		{args: []string{"client", "ad"}, code: ExitError, stderr: `Did you mean "client add"`, noStdio: true},
		{args: []string{"account", "import", "--client", "a", "--provider", "google", "--label", "x", "ya29.secret-token"},
			code: ExitError, stderr: "read from standard input, so they stay out of your shell history", noStdio: true},
		{args: []string{"client", "add", "a", "b"}, code: ExitError, stderr: `unexpected argument "b"`, noStdio: true},
	} {
		env, out, errOut := noData()
		if code := Run(context.Background(), env, tc.args); code != tc.code {
			t.Errorf("%q: exit %d, want %d (stderr %q)", tc.args, code, tc.code, errOut)
		}
		if !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errOut.String(), tc.stderr) {
			t.Errorf("%q: stdout %q, stderr %q; want %q / %q", tc.args, out, errOut, tc.stdout, tc.stderr)
		}
		if tc.noStdio && out.Len() > 0 {
			t.Errorf("%q: printed %q on stdout", tc.args, out)
		}
		if strings.Contains(out.String()+errOut.String(), "ya29.secret-token") {
			t.Errorf("%q: the token was echoed back", tc.args)
		}
	}
}
