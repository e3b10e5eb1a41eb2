package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestReadPassphrase(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"spaces kept", "correct horse battery staple\n", "correct horse battery staple", true},
		{"windows line end", "pässwörd mit Umlaut\r\n", "pässwörd mit Umlaut", true},
		{"no newline", "last line without newline", "last line without newline", true},
		{"first line only", "first line here\nsecond\n", "first line here", true},
		{"empty", "", "", false},
		{"blank", "   \n", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := &Env{Stdin: strings.NewReader(tc.in), Stderr: &bytes.Buffer{}}
			got, err := readPassphrase(env, "prompt: ", true)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("readPassphrase(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
			if s := env.Stderr.(*bytes.Buffer).String(); s != "" {
				t.Errorf("prompted %q when stdin is not a terminal", s)
			}
		})
	}
}
