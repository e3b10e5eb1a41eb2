package providers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

// CheckerFor returns how to validate and renew a provider's tokens, with
// the default HTTP client (as PlatformFor). Custom providers get RFC 7662
// introspection or OpenID userinfo, and the RFC 6749 refresh_token grant.
//
// Validate returns a *backend.Validation with Valid false and a backend
// reason code when the platform gave a verdict on the token, and an error
// (no verdict) otherwise. Every error from Validate and Refresh is a
// *PlatformError, or one of backend.ErrNoRefresh and ErrTooSoon returned
// as is (comparable with ==); backend.ReasonOf(err) gives its reason code and
// RetryAfter(err) how long the platform asked to wait. No error and no
// Validation message shows a token or a secret. A checker is safe for
// concurrent use.
func CheckerFor(p *backend.Provider) backend.Checker {
	kind := checkerKind(p)
	if k, ok := checkers.Load(kind); ok {
		return k.(*checker)
	}
	k, _ := checkers.LoadOrStore(kind, newChecker(p, nil))
	return k.(*checker)
}

// checkers are CheckerFor's checkers, one per kind, made once: a checker
// holds no state of an account or a provider.
var checkers sync.Map

// newChecker is CheckerFor with an injected HTTP client (given to
// oauth.Client); nil means the default one. Every URL it calls comes from
// the provider's fields, so providers.yaml and tests can point them at
// fakes.
func newChecker(p *backend.Provider, client *http.Client) *checker {
	return &checker{base: base{client: client, now: time.Now}, kind: checkerKind(p)}
}

// checkerKind chooses the platform's validation endpoint; custom
// providers are generic.
func checkerKind(p *backend.Provider) string {
	if p != nil && !p.Custom {
		switch p.ID {
		case "facebook", "instagram", "google", "linkedin", "x", "tiktok", "pinterest", "microsoft":
			return p.ID
		}
	}
	return "generic"
}

// checker implements backend.Checker; kind chooses the platform's
// validation endpoint.
type checker struct {
	base
	Quirks
	kind string
}

func (k *checker) Validate(ctx context.Context, p *backend.Provider, creds backend.Credentials, accessToken string) (*backend.Validation, error) {
	if p == nil {
		return nil, newPlatformError(DetailAppConfig, 0, "", "No provider given.")
	}
	if accessToken == "" {
		return nil, newPlatformError(DetailUnknown, 0, reconnectHint, "There is no access token to check.")
	}
	c := k.caller(p, creds, accessToken)
	var v *backend.Validation
	var err error
	switch k.kind {
	case "facebook":
		v, err = k.validateFacebook(ctx, c, p, creds, accessToken)
	case "instagram":
		v, err = k.validateInstagram(ctx, c, p, accessToken)
	case "google":
		v, err = k.validateGoogle(ctx, c, p, accessToken)
	case "linkedin":
		v, err = k.validateLinkedIn(ctx, c, p, creds, accessToken)
	case "x":
		v, err = k.validateX(ctx, c, p, accessToken)
	case "tiktok":
		v, err = k.validateTikTok(ctx, c, p, accessToken)
	case "pinterest", "microsoft":
		v, err = k.validateBearer(ctx, c, p, accessToken)
	default:
		v, err = k.validateGeneric(ctx, c, p, creds, accessToken)
	}
	if err != nil {
		var pe *PlatformError
		if errors.As(err, &pe) && backend.IsVerdict(pe.ReasonCode()) {
			v = &backend.Validation{Reason: pe.ReasonCode(), Message: pe.Err.Message}
		} else {
			return nil, c.clean(err)
		}
	}
	if v.Valid {
		v.Reason = ""
	} else if v.Reason == "" {
		v.Reason = backend.ReasonUnknown
	}
	v.Message = c.redact(strings.TrimSpace(v.Message))
	if v.Message != "" && !strings.HasSuffix(v.Message, ".") {
		v.Message += "."
	}
	return v, nil
}

func (k *checker) Refresh(ctx context.Context, p *backend.Provider, creds backend.Credentials, accessToken, refreshToken string) (*backend.Grant, error) {
	if p == nil {
		return nil, newPlatformError(DetailAppConfig, 0, "", "No provider given.")
	}
	c := k.caller(p, creds, accessToken, refreshToken)
	var g *backend.Grant
	var err error
	switch p.Refresh {
	case backend.RefreshFacebook:
		if accessToken == "" {
			return nil, backend.ErrNoRefresh
		}
		g, err = k.refreshFacebook(ctx, c, p, creds, accessToken)
	case backend.RefreshInstagram:
		if accessToken == "" {
			return nil, backend.ErrNoRefresh
		}
		g, err = k.refreshInstagram(ctx, c, p, accessToken)
	case backend.RefreshToken, "":
		if refreshToken == "" {
			return nil, backend.ErrNoRefresh
		}
		g, err = k.refreshGrant(ctx, c, p, creds, refreshToken)
	default:
		return nil, backend.ErrNoRefresh
	}
	if err != nil {
		return nil, c.clean(err)
	}
	return g, nil
}

// fail finishes an error built from a reply: it adds the wait the platform
// asked for when the failure is transient.
func (k *checker) fail(pe *PlatformError, r *response) *PlatformError {
	if pe == nil || r == nil {
		return pe
	}
	return attachRetry(pe, r, k.now())
}

// attachRetry adds to a transient failure the wait its reply asked for.
func attachRetry(pe *PlatformError, r *response, now time.Time) *PlatformError {
	if pe == nil || r == nil {
		return pe
	}
	if code := pe.ReasonCode(); code == backend.ReasonRateLimited || code == backend.ReasonProviderDown || r.Status == 429 || r.Status == 503 {
		pe.RetryAfter = retryAfter(r.Header, now)
		if w := waitWords(pe.RetryAfter); w != "" && code == backend.ReasonRateLimited {
			pe.Err = pe.Err.WithHint("Tokenwarden tries again in " + w + ".")
		}
	}
	return pe
}

// refusalCode gives the reason code of a token the platform refused, from
// the platform's words when they say why, else from the token's documented
// lifetime: a short-lived access token (a day or less, or undocumented) is
// most likely expired, a long-lived one revoked. The caller knows the
// stored expiry and may read "revoked" before it as what it is.
func refusalCode(p *backend.Provider, words string) string {
	if code := wordsCode(words); code != "" {
		return code
	}
	if p != nil && p.Lifetimes.Access > 24*time.Hour {
		return backend.ReasonRevoked
	}
	return backend.ReasonExpired
}

// wordsCode reads a reason from a platform's explanation, or "". Revoked
// wins over expired: Google's "Token has been expired or revoked." is a
// revocation for monitoring purposes.
func wordsCode(words string) string {
	w := strings.ToLower(words)
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(w, s) {
				return true
			}
		}
		return false
	}
	switch {
	case has("password"):
		return backend.ReasonPasswordChanged
	case has("suspended", "locked", "checkpoint"):
		return backend.ReasonCheckpoint
	case has("revoked", "revocation", "deauthorized", "de-authorized", "logged out"):
		return backend.ReasonRevoked
	case has("expired", "lifetime validation"):
		return backend.ReasonExpired
	}
	return ""
}

// refused sets the reason code of a token refusal without one (a 401, or
// Graph code 190 without a subcode) from the words and the lifetime.
func refused(p *backend.Provider, pe *PlatformError) *PlatformError {
	if pe != nil && pe.code == "" && pe.Detail == DetailInvalidToken {
		pe.code = refusalCode(p, pe.Err.Message)
	}
	return pe
}

// resolve returns p with the endpoints a custom provider leaves to its
// issuer's discovery document filled in, when any of need is empty.
func (k *checker) resolve(ctx context.Context, p *backend.Provider, need ...string) (*backend.Provider, error) {
	if !p.Custom || strings.TrimSpace(p.Issuer) == "" {
		return p, nil
	}
	missing := false
	for _, n := range need {
		missing = missing || n == ""
	}
	if !missing {
		return p, nil
	}
	d, err := oauth.Discover(ctx, k.client, p.Issuer) // cached there
	if err != nil {
		return nil, fromOAuth(err)
	}
	cp := clone(p)
	d.Apply(cp)
	return cp, nil
}
