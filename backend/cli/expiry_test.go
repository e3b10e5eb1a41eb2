package cli

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"90m", 90 * time.Minute, false},
		{"12h", 12 * time.Hour, false},
		{"60d", 60 * 24 * time.Hour, false},
		{"106751d", 106751 * 24 * time.Hour, false},
		{"213504d", 0, true}, // would wrap to about 25 minutes
		{"9223372036854775807d", 0, true},
		{"-213504d", 0, true},
		{"x d", 0, true},
		{"07d", 0, true},
		{"2562048h", 0, true}, // time.ParseDuration refuses the overflow itself
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		at, in  string
		want    *time.Time
		wantErr string
	}{
		{"", "", nil, ""},
		{"", "60d", ptrTime(now.AddDate(0, 0, 60)), ""},
		{"", "3650d", ptrTime(now.AddDate(0, 0, 3650)), ""},
		{"", "3651d", nil, "more than 3650 days"},
		{"", "213504d", nil, "not a positive duration"},
		{"", "0s", nil, "not a positive duration"},
		{"2027-01-01T00:00:00Z", "", ptrTime(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)), ""},
		{"2027-01-01T00:00:00Z", "1h", nil, "not both"},
	}
	for _, tt := range tests {
		got, err := parseExpiry(tt.at, tt.in, now)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || got != nil {
				t.Errorf("parseExpiry(%q, %q) = %v, %v; want an error saying %q", tt.at, tt.in, got, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("parseExpiry(%q, %q): %v", tt.at, tt.in, err)
		case (got == nil) != (tt.want == nil) || (got != nil && !got.Equal(*tt.want)):
			t.Errorf("parseExpiry(%q, %q) = %v, want %v", tt.at, tt.in, got, tt.want)
		}
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
