package backend

import (
	"context"
	"time"
)

// Provider is a platform an account's tokens come from, with what it takes
// to connect, renew, identify and revoke its tokens. Built-in providers come
// from the embedded catalogue; providers.yaml in the data folder adds custom
// ones and overrides endpoints.
type Provider struct {
	ID   string `json:"id" yaml:"id"`
	Name string `json:"name" yaml:"name"`
	// Issuer is an OpenID Connect / RFC 8414 issuer whose discovery document
	// fills the endpoints left empty (custom providers).
	Issuer        string `json:"issuer,omitempty" yaml:"issuer,omitempty"`
	AuthURL       string `json:"auth_url" yaml:"auth_url"`
	TokenURL      string `json:"token_url" yaml:"token_url"`
	IdentityURL   string `json:"identity_url,omitempty" yaml:"identity_url,omitempty"`
	RevokeURL     string `json:"revoke_url,omitempty" yaml:"revoke_url,omitempty"`
	IntrospectURL string `json:"introspect_url,omitempty" yaml:"introspect_url,omitempty"`
	// GraphURL is the API base for platform-specific calls (Facebook Pages,
	// Instagram refresh); overridable so tests and sandboxes can point elsewhere.
	GraphURL string `json:"graph_url,omitempty" yaml:"graph_url,omitempty"`
	// Scopes are the defaults requested on connect, with what each is for.
	Scopes         []Scope           `json:"scopes" yaml:"scopes"`
	ScopeSeparator string            `json:"scope_separator,omitempty" yaml:"scope_separator,omitempty"`
	PKCE           bool              `json:"pkce" yaml:"pkce"`
	ClientAuth     string            `json:"client_auth" yaml:"client_auth"` // "basic" or "body"
	AuthParams     map[string]string `json:"auth_params,omitempty" yaml:"auth_params,omitempty"`
	// ClientIDParam renames client_id in the authorization URL (TikTok: client_key).
	ClientIDParam string `json:"client_id_param,omitempty" yaml:"client_id_param,omitempty"`
	// Refresh says how tokens are renewed: RefreshToken, RefreshFacebook,
	// RefreshInstagram or RefreshNone.
	Refresh   string    `json:"refresh" yaml:"refresh"`
	Lifetimes Lifetimes `json:"lifetimes" yaml:"lifetimes"`
	// RedirectPort fixes the loopback port for platforms that match redirect
	// URIs exactly; 0 means any free port (RFC 8252 §7.3).
	RedirectPort int    `json:"redirect_port,omitempty" yaml:"redirect_port,omitempty"`
	RedirectPath string `json:"redirect_path,omitempty" yaml:"redirect_path,omitempty"`
	// Setup tells the user how to register their own developer app.
	Setup string `json:"setup" yaml:"setup"`
	// ConsoleURL is where the developer app is registered.
	ConsoleURL string `json:"console_url,omitempty" yaml:"console_url,omitempty"`
	// AccessSettingsURL is where an account owner removes the app's access by
	// hand, for platforms without a revocation endpoint.
	AccessSettingsURL string `json:"access_settings_url,omitempty" yaml:"access_settings_url,omitempty"`
	// NeedsSecret is set when the token endpoint requires a client secret.
	NeedsSecret bool `json:"needs_secret" yaml:"needs_secret"`
	// OpenID marks providers that issue ID tokens; a nonce is sent then.
	OpenID bool `json:"openid" yaml:"openid"`
	// ChildAssets names what one login of this platform also reaches, each
	// kept as its own account ("Pages" for Facebook); "" for platforms whose
	// login is the account itself, as every custom provider's is.
	ChildAssets string `json:"child_assets,omitempty" yaml:"child_assets,omitempty"`
	// RotatesRefresh: each refresh returns a new refresh token and voids the
	// old one, so one login's tokens cannot serve two accounts.
	RotatesRefresh bool `json:"rotates_refresh,omitempty" yaml:"rotates_refresh,omitempty"`
	Custom         bool `json:"custom" yaml:"-"`
}

// Refresh methods.
const (
	RefreshToken     = "refresh_token"     // the RFC 6749 refresh_token grant
	RefreshFacebook  = "facebook_exchange" // re-exchange a valid long-lived token
	RefreshInstagram = "instagram_refresh" // graph.instagram.com/refresh_access_token
	RefreshNone      = "none"
)

// Scope is one permission and what it is for, in plain words.
type Scope struct {
	Name    string `json:"name" yaml:"name"`
	Purpose string `json:"purpose" yaml:"purpose"`
}

// Lifetimes are the platform's documented token lifetimes, used when a
// response does not say. Zero means not documented.
type Lifetimes struct {
	Access  time.Duration `json:"access" yaml:"access"`
	Refresh time.Duration `json:"refresh" yaml:"refresh"`
	// RefreshFixed: the refresh token's lifetime counts from first consent
	// and is not extended by use (LinkedIn's 365 days).
	RefreshFixed bool `json:"refresh_fixed" yaml:"refresh_fixed"`
	// RefreshIdle: the refresh token dies after this long unused (Google 6
	// months, Microsoft 90 days).
	RefreshIdle time.Duration `json:"refresh_idle" yaml:"refresh_idle"`
	// DataAccess: Facebook's data access expiry after the user was last active.
	DataAccess time.Duration `json:"data_access" yaml:"data_access"`
}

// RedirectURI is the loopback redirect URI the user registers with the
// platform for this provider. With port 0 the platform must accept any port.
func (p *Provider) RedirectURI(port int) string {
	path := p.RedirectPath
	if path == "" {
		path = "/callback"
	}
	return "http://127.0.0.1:" + itoa(port) + path
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// ProviderRegistry knows the providers the app can hold accounts for.
type ProviderRegistry interface {
	// Provider returns the provider with this id, or an EINVALID error that
	// lists the known ids.
	Provider(id string) (*Provider, error)
	// Providers returns every known provider, in display order.
	Providers() []*Provider
}

// Identity is who a token belongs to, as the platform's identity endpoint says.
type Identity struct {
	ExternalID string `json:"external_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Handle     string `json:"handle"`
	PictureURL string `json:"picture_url"`
}

// Grant is what a completed authorization or refresh yields.
type Grant struct {
	AccessToken  string
	RefreshToken string
	ExpiresAt    *time.Time
	// RefreshExpiresAt is the refresh token's expiry, when the platform says.
	RefreshExpiresAt *time.Time
	// DataAccessExpiresAt is Facebook's data access expiry.
	DataAccessExpiresAt *time.Time
	// Scopes as granted, not as requested.
	Scopes   []string
	Identity Identity
	// Assets are what the grant reaches beyond the user: Facebook Pages with
	// their own tokens, stored as child accounts.
	Assets []Asset
}

// Asset is a resource a grant gives access to, such as a Facebook Page.
type Asset struct {
	ExternalID  string
	Name        string
	Kind        string // "page"
	AccessToken string // the asset's own token, when it has one
	Scopes      []string
}

// Validation is what a platform says about a token now.
type Validation struct {
	// Valid is false when the platform rejected the token; Reason says why.
	Valid  bool
	Reason string
	// Message is the platform's own explanation in plain words, if any.
	Message string
	// Unexplained: the platform said only that the token is not active
	// (an RFC 7662 reply without exp), so Reason is a guess from the
	// token's usual lifetime; the caller, who knows the stored expiry,
	// reads inactive before it as revoked.
	Unexplained         bool
	ExpiresAt           *time.Time
	DataAccessExpiresAt *time.Time
	// Scopes granted now; nil when the platform does not say.
	Scopes []string
	// AssetIDs are the assets (Facebook Page ids) the grant reaches now;
	// nil when the platform does not say.
	AssetIDs []string
	// Usage is the share of the token's API quota used, as the platform
	// reports it (Facebook X-App-Usage, x-rate-limit-*), e.g.
	// {"app call_count": "12%"}.
	Usage map[string]string
	// Identity, when the validation endpoint names the user.
	Identity *Identity
}

// Checker checks and renews tokens the provider's own way.
type Checker interface {
	// Validate asks the platform whether the access token works. A nil
	// error with Valid false is a verdict on the token; an error means no
	// verdict (network, 5xx, rate limit) and carries one of the reason codes
	// (a ReasonCode() string method), with RetryAfter where the platform said.
	Validate(ctx context.Context, p *Provider, creds Credentials, accessToken string) (*Validation, error)
	// Refresh renews the tokens without the user: the refresh_token grant,
	// Facebook's long-lived exchange, Instagram's refresh. The Grant keeps
	// RefreshToken empty when the platform sent none (keep the old one).
	// Returns ErrNoRefresh when this platform or account cannot renew.
	Refresh(ctx context.Context, p *Provider, creds Credentials, accessToken, refreshToken string) (*Grant, error)
}

// Platform does the provider-specific steps after the code exchange: long-
// lived exchange, identity, assets, and revocation.
type Platform interface {
	// Complete turns the token-endpoint result into a full Grant.
	Complete(ctx context.Context, p *Provider, creds Credentials, g *Grant) error
	// Revoke asks the platform to invalidate the tokens. Without a
	// revocation endpoint it returns ErrNoRevocation.
	Revoke(ctx context.Context, p *Provider, creds Credentials, accessToken, refreshToken string) error
}

// Credentials are the freelancer's own developer app for a provider. The
// client id lives in SQLite, the secret in the keychain.
type Credentials struct {
	ProviderID   string `json:"provider_id"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"-"`
}

// ErrNoRevocation is returned by Platform.Revoke when the platform offers no
// way to revoke a token; the user removes access at AccessSettingsURL.
var ErrNoRevocation = Errorf(EUNAVAILABLE, "This platform has no way for apps to revoke a token.")

// ErrNoRefresh is returned by Platform.Refresh when the tokens cannot be
// renewed without the user.
var ErrNoRefresh = Errorf(EINVALID, "These tokens cannot be renewed without logging in again.")
