package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"golang.org/x/oauth2"
)

// Discovery is what an issuer's OpenID Connect Discovery or RFC 8414
// metadata document says, in the terms of backend.Provider.
type Discovery struct {
	// Issuer is the issuer exactly as the document names it; ID tokens must
	// carry it in "iss".
	Issuer        string
	AuthURL       string // authorization_endpoint
	TokenURL      string // token_endpoint
	IdentityURL   string // userinfo_endpoint
	RevokeURL     string // revocation_endpoint
	IntrospectURL string // introspection_endpoint
	JWKSURL       string // jwks_uri
	// OpenID is set when the document is an OpenID Provider configuration.
	OpenID bool
	// PKCE is set when S256 is supported, or when the document does not say.
	PKCE bool
	// ClientAuth is "basic" or "body" from token_endpoint_auth_methods_supported,
	// or "" when the document does not say (x/oauth2 then detects it).
	ClientAuth                  string
	ScopesSupported             []string
	CodeChallengeMethods        []string
	TokenEndpointAuthMethods    []string
	IDTokenSigningAlgsSupported []string
	// DocumentURL is where the document was found.
	DocumentURL string
}

// discoveryDoc is the JSON of both document kinds.
type discoveryDoc struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	IntrospectionEndpoint             string   `json:"introspection_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	ScopesSupported                   []string `json:"scopes_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
}

const (
	wellKnownOpenID = "/.well-known/openid-configuration"
	wellKnownOAuth  = "/.well-known/oauth-authorization-server"
)

// discoveryURLs lists where an issuer's metadata may be, in the order tried:
// OpenID Connect Discovery (path appended), then, for issuers with a path,
// the RFC 8414 §5 form of OpenID (well-known inserted before the path), then
// RFC 8414 (inserted, then appended as some servers do).
func discoveryURLs(u *url.URL) []struct {
	url    string
	openID bool
} {
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	origin := u.Scheme + "://" + u.Host
	type cand = struct {
		url    string
		openID bool
	}
	if path == "" {
		return []cand{{origin + wellKnownOpenID, true}, {origin + wellKnownOAuth, false}}
	}
	return []cand{
		{origin + path + wellKnownOpenID, true},
		{origin + wellKnownOpenID + path, true},
		{origin + wellKnownOAuth + path, false},
		{origin + path + wellKnownOAuth, false},
	}
}

// discoveryTTL is how long a fetched discovery document is reused. Issuers
// change their endpoints rarely; a sweep over many accounts of one custom
// provider, the connect flow and the checks then fetch it once.
const discoveryTTL = time.Hour

// discoveries is the one cache of discovery documents in the app, by
// issuer. Only usable documents are kept: a failure is asked again.
var discoveries = struct {
	sync.Mutex
	byIssuer map[string]cachedDiscovery
}{byIssuer: map[string]cachedDiscovery{}}

type cachedDiscovery struct {
	d       *Discovery
	fetched time.Time
}

// Discover returns the issuer's metadata: the OpenID Connect Discovery
// document, falling back to RFC 8414 authorization server metadata. The
// issuer must be https (http only on a loopback host), the document must
// name the same issuer, and the endpoints it lists must be https too. A
// document fetched in the last hour is reused; the result is the caller's
// own copy.
func Discover(ctx context.Context, client *http.Client, issuer string) (*Discovery, error) {
	issuer = strings.TrimSpace(issuer)
	discoveries.Lock()
	c, ok := discoveries.byIssuer[issuer]
	discoveries.Unlock()
	if ok && time.Since(c.fetched) < discoveryTTL {
		return c.d.clone(), nil
	}
	d, err := discover(ctx, client, issuer)
	if err != nil {
		return nil, err
	}
	discoveries.Lock()
	discoveries.byIssuer[issuer] = cachedDiscovery{d: d, fetched: time.Now()}
	discoveries.Unlock()
	return d.clone(), nil
}

func (d *Discovery) clone() *Discovery {
	c := *d
	c.ScopesSupported = slices.Clone(d.ScopesSupported)
	c.CodeChallengeMethods = slices.Clone(d.CodeChallengeMethods)
	c.TokenEndpointAuthMethods = slices.Clone(d.TokenEndpointAuthMethods)
	c.IDTokenSigningAlgsSupported = slices.Clone(d.IDTokenSigningAlgsSupported)
	return &c
}

// discover is Discover without the cache.
func discover(ctx context.Context, client *http.Client, issuer string) (*Discovery, error) {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, newError(ReasonConfig, "An issuer is a web address such as https://accounts.example.com, without ? or #.",
			"%q is not a valid issuer address.", providerText(issuer))
	}
	if err := checkEndpoint("issuer", issuer); err != nil {
		return nil, err
	}
	notFound := newError(ReasonDiscovery,
		"Check the issuer address in providers.yaml (it is the address before /.well-known/…), or set auth_url and token_url yourself.",
		"No OpenID or OAuth discovery document at %s.", providerText(issuer))
	var firstFailure *FlowError
	for _, c := range discoveryURLs(u) {
		d, err := fetchDiscovery(ctx, client, c.url, issuer, c.openID)
		if err == nil {
			return d, nil
		}
		var fe *FlowError
		if !errors.As(err, &fe) {
			return nil, err
		}
		switch fe.Reason {
		case ReasonCancelled, ReasonTimeout, ReasonNetwork:
			return nil, fe // the same host will not answer the next path either
		case ReasonDiscovery:
			if fe != errNotHere {
				return nil, fe // a document was found but is unusable
			}
		default:
			if firstFailure == nil {
				firstFailure = fe
			}
		}
	}
	if firstFailure != nil {
		return nil, firstFailure
	}
	return nil, notFound
}

// errNotHere marks a candidate URL without a document; the next is tried.
var errNotHere = &FlowError{Reason: ReasonDiscovery, Err: backend.Errorf(backend.EINVALID, "not here")}

func fetchDiscovery(ctx context.Context, client *http.Client, docURL, issuer string, openID bool) (*Discovery, error) {
	req, err := http.NewRequest(http.MethodGet, docURL, nil)
	if err != nil {
		return nil, errNotHere
	}
	req.Header.Set("Accept", "application/json")
	resp, err := do(ctx, client, req)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.Status >= 500:
		return nil, newError(ReasonServerError, "Wait a few minutes, then try again.",
			"The discovery service at %s had a problem (HTTP %d).", hostOf(docURL), resp.Status)
	case resp.Status != http.StatusOK:
		return nil, errNotHere
	}
	var doc discoveryDoc
	if !resp.isJSON() || json.Unmarshal(resp.Body, &doc) != nil {
		return nil, errNotHere // a web page served for any path
	}
	if doc.Issuer == "" && doc.AuthorizationEndpoint == "" && doc.TokenEndpoint == "" {
		return nil, errNotHere
	}
	if doc.Issuer == "" {
		return nil, newError(ReasonDiscovery, "Set auth_url and token_url for this provider in providers.yaml instead of issuer.",
			"The discovery document at %s does not name its issuer.", providerText(docURL))
	}
	if !issuerMatches(issuer, doc.Issuer) {
		return nil, newError(ReasonDiscovery,
			"Use the issuer address the provider documents, exactly as its discovery document names it.",
			"The discovery document at %s belongs to issuer %q, not %q.", providerText(docURL), providerText(doc.Issuer), providerText(issuer))
	}
	if doc.AuthorizationEndpoint == "" || doc.TokenEndpoint == "" {
		return nil, newError(ReasonDiscovery, "Set auth_url and token_url for this provider in providers.yaml.",
			"The discovery document at %s does not list an authorization and a token endpoint.", providerText(docURL))
	}
	for _, ep := range []struct{ what, url string }{
		{"authorization endpoint", doc.AuthorizationEndpoint},
		{"token endpoint", doc.TokenEndpoint},
		{"userinfo endpoint", doc.UserinfoEndpoint},
		{"revocation endpoint", doc.RevocationEndpoint},
		{"introspection endpoint", doc.IntrospectionEndpoint},
		{"key set (jwks_uri)", doc.JWKSURI},
	} {
		if ep.url == "" {
			continue
		}
		if err := checkEndpoint(ep.what, ep.url); err != nil {
			var fe *FlowError
			errors.As(err, &fe)
			return nil, &FlowError{Reason: ReasonDiscovery, Err: fe.Err}
		}
	}
	d := &Discovery{
		Issuer:                      doc.Issuer,
		AuthURL:                     doc.AuthorizationEndpoint,
		TokenURL:                    doc.TokenEndpoint,
		IdentityURL:                 doc.UserinfoEndpoint,
		RevokeURL:                   doc.RevocationEndpoint,
		IntrospectURL:               doc.IntrospectionEndpoint,
		JWKSURL:                     doc.JWKSURI,
		OpenID:                      openID || slices.Contains(doc.ScopesSupported, "openid"),
		ScopesSupported:             doc.ScopesSupported,
		CodeChallengeMethods:        doc.CodeChallengeMethodsSupported,
		TokenEndpointAuthMethods:    doc.TokenEndpointAuthMethodsSupported,
		IDTokenSigningAlgsSupported: doc.IDTokenSigningAlgValuesSupported,
		DocumentURL:                 docURL,
	}
	d.PKCE = len(doc.CodeChallengeMethodsSupported) == 0 || slices.Contains(doc.CodeChallengeMethodsSupported, "S256")
	d.ClientAuth = clientAuthFrom(doc.TokenEndpointAuthMethodsSupported)
	return d, nil
}

// clientAuthFrom maps token_endpoint_auth_methods_supported to
// Provider.ClientAuth. client_secret_basic wins when both are offered
// (RFC 6749 §2.3.1: servers must support it); "none" alone is a public
// client, identified by client_id in the body.
func clientAuthFrom(methods []string) string {
	switch {
	case len(methods) == 0:
		return ""
	case slices.Contains(methods, "client_secret_basic"):
		return "basic"
	case slices.Contains(methods, "client_secret_post"), slices.Contains(methods, "none"):
		return "body"
	default:
		return "" // private_key_jwt and the like: not supported, let x/oauth2 try
	}
}

// issuerMatches compares the issuer asked for with the one a document (or
// an ID token) names. A trailing slash is forgiven. Microsoft's multi-tenant
// documents name "…/{tenantid}/v2.0", which stands for any tenant segment.
func issuerMatches(want, got string) bool {
	if got == "" {
		return false
	}
	w, g := strings.TrimSuffix(want, "/"), strings.TrimSuffix(got, "/")
	return w == g || tenantTemplateMatches(g, w) || tenantTemplateMatches(w, g)
}

// tenantTemplateMatches reports whether concrete is template with its
// "{tenantid}" replaced by one path segment.
func tenantTemplateMatches(template, concrete string) bool {
	i := strings.Index(template, "{tenantid}")
	if i < 0 {
		return false
	}
	prefix, suffix := template[:i], template[i+len("{tenantid}"):]
	if !strings.HasPrefix(concrete, prefix) || !strings.HasSuffix(concrete, suffix) || len(concrete) <= len(prefix)+len(suffix) {
		return false
	}
	segment := concrete[len(prefix) : len(concrete)-len(suffix)]
	return !strings.ContainsAny(segment, "/?#{}")
}

// Apply fills the fields of p that are empty from the document: the
// endpoints and ClientAuth. OpenID is switched on for an OpenID document,
// never off. PKCE is switched on (when S256 is supported or not advertised)
// only for custom providers: a catalogue entry's pkce is kept, since some
// platforms (LinkedIn) accept PKCE only from apps they enabled it for.
// Scopes are left to the caller.
func (d *Discovery) Apply(p *backend.Provider) {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&p.AuthURL, d.AuthURL)
	fill(&p.TokenURL, d.TokenURL)
	fill(&p.IdentityURL, d.IdentityURL)
	fill(&p.RevokeURL, d.RevokeURL)
	fill(&p.IntrospectURL, d.IntrospectURL)
	fill(&p.ClientAuth, d.ClientAuth)
	if d.OpenID {
		p.OpenID = true
	}
	if p.Custom && d.PKCE {
		p.PKCE = true
	}
}

// FillFromDiscovery fills the empty endpoints of a provider that has an
// Issuer from the issuer's discovery document (see Discovery.Apply). A
// provider without Issuer is left alone. The HTTP client is taken from ctx
// under oauth2.HTTPClient, as golang.org/x/oauth2 does; without one a client
// with a 30-second timeout is used.
func FillFromDiscovery(ctx context.Context, p *backend.Provider) error {
	if p == nil || strings.TrimSpace(p.Issuer) == "" {
		return nil
	}
	d, err := Discover(ctx, contextClient(ctx), p.Issuer)
	if err != nil {
		return err
	}
	d.Apply(p)
	return nil
}

// contextClient returns the client stored in ctx under oauth2.HTTPClient.
func contextClient(ctx context.Context) *http.Client {
	if c, ok := ctx.Value(oauth2.HTTPClient).(*http.Client); ok && c != nil {
		return c
	}
	return nil
}
