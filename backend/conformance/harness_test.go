package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The leak scan must find a token wherever the app could put one, or the
// matrix's "no token in data or output" cells could not fail.
func TestScanForLeaks(t *testing.T) {
	const token = "issued-token-0123456789"
	tests := []struct {
		name    string
		file    string // written into the data folder
		output  string // a command's output
		secrets []string
		want    string // "" = clean
	}{
		{"clean", "nothing here", "ok", []string{token}, ""},
		{"in a data file", "x" + token + "x", "", []string{token}, "tokenwarden.db"},
		{"in the output", "", "error: " + token, []string{token}, "command output"},
		{"empty secrets are not matches", "anything", "", []string{"", token}, ""},
		{"nothing to look for", "", "", []string{""}, "no tokens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newApp(t)
			if err := os.WriteFile(filepath.Join(a.dir, "tokenwarden.db"), []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			a.transcript.WriteString(tt.output)
			err := a.scanForLeaks(tt.secrets)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want clean", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

// A failed cell must not carry the authorization URL's query into the
// README, and must stay short.
func TestBrief(t *testing.T) {
	tests := []struct{ in, want string }{
		{"connect: exit 2", "connect: exit 2"},
		{"visit: http://127.0.0.1:5/auth?state=abc&nonce=def then", "visit: http://127.0.0.1:5/auth?… then"},
		{`at "http://h/cb?code=x"`, `at "http://h/cb?…"`},
		{strings.Repeat("é", 250), strings.Repeat("é", 200) + "…"},
	}
	for _, tt := range tests {
		if got := brief(tt.in); got != tt.want {
			t.Errorf("brief(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
