package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// response is a size-limited HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends req with client and reads at most maxBody bytes of the answer.
// Errors are *FlowError: cancelled, timeout, network, or a body too large.
func do(ctx context.Context, client *http.Client, req *http.Request) (*response, error) {
	host := hostOf(req.URL.String())
	resp, err := clientOr(client).Do(req.WithContext(ctx))
	if err != nil {
		return nil, transportError(ctx, host)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, transportError(ctx, host)
	}
	if len(body) > maxBody {
		return nil, newError(ReasonMalformedResponse, "Check the endpoint addresses for this provider; if they are right, try again later.",
			"The answer from %s was larger than 1 MiB, which no OAuth endpoint should send.", host)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// transportError is the error for a request to host that did not complete:
// the caller's context first, then the network.
func transportError(ctx context.Context, host string) *FlowError {
	if err := ctxError(ctx); err != nil {
		return err
	}
	return networkError(host)
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
func (r *response) isJSON() bool {
	mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		return true
	}
	b := bytes.TrimSpace(r.body)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// looksLikeHTML reports whether body is a web page.
func looksLikeHTML(body []byte) bool {
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

// parseOAuthError reads an RFC 6749 error object from a JSON body, if any.
// Non-string members (some providers nest objects) are ignored.
func parseOAuthError(body []byte) oauthError {
	var raw map[string]any
	if json.Unmarshal(body, &raw) != nil {
		return oauthError{}
	}
	s := func(k string) string {
		v, _ := raw[k].(string)
		return v
	}
	return oauthError{Code: s("error"), Description: s("error_description")}
}
