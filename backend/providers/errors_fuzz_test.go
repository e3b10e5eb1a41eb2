package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// cannedTransport answers every request with one reply, without a network.
type cannedTransport struct {
	status int
	header http.Header
	body   []byte
}

func (t cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: t.status, Header: t.header.Clone(), Body: io.NopCloser(bytes.NewReader(t.body)), Request: r}, nil
}

// errorSeeds are error bodies of Graph, Microsoft, Google, X, LinkedIn,
// Pinterest and OpenID providers, and malformed ones.
var errorSeeds = []struct {
	status int
	body   string
}{
	{400, `{"error":{"message":"Error validating access token: The user has not authorized application 1.","type":"OAuthException","code":190,"error_subcode":458,"fbtrace_id":"A"}}`},
	{400, `{"error":{"message":"Session has expired","type":"OAuthException","code":"190","error_subcode":"463"}}`},
	{400, `{"error":{"code":4,"is_transient":true,"message":"Application request limit reached"}}`},
	{200, `{"data":{"error":{"code":190,"subcode":460,"message":"password changed"}}}`},
	{400, `{"error":{"code":1e300,"error_subcode":-1}}`},
	{400, `{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired due to inactivity.","error_codes":[700082]}`},
	{400, `{"error":"invalid_grant","error_description":"Token has been expired or revoked.","error_subtype":"invalid_rapt"}`},
	{401, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}`},
	{401, `{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`},
	{400, `{"error":"invalid_request","error_description":"Value passed for the token was invalid."}`},
	{403, `{"title":"Client Forbidden","detail":"not enrolled","reason":"client-not-enrolled","type":"about:blank"}`},
	{429, `{"errors":[{"message":"Rate limit exceeded","code":88}]}`},
	{401, `{"serviceErrorCode":65601,"message":"The token used in the request has been revoked by the user","status":401}`},
	{401, `{"code":2,"message":"Authentication failed."}`},
	{400, `{"error":"invalid_client","error_description":"secret REFRESH-SECRET-1 CLIENT-SECRET-1 ACCESS-SECRET-1"}`},
	{401, ``},
	{502, `<!DOCTYPE html><html><body>Bad gateway</body></html>`},
	{200, `{"access_token":"new-at","refresh_token":"new-rt","expires_in":3600,"refresh_token_expires_in":5184000}`},
	{200, `{"access_token":"new-at","expires_in":"5183944","refresh_expires_in":1e10}`},
	{200, `{"access_token":"new-at","expires_in":1e19,"refresh_token_expires_at":1e300}`},
	{200, `{"access_token":"new-at","expires_in":-3600}`},
	{200, `{"access_token":""}`},
	{200, `{"error":null}`},
	{200, `not json`},
	{200, `{"error":{"error":{"error":{}}}}`},
}

// checkPlatformError holds every failure to the same rules: worded, with a
// known reason, and without a secret.
func checkPlatformError(t *testing.T, err error, secrets ...string) {
	t.Helper()
	var pe *PlatformError
	if !errors.As(err, &pe) || pe.Err == nil {
		t.Fatalf("not a *PlatformError: %T %v", err, err)
	}
	if strings.TrimSpace(pe.Err.Message) == "" {
		t.Fatal("an error without words")
	}
	if r := backend.ReasonOf(err); !backend.IsReason(r) {
		t.Fatalf("unknown reason %q", r)
	}
	text := pe.Err.Message + " " + pe.Err.Hint
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Fatalf("the error shows a secret: %q", text)
		}
	}
}

// FuzzErrorBodies feeds any body, with any status, to the Graph, OAuth
// and OpenID error parsers.
//
// Longer: go test -run '^$' -fuzz FuzzErrorBodies -fuzztime 60s ./backend/providers/
func FuzzErrorBodies(f *testing.F) {
	for _, s := range errorSeeds {
		f.Add(s.status, []byte(s.body))
	}
	c := newCaller(nil, &backend.Provider{ID: "fuzz", Name: "Fuzz"})
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		_, _, _ = parseErrorBody(body)
		if pe := graphError("Facebook", "facebook.com", status, body); pe != nil {
			checkPlatformError(t, pe)
		}
		r := &response{Status: status, Body: body}
		if status >= 400 {
			checkPlatformError(t, statusError("Fuzz", r))
		}
		if !(status >= 200 && status < 300) || bytes.Contains(body, []byte(`"error"`)) {
			checkPlatformError(t, grantError(c, r))
		}
	})
}

// FuzzRefreshReply runs a whole refresh_token grant against any reply of
// the token endpoint, for the generic, Microsoft and Google checkers: a
// grant whose dates make sense, or a worded *PlatformError that shows no
// token or secret.
//
// Longer: go test -run '^$' -fuzz FuzzRefreshReply -fuzztime 60s ./backend/providers/
func FuzzRefreshReply(f *testing.F) {
	for i, s := range errorSeeds {
		f.Add(uint8(i), s.status, "application/json", []byte(s.body))
	}
	const refresh, secret, access = "REFRESH-SECRET-1", "CLIENT-SECRET-1", "ACCESS-SECRET-1"
	f.Fuzz(func(t *testing.T, kind uint8, status int, contentType string, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		ids := []string{"generic", "microsoft", "google"}
		id := ids[int(kind)%len(ids)]
		p := &backend.Provider{ID: id, Name: "Fuzz", Custom: id == "generic", Refresh: backend.RefreshToken,
			TokenURL: "https://login.example.com/token"}
		h := http.Header{}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		k := newChecker(p, &http.Client{Transport: cannedTransport{status, h, body}, Timeout: 5 * time.Second})
		before := time.Now()
		g, err := k.Refresh(context.Background(), p, backend.Credentials{ProviderID: id, ClientID: "client", ClientSecret: secret}, access, refresh)
		if err != nil {
			if g != nil {
				t.Fatal("both a grant and an error")
			}
			checkPlatformError(t, err, refresh, secret, access)
			return
		}
		if g == nil || g.AccessToken == "" {
			t.Fatalf("a grant without an access token: %+v", g)
		}
		if g.ExpiresAt != nil && !g.ExpiresAt.After(before) {
			t.Fatalf("access token expiry %v is not in the future (body %q)", g.ExpiresAt, body)
		}
		for _, d := range []*time.Time{g.ExpiresAt, g.RefreshExpiresAt, g.DataAccessExpiresAt} {
			if d != nil && (d.Year() > 9999 || d.Year() < 1970) {
				t.Fatalf("a date no store can hold: %v (body %q)", d, body)
			}
		}
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(bytes.TrimSpace(body), &raw)
		if _, absolute := raw["refresh_token_expires_at"]; !absolute && g.RefreshExpiresAt != nil && !g.RefreshExpiresAt.After(before) {
			t.Fatalf("refresh token expiry %v is not in the future (body %q)", g.RefreshExpiresAt, body)
		}
	})
}
