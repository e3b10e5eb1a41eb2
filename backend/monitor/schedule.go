package monitor

import (
	"hash/fnv"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

const (
	day = 24 * time.Hour
	// minMargin is the least time before expiry a renewal happens.
	minMargin = 5 * time.Minute
	// longLived tokens (60-day Facebook and Instagram tokens) are renewed at
	// least a day before they expire, so a day of outage cannot lose them.
	longLived       = 30 * day
	longLivedMargin = day
	// justRefreshed: a renewal this recent (by another process, say) is not
	// repeated, even when forced.
	justRefreshed = time.Minute
	// minNext is the soonest a next check is scheduled.
	minNext = time.Minute
	// maxBackoff caps the wait after failures without a verdict; maxRetryAfter
	// caps a platform's own Retry-After.
	maxBackoff    = time.Hour
	maxRetryAfter = day
)

// Backoff is how long to wait after failures checks in a row got no verdict:
// 1 minute, then 2, 4, 8 ... capped at 1 hour.
func Backoff(failures int) time.Duration {
	d := time.Minute
	for i := 1; i < failures && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// issuedAt is when the account's current tokens were obtained: the last
// renewal, else the last browser login. known is false when only the
// account's creation (an import) is known.
func issuedAt(a *backend.Account) (t time.Time, known bool) {
	switch {
	case a.LastRefreshedAt != nil:
		return *a.LastRefreshedAt, true
	case a.ConnectedAt != nil:
		return *a.ConnectedAt, true
	}
	return a.CreatedAt, false
}

// TokenLifetime is the current access token's lifetime: from when it was
// issued to its expiry when both are known, else the platform's documented
// lifetime (0 when unknown).
func TokenLifetime(a *backend.Account, p *backend.Provider) time.Duration {
	if a.ExpiresAt != nil {
		if t, known := issuedAt(a); known && a.ExpiresAt.After(t) {
			return a.ExpiresAt.Sub(t)
		}
	}
	return p.Lifetimes.Access
}

// RefreshMargin is how long before its expiry an access token is renewed:
// 10% of its lifetime, at least 5 minutes, and at least a day for 60-day
// tokens (Facebook, Instagram). Nango renews 15 minutes ahead on a server
// that never sleeps; a laptop may be closed for hours, hence the share.
func RefreshMargin(a *backend.Account, p *backend.Provider) time.Duration {
	life := TokenLifetime(a, p)
	m := max(life/10, minMargin)
	if life >= longLived || p.Lifetimes.Access >= longLived ||
		p.Refresh == backend.RefreshFacebook || p.Refresh == backend.RefreshInstagram {
		m = max(m, longLivedMargin)
	}
	return m
}

// recoversAfterExpiry reports whether an expired access token can still be
// renewed: with a refresh token it can; the Facebook and Instagram exchanges
// need a token that still works.
func recoversAfterExpiry(a *backend.Account, p *backend.Provider) bool {
	return p.Refresh == backend.RefreshToken && a.HasRefreshToken
}

// refreshDue says whether a check should renew the tokens first, and why.
// minAge is how old the platform wants a token before it renews it
// (platformQuirks.MinRefreshAge).
func refreshDue(a *backend.Account, p *backend.Provider, minAge time.Duration, force bool, now time.Time) (bool, string) {
	if !a.Renews(p) || (a.Invalid && !force) {
		return false, ""
	}
	issued, _ := issuedAt(a)
	if minAge > 0 && now.Sub(issued) < minAge {
		return false, "too young"
	}
	if a.LastRefreshedAt != nil && now.Sub(*a.LastRefreshedAt) < justRefreshed {
		return false, "just renewed"
	}
	if force {
		return true, "asked"
	}
	if a.ExpiresAt != nil && a.ExpiresAt.Sub(now) <= RefreshMargin(a, p) {
		return true, "expiry"
	}
	if idle := p.Lifetimes.RefreshIdle; idle > 0 && a.HasRefreshToken && now.Sub(issued) >= idle/2 {
		return true, "idle"
	}
	return false, ""
}

// NextCheck is when the account should be checked next, after a check with
// result r (nil: a check that found the token working):
//
//   - after a failure without a verdict: Backoff(a.CheckFailures), or the
//     platform's Retry-After when longer;
//   - invalid and expired accounts: once a day (twice the interval);
//   - otherwise the regular interval (Schedule.Interval, 12 h ± 25% per
//     account; half of it when a deadline is within the warning window),
//     or sooner when something is due: the renewal of a token that cannot
//     be renewed once expired (expiry minus RefreshMargin), the refresh
//     token's idle limit (half of it), the platform's minimum age for a
//     renewal (Instagram's 24 hours, platformQuirks.MinRefreshAge), the
//     expiry of a token that does not renew, or the reconnect-by deadline.
//
// Moments already past are ignored, and the result is at least a minute
// away.
func (m *Monitor) NextCheck(a *backend.Account, p *backend.Provider, r *Result) time.Time {
	return m.nextCheck(a, p, r).Truncate(time.Millisecond) // as the store keeps it
}

func (m *Monitor) nextCheck(a *backend.Account, p *backend.Provider, r *Result) time.Time {
	now := m.now()
	if r != nil && r.Verdict == VerdictNone && !r.Skipped {
		d := Backoff(a.CheckFailures)
		if ra := min(r.RetryAfter, maxRetryAfter); ra > d {
			d = ra
		}
		return now.Add(d)
	}
	renews := a.Renews(p)
	status := a.Status(now, m.window(), renews, p.Refresh == backend.RefreshToken)
	base := m.Schedule.interval()
	interval := jitter(base, a.ID)
	switch status {
	case backend.StatusInvalid, backend.StatusExpired:
		return now.Add(2 * base)
	case backend.StatusExpiring:
		interval /= 2
	}
	if r != nil && r.Reason != "" {
		interval /= 2
	}
	interval = min(max(interval, base/2), 2*base) // 6 h to 24 h by default
	next := now.Add(interval)
	floor := now.Add(minNext)
	consider := func(t time.Time) {
		if t.After(now) && t.Before(next) {
			next = t
		}
	}
	if a.ExpiresAt != nil {
		switch {
		case renews && !recoversAfterExpiry(a, p):
			consider(a.ExpiresAt.Add(-RefreshMargin(a, p)))
		case !renews:
			consider(a.ExpiresAt.Add(minNext))
		}
	}
	issued, _ := issuedAt(a)
	if renews {
		if idle := p.Lifetimes.RefreshIdle; idle > 0 && a.HasRefreshToken {
			consider(issued.Add(idle / 2))
		}
		if minAge := m.quirks(p).MinRefreshAge(p); minAge > 0 && a.ExpiresAt != nil && a.ExpiresAt.Sub(now) <= RefreshMargin(a, p) {
			consider(issued.Add(minAge + minNext))
		}
	}
	if by := a.ReconnectBy(renews); by != nil {
		consider(by.Add(minNext))
	}
	if next.Before(floor) {
		next = floor
	}
	return next
}

// jitter spreads accounts over ±25% of the interval, the same share for an
// account every time, so checks do not bunch up after a sweep.
func jitter(d time.Duration, id string) time.Duration {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	f := float64(h.Sum32()) / float64(1<<32) // [0, 1)
	return time.Duration(float64(d) * (0.75 + 0.5*f))
}
