package accounts

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// CustomProviders keeps providers the user adds; the catalogue in the data
// folder's providers.yaml implements it.
type CustomProviders interface {
	AddCustom(p *backend.Provider) error
}

var providerIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// ProviderStatus is a provider with what the user has set up for it.
type ProviderStatus struct {
	*backend.Provider
	ClientID     string `json:"client_id"`
	HasSecret    bool   `json:"has_secret"`
	RedirectURI  string `json:"redirect_uri"`
	Configured   bool   `json:"configured"`
	MissingSetup string `json:"missing_setup"`
}

// ProviderStatuses lists every provider with its setup state, reading no
// secret (only whether the client secret exists would need the keychain, so
// HasSecret is checked only for providers that have a client id).
func (s *Service) ProviderStatuses(ctx context.Context) ([]*ProviderStatus, error) {
	var out []*ProviderStatus
	for _, p := range s.Providers.Providers() {
		ps := &ProviderStatus{Provider: p, RedirectURI: p.RedirectURI(p.RedirectPort)}
		if p.RedirectPort == 0 {
			ps.RedirectURI = strings.Replace(ps.RedirectURI, ":0/", ":<any port>/", 1)
		}
		err := s.Store.View(ctx, func(tx backend.Tx) error {
			c, err := tx.Credentials(p.ID)
			if err == nil {
				ps.ClientID = c.ClientID
			} else if backend.ErrorCode(err) != backend.ENOTFOUND {
				return err
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if ps.ClientID != "" {
			_, err := s.Secrets.Secret(ctx, backend.CredentialsOwner(p.ID), backend.SecretClientSecret)
			ps.HasSecret = err == nil
		}
		switch {
		case ps.ClientID == "":
			ps.MissingSetup = "client id"
		case p.NeedsSecret && !ps.HasSecret:
			ps.MissingSetup = "client secret"
		}
		ps.Configured = ps.MissingSetup == ""
		out = append(out, ps)
	}
	return out, nil
}

// CustomProviderRequest adds any OAuth 2.0 / OpenID Connect provider by issuer.
type CustomProviderRequest struct {
	ID           string
	Name         string
	Issuer       string
	Scopes       []string
	ClientID     string
	ClientSecret string
}

// AddCustomProvider checks the issuer's discovery document, saves the
// provider to providers.yaml and stores its credentials.
func (s *Service) AddCustomProvider(ctx context.Context, req CustomProviderRequest) (*backend.Provider, error) {
	id := strings.ToLower(strings.TrimSpace(req.ID))
	if !providerIDPattern.MatchString(id) || id == "custom" {
		return nil, backend.Errorf(backend.EINVALID, "%q is not a usable provider id.", req.ID).
			WithHint("Use lower-case letters, digits and dashes, like acme-sso.")
	}
	if _, err := s.Providers.Provider(id); err == nil {
		return nil, backend.Errorf(backend.ECONFLICT, "A provider with id %q already exists.", id)
	}
	if s.CustomProviders == nil || s.Discover == nil {
		return nil, backend.Errorf(backend.EINTERNAL, "Custom providers are not available in this build.")
	}
	name := strings.TrimSpace(req.Name)
	if name == "" {
		name = id
	}
	p := &backend.Provider{ID: id, Name: name, Issuer: strings.TrimSpace(req.Issuer), Custom: true, Refresh: backend.RefreshToken}
	for _, sc := range req.Scopes {
		p.Scopes = append(p.Scopes, backend.Scope{Name: sc})
	}
	if err := s.Discover(ctx, p); err != nil {
		return nil, err
	}
	if len(p.Scopes) == 0 && p.OpenID {
		p.Scopes = []backend.Scope{{Name: "openid", Purpose: "Sign in"}, {Name: "profile", Purpose: "Your name"},
			{Name: "email", Purpose: "Your email address"}, {Name: "offline_access", Purpose: "Stay connected (refresh token)"}}
	}
	if err := s.CustomProviders.AddCustom(p); err != nil {
		return nil, err
	}
	if req.ClientID != "" {
		if err := s.SetCredentials(ctx, id, req.ClientID, req.ClientSecret); err != nil {
			return p, fmt.Errorf("provider %s was added, but its credentials were not saved: %w", id, err)
		}
	}
	return p, nil
}
