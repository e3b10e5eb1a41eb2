package providers

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

func acme() *backend.Provider {
	return &backend.Provider{
		ID: "acme", Name: "Acme CRM",
		AuthURL: "https://auth.acme.test/authorize", TokenURL: "https://auth.acme.test/token",
		IdentityURL: "https://api.acme.test/userinfo", RevokeURL: "https://auth.acme.test/revoke",
		Scopes:         []backend.Scope{{Name: "openid", Purpose: "Confirms who signs in."}, {Name: "crm.read"}},
		ScopeSeparator: " ", PKCE: false, ClientAuth: "basic",
		AuthParams:   map[string]string{"audience": "https://api.acme.test", "prompt": "login"},
		Refresh:      backend.RefreshToken,
		Lifetimes:    backend.Lifetimes{Access: 90 * time.Minute, Refresh: 720 * time.Hour, RefreshIdle: 24 * time.Hour},
		RedirectPort: 53682, RedirectPath: "/oauth/acme",
		Setup:      "Register an app at acme.test/dev.\nAdd http://127.0.0.1:53682/oauth/acme as redirect URI.\nCopy the id and secret.",
		ConsoleURL: "https://acme.test/dev#apps", NeedsSecret: true, OpenID: true,
	}
}

func loadOne(t *testing.T, dir, id string) *backend.Provider {
	t.Helper()
	c, errs := Load(dir)
	if len(errs) > 0 {
		t.Fatalf("Load: %v", errs)
	}
	p, err := c.Provider(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAppendToFileRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // not created yet
	p := acme()
	if err := AppendToFile(dir, p); err != nil {
		t.Fatal(err)
	}
	want := acme()
	want.Custom = true
	if got := loadOne(t, dir, "acme"); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	if p.Custom {
		t.Error("AppendToFile changed the caller's provider")
	}
	path := filepath.Join(dir, FileName)
	if st, err := os.Stat(path); err != nil {
		t.Fatal(err)
	} else if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v, want 0600", st.Mode().Perm())
	}
	text := readText(t, path)
	for _, s := range []string{"access: 90m", "refresh: 720h", "refresh_idle: 24h", "pkce: false", "- id: acme"} {
		if !strings.Contains(text, s) {
			t.Errorf("file lacks %q:\n%s", s, text)
		}
	}

	// A second, minimal provider keeps the first byte for byte.
	if err := AppendToFile(dir, &backend.Provider{ID: "sso", Issuer: "https://sso.example.test/realms/main", PKCE: true}); err != nil {
		t.Fatal(err)
	}
	after := readText(t, path)
	if !strings.HasPrefix(after, text) {
		t.Errorf("existing content changed:\n%s", after)
	}
	sso := loadOne(t, dir, "sso")
	if sso.Name != "sso" || !sso.PKCE || sso.Refresh != backend.RefreshToken || !sso.Custom {
		t.Errorf("sso = %+v", sso)
	}
	if got := loadOne(t, dir, "acme"); !reflect.DeepEqual(got, want) {
		t.Error("first provider changed after the second was added")
	}
	// No temporary files left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data folder holds %d entries, want only %s", len(entries), FileName)
	}
}

func TestAppendToFileKeepsExistingContent(t *testing.T) {
	for _, tc := range []struct {
		name, existing string
		keepsText      bool // the old text is kept byte for byte as a prefix
	}{
		{"comments and override", "# my overrides\nproviders:\n    # local fake\n    - id: facebook   # keep this comment\n      graph_url: http://127.0.0.1:8080/v25.0\n# trailing comment", true},
		{"list at column 0", "providers:\n- id: other\n  issuer: https://other.test\n", true},
		{"empty list key", "# nothing yet\nproviders:\n", true},
		{"flow list", "providers: [{id: other, issuer: \"https://other.test\"}]\n", false},
		{"null list", "providers: ~  # none\n", false},
		{"comment only", "# just a comment\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProviders(t, tc.existing)
			if err := os.Chmod(filepath.Join(dir, FileName), 0o640); err != nil {
				t.Fatal(err)
			}
			if err := AppendToFile(dir, acme()); err != nil {
				t.Fatal(err)
			}
			text := readText(t, filepath.Join(dir, FileName))
			if tc.keepsText && !strings.HasPrefix(text, tc.existing) {
				t.Errorf("old text not kept:\n%s", text)
			}
			c, errs := Load(dir)
			if len(errs) > 0 {
				t.Fatalf("%v\n%s", errs, text)
			}
			if _, err := c.Provider("acme"); err != nil {
				t.Errorf("acme missing:\n%s", text)
			}
			if strings.Contains(tc.existing, "other") {
				if _, err := c.Provider("other"); err != nil {
					t.Errorf("existing provider lost:\n%s", text)
				}
			}
			if strings.Contains(tc.existing, "facebook") {
				if fb, _ := c.Provider("facebook"); fb.GraphURL != "http://127.0.0.1:8080/v25.0" {
					t.Errorf("override lost:\n%s", text)
				}
			}
			for _, comment := range []string{"# my overrides", "# local fake", "# keep this comment", "# nothing yet", "# just a comment", "# none"} {
				if strings.Contains(tc.existing, comment) && !strings.Contains(text, comment) {
					t.Errorf("comment %q lost", comment)
				}
			}
			if st, _ := os.Stat(filepath.Join(dir, FileName)); runtime.GOOS != "windows" && st.Mode().Perm() != 0o640 {
				t.Errorf("mode %v, want the old 0640", st.Mode().Perm())
			}
		})
	}
}

func TestAppendToFileRefuses(t *testing.T) {
	existing := "providers:\n  - id: acme\n    issuer: https://acme.test\n"
	for _, tc := range []struct {
		name, existing string
		p              *backend.Provider
		code, want     string
	}{
		{"duplicate in file", existing, acme(), backend.ECONFLICT, "already has a provider"},
		{"built-in id", "", &backend.Provider{ID: "facebook", Issuer: "https://x.test"}, backend.ECONFLICT, "built-in"},
		{"invalid", "", &backend.Provider{ID: "bad", AuthURL: "http://x.test/a", TokenURL: "https://x.test/t"}, backend.EINVALID, "must use https"},
		{"broken file", "providers:\n  - id: a\n    tokn_url: x\n", acme(), backend.EINVALID, `unknown field "tokn_url"`},
		{"two documents", "providers: [{id: a, issuer: \"https://a.test\"}]\n---\nmore: 1\n", acme(), backend.EINVALID, "more than one YAML document"},
		{"nil", "", nil, backend.EINVALID, "No provider"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if tc.existing != "" {
				if err := os.WriteFile(path, []byte(tc.existing), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := AppendToFile(dir, tc.p)
			if backend.ErrorCode(err) != tc.code || !strings.Contains(backend.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v, want %s containing %q", err, tc.code, tc.want)
			}
			if tc.existing != "" && readText(t, path) != tc.existing {
				t.Error("file changed although the append was refused")
			}
			if _, statErr := os.Stat(path); tc.existing == "" && statErr == nil {
				t.Error("file created although the append was refused")
			}
		})
	}
}

func TestAddCustomSaves(t *testing.T) {
	dir := t.TempDir()
	c, errs := Load(dir)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p := &backend.Provider{ID: "sso", Name: "Company SSO", Issuer: "https://sso.example.test/realms/main", PKCE: true,
		Scopes: []backend.Scope{{Name: "openid", Purpose: "Sign in"}}, OpenID: true}
	if err := c.AddCustom(p); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Provider("sso"); err != nil || !got.Custom {
		t.Fatalf("not in the catalogue: %v", err)
	}
	if got := loadOne(t, dir, "sso"); got.Name != "Company SSO" || !got.OpenID || got.Issuer != p.Issuer {
		t.Errorf("not saved: %+v", got)
	}
	// A conflict writes nothing.
	before := readText(t, filepath.Join(dir, FileName))
	if err := c.AddCustom(p); backend.ErrorCode(err) != backend.ECONFLICT {
		t.Errorf("second add: %v", err)
	}
	if readText(t, filepath.Join(dir, FileName)) != before {
		t.Error("a refused add changed the file")
	}
	// Builtin() has no data folder: AddCustom keeps the provider in memory.
	b := Builtin()
	if err := b.AddCustom(&backend.Provider{ID: "mem", Issuer: "https://mem.test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Provider("mem"); err != nil {
		t.Error(err)
	}
}
