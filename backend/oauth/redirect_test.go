package oauth

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// thief is a server that must never see a request: where a hostile or
// broken token endpoint redirects to.
type thief struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string // method, path and body of every request
}

func newThief(t *testing.T) *thief {
	th := &thief{}
	th.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		th.mu.Lock()
		th.seen = append(th.seen, r.Method+" "+r.URL.Path+" "+r.PostForm.Encode()+" "+r.Header.Get("Authorization"))
		th.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"access_token": "stolen", "token_type": "Bearer"})
	}))
	t.Cleanup(th.srv.Close)
	return th
}

func (th *thief) requests() []string {
	th.mu.Lock()
	defer th.mu.Unlock()
	return append([]string(nil), th.seen...)
}

// routingClient trusts tlsSrv and sends every connection to a host other
// than tlsSrv's to the thief, so that a redirect to a name off the loopback
// (tokens.attacker.example) lands there if it is followed.
func routingClient(tlsSrv *httptest.Server, th *thief) *http.Client {
	tr := tlsSrv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: tr.TLSClientConfig.RootCAs}
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr != tlsSrv.Listener.Addr().String() {
			addr = th.srv.Listener.Addr().String()
		}
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// TestCodeExchangeRefusesForeignRedirect: a token endpoint that answers 307
// sends the client to the new address with the same form, client_secret,
// code and code_verifier in it. The exchange must stop at the redirect.
func TestCodeExchangeRefusesForeignRedirect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, target string // target is the Location, "" for the thief's loopback address
		tls          bool
	}{
		{"https to plain http off the loopback", "http://tokens.attacker.example/token", true},
		{"https to https on another host", "https://tokens.attacker.example/token", true},
		{"http loopback to another loopback port", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			th := newThief(t)
			target := tc.target
			if target == "" {
				target = th.srv.URL + "/token"
			}
			f := newFakeProvider(t)
			redirect := func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target, http.StatusTemporaryRedirect)
			}
			p := f.provider()
			client := f.srv.Client()
			if tc.tls {
				tokenSrv := httptest.NewTLSServer(http.HandlerFunc(redirect))
				t.Cleanup(tokenSrv.Close)
				p.TokenURL = tokenSrv.URL + "/token"
				client = routingClient(tokenSrv, th)
			} else {
				f.token = redirect
			}
			_, err, b := f.run(t, p, func(r *Request) { r.HTTPClient = client })
			fe := wantFlowError(t, err, ReasonNetwork, f.secrets()...)
			if !strings.Contains(fe.Err.Message, "redirected the request to another address") {
				t.Errorf("message %q does not say the redirect was refused", fe.Err.Message)
			}
			b.page(t)
			if got := th.requests(); len(got) != 0 {
				t.Fatalf("the redirect target received %d request(s): %q", len(got), got)
			}
		})
	}
}

// TestClientRedirectPolicy: same-host redirects are followed; another
// host, https to http and a sixth hop are not.
func TestClientRedirectPolicy(t *testing.T) {
	t.Parallel()
	mk := func(u string) *http.Request { r, _ := http.NewRequest(http.MethodGet, u, nil); return r }
	for _, tc := range []struct {
		name string
		via  []string
		next string
		ok   bool
	}{
		{"same host", []string{"https://a.example/x"}, "https://a.example/y", true},
		{"other host", []string{"https://a.example/x"}, "https://b.example/x", false},
		{"other port", []string{"http://127.0.0.1:1/x"}, "http://127.0.0.1:2/x", false},
		{"https to http", []string{"https://a.example/x"}, "http://a.example/x", false},
		{"back to http after https", []string{"http://a.example/x", "https://a.example/y"}, "http://a.example/z", false},
		{"sixth hop", []string{"https://a.example/1", "https://a.example/2", "https://a.example/3", "https://a.example/4", "https://a.example/5"}, "https://a.example/6", false},
	} {
		var via []*http.Request
		for _, u := range tc.via {
			via = append(via, mk(u))
		}
		err := Client(nil).CheckRedirect(mk(tc.next), via)
		if (err == nil) != tc.ok || (err != nil && !IsRedirectRefused(err)) {
			t.Errorf("%s: CheckRedirect = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	if c := Client(&http.Client{Timeout: time.Second}); c.Timeout != time.Second {
		t.Errorf("Client kept timeout %v, want the caller's 1s", c.Timeout)
	}
	if c := Client(nil); c.Timeout != RequestTimeout {
		t.Errorf("Client(nil) timeout %v, want %v", c.Timeout, RequestTimeout)
	}
}
