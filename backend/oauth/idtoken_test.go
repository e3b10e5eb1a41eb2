package oauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKey is a signing key with its public JWK.
type testKey struct {
	alg  string
	kid  string
	priv crypto.Signer
	jwk  jwk
}

var (
	rsaKeyOnce sync.Once
	rsaKeyVal  *rsa.PrivateKey
)

// rsaTestKey is generated once: RSA key generation is slow under -race.
func rsaTestKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	rsaKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rsaKeyVal = k
	})
	return rsaKeyVal
}

func newTestKey(t *testing.T, alg, kid string) testKey {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	switch alg {
	case "RS256", "PS256":
		k := rsaTestKey(t)
		return testKey{alg, kid, k, jwk{Kty: "RSA", Kid: kid, Use: "sig", Alg: alg, N: b64(k.N.Bytes()), E: b64(big.NewInt(int64(k.E)).Bytes())}}
	case "ES256", "ES384":
		curve, crv := elliptic.P256(), "P-256"
		if alg == "ES384" {
			curve, crv = elliptic.P384(), "P-384"
		}
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := k.PublicKey.Bytes() // 0x04 || X || Y
		if err != nil {
			t.Fatal(err)
		}
		size := (curve.Params().BitSize + 7) / 8
		return testKey{alg, kid, k, jwk{Kty: "EC", Kid: kid, Crv: crv, X: b64(raw[1 : 1+size]), Y: b64(raw[1+size:])}}
	case "EdDSA":
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return testKey{alg, kid, priv, jwk{Kty: "OKP", Kid: kid, Crv: "Ed25519", X: b64(pub)}}
	}
	t.Fatalf("unknown alg %s", alg)
	return testKey{}
}

// sign makes a compact JWS of claims.
func (k testKey) sign(t *testing.T, claims map[string]any) string {
	t.Helper()
	return k.signWithHeader(t, map[string]any{"alg": k.alg, "kid": k.kid, "typ": "JWT"}, claims)
}

func (k testKey) signWithHeader(t *testing.T, header, claims map[string]any) string {
	t.Helper()
	hb, _ := json.Marshal(header)
	cb, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
	var sig []byte
	var err error
	switch k.alg {
	case "RS256":
		sig, err = rsa.SignPKCS1v15(rand.Reader, k.priv.(*rsa.PrivateKey), crypto.SHA256, digest(crypto.SHA256, []byte(input)))
	case "PS256":
		sig, err = rsa.SignPSS(rand.Reader, k.priv.(*rsa.PrivateKey), crypto.SHA256, digest(crypto.SHA256, []byte(input)),
			&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case "ES256", "ES384":
		h := crypto.SHA256
		if k.alg == "ES384" {
			h = crypto.SHA384
		}
		ek := k.priv.(*ecdsa.PrivateKey)
		r, s, e := ecdsa.Sign(rand.Reader, ek, digest(h, []byte(input)))
		err = e
		size := (ek.Curve.Params().BitSize + 7) / 8
		sig = make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
	case "EdDSA":
		sig = ed25519.Sign(k.priv.(ed25519.PrivateKey), []byte(input))
	}
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func validClaims(now time.Time) map[string]any {
	return map[string]any{
		"iss": "https://issuer.example", "sub": "user-1", "aud": testClientID,
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "nonce": "nonce-123",
		"name": "Ada Lovelace", "email": "ada@example.com", "preferred_username": "ada", "picture": "https://example.com/ada.png",
	}
}

func TestVerifyIDTokenAlgorithms(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for _, alg := range []string{"RS256", "PS256", "ES256", "ES384", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			k := newTestKey(t, alg, "k-"+alg)
			other := newTestKey(t, "ES256", "other")
			raw := k.sign(t, validClaims(now))
			check := idTokenCheck{Issuer: "https://issuer.example", ClientID: testClientID, Nonce: "nonce-123", Now: now, Leeway: time.Minute}
			claims, err := verifyIDToken(raw, []jwk{other.jwk, k.jwk}, check)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			id := identityFromClaims(claims)
			if id.ExternalID != "user-1" || id.Name != "Ada Lovelace" || id.Email != "ada@example.com" || id.Handle != "ada" || id.PictureURL != "https://example.com/ada.png" {
				t.Errorf("identity = %+v", id)
			}
			// Without kid the key is found by type.
			noKid := k.signWithHeader(t, map[string]any{"alg": alg}, validClaims(now))
			if _, err := verifyIDToken(noKid, []jwk{k.jwk}, check); err != nil {
				t.Errorf("token without kid: %v", err)
			}
			// A flipped signature byte fails.
			parts := strings.Split(raw, ".")
			sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
			sig[len(sig)/2] ^= 0xff
			bad := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)
			if _, err := verifyIDToken(bad, []jwk{k.jwk}, check); err == nil || !strings.Contains(err.Error(), "signature does not match") {
				t.Errorf("tampered signature: %v", err)
			}
			// Changed claims with the old signature fail.
			c := validClaims(now)
			c["sub"] = "someone-else"
			cb, _ := json.Marshal(c)
			forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(cb) + "." + parts[2]
			if _, err := verifyIDToken(forged, []jwk{k.jwk}, check); err == nil {
				t.Error("a token with changed claims was accepted")
			}
		})
	}
}

func TestVerifyIDTokenRejects(t *testing.T) {
	t.Parallel()
	now := time.Now()
	k := newTestKey(t, "ES256", "main")
	check := idTokenCheck{Issuer: "https://issuer.example", ClientID: testClientID, Nonce: "nonce-123", Now: now, Leeway: time.Minute}
	with := func(change func(map[string]any)) string {
		c := validClaims(now)
		change(c)
		return k.sign(t, c)
	}
	unsigned := func(alg string) string {
		h, _ := json.Marshal(map[string]any{"alg": alg})
		c, _ := json.Marshal(validClaims(now))
		return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + ".c2ln"
	}
	for _, tc := range []struct {
		name string
		raw  string
		keys []jwk
		want string
	}{
		{"not a JWT", "abc.def", []jwk{k.jwk}, "not a signed JWT"},
		{"alg none", unsigned("none"), []jwk{k.jwk}, `"none"`},
		{"alg HS256", unsigned("HS256"), []jwk{k.jwk}, `"HS256"`},
		{"unknown kid", k.signWithHeader(t, map[string]any{"alg": "ES256", "kid": "gone"}, validClaims(now)), []jwk{k.jwk}, "do not include the key"},
		{"key for another alg", k.sign(t, validClaims(now)), []jwk{{Kty: "EC", Kid: "main", Alg: "ES384", Crv: "P-256", X: k.jwk.X, Y: k.jwk.Y}}, "do not include the key"},
		{"encryption key", k.sign(t, validClaims(now)), []jwk{{Kty: "EC", Kid: "main", Use: "enc", Crv: "P-256", X: k.jwk.X, Y: k.jwk.Y}}, "do not include the key"},
		{"wrong issuer", with(func(c map[string]any) { c["iss"] = "https://evil.example" }), []jwk{k.jwk}, "issued by"},
		{"no issuer", with(func(c map[string]any) { delete(c, "iss") }), []jwk{k.jwk}, "issued by"},
		{"wrong audience", with(func(c map[string]any) { c["aud"] = "another-app" }), []jwk{k.jwk}, "another app"},
		{"audience list without us", with(func(c map[string]any) { c["aud"] = []string{"a", "b"} }), []jwk{k.jwk}, "another app"},
		{"azp of another app", with(func(c map[string]any) { c["aud"] = []string{testClientID, "b"}; c["azp"] = "b" }), []jwk{k.jwk}, "azp"},
		{"expired", with(func(c map[string]any) { c["exp"] = now.Add(-10 * time.Minute).Unix() }), []jwk{k.jwk}, "expired"},
		{"no exp", with(func(c map[string]any) { delete(c, "exp") }), []jwk{k.jwk}, "no expiry"},
		{"not yet valid", with(func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() }), []jwk{k.jwk}, "not valid yet"},
		{"issued in the future", with(func(c map[string]any) { c["iat"] = now.Add(10 * time.Minute).Unix() }), []jwk{k.jwk}, "future"},
		{"wrong nonce", with(func(c map[string]any) { c["nonce"] = "replayed" }), []jwk{k.jwk}, "nonce"},
		{"no nonce", with(func(c map[string]any) { delete(c, "nonce") }), []jwk{k.jwk}, "nonce"},
		{"no sub", with(func(c map[string]any) { delete(c, "sub") }), []jwk{k.jwk}, "no sub"},
		{"crit header", k.signWithHeader(t, map[string]any{"alg": "ES256", "kid": "main", "crit": []string{"exp"}}, validClaims(now)), []jwk{k.jwk}, "critical"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := verifyIDToken(tc.raw, tc.keys, check)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	// Within the leeway an expired token still passes (clock skew).
	skewed := with(func(c map[string]any) { c["exp"] = now.Add(-30 * time.Second).Unix() })
	if _, err := verifyIDToken(skewed, []jwk{k.jwk}, check); err != nil {
		t.Errorf("token expired 30 s ago within 1 min leeway: %v", err)
	}
}

func TestIDIssuerExceptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		want, iss string
		claims    map[string]any
		ok        bool
	}{
		{"https://accounts.google.com", "accounts.google.com", nil, true},
		{"https://accounts.google.com", "https://accounts.google.com", nil, true},
		{"https://login.microsoftonline.com/{tenantid}/v2.0", "https://login.microsoftonline.com/abc-123/v2.0", map[string]any{"tid": "abc-123"}, true},
		{"https://login.microsoftonline.com/{tenantid}/v2.0", "https://login.microsoftonline.com/abc-123/v2.0", map[string]any{"tid": "other"}, false},
		{"https://login.microsoftonline.com/{tenantid}/v2.0", "https://login.microsoftonline.com/abc-123/v2.0", nil, false},
		{"https://issuer.example", "https://issuer.example/", nil, false},
		{"https://issuer.example", "", nil, false},
	} {
		if got := idIssuerMatches(tc.want, tc.iss, tc.claims); got != tc.ok {
			t.Errorf("idIssuerMatches(%q, %q, %v) = %v, want %v", tc.want, tc.iss, tc.claims, got, tc.ok)
		}
	}
}

func TestJWKPublicKeyRejectsBadKeys(t *testing.T) {
	t.Parallel()
	for _, k := range []jwk{
		{Kty: "RSA", N: "!!", E: "AQAB"},
		{Kty: "RSA", N: "AQAB", E: ""},
		{Kty: "EC", Crv: "P-256", X: "AQAB", Y: "AQAB"},
		{Kty: "EC", Crv: "secp256k1", X: "AQAB", Y: "AQAB"},
		{Kty: "OKP", Crv: "X25519", X: "AQAB"},
		{Kty: "oct"},
	} {
		if _, err := k.publicKey(); err == nil {
			t.Errorf("key %+v was accepted", k)
		}
	}
	// A point that is not on the curve is refused.
	good := newTestKey(t, "ES256", "x").jwk
	good.Y = good.X
	if _, err := good.publicKey(); err == nil {
		t.Error("an EC point off the curve was accepted")
	}
}
