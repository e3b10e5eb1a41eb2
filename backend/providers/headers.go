package providers

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter bounds how long a platform can ask Tokenwarden to wait, so
// a wrong or hostile header cannot stop checks for days.
const maxRetryAfter = 24 * time.Hour

// retryAfter reads how long the platform asks to wait, from the first of:
// Retry-After (seconds or an HTTP date, RFC 9110 §10.2.3); x-rate-limit-reset
// (X: a Unix time); x-ratelimit-reset and ratelimit-reset (seconds to wait,
// or a Unix time when the number is that large); Facebook's
// estimated_time_to_regain_access in X-Business-Use-Case-Usage (minutes).
// It returns 0 when none says, or the time has passed.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	var d time.Duration
	switch {
	case h.Get("Retry-After") != "":
		v := strings.TrimSpace(h.Get("Retry-After"))
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			d = seconds(n)
		} else if t, err := http.ParseTime(v); err == nil {
			d = t.Sub(now)
		}
	case h.Get("X-Rate-Limit-Reset") != "":
		if n, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-Rate-Limit-Reset")), 10, 64); err == nil {
			d = time.Unix(n, 0).Sub(now)
		}
	case h.Get("X-Ratelimit-Reset") != "" || h.Get("Ratelimit-Reset") != "":
		v := firstOf(h.Get("X-Ratelimit-Reset"), h.Get("Ratelimit-Reset"))
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			if n > 1_000_000_000 { // a Unix time, not a number of seconds
				d = time.Unix(n, 0).Sub(now)
			} else {
				d = seconds(n)
			}
		}
	default:
		for _, u := range businessUsage(h) {
			if m := time.Duration(u.EstimatedTimeToRegainAccess) * time.Minute; m > d {
				d = m
			}
		}
	}
	switch {
	case d <= 0:
		return 0
	case d > maxRetryAfter:
		return maxRetryAfter
	}
	// Whole seconds, rounded up: "retry in 0.3 s" means "in 1 s".
	return (d + time.Second - 1).Truncate(time.Second)
}

func seconds(n int64) time.Duration {
	if n <= 0 {
		return 0
	}
	if n > int64(maxRetryAfter/time.Second) {
		return maxRetryAfter
	}
	return time.Duration(n) * time.Second
}

// metaUsage is X-App-Usage and X-Page-Usage: percentages of the quota.
type metaUsage struct {
	CallCount    *float64 `json:"call_count"`
	TotalTime    *float64 `json:"total_time"`
	TotalCPUTime *float64 `json:"total_cputime"`
}

// bucUsage is one entry of X-Business-Use-Case-Usage:
// {"<business-object-id>":[{"type":"pages","call_count":100,...}]}.
type bucUsage struct {
	Type                        string  `json:"type"`
	CallCount                   float64 `json:"call_count"`
	TotalTime                   float64 `json:"total_time"`
	TotalCPUTime                float64 `json:"total_cputime"`
	EstimatedTimeToRegainAccess float64 `json:"estimated_time_to_regain_access"`
}

// businessUsage reads X-Business-Use-Case-Usage; a malformed header reads
// as none.
func businessUsage(h http.Header) []bucUsage {
	raw := h.Get("X-Business-Use-Case-Usage")
	if raw == "" {
		return nil
	}
	var m map[string][]bucUsage
	if json.Unmarshal([]byte(raw), &m) != nil {
		return nil
	}
	var out []bucUsage
	for _, list := range m {
		out = append(out, list...)
	}
	return out
}

func percent(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "?"
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + "%"
}

// metaUsageOf reads Meta's usage headers into keys such as
// "app call_count": "12%". X-Business-Use-Case-Usage entries are keyed by
// their type ("pages call_count"), keeping the highest share when several
// business objects report the same type.
func metaUsageOf(h http.Header) map[string]string {
	out := map[string]string{}
	for _, hd := range []struct{ header, prefix string }{{"X-App-Usage", "app"}, {"X-Page-Usage", "page"}} {
		var u metaUsage
		if raw := h.Get(hd.header); raw == "" || json.Unmarshal([]byte(raw), &u) != nil {
			continue
		}
		for _, f := range []struct {
			name string
			v    *float64
		}{{"call_count", u.CallCount}, {"total_time", u.TotalTime}, {"total_cputime", u.TotalCPUTime}} {
			if f.v != nil {
				out[hd.prefix+" "+f.name] = percent(*f.v)
			}
		}
	}
	max := map[string]float64{}
	for _, u := range businessUsage(h) {
		typ := firstOf(u.Type, "business")
		for name, v := range map[string]float64{"call_count": u.CallCount, "total_time": u.TotalTime, "total_cputime": u.TotalCPUTime} {
			key := typ + " " + name
			if cur, ok := max[key]; !ok || v > cur {
				max[key] = v
			}
		}
	}
	for k, v := range max {
		out[k] = percent(v)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// rateUsageOf reads the common rate-limit headers (X's x-rate-limit-*,
// and the x-ratelimit-* and ratelimit-* others use) into "limit",
// "remaining", "used" (a share) and "reset" (RFC 3339, when a Unix time is
// given).
func rateUsageOf(h http.Header, now time.Time) map[string]string {
	for _, prefix := range []string{"X-Rate-Limit-", "X-Ratelimit-", "Ratelimit-"} {
		limit, remaining := strings.TrimSpace(h.Get(prefix+"Limit")), strings.TrimSpace(h.Get(prefix+"Remaining"))
		if limit == "" && remaining == "" {
			continue
		}
		out := map[string]string{}
		if limit != "" {
			out["limit"] = limit
		}
		if remaining != "" {
			out["remaining"] = remaining
		}
		l, err1 := strconv.ParseFloat(limit, 64)
		r, err2 := strconv.ParseFloat(remaining, 64)
		if err1 == nil && err2 == nil && l > 0 && r >= 0 && r <= l {
			out["used"] = percent((l - r) / l * 100)
		}
		if reset, err := strconv.ParseInt(strings.TrimSpace(h.Get(prefix+"Reset")), 10, 64); err == nil {
			if reset > 1_000_000_000 {
				out["reset"] = time.Unix(reset, 0).UTC().Format(time.RFC3339)
			} else if reset >= 0 {
				out["reset"] = now.Add(time.Duration(reset) * time.Second).UTC().Format(time.RFC3339)
			}
		}
		return out
	}
	return nil
}

// usageOf reads whichever usage headers a reply has.
func usageOf(h http.Header, now time.Time) map[string]string {
	if h == nil {
		return nil
	}
	if u := metaUsageOf(h); u != nil {
		return u
	}
	return rateUsageOf(h, now)
}

// waitWords says a wait in words for a message: "about 15 minutes".
func waitWords(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < 2*time.Minute:
		return fmt.Sprintf("%d seconds", int(d/time.Second))
	case d < 2*time.Hour:
		return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("%d hours", int((d+time.Hour-1)/time.Hour))
}
