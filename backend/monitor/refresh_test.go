package monitor

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// TestRefreshWhenDue: an access token near its expiry is renewed first,
// the rotated refresh token stored, and the new access token checked.
func TestRefreshWhenDue(t *testing.T) {
	e := newEnv(t)
	oldAccess, oldRefresh := randomToken("g-access"), randomToken("g-refresh")
	a := e.addAccount(&backend.Account{Provider: "google", ConnectedAt: ptr(t0.Add(-30 * day)), LastRefreshedAt: ptr(t0.Add(-57 * time.Minute)),
		ExpiresAt: ptr(t0.Add(3 * time.Minute))}, oldAccess, oldRefresh)
	newAccess, newRefresh := randomToken("g-access"), randomToken("g-refresh")
	exp := t0.Add(time.Hour)
	e.checker.setRefresh(func(_ *backend.Provider, access, refresh string) (*backend.Grant, error) {
		if refresh != oldRefresh {
			return nil, errReason(backend.ReasonRevoked)
		}
		return &backend.Grant{AccessToken: newAccess, RefreshToken: newRefresh, ExpiresAt: &exp}, nil
	})
	r := e.check(a.ID, false)
	if !r.Refreshed || r.Verdict != VerdictValid {
		t.Fatalf("result %+v", r)
	}
	if got := secret(t, e.secrets, a.ID, backend.SecretRefreshToken); got != newRefresh {
		t.Error("the rotated refresh token was not stored")
	}
	if got := secret(t, e.secrets, a.ID, backend.SecretAccessToken); got != newAccess {
		t.Error("the new access token was not stored")
	}
	if e.checker.validated[0] != newAccess {
		t.Error("the old access token was checked instead of the new one")
	}
	got := e.account(a.ID)
	if !got.ExpiresAt.Equal(exp) || !got.LastRefreshedAt.Equal(t0) || !got.HasRefreshToken {
		t.Fatalf("account %+v", got)
	}
	es := e.events(a.ID)
	if !slices.Equal(kinds(es), []string{"account.refreshed/ok", "account.checked/ok"}) {
		t.Fatalf("events %v", kinds(es))
	}
	d := es[0].Details
	if d["has_refresh_token"] != true || d["rotated"] != true || d["expires_at"] == nil || d["why"] != "expiry" {
		t.Errorf("refresh details %v", d)
	}
	e.noSecrets([]*Result{r}, oldAccess, oldRefresh, newAccess, newRefresh, "app-secret-google")

	// Checked again at once, not forced: the tokens are fresh, no renewal.
	e.clock.Advance(2 * time.Minute)
	r = e.check(a.ID, true)
	if r.Refreshed {
		t.Error("renewed again although it was renewed 2 minutes ago... by force")
	}
}

func TestRefreshKeepsOldRefreshToken(t *testing.T) {
	e := newEnv(t)
	oldRefresh := randomToken("ms-refresh")
	a := e.addAccount(&backend.Account{Provider: "microsoft", LastRefreshedAt: ptr(t0.Add(-2 * time.Hour)), ExpiresAt: ptr(t0.Add(-time.Hour))},
		randomToken("ms-access"), oldRefresh)
	e.checker.setRefresh(func(_ *backend.Provider, access, refresh string) (*backend.Grant, error) {
		return &backend.Grant{AccessToken: "ms-access-new-123456"}, nil // no refresh token, no expiry
	})
	r := e.check(a.ID, false)
	if !r.Refreshed {
		t.Fatalf("not renewed: %+v", r)
	}
	if got := secret(t, e.secrets, a.ID, backend.SecretRefreshToken); got != oldRefresh {
		t.Errorf("refresh token replaced by %q", got)
	}
	got := e.account(a.ID)
	if !got.HasRefreshToken || got.ExpiresAt == nil || !got.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("no expiry from the catalogue lifetime: %+v", got.ExpiresAt)
	}
	if es := e.events(a.ID); es[0].Details["rotated"] != false {
		t.Errorf("details %v", es[0].Details)
	}
}

func TestIdleRefreshTokenIsTouched(t *testing.T) {
	e := newMemEnv(t)
	a := e.addAccount(&backend.Account{Provider: "microsoft", LastRefreshedAt: ptr(t0.Add(-50 * day)), ExpiresAt: ptr(t0.Add(10 * day))},
		randomToken("ms-access"), randomToken("ms-refresh"))
	e.checker.setRefresh(func(*backend.Provider, string, string) (*backend.Grant, error) {
		return &backend.Grant{AccessToken: randomToken("ms-access"), RefreshToken: randomToken("ms-refresh")}, nil
	})
	if r := e.check(a.ID, false); !r.Refreshed {
		t.Fatal("a refresh token unused for 50 of its 90 idle days was not used")
	}
	if es := e.events(a.ID); es[0].Details["why"] != "idle" {
		t.Errorf("why = %v", es[0].Details["why"])
	}
}

func TestInstagramTooYoung(t *testing.T) {
	e := newMemEnv(t)
	tooSoon := backend.Errorf(backend.EINVALID, "too soon")
	e.m.TooSoon = tooSoon
	young := e.addAccount(&backend.Account{Provider: "instagram", ConnectedAt: ptr(t0.Add(-2 * time.Hour)), ExpiresAt: ptr(t0.Add(59 * day))}, randomToken("ig"), "")
	e.check(young.ID, true)
	if _, n := e.checker.counts(); n != 0 {
		t.Fatal("an Instagram token under 24 h old was sent for renewal")
	}
	// The platform says "too soon" anyway (clock skew): nothing is recorded
	// against the account.
	old := e.addAccount(&backend.Account{Provider: "instagram", ConnectedAt: ptr(t0.Add(-25 * time.Hour)), ExpiresAt: ptr(t0.Add(59 * day))}, randomToken("ig"), "")
	e.checker.setRefresh(func(*backend.Provider, string, string) (*backend.Grant, error) { return nil, tooSoon })
	r := e.check(old.ID, true)
	if r.Verdict != VerdictValid || r.Refreshed || r.Reason != "" {
		t.Fatalf("result %+v", r)
	}
	if got := kinds(e.events(old.ID)); !slices.Equal(got, []string{"account.checked/ok"}) {
		t.Fatalf("events %v", got)
	}
}

func TestRefreshRefusedIsAVerdict(t *testing.T) {
	e := newMemEnv(t)
	a := e.addAccount(&backend.Account{Provider: "google", ConnectedAt: ptr(t0.Add(-60 * day)), LastRefreshedAt: ptr(t0.Add(-2 * time.Hour)),
		ExpiresAt: ptr(t0.Add(-time.Hour))}, randomToken("g-access"), randomToken("g-refresh"))
	e.checker.setRefresh(func(*backend.Provider, string, string) (*backend.Grant, error) {
		return nil, &reasonErr{reason: backend.ReasonRevoked, msg: "Token has been expired or revoked."}
	})
	r := e.check(a.ID, false)
	if r.Verdict != VerdictInvalid || r.Reason != backend.ReasonRevoked || r.After != backend.StatusInvalid {
		t.Fatalf("result %+v", r)
	}
	if v, _ := e.checker.counts(); v != 0 {
		t.Error("the access token was validated after its renewal was refused")
	}
	es := e.events(a.ID)
	if !slices.Equal(kinds(es), []string{"account.refreshed/failed"}) || es[0].Reason != backend.ReasonRevoked ||
		!strings.Contains(es[0].Message, "refused to renew") || !strings.Contains(es[0].Message, "expired or revoked") {
		t.Fatalf("events %v: %+v", kinds(es), es[0])
	}
}

func TestGoogleTestingMode(t *testing.T) {
	tests := []struct {
		connectedDaysAgo float64
		reason           string
	}{
		{7, backend.ReasonAppMisconfigured},
		{6.2, backend.ReasonAppMisconfigured},
		{7.9, backend.ReasonAppMisconfigured},
		{5, backend.ReasonRevoked},
		{30, backend.ReasonRevoked},
	}
	e := newMemEnv(t)
	for _, tt := range tests {
		e.reset()
		connected := t0.Add(-time.Duration(tt.connectedDaysAgo * float64(day)))
		a := e.addAccount(&backend.Account{Provider: "google", ConnectedAt: &connected, LastRefreshedAt: ptr(t0.Add(-2 * time.Hour)),
			ExpiresAt: ptr(t0.Add(-time.Hour))}, randomToken("g-access"), randomToken("g-refresh"))
		e.checker.setRefresh(func(*backend.Provider, string, string) (*backend.Grant, error) {
			return nil, &reasonErr{reason: backend.ReasonRevoked, msg: "Token has been expired or revoked."}
		})
		r := e.check(a.ID, false)
		if r.Reason != tt.reason || !e.account(a.ID).Invalid {
			t.Errorf("connected %.1f days ago: reason %q, want %q", tt.connectedDaysAgo, r.Reason, tt.reason)
		}
		testing := strings.Contains(r.Message, `"Testing" mode`) && strings.Contains(r.Message, "Publish app")
		if testing != (tt.reason == backend.ReasonAppMisconfigured) {
			t.Errorf("connected %.1f days ago: message %q", tt.connectedDaysAgo, r.Message)
		}
		if tt.reason == backend.ReasonAppMisconfigured {
			es := e.events(a.ID)
			if es[0].Reason != backend.ReasonAppMisconfigured || es[0].Details["suspected"] != "google_testing_mode" || es[0].Message != r.Message {
				t.Errorf("event %+v", es[0])
			}
		}
	}
}

func TestTransientRefreshFailure(t *testing.T) {
	e := newMemEnv(t)
	a := e.addAccount(&backend.Account{Provider: "google", ConnectedAt: ptr(t0.Add(-60 * day)), LastRefreshedAt: ptr(t0.Add(-2 * time.Hour)),
		ExpiresAt: ptr(t0.Add(-time.Hour))}, randomToken("g-access"), randomToken("g-refresh"))
	e.checker.setRefresh(func(*backend.Provider, string, string) (*backend.Grant, error) {
		return nil, errReason(backend.ReasonProviderDown)
	})
	r := e.check(a.ID, false)
	if r.Verdict != VerdictNone || r.Reason != backend.ReasonProviderDown || e.account(a.ID).Invalid {
		t.Fatalf("result %+v", r)
	}
	if v, _ := e.checker.counts(); v != 0 {
		t.Error("validated although the renewal could not reach the platform")
	}
	es := e.events(a.ID)
	if !slices.Equal(kinds(es), []string{"account.check_failed/failed"}) || es[0].Details["step"] != "renewal" ||
		!strings.Contains(es[0].Message, "Could not renew") {
		t.Fatalf("events %v %+v", kinds(es), es[0])
	}
}

// TestRefreshTokenWriteFailure: when the keychain refuses the rotated
// refresh token, nothing else is written and the new tokens are never used.
func TestRefreshTokenWriteFailure(t *testing.T) {
	e := newMemEnv(t)
	mem := newMemSecrets()
	e.secrets, e.m.Secrets = mem, mem
	oldAccess, oldRefresh := randomToken("g-access"), randomToken("g-refresh")
	a := e.addAccount(&backend.Account{Provider: "google", ConnectedAt: ptr(t0.Add(-60 * day)), LastRefreshedAt: ptr(t0.Add(-2 * time.Hour)),
		ExpiresAt: ptr(t0.Add(-time.Hour))}, oldAccess, oldRefresh)
	mem.setErr = func(owner string, kind backend.SecretKind) error {
		return backend.Errorf(backend.EUNAVAILABLE, "The keychain is locked.")
	}
	newAccess := randomToken("g-access")
	e.checker.setRefresh(func(_ *backend.Provider, _, refresh string) (*backend.Grant, error) {
		return &backend.Grant{AccessToken: newAccess, RefreshToken: randomToken("g-refresh"), ExpiresAt: ptr(t0.Add(time.Hour))}, nil
	})
	_, err := e.m.Check(bg, a.ID, false)
	var le *LocalError
	if !errors.As(err, &le) || le.Step != "keychain" {
		t.Fatalf("err = %v", err)
	}
	if secret(t, mem, a.ID, backend.SecretRefreshToken) != oldRefresh || secret(t, mem, a.ID, backend.SecretAccessToken) != oldAccess {
		t.Fatal("tokens changed although the refresh token could not be stored")
	}
	if slices.Contains(e.checker.validated, newAccess) {
		t.Fatal("the platform was called with a token that is not in the keychain")
	}
	got := e.account(a.ID)
	if got.LastRefreshedAt.Equal(t0) || got.CheckFailures != 1 || !strings.Contains(got.LastError, "keychain") ||
		!got.NextCheckAt.Equal(t0.Add(time.Minute)) || len(e.events(a.ID)) != 0 {
		t.Fatalf("account %+v, events %v", got, kinds(e.events(a.ID)))
	}
	// With the keychain back, the next check renews with the refresh token
	// that is stored.
	mem.setErr = nil
	e.clock.Advance(time.Minute)
	if r := e.check(a.ID, false); !r.Refreshed {
		t.Fatalf("result %+v", r)
	}
	if e.checker.refreshed[1] != oldRefresh {
		t.Error("the second renewal did not use the stored refresh token")
	}
}
