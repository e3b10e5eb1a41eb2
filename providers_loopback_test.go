package main

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend/providers"
)

// TestTestProvidersAreLoopback keeps tests/providers.yaml, which the
// end-to-end tests put into every data folder, complete: every built-in
// platform, and every address of it that the app fetches (Issuer and the
// *URL fields, except the two pages it only shows as links), must point at
// loopback, so no test can send a token to a real platform.
func TestTestProvidersAreLoopback(t *testing.T) {
	data, err := os.ReadFile("tests/providers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, providers.FileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	c, errs := providers.Load(dir)
	if len(errs) > 0 {
		t.Fatalf("tests/providers.yaml: %v", errs)
	}
	shownOnly := map[string]bool{"ConsoleURL": true, "AccessSettingsURL": true}
	builtins := providers.Builtin().Providers()
	if len(builtins) == 0 {
		t.Fatal("no built-in providers")
	}
	for _, b := range builtins {
		p, err := c.Provider(b.ID)
		if err != nil {
			t.Fatalf("%s: %v", b.ID, err)
		}
		v := reflect.ValueOf(p).Elem()
		checked := 0
		for i := range v.NumField() {
			name := v.Type().Field(i).Name
			if v.Field(i).Kind() != reflect.String || shownOnly[name] || (name != "Issuer" && !strings.HasSuffix(name, "URL")) {
				continue
			}
			raw := v.Field(i).String()
			if raw == "" {
				continue
			}
			checked++
			u, err := url.Parse(raw)
			if err != nil || u.Hostname() != "127.0.0.1" {
				t.Errorf("%s.%s = %q: tests/providers.yaml must point it at 127.0.0.1", b.ID, name, raw)
			}
		}
		if checked < 3 {
			t.Errorf("%s: only %d addresses checked", b.ID, checked)
		}
	}
}
