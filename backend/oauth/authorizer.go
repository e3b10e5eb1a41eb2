package oauth

import (
	"context"
	"net/http"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Authorizer implements backend.Authorizer with Authorize.
type Authorizer struct {
	// HTTPClient makes the requests to providers; nil means a client with a
	// 30-second timeout.
	HTTPClient *http.Client
	// Timeout bounds each attempt; 0 means DefaultTimeout.
	Timeout time.Duration
}

var _ backend.Authorizer = Authorizer{}

// Authorize runs the flow for req and returns its grant. Errors are
// *FlowError (see Authorize).
func (a Authorizer) Authorize(ctx context.Context, req backend.AuthRequest) (*backend.Grant, error) {
	res, err := Authorize(ctx, Request{
		Provider:    req.Provider,
		Credentials: req.Credentials,
		Scopes:      req.Scopes,
		Open:        req.Open,
		Prompt:      req.Prompt,
		Timeout:     a.Timeout,
		HTTPClient:  a.HTTPClient,
	})
	if err != nil {
		return nil, err
	}
	return res.Grant, nil
}
