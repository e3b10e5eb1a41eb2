package oauth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// jwk is one key of a JSON Web Key Set (RFC 7517) with the members used
// for signature verification.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// fetchJWKS reads the issuer's key set.
func fetchJWKS(ctx context.Context, client *http.Client, jwksURL string) ([]jwk, error) {
	req, err := http.NewRequest(http.MethodGet, jwksURL, nil)
	if err != nil {
		return nil, newError(ReasonConfig, "", "The provider's key set address is not valid.")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := do(ctx, client, req)
	if err != nil {
		return nil, err
	}
	host := hostOf(jwksURL)
	if resp.Status >= 500 {
		return nil, newError(ReasonServerError, "Wait a few minutes, then run Connect again.",
			"The provider's key service at %s had a problem (HTTP %d).", host, resp.Status)
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &set) != nil || len(set.Keys) == 0 {
		return nil, newError(ReasonMalformedResponse, "Check the provider's issuer address; if it is right, try again later.",
			"The provider's signing keys at %s could not be read (HTTP %d), so its ID token cannot be checked.", host, resp.Status)
	}
	return set.Keys, nil
}

// idTokenCheck is what an ID token must match.
type idTokenCheck struct {
	Issuer   string
	ClientID string
	Nonce    string // "" when none was sent
	Now      time.Time
	Leeway   time.Duration
}

// idTokenError says in plain words why an ID token was refused.
type idTokenError string

func (e idTokenError) Error() string { return string(e) }

// verifyIDToken checks the signature of a compact JWS with keys and the
// claims with c (OpenID Connect Core §3.1.3.7), and returns the claims.
func verifyIDToken(raw string, keys []jwk, c idTokenCheck) (map[string]any, error) {
	claims, _, err := verifyJWS(raw, keys)
	if err != nil {
		return nil, err
	}
	if err := checkClaims(claims, c); err != nil {
		return nil, err
	}
	return claims, nil
}

// verifyJWS checks the signature of a compact JWS with keys and returns its
// claims and its header's typ.
func verifyJWS(raw string, keys []jwk) (claims map[string]any, typ string, err error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, "", idTokenError("it is not a signed JWT")
	}
	var header struct {
		Alg  string `json:"alg"`
		Kid  string `json:"kid"`
		Typ  string `json:"typ"`
		Crit []any  `json:"crit"`
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &header) != nil {
		return nil, "", idTokenError("its header cannot be read")
	}
	if len(header.Crit) > 0 {
		return nil, "", idTokenError("it uses critical extensions Tokenwarden does not understand")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, "", idTokenError("its signature cannot be read")
	}
	alg, ok := algorithms[header.Alg]
	if !ok {
		return nil, "", idTokenError(fmt.Sprintf("it is signed with %q, which Tokenwarden does not accept", providerText(header.Alg)))
	}
	signed := []byte(parts[0] + "." + parts[1])
	candidates := 0
	verified := false
	for _, k := range keys {
		if k.Kty != alg.kty || (k.Use != "" && k.Use != "sig") || (k.Alg != "" && k.Alg != header.Alg) {
			continue
		}
		if header.Kid != "" && k.Kid != header.Kid {
			continue
		}
		pub, err := k.publicKey()
		if err != nil {
			continue
		}
		candidates++
		if alg.verify(pub, signed, sig) == nil {
			verified = true
			break
		}
	}
	switch {
	case candidates == 0:
		return nil, "", idTokenError("the provider's published keys do not include the key it was signed with")
	case !verified:
		return nil, "", idTokenError("its signature does not match the provider's keys")
	}

	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(pb, &claims) != nil {
		return nil, "", idTokenError("its claims cannot be read")
	}
	return claims, header.Typ, nil
}

func checkClaims(claims map[string]any, c idTokenCheck) error {
	iss, _ := claims["iss"].(string)
	if !idIssuerMatches(c.Issuer, iss, claims) {
		return idTokenError(fmt.Sprintf("it was issued by %q instead of %q", providerText(iss), providerText(c.Issuer)))
	}
	if sub, _ := claims["sub"].(string); sub == "" {
		return idTokenError("it does not say which account it is for (no sub)")
	}
	var auds []string
	switch a := claims["aud"].(type) {
	case string:
		auds = []string{a}
	case []any:
		for _, v := range a {
			if s, ok := v.(string); ok {
				auds = append(auds, s)
			}
		}
	}
	found := false
	for _, a := range auds {
		found = found || a == c.ClientID
	}
	if !found {
		return idTokenError("it was issued for another app (aud does not contain this client id)")
	}
	if azp, ok := claims["azp"].(string); ok && azp != "" && azp != c.ClientID {
		return idTokenError("it was issued for another app (azp)")
	}
	now := c.Now
	exp, ok := numericDate(claims["exp"])
	if !ok {
		return idTokenError("it has no expiry (exp)")
	}
	if now.After(exp.Add(c.Leeway)) {
		return idTokenError("it has expired; check that this computer's clock is right")
	}
	if nbf, ok := numericDate(claims["nbf"]); ok && now.Add(c.Leeway).Before(nbf) {
		return idTokenError("it is not valid yet; check that this computer's clock is right")
	}
	if iat, ok := numericDate(claims["iat"]); ok && now.Add(c.Leeway).Before(iat) {
		return idTokenError("it was issued in the future; check that this computer's clock is right")
	}
	if c.Nonce != "" {
		nonce, _ := claims["nonce"].(string)
		if subtle.ConstantTimeCompare([]byte(nonce), []byte(c.Nonce)) != 1 {
			return idTokenError("it does not belong to this sign-in (the nonce does not match)")
		}
	}
	return nil
}

// idIssuerMatches compares the iss claim exactly with the issuer, with two
// documented exceptions: Google's ID tokens may say "accounts.google.com"
// without the scheme, and Microsoft's multi-tenant issuer "{tenantid}" stands
// for the token's tid claim.
func idIssuerMatches(want, iss string, claims map[string]any) bool {
	if iss == "" {
		return false
	}
	if iss == want {
		return true
	}
	if want == "https://accounts.google.com" && iss == "accounts.google.com" {
		return true
	}
	if strings.Contains(want, "{tenantid}") {
		if tid, _ := claims["tid"].(string); tid != "" && !strings.ContainsAny(tid, "/?#") {
			return iss == strings.ReplaceAll(want, "{tenantid}", tid)
		}
	}
	return false
}

// numericDate reads a JWT NumericDate (seconds since the epoch).
func numericDate(v any) (time.Time, bool) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		var err error
		if f, err = n.Float64(); err != nil {
			return time.Time{}, false
		}
	case float64:
		f = n
	default:
		return time.Time{}, false
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), true
}

// algorithm verifies one JWS "alg".
type algorithm struct {
	kty    string
	verify func(pub crypto.PublicKey, signed, sig []byte) error
}

var errBadSignature = errors.New("bad signature")

var algorithms = map[string]algorithm{
	"RS256":   {"RSA", rsaPKCS1(crypto.SHA256)},
	"RS384":   {"RSA", rsaPKCS1(crypto.SHA384)},
	"RS512":   {"RSA", rsaPKCS1(crypto.SHA512)},
	"PS256":   {"RSA", rsaPSS(crypto.SHA256)},
	"PS384":   {"RSA", rsaPSS(crypto.SHA384)},
	"PS512":   {"RSA", rsaPSS(crypto.SHA512)},
	"ES256":   {"EC", ecdsaSig(crypto.SHA256, elliptic.P256())},
	"ES384":   {"EC", ecdsaSig(crypto.SHA384, elliptic.P384())},
	"ES512":   {"EC", ecdsaSig(crypto.SHA512, elliptic.P521())},
	"EdDSA":   {"OKP", eddsaSig},
	"Ed25519": {"OKP", eddsaSig},
}

func digest(h crypto.Hash, b []byte) []byte {
	switch h {
	case crypto.SHA256:
		s := sha256.Sum256(b)
		return s[:]
	case crypto.SHA384:
		s := sha512.Sum384(b)
		return s[:]
	default:
		s := sha512.Sum512(b)
		return s[:]
	}
}

func rsaPKCS1(h crypto.Hash) func(crypto.PublicKey, []byte, []byte) error {
	return func(pub crypto.PublicKey, signed, sig []byte) error {
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return errBadSignature
		}
		return rsa.VerifyPKCS1v15(k, h, digest(h, signed), sig)
	}
}

func rsaPSS(h crypto.Hash) func(crypto.PublicKey, []byte, []byte) error {
	return func(pub crypto.PublicKey, signed, sig []byte) error {
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return errBadSignature
		}
		return rsa.VerifyPSS(k, h, digest(h, signed), sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	}
}

func ecdsaSig(h crypto.Hash, curve elliptic.Curve) func(crypto.PublicKey, []byte, []byte) error {
	return func(pub crypto.PublicKey, signed, sig []byte) error {
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || k.Curve != curve {
			return errBadSignature
		}
		size := (curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return errBadSignature
		}
		r := new(big.Int).SetBytes(sig[:size])
		s := new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(k, digest(h, signed), r, s) {
			return errBadSignature
		}
		return nil
	}
}

func eddsaSig(pub crypto.PublicKey, signed, sig []byte) error {
	k, ok := pub.(ed25519.PublicKey)
	if !ok || !ed25519.Verify(k, signed, sig) {
		return errBadSignature
	}
	return nil
}

// publicKey builds the Go public key of a JWK.
func (k jwk) publicKey() (crypto.PublicKey, error) {
	b64 := base64.RawURLEncoding.DecodeString
	switch k.Kty {
	case "RSA":
		n, err1 := b64(k.N)
		e, err2 := b64(k.E)
		if err1 != nil || err2 != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
			return nil, errors.New("bad RSA key")
		}
		exp := 0
		for _, b := range e {
			exp = exp<<8 | int(b)
		}
		if exp < 3 {
			return nil, errors.New("bad RSA exponent")
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}, nil
	case "EC":
		var curve elliptic.Curve
		switch k.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, errors.New("unsupported curve")
		}
		x, err1 := b64(k.X)
		y, err2 := b64(k.Y)
		size := (curve.Params().BitSize + 7) / 8
		if err1 != nil || err2 != nil || len(x) != size || len(y) != size {
			return nil, errors.New("bad EC key")
		}
		point := append(append([]byte{4}, x...), y...)
		return ecdsa.ParseUncompressedPublicKey(curve, point)
	case "OKP":
		x, err := b64(k.X)
		if k.Crv != "Ed25519" || err != nil || len(x) != ed25519.PublicKeySize {
			return nil, errors.New("bad OKP key")
		}
		return ed25519.PublicKey(x), nil
	}
	return nil, errors.New("unsupported key type")
}

// identityFromClaims reads the standard OpenID claims into an Identity.
func identityFromClaims(c map[string]any) backend.Identity {
	s := func(k string) string {
		v, _ := c[k].(string)
		return strings.TrimSpace(v)
	}
	id := backend.Identity{
		ExternalID: s("sub"),
		Name:       s("name"),
		Email:      s("email"),
		Handle:     s("preferred_username"),
		PictureURL: s("picture"),
	}
	if id.Name == "" {
		id.Name = strings.TrimSpace(s("given_name") + " " + s("family_name"))
	}
	if id.Handle == "" {
		id.Handle = s("nickname")
	}
	return id
}
