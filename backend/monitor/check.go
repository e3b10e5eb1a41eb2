package monitor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/lock"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
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
	r, err := m.checkSlotted(ctx, accountID, providerID, force, force, nil)
	if r != nil && m.OnResult != nil {
		m.OnResult(r)
	}
	return r, err
}

// checkSlotted runs a check within the monitor's concurrency slots.
func (m *Monitor) checkSlotted(ctx context.Context, accountID, providerID string, force, recheck bool, cc *credCache) (*Result, error) {
	release, err := m.acquire(ctx, providerID)
	if err != nil {
		return nil, err
	}
	defer release()
	return m.check(ctx, accountID, force, recheck, cc)
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
	// renewalMark is the renewal journal's mark: a renewal sent then and
	// never recorded (nil: none).
	renewalMark *time.Time
}

func (m *Monitor) load(ctx context.Context, id string) (*loaded, error) {
	st := &loaded{clients: map[string]*backend.Client{}}
	err := m.Store.View(ctx, func(tx backend.Tx) (err error) {
		if st.account, err = tx.Account(id); err != nil {
			return err
		}
		if st.renewalMark, err = tx.RenewalMark(id); err != nil {
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
	// standalone: message is the whole account of a refusal (a platform
	// quirk's), with details for its event.
	standalone bool
	details    map[string]any
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
	secrets oauth.Redactor // to hide from messages

	renewWhy string
	// renewalSettled: the renewal got an answer (or was never sent), so
	// finish removes the journal's mark.
	renewalSettled bool
	grant          *backend.Grant
	rotated        bool
	refreshFail    *failure // the platform refused to renew: a verdict
	validation     *backend.Validation
	noVerdict      *failure
	paused         time.Time
	findings       []finding
	lostPages      []*backend.Account
	backPages      []*backend.Account
	newPages       []string
	scopesLost     []string
	scopesGain     []string
	checkFindings  []string // only in the result and the check's event
}

func (m *Monitor) status(a *backend.Account, p *backend.Provider, now time.Time) backend.Status {
	return a.Status(now, m.window(), a.Renews(p), p.Refresh == backend.RefreshToken)
}

// check is Check without the concurrency slots; cc caches credentials
// across a batch (nil: none).
func (m *Monitor) check(ctx context.Context, id string, force, recheck bool, cc *credCache) (*Result, error) {
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

	// Only the background schedule skips what another process checked
	// moments ago; a check the user asked for (recheck) always checks.
	if !recheck && a.LastCheckedAt != nil && c.now.Sub(*a.LastCheckedAt) < justRefreshed &&
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
	c.secrets.Add(access, refresh, creds.ClientSecret)
	ps := m.provState(p.ID)

	// 1. Renew first when due.
	quirks := m.quirks(p)
	due, why := refreshDue(a, p, quirks.MinRefreshAge(p), force, c.now)
	if st.renewalMark != nil && a.Renews(p) && !a.Invalid {
		// Find out now whether the cut-off renewal's refresh token lives.
		due, why = true, "interrupted"
	}
	c.renewWhy = why
	switch {
	case due && credErr != nil:
		c.findings = append(c.findings, finding{outcome: backend.OutcomeFailed, reason: backend.ReasonAppMisconfigured, dedupe: true,
			message: fmt.Sprintf("%q is due for renewal, but it cannot be renewed: %s", a.Label, backend.ErrorMessage(credErr))})
		c.res.Findings = append(c.res.Findings, "Renewal is due but "+p.Name+" has no developer app credentials.")
	case due:
		end, ok := m.beginRenewal()
		if !ok {
			return nil, ErrShutdown
		}
		defer end()
		var g *backend.Grant
		var markErr error
		err := c.call(ctx, ps, func(ctx context.Context) (err error) {
			// The journal's mark goes in before the request leaves: from
			// then on the platform may retire the refresh token.
			if markErr = c.markRenewal(ctx); markErr != nil {
				return markErr
			}
			// Once sent, the renewal may have retired the old refresh
			// token at the platform: its answer is awaited and stored
			// even when ctx ends meanwhile.
			rctx, cancel := outlive(ctx, renewalGrace)
			defer cancel()
			m.trace(a.ID, "sent")
			g, err = checker.Refresh(rctx, p, creds, access, refresh)
			if err == nil {
				m.trace(a.ID, "answered")
			}
			return err
		})
		var pe *pausedError
		if markErr != nil {
			return c.localFailure(ctx, "store", markErr)
		}
		// A renewal that got no answer (network, cancelled) may still
		// have been carried out: its mark stays.
		c.renewalSettled = err == nil || !(backend.Transient(backend.ReasonOf(err)) || errors.As(err, &pe) || ctx.Err() != nil)
		switch {
		case err == nil && (g == nil || g.AccessToken == ""):
			c.findings = append(c.findings, finding{outcome: backend.OutcomeFailed, reason: backend.ReasonUnknown,
				message: fmt.Sprintf("Renewal of %q returned no token.", a.Label)})
		case err == nil:
			if err := c.persist(ctx, g, refresh); err != nil {
				return c.localFailure(ctx, "keychain", err)
			}
			m.trace(a.ID, "stored")
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
			reason := backend.ReasonOf(err)
			words := c.words(err)
			if !backend.Transient(reason) && reason != backend.ReasonAppMisconfigured {
				// A platform's known trap explains the refusal better.
				if cause, msg, details := quirks.ExplainRefusal(p, a, c.now, words); cause != "" {
					c.refreshFail = &failure{step: "renewal", reason: cause, message: msg, standalone: true, details: details}
					return c.finish(ctx)
				}
			}
			switch {
			case backend.IsVerdict(reason):
				if st.renewalMark != nil && (reason == backend.ReasonRevoked || reason == backend.ReasonExpired) {
					// The refused token is the one a cut-off renewal had
					// already traded in (rotation with reuse detection).
					reason = backend.ReasonRenewalInterrupted
				}
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
		c.noVerdict = &failure{step: "check", reason: reasonOf(v.Reason), message: v.Message}
	case err == nil:
		c.validation = v
		if !v.Valid {
			v.Reason = reasonOf(v.Reason)
			if v.Unexplained && c.expiresAfterNow() {
				// Inactive before the token's own expiry: revoked (RFC
				// 7662 §2.2 replies say no more than inactive).
				v.Reason = backend.ReasonRevoked
			}
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
		reason := backend.ReasonOf(err)
		if backend.IsVerdict(reason) {
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
	} else if backend.ReasonOf(err) == backend.ReasonRateLimited {
		ps.limiter.pause(time.Now().Add(c.m.rateLimitPause()))
	}
	return err
}

// persist stores a renewal's tokens before anything uses them: the new
// refresh token first, then the access token. It goes on when the caller's
// context is cancelled: the platform may already have retired the old
// refresh token.
func (c *run) persist(ctx context.Context, g *backend.Grant, oldRefresh string) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	c.secrets.Add(g.AccessToken, g.RefreshToken)
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
	msg := c.secrets.Scrub(backend.ErrorMessage(cause))
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
