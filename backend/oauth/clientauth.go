package oauth

import (
	"net/url"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// BasicAuth is the one rule for how the client authenticates at a token,
// revocation or introspection endpoint: HTTP Basic (RFC 6749 §2.3.1) when
// client_auth says basic, or says nothing and there is a secret under the
// standard client_id (servers must support Basic; with client_auth unset a
// refused Basic is retried in the body). Without a secret (a public client,
// RFC 6749 §2.1; X requires it) or with a renamed client id (TikTok's
// client_key) the id goes in the body.
func BasicAuth(p *backend.Provider, creds backend.Credentials) bool {
	if creds.ClientSecret == "" {
		return false
	}
	switch strings.ToLower(p.ClientAuth) {
	case "basic":
		return true
	case "":
		return ClientIDParam(p) == "client_id"
	}
	return false
}

// ClientIDParam is the name the provider gives the client id: client_id,
// or TikTok's client_key.
func ClientIDParam(p *backend.Provider) string {
	if p.ClientIDParam == "" {
		return "client_id"
	}
	return p.ClientIDParam
}

// AddClientToForm is client authentication in the body: the id (under
// ClientIDParam) and the secret, each when set, added to a copy of form.
func AddClientToForm(form url.Values, p *backend.Provider, creds backend.Credentials) url.Values {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if creds.ClientID != "" {
		f.Set(ClientIDParam(p), creds.ClientID)
	}
	if creds.ClientSecret != "" {
		f.Set("client_secret", creds.ClientSecret)
	}
	return f
}
