package oauth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Response is a provider's answer, its body read in full up to MaxBody.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// OK reports a 2xx status.
func (r *Response) OK() bool { return r.Status >= 200 && r.Status < 300 }

// ErrTooLarge is the cause of a Send whose answer was larger than MaxBody,
// which no OAuth or platform endpoint sends.
var ErrTooLarge = errors.New("response larger than 1 MiB")

// Send is the one way a request reaches a provider: with Client(client)
// (the redirect policy and a timeout) and at most MaxBody of the answer
// read. Its errors are the client's (test them with IsRedirectRefused,
// context and net errors) or ErrTooLarge, with the status and headers of
// the answer; callers word them.
func Send(client *http.Client, req *http.Request) (*Response, error) {
	resp, err := Client(client).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	r := &Response{Status: resp.StatusCode, Header: resp.Header}
	switch {
	case err != nil:
		return nil, err
	case len(body) > MaxBody:
		return r, ErrTooLarge
	}
	r.Body = body
	return r, nil
}

// do sends req with Send and words its failures as *FlowError: cancelled,
// timeout, a refused redirect, network, or a body too large.
func do(ctx context.Context, client *http.Client, req *http.Request) (*Response, error) {
	host := hostOf(req.URL.String())
	r, err := Send(client, req.WithContext(ctx))
	switch {
	case errors.Is(err, ErrTooLarge):
		return nil, newError(ReasonMalformedResponse, "Check the endpoint addresses for this provider; if they are right, try again later.",
			"The answer from %s was larger than 1 MiB, which no OAuth endpoint should send.", host)
	case err != nil:
		return nil, transportError(ctx, host, err)
	}
	return r, nil
}

// transportError is the error for a request to host that did not complete:
// the caller's context first, then a refused redirect, then the network.
func transportError(ctx context.Context, host string, cause error) *FlowError {
	if err := ctxError(ctx); err != nil {
		return err
	}
	if IsRedirectRefused(cause) {
		return redirectError(host)
	}
	return networkError(host)
}

// redirectError is the error for a provider that redirected a request to
// another host or from https to http.
func redirectError(host string) *FlowError {
	return newError(ReasonNetwork, "Check the endpoint addresses for this provider: use the address the provider documents, not one that redirects.",
		"%s redirected the request to another address, which Tokenwarden does not follow: the request carries secrets.", host)
}

// ctxError returns the error for a done context, or nil.
func ctxError(ctx context.Context) *FlowError {
	switch err := context.Cause(ctx); {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return newError(ReasonTimeout, "Check your internet connection, then try again.",
			"The request took too long and was stopped.")
	default:
		return newError(ReasonCancelled, "", "The request was cancelled.")
	}
}

// isJSON reports whether the answer says or looks like it is JSON.
func (r *Response) isJSON() bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		return true
	}
	b := bytes.TrimSpace(r.Body)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// LooksLikeHTML reports whether body is a web page (a login portal, a proxy's
// or a server's error page) rather than the data an endpoint should send.
func LooksLikeHTML(body []byte) bool {
	b := bytes.ToLower(bytes.TrimSpace(body))
	if len(b) > 512 {
		b = b[:512]
	}
	return bytes.HasPrefix(b, []byte("<!doctype html")) || bytes.HasPrefix(b, []byte("<html")) ||
		bytes.Contains(b, []byte("<body")) || bytes.Contains(b, []byte("<head"))
}

// oauthError is the RFC 6749 §5.2 error object.
type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description"`
}
