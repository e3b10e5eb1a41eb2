// Package monitor checks and renews every account in the background and
// explains every failure.
//
// A check of one account (Check) runs under the account's lock (package
// lock), so the window, a cron "tokenwarden check" and any number of
// goroutines never renew the same tokens twice. Under the lock it re-reads
// the account, renews the tokens first when that is due (RefreshMargin, the
// refresh token's idle limit), then asks the platform whether the access
// token works (backend.Checker.Validate) and records what it learnt: expiry,
// scopes, Pages, API usage, and a verdict. Every check, renewal and failure
// writes a history event; none holds a secret.
//
// Failures are of two kinds. A verdict says the token does not work (revoked,
// password changed, expired...): the account is marked Invalid with the
// reason. A failure without a verdict (network, rate limit, platform down:
// backend.Transient) says nothing about the token: the account is left as it
// was, CheckFailures counts up and the check is retried with exponential
// backoff (Backoff), never sooner than the platform's Retry-After.
//
// CheckMany checks many accounts with bounded concurrency and a per-platform
// request rate; Run is the scheduler the window runs: one timer set to the
// earliest NextCheckAt, plus a coarse heartbeat that notices the computer
// waking from sleep.
//
// # Renewal and crash safety
//
// A renewal with a rotating refresh token is the one step where a crash can
// lose an account: the platform has issued a new refresh token, and the old
// one may stop working. The order is therefore:
//
//  1. the new refresh token is written to the keychain (a single item write,
//     which the keychain package makes atomic);
//  2. then the new access token;
//  3. then the account row and its history event, in one transaction.
//
// The platform is never called with a token that is not in the keychain,
// and when the platform sends no new refresh token the old one is kept.
// Once a renewal has succeeded, cancelling the context no longer stops these
// writes. With "grace" rotation (Okta, Auth0, Microsoft: the previous refresh
// token keeps working until the new one is used) a crash at any moment
// leaves a working account. With strict rotation (TikTok: the old token dies
// the moment the new one is issued) a crash between the platform's answer
// and step 1 loses the new token, and no client can prevent that; the
// window is kept to that one keychain write.
//
// # Shutdown
//
// A renewal that was sent is never cut off by its context: it waits up to
// renewalGrace for the platform's answer and stores it (outlive). Shutdown
// stops new renewals and waits for those under way; the command line and
// the window call it on SIGTERM, SIGHUP, SIGINT, the session ending and
// Quit (see package main).
package monitor

import (
	"context"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Verdict is what a check learnt about the token.
type Verdict string

const (
	VerdictValid   Verdict = "valid"   // the platform accepted the token
	VerdictInvalid Verdict = "invalid" // the platform said the token does not work
	VerdictNone    Verdict = "none"    // no answer about the token (network, rate limit, skipped)
)

// Result is what one check did and found, in plain words. It never holds a
// secret.
type Result struct {
	AccountID  string `json:"account_id"`
	Label      string `json:"label"`
	ClientID   string `json:"client_id"`
	ClientName string `json:"client_name"`
	Provider   string `json:"provider"`
	// Before and After are the account's status around the check.
	Before backend.Status `json:"before"`
	After  backend.Status `json:"after"`
	// Refreshed says the tokens were renewed during this check.
	Refreshed bool    `json:"refreshed"`
	Verdict   Verdict `json:"verdict"`
	// Reason is a backend reason code when something is wrong (also for a
	// valid token that lost permissions: scope_missing).
	Reason  string `json:"reason"`
	Message string `json:"message"`
	// Findings are further things noticed, each one sentence: "Page X lost",
	// "permission Y no longer granted", "API usage at 85%".
	Findings    []string   `json:"findings"`
	NextCheckAt *time.Time `json:"next_check_at"`
	// Skipped: the platform was not asked (checked moments ago by another
	// process, platform paused after a rate limit, no checker).
	Skipped bool `json:"skipped"`
	// Error is a local failure (keychain, database) that stopped the check;
	// only set in CheckMany's results, Check returns it as its error.
	Error string `json:"error,omitempty"`
	// RetryAfter is how long the platform asked to wait, when it did.
	RetryAfter time.Duration `json:"-"`
}

// NeedsAttention reports whether the account needs the user after the check.
func (r *Result) NeedsAttention() bool {
	switch r.After {
	case backend.StatusInvalid, backend.StatusExpired, backend.StatusExpiring:
		return true
	}
	return r.Reason == backend.ReasonScopeMissing || r.Reason == backend.ReasonAppMisconfigured
}

// Limits bound how hard the monitor works the platforms. Zero fields take
// the defaults.
type Limits struct {
	// Concurrency is the number of checks at once in this process (8).
	Concurrency int
	// PerProvider is the number of checks at once per platform (4).
	PerProvider int
	// Rate is requests per second per provider id; providers not listed
	// use DefaultRate (5/s). Each Validate or Refresh call counts as one.
	Rate        map[string]float64
	DefaultRate float64
	// RateLimitPause pauses a platform that said "rate limited" without a
	// Retry-After (30 s).
	RateLimitPause time.Duration
	// MaxWait is the longest a check waits for a paused platform; beyond it
	// the check is skipped and rescheduled for the end of the pause (1 min).
	MaxWait time.Duration
}

// DefaultRates are the per-platform request rates used when Limits.Rate does
// not list a provider. They are deliberately modest: a freelancer's few
// hundred accounts are checked a few times a day, so speed matters less
// than never tripping a platform's app-wide limit. X allows few identity
// calls per 15-minute window, hence its low rate [unsure: X's per-app
// limits for /2/users/me are not documented per second].
var DefaultRates = map[string]float64{
	"x": 1,
}

// Schedule tunes when accounts are checked. Zero fields take the defaults.
type Schedule struct {
	// Interval is the regular time between checks of a healthy account (12 h);
	// each account gets a fixed share of ±25% so checks spread out. Accounts
	// with a problem or a deadline within the warning window are checked
	// twice as often, invalid and expired ones once a day. Results always
	// fall between 6 h and 24 h unless a renewal or deadline comes sooner.
	Interval time.Duration
	// Batch: a sweep also checks accounts due within this time (30 s), so
	// that the scheduler wakes once for accounts due close together.
	Batch time.Duration
	// Heartbeat is how often Run compares the wall clock with the monotonic
	// clock to notice a wake from sleep (5 min); WakeJump is the difference
	// that counts as one (2 min).
	Heartbeat time.Duration
	WakeJump  time.Duration
	// MinGap is the shortest time between two sweeps (5 s), a guard against
	// spinning when a check cannot move an account's NextCheckAt.
	MinGap time.Duration
}

// Monitor checks and renews accounts. Set the fields, then use it from any
// number of goroutines; do not change the fields afterwards.
type Monitor struct {
	Store     backend.Store
	Secrets   backend.Secrets
	Providers backend.ProviderRegistry
	// Credentials gives a provider's developer app (client id and secret);
	// accounts.Service.Credentials.
	Credentials func(ctx context.Context, p *backend.Provider) (backend.Credentials, error)
	// Checkers gives the checker for a provider (providers.CheckerFor); nil
	// means the provider's accounts cannot be checked.
	Checkers func(*backend.Provider) backend.Checker
	// RetryAfterOf gives the wait a platform asked for (providers.RetryAfter);
	// nil uses errors with a RetryAfter() time.Duration method.
	RetryAfterOf func(error) time.Duration
	// TooSoon is the error a checker returns when a token is too young to be
	// renewed (providers.ErrTooSoon, Instagram's 24 hours); optional.
	TooSoon error
	// Discover fills a custom provider's endpoints from its issuer
	// (oauth.FillFromDiscovery); optional.
	Discover func(context.Context, *backend.Provider) error
	// DataDir holds the lock files (<DataDir>/locks).
	DataDir string
	// Now is the clock (time.Now).
	Now func() time.Time
	// Settings gives the warning window, how long before a deadline an
	// account counts as expiring, read on every use so that a change shows
	// at once; nil means backend.DefaultWarningWindow.
	Settings backend.SettingsStore
	Limits   Limits
	Schedule Schedule
	// OnResult, when set, is called after every check that completed, from
	// Check, CheckMany and Run alike, so the window can refresh and notify.
	// It runs on the checking goroutine: keep it short.
	OnResult func(*Result)
	// Inhibit, when set, is called as the first of the renewals under way
	// starts, and the function it returns as the last one has stored its
	// result: the window holds off the computer's shutdown meanwhile
	// (package session, logind's delay lock).
	Inhibit func(why string) (release func())
	// Trace, when set, is told each renewal's steps: "sent", "answered"
	// (the platform's new tokens are in memory) and "stored" (they are in
	// the keychain). The kill tests read them; nothing else should.
	Trace func(accountID, step string)

	once   sync.Once
	state  *state
	wakeup chan struct{} // Poke
}

// state is the monitor's shared runtime state.
type state struct {
	slots     chan struct{} // overall concurrency
	mu        sync.Mutex
	providers map[string]*providerState
	inflight  map[string]*call // checks under way, by account id
	renewals  renewals
	// wakeups counts scheduler loop iterations (tests check the loop idles).
	wakeups int64
}

// providerState is one platform's concurrency slots and request pacing.
type providerState struct {
	slots   chan struct{}
	limiter *limiter
}

func (m *Monitor) init() {
	m.once.Do(func() {
		m.state = &state{
			slots:     make(chan struct{}, m.concurrency()),
			providers: map[string]*providerState{},
			inflight:  map[string]*call{},
		}
		m.wakeup = make(chan struct{}, 1)
	})
}

func (m *Monitor) provState(id string) *providerState {
	m.state.mu.Lock()
	defer m.state.mu.Unlock()
	ps := m.state.providers[id]
	if ps == nil {
		ps = &providerState{slots: make(chan struct{}, m.perProvider()), limiter: newLimiter(m.rate(id))}
		m.state.providers[id] = ps
	}
	return ps
}

func (m *Monitor) now() time.Time { return backend.NowFrom(m.Now) }

// window is the warning window as the user set it now. The callers have no
// context of their own, so the read gets a few seconds; when it fails the
// default serves this once and the next use reads again.
func (m *Monitor) window() time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	w, err := backend.WarningWindowOf(ctx, m.Settings)
	if err != nil {
		return backend.DefaultWarningWindow
	}
	return w
}

func (m *Monitor) concurrency() int {
	if m.Limits.Concurrency > 0 {
		return m.Limits.Concurrency
	}
	return 8
}

func (m *Monitor) perProvider() int {
	if m.Limits.PerProvider > 0 {
		return m.Limits.PerProvider
	}
	return 4
}

func (m *Monitor) rate(providerID string) float64 {
	if r := m.Limits.Rate[providerID]; r > 0 {
		return r
	}
	if r := DefaultRates[providerID]; r > 0 {
		return r
	}
	if m.Limits.DefaultRate > 0 {
		return m.Limits.DefaultRate
	}
	return 5
}

func (m *Monitor) rateLimitPause() time.Duration {
	if m.Limits.RateLimitPause > 0 {
		return m.Limits.RateLimitPause
	}
	return 30 * time.Second
}

func (m *Monitor) maxWait() time.Duration {
	if m.Limits.MaxWait > 0 {
		return m.Limits.MaxWait
	}
	return time.Minute
}

func orDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (s Schedule) interval() time.Duration  { return orDuration(s.Interval, 12*time.Hour) }
func (s Schedule) batch() time.Duration     { return orDuration(s.Batch, 30*time.Second) }
func (s Schedule) heartbeat() time.Duration { return orDuration(s.Heartbeat, 5*time.Minute) }
func (s Schedule) wakeJump() time.Duration  { return orDuration(s.WakeJump, 2*time.Minute) }
func (s Schedule) minGap() time.Duration    { return orDuration(s.MinGap, 5*time.Second) }

// provider returns the account's provider, with a custom provider's
// endpoints filled from its issuer (whose document oauth.Discover caches).
func (m *Monitor) provider(ctx context.Context, id string) (*backend.Provider, error) {
	p, err := m.Providers.Provider(id)
	if err != nil {
		return nil, err
	}
	if p.TokenURL != "" || p.Issuer == "" || m.Discover == nil {
		return p, nil
	}
	c := *p
	if err := m.Discover(ctx, &c); err != nil { // oauth.FillFromDiscovery caches the document
		return nil, err
	}
	return &c, nil
}
