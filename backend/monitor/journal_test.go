package monitor

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// strictRotation answers the refresh_token grant as a server with strict
// rotation and reuse detection does: only the newest refresh token works,
// and presenting an older one ends the grant.
type strictRotation struct {
	current string
	n       int
}

func (s *strictRotation) refresh(_ *backend.Provider, _, refresh string) (*backend.Grant, error) {
	if refresh != s.current {
		s.current = "" // reuse detected: the whole grant is revoked
		return nil, errReason(backend.ReasonRevoked)
	}
	s.n++
	s.current = "rt-" + string(rune('a'+s.n))
	exp := t0.Add(time.Hour)
	return &backend.Grant{AccessToken: "at-" + s.current, RefreshToken: s.current, ExpiresAt: &exp}, nil
}

func (e *env) renewalMark(id string) *time.Time {
	e.t.Helper()
	return read(e, func(tx backend.Tx) (*time.Time, error) { return tx.RenewalMark(id) })
}

// A renewal cut off between the provider's answer and the keychain write
// leaves its mark in the journal; the next start checks that account first,
// renews at once although nothing is due, and words the dead refresh token
// as an interrupted renewal, not a revocation.
func TestRenewalJournalInterrupted(t *testing.T) {
	e := newMemEnv(t)
	secrets := e.secrets.(*memSecrets)
	server := &strictRotation{current: "rt-a"}
	e.checker.setRefresh(server.refresh)
	exp := t0.Add(50 * time.Minute) // not due for renewal on its own
	other := e.addAccount(&backend.Account{Provider: "custom1", ExpiresAt: ptr(exp), NextCheckAt: ptr(t0.Add(-time.Hour))}, "at-other", "")
	cut := e.addAccount(&backend.Account{Provider: "custom2", ExpiresAt: ptr(exp), NextCheckAt: ptr(t0.Add(6 * time.Hour))}, "at-a", "rt-a")

	// The keyring daemon dies after the provider answered.
	secrets.setErr = func(string, backend.SecretKind) error {
		return backend.Errorf(backend.EUNAVAILABLE, "The keychain stopped answering.")
	}
	if _, err := e.m.Check(bg, cut.ID, true); err == nil {
		t.Fatal("a renewal whose tokens could not be stored reported no error")
	}
	if server.current == "rt-a" {
		t.Fatal("the provider never answered the cut-off renewal")
	}
	if e.renewalMark(cut.ID) == nil {
		t.Fatal("the cut-off renewal left no mark in the journal")
	}

	// Next start: a fresh monitor over the same data.
	secrets.setErr = nil
	e.clock.Advance(5 * time.Minute)
	var order []string
	limits := e.m.Limits
	limits.Concurrency = 2 // room for both: only the journal puts one first
	m := &Monitor{Store: e.store, Secrets: e.secrets, Providers: e.m.Providers, DataDir: e.dir, Now: e.clock.Now,
		Checkers: e.m.Checkers, Credentials: e.m.Credentials, Limits: limits,
		OnResult: func(r *Result) { order = append(order, r.AccountID) }}
	results, err := m.CheckMany(bg, backend.AccountFilter{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 2 || order[0] != cut.ID {
		t.Fatalf("checked %v; want the interrupted account %s first, then %s", order, cut.ID, other.ID)
	}
	var r *Result
	for _, x := range results {
		if x.AccountID == cut.ID {
			r = x
		}
	}
	if r == nil || r.Verdict != VerdictInvalid || r.Reason != backend.ReasonRenewalInterrupted {
		t.Fatalf("result %+v; want invalid with reason %s", r, backend.ReasonRenewalInterrupted)
	}
	if !strings.Contains(r.Message, "interrupted before its new token was saved") || strings.Contains(r.Message, "deauthorized") {
		t.Errorf("message %q: want the interrupted renewal in words, not a deauthorization", r.Message)
	}
	a := e.account(cut.ID)
	if !a.Invalid || a.Reason != backend.ReasonRenewalInterrupted {
		t.Errorf("account invalid=%v reason=%q", a.Invalid, a.Reason)
	}
	if e.renewalMark(cut.ID) != nil {
		t.Error("the journal still marks the renewal after its verdict was recorded")
	}
	if d := backend.Diagnose(a.Reason); !backend.IsVerdict(a.Reason) || !strings.Contains(d.Action, "Reconnect") {
		t.Errorf("diagnosis %+v: want a verdict whose action is to reconnect", d)
	}
}

// A renewal that completes clears its mark; one whose answer never came
// (network) keeps it, and the next check renews at once and clears it
// when the refresh token still works.
func TestRenewalJournalSettles(t *testing.T) {
	e := newMemEnv(t)
	server := &strictRotation{current: "rt-a"}
	e.checker.setRefresh(server.refresh)
	a := e.addAccount(&backend.Account{Provider: "custom1", ExpiresAt: ptr(t0.Add(50 * time.Minute))}, "at-a", "rt-a")

	e.checker.setRefresh(func(*backend.Provider, string, string) (*backend.Grant, error) {
		return nil, errReason(backend.ReasonNetwork)
	})
	if r := e.check(a.ID, true); r.Refreshed || r.Reason != backend.ReasonNetwork {
		t.Fatalf("result %+v; want no renewal, reason network", r)
	}
	if e.renewalMark(a.ID) == nil {
		t.Fatal("a renewal with no answer left no mark")
	}
	e.checker.setRefresh(server.refresh)
	e.clock.Advance(5 * time.Minute)
	r := e.check(a.ID, false) // not forced, not due: the mark makes it renew
	if !r.Refreshed || r.Verdict != VerdictValid {
		t.Fatalf("result %+v; want a renewal and a valid token", r)
	}
	if e.renewalMark(a.ID) != nil {
		t.Error("the mark outlived the renewal that settled it")
	}
	if got := secret(t, e.secrets, a.ID, backend.SecretRefreshToken); got != server.current {
		t.Errorf("stored refresh token %q, want the newest %q", got, server.current)
	}
}

// check_problem is the reason code of the last check that got no verdict,
// and UnverifiedSince when the platform last answered; a verdict clears
// both.
func TestCheckProblemAndUnverifiedSince(t *testing.T) {
	e := newMemEnv(t)
	a := e.addAccount(&backend.Account{Provider: "custom1", ExpiresAt: ptr(t0.Add(50 * time.Minute))}, "at-a", "")
	e.check(a.ID, true)
	verified := e.account(a.ID)
	if verified.CheckProblem != "" || verified.UnverifiedSince() != nil || verified.LastCheckedAt == nil {
		t.Fatalf("after a verdict: problem %q, unverified since %v", verified.CheckProblem, verified.UnverifiedSince())
	}
	for _, reason := range []string{backend.ReasonNetwork, backend.ReasonProviderDown, backend.ReasonAppMisconfigured} {
		e.clock.Advance(5 * time.Minute)
		e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) { return nil, errReason(reason) })
		e.check(a.ID, true)
		got := e.account(a.ID)
		if got.CheckProblem != reason || got.UnverifiedSince() == nil || !got.UnverifiedSince().Equal(*verified.LastCheckedAt) || got.Invalid {
			t.Errorf("after %s: problem %q, unverified since %v (want %v), invalid %v", reason, got.CheckProblem, got.UnverifiedSince(), verified.LastCheckedAt, got.Invalid)
		}
	}
	e.clock.Advance(5 * time.Minute)
	e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) {
		return &backend.Validation{Valid: true}, nil
	})
	e.check(a.ID, true)
	if got := e.account(a.ID); got.CheckProblem != "" || got.UnverifiedSince() != nil {
		t.Errorf("a verdict left problem %q, unverified since %v", got.CheckProblem, got.UnverifiedSince())
	}
}
