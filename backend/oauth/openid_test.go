package oauth

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// openIDFake turns a fakeProvider into an OpenID provider that publishes
// key and signs ID tokens with signer; claims may change them first.
func openIDFake(t *testing.T, key, signer testKey, claims func(c map[string]any)) *fakeProvider {
	t.Helper()
	f := newFakeProvider(t)
	f.mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		base := f.srv.URL
		writeJSON(w, 200, map[string]any{
			"issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
			"jwks_uri": base + "/jwks", "userinfo_endpoint": base + "/userinfo",
		})
	})
	f.mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"keys": []jwk{key.jwk}})
	})
	f.token = func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		nonce := f.authQuery.Get("nonce")
		f.mu.Unlock()
		now := time.Now()
		c := map[string]any{
			"iss": f.srv.URL, "sub": "248289761001", "aud": testClientID, "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(),
			"nonce": nonce, "name": "Jane Doe", "email": "jane@example.com", "preferred_username": "j.doe", "picture": "https://example.com/j.jpg",
		}
		if claims != nil {
			claims(c)
		}
		writeJSON(w, 200, map[string]any{
			"access_token": testAccessToken, "token_type": "Bearer", "expires_in": 3600, "id_token": signer.sign(t, c),
			"scope": "openid email",
		})
	}
	return f
}

func TestAuthorizeOpenIDVerifiesIDToken(t *testing.T) {
	t.Parallel()
	key := newTestKey(t, "ES256", "k1")
	f := openIDFake(t, key, key, nil)
	p := f.provider()
	p.AuthURL, p.TokenURL = "", "" // from discovery
	p.Issuer = f.srv.URL
	p.Scopes = []backend.Scope{{Name: "openid"}, {Name: "profile"}, {Name: "email"}}
	res, err, _ := f.run(t, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.authQuery.Get("nonce"); len(n) != 43 {
		t.Errorf("nonce %q is not 32 random bytes", n)
	}
	if got := f.authQuery.Get("scope"); got != "openid profile email" {
		t.Errorf("scope = %q", got)
	}
	id := res.Grant.Identity
	if id.ExternalID != "248289761001" || id.Name != "Jane Doe" || id.Email != "jane@example.com" || id.Handle != "j.doe" || id.PictureURL != "https://example.com/j.jpg" {
		t.Errorf("identity = %+v", id)
	}
	if res.IDTokenClaims["nonce"] != f.authQuery.Get("nonce") {
		t.Errorf("claims = %v", res.IDTokenClaims)
	}
}

func TestAuthorizeOpenIDRejectsBadIDToken(t *testing.T) {
	t.Parallel()
	key := newTestKey(t, "ES256", "k1")
	other := newTestKey(t, "ES256", "k1") // same kid, different key
	for _, tc := range []struct {
		name   string
		key    testKey
		claims func(c map[string]any)
		want   string
	}{
		{"wrong nonce", key, func(c map[string]any) { c["nonce"] = "replayed-nonce" }, "nonce does not match"},
		{"another app", key, func(c map[string]any) { c["aud"] = "someone-else" }, "issued for another app"},
		{"expired", key, func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, "expired"},
		{"foreign signature", other, nil, "signature does not match"},
		{"another issuer", key, func(c map[string]any) { c["iss"] = "https://evil.example" }, "issued by"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := openIDFake(t, key, tc.key, tc.claims)
			p := f.provider()
			p.Issuer = f.srv.URL
			p.OpenID = true
			_, err, b := f.run(t, p, nil)
			fe := wantFlowError(t, err, ReasonInvalidIDToken, f.secrets()...)
			if !strings.Contains(fe.Err.Message, tc.want) {
				t.Errorf("message %q does not contain %q", fe.Err.Message, tc.want)
			}
			page := b.page(t)
			if !strings.Contains(page.body, "could not be verified") {
				t.Errorf("page = %s", page.body)
			}
		})
	}
}

// TestAuthorizeIgnoresAnswersWithoutItsState sends, before the real
// answer, what any local process could: an error without state and answers
// with a wrong state. Each gets an error page, the sign-in goes on waiting
// and the real answer then connects.
func TestAuthorizeIgnoresAnswersWithoutItsState(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	b := newBrowser()
	forged := make(chan []browserPage, 1)
	open := func(u string) error {
		auth, _ := url.Parse(u)
		redirect := auth.Query().Get("redirect_uri")
		var pages []browserPage
		for _, q := range []url.Values{
			{"error": {"access_denied"}},
			{"error": {"access_denied"}, "state": {"someone-elses"}},
			{"code": {"forged-code"}, "state": {auth.Query().Get("state") + "x"}},
		} {
			resp, err := b.client.Get(redirect + "?" + q.Encode())
			if err != nil {
				pages = append(pages, browserPage{err: err})
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			pages = append(pages, browserPage{status: resp.StatusCode, body: string(body)})
		}
		forged <- pages
		return b.open(u)
	}
	res, err, _ := f.run(t, f.provider(), func(r *Request) { r.Open = open })
	if err != nil {
		t.Fatalf("a forged answer ended the sign-in: %v", err)
	}
	if res.Grant.AccessToken != testAccessToken || f.tokenForm.Get("code") != testCode {
		t.Errorf("result %+v, exchanged code %q", res.Grant, f.tokenForm.Get("code"))
	}
	for i, p := range <-forged {
		if p.err != nil || p.status != http.StatusBadRequest || !strings.Contains(p.body, "still waiting") {
			t.Errorf("forged answer %d: page = %d %v %s", i, p.status, p.err, p.body)
		}
	}
}

// TestAuthorizeIssuerMixUp refuses an answer whose iss (RFC 9207) names
// another authorization server.
func TestAuthorizeIssuerMixUp(t *testing.T) {
	t.Parallel()
	key := newTestKey(t, "ES256", "k1")
	f := openIDFake(t, key, key, nil)
	f.authorize = func(q url.Values) url.Values {
		return url.Values{"code": {testCode}, "state": {q.Get("state")}, "iss": {"https://evil.example"}}
	}
	p := f.provider()
	p.Issuer = f.srv.URL
	_, err, _ := f.run(t, p, nil)
	fe := wantFlowError(t, err, ReasonStateMismatch)
	if !strings.Contains(fe.Err.Message, "came from a different provider") {
		t.Errorf("message = %q", fe.Err.Message)
	}
	if f.tokenForm != nil {
		t.Error("the code was exchanged despite the mix-up")
	}
}
