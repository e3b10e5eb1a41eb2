package cli

import (
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestReadTokens(t *testing.T) {
	long := strings.Repeat("A", 70*1024)
	for _, tc := range []struct {
		name, in    string
		withRefresh bool
		access      string
		refresh     string
		errHas      string
	}{
		{"one line", "tok123\n", false, "tok123", "", ""},
		{"crlf and refresh", "tok123\r\nref456\r\n", true, "tok123", "ref456", ""},
		{"empty", "", false, "", "", "No access token"},
		{"missing refresh", "tok123\n", true, "", "", "No refresh token"},
		{"access over 64 kB", long + "\n", false, "", "", "longer than 16384 bytes"},
		{"refresh over 64 kB", "tok123\n" + long, true, "", "", "longer than 16384 bytes"},
	} {
		access, refresh, err := readTokens(strings.NewReader(tc.in), tc.withRefresh)
		msg := backend.ErrorMessage(err)
		if tc.errHas != "" {
			if err == nil || !strings.Contains(msg, tc.errHas) || backend.ErrorCode(err) != backend.EINVALID {
				t.Errorf("%s: err = %q, want one saying %q", tc.name, msg, tc.errHas)
			}
			continue
		}
		if err != nil || access != tc.access || refresh != tc.refresh {
			t.Errorf("%s: = %q, %q, %v", tc.name, access, refresh, err)
		}
	}
	if _, err := readSecretLine(strings.NewReader(long), "client secret"); !strings.Contains(backend.ErrorMessage(err), "client secret on standard input is longer than 16384 bytes") {
		t.Errorf("readSecretLine: %v", err)
	}
}
