package monitor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/keychain"
	"github.com/tokenwarden/tokenwarden/backend/providers"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

var bg = context.Background()

// t0 is the fake clock's start.
var t0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func ptr(t time.Time) *time.Time { return &t }

// --- providers ---

type registry map[string]*backend.Provider

func (r registry) Provider(id string) (*backend.Provider, error) {
	if p := r[id]; p != nil {
		return p, nil
	}
	return nil, backend.Errorf(backend.EINVALID, "unknown provider %q", id)
}

func (r registry) Providers() []*backend.Provider {
	out := make([]*backend.Provider, 0, len(r))
	for _, p := range r {
		out = append(out, p)
	}
	return out
}

func testProviders() registry {
	return registry{
		"google": {ID: "google", Name: "Google", AuthURL: "https://accounts.google.com/o/oauth2/v2/auth", TokenURL: "https://oauth2.googleapis.com/token",
			Refresh: backend.RefreshToken, Lifetimes: backend.Lifetimes{Access: time.Hour, RefreshIdle: 4380 * time.Hour}},
		"facebook": {ID: "facebook", Name: "Facebook", Refresh: backend.RefreshFacebook,
			Lifetimes: backend.Lifetimes{Access: 1440 * time.Hour, DataAccess: 2160 * time.Hour},
			Scopes: []backend.Scope{{Name: "pages_show_list", Purpose: "Lists the Pages this person manages."},
				{Name: "pages_manage_posts", Purpose: "Publishes, edits and deletes posts on the Pages."}}},
		"instagram": {ID: "instagram", Name: "Instagram", Refresh: backend.RefreshInstagram, Lifetimes: backend.Lifetimes{Access: 1440 * time.Hour}},
		"microsoft": {ID: "microsoft", Name: "Microsoft", Refresh: backend.RefreshToken, Lifetimes: backend.Lifetimes{Access: time.Hour, RefreshIdle: 2160 * time.Hour}},
		"linkedin": {ID: "linkedin", Name: "LinkedIn", Refresh: backend.RefreshToken,
			Lifetimes: backend.Lifetimes{Access: 1440 * time.Hour, Refresh: 8760 * time.Hour, RefreshFixed: true}},
		"tiktok":  {ID: "tiktok", Name: "TikTok", Refresh: backend.RefreshToken, Lifetimes: backend.Lifetimes{Access: 2 * time.Hour, Refresh: 4320 * time.Hour}},
		"x":       {ID: "x", Name: "X", Refresh: backend.RefreshToken, Lifetimes: backend.Lifetimes{Access: 2 * time.Hour}},
		"static":  {ID: "static", Name: "Static", Refresh: backend.RefreshNone},
		"custom1": {ID: "custom1", Name: "Custom One", Refresh: backend.RefreshToken, Lifetimes: backend.Lifetimes{Access: time.Hour}},
		"custom2": {ID: "custom2", Name: "Custom Two", Refresh: backend.RefreshToken, Lifetimes: backend.Lifetimes{Access: time.Hour}},
	}
}

// --- secrets ---

// memSecrets is an in-memory keychain; setErr, when set, can fail writes.
type memSecrets struct {
	mu     sync.Mutex
	m      map[string]string
	setErr func(owner string, kind backend.SecretKind) error
	getErr error
	writes []string // owner/kind of every write, in order
}

func newMemSecrets() *memSecrets { return &memSecrets{m: map[string]string{}} }

func (s *memSecrets) SetSecret(_ context.Context, owner string, kind backend.SecretKind, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.setErr != nil {
		if err := s.setErr(owner, kind); err != nil {
			return err
		}
	}
	s.m[owner+"/"+string(kind)] = value
	s.writes = append(s.writes, owner+"/"+string(kind))
	return nil
}

func (s *memSecrets) Secret(_ context.Context, owner string, kind backend.SecretKind) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.getErr != nil {
		return "", s.getErr
	}
	v, ok := s.m[owner+"/"+string(kind)]
	if !ok {
		return "", backend.Errorf(backend.ENOTFOUND, "no such secret")
	}
	return v, nil
}

func (s *memSecrets) DeleteSecret(_ context.Context, owner string, kind backend.SecretKind) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, owner+"/"+string(kind))
	return nil
}

func (s *memSecrets) Ping(context.Context) error { return nil }

// realKeychain returns the OS keychain under a namespace of its own, or
// skips the test unless TOKENWARDEN_REQUIRE_KEYRING=1 (scripts/with-keyring).
func realKeychain(t testing.TB, dir string) *keychain.Keychain {
	t.Helper()
	if os.Getenv("TOKENWARDEN_REQUIRE_KEYRING") != "1" {
		t.Skip("needs the real keychain: run under scripts/with-keyring (sets TOKENWARDEN_REQUIRE_KEYRING=1)")
	}
	k, err := keychain.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Ping(bg); err != nil {
		t.Fatalf("the keychain does not work: %v", err)
	}
	return k
}

// secretsFor is the real keychain when available, else the in-memory one:
// logic tests run either way.
func secretsFor(t *testing.T, dir string) backend.Secrets {
	if os.Getenv("TOKENWARDEN_REQUIRE_KEYRING") == "1" {
		return realKeychain(t, dir)
	}
	return newMemSecrets()
}

func cleanupSecrets(t testing.TB, s backend.Secrets, ids ...string) {
	t.Cleanup(func() {
		for _, id := range ids {
			_ = s.DeleteSecret(bg, id, backend.SecretAccessToken)
			_ = s.DeleteSecret(bg, id, backend.SecretRefreshToken)
		}
	})
}

func secret(t testing.TB, s backend.Secrets, id string, kind backend.SecretKind) string {
	t.Helper()
	v, err := s.Secret(bg, id, kind)
	if err != nil && backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Fatal(err)
	}
	return v
}

// --- store ---

func openStore(t testing.TB, dir string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(dir, "tokenwarden.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func randomToken(prefix string) string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// env is a test world: a data folder, a store, secrets, a fake checker,
// a clock and a monitor over them.
type env struct {
	t       *testing.T
	dir     string
	store   *sqlite.DB
	secrets backend.Secrets
	checker *fakeChecker
	clock   *clock
	m       *Monitor
	client  *backend.Client
}

func newEnv(t *testing.T) *env {
	dir := t.TempDir()
	return newEnvWith(t, dir, secretsFor(t, dir))
}

// newMemEnv is newEnv with the in-memory keychain, for pure logic tables.
func newMemEnv(t *testing.T) *env {
	return newEnvWith(t, t.TempDir(), newMemSecrets())
}

func newEnvWith(t *testing.T, dir string, secrets backend.Secrets) *env {
	e := &env{t: t, dir: dir, store: openStore(t, dir), secrets: secrets}
	e.reset()
	e.client = e.newClient("Acme")
	return e
}

// reset gives the env a new clock, checker and monitor over the same data,
// so table tests share one database (opening one is slow under -race).
func (e *env) reset() {
	e.checker, e.clock = newFakeChecker(), newClock(t0)
	e.m = &Monitor{
		Store: e.store, Secrets: e.secrets, Providers: testProviders(), DataDir: e.dir, Now: e.clock.Now,
		Checkers: func(*backend.Provider) backend.Checker { return e.checker },
		Credentials: func(_ context.Context, p *backend.Provider) (backend.Credentials, error) {
			return backend.Credentials{ProviderID: p.ID, ClientID: "cid-" + p.ID, ClientSecret: "app-secret-" + p.ID}, nil
		},
		Limits: Limits{DefaultRate: 1000, Rate: map[string]float64{"x": 1000}, MaxWait: time.Second, RateLimitPause: 50 * time.Millisecond},
	}
}

func (e *env) newClient(name string) *backend.Client {
	c := &backend.Client{ID: backend.NewID("cli"), Name: name}
	if err := e.store.Update(bg, func(tx backend.Tx) error { return tx.InsertClient(c) }); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// addAccount stores an account with an access token (and a refresh token
// when refresh is set). Zero fields get defaults.
func (e *env) addAccount(a *backend.Account, access, refresh string) *backend.Account {
	e.t.Helper()
	if a.ID == "" {
		a.ID = backend.NewID("acc")
	}
	if a.ClientID == "" {
		a.ClientID = e.client.ID
	}
	if a.Label == "" {
		a.Label = "Account " + a.ID[4:8]
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = e.clock.Now().Add(-30 * day)
	}
	a.HasRefreshToken = refresh != ""
	if access != "" {
		if err := e.secrets.SetSecret(bg, a.ID, backend.SecretAccessToken, access); err != nil {
			e.t.Fatal(err)
		}
	}
	if refresh != "" {
		if err := e.secrets.SetSecret(bg, a.ID, backend.SecretRefreshToken, refresh); err != nil {
			e.t.Fatal(err)
		}
	}
	cleanupSecrets(e.t, e.secrets, a.ID)
	if err := e.store.Update(bg, func(tx backend.Tx) error { return tx.InsertAccount(a) }); err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) account(id string) *backend.Account {
	e.t.Helper()
	return read(e, func(tx backend.Tx) (*backend.Account, error) { return tx.Account(id) })
}

// read runs one read in a transaction and fails the test on an error.
func read[T any](e *env, f func(backend.Tx) (T, error)) T {
	e.t.Helper()
	var v T
	if err := e.store.View(bg, func(tx backend.Tx) (err error) {
		v, err = f(tx)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return v
}

func (e *env) events(accountID string) []*backend.Event {
	e.t.Helper()
	var es []*backend.Event
	if err := e.store.View(bg, func(tx backend.Tx) (err error) {
		es, err = tx.Events(backend.EventFilter{AccountID: accountID, Limit: 1000})
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	slices.Reverse(es) // oldest first
	return es
}

func kinds(es []*backend.Event) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Kind+"/"+e.Outcome)
	}
	return out
}

func (e *env) check(id string, force bool) *Result {
	e.t.Helper()
	r, err := e.m.Check(bg, id, force)
	if err != nil {
		e.t.Fatalf("Check: %v", err)
	}
	return r
}

// noSecrets fails when any event or result mentions one of the secrets.
func (e *env) noSecrets(results []*Result, secrets ...string) {
	e.t.Helper()
	var all []*backend.Event
	if err := e.store.View(bg, func(tx backend.Tx) (err error) {
		all, err = tx.Events(backend.EventFilter{Limit: 1000})
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	blob, _ := json.Marshal(all)
	rb, _ := json.Marshal(results)
	for _, s := range secrets {
		if s != "" && (strings.Contains(string(blob), s) || strings.Contains(string(rb), s)) {
			e.t.Errorf("a secret (%s…) appears in the history or a result", s[:6])
		}
	}
}

// --- checker ---

// reasonErr is a checker error with a reason code and an optional wait.
type reasonErr struct {
	reason string
	retry  time.Duration
	msg    string
}

func (e *reasonErr) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return "platform error: " + e.reason
}
func (e *reasonErr) ReasonCode() string        { return e.reason }
func (e *reasonErr) RetryAfter() time.Duration { return e.retry }
func errReason(r string) error                 { return &reasonErr{reason: r} }
func errRetry(r string, d time.Duration) error { return &reasonErr{reason: r, retry: d} }

var _ interface{ RetryAfter() time.Duration } = (*reasonErr)(nil)

// fakeChecker answers from functions and counts calls.
type fakeChecker struct {
	providers.Quirks // the platforms' real quirks
	mu               sync.Mutex
	validate         func(p *backend.Provider, token string) (*backend.Validation, error)
	refresh          func(p *backend.Provider, access, refresh string) (*backend.Grant, error)
	delay            time.Duration
	validated        []string
	refreshed        []string // refresh tokens (or access tokens for exchanges) used
	calls            []time.Time
	inflight         map[string]int
	peak             map[string]int // per provider; "" overall
}

func newFakeChecker() *fakeChecker {
	return &fakeChecker{inflight: map[string]int{}, peak: map[string]int{},
		validate: func(*backend.Provider, string) (*backend.Validation, error) {
			return &backend.Validation{Valid: true}, nil
		},
		refresh: func(p *backend.Provider, access, refresh string) (*backend.Grant, error) {
			return nil, errors.New("refresh not expected")
		},
	}
}

func (f *fakeChecker) enter(p string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, time.Now())
	for _, k := range []string{"", p} {
		f.inflight[k]++
		f.peak[k] = max(f.peak[k], f.inflight[k])
	}
}

func (f *fakeChecker) leave(p string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inflight[""]--
	f.inflight[p]--
}

func (f *fakeChecker) Validate(ctx context.Context, p *backend.Provider, _ backend.Credentials, token string) (*backend.Validation, error) {
	f.enter(p.ID)
	defer f.leave(p.ID)
	f.mu.Lock()
	f.validated = append(f.validated, token)
	fn, d := f.validate, f.delay
	f.mu.Unlock()
	if d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return fn(p, token)
}

func (f *fakeChecker) Refresh(ctx context.Context, p *backend.Provider, _ backend.Credentials, access, refresh string) (*backend.Grant, error) {
	f.enter(p.ID)
	defer f.leave(p.ID)
	f.mu.Lock()
	used := refresh
	if used == "" {
		used = access
	}
	f.refreshed = append(f.refreshed, used)
	fn := f.refresh
	f.mu.Unlock()
	return fn(p, access, refresh)
}

func (f *fakeChecker) setValidate(fn func(p *backend.Provider, token string) (*backend.Validation, error)) {
	f.mu.Lock()
	f.validate = fn
	f.mu.Unlock()
}

func (f *fakeChecker) setRefresh(fn func(p *backend.Provider, access, refresh string) (*backend.Grant, error)) {
	f.mu.Lock()
	f.refresh = fn
	f.mu.Unlock()
}

func (f *fakeChecker) counts() (validated, refreshed int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.validated), len(f.refreshed)
}
