package monitor

import (
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/providers"
)

func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for n, w := range want {
		if got := Backoff(n); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, w)
		}
	}
	if got := Backoff(1000); got != time.Hour {
		t.Errorf("Backoff(1000) = %v", got)
	}
}

func TestRefreshMargin(t *testing.T) {
	ps := testProviders()
	now := t0
	tests := []struct {
		name string
		p    string
		a    backend.Account
		want time.Duration
	}{
		{"1 h Google token, issued at renewal", "google", backend.Account{LastRefreshedAt: ptr(now), ExpiresAt: ptr(now.Add(time.Hour))}, 6 * time.Minute},
		{"2 h X token from the catalogue lifetime (imported)", "x", backend.Account{ExpiresAt: ptr(now.Add(time.Hour))}, 12 * time.Minute},
		{"10-minute token: at least 5 minutes", "custom1", backend.Account{ConnectedAt: ptr(now), ExpiresAt: ptr(now.Add(10 * time.Minute))}, 5 * time.Minute},
		{"60-day Facebook token: 6 days", "facebook", backend.Account{ConnectedAt: ptr(now), ExpiresAt: ptr(now.Add(60 * day))}, 6 * day},
		{"Facebook token re-exchanged late (3 days left): still a day", "facebook", backend.Account{LastRefreshedAt: ptr(now), ExpiresAt: ptr(now.Add(3 * day))}, day},
		{"60-day Instagram token", "instagram", backend.Account{ConnectedAt: ptr(now), ExpiresAt: ptr(now.Add(60 * day))}, 6 * day},
		{"unknown lifetime: 5 minutes", "static", backend.Account{}, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RefreshMargin(&tt.a, ps[tt.p]); got != tt.want {
				t.Errorf("RefreshMargin = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRefreshDue(t *testing.T) {
	ps := testProviders()
	now := t0
	tests := []struct {
		name  string
		p     string
		a     backend.Account
		force bool
		want  bool
		why   string
	}{
		{"expiry within the margin", "google", backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now.Add(-55 * time.Minute)), ExpiresAt: ptr(now.Add(5 * time.Minute))}, false, true, "expiry"},
		{"expiry beyond the margin", "google", backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now.Add(-10 * time.Minute)), ExpiresAt: ptr(now.Add(50 * time.Minute))}, false, false, ""},
		{"already expired, refresh token renews it", "google", backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now.Add(-5 * time.Hour)), ExpiresAt: ptr(now.Add(-4 * time.Hour))}, false, true, "expiry"},
		{"forced", "google", backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now.Add(-10 * time.Minute)), ExpiresAt: ptr(now.Add(50 * time.Minute))}, true, true, "asked"},
		{"forced, but renewed 30 s ago by someone else", "google", backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now.Add(-30 * time.Second)), ExpiresAt: ptr(now.Add(time.Minute))}, true, false, "just renewed"},
		{"no refresh token", "google", backend.Account{ExpiresAt: ptr(now.Add(time.Minute))}, true, false, ""},
		{"idle refresh token: Microsoft, 46 days unused", "microsoft", backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now.Add(-46 * day)), ExpiresAt: ptr(now.Add(10 * day))}, false, true, "idle"},
		{"Microsoft, 44 days unused", "microsoft", backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now.Add(-44 * day)), ExpiresAt: ptr(now.Add(10 * day))}, false, false, ""},
		{"Facebook 5 days before expiry", "facebook", backend.Account{ConnectedAt: ptr(now.Add(-55 * day)), ExpiresAt: ptr(now.Add(5 * day))}, false, true, "expiry"},
		{"Facebook 20 days before expiry", "facebook", backend.Account{ConnectedAt: ptr(now.Add(-40 * day)), ExpiresAt: ptr(now.Add(20 * day))}, false, false, ""},
		{"Facebook imported by hand cannot be exchanged", "facebook", backend.Account{ExpiresAt: ptr(now.Add(time.Hour))}, true, false, ""},
		{"Facebook Page follows its login", "facebook", backend.Account{Kind: "page", ParentID: "acc_parent", ConnectedAt: ptr(now)}, true, false, ""},
		{"Instagram under 24 h old, even forced", "instagram", backend.Account{ConnectedAt: ptr(now.Add(-2 * time.Hour)), ExpiresAt: ptr(now.Add(time.Hour))}, true, false, "too young"},
		{"Instagram 2 days old, near expiry", "instagram", backend.Account{ConnectedAt: ptr(now.Add(-58 * day)), ExpiresAt: ptr(now.Add(2 * day))}, false, true, "expiry"},
		{"invalid account is not renewed unless forced", "google", backend.Account{Invalid: true, HasRefreshToken: true, LastRefreshedAt: ptr(now.Add(-2 * time.Hour)), ExpiresAt: ptr(now.Add(-time.Hour))}, false, false, ""},
		{"token that does not renew", "static", backend.Account{ExpiresAt: ptr(now.Add(time.Minute))}, true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := refreshDue(&tt.a, ps[tt.p], providers.Quirks{}.MinRefreshAge(ps[tt.p]), tt.force, now)
			if got != tt.want || why != tt.why {
				t.Errorf("refreshDue = %v %q, want %v %q", got, why, tt.want, tt.why)
			}
		})
	}
}

func TestNextCheck(t *testing.T) {
	ps := testProviders()
	clk := newClock(t0)
	m := &Monitor{Now: clk.Now}
	now := t0
	const id = "acc_abcdefghijkm"
	regular := jitter(12*time.Hour, id)
	if regular < 9*time.Hour || regular > 15*time.Hour {
		t.Fatalf("jittered interval %v outside 9-15 h", regular)
	}
	tests := []struct {
		name string
		p    string
		a    backend.Account
		r    *Result
		want time.Duration // from now
	}{
		{"healthy, nothing due: the regular interval", "google",
			backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now), ExpiresAt: ptr(now.Add(time.Hour))}, nil, regular},
		{"refresh token renews an expiring access token: no hourly checks", "google",
			backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now), ExpiresAt: ptr(now.Add(50 * time.Minute))}, nil, regular},
		{"60-day Facebook token: renewal at the margin (6 days before expiry, in 12 h)", "facebook",
			backend.Account{ConnectedAt: ptr(now.Add(-53*day - 12*time.Hour)), ExpiresAt: ptr(now.Add(6*day + 12*time.Hour))}, nil, min(12*time.Hour, regular)},
		{"token that does not renew: checked just after it expires", "static",
			backend.Account{ExpiresAt: ptr(now.Add(2 * time.Hour))}, nil, 2*time.Hour + time.Minute},
		{"idle limit: Microsoft refresh token touched at half its 90 days", "microsoft",
			backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now.Add(-45*day + 2*time.Hour)), ExpiresAt: ptr(now.Add(time.Hour))}, nil, 2 * time.Hour},
		{"reconnect-by deadline comes first", "linkedin",
			backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now), ExpiresAt: ptr(now.Add(60 * day)), RefreshExpiresAt: ptr(now.Add(3 * time.Hour))}, nil, 3*time.Hour + time.Minute},
		{"invalid: once a day", "google",
			backend.Account{Invalid: true, Reason: backend.ReasonRevoked, HasRefreshToken: true, ExpiresAt: ptr(now.Add(time.Hour))}, nil, day},
		{"expired and not renewing: once a day", "static",
			backend.Account{ExpiresAt: ptr(now.Add(-time.Hour))}, nil, day},
		{"first failure without a verdict: 1 minute", "google",
			backend.Account{CheckFailures: 1}, &Result{Verdict: VerdictNone, Reason: backend.ReasonNetwork}, time.Minute},
		{"fourth failure: 8 minutes", "google",
			backend.Account{CheckFailures: 4}, &Result{Verdict: VerdictNone, Reason: backend.ReasonProviderDown}, 8 * time.Minute},
		{"twentieth failure: capped at 1 hour", "google",
			backend.Account{CheckFailures: 20}, &Result{Verdict: VerdictNone, Reason: backend.ReasonNetwork}, time.Hour},
		{"Retry-After longer than the backoff wins", "google",
			backend.Account{CheckFailures: 1}, &Result{Verdict: VerdictNone, Reason: backend.ReasonRateLimited, RetryAfter: 10 * time.Minute}, 10 * time.Minute},
		{"Retry-After shorter than the backoff does not shorten it", "google",
			backend.Account{CheckFailures: 5}, &Result{Verdict: VerdictNone, Reason: backend.ReasonRateLimited, RetryAfter: 30 * time.Second}, 16 * time.Minute},
		{"absurd Retry-After capped at a day", "google",
			backend.Account{CheckFailures: 1}, &Result{Verdict: VerdictNone, Reason: backend.ReasonRateLimited, RetryAfter: 30 * day}, day},
		{"valid with a finding: checked sooner (6 h floor)", "google",
			backend.Account{HasRefreshToken: true, LastRefreshedAt: ptr(now)}, &Result{Verdict: VerdictValid, Reason: backend.ReasonScopeMissing}, max(regular/2, 6*time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.a
			a.ID, a.CreatedAt = id, now.Add(-100*day)
			want := tt.want.Truncate(time.Millisecond)
			got := m.NextCheck(&a, ps[tt.p], tt.r).Sub(now)
			if got != want {
				t.Errorf("NextCheck in %v, want %v", got, want)
			}
			if tt.r == nil || tt.r.Verdict != VerdictNone {
				if got < time.Minute || got > day {
					t.Errorf("NextCheck in %v: outside 1 min – 24 h", got)
				}
			}
		})
	}
}

func TestNextCheckNeverInThePast(t *testing.T) {
	ps := testProviders()
	m := &Monitor{Now: newClock(t0).Now}
	// Renewal due long ago but not possible (e.g. credentials missing): the
	// past moment is ignored rather than scheduled in a loop.
	a := &backend.Account{ID: "acc_abcdefghijkm", ConnectedAt: ptr(t0.Add(-59 * day)), ExpiresAt: ptr(t0.Add(time.Hour)), CreatedAt: t0.Add(-59 * day)}
	got := m.NextCheck(a, ps["facebook"], &Result{Verdict: VerdictValid}).Sub(t0)
	if got < time.Hour {
		t.Fatalf("NextCheck in %v: a past due moment was scheduled", got)
	}
}
