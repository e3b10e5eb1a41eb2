package providers

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

// fuzzSeeds are providers.yaml files for both fuzz targets: valid ones,
// every shape of problem the loader reports, and hostile YAML.
var fuzzSeeds = []string{
	"",
	"# only a comment\n",
	"providers:\n",
	"providers: []\n",
	"providers:\n  - id: acme\n    name: Acme\n    auth_url: https://a.test/auth\n    token_url: https://a.test/token\n    scopes: [openid, {name: crm.read, purpose: Reads}]\n    lifetimes: {access: 1h, refresh: 720h}\n",
	"providers: [{id: acme, auth_url: 'https://a.test/a', token_url: 'https://a.test/t'}]\nextra: 1\n",
	"providers:\n  - id: google\n    token_url: https://evil.test/token\n  - id: facebook\n    graph_url: https://graph.facebook.com/v99.0\n",
	"providers:\n  - id: acme\n    auht_url: https://a.test\n",
	"providers:\n  - id: acme\n  - id: acme\n",
	"providers:\n  - id: acme\n    token_url: http://evil.test/t\n    auth_url: https://u:p@a.test/a\n",
	"- id: acme\n",
	"providers: !foo\n  - id: !!python/object acme\n",
	"providers: []\n---\nproviders: [{id: x}]\n",
	"a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nproviders: *c\n",
	"providers:\n  - id: acme\n    name: \"\\u202e\\u009b\"\n    lifetimes: {access: -5h}\n    redirect_port: 99999\n",
	"providers:\n\t- id: tab\n",
	"providers:\n  - {id: acme, <<: {auth_url: 'https://a.test/a'}}\n",
	"\xff\xfeproviders:\n",
}

// FuzzLoad checks that no providers.yaml makes loading panic or hang, lets
// a provider that fails validation in, or drops a built-in. The seeds run in
// every go test; for a longer run:
//
//	go test -run XXX -fuzz FuzzLoad -fuzztime 60s ./backend/providers/
func FuzzLoad(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFileSize {
			return
		}
		c := Builtin()
		errs := c.apply(FileName, data)
		for _, err := range errs {
			if backend.ErrorCode(err) != backend.EINVALID || err.Error() == "" {
				t.Fatalf("error %q with code %s", err, backend.ErrorCode(err))
			}
		}
		for _, b := range builtins() {
			if _, err := c.Provider(b.ID); err != nil {
				t.Fatalf("built-in %s is gone: %v", b.ID, err)
			}
		}
		for _, p := range c.Providers() {
			if probs := check(p, p.Custom); len(probs) > 0 {
				t.Fatalf("provider %q loaded although %s", p.ID, probs[0].msg)
			}
		}
		if again := Builtin().apply(FileName, data); len(again) != len(errs) {
			t.Fatalf("loading twice gave %d and %d problems", len(errs), len(again))
		}
	})
}

// FuzzAppendToFile checks that adding a provider to any existing file
// either is refused or yields a file in which the new provider and every
// provider the file had before load unchanged. It runs appendEntry, the
// part of AppendToFile before the file is written.
//
//	go test -run XXX -fuzz FuzzAppendToFile -fuzztime 60s ./backend/providers/
func FuzzAppendToFile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	added := normalizeCustom(acme())
	added.ID = "fuzzadded"
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFileSize {
			return
		}
		before := Builtin()
		before.apply(FileName, data)
		out, err := appendEntry(FileName, data, added)
		if err != nil {
			return
		}
		after := Builtin()
		after.apply(FileName, out)
		if got, err := after.Provider(added.ID); err != nil || !reflect.DeepEqual(got, added) {
			t.Fatalf("the added provider reads back as %+v, %v", got, err)
		}
		for _, old := range before.Providers() {
			if now, err := after.Provider(old.ID); err != nil || !reflect.DeepEqual(now, old) {
				t.Fatalf("provider %s changed by the append:\n%s", old.ID, strings.TrimSpace(string(out)))
			}
		}
	})
}
