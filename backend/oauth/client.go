package oauth

import (
	"errors"
	"net/http"
	"time"
)

// MaxBody is the most any call to a provider reads of a response body.
const MaxBody = 1 << 20

// RequestTimeout bounds each request made with a client from Client when
// the caller's client sets no timeout of its own.
const RequestTimeout = 30 * time.Second

// maxRedirects is how many same-host redirects a call follows.
const maxRedirects = 5

// errRedirectRefused is the cause of a request stopped by the redirect
// policy (see Client).
var errRedirectRefused = errors.New("redirect refused")

// Client returns the HTTP client every call to a provider goes through, the
// code exchange and the refresh included: base's transport and cookies (nil
// base: the defaults), a RequestTimeout when base has none, and a redirect
// policy that follows at most five redirects on the same host and refuses
// one to another host or from https to http. A token endpoint answering 307
// re-sends the form (client_secret, code, code_verifier, refresh_token) to
// the new address, so that address must be the one the provider was
// configured with. base's own CheckRedirect is replaced.
func Client(base *http.Client) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	if c.Timeout == 0 {
		c.Timeout = RequestTimeout
	}
	c.CheckRedirect = checkRedirect
	return c
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	switch {
	case len(via) >= maxRedirects:
		return errRedirectRefused
	case req.URL.Host != first.Host:
		return errRedirectRefused
	case req.URL.Scheme != "https" && (first.Scheme == "https" || via[len(via)-1].URL.Scheme == "https"):
		return errRedirectRefused
	}
	return nil
}

// IsRedirectRefused reports whether err is a request the redirect policy
// stopped.
func IsRedirectRefused(err error) bool { return errors.Is(err, errRedirectRefused) }
