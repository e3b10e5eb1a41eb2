package backend

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
)

type coded string

func (c coded) Error() string      { return "coded " + string(c) }
func (c coded) ReasonCode() string { return string(c) }

func TestReasonOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{coded(ReasonPasswordChanged), ReasonPasswordChanged},
		{fmt.Errorf("renewal: %w", coded(ReasonRevoked)), ReasonRevoked},
		{coded("invalid_grant"), ReasonUnknown}, // not a reason code: no alias table
		{context.Canceled, ReasonNetwork},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), ReasonNetwork},
		{&net.OpError{Op: "dial", Err: errors.New("refused")}, ReasonNetwork},
		{Errorf(EUNAVAILABLE, "down"), ReasonProviderDown},
		{Errorf(EINVALID, "bad"), ReasonUnknown},
		{errors.New("boom"), ReasonUnknown},
	} {
		if got := ReasonOf(tc.err); got != tc.want {
			t.Errorf("ReasonOf(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestReasonRules: every code is either a verdict, transient, or neither
// (app_misconfigured, unknown), never both, and has its own words.
func TestReasonRules(t *testing.T) {
	verdicts := map[string]bool{ReasonExpired: true, ReasonPasswordChanged: true, ReasonRevoked: true, ReasonRenewalInterrupted: true,
		ReasonPermissionLost: true, ReasonScopeMissing: true, ReasonCheckpoint: true}
	transient := map[string]bool{ReasonRateLimited: true, ReasonNetwork: true, ReasonProviderDown: true}
	for code := range diagnoses {
		if IsVerdict(code) != verdicts[code] || Transient(code) != transient[code] {
			t.Errorf("%s: IsVerdict %v, Transient %v", code, IsVerdict(code), Transient(code))
		}
		if IsVerdict(code) && Transient(code) {
			t.Errorf("%s is both a verdict and transient", code)
		}
		if d := Diagnose(code); d.Reason != code || d.Problem == "" || d.Action == "" || !IsReason(code) {
			t.Errorf("%s: diagnosis %+v", code, d)
		}
	}
	if IsReason("invalid_token") || IsVerdict("invalid_token") || Diagnose("invalid_token").Reason != ReasonUnknown {
		t.Error("a word outside the vocabulary is no reason and reads as unknown")
	}
}
