package oauth

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// TestAuthorizeFailures drives each way the flow can fail through the fake
// and checks the reason, the words and that no secret leaks into the error
// or the browser page.
func TestAuthorizeFailures(t *testing.T) {
	t.Parallel()
	// The provider echoes secrets back in its error descriptions; they
	// must be hidden.
	echo := "client_secret=" + testClientSecret + " code=" + testCode
	tokenAnswer := func(status int, contentType, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if contentType != "" {
				w.Header().Set("Content-Type", contentType)
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	closed, _ := net.Listen("tcp4", "127.0.0.1:0")
	closedURL := "http://" + closed.Addr().String() + "/token"
	closed.Close()
	htmlPage := "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Oops</h1></body></html>"

	for _, tc := range []struct {
		name     string
		authz    func(q url.Values) url.Values
		token    http.HandlerFunc
		tokenURL string
		reason   Reason
		contains []string // in message or hint
	}{
		{name: "access denied", reason: ReasonAccessDenied,
			authz: func(q url.Values) url.Values {
				return url.Values{"error": {"access_denied"}, "error_description": {"User said no"}, "state": {q.Get("state")}}
			},
			contains: []string{"You (or the account owner) declined the request in the browser.", "Run Connect again and choose Allow."}},
		{name: "invalid scope", reason: ReasonInvalidScope,
			authz: func(q url.Values) url.Values {
				return url.Values{"error": {"invalid_scope"}, "error_description": {"scope 'admin' is unknown"}, "state": {q.Get("state")}}
			},
			contains: []string{"refused one or more of the requested permissions", "scope 'admin' is unknown"}},
		{name: "redirect uri mismatch at authorize", reason: ReasonRedirectURIMismatch,
			authz: func(q url.Values) url.Values {
				return url.Values{"error": {"redirect_uri_mismatch"}, "state": {q.Get("state")}}
			},
			contains: []string{"Register exactly http://127.0.0.1:", "must accept any port", "redirect_port", "providers.yaml"}},
		{name: "unknown authorize error", reason: ReasonProviderError,
			authz: func(q url.Values) url.Values {
				return url.Values{"error": {"consent_required"}, "error_description": {"client_secret=" + testClientSecret}, "state": {q.Get("state")}}
			},
			contains: []string{`"consent_required"`, "[hidden]"}},
		{name: "no code", reason: ReasonMalformedResponse,
			authz:    func(q url.Values) url.Values { return url.Values{"state": {q.Get("state")}} },
			contains: []string{"without an authorization code"}},
		{name: "invalid_client 401", reason: ReasonInvalidClient,
			token:    tokenAnswer(401, "application/json", `{"error":"invalid_client","error_description":"bad `+echo+`"}`),
			contains: []string{"did not accept the client id or secret", "Check the client id and secret for Fake in Settings", "[hidden]"}},
		{name: "bare 401", reason: ReasonInvalidClient, token: tokenAnswer(401, "", "")},
		{name: "invalid_grant", reason: ReasonInvalidGrant,
			token:    tokenAnswer(400, "application/json", `{"error":"invalid_grant","error_description":"Code expired"}`),
			contains: []string{"did not accept the sign-in code", "Code expired"}},
		{name: "redirect mismatch at token", reason: ReasonRedirectURIMismatch,
			token:    tokenAnswer(400, "application/json", `{"error":"invalid_grant","error_description":"redirect_uri does not match"}`),
			contains: []string{"Register exactly http://127.0.0.1:"}},
		{name: "error with HTTP 200", reason: ReasonInvalidGrant,
			token: tokenAnswer(200, "application/json", `{"error":"invalid_grant"}`)},
		{name: "server error 500", reason: ReasonServerError,
			token:    tokenAnswer(500, "application/json", `{"error":"server_error"}`),
			contains: []string{"HTTP 500", "Wait a few minutes"}},
		{name: "gateway HTML 502", reason: ReasonServerError, token: tokenAnswer(502, "text/html", htmlPage)},
		{name: "HTML page 200", reason: ReasonMalformedResponse, token: tokenAnswer(200, "text/html; charset=utf-8", htmlPage),
			contains: []string{"with a web page instead of a token"}},
		{name: "HTML page 404", reason: ReasonMalformedResponse, token: tokenAnswer(404, "text/html", htmlPage),
			contains: []string{"web page"}},
		{name: "empty body", reason: ReasonMalformedResponse, token: tokenAnswer(200, "application/json", ""),
			contains: []string{"not a usable token"}},
		{name: "JSON without access_token", reason: ReasonMalformedResponse,
			token:    tokenAnswer(200, "application/json", `{"token_type":"Bearer","refresh_token":"`+testRefreshToken+`"}`),
			contains: []string{"did not include an access token"}},
		{name: "oversized body", reason: ReasonMalformedResponse,
			token: tokenAnswer(200, "application/json", `{"access_token":"`+testAccessToken+`","pad":"`+strings.Repeat("a", 2<<20)+`"}`)},
		{name: "unknown token error", reason: ReasonProviderError,
			token:    tokenAnswer(400, "application/json", `{"error":"unsupported_grant_type"}`),
			contains: []string{`"unsupported_grant_type"`}},
		{name: "token endpoint unreachable", reason: ReasonNetwork, tokenURL: closedURL,
			contains: []string{"could not reach 127.0.0.1:", "internet connection"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeProvider(t)
			f.authorize = tc.authz
			f.token = tc.token
			p := f.provider()
			if tc.tokenURL != "" {
				p.TokenURL = tc.tokenURL
			}
			_, err, b := f.run(t, p, nil)
			fe := wantFlowError(t, err, tc.reason, f.secrets()...)
			t.Logf("%s: %s", fe.Reason, err)
			text := fe.Err.Message + " " + fe.Err.Hint
			for _, want := range tc.contains {
				if !strings.Contains(text, want) {
					t.Errorf("error %q does not contain %q", text, want)
				}
			}
			page := b.page(t)
			if page.err != nil {
				t.Fatalf("browser: %v", page.err)
			}
			if page.status != http.StatusBadRequest || !strings.Contains(page.body, "<h1>") {
				t.Errorf("failure page = %d %s", page.status, page.body)
			}
			if strings.Contains(page.body, "You&#39;re connected") {
				t.Error("the failure page says connected")
			}
			wantNoSecrets(t, "failure page", page.body, f.secrets()...)
		})
	}
}

func TestAuthorizeFailurePageEscapesProviderText(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	f.authorize = func(q url.Values) url.Values {
		return url.Values{"error": {"invalid_scope"}, "error_description": {`<script>alert("x")</script>`}, "state": {q.Get("state")}}
	}
	_, err, b := f.run(t, f.provider(), nil)
	wantFlowError(t, err, ReasonInvalidScope)
	page := b.page(t)
	if strings.Contains(page.body, "<script>") || !strings.Contains(page.body, "&lt;script&gt;") {
		t.Errorf("provider text is not escaped: %s", page.body)
	}
}

func TestAuthorizeTimeout(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	opened := make(chan string, 1)
	start := time.Now()
	_, err, _ := f.run(t, f.provider(), func(r *Request) {
		r.Timeout = 300 * time.Millisecond
		r.Open = func(u string) error { opened <- u; return nil } // the user never signs in
	})
	fe := wantFlowError(t, err, ReasonTimeout)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("timed out after %v", d)
	}
	if !strings.Contains(fe.Err.Message, "did not finish within less than a second") ||
		!strings.Contains(fe.Err.Hint, "register exactly http://127.0.0.1:") {
		t.Errorf("timeout error = %q / %q", fe.Err.Message, fe.Err.Hint)
	}
	// The listener is gone: a late callback cannot connect.
	u, _ := url.Parse(<-opened)
	if _, err := http.Get(u.Query().Get("redirect_uri")); err == nil {
		t.Error("the loopback listener still answers after the timeout")
	}
	if got := durationWords(DefaultTimeout); got != "5 minutes" {
		t.Errorf("durationWords(DefaultTimeout) = %q", got)
	}
}

func TestAuthorizeCancelled(t *testing.T) {
	t.Parallel()
	f := newFakeProvider(t)
	ctx, cancel := context.WithCancel(t.Context())
	b := newBrowser()
	done := make(chan error, 1)
	go func() {
		_, err := Authorize(ctx, Request{
			Provider:    f.provider(),
			Credentials: backend.Credentials{ClientID: testClientID, ClientSecret: testClientSecret},
			Open:        func(u string) error { b.urls <- u; return nil },
			HTTPClient:  f.srv.Client(),
		})
		done <- err
	}()
	authURL := <-b.urls
	cancel() // the UI's Cancel button
	select {
	case err := <-done:
		fe := wantFlowError(t, err, ReasonCancelled)
		if fe.Err.Message != "Connecting Fake was cancelled." {
			t.Errorf("message = %q", fe.Err.Message)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Authorize did not return after cancel")
	}
	u, _ := url.Parse(authURL)
	if _, err := http.Get(u.Query().Get("redirect_uri")); err == nil {
		t.Error("the loopback listener still answers after cancel")
	}
}
