package oauth

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestCheckTokenResponse(t *testing.T) {
	tests := []struct {
		name            string
		tokenType       string
		access, refresh string
		want            string // "" = accepted; else a word the error must carry
	}{
		{"bearer", "Bearer", "at-1", "rt-1", ""},
		{"bearer in lower case", "bearer", "at-1", "", ""},
		{"bearer in mixed case", "BeArEr", "at-1", "", ""},
		{"absent token_type", "", "at-1", "rt-1", ""},
		{"every VSCHAR", "Bearer", "!#$%&'()*+,-./0123456789:;<=>?@AZ[]^_`az{|}~\"\\", "", ""},
		{"MAC", "MAC", "at-1", "", `type "MAC"`},
		{"DPoP is not Bearer", "DPoP", "at-1", "", `type "DPoP"`},
		{"no access token", "Bearer", "", "rt-1", "no access token"},
		{"space in access token", "Bearer", "two words", "", "space"},
		{"tab in refresh token", "Bearer", "at-1", "rt\t1", "refresh token that contains a space"},
		{"newline", "Bearer", "at\n1", "", "line break"},
		{"NUL", "Bearer", "at\x001", "", "control character"},
		{"DEL", "Bearer", "at\x7f1", "", "control character"},
		{"C1 CSI", "Bearer", "at\u009b1", "", "control character"},
		{"non-ASCII", "Bearer", "at\u00e91", "", "U+00E9"},
		{"bidi override", "Bearer", "at\u202e1", "", "U+202E"},
		{"invalid UTF-8", "Bearer", "at\xff1", "", "not text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckTokenResponse("Acme ID", tt.tokenType, tt.access, tt.refresh)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want an error saying %q", tt.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, "Acme ID") || !strings.Contains(msg, "nothing was stored") {
				t.Errorf("error %q: want the provider's name, %q and that nothing was stored", msg, tt.want)
			}
			if err.Reason != ReasonMalformedResponse {
				t.Errorf("reason %s, want %s", err.Reason, ReasonMalformedResponse)
			}
			for _, tok := range []string{tt.access, tt.refresh} {
				if len(tok) > 3 && strings.Contains(msg, tok) {
					t.Errorf("the error quotes a token: %q", msg)
				}
			}
		})
	}
}

func TestLifetimeClamp(t *testing.T) {
	tests := []struct {
		seconds int64
		want    time.Duration
	}{
		{0, 0},
		{-5, 0},
		{1, time.Second},
		{3600, time.Hour},
		{int64(MaxAccessLifetime / time.Second), MaxAccessLifetime},
		{9223372037, MaxAccessLifetime}, // overflows time.Duration: must not wrap into 1734
		{1<<31 + 1, MaxAccessLifetime},  // beyond x/oauth2's int32 cap (2094)
		{9223372036854775807, MaxAccessLifetime},
	}
	for _, tt := range tests {
		if got := Lifetime(tt.seconds, MaxAccessLifetime); got != tt.want {
			t.Errorf("Lifetime(%d) = %v, want %v", tt.seconds, got, tt.want)
		}
	}
}

func TestGrantFromValidatesAndClamps(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		raw         map[string]any
		wantErr     string
		wantExpires *time.Time
		wantRefresh *time.Time
	}{
		{"hour", map[string]any{"token_type": "Bearer", "expires_in": float64(3600)}, "", ptr(now.Add(time.Hour)), nil},
		{"absurd expires_in", map[string]any{"token_type": "bearer", "expires_in": float64(9223372037)}, "", ptr(now.Add(MaxAccessLifetime)), nil},
		{"expires_in as a string", map[string]any{"expires_in": "60"}, "", ptr(now.Add(time.Minute)), nil},
		{"float beyond int64", map[string]any{"expires_in": 1e30}, "", ptr(now.Add(MaxAccessLifetime)), nil},
		{"negative expires_in", map[string]any{"expires_in": float64(-1)}, "", nil, nil},
		{"no expires_in", map[string]any{"token_type": "Bearer"}, "", nil, nil},
		{"refresh lifetime clamped", map[string]any{"refresh_expires_in": float64(9223372037)}, "", nil, ptr(now.Add(MaxRefreshLifetime))},
		{"MAC refused", map[string]any{"token_type": "MAC"}, `type "MAC"`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := (&oauth2.Token{AccessToken: "at-1", RefreshToken: "rt-1"}).WithExtra(tt.raw)
			g, err := grantFrom("Acme ID", tok, []string{"openid"}, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || g != nil {
					t.Fatalf("got %v, %v; want no grant and an error saying %q", g, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !sameTime(g.ExpiresAt, tt.wantExpires) || !sameTime(g.RefreshExpiresAt, tt.wantRefresh) {
				t.Errorf("expires %v refresh %v, want %v and %v", g.ExpiresAt, g.RefreshExpiresAt, tt.wantExpires, tt.wantRefresh)
			}
		})
	}
}

func ptr(t time.Time) *time.Time { return &t }

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}
