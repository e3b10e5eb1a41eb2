package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// answerTransport answers every request with one canned token response,
// without a network.
type answerTransport struct {
	status      int
	contentType string
	body        []byte
}

func (t answerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	h := http.Header{}
	if t.contentType != "" {
		h.Set("Content-Type", t.contentType)
	}
	return &http.Response{StatusCode: t.status, Header: h, Body: io.NopCloser(bytes.NewReader(t.body)), Request: r}, nil
}

// FuzzTokenResponse feeds the code exchange any token endpoint answer:
// whatever it is, the sign-in ends with a grant whose dates make sense or
// with a *FlowError that words it, and no secret of the attempt (client
// secret, code, PKCE verifier, state) is in the error. Seeds: the shapes
// of real providers' answers and the traps found so far.
//
// Longer: go test -run '^$' -fuzz FuzzTokenResponse -fuzztime 60s ./backend/oauth/
func FuzzTokenResponse(f *testing.F) {
	for _, seed := range []struct {
		status int
		ct     string
		body   string
	}{
		{200, "application/json", `{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","scope":"read write"}`},
		{200, "application/json", `{"access_token":"at","token_type":"bearer","expires_in":"3600","refresh_expires_in":86400,"scope":"a,b"}`},
		{200, "application/json", `{"access_token":"at","refresh_token_expires_in":31536000,"scope":["a","b c"]}`},
		{200, "application/json", `{"access_token":"at","refresh_expires_in":1e10}`},
		{200, "application/json", `{"access_token":"at","refresh_expires_in":"99999999999999999999"}`},
		{200, "application/json", `{"access_token":"at","expires_in":-5,"refresh_expires_in":-1}`},
		{200, "application/json", `{"access_token":"at","open_id":"tiktok-user"}`},
		{200, "application/x-www-form-urlencoded", `access_token=at&token_type=bearer&expires_in=3600`},
		{200, "text/plain", `access_token=at&expires_in=1e300`},
		{200, "application/json", `{"error":"invalid_grant","error_description":"code CODE-SECRET-1 used"}`},
		{400, "application/json", `{"error":"invalid_client","error_description":"client_secret CLIENT-SECRET-1"}`},
		{401, "", ``},
		{500, "text/html", `<html><body>down</body></html>`},
		{200, "application/json", `{"token_type":"Bearer"}`},
		{200, "application/json", `{"access_token":null}`},
		{200, "application/json", `[]`},
		{302, "", ``},
	} {
		f.Add(seed.status, seed.ct, []byte(seed.body))
	}
	const clientSecret, code = "CLIENT-SECRET-1", "CODE-SECRET-1"
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		a, err := newAttempt(Request{
			Provider: &backend.Provider{ID: "fuzz", Name: "Fuzz", AuthURL: "https://login.example.com/authorize",
				TokenURL: "https://login.example.com/token", PKCE: true},
			Credentials: backend.Credentials{ProviderID: "fuzz", ClientID: "client", ClientSecret: clientSecret},
			Open:        func(string) error { return nil },
			HTTPClient:  &http.Client{Transport: answerTransport{status, contentType, body}, Timeout: 5 * time.Second},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := a.prepare(ctx); err != nil {
			t.Fatal(err)
		}
		a.redirect = "http://127.0.0.1:1/callback"
		before := time.Now()
		res, err := a.complete(ctx, url.Values{"state": {a.state}, "code": {code}})
		if err != nil {
			err = a.secrets.scrubError(err)
			var fe *FlowError
			if !errors.As(err, &fe) || fe.Err == nil || strings.TrimSpace(fe.Err.Message) == "" || res != nil {
				t.Fatalf("error %T %v (result %v)", err, err, res)
			}
			text := fe.Err.Message + " " + fe.Err.Hint + " " + err.Error()
			for _, s := range []string{clientSecret, code, a.verifier, a.state} {
				if strings.Contains(text, s) {
					t.Fatalf("the error shows a secret: %q", text)
				}
			}
			return
		}
		g := res.Grant
		if g == nil || g.AccessToken == "" {
			t.Fatalf("a grant without an access token: %+v", g)
		}
		if g.ExpiresAt != nil && g.ExpiresAt.Before(before) {
			t.Fatalf("access token expiry %v is in the past", g.ExpiresAt)
		}
		if g.RefreshExpiresAt != nil && !g.RefreshExpiresAt.After(before) {
			t.Fatalf("refresh token expiry %v is not in the future (body %q)", g.RefreshExpiresAt, body)
		}
		if _, err := json.Marshal(g); err != nil {
			t.Fatalf("the grant cannot be stored: %v", err)
		}
	})
}
