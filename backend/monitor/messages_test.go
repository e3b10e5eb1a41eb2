package monitor

import (
	"errors"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestRetryAfterOfError(t *testing.T) {
	m := &Monitor{}
	if got := m.retryAfter(errRetry(backend.ReasonRateLimited, time.Minute)); got != time.Minute {
		t.Errorf("retryAfter = %v", got)
	}
	if got := m.retryAfter(errors.New("boom")); got != 0 {
		t.Errorf("retryAfter of a plain error = %v", got)
	}
}

func TestFailureText(t *testing.T) {
	c := &run{}
	plain := backend.Errorf(backend.EUNAVAILABLE, "Could not reach Facebook: the name graph.facebook.com could not be resolved.")
	for _, tc := range []struct {
		name string
		f    failure
		want string
	}{
		{"no words", failure{reason: backend.ReasonNetwork}, backend.Diagnose(backend.ReasonNetwork).Problem},
		{"platform's sentence stands alone", failure{reason: backend.ReasonNetwork, message: plain.Error(), plain: isPlain(plain)},
			"Could not reach Facebook: the name graph.facebook.com could not be resolved."},
		{"bare error follows the reason", failure{reason: backend.ReasonNetwork, message: "dial tcp: connection refused"},
			backend.Diagnose(backend.ReasonNetwork).Problem + " (dial tcp: connection refused.)"},
	} {
		if got := c.failureText(&tc.f); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
