package oauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// JWT access tokens (RFC 9068). Servers such as oidc-provider refuse to
// introspect them and answer userinfo only for tokens meant for it, so a
// client checks them itself: signature against the issuer's keys, iss,
// that they were issued to this client, and exp.

// IsJWTAccessToken reports whether token announces itself as an RFC 9068
// access token: a compact JWS whose header's typ is at+jwt (§2.1).
func IsJWTAccessToken(token string) bool {
	head, _, ok := strings.Cut(token, ".")
	if !ok || strings.Count(token, ".") != 2 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return false
	}
	var h struct {
		Typ string `json:"typ"`
	}
	return json.Unmarshal(b, &h) == nil && isATJWT(h.Typ)
}

func isATJWT(typ string) bool {
	t := strings.ToLower(strings.TrimSpace(typ))
	return t == "at+jwt" || t == "application/at+jwt"
}

// AccessTokenClaims is what a verified JWT access token says.
type AccessTokenClaims struct {
	Subject   string
	Scopes    []string
	ExpiresAt time.Time
}

// Expired reports whether the token had expired at now.
func (c *AccessTokenClaims) Expired(now time.Time) bool { return !c.ExpiresAt.After(now) }

// VerifyAccessToken checks an RFC 9068 access token as §4 asks of a
// resource server, less the audience (the token is meant for an API, not
// for Tokenwarden): typ at+jwt, the signature with the key set of the
// issuer's discovery document (fetched anew, so rotated keys are found), iss
// equal to the issuer, client_id equal to this app's, and an exp. An expired
// token is no error: the caller reads Expired. name is the provider's.
func VerifyAccessToken(ctx context.Context, client *http.Client, name, issuer, clientID, raw string) (*AccessTokenClaims, error) {
	d, err := Discover(ctx, client, issuer)
	if err != nil {
		return nil, err
	}
	if d.JWKSURL == "" {
		return nil, newError(ReasonDiscovery, "", "%s publishes no signing keys, so its JWT access tokens cannot be checked.", name)
	}
	keys, err := fetchJWKS(ctx, Client(client), d.JWKSURL)
	if err != nil {
		return nil, err
	}
	claims, typ, err := verifyJWS(raw, keys)
	if err == nil {
		err = checkAccessClaims(claims, typ, d.Issuer, clientID)
	}
	if err != nil {
		return nil, newError(ReasonMalformedResponse, "Try again later; if it keeps happening, reconnect the account.",
			"%s's access token could not be verified: %s.", name, err.Error())
	}
	exp, _ := numericDate(claims["exp"])
	out := &AccessTokenClaims{ExpiresAt: exp.UTC()}
	out.Subject, _ = claims["sub"].(string)
	if s, ok := claims["scope"].(string); ok {
		out.Scopes = splitScopes(s)
	}
	return out, nil
}

func checkAccessClaims(claims map[string]any, typ, issuer, clientID string) error {
	if !isATJWT(typ) {
		return idTokenError("it is not an RFC 9068 access token (typ is not at+jwt)")
	}
	if iss, _ := claims["iss"].(string); iss != issuer {
		return idTokenError(fmt.Sprintf("it was issued by %q instead of %q", providerText(iss), providerText(issuer)))
	}
	if cid, _ := claims["client_id"].(string); cid != clientID {
		return idTokenError("it was issued to another app (client_id)")
	}
	if _, ok := numericDate(claims["exp"]); !ok {
		return idTokenError("it has no expiry (exp)")
	}
	return nil
}
