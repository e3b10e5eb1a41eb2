package monitor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/lock"
)

// writeTimeout bounds the final write of a check; it also applies once a
// renewal succeeded and the caller's context no longer counts.
const writeTimeout = 30 * time.Second

// LocalError is a failure on this computer (keychain, database, lock) that
// stopped a check before it had anything to record about the token.
type LocalError struct {
	Step string // "keychain", "store", "lock"
	Err  error
}

func (e *LocalError) Error() string { return backend.ErrorMessage(e.Err) }
func (e *LocalError) Unwrap() error { return e.Err }

// Check checks one account now and records the outcome: it renews the
// tokens first when due (or when force is set, unless they were renewed in
// the last minute), then asks the platform whether the access token works.
// force also checks an account that another process checked moments ago.
// The error is a local failure (no such account, keychain locked, database)
// or the context's; what the platform said is in the Result.
//
// A Check asked for while another check of the same account runs in this
// process joins it and returns its result (when that one is forced too, or
// this one is not), as Nango's in-process single-flight does: a double click
// costs one call to the platform.
func (m *Monitor) Check(ctx context.Context, accountID string, force bool) (*Result, error) {
	m.init()
	return m.shared(ctx, accountID, force, func() (*Result, error) { return m.checkNow(ctx, accountID, force) })
}

// call is a check under way that others may join.
type call struct {
	force bool
	done  chan struct{}
	res   *Result
	err   error
}

// shared runs fn for the account unless a check of it is already under
// way, in which case it waits for that one and returns a copy of its result.
func (m *Monitor) shared(ctx context.Context, id string, force bool, fn func() (*Result, error)) (*Result, error) {
	for {
		m.state.mu.Lock()
		c := m.state.inflight[id]
		if c == nil {
			c = &call{force: force, done: make(chan struct{})}
			m.state.inflight[id] = c
			m.state.mu.Unlock()
			c.res, c.err = fn()
			m.state.mu.Lock()
			delete(m.state.inflight, id)
			m.state.mu.Unlock()
			close(c.done)
			return c.res, c.err
		}
		m.state.mu.Unlock()
		select {
		case <-c.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		// A forced request does not settle for an unforced check, and a check
		// its own caller cancelled settles nothing.
		if (force && !c.force) || errors.Is(c.err, context.Canceled) || errors.Is(c.err, context.DeadlineExceeded) {
			continue
		}
		if c.res == nil {
			return nil, c.err
		}
		r := *c.res
		r.Findings = slices.Clone(c.res.Findings)
		return &r, c.err
	}
}

// checkNow is Check without the sharing.
func (m *Monitor) checkNow(ctx context.Context, accountID string, force bool) (*Result, error) {
	var providerID string
	if err := m.Store.View(ctx, func(tx backend.Tx) error {
		a, err := tx.Account(accountID)
		if err == nil {
			providerID = a.Provider
		}
		return err
	}); err != nil {
		return nil, err
	}
	r, err := m.checkSlotted(ctx, accountID, providerID, force, nil)
	if r != nil && m.OnResult != nil {
		m.OnResult(r)
	}
	return r, err
}

// checkSlotted runs a check within the monitor's concurrency slots.
func (m *Monitor) checkSlotted(ctx context.Context, accountID, providerID string, force bool, cc *credCache) (*Result, error) {
	release, err := m.acquire(ctx, providerID)
	if err != nil {
		return nil, err
	}
	defer release()
	return m.check(ctx, accountID, force, cc)
}

// acquire takes an overall and a per-provider concurrency slot. Whoever
// holds them is running a check, never waiting for another one.
func (m *Monitor) acquire(ctx context.Context, providerID string) (func(), error) {
	ps := m.provState(providerID)
	select {
	case ps.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case m.state.slots <- struct{}{}:
	case <-ctx.Done():
		<-ps.slots
		return nil, ctx.Err()
	}
	return func() { <-m.state.slots; <-ps.slots }, nil
}

// credCache keeps each provider's credentials for one batch of checks.
type credCache struct {
	mu sync.Mutex
	m  map[string]credEntry
}

type credEntry struct {
	creds backend.Credentials
	err   error
}

func (m *Monitor) credentials(ctx context.Context, p *backend.Provider, cc *credCache) (backend.Credentials, error) {
	if m.Credentials == nil {
		return backend.Credentials{ProviderID: p.ID}, nil
	}
	if cc != nil {
		cc.mu.Lock()
		e, ok := cc.m[p.ID]
		cc.mu.Unlock()
		if ok {
			return e.creds, e.err
		}
	}
	creds, err := m.Credentials(ctx, p)
	// A locked keychain may open any moment: only settled answers are kept.
	if cc != nil && (err == nil || backend.ErrorCode(err) == backend.EINVALID || backend.ErrorCode(err) == backend.ENOTFOUND) {
		cc.mu.Lock()
		cc.m[p.ID] = credEntry{creds, err}
		cc.mu.Unlock()
	}
	return creds, err
}

// loaded is an account as read under its lock, with what messages need.
type loaded struct {
	account  *backend.Account
	client   *backend.Client
	children []*backend.Account
	clients  map[string]*backend.Client // of the children
}

func (m *Monitor) load(ctx context.Context, id string) (*loaded, error) {
	st := &loaded{clients: map[string]*backend.Client{}}
	err := m.Store.View(ctx, func(tx backend.Tx) (err error) {
		if st.account, err = tx.Account(id); err != nil {
			return err
		}
		st.client, err = tx.Client(st.account.ClientID)
		return err
	})
	return st, err
}

// loadChildren reads the Pages the account keeps alive, when a check needs
// them (the platform listed the login's Pages).
func (m *Monitor) loadChildren(ctx context.Context, st *loaded) error {
	return m.Store.View(ctx, func(tx backend.Tx) (err error) {
		if st.children, err = tx.Accounts(backend.AccountFilter{ParentID: st.account.ID}); err != nil {
			return err
		}
		for _, c := range st.children {
			if st.clients[c.ClientID] == nil {
				cl, err := tx.Client(c.ClientID)
				if err != nil {
					return err
				}
				st.clients[c.ClientID] = cl
			}
		}
		return nil
	})
}

// failure is a renewal or check that did not go through.
type failure struct {
	step    string // "renewal" or "check"
	reason  string
	message string // the platform's or the error's own words
	// plain: message is a user-facing sentence (a *backend.Error), not a
	// bare error's text.
	plain bool
}

// finding is an event about something noticed while the token works.
type finding struct {
	accountID string // "" means the checked account
	outcome   string
	reason    string
	message   string
	details   map[string]any
	// dedupe: skip it when the account's latest finding with this reason
	// says the same; afterFailure: write it only when that latest finding
	// was a failure (an all-clear).
	dedupe, afterFailure bool
}

// run is one check in progress.
type run struct {
	m       *Monitor
	st      *loaded
	p       *backend.Provider
	now     time.Time
	res     *Result
	secrets []string // to redact from messages

	renewWhy      string
	grant         *backend.Grant
	rotated       bool
	refreshFail   *failure // the platform refused to renew: a verdict
	validation    *backend.Validation
	noVerdict     *failure
	paused        time.Time
	findings      []finding
	lostPages     []*backend.Account
	backPages     []*backend.Account
	newPages      []string
	scopesLost    []string
	scopesGain    []string
	checkFindings []string // only in the result and the check's event
}

func (m *Monitor) status(a *backend.Account, p *backend.Provider, now time.Time) backend.Status {
	return a.Status(now, m.window(), a.Renews(p), p.Refresh == backend.RefreshToken)
}

// check is Check without the concurrency slots; cc caches credentials
// across a batch (nil: none).
func (m *Monitor) check(ctx context.Context, id string, force bool, cc *credCache) (*Result, error) {
	if m.DataDir == "" {
		return nil, backend.Errorf(backend.EINTERNAL, "monitor: no data folder for the account locks")
	}
	unlock, err := lock.Lock(ctx, m.DataDir, id)
	if err != nil {
		return nil, &LocalError{"lock", err}
	}
	defer unlock()

	// Re-read under the lock: another process may have just renewed or
	// checked this account.
	st, err := m.load(ctx, id)
	if err != nil {
		return nil, err
	}
	a := st.account
	p, err := m.provider(ctx, a.Provider)
	if err != nil {
		return nil, err
	}
	c := &run{m: m, st: st, p: p, now: m.now()}
	c.res = &Result{AccountID: a.ID, Label: a.Label, ClientID: a.ClientID, ClientName: st.client.Name, Provider: p.ID,
		Before: m.status(a, p, c.now), Verdict: VerdictNone, Findings: []string{}}

	if !force && a.LastCheckedAt != nil && c.now.Sub(*a.LastCheckedAt) < justRefreshed &&
		a.NextCheckAt != nil && a.NextCheckAt.After(c.now) {
		return c.skip("Checked less than a minute ago, by another Tokenwarden window or command; not checked again."), nil
	}
	var checker backend.Checker
	if m.Checkers != nil {
		checker = m.Checkers(p)
	}
	if checker == nil {
		return c.unchecked(ctx)
	}
	creds, credErr := m.credentials(ctx, p, cc)
	if credErr != nil && backend.ErrorCode(credErr) == backend.EUNAVAILABLE {
		return c.localFailure(ctx, "keychain", credErr)
	}
	access, err := m.Secrets.Secret(ctx, a.ID, backend.SecretAccessToken)
	if err != nil {
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			err = backend.Errorf(backend.ENOTFOUND, "The access token of %q is missing from the keychain.", a.Label).
				WithHint("Reconnect the account.")
		}
		return c.localFailure(ctx, "keychain", err)
	}
	var refresh string
	if a.HasRefreshToken {
		refresh, err = m.Secrets.Secret(ctx, a.ID, backend.SecretRefreshToken)
		if err != nil && backend.ErrorCode(err) != backend.ENOTFOUND {
			return c.localFailure(ctx, "keychain", err)
		}
	}
	c.secrets = []string{access, refresh, creds.ClientSecret}
	ps := m.provState(p.ID)

	// 1. Renew first when due.
	due, why := refreshDue(a, p, force, c.now)
	c.renewWhy = why
	switch {
	case due && credErr != nil:
		c.findings = append(c.findings, finding{outcome: backend.OutcomeFailed, reason: backend.ReasonAppMisconfigured, dedupe: true,
			message: fmt.Sprintf("%q is due for renewal, but it cannot be renewed: %s", a.Label, backend.ErrorMessage(credErr))})
		c.res.Findings = append(c.res.Findings, "Renewal is due but "+p.Name+" has no developer app credentials.")
	case due:
		var g *backend.Grant
		err := c.call(ctx, ps, func(ctx context.Context) (err error) {
			g, err = checker.Refresh(ctx, p, creds, access, refresh)
			return err
		})
		var pe *pausedError
		switch {
		case err == nil && (g == nil || g.AccessToken == ""):
			c.findings = append(c.findings, finding{outcome: backend.OutcomeFailed, reason: backend.ReasonUnknown,
				message: fmt.Sprintf("Renewal of %q returned no token.", a.Label)})
		case err == nil:
			if err := c.persist(ctx, g, refresh); err != nil {
				return c.localFailure(ctx, "keychain", err)
			}
			access = g.AccessToken
		case errors.As(err, &pe):
			c.paused = pe.until
			return c.finish(ctx)
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, backend.ErrNoRefresh):
			c.res.Findings = append(c.res.Findings, "These tokens cannot be renewed without the user.")
		case m.TooSoon != nil && errors.Is(err, m.TooSoon):
			// Instagram: the token is under 24 hours old. Nothing to do yet.
		default:
			reason := m.reason(err)
			words := c.words(err)
			switch {
			case !backend.Transient(reason) && reason != backend.ReasonAppMisconfigured && testingModeSuspect(a, p, c.now):
				c.refreshFail = &failure{step: "renewal", reason: backend.ReasonAppMisconfigured, message: testingModeMessage(a, c.now, words)}
				return c.finish(ctx)
			case isVerdict(reason):
				c.refreshFail = &failure{step: "renewal", reason: reason, message: words}
				return c.finish(ctx)
			case backend.Transient(reason):
				c.noVerdict = &failure{step: "renewal", reason: reason, message: words, plain: isPlain(err)}
				return c.finish(ctx)
			}
			// Not about the token (the app's credentials, an unexplained
			// refusal): say so, and still check the current token.
			c.findings = append(c.findings, finding{outcome: backend.OutcomeFailed, reason: reason, dedupe: true,
				message: fmt.Sprintf("Renewal of %q failed: %s", a.Label, words)})
			c.res.Findings = append(c.res.Findings, "Renewal failed: "+words)
		}
	}

	// 2. Ask the platform whether the (new) access token works.
	var v *backend.Validation
	err = c.call(ctx, ps, func(ctx context.Context) (err error) {
		v, err = checker.Validate(ctx, p, creds, access)
		return err
	})
	var pe *pausedError
	switch {
	case err == nil && v == nil:
		c.noVerdict = &failure{step: "check", reason: backend.ReasonUnknown, message: "The platform's answer said nothing about the token."}
	case err == nil && !v.Valid && backend.Transient(v.Reason):
		c.noVerdict = &failure{step: "check", reason: normalize(v.Reason), message: v.Message}
	case err == nil:
		c.validation = v
		if !v.Valid {
			v.Reason = normalize(v.Reason)
			break
		}
		if v.AssetIDs != nil && a.ParentID == "" {
			if err := m.loadChildren(ctx, st); err != nil {
				return c.localFailureAfter(ctx, err)
			}
		}
		c.observe(v)
	case errors.As(err, &pe):
		c.paused = pe.until
	case ctx.Err() != nil:
		if c.grant == nil {
			return nil, ctx.Err()
		}
		// The renewal must be recorded all the same.
		c.noVerdict = &failure{step: "check", reason: backend.ReasonNetwork, message: "The check was cancelled."}
		r, ferr := c.finish(ctx)
		if ferr != nil {
			return r, ferr
		}
		return r, ctx.Err()
	default:
		reason := m.reason(err)
		if isVerdict(reason) {
			c.validation = &backend.Validation{Valid: false, Reason: reason, Message: c.words(err)}
		} else {
			c.noVerdict = &failure{step: "check", reason: reason, message: c.words(err), plain: isPlain(err)}
		}
	}
	return c.finish(ctx)
}

// call runs one platform request within the provider's pace, and pauses the
// provider when it asks us to wait.
func (c *run) call(ctx context.Context, ps *providerState, fn func(context.Context) error) error {
	if err := ps.limiter.wait(ctx, c.m.maxWait()); err != nil {
		return err
	}
	err := fn(ctx)
	if err == nil || ctx.Err() != nil {
		return err
	}
	ra := c.m.retryAfter(err)
	if ra > 0 {
		ps.limiter.pause(time.Now().Add(min(ra, maxRetryAfter)))
		c.res.RetryAfter = max(c.res.RetryAfter, ra)
	} else if c.m.reason(err) == backend.ReasonRateLimited {
		ps.limiter.pause(time.Now().Add(c.m.rateLimitPause()))
	}
	return err
}

// words is an error in plain words, without secrets.
// isPlain reports whether err carries a user-facing sentence.
func isPlain(err error) bool {
	var e *backend.Error
	return errors.As(err, &e)
}

func (c *run) words(err error) string {
	var e *backend.Error
	s := err.Error()
	if errors.As(err, &e) {
		s = e.Error()
	}
	return redact(s, c.secrets)
}

// persist stores a renewal's tokens before anything uses them: the new
// refresh token first, then the access token. It goes on when the caller's
// context is cancelled: the platform may already have retired the old
// refresh token.
func (c *run) persist(ctx context.Context, g *backend.Grant, oldRefresh string) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	c.secrets = append(c.secrets, g.AccessToken, g.RefreshToken)
	id := c.st.account.ID
	if g.RefreshToken != "" && g.RefreshToken != oldRefresh {
		if err := c.m.Secrets.SetSecret(wctx, id, backend.SecretRefreshToken, g.RefreshToken); err != nil {
			return fmt.Errorf("a renewal succeeded, but the new refresh token could not be stored: %w", err)
		}
		c.rotated = true
	}
	if err := c.m.Secrets.SetSecret(wctx, id, backend.SecretAccessToken, g.AccessToken); err != nil {
		return fmt.Errorf("a renewal succeeded, but the new access token could not be stored: %w", err)
	}
	c.grant = g
	c.res.Refreshed = true
	return nil
}

// observe compares what a valid check saw with what the account had:
// Pages, permissions, usage, identity.
func (c *run) observe(v *backend.Validation) {
	a, p := c.st.account, c.p
	if v.AssetIDs != nil && a.ParentID == "" { // children were loaded
		granted := map[string]bool{}
		for _, id := range v.AssetIDs {
			granted[id] = true
		}
		known := map[string]bool{}
		for _, ch := range c.st.children {
			ext := ch.Identity.ExternalID
			known[ext] = true
			switch {
			case ext == "":
			case !granted[ext] && !(ch.Invalid && ch.Reason == backend.ReasonPermissionLost):
				c.lostPages = append(c.lostPages, ch)
				c.res.Findings = append(c.res.Findings, fmt.Sprintf("Page %q (client %s) lost: this login no longer reaches it.", ch.Label, c.clientName(ch)))
			case granted[ext] && ch.Invalid && ch.Reason == backend.ReasonPermissionLost:
				c.backPages = append(c.backPages, ch)
				c.res.Findings = append(c.res.Findings, fmt.Sprintf("Page %q (client %s) is reachable again.", ch.Label, c.clientName(ch)))
			}
		}
		for _, id := range v.AssetIDs {
			if !known[id] {
				c.newPages = append(c.newPages, id)
			}
		}
		if len(c.newPages) > 0 {
			c.checkFindings = append(c.checkFindings, fmt.Sprintf("This login now reaches %d Page(s) not added yet; reconnect to add them.", len(c.newPages)))
		}
	}
	if v.Scopes != nil {
		for _, s := range a.Scopes {
			if !slices.Contains(v.Scopes, s) {
				c.scopesLost = append(c.scopesLost, s)
			}
		}
		for _, s := range v.Scopes {
			if !slices.Contains(a.Scopes, s) {
				c.scopesGain = append(c.scopesGain, s)
			}
		}
		if len(c.scopesLost) > 0 {
			c.res.Findings = append(c.res.Findings, "Permissions no longer granted: "+strings.Join(c.scopesLost, ", ")+".")
		}
	}
	keys := make([]string, 0, len(v.Usage))
	for k := range v.Usage {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if pct, ok := percent(v.Usage[k]); ok && pct >= 80 {
			c.checkFindings = append(c.checkFindings, fmt.Sprintf("%s API usage is at %s (%s); requests may soon be refused.", p.Name, v.Usage[k], k))
		}
	}
	if v.Identity != nil && v.Identity.ExternalID != "" && a.Identity.ExternalID != "" && v.Identity.ExternalID != a.Identity.ExternalID {
		c.checkFindings = append(c.checkFindings, "The token now belongs to a different user than when it was connected.")
	}
	c.res.Findings = append(c.res.Findings, c.checkFindings...)
}

func percent(s string) (float64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func (c *run) clientName(a *backend.Account) string {
	if cl := c.st.clients[a.ClientID]; cl != nil {
		return cl.Name
	}
	return c.st.client.Name
}

// skip returns a result for a check that did not ask the platform and
// changes nothing.
func (c *run) skip(msg string) *Result {
	a := c.st.account
	c.res.Skipped, c.res.Message, c.res.After, c.res.NextCheckAt = true, msg, c.res.Before, a.NextCheckAt
	if a.Invalid {
		c.res.Verdict, c.res.Reason = VerdictInvalid, a.Reason
	} else if a.LastCheckedAt != nil {
		c.res.Verdict = VerdictValid
	}
	return c.res
}

// unchecked records that no checker exists for the provider: the account is
// looked at again much later, without an event.
func (c *run) unchecked(ctx context.Context) (*Result, error) {
	c.skip(fmt.Sprintf("Tokenwarden cannot check %s accounts; only their dates are watched.", c.p.Name))
	next := c.now.Add(2 * c.m.Schedule.interval())
	c.res.NextCheckAt = &next
	err := c.m.Store.Update(ctx, func(tx backend.Tx) error {
		a, err := tx.Account(c.st.account.ID)
		if err != nil {
			return err
		}
		a.NextCheckAt = &next
		return tx.UpdateAccount(a)
	})
	return c.res, err
}

// localFailure records a failure on this computer: no event (it says
// nothing about the account), but LastError and a backoff so the scheduler
// does not retry at once.
func (c *run) localFailure(ctx context.Context, step string, cause error) (*Result, error) {
	msg := redact(backend.ErrorMessage(cause), c.secrets)
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	_ = c.m.Store.Update(wctx, func(tx backend.Tx) error {
		a, err := tx.Account(c.st.account.ID)
		if err != nil {
			return err
		}
		a.CheckFailures++
		a.LastError = msg
		next := c.now.Add(Backoff(a.CheckFailures))
		a.NextCheckAt = &next
		return tx.UpdateAccount(a)
	})
	return nil, &LocalError{Step: step, Err: cause}
}

// localFailureAfter handles a local failure after the platform answered:
// a renewal that already happened is still recorded.
func (c *run) localFailureAfter(ctx context.Context, err error) (*Result, error) {
	if c.grant == nil {
		return c.localFailure(ctx, "store", err)
	}
	c.validation = nil
	c.noVerdict = &failure{step: "check", reason: backend.ReasonUnknown, message: backend.ErrorMessage(err)}
	return c.finish(ctx)
}

// finish works out the verdict and writes the account, its Pages and the
// history events in one transaction.
func (c *run) finish(ctx context.Context) (*Result, error) {
	m, p, res := c.m, c.p, c.res
	switch {
	case c.refreshFail != nil:
		res.Verdict, res.Reason = VerdictInvalid, c.refreshFail.reason
	case c.validation != nil && c.validation.Valid:
		res.Verdict = VerdictValid
		if len(c.scopesLost) > 0 {
			res.Reason = backend.ReasonScopeMissing
		}
	case c.validation != nil:
		res.Verdict, res.Reason = VerdictInvalid, c.validation.Reason
	case c.noVerdict != nil:
		res.Reason = c.noVerdict.reason
	case !c.paused.IsZero():
		res.Skipped, res.Reason = true, backend.ReasonRateLimited
	}
	c.scopeFinding()
	wctx := ctx
	if c.grant != nil {
		wctx = context.WithoutCancel(ctx) // a renewal is recorded whatever happens
	}
	wctx, cancel := context.WithTimeout(wctx, writeTimeout)
	defer cancel()
	deleted := false
	err := m.Store.Update(wctx, func(tx backend.Tx) error {
		a, err := tx.Account(c.st.account.ID)
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			deleted = true
			return nil
		} else if err != nil {
			return err
		}
		c.apply(a)
		if !c.paused.IsZero() && c.noVerdict == nil && c.validation == nil && c.refreshFail == nil {
			// The pause runs on the real clock; the schedule on Now.
			next := c.now.Add(max(time.Until(c.paused), 0) + jitter(time.Minute, a.ID)).Truncate(time.Millisecond)
			a.NextCheckAt = &next
		} else {
			next := m.NextCheck(a, p, res)
			a.NextCheckAt = &next
		}
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		res.NextCheckAt = a.NextCheckAt
		res.After = m.status(a, p, c.now)
		res.Label, res.ClientID = a.Label, a.ClientID
		res.Message = redact(c.message(a), c.secrets)
		return c.events(tx, a)
	})
	if err != nil {
		return nil, &LocalError{Step: "store", Err: err}
	}
	if deleted {
		res.Skipped, res.Message = true, "The account was deleted while it was being checked."
	}
	return res, nil
}

// apply sets what the check learnt on a, freshly read in the write
// transaction, so that changes made meanwhile (a rename) are kept.
func (c *run) apply(a *backend.Account) {
	now, p := c.now, c.p
	a.UpdatedAt = now
	if g := c.grant; g != nil {
		switch {
		case g.ExpiresAt != nil:
			a.ExpiresAt = g.ExpiresAt
		case p.Lifetimes.Access > 0:
			t := now.Add(p.Lifetimes.Access)
			a.ExpiresAt = &t
		default:
			a.ExpiresAt = nil
		}
		switch {
		case g.RefreshExpiresAt != nil:
			a.RefreshExpiresAt = g.RefreshExpiresAt
		case c.rotated && p.Lifetimes.Refresh > 0 && !p.Lifetimes.RefreshFixed:
			t := now.Add(p.Lifetimes.Refresh)
			a.RefreshExpiresAt = &t
		}
		if g.DataAccessExpiresAt != nil {
			a.DataAccessExpiresAt = g.DataAccessExpiresAt
		}
		a.HasRefreshToken = a.HasRefreshToken || g.RefreshToken != ""
		a.LastRefreshedAt = &now
	}
	verdict := func() {
		a.LastCheckedAt = &now
		a.CheckFailures, a.LastError = 0, ""
	}
	switch {
	case c.refreshFail != nil:
		verdict()
		a.Invalid, a.Reason = true, c.refreshFail.reason
	case c.validation != nil && c.validation.Valid:
		verdict()
		v := c.validation
		// A Page its login no longer reaches stays broken until the login's
		// check or a reconnect finds it again.
		if !(a.ParentID != "" && a.Reason == backend.ReasonPermissionLost) {
			a.Invalid, a.Reason = false, ""
		}
		if v.ExpiresAt != nil {
			a.ExpiresAt = v.ExpiresAt
		}
		if v.DataAccessExpiresAt != nil {
			a.DataAccessExpiresAt = v.DataAccessExpiresAt
		}
		// Lost permissions stay in Scopes: a reconnect asks for them again.
		for _, s := range c.scopesGain {
			if !slices.Contains(a.Scopes, s) {
				a.Scopes = append(a.Scopes, s)
			}
		}
		if v.Usage != nil {
			a.Usage = v.Usage
		}
	case c.validation != nil:
		verdict()
		a.Invalid, a.Reason = true, c.validation.Reason
	case c.noVerdict != nil:
		a.CheckFailures++
		a.LastError = redact(c.failureText(c.noVerdict), c.secrets)
	}
}

// failureText says why a check got no verdict. A user-facing error already
// names the platform and the fault, so its words stand alone; anything else
// (a bare network error) follows the reason's plain sentence.
func (c *run) failureText(f *failure) string {
	d := backend.Diagnose(f.reason)
	switch {
	case f.message == "":
		return d.Problem
	case f.plain:
		return strings.TrimSuffix(f.message, ".") + "."
	}
	return d.Problem + " (" + strings.TrimSuffix(f.message, ".") + ".)"
}

// message is the result's sentence.
func (c *run) message(a *backend.Account) string {
	p, now := c.p, c.now
	var b strings.Builder
	if c.grant != nil {
		b.WriteString(c.renewedSentence(a) + " ")
	}
	switch {
	case c.refreshFail != nil:
		b.WriteString(c.refusedRenewal(a))
	case c.validation != nil && c.validation.Valid:
		fmt.Fprintf(&b, "%s accepts the token of %q.", p.Name, a.Label)
		if a.Invalid && a.Reason == backend.ReasonPermissionLost {
			b.WriteString(" But the login that keeps this Page alive no longer reaches it: " + backend.Diagnose(a.Reason).Action)
		}
	case c.validation != nil:
		b.WriteString(c.refusedCheck(a))
	case c.noVerdict != nil:
		fmt.Fprintf(&b, "Could not check %q: %s Tokenwarden will try again %s.", a.Label, c.failureText(c.noVerdict), relative(a.NextCheckAt, now))
	case !c.paused.IsZero():
		fmt.Fprintf(&b, "Not checked: %s asked Tokenwarden to slow down; next check %s.", p.Name, relative(a.NextCheckAt, now))
	}
	return strings.TrimSpace(b.String())
}

func relative(t *time.Time, now time.Time) string {
	if t == nil {
		return "later"
	}
	return backend.Relative(*t, now)
}

func (c *run) renewedSentence(a *backend.Account) string {
	s := fmt.Sprintf("%s renewed the tokens of %q", c.p.Name, a.Label)
	if c.rotated {
		s += " (new refresh token stored)"
	}
	if a.ExpiresAt != nil {
		s += "; they now last until " + a.ExpiresAt.Format("2 Jan 2006 15:04 MST")
	}
	return s + "."
}

func (c *run) refusedRenewal(a *backend.Account) string {
	f := c.refreshFail
	if f.reason == backend.ReasonAppMisconfigured && strings.Contains(f.message, "Testing") {
		return f.message
	}
	d := backend.Diagnose(f.reason)
	s := fmt.Sprintf("%s refused to renew the tokens of %q. %s %s", c.p.Name, a.Label, d.Problem, d.Action)
	if f.message != "" {
		s += " (" + c.p.Name + " said: " + strings.TrimSuffix(f.message, ".") + ".)"
	}
	return s
}

func (c *run) refusedCheck(a *backend.Account) string {
	v := c.validation
	d := backend.Diagnose(v.Reason)
	s := fmt.Sprintf("%s refused the token of %q. %s %s", c.p.Name, a.Label, d.Problem, d.Action)
	if v.Message != "" {
		s += " (" + c.p.Name + " said: " + strings.TrimSuffix(redact(v.Message, c.secrets), ".") + ".)"
	}
	return s
}

func testingModeMessage(a *backend.Account, now time.Time, words string) string {
	days := int(now.Sub(*a.ConnectedAt).Hours()/24 + 0.5)
	s := fmt.Sprintf("Google stopped renewing %q %d days after it was connected. Google does this when the developer app is in "+
		"\"Testing\" mode: the refresh tokens of apps in Testing expire after 7 days. In the Google Cloud console open "+
		"\"OAuth consent screen\" (Google Auth Platform > Audience), press \"Publish app\" so its status is \"In production\", "+
		"then reconnect the account.", a.Label, days)
	if words != "" {
		s += " (Google said: " + strings.TrimSuffix(words, ".") + ".)"
	}
	return s
}

// events appends the history events of the check, and updates the Pages.
func (c *run) events(tx backend.Tx, a *backend.Account) error {
	p, now, res := c.p, c.now, c.res
	client := c.st.client
	ev := func(acc *backend.Account, cl *backend.Client, kind, outcome, reason, msg string, details map[string]any) error {
		e := &backend.Event{Time: now, Kind: kind, Outcome: outcome, Reason: reason, Message: redact(msg, c.secrets), Details: details,
			AccountID: acc.ID, AccountLabel: acc.Label, Provider: acc.Provider}
		if cl != nil {
			e.ClientID, e.ClientName = cl.ID, cl.Name
		}
		return tx.AppendEvent(e)
	}
	if g := c.grant; g != nil {
		details := map[string]any{
			"expires_at": a.ExpiresAt, "refresh_expires_at": a.RefreshExpiresAt, "data_access_expires_at": a.DataAccessExpiresAt,
			"has_refresh_token": a.HasRefreshToken, "rotated": c.rotated, "why": c.renewWhy,
		}
		if err := ev(a, client, backend.EventAccountRefreshed, backend.OutcomeOK, "", c.renewedSentence(a), details); err != nil {
			return err
		}
	}
	switch {
	case c.refreshFail != nil:
		f := c.refreshFail
		details := map[string]any{"step": f.step, "reason": f.reason}
		if f.reason == backend.ReasonAppMisconfigured && a.ConnectedAt != nil {
			details["connected_at"] = a.ConnectedAt
			details["suspected"] = "google_testing_mode"
		}
		if err := ev(a, client, backend.EventAccountRefreshed, backend.OutcomeFailed, f.reason, c.refusedRenewal(a), details); err != nil {
			return err
		}
	case c.validation != nil:
		v := c.validation
		details := map[string]any{"verdict": string(res.Verdict), "status": string(res.After), "refreshed": c.grant != nil}
		if v.Valid {
			details["expires_at"], details["data_access_expires_at"] = a.ExpiresAt, a.DataAccessExpiresAt
			if v.Usage != nil {
				details["usage"] = v.Usage
			}
			if len(c.scopesLost) > 0 {
				details["scopes_lost"] = c.scopesLost
			}
			if len(c.scopesGain) > 0 {
				details["scopes_gained"] = c.scopesGain
			}
			if len(c.lostPages) > 0 {
				details["pages_lost"] = labels(c.lostPages)
			}
			if len(c.newPages) > 0 {
				details["pages_not_added"] = c.newPages
			}
			if len(res.Findings) > 0 {
				details["findings"] = res.Findings
			}
			msg := fmt.Sprintf("Check passed: %s accepts the token of %q.", p.Name, a.Label)
			if len(res.Findings) > 0 {
				msg += " " + strings.Join(res.Findings, " ")
			}
			if err := ev(a, client, backend.EventAccountChecked, backend.OutcomeOK, "", msg, details); err != nil {
				return err
			}
		} else {
			details["reason"] = v.Reason
			if err := ev(a, client, backend.EventAccountChecked, backend.OutcomeFailed, v.Reason, "Check failed: "+c.refusedCheck(a), details); err != nil {
				return err
			}
		}
	case c.noVerdict != nil:
		f := c.noVerdict
		details := map[string]any{"step": f.step, "failures": a.CheckFailures, "next_check_at": a.NextCheckAt}
		if res.RetryAfter > 0 {
			details["retry_after_seconds"] = int(res.RetryAfter / time.Second)
		}
		msg := fmt.Sprintf("Could not check %q: %s Tokenwarden will try again %s.", a.Label, c.failureText(f), relative(a.NextCheckAt, now))
		if f.step == "renewal" {
			msg = fmt.Sprintf("Could not renew %q: %s Tokenwarden will try again %s.", a.Label, c.failureText(f), relative(a.NextCheckAt, now))
		}
		if err := ev(a, client, backend.EventAccountCheckFailed, backend.OutcomeFailed, f.reason, msg, details); err != nil {
			return err
		}
	}
	for _, f := range c.findings {
		if f.dedupe || f.afterFailure {
			last, err := latestFinding(tx, a, f.reason)
			if err != nil {
				return err
			}
			if f.dedupe && last != nil && last.Message == f.message {
				continue
			}
			if f.afterFailure && (last == nil || last.Outcome != backend.OutcomeFailed) {
				continue
			}
		}
		if err := ev(a, client, backend.EventAccountFinding, f.outcome, f.reason, f.message, f.details); err != nil {
			return err
		}
	}
	return c.pages(tx, a, ev)
}

// scopeFinding adds a finding event when the set of lost permissions
// changed since the last one: lost, or granted again.
func (c *run) scopeFinding() {
	a := c.st.account
	if c.validation == nil || !c.validation.Valid || c.validation.Scopes == nil {
		return
	}
	if len(c.scopesLost) > 0 {
		c.findings = append(c.findings, finding{outcome: backend.OutcomeFailed, reason: backend.ReasonScopeMissing, dedupe: true,
			message: fmt.Sprintf("%s no longer grants %q these permissions: %s. The token still works, but what needs them will fail. %s",
				c.p.Name, a.Label, c.describeScopes(c.scopesLost), backend.Diagnose(backend.ReasonScopeMissing).Action),
			details: map[string]any{"scopes_lost": c.scopesLost}})
	} else {
		c.findings = append(c.findings, finding{outcome: backend.OutcomeInfo, reason: backend.ReasonScopeMissing, afterFailure: true,
			message: fmt.Sprintf("%s grants %q every permission it had again.", c.p.Name, a.Label)})
	}
}

func (c *run) describeScopes(names []string) string {
	parts := make([]string, 0, len(names))
	for _, n := range names {
		purpose := ""
		for _, s := range c.p.Scopes {
			if s.Name == n {
				purpose = strings.TrimSuffix(s.Purpose, ".")
			}
		}
		if purpose != "" {
			parts = append(parts, fmt.Sprintf("%s (%s)", n, purpose))
		} else {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ", ")
}

// pages marks Pages the login no longer reaches as broken, loudly, and
// clears those it reaches again.
func (c *run) pages(tx backend.Tx, a *backend.Account, ev func(*backend.Account, *backend.Client, string, string, string, string, map[string]any) error) error {
	now := c.now
	for _, old := range c.lostPages {
		ch, err := tx.Account(old.ID)
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if ch.Invalid && ch.Reason == backend.ReasonPermissionLost {
			continue
		}
		cl, err := tx.Client(ch.ClientID)
		if err != nil {
			return err
		}
		ch.Invalid, ch.Reason, ch.UpdatedAt = true, backend.ReasonPermissionLost, now
		if err := tx.UpdateAccount(ch); err != nil {
			return err
		}
		msg := fmt.Sprintf("PAGE LOST: %s's Page %q is no longer reachable through the %s login %q, so its connection is broken. %s",
			cl.Name, ch.Label, c.p.Name, a.Label, backend.Diagnose(backend.ReasonPermissionLost).Action)
		if err := ev(ch, cl, backend.EventAccountChecked, backend.OutcomeFailed, backend.ReasonPermissionLost, msg,
			map[string]any{"parent_id": a.ID, "parent_label": a.Label, "page_id": ch.Identity.ExternalID, "reason": backend.ReasonPermissionLost}); err != nil {
			return err
		}
	}
	for _, old := range c.backPages {
		ch, err := tx.Account(old.ID)
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if !(ch.Invalid && ch.Reason == backend.ReasonPermissionLost) {
			continue
		}
		cl, err := tx.Client(ch.ClientID)
		if err != nil {
			return err
		}
		ch.Invalid, ch.Reason, ch.UpdatedAt = false, "", now
		ch.NextCheckAt = &now // its own token is checked next
		if err := tx.UpdateAccount(ch); err != nil {
			return err
		}
		msg := fmt.Sprintf("%s's Page %q is reachable again through the %s login %q; its own token is checked next.", cl.Name, ch.Label, c.p.Name, a.Label)
		if err := ev(ch, cl, backend.EventAccountFinding, backend.OutcomeInfo, backend.ReasonPermissionLost, msg,
			map[string]any{"parent_id": a.ID, "page_id": ch.Identity.ExternalID}); err != nil {
			return err
		}
	}
	return nil
}

func labels(as []*backend.Account) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.Label)
	}
	return out
}

// findingLookback bounds how many recent findings dedupe reads.
const findingLookback = 20

// latestFinding returns the account's latest finding with this reason
// among its recent ones, or nil. The client narrows the query to the
// client's findings (index events_client_kind), however long the
// account's history of routine checks.
func latestFinding(tx backend.Tx, a *backend.Account, reason string) (*backend.Event, error) {
	es, err := tx.Events(backend.EventFilter{ClientID: a.ClientID, AccountID: a.ID, Kind: backend.EventAccountFinding, Limit: findingLookback})
	if err != nil {
		return nil, err
	}
	for _, e := range es { // newest first
		if e.Reason == reason {
			return e, nil
		}
	}
	return nil, nil
}
