package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

func init() {
	register(&command{
		name:         "account import",
		usage:        "--client NAME --provider ID --label LABEL [--expires-at RFC3339 | --expires-in DURATION] [--refresh-token-stdin] [--replace]",
		help:         "Import a token read from stdin (refresh token on the next line)",
		run:          runAccountImport,
		readsSecrets: true,
	})
}

func runAccountImport(ctx context.Context, env *Env, args []string) (int, error) {
	fs := flag.NewFlagSet("account import", flag.ContinueOnError)
	client := fs.String("client", "", "client name or id")
	provider := fs.String("provider", "", "provider id")
	label := fs.String("label", "", "account label")
	expiresAt := fs.String("expires-at", "", "expiry as RFC 3339")
	expiresIn := fs.String("expires-in", "", "expiry from now, e.g. 90m, 12h, 60d")
	withRefresh := fs.Bool("refresh-token-stdin", false, "read a refresh token from the second line of stdin")
	replace := fs.Bool("replace", false, "replace the token of the client's account with the same platform and label")
	if _, err := parse(fs, args, 0); err != nil {
		return ExitError, err
	}
	if *client == "" || *provider == "" || *label == "" {
		return ExitError, usagef("--client, --provider and --label are required")
	}
	expiry, err := parseExpiry(*expiresAt, *expiresIn, time.Now())
	if err != nil {
		return ExitError, err
	}
	access, refresh, err := readTokens(env.Stdin, *withRefresh)
	if err != nil {
		return ExitError, err
	}
	svc, err := env.Service()
	if err != nil {
		return ExitError, err
	}
	c, err := svc.FindClient(ctx, *client)
	if err != nil {
		return ExitError, err
	}
	a, err := svc.ImportAccount(ctx, accounts.ImportRequest{
		ClientID: c.ID, Provider: *provider, Label: *label,
		Token:   backend.Token{AccessToken: access, RefreshToken: refresh, ExpiresAt: expiry},
		Replace: *replace,
	})
	if err != nil {
		return ExitError, err
	}
	fmt.Fprintln(env.Stdout, a.ID)
	return ExitOK, nil
}

// parseExpiry reads --expires-at or --expires-in; at most one may be given.
func parseExpiry(at, in string, now time.Time) (*time.Time, error) {
	switch {
	case at != "" && in != "":
		return nil, usagef("give --expires-at or --expires-in, not both")
	case at != "":
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return nil, backend.Errorf(backend.EINVALID, "--expires-at %q is not a date in RFC 3339 form.", at).
				WithHint("Write it like 2026-12-31T18:00:00Z.")
		}
		return &t, nil
	case in != "":
		d, err := ParseDuration(in)
		if err != nil || d <= 0 {
			return nil, backend.Errorf(backend.EINVALID, "--expires-in %q is not a positive duration.", in).
				WithHint("Write it like 90m, 12h or 60d.")
		}
		if d > maxExpiresIn {
			return nil, backend.Errorf(backend.EINVALID, "--expires-in %q is more than %d days; no token lasts that long.", in, maxExpiresIn/(24*time.Hour)).
				WithHint("Leave --expires-in out if the token does not expire.")
		}
		t := now.Add(d)
		return &t, nil
	}
	return nil, nil
}

// maxExpiresIn is the longest lifetime a token may be given by hand: the
// longest a token response may claim.
const maxExpiresIn = oauth.MaxAccessLifetime

// ParseDuration is time.ParseDuration plus a "d" suffix for days, as token
// lifetimes are counted in days. A day count beyond what a time.Duration
// holds (about 106751 days) is an error, not a wrapped value.
func ParseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int64
		if _, err := fmt.Sscanf(days, "%d", &n); err != nil || fmt.Sprint(n) != days {
			return 0, fmt.Errorf("bad day count %q", days)
		}
		if n > int64(math.MaxInt64/(24*time.Hour)) || n < -int64(math.MaxInt64/(24*time.Hour)) {
			return 0, fmt.Errorf("day count %q is too large", days)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// readTokens reads the access token from the first line of stdin and, when
// asked, the refresh token from the second.
func readTokens(r io.Reader, withRefresh bool) (access, refresh string, err error) {
	sc := bufio.NewScanner(io.LimitReader(r, 4*backend.MaxTokenLength))
	sc.Buffer(make([]byte, 0, 4096), 2*backend.MaxTokenLength)
	if sc.Scan() {
		access = strings.TrimRight(sc.Text(), "\r")
	}
	if withRefresh && sc.Scan() {
		refresh = strings.TrimRight(sc.Text(), "\r")
	}
	if err := sc.Err(); err != nil {
		return "", "", stdinError(err, "token")
	}
	if access == "" {
		return "", "", backend.Errorf(backend.EINVALID, "No access token on standard input.").
			WithHint("Pipe it in, for example: pbpaste | tokenwarden account import ...")
	}
	if withRefresh && refresh == "" {
		return "", "", backend.Errorf(backend.EINVALID, "No refresh token on the second line of standard input.")
	}
	return access, refresh, nil
}

// readSecretLine reads one secret from the first line of stdin.
func readSecretLine(r io.Reader, what string) (string, error) {
	sc := bufio.NewScanner(io.LimitReader(r, 2*backend.MaxTokenLength))
	sc.Buffer(make([]byte, 0, 4096), 2*backend.MaxTokenLength)
	if !sc.Scan() || strings.TrimSpace(sc.Text()) == "" {
		if err := sc.Err(); err != nil {
			return "", stdinError(err, what)
		}
		return "", backend.Errorf(backend.EINVALID, "No %s on standard input.", what)
	}
	return backend.CleanToken(what, sc.Text())
}

// stdinError explains why a line of standard input could not be read.
func stdinError(err error, what string) error {
	if errors.Is(err, bufio.ErrTooLong) {
		return backend.Errorf(backend.EINVALID, "The %s on standard input is longer than %d bytes; this is not a token.", what, backend.MaxTokenLength).
			WithHint("Paste only the token, on one line.")
	}
	return backend.Errorf(backend.EINVALID, "Could not read the %s from standard input: %v.", what, err)
}
