package monitor

import (
	"errors"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// reasonOf is the reason code a checker's answer names, unknown for a
// word outside the vocabulary (a checker's Validation.Reason).
func reasonOf(r string) string {
	if backend.IsReason(r) {
		return r
	}
	return backend.ReasonUnknown
}

// retryAfter is the wait a platform asked for with this error, if any.
func (m *Monitor) retryAfter(err error) time.Duration {
	if m.RetryAfterOf != nil {
		return max(m.RetryAfterOf(err), 0)
	}
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return max(ra.RetryAfter(), 0)
	}
	return 0
}

// platformQuirks is what a provider's checker may know about its
// platform's traps beyond Validate and Refresh (backend/providers' checkers
// do: providers.Quirks). A checker without it has none.
type platformQuirks interface {
	// MinRefreshAge is how old a token must be before the platform renews
	// it (Instagram: 24 hours); 0 for no minimum.
	MinRefreshAge(p *backend.Provider) time.Duration
	// ExplainRefusal explains a refused renewal that the developer app's
	// set-up most likely caused (Google's Testing mode): the reason code,
	// the sentence that stands for the refusal, and the event details;
	// reason "" when there is nothing to add.
	ExplainRefusal(p *backend.Provider, a *backend.Account, now time.Time, words string) (reason, message string, details map[string]any)
}

// noQuirks is the platformQuirks of a checker without any.
type noQuirks struct{}

func (noQuirks) MinRefreshAge(*backend.Provider) time.Duration { return 0 }
func (noQuirks) ExplainRefusal(*backend.Provider, *backend.Account, time.Time, string) (string, string, map[string]any) {
	return "", "", nil
}

// quirks returns the platform quirks of p's checker.
func (m *Monitor) quirks(p *backend.Provider) platformQuirks {
	if m.Checkers != nil {
		if q, ok := m.Checkers(p).(platformQuirks); ok {
			return q
		}
	}
	return noQuirks{}
}
