package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

// maxBody bounds every response body read from a platform.
const maxBody = oauth.MaxBody

// response is a platform's reply, its body read in full (up to maxBody).
type response = oauth.Response

// caller makes the HTTP calls for one platform operation. Every error it
// builds names the platform and has its secrets removed.
type caller struct {
	client  *http.Client
	name    string
	secrets oauth.Redactor
}

func newCaller(client *http.Client, p *backend.Provider, secrets ...string) *caller {
	name := p.Name
	if name == "" {
		name = p.ID
	}
	c := &caller{client: client, name: name}
	c.hide(secrets...)
	return c
}

// hide adds values that must never appear in an error.
func (c *caller) hide(secrets ...string) { c.secrets.Add(secrets...) }

// clean removes secrets from an error's message and hint, as a last line
// of defence: the messages are built from fixed words and platform text.
func (c *caller) clean(err error) error {
	if err == nil {
		return nil
	}
	redact := c.redact
	if err == ErrTooSoon || err == backend.ErrNoRefresh || err == backend.ErrNoRevocation {
		return err // fixed words, comparable with ==
	}
	var pe *PlatformError
	if errors.As(err, &pe) {
		e := *pe.Err
		e.Message, e.Hint = redact(e.Message), redact(e.Hint)
		cp := *pe
		cp.Err = &e
		return &cp
	}
	var be *backend.Error
	if errors.As(err, &be) {
		e := *be
		e.Message, e.Hint = redact(e.Message), redact(e.Hint)
		return &e
	}
	return &PlatformError{Detail: DetailUnknown, Err: backend.Errorf(backend.EINTERNAL, "%s", redact(err.Error()))}
}

// redact removes the caller's secrets from text that leaves the package
// outside an error (a Validation's Message).
func (c *caller) redact(s string) string { return c.secrets.Scrub(s) }

// do sends req (oauth.Send) and reads the reply.
func (c *caller) do(req *http.Request) (*response, error) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Tokenwarden")
	r, err := oauth.Send(c.client, req)
	switch {
	case errors.Is(err, oauth.ErrTooLarge):
		return nil, newPlatformError(DetailBadResponse, r.Status, "Check this provider's URLs.",
			"%s sent a reply larger than 1 MiB", c.name)
	case err != nil:
		return nil, c.transportError(req.Context(), err)
	}
	return r, nil
}

// transportError words a failure to get a reply, without the request URL
// (which can hold a token).
func (c *caller) transportError(ctx context.Context, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return newPlatformError(DetailUnavailable, 0, "", "The request to %s was cancelled", c.name)
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return newPlatformError(DetailUnavailable, 0, "Check the internet connection and try again.",
			"%s did not answer in time", c.name)
	}
	if oauth.IsRedirectRefused(err) {
		return newPlatformError(DetailUnavailable, 0, "Check this provider's URLs: use the address the platform documents, not one that redirects.",
			"%s redirected the request to another address, which Tokenwarden does not follow", c.name)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	detail := err.Error()
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		detail = "the name " + dns.Name + " could not be resolved"
	case errors.As(err, &op) && op.Err != nil:
		detail = op.Err.Error()
	}
	return newPlatformError(DetailUnavailable, 0, "Check the internet connection and try again.",
		"Could not reach %s (%s)", c.name, detail)
}

// get sends a GET with an optional bearer token.
func (c *caller) Get(ctx context.Context, rawURL, bearer string) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, c.urlError()
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return c.do(req)
}

// postForm sends a form; basicUser/basicPass, when set, go in an
// Authorization: Basic header, form-encoded as RFC 6749 §2.3.1 asks.
func (c *caller) PostForm(ctx context.Context, rawURL string, form url.Values, basicUser, basicPass string) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, c.urlError()
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicUser != "" {
		req.SetBasicAuth(url.QueryEscape(basicUser), url.QueryEscape(basicPass))
		c.hide(strings.TrimPrefix(req.Header.Get("Authorization"), "Basic "))
	}
	return c.do(req)
}

func (c *caller) urlError() error {
	return newPlatformError(DetailAppConfig, 0, "Check this provider's URLs in "+FileName+".",
		"The %s endpoint URL is not valid.", c.name)
}

// decode parses a JSON reply into v, with clear errors for empty, HTML and
// other non-JSON bodies.
func (c *caller) decode(r *response, v any) error {
	trimmed := bytes.TrimSpace(r.Body)
	switch {
	case len(trimmed) == 0:
		return newPlatformError(DetailBadResponse, r.Status, "Try again later.", "%s sent an empty reply", c.name)
	case oauth.LooksLikeHTML(trimmed):
		return newPlatformError(DetailBadResponse, r.Status, "Check this provider's URLs; a proxy or captive portal may also be in the way.",
			"%s sent a web page instead of data", c.name)
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		return newPlatformError(DetailBadResponse, r.Status, "Try again later; if it keeps happening, check this provider's URLs.",
			"%s sent a reply that is not valid JSON", c.name)
	}
	return nil
}

// endpoint joins a base URL, a path and query parameters; the base may
// already carry a query.
func endpoint(base, path string, q url.Values) (string, error) {
	if base == "" {
		return "", errors.New("no URL")
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", errors.New("bad URL")
	}
	if path != "" {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/" + strings.TrimPrefix(path, "/")
		u.RawPath = ""
	}
	if len(q) > 0 {
		all := u.Query()
		for k, vs := range q {
			all[k] = vs
		}
		u.RawQuery = all.Encode()
	}
	return u.String(), nil
}

// missingURL is the error for a provider without a URL a call needs.
func missingURL(p *backend.Provider, field string) error {
	return newPlatformError(DetailAppConfig, 0, "Set "+field+" for it in "+FileName+".",
		"Provider %q has no usable %s.", p.ID, field)
}

// expiry turns seconds from now into a time, nil for none.
func expiry(now time.Time, seconds oauth.FlexInt) *time.Time {
	if seconds <= 0 {
		return nil
	}
	return oauth.ExpiryAt(now, int64(seconds), oauth.MaxAccessLifetime)
}

// unixTime turns a Unix timestamp into a time, nil for 0 and past year 9999.
func unixTime(sec oauth.FlexInt) *time.Time {
	if sec <= 0 || sec > oauth.MaxUnixTime {
		return nil
	}
	t := time.Unix(int64(sec), 0).UTC()
	return &t
}
