// Package providers is the catalogue of platforms Tokenwarden knows.
package providers

import (
	"sort"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// builtin lists the platforms in the order the UI offers them.
var builtin = []*backend.Provider{
	{ID: "facebook", Name: "Facebook"},
	{ID: "instagram", Name: "Instagram"},
	{ID: "linkedin", Name: "LinkedIn"},
	{ID: "google", Name: "Google / YouTube"},
	{ID: "x", Name: "X"},
	{ID: "tiktok", Name: "TikTok"},
	{ID: "pinterest", Name: "Pinterest"},
	{ID: "microsoft", Name: "Microsoft"},
	{ID: "custom", Name: "Custom OAuth"},
}

// Catalogue implements backend.ProviderRegistry.
type Catalogue struct {
	list []*backend.Provider
	byID map[string]*backend.Provider
}

// Builtin returns the catalogue of built-in providers.
func Builtin() *Catalogue {
	c := &Catalogue{list: builtin, byID: map[string]*backend.Provider{}}
	for _, p := range builtin {
		c.byID[p.ID] = p
	}
	return c
}

func (c *Catalogue) Provider(id string) (*backend.Provider, error) {
	if p, ok := c.byID[strings.ToLower(strings.TrimSpace(id))]; ok {
		return p, nil
	}
	ids := make([]string, 0, len(c.byID))
	for id := range c.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return nil, backend.Errorf(backend.EINVALID, "Unknown provider %q.", id).
		WithHint("Use one of: " + strings.Join(ids, ", ") + ".")
}

func (c *Catalogue) Providers() []*backend.Provider { return c.list }
