package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/cli"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
	"github.com/tokenwarden/tokenwarden/backend/wire"
)

// app is Tokenwarden's command line over one data folder, run the way the
// binary runs it: each command opens the data folder afresh, as a new
// process would, with the real SQLite file and the real keychain.
type app struct {
	t          *testing.T
	dir        string
	browser    *browser
	transcript bytes.Buffer // every command's output, for the leak scan
	// skew moves the app's clock ahead of the real one (see later).
	skew time.Duration
	// cutKeychain makes every keychain write fail, as when the keyring
	// daemon dies mid-renewal: the provider's answer is never stored.
	cutKeychain bool
}

// later moves the app's clock d ahead: the user runs the next command a
// few minutes on, so the monitor's "checked less than a minute ago" and
// "just renewed" guards do not swallow it.
func (a *app) later(d time.Duration) { a.skew += d }

func (a *app) now() time.Time { return time.Now().Add(a.skew) }

func newApp(t *testing.T) *app {
	return &app{t: t, dir: t.TempDir(), browser: newBrowser()}
}

// openService opens the data folder the way the app does (package wire),
// on the test's clock; cutKeychain makes its keychain fail every write.
func openService(dataDir string, now func() time.Time, cutKeychain bool) (*accounts.Service, *monitor.Monitor, func(), error) {
	svc, db, _, err := wire.Open(dataDir)
	if err != nil {
		return nil, nil, nil, err
	}
	if cutKeychain {
		svc.Secrets = deadKeychain{svc.Secrets}
	}
	svc.Now = now
	return svc, wire.Monitor(svc), func() { db.Close() }, nil
}

// deadKeychain reads, and fails every write as a keyring daemon that was
// just killed would.
type deadKeychain struct{ backend.Secrets }

func (deadKeychain) SetSecret(context.Context, string, backend.SecretKind, string) error {
	return backend.Errorf(backend.EUNAVAILABLE, "The keychain stopped answering (the keyring daemon was killed).")
}

// cliResult is what one command did.
type cliResult struct {
	Code           int
	Stdout, Stderr string
}

func (r cliResult) String() string {
	return fmt.Sprintf("exit %d; stdout: %s; stderr: %s", r.Code, strings.TrimSpace(r.Stdout), strings.TrimSpace(r.Stderr))
}

// run runs one command; a login that does not reach the app within 20 s
// is cancelled rather than waiting out the 5-minute sign-in window.
func (a *app) run(stdin string, args ...string) cliResult {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	var closeDB func()
	var svc *accounts.Service
	var mon *monitor.Monitor
	open := func() error {
		if svc != nil {
			return nil
		}
		s, m, c, err := openService(a.dir, a.now, a.cutKeychain)
		if err != nil {
			return err
		}
		svc, mon, closeDB = s, m, c
		return nil
	}
	env := &cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr, Version: "conformance",
		Open: a.browser.open,
		Service: func() (*accounts.Service, error) {
			if err := open(); err != nil {
				return nil, err
			}
			return svc, nil
		},
		Monitor: func() (*monitor.Monitor, error) {
			if err := open(); err != nil {
				return nil, err
			}
			return mon, nil
		},
	}
	code := cli.Run(ctx, env, args)
	a.browser.inflight.Wait() // the success page is still loading when Run returns
	if closeDB != nil {
		closeDB()
	}
	a.transcript.Write(stdout.Bytes())
	a.transcript.Write(stderr.Bytes())
	return cliResult{code, stdout.String(), stderr.String()}
}

// statusRow is one account of "status --json".
type statusRow struct {
	ID              string     `json:"id"`
	Status          string     `json:"status"`
	Reason          string     `json:"reason"`
	ExpiresAt       *time.Time `json:"expires_at"`
	HasRefreshToken bool       `json:"has_refresh_token"`
	Renews          bool       `json:"renews"`
	ReconnectBy     *time.Time `json:"reconnect_by"`
	LastCheckedAt   *time.Time `json:"last_checked_at"`
	CheckProblem    string     `json:"check_problem"`
	UnverifiedSince *time.Time `json:"unverified_since"`
	Label           string     `json:"label"`
}

// status is the account id's row of "status --json"; nil when absent.
func (a *app) status(id string) (*statusRow, error) {
	r := a.run("", "status", "--json")
	if r.Code == cli.ExitError {
		return nil, fmt.Errorf("status: %s", r)
	}
	var rows []statusRow
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
		return nil, fmt.Errorf("status --json: %v", err)
	}
	for i := range rows {
		if rows[i].ID == id {
			return &rows[i], nil
		}
	}
	return nil, nil
}

func (a *app) accountCount() (int, error) {
	r := a.run("", "status", "--json")
	var rows []statusRow
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
		return 0, fmt.Errorf("status --json: %v (%s)", err, r)
	}
	return len(rows), nil
}

// checkResult is one entry of "check --json".
type checkResult struct {
	AccountID string   `json:"account_id"`
	After     string   `json:"after"`
	Refreshed bool     `json:"refreshed"`
	Verdict   string   `json:"verdict"`
	Reason    string   `json:"reason"`
	Message   string   `json:"message"`
	Findings  []string `json:"findings"`
	Error     string   `json:"error"`
}

// check runs "check --json" with args and returns the account's result.
func (a *app) check(id string, args ...string) (*checkResult, cliResult, error) {
	r := a.run("", append([]string{"check", "--json"}, args...)...)
	var res []checkResult
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		return nil, r, fmt.Errorf("check --json: %v (%s)", err, r)
	}
	for i := range res {
		if res[i].AccountID == id {
			return &res[i], r, nil
		}
	}
	return nil, r, fmt.Errorf("check --json has no result for %s (%s)", id, r)
}

// scanForLeaks looks for every secret in every file of the data folder and
// in every command's output.
func (a *app) scanForLeaks(secrets []string) error {
	secrets = slices.DeleteFunc(slices.Clone(secrets), func(s string) bool { return s == "" })
	if len(secrets) == 0 {
		return fmt.Errorf("the server logged no tokens to look for")
	}
	var found []string
	err := filepath.Walk(a.dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				found = append(found, filepath.Base(path))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, s := range secrets {
		if bytes.Contains(a.transcript.Bytes(), []byte(s)) {
			found = append(found, "command output")
		}
	}
	if len(found) > 0 {
		return fmt.Errorf("a token the server issued is in: %s", strings.Join(found, ", "))
	}
	return nil
}

// browser stands in for the system browser: it loads the authorization URL
// and follows the redirects (the server finishes login and consent by
// itself) to the app's loopback callback, keeping cookies between logins
// as a browser keeps the provider's session. The app calls open on a
// goroutine of its own, so the state is behind mu.
type browser struct {
	client   *http.Client
	inflight sync.WaitGroup // open calls still loading a page
	mu       sync.Mutex
	// spoilIss, when set, replaces the iss parameter of the authorization
	// response on its way to the app: a mix-up attacker's answer (RFC 9207).
	spoilIss string
	lastErr  error
}

func newBrowser() *browser {
	b := &browser{}
	jar, _ := cookiejar.New(nil)
	b.client = &http.Client{Jar: jar, Timeout: 15 * time.Second, CheckRedirect: b.redirect}
	return b
}

func (b *browser) setSpoilIss(iss string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.spoilIss = iss
}

// takeError returns and clears how the last page load went wrong.
func (b *browser) takeError() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.lastErr
	b.lastErr = nil
	return err
}

func (b *browser) redirect(req *http.Request, via []*http.Request) error {
	if len(via) > 20 {
		return fmt.Errorf("more than 20 redirects")
	}
	b.mu.Lock()
	spoil := b.spoilIss
	b.mu.Unlock()
	q := req.URL.Query()
	if spoil != "" && q.Get("state") != "" && q.Get("iss") != "" {
		q.Set("iss", spoil)
		req.URL.RawQuery = q.Encode()
	}
	return nil
}

func (b *browser) open(u string) error {
	b.inflight.Add(1)
	defer b.inflight.Done()
	var failed error
	resp, err := b.client.Get(u)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 400 {
			failed = fmt.Errorf("the browser ended on HTTP %d at %s", resp.StatusCode, redact(resp.Request.URL))
		}
	} else {
		failed = err
	}
	b.mu.Lock()
	b.lastErr = failed
	b.mu.Unlock()
	return err
}

// redact drops the query of u, where codes and states travel.
func redact(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	return c.String()
}
