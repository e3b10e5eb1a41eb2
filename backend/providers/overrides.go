package providers

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// endpointFields are the URLs of a provider that receive the user's
// password, authorization codes, tokens or client secrets.
var endpointFields = []struct {
	name string
	url  func(*backend.Provider) string
}{
	{"issuer", func(p *backend.Provider) string { return p.Issuer }},
	{"auth_url", func(p *backend.Provider) string { return p.AuthURL }},
	{"token_url", func(p *backend.Provider) string { return p.TokenURL }},
	{"identity_url", func(p *backend.Provider) string { return p.IdentityURL }},
	{"revoke_url", func(p *backend.Provider) string { return p.RevokeURL }},
	{"introspect_url", func(p *backend.Provider) string { return p.IntrospectURL }},
	{"graph_url", func(p *backend.Provider) string { return p.GraphURL }},
}

// MovedEndpoint is an endpoint of a built-in provider that providers.yaml
// points at a host outside the platform's own domains.
type MovedEndpoint struct {
	Field string // "token_url"
	Host  string
}

// MovedEndpoints lists the endpoints of p, a built-in provider as
// overridden, whose host is neither under one of the platform's own domains
// (those of its built-in URLs) nor loopback. Custom providers have none.
func MovedEndpoints(p *backend.Provider) []MovedEndpoint {
	var builtin *backend.Provider
	for _, b := range builtins() {
		if b.ID == p.ID {
			builtin = b
		}
	}
	if builtin == nil || p.Custom {
		return nil
	}
	own := ownDomains(builtin)
	var out []MovedEndpoint
	for _, f := range endpointFields {
		raw := f.url(p)
		if raw == "" || raw == f.url(builtin) {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil {
			continue // check reports it
		}
		host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
		if !isLoopback(host) && !own[domainOf(host)] {
			out = append(out, MovedEndpoint{Field: f.name, Host: host})
		}
	}
	return out
}

// ownDomains are the domains of a built-in provider's URLs, pages included.
func ownDomains(p *backend.Provider) map[string]bool {
	own := map[string]bool{}
	for _, raw := range []string{p.ConsoleURL, p.AccessSettingsURL} {
		if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
			own[domainOf(strings.ToLower(u.Hostname()))] = true
		}
	}
	for _, f := range endpointFields {
		if u, err := url.Parse(f.url(p)); err == nil && u.Hostname() != "" {
			own[domainOf(strings.ToLower(u.Hostname()))] = true
		}
	}
	return own
}

// domainOf is the last two labels of a host name: "graph.facebook.com" is
// "facebook.com". The built-in platforms all live under such names.
func domainOf(host string) string {
	labels := strings.Split(host, ".")
	if len(labels) <= 2 {
		return host
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

// movedWarnings warns about each endpoint an entry moves off the platform:
// the override is applied, since a local proxy or a regional host may be
// meant, but the user should know where tokens and secrets now go.
func movedWarnings(path string, e entry, p *backend.Provider) []error {
	var errs []error
	for _, m := range MovedEndpoints(p) {
		line := e.fields[m.Field]
		if line == 0 {
			line = e.fields["graph_url"] // moved along with the API base
		}
		if line == 0 {
			line = e.line
		}
		w := lineError(path, line, "%s", m.Sentence(p.Name))
		w.Hint = "Tokenwarden uses it as written. If you did not put it there, remove it from the file and restart Tokenwarden."
		errs = append(errs, w)
	}
	return errs
}

// Sentence says what the moved endpoint means for the user.
func (m MovedEndpoint) Sentence(providerName string) string {
	return fmt.Sprintf("%s's %s points to %s, which is not a %s address: logins, tokens or your app's client secret go there",
		providerName, m.Field, m.Host, providerName)
}
