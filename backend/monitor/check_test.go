package monitor

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestValidCheckRecords(t *testing.T) {
	e := newMemEnv(t)
	a := e.addAccount(&backend.Account{Provider: "facebook", ConnectedAt: ptr(t0.Add(-10 * day)), ExpiresAt: ptr(t0.Add(50 * day)),
		Scopes: []string{"pages_show_list"}}, "fb-access-token-1", "")
	exp, dax := t0.Add(49*day), t0.Add(80*day)
	e.checker.setValidate(func(_ *backend.Provider, token string) (*backend.Validation, error) {
		return &backend.Validation{Valid: true, ExpiresAt: &exp, DataAccessExpiresAt: &dax, Scopes: []string{"pages_show_list"},
			Usage: map[string]string{"call_count": "12%"}}, nil
	})
	r := e.check(a.ID, false)
	if r.Verdict != VerdictValid || r.Refreshed || r.Reason != "" || r.Before != backend.StatusHealthy || r.After != backend.StatusHealthy {
		t.Fatalf("result %+v", r)
	}
	got := e.account(a.ID)
	if !got.ExpiresAt.Equal(exp) || !got.DataAccessExpiresAt.Equal(dax) || got.Usage["call_count"] != "12%" ||
		got.LastCheckedAt == nil || !got.LastCheckedAt.Equal(t0) || got.NextCheckAt == nil || !got.NextCheckAt.Equal(*r.NextCheckAt) {
		t.Fatalf("account after check: %+v", got)
	}
	if d := got.NextCheckAt.Sub(t0); d < 6*time.Hour || d > day {
		t.Errorf("next check in %v", d)
	}
	es := e.events(a.ID)
	if !slices.Equal(kinds(es), []string{"account.checked/ok"}) {
		t.Fatalf("events %v", kinds(es))
	}
	if es[0].Details["usage"] == nil || !strings.Contains(es[0].Message, "Facebook accepts the token") {
		t.Errorf("event %+v", es[0])
	}
	if v, _ := e.checker.counts(); v != 1 {
		t.Errorf("%d validations", v)
	}
}

// TestReasonPaths: a verdict marks the account invalid; a failure without
// a verdict never does, counts up and backs off.
func TestReasonPaths(t *testing.T) {
	tests := []struct {
		name        string
		before      func(a *backend.Account)
		validate    func() (*backend.Validation, error)
		invalid     bool
		reason      string
		verdict     Verdict
		kind        string
		failures    int
		next        time.Duration
		words       string
		retryAfter  time.Duration
		clearsError bool
	}{
		{name: "password changed (verdict)", validate: func() (*backend.Validation, error) {
			return &backend.Validation{Valid: false, Reason: backend.ReasonPasswordChanged, Message: "Error validating access token: password changed"}, nil
		}, invalid: true, reason: backend.ReasonPasswordChanged, verdict: VerdictInvalid, kind: "account.checked/failed", next: day,
			words: "password was changed"},
		{name: "checkpoint (verdict)", validate: func() (*backend.Validation, error) {
			return &backend.Validation{Valid: false, Reason: backend.ReasonCheckpoint}, nil
		}, invalid: true, reason: backend.ReasonCheckpoint, verdict: VerdictInvalid, kind: "account.checked/failed", next: day, words: "log in and confirm"},
		{name: "verdict carried by an error (revoked, as the providers package says invalid_token)", validate: func() (*backend.Validation, error) {
			return nil, errReason(backend.ReasonRevoked)
		}, invalid: true, reason: backend.ReasonRevoked, verdict: VerdictInvalid, kind: "account.checked/failed", next: day, words: "Access was removed"},
		{name: "verdict without a reason reads as unknown", validate: func() (*backend.Validation, error) {
			return &backend.Validation{Valid: false}, nil
		}, invalid: true, reason: backend.ReasonUnknown, verdict: VerdictInvalid, kind: "account.checked/failed", next: day},
		{name: "network (transient)", validate: func() (*backend.Validation, error) {
			return nil, &reasonErr{reason: backend.ReasonNetwork, msg: "dial tcp: connection refused"}
		}, reason: backend.ReasonNetwork, verdict: VerdictNone, kind: "account.check_failed/failed", failures: 1, next: time.Minute,
			words: "could not be reached"},
		{name: "provider down (transient)", validate: func() (*backend.Validation, error) {
			return nil, errReason(backend.ReasonProviderDown)
		}, reason: backend.ReasonProviderDown, verdict: VerdictNone, kind: "account.check_failed/failed", failures: 1, next: time.Minute},
		{name: "rate limited with Retry-After (transient)", validate: func() (*backend.Validation, error) {
			return nil, errRetry(backend.ReasonRateLimited, 10*time.Minute)
		}, reason: backend.ReasonRateLimited, verdict: VerdictNone, kind: "account.check_failed/failed", failures: 1, next: 10 * time.Minute,
			retryAfter: 10 * time.Minute},
		{name: "transient answer in a validation is no verdict", validate: func() (*backend.Validation, error) {
			return &backend.Validation{Valid: false, Reason: backend.ReasonRateLimited}, nil
		}, reason: backend.ReasonRateLimited, verdict: VerdictNone, kind: "account.check_failed/failed", failures: 1, next: time.Minute},
		{name: "unexplained error: no verdict, not invalid", validate: func() (*backend.Validation, error) {
			return nil, errors.New("json: cannot unmarshal")
		}, reason: backend.ReasonUnknown, verdict: VerdictNone, kind: "account.check_failed/failed", failures: 1, next: time.Minute},
		{name: "transient failure leaves an invalid account invalid",
			before: func(a *backend.Account) { a.Invalid, a.Reason = true, backend.ReasonRevoked },
			validate: func() (*backend.Validation, error) {
				return nil, errReason(backend.ReasonNetwork)
			}, invalid: true, reason: backend.ReasonNetwork, verdict: VerdictNone, kind: "account.check_failed/failed", failures: 1, next: time.Minute},
		{name: "valid verdict clears an earlier verdict and failures",
			before: func(a *backend.Account) {
				a.Invalid, a.Reason, a.CheckFailures, a.LastError = true, backend.ReasonCheckpoint, 3, "old failure"
			},
			validate: func() (*backend.Validation, error) { return &backend.Validation{Valid: true}, nil },
			verdict:  VerdictValid, kind: "account.checked/ok", clearsError: true},
	}
	e := newMemEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			e.reset()
			acc := &backend.Account{Provider: "x", ExpiresAt: ptr(t0.Add(30 * day))}
			if tt.before != nil {
				tt.before(acc)
			}
			a := e.addAccount(acc, randomToken("x-access"), "")
			e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) { return tt.validate() })
			r := e.check(a.ID, false)
			got := e.account(a.ID)
			if r.Verdict != tt.verdict || r.Reason != tt.reason {
				t.Errorf("verdict %q reason %q, want %q %q", r.Verdict, r.Reason, tt.verdict, tt.reason)
			}
			if got.Invalid != tt.invalid {
				t.Errorf("Invalid = %v, want %v", got.Invalid, tt.invalid)
			}
			if tt.verdict == VerdictNone && got.Reason != acc.Reason {
				t.Errorf("a failure without a verdict changed Reason to %q", got.Reason)
			}
			if tt.verdict == VerdictInvalid && got.Reason != tt.reason {
				t.Errorf("Reason = %q", got.Reason)
			}
			if got.CheckFailures != tt.failures {
				t.Errorf("CheckFailures = %d, want %d", got.CheckFailures, tt.failures)
			}
			if tt.failures > 0 && got.LastError == "" {
				t.Error("LastError not set")
			}
			if tt.clearsError && (got.LastError != "" || got.Reason != "") {
				t.Errorf("LastError %q, Reason %q not cleared", got.LastError, got.Reason)
			}
			if tt.next != 0 && !got.NextCheckAt.Equal(t0.Add(tt.next)) {
				t.Errorf("next check in %v, want %v", got.NextCheckAt.Sub(t0), tt.next)
			}
			if r.RetryAfter != tt.retryAfter {
				t.Errorf("RetryAfter = %v", r.RetryAfter)
			}
			if tt.verdict == VerdictNone && got.LastCheckedAt != nil {
				t.Error("LastCheckedAt set without an answer about the token")
			}
			es := e.events(a.ID)
			if len(es) != 1 || kinds(es)[0] != tt.kind || es[0].Reason != tt.reason {
				t.Fatalf("events %v (reason %q), want one %s with reason %q", kinds(es), es[len(es)-1].Reason, tt.kind, tt.reason)
			}
			if !strings.Contains(r.Message, tt.words) || !strings.Contains(es[0].Message, tt.words) {
				t.Errorf("message %q / event %q lacks %q", r.Message, es[0].Message, tt.words)
			}
		})
	}
}

func TestBackoffGrows(t *testing.T) {
	e := newMemEnv(t)
	a := e.addAccount(&backend.Account{Provider: "x", ExpiresAt: ptr(t0.Add(30 * day))}, randomToken("x-access"), "")
	e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) {
		return nil, errReason(backend.ReasonNetwork)
	})
	var waits []time.Duration
	for range 9 {
		r := e.check(a.ID, false)
		waits = append(waits, r.NextCheckAt.Sub(e.clock.Now()))
		e.clock.Advance(r.NextCheckAt.Sub(e.clock.Now()))
	}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60}
	for i := range want {
		want[i] *= time.Minute
	}
	if !slices.Equal(waits, want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	if got := e.account(a.ID); got.CheckFailures != 9 || got.Invalid {
		t.Fatalf("after 9 failures: %+v", got)
	}
	e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) {
		return &backend.Validation{Valid: true}, nil
	})
	e.check(a.ID, false)
	if got := e.account(a.ID); got.CheckFailures != 0 || got.LastError != "" {
		t.Fatalf("a verdict did not reset the failures: %+v", got)
	}
}

func TestFacebookPageLoss(t *testing.T) {
	e := newEnv(t)
	other := e.newClient("Bakery Ltd")
	login := e.addAccount(&backend.Account{Provider: "facebook", Label: "Jane (Facebook)", ConnectedAt: ptr(t0.Add(-5 * day)),
		ExpiresAt: ptr(t0.Add(55 * day)), Identity: backend.Identity{ExternalID: "u1"}}, randomToken("fb-user"), "")
	page := func(label, ext, clientID string) *backend.Account {
		return e.addAccount(&backend.Account{Provider: "facebook", Kind: "page", ParentID: login.ID, Label: label, ClientID: clientID,
			ConnectedAt: ptr(t0.Add(-5 * day)), Identity: backend.Identity{ExternalID: ext, Name: label}}, randomToken("fb-page"), "")
	}
	p1, p2, p3 := page("Acme Shop", "p1", ""), page("Bakery Page", "p2", other.ID), page("Acme Blog", "p3", "")
	assets := []string{"p1", "p3"}
	e.checker.setValidate(func(_ *backend.Provider, token string) (*backend.Validation, error) {
		return &backend.Validation{Valid: true, AssetIDs: assets}, nil
	})
	r := e.check(login.ID, false)
	if r.Verdict != VerdictValid || len(r.Findings) != 1 || !strings.Contains(r.Findings[0], `Page "Bakery Page" (client Bakery Ltd) lost`) {
		t.Fatalf("result %+v", r)
	}
	if got := e.account(p2.ID); !got.Invalid || got.Reason != backend.ReasonPermissionLost {
		t.Fatalf("lost Page: %+v", got)
	}
	for _, p := range []*backend.Account{p1, p3} {
		if e.account(p.ID).Invalid {
			t.Fatalf("Page %s marked invalid", p.Label)
		}
	}
	pe := e.events(p2.ID)
	if len(pe) != 1 || pe[0].Kind != backend.EventAccountChecked || pe[0].Outcome != backend.OutcomeFailed || pe[0].Reason != backend.ReasonPermissionLost ||
		pe[0].ClientName != "Bakery Ltd" || !strings.Contains(pe[0].Message, `PAGE LOST: Bakery Ltd's Page "Bakery Page"`) ||
		!strings.Contains(pe[0].Message, `"Jane (Facebook)"`) {
		t.Fatalf("Page event %+v", pe)
	}
	le := e.events(login.ID)
	if le[0].Details["pages_lost"] == nil || !strings.Contains(le[0].Message, "Bakery Page") {
		t.Errorf("login event %+v", le[0])
	}

	// The Page's own check cannot undo what its login's check found.
	e.clock.Advance(time.Hour)
	e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) {
		return &backend.Validation{Valid: true}, nil
	})
	if r := e.check(p2.ID, true); r.After != backend.StatusInvalid || !strings.Contains(r.Message, "no longer reaches it") {
		t.Fatalf("Page's own check: %+v", r)
	}

	// Checked again: no second alarm.
	e.clock.Advance(time.Hour)
	e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) {
		return &backend.Validation{Valid: true, AssetIDs: assets}, nil
	})
	e.check(login.ID, false)
	if n := len(e.events(p2.ID)); n != 2 { // the Page's own check, nothing more
		t.Fatalf("%d events on the lost Page: %v", n, kinds(e.events(p2.ID)))
	}

	// Access given back, plus a new Page: the lost one is cleared and
	// checked next; the new one is mentioned.
	e.clock.Advance(time.Hour)
	assets = []string{"p1", "p2", "p3", "p4"}
	r = e.check(login.ID, false)
	got := e.account(p2.ID)
	if got.Invalid || got.NextCheckAt == nil || got.NextCheckAt.After(e.clock.Now()) {
		t.Fatalf("Page given back: %+v", got)
	}
	if last := e.events(p2.ID)[2]; last.Kind != backend.EventAccountFinding || !strings.Contains(last.Message, "reachable again") {
		t.Fatalf("event %+v", last)
	}
	if !slices.ContainsFunc(r.Findings, func(s string) bool { return strings.Contains(s, "1 Page(s) not added yet") }) {
		t.Errorf("findings %v", r.Findings)
	}
}

func TestScopeDrift(t *testing.T) {
	e := newMemEnv(t)
	a := e.addAccount(&backend.Account{Provider: "facebook", ConnectedAt: ptr(t0.Add(-5 * day)), ExpiresAt: ptr(t0.Add(55 * day)),
		Scopes: []string{"public_profile", "pages_show_list", "pages_manage_posts"}}, randomToken("fb"), "")
	scopes := []string{"public_profile", "pages_show_list"}
	e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) {
		return &backend.Validation{Valid: true, Scopes: scopes}, nil
	})
	r := e.check(a.ID, false)
	if r.Verdict != VerdictValid || r.Reason != backend.ReasonScopeMissing || !r.NeedsAttention() {
		t.Fatalf("result %+v", r)
	}
	got := e.account(a.ID)
	if got.Invalid || !slices.Contains(got.Scopes, "pages_manage_posts") {
		t.Fatalf("account %+v: a lost permission must stay in Scopes so a reconnect asks for it", got)
	}
	es := e.events(a.ID)
	if !slices.Equal(kinds(es), []string{"account.checked/ok", "account.finding/failed"}) || es[1].Reason != backend.ReasonScopeMissing ||
		!strings.Contains(es[1].Message, "pages_manage_posts (Publishes, edits and deletes posts on the Pages)") {
		t.Fatalf("events %v: %+v", kinds(es), es[len(es)-1])
	}
	// Same drift next time: no new finding.
	e.clock.Advance(time.Hour)
	e.check(a.ID, false)
	if n := len(e.events(a.ID)); n != 3 {
		for _, ev := range e.events(a.ID) {
			t.Log(ev.Kind, ev.Reason, ev.Message)
		}
		t.Fatalf("events %v", kinds(e.events(a.ID)))
	}
	// Granted again, plus a new one.
	e.clock.Advance(time.Hour)
	scopes = []string{"public_profile", "pages_show_list", "pages_manage_posts", "pages_read_engagement"}
	r = e.check(a.ID, false)
	es = e.events(a.ID)
	if r.Reason != "" || kinds(es)[4] != "account.finding/info" || !strings.Contains(es[4].Message, "every permission") {
		t.Fatalf("result %+v events %v", r, kinds(es))
	}
	if got := e.account(a.ID); !slices.Contains(got.Scopes, "pages_read_engagement") {
		t.Errorf("gained permission not stored: %v", got.Scopes)
	}
	// And no all-clear twice.
	e.clock.Advance(time.Hour)
	e.check(a.ID, false)
	if n := len(e.events(a.ID)); n != 6 {
		t.Fatalf("events %v", kinds(e.events(a.ID)))
	}
}

func TestUsageRecorded(t *testing.T) {
	e := newMemEnv(t)
	a := e.addAccount(&backend.Account{Provider: "facebook", ConnectedAt: ptr(t0.Add(-5 * day)), ExpiresAt: ptr(t0.Add(55 * day))}, randomToken("fb"), "")
	e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) {
		return &backend.Validation{Valid: true, Usage: map[string]string{"app call_count": "85%", "app total_time": "3%"}}, nil
	})
	r := e.check(a.ID, false)
	if got := e.account(a.ID).Usage; got["app call_count"] != "85%" || got["app total_time"] != "3%" {
		t.Fatalf("usage %v", got)
	}
	if len(r.Findings) != 1 || !strings.Contains(r.Findings[0], "usage is at 85% (app call_count)") {
		t.Fatalf("findings %v", r.Findings)
	}
	es := e.events(a.ID)
	if u, _ := es[0].Details["usage"].(map[string]any); u["app call_count"] != "85%" {
		t.Errorf("event details %v", es[0].Details)
	}
}

func TestMissingCredentialsWhenRenewalDue(t *testing.T) {
	e := newMemEnv(t)
	e.m.Credentials = func(context.Context, *backend.Provider) (backend.Credentials, error) {
		return backend.Credentials{}, backend.Errorf(backend.EINVALID, "Tokenwarden has no client id for Facebook yet.")
	}
	a := e.addAccount(&backend.Account{Provider: "facebook", ConnectedAt: ptr(t0.Add(-57 * day)), ExpiresAt: ptr(t0.Add(3 * day))}, randomToken("fb"), "")
	r := e.check(a.ID, false)
	if r.Refreshed || r.Verdict != VerdictValid || len(r.Findings) == 0 {
		t.Fatalf("result %+v", r)
	}
	es := e.events(a.ID)
	if !slices.Equal(kinds(es), []string{"account.checked/ok", "account.finding/failed"}) || es[1].Reason != backend.ReasonAppMisconfigured ||
		!strings.Contains(es[1].Message, "no client id") {
		t.Fatalf("events %v %+v", kinds(es), es)
	}
	e.clock.Advance(time.Hour)
	e.check(a.ID, false)
	if n := len(e.events(a.ID)); n != 3 {
		t.Fatalf("the same finding was written again: %v", kinds(e.events(a.ID)))
	}
}

func TestSkipRecentlyChecked(t *testing.T) {
	e := newMemEnv(t)
	a := e.addAccount(&backend.Account{Provider: "x", ExpiresAt: ptr(t0.Add(30 * day))}, randomToken("x"), "")
	e.check(a.ID, false)
	e.clock.Advance(20 * time.Second)
	r := e.check(a.ID, false)
	if !r.Skipped || r.Verdict != VerdictValid {
		t.Fatalf("result %+v", r)
	}
	if r := e.check(a.ID, true); r.Skipped {
		t.Fatal("a forced check was skipped")
	}
	if v, _ := e.checker.counts(); v != 2 {
		t.Fatalf("%d validations", v)
	}
}

func TestLocalFailures(t *testing.T) {
	e := newMemEnv(t)
	mem := newMemSecrets()
	e.secrets, e.m.Secrets = mem, mem
	a := e.addAccount(&backend.Account{Provider: "x", ExpiresAt: ptr(t0.Add(30 * day))}, "", "")
	_, err := e.m.Check(bg, a.ID, false)
	if backend.ErrorCode(err) != backend.ENOTFOUND || !strings.Contains(backend.ErrorMessage(err), "missing from the keychain") {
		t.Fatalf("err = %v", err)
	}
	got := e.account(a.ID)
	if got.CheckFailures != 1 || got.Invalid || !got.NextCheckAt.Equal(t0.Add(time.Minute)) || len(e.events(a.ID)) != 0 {
		t.Fatalf("account %+v", got)
	}
	if _, err := e.m.Check(bg, "acc_nosuchaccoun", false); backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Fatalf("unknown account: %v", err)
	}
}

func TestNoChecker(t *testing.T) {
	e := newMemEnv(t)
	e.m.Checkers = func(p *backend.Provider) backend.Checker {
		if p.ID == "static" {
			return nil
		}
		return e.checker
	}
	a := e.addAccount(&backend.Account{Provider: "static", ExpiresAt: ptr(t0.Add(30 * day))}, randomToken("st"), "")
	r := e.check(a.ID, false)
	if !r.Skipped || r.NextCheckAt == nil || !r.NextCheckAt.Equal(t0.Add(day)) || len(e.events(a.ID)) != 0 {
		t.Fatalf("result %+v", r)
	}
}

// TestPageTasksAreNotPermissions: a Page's stored scopes are its tasks
// (MANAGE, ANALYZE); debug_token on its token lists the login's
// permissions. Comparing the two reported every task as a lost permission.
func TestPageTasksAreNotPermissions(t *testing.T) {
	e := newEnv(t)
	login := e.addAccount(&backend.Account{Provider: "facebook", Label: "Jane (Facebook)", ConnectedAt: ptr(t0.Add(-5 * day)),
		ExpiresAt: ptr(t0.Add(55 * day)), Identity: backend.Identity{ExternalID: "u1"}}, randomToken("fb-user"), "")
	page := e.addAccount(&backend.Account{Provider: "facebook", Kind: "page", ParentID: login.ID, Label: "Acme Bakery",
		Scopes: []string{"ANALYZE", "MANAGE"}, ConnectedAt: ptr(t0.Add(-5 * day)), Identity: backend.Identity{ExternalID: "111"}},
		randomToken("fb-page"), "")
	e.checker.setValidate(func(*backend.Provider, string) (*backend.Validation, error) {
		return &backend.Validation{Valid: true, Scopes: []string{"pages_show_list", "pages_read_engagement"}}, nil
	})
	r := e.check(page.ID, false)
	if r.Verdict != VerdictValid || len(r.Findings) != 0 {
		t.Fatalf("result %+v", r)
	}
	if got := e.account(page.ID); !slices.Equal(got.Scopes, []string{"ANALYZE", "MANAGE"}) {
		t.Fatalf("the Page's tasks became %q", got.Scopes)
	}
}
