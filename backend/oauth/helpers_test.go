package oauth

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Known secret values used by the tests. No error string and no browser page
// may ever contain one of them.
const (
	testClientID     = "tokenwarden-test-client"
	testClientSecret = "s3cr3t-client-secret-9f8e7d"
	testCode         = "authcode-0123456789abcdef"
	testAccessToken  = "access-token-5a4b3c2d1e"
	testRefreshToken = "refresh-token-1e2d3c4b5a"
)

// browserPage is what the simulated browser ended on.
type browserPage struct {
	status int
	body   string
	err    error
}

// browser stands in for the system browser: it GETs the authorization URL
// and follows every redirect, as a browser would, to the loopback callback.
type browser struct {
	client *http.Client
	pages  chan browserPage
	urls   chan string
}

func newBrowser() *browser {
	return &browser{
		client: &http.Client{Timeout: 20 * time.Second},
		pages:  make(chan browserPage, 1),
		urls:   make(chan string, 1),
	}
}

// open is a Request.Open function.
func (b *browser) open(u string) error {
	b.urls <- u
	resp, err := b.client.Get(u)
	if err != nil {
		b.pages <- browserPage{err: err}
		return nil // a browser that was opened did its part
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	b.pages <- browserPage{status: resp.StatusCode, body: string(body)}
	return nil
}

// page waits for the page the browser ended on.
func (b *browser) page(t *testing.T) browserPage {
	t.Helper()
	select {
	case p := <-b.pages:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("the browser never got a page")
		return browserPage{}
	}
}

// wantFlowError checks that err is a *FlowError with reason, that it is a
// *backend.Error with a message and the expected code, and that it contains
// none of the secrets.
func wantFlowError(t *testing.T, err error, reason Reason, secrets ...string) *FlowError {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want reason %q", reason)
	}
	var fe *FlowError
	if !errors.As(err, &fe) {
		t.Fatalf("error %T %q is not a *FlowError", err, err)
	}
	if fe.Reason != reason {
		t.Fatalf("reason = %q, want %q (error: %s)", fe.Reason, reason, err)
	}
	var be *backend.Error
	if !errors.As(err, &be) {
		t.Fatalf("error %q is not a *backend.Error", err)
	}
	if be.Message == "" || !strings.HasSuffix(strings.TrimSpace(be.Message), ".") {
		t.Errorf("message %q is not a sentence", be.Message)
	}
	if be.Code != codeFor(reason) {
		t.Errorf("code = %q, want %q", be.Code, codeFor(reason))
	}
	if ReasonOf(err) != reason {
		t.Errorf("ReasonOf = %q", ReasonOf(err))
	}
	wantNoSecrets(t, "error", err.Error(), secrets...)
	return fe
}

// wantNoSecrets fails when text contains one of the known secrets.
func wantNoSecrets(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	all := append([]string{testClientSecret, testCode, testAccessToken, testRefreshToken}, secrets...)
	for _, s := range all {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains the secret %q: %s", what, s, text)
		}
	}
}
