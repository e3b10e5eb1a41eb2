// Package providers is the catalogue of platforms Tokenwarden knows: the
// built-in ones embedded from catalogue.yaml, the overrides and custom
// providers of providers.yaml in the data folder, the platform-specific
// steps (long-lived exchange, identity, Pages, revocation) behind
// backend.Platform, and token validation and renewal behind
// backend.Checker (CheckerFor), with each failure's backend reason code
// (Reason) and wait (RetryAfter).
package providers

import (
	_ "embed"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tokenwarden/tokenwarden/backend"
)

// FileName is the providers file in the data folder.
const FileName = "providers.yaml"

//go:embed catalogue.yaml
var catalogueYAML []byte

// Catalogue is the set of providers the app can hold accounts for. It
// implements backend.ProviderRegistry and is safe for concurrent use. The
// providers it returns are shared: callers must not modify them.
type Catalogue struct {
	mu   sync.RWMutex
	list []*backend.Provider
	byID map[string]*backend.Provider
	// dataDir is where AddCustom saves providers; "" keeps them in memory.
	dataDir string
}

var (
	builtinOnce sync.Once
	builtinList []*backend.Provider
)

// builtins parses the embedded catalogue once. A broken catalogue is a bug
// caught by the tests, so it panics.
func builtins() []*backend.Provider {
	builtinOnce.Do(func() {
		entries, errs := readEntries("catalogue.yaml", catalogueYAML)
		if len(errs) > 0 {
			panic("providers: embedded catalogue: " + errs[0].Error())
		}
		for _, e := range entries {
			p := &backend.Provider{}
			if errs := decodeEntry("catalogue.yaml", e, p); len(errs) > 0 {
				panic("providers: embedded catalogue: " + errs[0].Error())
			}
			if probs := check(p, false); len(probs) > 0 {
				panic("providers: embedded catalogue: " + p.ID + ": " + probs[0].msg)
			}
			builtinList = append(builtinList, p)
		}
	})
	return builtinList
}

// isBuiltin says whether id belongs to a built-in provider.
func isBuiltin(id string) bool {
	for _, p := range builtins() {
		if p.ID == id {
			return true
		}
	}
	return false
}

func newCatalogue(list []*backend.Provider) *Catalogue {
	c := &Catalogue{byID: make(map[string]*backend.Provider, len(list))}
	for _, p := range list {
		c.list = append(c.list, p)
		c.byID[p.ID] = p
	}
	return c
}

// Builtin returns the embedded catalogue only, without providers.yaml.
func Builtin() *Catalogue {
	list := make([]*backend.Provider, 0, len(builtins()))
	for _, p := range builtins() {
		list = append(list, clone(p))
	}
	return newCatalogue(list)
}

// Load returns the built-in catalogue with providers.yaml from dataDir
// applied, when the file exists. Every problem in the file comes back as an
// error naming the file and line; the entries with problems are skipped and
// everything else still loads, so the app always starts.
func Load(dataDir string) (*Catalogue, []error) {
	c := Builtin()
	if dataDir == "" {
		return c, nil
	}
	c.dataDir = dataDir
	path := filepath.Join(dataDir, FileName)
	data, err := readFile(path)
	if err != nil {
		return c, []error{err}
	}
	if data == nil {
		return c, nil
	}
	errs := c.apply(path, data)
	return c, errs
}

// apply merges the entries of a providers file into c.
func (c *Catalogue) apply(path string, data []byte) []error {
	entries, errs := readEntries(path, data)
	seen := map[string]int{}
	for _, e := range entries {
		if line, dup := seen[e.id]; dup {
			errs = append(errs, lineError(path, e.line, "provider %q is already defined at line %d", e.id, line))
			continue
		}
		seen[e.id] = e.line
		p, perrs := buildEntry(path, e)
		if len(perrs) > 0 {
			errs = append(errs, perrs...)
			continue
		}
		errs = append(errs, movedWarnings(path, e, p)...)
		if p.Custom {
			c.list = append(c.list, p)
		} else {
			for i, b := range c.list {
				if b.ID == p.ID {
					c.list[i] = p
				}
			}
		}
		c.byID[p.ID] = p
	}
	return errs
}

// buildEntry turns one entry of providers.yaml into a provider: a built-in
// with the entry's fields overriding, or a custom provider.
func buildEntry(path string, e entry) (*backend.Provider, []error) {
	var base *backend.Provider
	for _, b := range builtins() {
		if b.ID == e.id {
			base = clone(b)
		}
	}
	custom := base == nil
	if custom {
		base = &backend.Provider{PKCE: true, Refresh: backend.RefreshToken}
	}
	oldGraph := base.GraphURL
	rebased := map[string]bool{}
	// Lists and maps are replaced whole, not merged with the built-in's;
	// lifetimes merge field by field like the provider itself.
	if e.fields["auth_params"] > 0 {
		base.AuthParams = nil
	}
	if e.fields["scopes"] > 0 {
		base.Scopes = nil
	}
	if errs := decodeEntry(path, e, base); len(errs) > 0 {
		return nil, errs
	}
	if custom {
		base.Custom, base.ChildAssets = true, ""
		if base.Name == "" {
			base.Name = base.ID
		}
	} else if e.fields["graph_url"] > 0 && base.GraphURL != oldGraph {
		// Endpoints that lived under the old API base move with it.
		rebase := func(field string, u *string) {
			if e.fields[field] == 0 && underBase(*u, oldGraph) {
				rebased[field] = true
				*u = strings.TrimSuffix(base.GraphURL, "/") + strings.TrimPrefix(*u, strings.TrimSuffix(oldGraph, "/"))
			}
		}
		rebase("identity_url", &base.IdentityURL)
		rebase("revoke_url", &base.RevokeURL)
		rebase("introspect_url", &base.IntrospectURL)
	}
	var errs []error
	probs := check(base, custom)
	graphBad := false
	for _, pr := range probs {
		graphBad = graphBad || pr.field == "graph_url"
	}
	for _, pr := range probs {
		if rebased[pr.field] {
			if graphBad {
				continue // the graph_url problem says it
			}
			pr.field = "graph_url"
		}
		line := e.line
		if l := e.fields[pr.field]; l > 0 {
			line = l
		}
		errs = append(errs, lineError(path, line, "%s", pr.msg))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return base, nil
}

// underBase says whether u is base or a path below it.
func underBase(u, base string) bool {
	if base == "" || u == "" {
		return false
	}
	base = strings.TrimSuffix(base, "/")
	if !strings.HasPrefix(u, base) {
		return false
	}
	rest := u[len(base):]
	return rest == "" || rest[0] == '/' || rest[0] == '?'
}

// Provider returns the provider with this id, or an EINVALID error that
// lists the known ids.
func (c *Catalogue) Provider(id string) (*backend.Provider, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if p, ok := c.byID[strings.ToLower(strings.TrimSpace(id))]; ok {
		return p, nil
	}
	ids := make([]string, 0, len(c.list))
	for _, p := range c.list {
		ids = append(ids, p.ID)
	}
	if strings.TrimSpace(id) == "" {
		return nil, backend.Errorf(backend.EINVALID, "No provider given.").
			WithHint("Use one of: " + strings.Join(ids, ", ") + ".")
	}
	hint := "Use one of: " + strings.Join(ids, ", ") + ", or add a custom provider."
	if mean := backend.DidYouMean(id, ids); mean != "" {
		hint = mean + " " + hint
	}
	return nil, backend.Errorf(backend.EINVALID, "Unknown provider %q.", id).WithHint(hint)
}

// Providers returns every known provider, built-ins first in display order,
// then custom providers in the order they were added.
func (c *Catalogue) Providers() []*backend.Provider {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]*backend.Provider(nil), c.list...)
}

// Add adds a custom provider at run time. The provider is copied; empty
// name and refresh get their defaults (the id, refresh_token).
func (c *Catalogue) Add(p *backend.Provider) error {
	if p == nil {
		return backend.Errorf(backend.EINVALID, "No provider given.")
	}
	return c.add(p, false)
}

// AddCustom adds a custom provider and, for a catalogue from Load, saves
// it to providers.yaml in the data folder first (AppendToFile), so it is
// there at the next start. It implements accounts.CustomProviders.
func (c *Catalogue) AddCustom(p *backend.Provider) error {
	if p == nil {
		return backend.Errorf(backend.EINVALID, "No provider given.")
	}
	return c.add(p, true)
}

func (c *Catalogue) add(p *backend.Provider, save bool) error {
	cp := normalizeCustom(p)
	if err := ValidateCustom(cp); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[cp.ID]; ok {
		return backend.Errorf(backend.ECONFLICT, "A provider with the id %q already exists.", cp.ID).
			WithHint("Choose another id.")
	}
	if save && c.dataDir != "" {
		if err := AppendToFile(c.dataDir, cp); err != nil {
			return err
		}
	}
	c.list = append(c.list, cp)
	c.byID[cp.ID] = cp
	return nil
}

// normalizeCustom copies p as a custom provider with defaults filled in.
func normalizeCustom(p *backend.Provider) *backend.Provider {
	cp := clone(p)
	cp.ID = strings.ToLower(strings.TrimSpace(cp.ID))
	cp.Name = strings.TrimSpace(cp.Name)
	if cp.Name == "" {
		cp.Name = cp.ID
	}
	if cp.Refresh == "" {
		cp.Refresh = backend.RefreshToken
	}
	// Only built-in platforms' own steps reach assets beyond the login.
	cp.ChildAssets = ""
	cp.Custom = true
	return cp
}

// ValidateCustom checks a custom provider as Add and AppendToFile do: a
// valid new id, issuer or auth_url and token_url, safe URLs and known
// client_auth and refresh values. It returns an EINVALID or ECONFLICT error.
func ValidateCustom(p *backend.Provider) error {
	if isBuiltin(p.ID) {
		return backend.Errorf(backend.ECONFLICT, "%q is a built-in provider.", p.ID).
			WithHint("Choose another id, or override the built-in's fields in " + FileName + ".")
	}
	probs := check(p, true)
	if len(probs) == 0 {
		return nil
	}
	msgs := make([]string, len(probs))
	for i, pr := range probs {
		msgs[i] = pr.msg
	}
	return backend.Errorf(backend.EINVALID, "Provider %q is not valid: %s.", p.ID, strings.Join(msgs, "; "))
}

// clone deep-copies a provider so that overrides never touch the built-ins.
func clone(p *backend.Provider) *backend.Provider {
	cp := *p
	cp.Scopes = append([]backend.Scope(nil), p.Scopes...)
	cp.AuthParams = nil
	if len(p.AuthParams) > 0 {
		cp.AuthParams = make(map[string]string, len(p.AuthParams))
		for k, v := range p.AuthParams {
			cp.AuthParams[k] = v
		}
	}
	return &cp
}
