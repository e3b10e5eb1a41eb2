package backend

import (
	"strings"
	"testing"
	"time"
)

func TestAccountStatus(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	for _, tc := range []struct {
		name string
		acc  Account
		want Status
	}{
		{"no expiry", Account{}, StatusUnknown},
		{"far", Account{ExpiresAt: at(30 * 24 * time.Hour)}, StatusHealthy},
		{"just outside window", Account{ExpiresAt: at(7*24*time.Hour + time.Minute)}, StatusHealthy},
		{"at window edge", Account{ExpiresAt: at(7 * 24 * time.Hour)}, StatusExpiring},
		{"soon", Account{ExpiresAt: at(time.Hour)}, StatusExpiring},
		{"exactly now", Account{ExpiresAt: at(0)}, StatusExpired},
		{"past", Account{ExpiresAt: at(-time.Hour)}, StatusExpired},
		{"invalid wins", Account{Invalid: true, ExpiresAt: at(30 * 24 * time.Hour)}, StatusInvalid},
	} {
		if got := tc.acc.Status(now, DefaultWarningWindow, false, false); got != tc.want {
			t.Errorf("%s: Status = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestCleanToken(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"EAAB123", "EAAB123", true},
		{"  ya29.abc \n", "ya29.abc", true},
		{"", "", false},
		{"   ", "", false},
		{"abc\x00def", "", false},
		{"abc\ndef", "", false},
		{"abc def", "", false},
		{strings.Repeat("a", MaxTokenLength+1), "", false},
	} {
		got, err := CleanToken("access token", tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("CleanToken(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Errorf("CleanToken(%q) code = %s", tc.in, ErrorCode(err))
			}
			if tc.in != "" && strings.TrimSpace(tc.in) != "" && strings.Contains(err.Error(), tc.in) {
				t.Errorf("error %q repeats the token", err)
			}
		}
	}
}

func TestCleanName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"Acme", "Acme", true},
		{"  Café Ünïcode  ", "Café Ünïcode", true},
		{"", "", false},
		{"\t", "", false},
		{"bad\x07bell", "", false},
		{strings.Repeat("é", MaxNameLength), strings.Repeat("é", MaxNameLength), true},
		{strings.Repeat("x", MaxNameLength+1), "", false},
		{"Acme\u009b31mRed", "", false},                            // C1 CSI
		{"invoice\u202Egpj.exe", "", false},                        // right-to-left override
		{"Acme \u2066evil\u2069", "", false},                       // isolate
		{"name\xff", "", false},                                    // invalid UTF-8
		{"\x1b[2J\x1b[31mAcme", "", false},                         // ESC sequences
		{"Acme\u200b", "", false},                                  // zero-width space
		{"Acme\u2028Corp", "", false},                              // line separator
		{"👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family", true}, // ZWJ emoji stay
		{"شركة \u0627", "شركة \u0627", true},                       // right-to-left script without marks
	} {
		got, err := CleanName("client name", tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("CleanName(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID("acc")
		if !ValidID("acc", id) {
			t.Fatalf("NewID gave %q, which ValidID rejects", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "acc_", "acc_short", "cli_abcdefghijkm", "acc_ABCDEFGHJKMN", "acc_abcdefghijk1", "acc_abcdefghijkm/", "acc_abcdefghijkmn"} {
		if ValidID("acc", bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	err := Errorf(EINVALID, "The label is empty.").WithHint("Type a name.")
	if got := ErrorMessage(err); got != "The label is empty. Type a name." {
		t.Errorf("ErrorMessage = %q", got)
	}
	if ErrorCode(nil) != "" || ErrorMessage(nil) != "" {
		t.Error("nil error has a code or message")
	}
}

func TestReconnectBy(t *testing.T) {
	d := func(day int) *time.Time { t := time.Date(2027, 1, day, 0, 0, 0, 0, time.UTC); return &t }
	for _, tc := range []struct {
		name   string
		acc    Account
		renews bool
		want   *time.Time
	}{
		{"nothing known", Account{}, false, nil},
		{"access expiry when it cannot renew", Account{ExpiresAt: d(5)}, false, d(5)},
		{"no deadline when it renews", Account{ExpiresAt: d(5)}, true, nil},
		{"refresh token end", Account{ExpiresAt: d(5), RefreshExpiresAt: d(20)}, true, d(20)},
		{"data access first", Account{ExpiresAt: d(25), DataAccessExpiresAt: d(10), RefreshExpiresAt: d(20)}, true, d(10)},
		{"earliest of all", Account{ExpiresAt: d(3), DataAccessExpiresAt: d(10)}, false, d(3)},
	} {
		got := tc.acc.ReconnectBy(tc.renews)
		if (got == nil) != (tc.want == nil) || got != nil && !got.Equal(*tc.want) {
			t.Errorf("%s: ReconnectBy = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestStatusFollowsReconnectBy(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	connected := now.Add(-24 * time.Hour)
	google := &Provider{Refresh: RefreshToken}
	facebook := &Provider{Refresh: RefreshFacebook}
	none := &Provider{Refresh: RefreshNone}
	for _, tc := range []struct {
		name string
		acc  Account
		p    *Provider
		want Status
	}{
		{"renewing 1h token is healthy", Account{ExpiresAt: at(time.Hour), HasRefreshToken: true}, google, StatusHealthy},
		{"expired access with refresh token renews", Account{ExpiresAt: at(-time.Hour), HasRefreshToken: true}, google, StatusHealthy},
		{"no refresh token: 1h token expiring", Account{ExpiresAt: at(time.Hour)}, google, StatusExpiring},
		{"refresh token ends in 3 days", Account{ExpiresAt: at(time.Hour), HasRefreshToken: true, RefreshExpiresAt: at(72 * time.Hour)}, google, StatusExpiring},
		{"refresh token ended", Account{ExpiresAt: at(time.Hour), HasRefreshToken: true, RefreshExpiresAt: at(-time.Hour)}, google, StatusExpired},
		{"facebook data access in 30 days", Account{ExpiresAt: at(2 * time.Hour), DataAccessExpiresAt: at(30 * 24 * time.Hour), ConnectedAt: &connected}, facebook, StatusHealthy},
		{"facebook data access in 2 days", Account{ExpiresAt: at(50 * 24 * time.Hour), DataAccessExpiresAt: at(48 * time.Hour), ConnectedAt: &connected}, facebook, StatusExpiring},
		{"facebook token expired cannot be exchanged", Account{ExpiresAt: at(-time.Hour), ConnectedAt: &connected}, facebook, StatusExpired},
		{"imported facebook token does not renew", Account{ExpiresAt: at(2 * time.Hour)}, facebook, StatusExpiring},
		{"facebook page follows its login", Account{Kind: "page"}, facebook, StatusUnknown},
		{"no refresh at all", Account{ExpiresAt: at(30 * 24 * time.Hour)}, none, StatusHealthy},
	} {
		renews := tc.acc.Renews(tc.p)
		if got := tc.acc.Status(now, DefaultWarningWindow, renews, tc.p.Refresh == RefreshToken); got != tc.want {
			t.Errorf("%s: Status = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestStatusChangesAt(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	day := 24 * time.Hour
	google := &Provider{Refresh: RefreshToken}
	none := &Provider{Refresh: RefreshNone}
	for _, tc := range []struct {
		name string
		acc  Account
		p    *Provider
		want *time.Time
	}{
		{"no expiry: never", Account{}, none, nil},
		{"invalid stays invalid", Account{Invalid: true, ExpiresAt: at(30 * day)}, none, nil},
		{"healthy: when the warning window opens", Account{ExpiresAt: at(30 * day)}, none, at(23 * day)},
		{"expiring: when it expires", Account{ExpiresAt: at(2 * day)}, none, at(2 * day)},
		{"expired: never again by time", Account{ExpiresAt: at(-day)}, none, nil},
		{"renewing without an end: never", Account{ExpiresAt: at(time.Hour), HasRefreshToken: true}, google, nil},
		{"renewing with a refresh end: its window", Account{ExpiresAt: at(time.Hour), HasRefreshToken: true, RefreshExpiresAt: at(20 * day)}, google, at(13 * day)},
		{"refresh end inside the window: the end", Account{ExpiresAt: at(time.Hour), HasRefreshToken: true, RefreshExpiresAt: at(3 * day)}, google, at(3 * day)},
	} {
		renews := tc.acc.Renews(tc.p)
		refreshAfter := tc.p.Refresh == RefreshToken
		got := tc.acc.StatusChangesAt(now, DefaultWarningWindow, renews, refreshAfter)
		if (got == nil) != (tc.want == nil) || got != nil && !got.Equal(*tc.want) {
			t.Errorf("%s: StatusChangesAt = %v, want %v", tc.name, got, tc.want)
			continue
		}
		if got == nil {
			continue
		}
		// The status really moves at that moment, and not a second before.
		before := tc.acc.Status(got.Add(-time.Second), DefaultWarningWindow, renews, refreshAfter)
		if now := tc.acc.Status(now, DefaultWarningWindow, renews, refreshAfter); before != now {
			t.Errorf("%s: status moved before the moment: %s at now, %s a second before", tc.name, now, before)
		}
		if after := tc.acc.Status(*got, DefaultWarningWindow, renews, refreshAfter); after == before {
			t.Errorf("%s: status at the moment is still %s", tc.name, after)
		}
	}
}
