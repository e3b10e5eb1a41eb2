package providers

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func joinErrors(errs []error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}

func TestLoadWarnings(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string // each must appear in the warnings
		loads      string   // a provider id that must still load, or ""
	}{
		{"top-level list", "- id: acme\n", []string{`expected a set of fields starting with "providers:", not a list`}, ""},
		{"second document", "providers:\n  - id: acme\n    auth_url: https://a.test/auth\n    token_url: https://a.test/token\n---\nproviders: []\n",
			[]string{"line 5", "more than one YAML document"}, "acme"},
		{"unknown tags", "providers:\n  - id: !custom acme\n    name: !!python/object Acme\n    auth_url: https://a.test/auth\n    token_url: https://a.test/token\n",
			[]string{`line 2: the tag "!custom"`, `line 3: the tag "!!python/object"`}, "acme"},
		{"token_url to another host", "providers:\n  - id: google\n    token_url: https://evil.test/token\n",
			[]string{"line 3", "Google / YouTube's token_url points to evil.test", "client secret"}, "google"},
		{"graph_url moves identity too", "providers:\n  - id: facebook\n    graph_url: https://graph.facebook.com.evil.test/v25.0\n",
			[]string{"Facebook's graph_url points to graph.facebook.com.evil.test", "Facebook's identity_url points to graph.facebook.com.evil.test"}, "facebook"},
		{"auth_url phishing", "providers:\n  - id: linkedin\n    auth_url: https://linkedin.login.test/oauth\n", []string{"LinkedIn's auth_url points to linkedin.login.test"}, "linkedin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, errs := Load(writeProviders(t, tc.yaml))
			all := joinErrors(errs)
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("warnings lack %q:\n%s", w, all)
				}
			}
			if strings.Contains(all, "of the expected kind") {
				t.Errorf("warnings: %s", all)
			}
			if tc.loads != "" {
				if _, err := c.Provider(tc.loads); err != nil {
					t.Errorf("%s did not load: %v", tc.loads, err)
				}
			}
		})
	}
}

func TestLoadNoWarningForOwnOrLoopbackHosts(t *testing.T) {
	for _, y := range []string{
		"providers:\n  - id: google\n    token_url: https://www.googleapis.com/oauth2/v4/token\n",
		"providers:\n  - id: instagram\n    token_url: https://graph.facebook.com/oauth/access_token\n",
		"providers:\n  - id: facebook\n    graph_url: http://127.0.0.1:8080/v25.0\n",
		"providers:\n  - id: x\n    token_url: http://localhost:9000/token\n",
		"providers:\n  - id: acme\n    auth_url: https://a.test/auth\n    token_url: https://b.test/token\n",
	} {
		if _, errs := Load(writeProviders(t, y)); len(errs) != 0 {
			t.Errorf("%q: %s", y, joinErrors(errs))
		}
	}
}

func TestLoadRefusesNonRegularFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, FileName), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan []error, 1)
	go func() { _, errs := Load(dir); done <- errs }()
	select {
	case errs := <-done:
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "not a regular file") {
			t.Errorf("FIFO: %s", joinErrors(errs))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load hangs on a FIFO")
	}
	dir = t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	if _, errs := Load(dir); len(errs) != 1 || !strings.Contains(errs[0].Error(), "not a regular file") {
		t.Errorf("device: %s", joinErrors(errs))
	}
	dir = t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, FileName), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, errs := Load(dir); len(errs) != 1 || !strings.Contains(errs[0].Error(), "not a regular file") {
		t.Errorf("folder: %s", joinErrors(errs))
	}
	// A symlink to a regular file is read.
	dir = t.TempDir()
	real := filepath.Join(t.TempDir(), "real.yaml")
	if err := os.WriteFile(real, []byte("providers:\n  - id: acme\n    auth_url: https://a.test/a\n    token_url: https://a.test/t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	if c, errs := Load(dir); len(errs) != 0 {
		t.Errorf("symlink: %s", joinErrors(errs))
	} else if _, err := c.Provider("acme"); err != nil {
		t.Error(err)
	}
}

func TestLoadRefusesControlsInNames(t *testing.T) {
	for _, name := range []string{`"Acme\u202eevil"`, `"Acme\u009b2J"`, `"Acme\e[31m"`, `"Acme\u2066x\u2069"`} {
		y := "providers:\n  - id: acme\n    name: " + name + "\n    auth_url: https://a.test/a\n    token_url: https://a.test/t\n"
		c, errs := Load(writeProviders(t, y))
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "line 3: name must be one line") {
			t.Errorf("name %s: %s", name, joinErrors(errs))
		}
		if _, err := c.Provider("acme"); err == nil {
			t.Errorf("name %s: the provider loaded", name)
		}
	}
	y := "providers:\n  - id: acme\n    auth_url: https://a.test/a\n    token_url: https://a.test/t\n    scopes: [\"read\\u202e\"]\n"
	if _, errs := Load(writeProviders(t, y)); len(errs) != 1 || !strings.Contains(errs[0].Error(), "must not contain spaces") {
		t.Errorf("scope with a bidi mark: %s", joinErrors(errs))
	}
}
