package oauth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func callbackRequest(method, target, remote string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = remote
	return r
}

func TestCallbackHandlerRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		method string
		target string
		remote string
		status int
	}{
		{"remote address on the LAN", http.MethodGet, "/callback?code=c&state=s", "10.0.0.5:1234", http.StatusForbidden},
		{"remote IPv6 address", http.MethodGet, "/callback?code=c&state=s", "[2001:db8::1]:1234", http.StatusForbidden},
		{"unparsable remote", http.MethodGet, "/callback?code=c&state=s", "somewhere", http.StatusForbidden},
		{"other path", http.MethodGet, "/favicon.ico", "127.0.0.1:5555", http.StatusNotFound},
		{"root", http.MethodGet, "/?code=c&state=s", "127.0.0.1:5555", http.StatusNotFound},
		{"POST", http.MethodPost, "/callback", "127.0.0.1:5555", http.StatusMethodNotAllowed},
		{"error without state", http.MethodGet, "/callback?error=access_denied", "127.0.0.1:5555", http.StatusBadRequest},
		{"error with a wrong state", http.MethodGet, "/callback?error=access_denied&state=x", "127.0.0.1:5555", http.StatusBadRequest},
		{"code without state", http.MethodGet, "/callback?code=c", "127.0.0.1:5555", http.StatusBadRequest},
		{"empty state", http.MethodGet, "/callback?code=c&state=", "127.0.0.1:5555", http.StatusBadRequest},
		{"state with a suffix", http.MethodGet, "/callback?code=c&state=ss", "127.0.0.1:5555", http.StatusBadRequest},
		{"state in another case", http.MethodGet, "/callback?code=c&state=S", "127.0.0.1:5555", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newCallbackHandler("/callback", "s", make(chan struct{}))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, callbackRequest(tc.method, tc.target, tc.remote))
			if w.Code != tc.status {
				t.Errorf("status = %d, want %d", w.Code, tc.status)
			}
			select {
			case cb := <-h.calls:
				t.Errorf("the attempt got a callback %v", cb.query)
			default:
			}
			// The attempt goes on: a proper callback is still accepted.
			go h.ServeHTTP(httptest.NewRecorder(), callbackRequest(http.MethodGet, "/callback?code=c&state=s", "127.0.0.1:5555"))
			select {
			case cb := <-h.calls:
				cb.reply <- successPage
			case <-time.After(5 * time.Second):
				t.Fatal("a loopback callback after the rejected one was not passed on")
			}
		})
	}
}

func TestCallbackHandlerSecondCallback(t *testing.T) {
	t.Parallel()
	h := newCallbackHandler("/callback", "s1", make(chan struct{}))
	first := httptest.NewRecorder()
	firstDone := make(chan struct{})
	go func() {
		h.ServeHTTP(first, callbackRequest(http.MethodGet, "/callback?code=one&state=s1", "127.0.0.1:40000"))
		close(firstDone)
	}()
	var cb callback
	select {
	case cb = <-h.calls:
	case <-time.After(5 * time.Second):
		t.Fatal("first callback not passed on")
	}
	// While the first is being handled, and after it, others are turned away.
	second := httptest.NewRecorder()
	h.ServeHTTP(second, callbackRequest(http.MethodGet, "/callback?code=two&state=s1", "[::1]:40001"))
	if second.Code != http.StatusConflict || !strings.Contains(second.Body.String(), "already handled") {
		t.Errorf("second callback = %d %s", second.Code, second.Body.String())
	}
	cb.reply <- successPage
	<-firstDone
	if first.Code != http.StatusOK || !strings.Contains(first.Body.String(), "You&#39;re connected.") {
		t.Errorf("first callback page = %d %s", first.Code, first.Body.String())
	}
	if cb.query.Get("code") != "one" {
		t.Errorf("the attempt got code %q, want the first one", cb.query.Get("code"))
	}
	select {
	case extra := <-h.calls:
		t.Errorf("a second callback reached the attempt: %v", extra.query)
	default:
	}
	h.ServeHTTP(httptest.NewRecorder(), callbackRequest(http.MethodGet, "/callback?code=four&state=s1", "127.0.0.1:40002"))
	if len(h.calls) != 0 {
		t.Error("a late callback reached the attempt")
	}
}

// TestCallbackHandlerWrongStateKeepsWaiting sends the answers any local
// process could forge: each gets an error page, none reaches the attempt,
// and the real answer afterwards still does.
func TestCallbackHandlerWrongStateKeepsWaiting(t *testing.T) {
	t.Parallel()
	h := newCallbackHandler("/callback", "real-state", make(chan struct{}))
	for _, target := range []string{
		"/callback?error=access_denied",
		"/callback?error=access_denied&state=wrong",
		"/callback?code=forged&state=real-stat",
		"/callback?code=forged&state=real-state%00",
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, callbackRequest(http.MethodGet, target, "127.0.0.1:40000"))
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "still waiting") {
			t.Errorf("%s: page = %d %s", target, w.Code, w.Body.String())
		}
		if len(h.calls) != 0 {
			t.Fatalf("%s reached the attempt", target)
		}
	}
	go h.ServeHTTP(httptest.NewRecorder(), callbackRequest(http.MethodGet, "/callback?error=access_denied&state=real-state", "127.0.0.1:40001"))
	select {
	case cb := <-h.calls:
		if cb.query.Get("error") != "access_denied" {
			t.Errorf("the attempt got %v", cb.query)
		}
		cb.reply <- successPage
	case <-time.After(5 * time.Second):
		t.Fatal("the answer with the right state was not passed on")
	}
}

func TestStateEqual(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		got, want string
		equal     bool
	}{
		{"abc", "abc", true}, {"abc", "abd", false}, {"ab", "abc", false}, {"abcd", "abc", false},
		{"", "abc", false}, {"", "", false}, {"abc", "", false},
	} {
		if got := stateEqual(tc.got, tc.want); got != tc.equal {
			t.Errorf("stateEqual(%q, %q) = %v", tc.got, tc.want, got)
		}
	}
}

func TestCallbackHandlerAttemptEnded(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	h := newCallbackHandler("/callback", "s", done)
	w := httptest.NewRecorder()
	served := make(chan struct{})
	go func() {
		h.ServeHTTP(w, callbackRequest(http.MethodGet, "/callback?code=c&state=s", "127.0.0.1:1"))
		close(served)
	}()
	<-h.calls
	close(done) // timed out or cancelled without answering
	<-served
	if w.Code != http.StatusGone || !strings.Contains(w.Body.String(), "This connection attempt has ended.") {
		t.Errorf("page = %d %s", w.Code, w.Body.String())
	}
}

func TestPagesAreSelfContained(t *testing.T) {
	t.Parallel()
	for _, p := range []page{successPage, alreadyHandledPage, endedPage, stateMismatchPage, failurePage(newError(ReasonAccessDenied, "Run Connect again and choose Allow.", "You declined."))} {
		w := httptest.NewRecorder()
		p.render(w)
		body := w.Body.String()
		if !strings.HasPrefix(body, "<!doctype html>") || strings.Contains(body, "src=") || strings.Contains(body, "href=") {
			t.Errorf("page %q loads outside resources or is not HTML", p.Title)
		}
		if w.Header().Get("Cache-Control") != "no-store" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Errorf("page %q headers = %v", p.Title, w.Header())
		}
	}
}

func TestIsLoopbackRemote(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1:80": true, "127.8.9.10:1": true, "[::1]:443": true,
		"10.0.0.5:1234": false, "192.168.1.2:80": false, "[fe80::1]:80": false, "localhost:80": false, "": false,
	} {
		if got := isLoopbackRemote(addr); got != want {
			t.Errorf("isLoopbackRemote(%q) = %v, want %v", addr, got, want)
		}
	}
}
