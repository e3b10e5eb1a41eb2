package providers

import (
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestProvider(t *testing.T) {
	c := Builtin()
	for _, tc := range []struct {
		in, want, code string
	}{
		{"facebook", "Facebook", ""},
		{" Google ", "Google / YouTube", ""},
		{"myspace", "", backend.EINVALID},
		{"", "", backend.EINVALID},
	} {
		p, err := c.Provider(tc.in)
		if got := backend.ErrorCode(err); got != tc.code {
			t.Errorf("Provider(%q) code = %q, want %q (%v)", tc.in, got, tc.code, err)
		}
		if err == nil && p.Name != tc.want {
			t.Errorf("Provider(%q) = %q, want %q", tc.in, p.Name, tc.want)
		}
	}
	if n := len(c.Providers()); n != 9 {
		t.Errorf("Providers() has %d entries, want 9", n)
	}
}
