package backend

import (
	"slices"
	"testing"
)

func TestSuggest(t *testing.T) {
	commands := []string{"status", "check", "connect", "reconnect", "client add", "client list", "version"}
	for _, tc := range []struct {
		word string
		want []string
	}{
		{"stauts", []string{"status"}},      // swap
		{"chekc", []string{"check"}},        // swap
		{"conect", []string{"connect"}},     // one deletion
		{"reconect", []string{"reconnect"}}, // one deletion
		{"Status", nil},                     // the word itself is no suggestion
		{"client", []string{"client add", "client list"}},
		{"zzz", nil},
		{"", nil},
	} {
		if got := Suggest(tc.word, commands); !slices.Equal(got, tc.want) {
			t.Errorf("Suggest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
	if got := DidYouMean("faceboo", []string{"facebook", "google"}); got != `Did you mean "facebook"?` {
		t.Errorf("DidYouMean = %q", got)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"kitten", "sitting", 3}, {"café", "cafe", 1}} {
		if got := editDistance(tc.a, tc.b); got != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}
