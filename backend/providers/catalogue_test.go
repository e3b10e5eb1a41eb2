package providers

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

var _ backend.ProviderRegistry = (*Catalogue)(nil)

func TestBuiltinCatalogue(t *testing.T) {
	c := Builtin()
	var ids []string
	for _, p := range c.Providers() {
		ids = append(ids, p.ID)
	}
	want := []string{"facebook", "instagram", "linkedin", "google", "x", "tiktok", "pinterest", "microsoft"}
	if !reflect.DeepEqual(ids, want) {
		t.Fatalf("ids = %v, want %v", ids, want)
	}
	refresh := map[string]string{"facebook": backend.RefreshFacebook, "instagram": backend.RefreshInstagram}
	for _, p := range c.Providers() {
		t.Run(p.ID, func(t *testing.T) {
			if p.Custom {
				t.Error("built-in marked custom")
			}
			if p.Name == "" {
				t.Error("no name")
			}
			for field, u := range map[string]string{"auth_url": p.AuthURL, "token_url": p.TokenURL, "identity_url": p.IdentityURL, "console_url": p.ConsoleURL} {
				if !strings.HasPrefix(u, "https://") {
					t.Errorf("%s = %q, want an https URL", field, u)
				}
			}
			if p.RevokeURL == "" && p.ID != "facebook" && p.AccessSettingsURL == "" {
				t.Error("no revoke_url and no access_settings_url: the owner could not remove the app")
			}
			if len(p.Scopes) == 0 {
				t.Error("no default scopes")
			}
			for _, s := range p.Scopes {
				if s.Name == "" || len(s.Purpose) < 10 || !strings.HasSuffix(s.Purpose, ".") {
					t.Errorf("scope %q has no proper purpose sentence: %q", s.Name, s.Purpose)
				}
			}
			if p.ScopeSeparator == "" {
				t.Error("no scope separator")
			}
			if p.ClientAuth != "basic" && p.ClientAuth != "body" {
				t.Errorf("client_auth = %q", p.ClientAuth)
			}
			if !p.NeedsSecret && !p.PKCE {
				t.Error("a public client (no secret) must use PKCE")
			}
			wantRefresh := backend.RefreshToken
			if r, ok := refresh[p.ID]; ok {
				wantRefresh = r
			}
			if p.Refresh != wantRefresh {
				t.Errorf("refresh = %q, want %q", p.Refresh, wantRefresh)
			}
			if p.Lifetimes.Access <= 0 {
				t.Error("no documented access lifetime")
			}
			lines := strings.Split(strings.TrimSpace(p.Setup), "\n")
			if len(lines) < 3 || len(lines) > 6 {
				t.Errorf("setup has %d lines, want 3 to 6", len(lines))
			}
			if p.RedirectPort != 0 && !strings.Contains(p.Setup, p.RedirectURI(p.RedirectPort)) {
				t.Errorf("setup does not name the exact redirect URI %s", p.RedirectURI(p.RedirectPort))
			}
			if p.RedirectPort == 0 && !strings.Contains(p.Setup, "port") {
				t.Error("setup does not say that any port is accepted")
			}
			if p.OpenID && !hasScope(p, "openid") {
				t.Error("openid provider without the openid scope")
			}
			// Round trip through the providers.yaml form.
			b, err := MarshalProvider(p)
			if err != nil {
				t.Fatal(err)
			}
			entries, errs := readEntries("x.yaml", []byte("providers:\n"+string(listItem(b, "  "))))
			if len(errs) > 0 || len(entries) != 1 {
				t.Fatalf("read back: %v", errs)
			}
			got := &backend.Provider{}
			if errs := decodeEntry("x.yaml", entries[0], got); len(errs) > 0 {
				t.Fatal(errs)
			}
			if !reflect.DeepEqual(got, p) {
				t.Errorf("round trip differs:\n got %+v\nwant %+v", got, p)
			}
		})
	}
	for id, port := range map[string]int{"facebook": 53682, "instagram": 53682, "google": 0, "microsoft": 0} {
		if p, _ := c.Provider(id); p.RedirectPort != port {
			t.Errorf("%s redirect_port = %d, want %d", id, p.RedirectPort, port)
		}
	}
	checks := []struct {
		id   string
		ok   func(p *backend.Provider) bool
		what string
	}{
		{"google", func(p *backend.Provider) bool {
			return p.AuthParams["access_type"] == "offline" && strings.Contains(p.AuthParams["prompt"], "consent")
		}, "offline access with consent"},
		{"google", func(p *backend.Provider) bool {
			return strings.Contains(p.Setup, "Testing") && strings.Contains(p.Setup, "7 days")
		}, "Testing mode warning"},
		{"google", func(p *backend.Provider) bool { return p.Lifetimes.RefreshIdle == 4380*time.Hour }, "6 month idle refresh"},
		{"linkedin", func(p *backend.Provider) bool {
			return !p.PKCE && p.Lifetimes.Access == 1440*time.Hour && p.Lifetimes.Refresh == 8760*time.Hour && p.Lifetimes.RefreshFixed
		}, "PKCE off, 60 d access, 365 d fixed refresh"},
		{"linkedin", func(p *backend.Provider) bool { return strings.Contains(p.Setup, "Marketing Developer Platform") }, "MDP note"},
		{"x", func(p *backend.Provider) bool {
			return hasScope(p, "offline.access") && p.ClientAuth == "basic" && p.PKCE
		}, "offline.access, basic, PKCE"},
		{"tiktok", func(p *backend.Provider) bool { return p.ClientIDParam == "client_key" && p.ScopeSeparator == "," }, "client_key and comma separator"},
		{"pinterest", func(p *backend.Provider) bool { return p.ClientAuth == "basic" && p.RevokeURL == "" }, "basic auth, no revoke"},
		{"microsoft", func(p *backend.Provider) bool {
			return hasScope(p, "offline_access") && p.Lifetimes.RefreshIdle == 2160*time.Hour && p.AccessSettingsURL == "https://myapps.microsoft.com" && strings.Contains(p.AuthURL, "/common/oauth2/v2.0/")
		}, "offline_access, 90 d idle, myapps, common v2.0"},
		{"facebook", func(p *backend.Provider) bool {
			return strings.Contains(p.GraphURL, "/v2") && p.Lifetimes.DataAccess == 2160*time.Hour && strings.Contains(p.Setup, "Live")
		}, "pinned Graph version, data access, Live mode"},
		{"instagram", func(p *backend.Provider) bool {
			return p.AuthURL == "https://www.instagram.com/oauth/authorize" && p.TokenURL == "https://api.instagram.com/oauth/access_token" && p.GraphURL == "https://graph.instagram.com"
		}, "Instagram Login endpoints"},
	}
	for _, ch := range checks {
		p, err := c.Provider(ch.id)
		if err != nil || !ch.ok(p) {
			t.Errorf("%s: want %s", ch.id, ch.what)
		}
	}
}

func hasScope(p *backend.Provider, name string) bool {
	for _, s := range p.Scopes {
		if s.Name == name {
			return true
		}
	}
	return false
}

func TestProvider(t *testing.T) {
	c := Builtin()
	for _, tc := range []struct {
		in, want, code string
	}{
		{"facebook", "Facebook", ""},
		{" Google ", "Google / YouTube", ""},
		{"X", "X", ""},
		{"custom", "", backend.EINVALID},
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
		if err != nil && !strings.Contains(backend.ErrorMessage(err), "facebook, instagram") {
			t.Errorf("Provider(%q) error does not list the ids: %v", tc.in, err)
		}
	}
	if n := len(c.Providers()); n != 8 {
		t.Errorf("Providers() has %d entries, want 8", n)
	}
}

func TestBuiltinCopiesAreIndependent(t *testing.T) {
	a, b := Builtin(), Builtin()
	pa, _ := a.Provider("google")
	pa.AuthParams["prompt"] = "none"
	pa.Scopes[0].Name = "changed"
	pb, _ := b.Provider("google")
	if pb.AuthParams["prompt"] == "none" || pb.Scopes[0].Name == "changed" {
		t.Fatal("changing one catalogue's provider changed another's")
	}
	if err := a.Add(&backend.Provider{ID: "acme", AuthURL: "https://acme.test/a", TokenURL: "https://acme.test/t"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Provider("acme"); err == nil {
		t.Fatal("Add on one catalogue added to another")
	}
}

func writeProviders(t *testing.T, content string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadWithoutFile(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		c, errs := Load(dir)
		if len(errs) > 0 {
			t.Fatalf("Load(%q): %v", dir, errs)
		}
		if !reflect.DeepEqual(c.Providers(), Builtin().Providers()) {
			t.Fatalf("Load(%q) differs from Builtin()", dir)
		}
	}
	// An empty file and an empty list are fine too.
	for _, content := range []string{"", "# nothing yet\n", "providers:\n", "providers: []\n"} {
		c, errs := Load(writeProviders(t, content))
		if len(errs) > 0 || len(c.Providers()) != 8 {
			t.Errorf("Load(%q) = %d providers, %v", content, len(c.Providers()), errs)
		}
	}
}

func TestLoadOverride(t *testing.T) {
	dir := writeProviders(t, `# a local fake of the Graph API
providers:
  - id: facebook
    token_url: http://127.0.0.1:9999/v25.0/oauth/access_token
    graph_url: http://127.0.0.1:9999/v25.0
  - id: google
    pkce: false
    auth_params:
      prompt: consent
    lifetimes:
      access: 30m
`)
	c, errs := Load(dir)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	builtin := Builtin()
	fb, _ := c.Provider("facebook")
	want, _ := builtin.Provider("facebook")
	exp := clone(want)
	exp.TokenURL = "http://127.0.0.1:9999/v25.0/oauth/access_token"
	exp.GraphURL = "http://127.0.0.1:9999/v25.0"
	exp.IdentityURL = "http://127.0.0.1:9999/v25.0/me?fields=id,name,email,picture" // moved with graph_url
	if !reflect.DeepEqual(fb, exp) {
		t.Errorf("facebook override:\n got %+v\nwant %+v", fb, exp)
	}
	g, _ := c.Provider("google")
	bg, _ := builtin.Provider("google")
	if g.PKCE || !reflect.DeepEqual(g.AuthParams, map[string]string{"prompt": "consent"}) {
		t.Errorf("google override: pkce %v, auth_params %v", g.PKCE, g.AuthParams)
	}
	if g.Lifetimes.Access != 30*time.Minute || g.Lifetimes.RefreshIdle != bg.Lifetimes.RefreshIdle {
		t.Errorf("lifetimes should merge key by key: %+v", g.Lifetimes)
	}
	if g.Custom || g.AuthURL != bg.AuthURL || !reflect.DeepEqual(g.Scopes, bg.Scopes) {
		t.Error("fields the override did not set changed")
	}
	if bg.AuthParams["access_type"] != "offline" {
		t.Error("the override changed the built-in catalogue")
	}
	ids := []string{}
	for _, p := range c.Providers() {
		ids = append(ids, p.ID)
	}
	if ids[0] != "facebook" || ids[3] != "google" || len(ids) != 8 {
		t.Errorf("order changed: %v", ids)
	}
}

func TestLoadOverrideOneField(t *testing.T) {
	dir := writeProviders(t, "providers:\n  - id: pinterest\n    name: Pinterest (sandbox)\n  - id: x\n    graph_url: http://127.0.0.1:8080/2\n")
	c, errs := Load(dir)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	b := Builtin()
	got, _ := c.Provider("pinterest")
	want, _ := b.Provider("pinterest")
	exp := clone(want)
	exp.Name = "Pinterest (sandbox)"
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("pinterest:\n got %+v\nwant %+v", got, exp)
	}
	x, _ := c.Provider("x")
	if x.IdentityURL != "http://127.0.0.1:8080/2/users/me?user.fields=profile_image_url" || x.RevokeURL != "http://127.0.0.1:8080/2/oauth2/revoke" {
		t.Errorf("endpoints under graph_url should move with it: %s %s", x.IdentityURL, x.RevokeURL)
	}
	if x.TokenURL != "https://api.x.com/2/oauth2/token" || x.AuthURL != "https://x.com/i/oauth2/authorize" {
		t.Error("auth_url and token_url move only when set")
	}
}

func TestLoadCustom(t *testing.T) {
	dir := writeProviders(t, `providers:
  - id: acme-crm
    name: Acme CRM
    auth_url: https://auth.acme.test/authorize
    token_url: https://auth.acme.test/token
    identity_url: https://api.acme.test/userinfo
    scopes: [openid, crm.read]
    lifetimes:
      access: 1h
  - id: keycloak
    issuer: https://sso.example.test/realms/main
    pkce: false
    client_auth: basic
`)
	c, errs := Load(dir)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, err := c.Provider("acme-crm")
	if err != nil {
		t.Fatal(err)
	}
	want := &backend.Provider{
		ID: "acme-crm", Name: "Acme CRM", AuthURL: "https://auth.acme.test/authorize", TokenURL: "https://auth.acme.test/token",
		IdentityURL: "https://api.acme.test/userinfo", Scopes: []backend.Scope{{Name: "openid"}, {Name: "crm.read"}},
		PKCE: true, Refresh: backend.RefreshToken, Lifetimes: backend.Lifetimes{Access: time.Hour}, Custom: true,
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("custom:\n got %+v\nwant %+v", p, want)
	}
	k, _ := c.Provider("keycloak")
	if k == nil || k.Name != "keycloak" || k.PKCE || k.ClientAuth != "basic" || !k.Custom {
		t.Errorf("keycloak = %+v", k)
	}
	all := c.Providers()
	if len(all) != 10 || all[8].ID != "acme-crm" || all[9].ID != "keycloak" {
		t.Errorf("custom providers should follow the built-ins in file order")
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		want    []string // each is a substring of one error, in order
		loads   []string // ids that still load
	}{
		{"unknown field", `providers:
  - id: facebook
    graph_url: http://127.0.0.1:1/v25.0

  - id: acme
    auth_url: https://acme.test/a
    tokn_url: https://acme.test/t
`, []string{`providers.yaml line 7: unknown field "tokn_url" (did you mean "token_url"?).`}, []string{"facebook"}},
		{"custom without endpoints", `providers:

  - id: acme
    name: Acme
`, []string{`line 3: provider "acme" needs issuer or auth_url and token_url.`}, nil},
		{"syntax error", "providers:\n  - id: acme\n    auth_url: [https://a.test\n", []string{"providers.yaml line 2: did not find expected"}, nil},
		{"tab indentation", "providers:\n\t- id: acme\n", []string{"providers.yaml line 2: "}, nil},
		{"top-level typo", "provider:\n  - id: acme\n", []string{`line 1: unknown field "provider" (did you mean "providers"?)`}, nil},
		{"providers not a list", "providers:\n  id: acme\n", []string{"line 2: expected a list of providers, not a set of fields"}, nil},
		{"entry not a mapping", "providers:\n  - acme\n", []string{`line 2: each provider must be a set of fields`}, nil},
		{"no id", "providers:\n  - name: Acme\n    auth_url: https://a.test/a\n", []string{"line 2: provider needs an id"}, nil},
		{"id custom", "providers:\n  - id: custom\n    issuer: https://a.test\n", []string{`line 2: "custom" cannot be a provider id`}, nil},
		{"bad id", "providers:\n  - id: Acme_CRM\n    issuer: https://a.test\n", []string{`line 2: provider id "Acme_CRM" may only use lowercase letters`}, nil},
		{"plain http", "providers:\n  - id: acme\n    auth_url: http://acme.test/a\n    token_url: https://acme.test/t\n",
			[]string{`line 3: auth_url "http://acme.test/a" must use https (http is allowed only for 127.0.0.1, ::1 or localhost).`}, nil},
		{"ftp", "providers:\n  - id: acme\n    issuer: ftp://acme.test\n", []string{`line 3: issuer "ftp://acme.test" must start with https://`}, nil},
		{"relative", "providers:\n  - id: acme\n    issuer: /realms/main\n", []string{`line 3: issuer "/realms/main" is not an absolute URL`}, nil},
		{"password in URL", "providers:\n  - id: acme\n    issuer: https://bob:hunter22@acme.test\n", []string{`line 3: issuer must not contain a user name or password`}, nil},
		{"client_auth", "providers:\n  - id: acme\n    issuer: https://acme.test\n    client_auth: post\n", []string{`line 4: client_auth must be basic or body, not "post"`}, nil},
		{"refresh method", "providers:\n  - id: acme\n    issuer: https://acme.test\n    refresh: facebook_exchange\n", []string{`line 4: refresh "facebook_exchange" works only for the built-in facebook provider`}, nil},
		{"unknown refresh", "providers:\n  - id: google\n    refresh: sometimes\n", []string{`line 3: refresh must be refresh_token`}, nil},
		{"duration", "providers:\n  - id: acme\n    issuer: https://acme.test\n    lifetimes:\n      access: 60days\n", []string{`line 5: "60days" is not a duration such as 1440h`}, nil},
		{"bool", "providers:\n  - id: acme\n    issuer: https://acme.test\n    pkce: maybe\n", []string{`line 4: "maybe" is not true or false`}, nil},
		{"nested unknown field", "providers:\n  - id: acme\n    issuer: https://acme.test\n    lifetimes:\n      acess: 1h\n", []string{`line 5: unknown field "acess" (did you mean "access"?)`}, nil},
		{"reserved auth param", "providers:\n  - id: acme\n    issuer: https://acme.test\n    auth_params:\n      redirect_uri: https://evil.test\n", []string{`line 4: auth_params must not set redirect_uri`}, nil},
		{"port", "providers:\n  - id: acme\n    issuer: https://acme.test\n    redirect_port: 80\n", []string{`line 4: redirect_port must be 0`}, nil},
		{"duplicate id", "providers:\n  - id: acme\n    issuer: https://acme.test\n  - id: acme\n    issuer: https://other.test\n", []string{`line 4: provider "acme" is already defined at line 2`}, []string{"acme"}},
		{"bad override keeps built-in", "providers:\n  - id: facebook\n    graph_url: http://graph.example.test\n  - id: ok\n    issuer: https://ok.test\n",
			[]string{`line 3: graph_url "http://graph.example.test" must use https`}, []string{"ok"}},
		{"override cannot drop required URL", "providers:\n  - id: x\n    auth_url: \"\"\n", []string{`line 3: provider "x" needs auth_url`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProviders(t, tc.content)
			c, errs := Load(dir)
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors, want %d: %v", len(errs), len(tc.want), errs)
			}
			for i, w := range tc.want {
				msg := backend.ErrorMessage(errs[i])
				if !strings.Contains(msg, w) || !strings.Contains(msg, filepath.Join(dir, FileName)) {
					t.Errorf("error %q does not name the file or contain %q", msg, w)
				}
				if backend.ErrorCode(errs[i]) != backend.EINVALID {
					t.Errorf("code = %q", backend.ErrorCode(errs[i]))
				}
				if strings.Contains(msg, "hunter22") {
					t.Error("error shows a password")
				}
			}
			// The built-ins always load, unchanged unless overridden.
			b := Builtin()
			for _, want := range b.Providers() {
				got, err := c.Provider(want.ID)
				if err != nil {
					t.Fatalf("built-in %s missing: %v", want.ID, err)
				}
				if tc.name == "bad override keeps built-in" && want.ID == "facebook" && !reflect.DeepEqual(got, want) {
					t.Error("a broken override changed facebook")
				}
			}
			for _, id := range tc.loads {
				if _, err := c.Provider(id); err != nil {
					t.Errorf("%s should still load: %v", id, err)
				}
			}
		})
	}
}

func TestLoadUnreadableAndOversized(t *testing.T) {
	dir := writeProviders(t, "providers:\n"+strings.Repeat("# padding\n", maxFileSize/10+1))
	c, errs := Load(dir)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "larger than 1 MiB") || len(c.Providers()) != 8 {
		t.Errorf("oversized: %v", errs)
	}
	dir = t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, FileName), 0o700); err != nil { // a folder cannot be read as a file
		t.Fatal(err)
	}
	c, errs = Load(dir)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "not a regular file") || len(c.Providers()) != 8 {
		t.Errorf("unreadable: %v", errs)
	}
}

func TestAdd(t *testing.T) {
	c := Builtin()
	good := &backend.Provider{ID: "acme", AuthURL: "https://acme.test/a", TokenURL: "https://acme.test/t",
		AuthParams: map[string]string{}, Scopes: []backend.Scope{{Name: "read", Purpose: "Reads."}}}
	if err := c.Add(good); err != nil {
		t.Fatal(err)
	}
	p, err := c.Provider("acme")
	if err != nil || !p.Custom || p.Name != "acme" || p.Refresh != backend.RefreshToken {
		t.Fatalf("added provider = %+v, %v", p, err)
	}
	if p == good {
		t.Error("Add kept the caller's pointer")
	}
	for _, tc := range []struct {
		p    *backend.Provider
		code string
		want string
	}{
		{nil, backend.EINVALID, "No provider"},
		{&backend.Provider{ID: "acme", Issuer: "https://acme.test"}, backend.ECONFLICT, "already exists"},
		{&backend.Provider{ID: "google", Issuer: "https://acme.test"}, backend.ECONFLICT, "built-in"},
		{&backend.Provider{ID: "custom", Issuer: "https://acme.test"}, backend.EINVALID, `"custom" cannot be a provider id`},
		{&backend.Provider{ID: "new"}, backend.EINVALID, "needs issuer or auth_url and token_url"},
		{&backend.Provider{ID: "new", Issuer: "http://sso.test", ClientAuth: "jwt"}, backend.EINVALID, "localhost); client_auth must be basic or body"},
	} {
		err := c.Add(tc.p)
		if backend.ErrorCode(err) != tc.code || !strings.Contains(backend.ErrorMessage(err), tc.want) {
			t.Errorf("Add(%+v) = %v, want %s containing %q", tc.p, err, tc.code, tc.want)
		}
	}
	if n := len(c.Providers()); n != 9 {
		t.Errorf("%d providers after one good Add", n)
	}
}

func TestCatalogueConcurrentUse(t *testing.T) {
	c := Builtin()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_ = c.Add(&backend.Provider{ID: fmt.Sprintf("p%d", i), Issuer: "https://sso.test"})
		}()
		go func() {
			defer wg.Done()
			for _, p := range c.Providers() {
				_, _ = c.Provider(p.ID)
			}
		}()
	}
	wg.Wait()
	if n := len(c.Providers()); n != 16 {
		t.Errorf("%d providers, want 16", n)
	}
}

func TestUnknownProviderSuggests(t *testing.T) {
	_, err := Builtin().Provider("facebok")
	if err == nil || !strings.Contains(err.Error(), `Did you mean "facebook"?`) {
		t.Fatalf("err = %v", err)
	}
}
