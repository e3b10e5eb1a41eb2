package backend

import (
	"testing"
	"unicode/utf8"
)

func TestHasControlChars(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"plain", false},
		{"Café Ünïcode 日本 😀", false},
		{"real \ufffd replacement char", false},
		{"tab\there", true},
		{"\x1b[31mred", true},
		{"del\x7f", true},
		{"csi\u009b31m", true},
		{"nel\u0085", true},
		{"rlo\u202e", true},
		{"lre\u202a", true},
		{"lri\u2066", true},
		{"pdi\u2069", true},
		{"lrm\u200e", true},
		{"rlm\u200f", true},
		{"alm\u061c", true},
		{"bom\ufeff", true},
		{"\xff", true},
		{"cut \xe2\x82", true},
		{"overlong \xc0\xaf", true},
	} {
		if got := HasControlChars(tc.in); got != tc.want {
			t.Errorf("HasControlChars(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestCleanProviderText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Acme Page", "Acme Page"},
		{"  padded  ", "padded"},
		{"Acme\u009b31m", "Acme\ufffd31m"},
		{"invoice\u202egpj.exe", "invoice\ufffdgpj.exe"},
		{"\x1b[2Jwiped", "\ufffd[2Jwiped"},
		{"bad\xffbyte", "bad\ufffdbyte"},
		{"\u2066x\u2069", "\ufffdx\ufffd"},
		{"keeps \ufffd", "keeps \ufffd"},
	} {
		got := CleanProviderText(tc.in)
		if got != tc.want || HasControlChars(got) || !utf8.ValidString(got) {
			t.Errorf("CleanProviderText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestGrantCleanNames(t *testing.T) {
	g := &Grant{
		Identity: Identity{ExternalID: "42", Name: "Eve\u202e", Email: "e\x1b@x.test", Handle: "\xffeve"},
		Assets:   []Asset{{ExternalID: "7", Name: "Page\u009b2J"}},
	}
	g.CleanNames()
	want := Identity{ExternalID: "42", Name: "Eve\ufffd", Email: "e\ufffd@x.test", Handle: "\ufffdeve"}
	if g.Identity != want || g.Assets[0].Name != "Page\ufffd2J" {
		t.Errorf("CleanNames gave %+v %+v", g.Identity, g.Assets)
	}
}
