package backend

import (
	"testing"
	"time"
)

func TestRelative(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Second, "just now"},
		{-10 * time.Second, "just now"},
		{5 * time.Minute, "in 5 minutes"},
		{time.Hour, "in 1 hour"},
		{-3 * time.Hour, "3 hours ago"},
		{47 * time.Hour, "in 47 hours"},
		{3 * 24 * time.Hour, "in 3 days"},
		{59 * 24 * time.Hour, "in 59 days"},
		{90 * 24 * time.Hour, "in 3 months"},
		{-800 * 24 * time.Hour, "2 years ago"},
	} {
		if got := Relative(now.Add(tc.d), now); got != tc.want {
			t.Errorf("Relative(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
