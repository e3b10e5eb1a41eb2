package providers

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/tokenwarden/tokenwarden/backend"
)

// problem is one thing wrong with a provider, tied to the field it is in.
type problem struct {
	field string
	msg   string
}

var (
	reID    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	reParam = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`)
)

// reservedParams are authorization parameters Tokenwarden sets itself.
var reservedParams = map[string]bool{
	"client_id": true, "redirect_uri": true, "state": true, "response_type": true,
	"scope": true, "code_challenge": true, "code_challenge_method": true, "nonce": true,
}

// check validates a provider. Custom providers need issuer or auth_url and
// token_url and cannot use the Meta-specific refresh methods; built-ins need
// both URLs.
func check(p *backend.Provider, custom bool) []problem {
	var out []problem
	add := func(field, format string, args ...any) {
		out = append(out, problem{field, fmt.Sprintf(format, args...)})
	}

	switch {
	case p.ID == "":
		add("id", "provider needs an id, such as \"id: acme\"")
	case p.ID == "custom":
		add("id", "\"custom\" cannot be a provider id; choose a name for the platform, such as \"acme\"")
	case !reID.MatchString(p.ID):
		add("id", "provider id %q may only use lowercase letters, digits and dashes (at most 40)", p.ID)
	}
	who := "provider"
	if p.ID != "" {
		who = fmt.Sprintf("provider %q", p.ID)
	}
	if strings.TrimSpace(p.Name) == "" && !custom {
		add("name", "%s needs a name", who)
	} else if len(p.Name) > 80 || backend.HasControlChars(p.Name) {
		add("name", "name must be one line of at most 80 characters, without control characters or invisible formatting marks")
	}

	urls := []struct {
		field, value string
	}{
		{"issuer", p.Issuer}, {"auth_url", p.AuthURL}, {"token_url", p.TokenURL},
		{"identity_url", p.IdentityURL}, {"revoke_url", p.RevokeURL},
		{"introspect_url", p.IntrospectURL}, {"graph_url", p.GraphURL},
		{"console_url", p.ConsoleURL}, {"access_settings_url", p.AccessSettingsURL},
	}
	for _, u := range urls {
		if u.value == "" {
			continue
		}
		// Pages a person opens may have a #fragment; endpoints may not.
		page := u.field == "console_url" || u.field == "access_settings_url"
		if msg := checkURL(u.value, page); msg != "" {
			add(u.field, "%s %s", u.field, msg)
		}
	}
	if custom {
		if p.Issuer == "" && (p.AuthURL == "" || p.TokenURL == "") {
			add("id", "%s needs issuer or auth_url and token_url", who)
		}
	} else {
		if p.AuthURL == "" {
			add("auth_url", "%s needs auth_url", who)
		}
		if p.TokenURL == "" {
			add("token_url", "%s needs token_url", who)
		}
	}

	switch p.ClientAuth {
	case "", "basic", "body":
	default:
		add("client_auth", "client_auth must be basic or body, not %q", p.ClientAuth)
	}
	switch p.Refresh {
	case "", backend.RefreshToken, backend.RefreshNone:
	case backend.RefreshFacebook, backend.RefreshInstagram:
		if custom {
			add("refresh", "refresh %q works only for the built-in %s provider; use refresh_token or none", p.Refresh,
				map[string]string{backend.RefreshFacebook: "facebook", backend.RefreshInstagram: "instagram"}[p.Refresh])
		}
	default:
		add("refresh", "refresh must be refresh_token, facebook_exchange, instagram_refresh or none, not %q", p.Refresh)
	}

	for _, s := range p.Scopes {
		if s.Name == "" {
			add("scopes", "every scope needs a name")
		} else if strings.IndexFunc(s.Name, unicode.IsSpace) >= 0 || backend.HasControlChars(s.Name) || (p.ScopeSeparator != "" && strings.Contains(s.Name, p.ScopeSeparator)) {
			add("scopes", "scope %q must not contain spaces, control characters or the scope separator", s.Name)
		}
	}
	if sep := p.ScopeSeparator; sep != "" && (len(sep) > 3 || strings.IndexFunc(sep, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}) >= 0) {
		add("scope_separator", "scope_separator must be a space, a comma or another short punctuation mark")
	}
	for k := range p.AuthParams {
		if !reParam.MatchString(k) {
			add("auth_params", "auth_params name %q is not a valid parameter name", k)
		} else if reservedParams[k] {
			add("auth_params", "auth_params must not set %s: Tokenwarden sets it itself", k)
		}
	}
	if p.ClientIDParam != "" && !reParam.MatchString(p.ClientIDParam) {
		add("client_id_param", "client_id_param %q is not a valid parameter name", p.ClientIDParam)
	}
	if p.RedirectPort != 0 && (p.RedirectPort < 1024 || p.RedirectPort > 65535) {
		add("redirect_port", "redirect_port must be 0 (any free port) or between 1024 and 65535")
	}
	if rp := p.RedirectPath; rp != "" && (!strings.HasPrefix(rp, "/") || strings.ContainsAny(rp, "?# \t\\") || strings.Contains(rp, "..")) {
		add("redirect_path", "redirect_path must be a plain path starting with /, such as /callback")
	}
	l := p.Lifetimes
	if l.Access < 0 || l.Refresh < 0 || l.RefreshIdle < 0 || l.DataAccess < 0 {
		add("lifetimes", "lifetimes cannot be negative")
	}
	if len(p.Setup) > 4000 {
		add("setup", "setup is longer than 4000 characters")
	}
	return out
}

// checkURL returns what is wrong with an endpoint URL, or "". URLs must be
// absolute https; plain http is allowed only for loopback hosts, for local
// fakes and proxies.
func checkURL(raw string, page bool) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return fmt.Sprintf("%q is not an absolute URL", redactURL(raw))
	}
	if u.User != nil {
		return "must not contain a user name or password"
	}
	if u.Fragment != "" && !page {
		return "must not contain a #fragment"
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return fmt.Sprintf("%q must use https (http is allowed only for 127.0.0.1, ::1 or localhost)", u.Redacted())
		}
	default:
		return fmt.Sprintf("%q must start with https://", u.Redacted())
	}
	return ""
}

// redactURL hides anything that could be a password in an unparsable URL.
func redactURL(raw string) string {
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		if j := strings.Index(raw, "://"); j >= 0 && j < i {
			return raw[:j+3] + "xxxxx" + raw[i:]
		}
	}
	if len(raw) > 200 {
		return raw[:200] + "…"
	}
	return raw
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
