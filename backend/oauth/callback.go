package oauth

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"sync"
)

// callback is one authorization response received by the loopback listener.
// The attempt answers on reply with the page the browser is to show.
type callback struct {
	query url.Values
	reply chan page
}

// callbackHandler serves the loopback redirect URI for one attempt: exactly
// one callback on path carrying the attempt's state is passed to the
// attempt; later ones get a page saying it was already handled. A callback
// without that state (any local process can send one) gets an error page
// and the attempt goes on waiting. Requests from non-loopback addresses are
// refused, other paths are 404.
type callbackHandler struct {
	path  string
	state string
	calls chan callback // buffered, 1
	done  <-chan struct{}

	mu      sync.Mutex
	handled bool
}

func newCallbackHandler(path, state string, done <-chan struct{}) *callbackHandler {
	return &callbackHandler{path: path, state: state, calls: make(chan callback, 1), done: done}
}

func (h *callbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isLoopbackRemote(r.RemoteAddr) {
		http.Error(w, "Forbidden: Tokenwarden only accepts sign-in answers from this computer.", http.StatusForbidden)
		return
	}
	if r.URL.Path != h.path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
		return
	}
	query := r.URL.Query()
	if !stateEqual(query.Get("state"), h.state) {
		stateMismatchPage.render(w)
		return
	}
	h.mu.Lock()
	first := !h.handled
	h.handled = true
	h.mu.Unlock()
	if !first {
		alreadyHandledPage.render(w)
		return
	}
	cb := callback{query: query, reply: make(chan page, 1)}
	h.calls <- cb // never blocks: buffered and sent once
	select {
	case p := <-cb.reply:
		p.render(w)
	case <-h.done:
		// The attempt ended (timeout, cancel) before answering; it may
		// still have answered just before.
		select {
		case p := <-cb.reply:
			p.render(w)
		default:
			endedPage.render(w)
		}
	case <-r.Context().Done():
	}
}

// stateEqual compares a received state with the attempt's in constant
// time; an empty attempt state matches nothing.
func stateEqual(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// isLoopbackRemote reports whether a request's RemoteAddr is a loopback
// address. The listener binds 127.0.0.1 only; this is a second guard.
func isLoopbackRemote(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
