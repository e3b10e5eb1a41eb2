package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"golang.org/x/oauth2"
)

// DefaultTimeout is how long Authorize waits for the browser step when the
// request does not say.
const DefaultTimeout = 5 * time.Minute

// Request is one attempt to connect an account.
type Request struct {
	Provider    *backend.Provider
	Credentials backend.Credentials
	// Scopes to request; empty means the names of Provider.Scopes.
	Scopes []string
	// Open shows the authorization URL in the system browser. It is called
	// once, on its own goroutine, so it may block until the page loads.
	Open func(url string) error
	// Timeout bounds the whole attempt; 0 means DefaultTimeout.
	Timeout time.Duration
	// HTTPClient makes every request to the provider; nil means a client
	// with a 30-second timeout.
	HTTPClient *http.Client
	// Prompt, when set, is sent as the prompt parameter ("consent",
	// "select_account"), replacing any prompt in Provider.AuthParams.
	Prompt string
}

// Result is a completed authorization.
type Result struct {
	// Grant holds the tokens, their expiry, the scopes as granted and, when
	// a verified ID token came with them, the identity it names.
	Grant *backend.Grant
	// RedirectURI is the loopback redirect URI this attempt used.
	RedirectURI string
	// IDTokenClaims are the claims of the verified ID token, or nil.
	IDTokenClaims map[string]any
	// Token is the token response as golang.org/x/oauth2 parsed it; its
	// Extra method reads provider-specific members such as TikTok's open_id.
	Token *oauth2.Token
}

// Authorize runs the authorization-code flow for a native app (RFC 8252):
// it listens on 127.0.0.1, opens the authorization URL with req.Open, waits
// for the one redirect back, checks state, exchanges the code with the PKCE
// verifier, verifies the ID token of OpenID providers, and shows the browser
// a page that says how it ended. The context cancels the attempt (the UI's
// Cancel button); req.Timeout bounds it.
func Authorize(ctx context.Context, req Request) (*Result, error) {
	a, err := newAttempt(req)
	if err != nil {
		return nil, err
	}
	res, err := a.run(ctx)
	if err != nil {
		return nil, a.secrets.scrubError(err)
	}
	return res, nil
}

// errAttemptTimeout is the cause of an attempt's context when it times out.
var errAttemptTimeout = errors.New("oauth: authorization attempt timed out")

// attempt is the state of one Authorize call.
type attempt struct {
	p        backend.Provider // a copy: discovery fills it
	creds    backend.Credentials
	scopes   []string
	open     func(string) error
	timeout  time.Duration
	client   *http.Client
	prompt   string
	disc     *Discovery
	state    string
	verifier string
	nonce    string
	redirect string
	secrets  Redactor
}

func newAttempt(req Request) (*attempt, error) {
	if req.Provider == nil {
		return nil, newError(ReasonConfig, "", "No provider was given for this connection.")
	}
	a := &attempt{
		p:       *req.Provider,
		creds:   req.Credentials,
		scopes:  slices.Clone(req.Scopes),
		open:    req.Open,
		timeout: req.Timeout,
		client:  Client(req.HTTPClient),
		prompt:  req.Prompt,
	}
	name := a.name()
	switch {
	case a.open == nil:
		return nil, newError(ReasonConfig, "", "Tokenwarden has no way to open the browser for this connection.")
	case strings.TrimSpace(a.creds.ClientID) == "":
		return nil, newError(ReasonConfig, fmt.Sprintf("Add your %s developer app's client id in Settings.", name),
			"There is no client id for %s.", name)
	case a.p.NeedsSecret && a.creds.ClientSecret == "":
		return nil, newError(ReasonConfig, fmt.Sprintf("Add your %s developer app's client secret in Settings.", name),
			"%s needs the client secret of your developer app, and none is saved.", name)
	case a.p.RedirectPort < 0 || a.p.RedirectPort > 65535:
		return nil, newError(ReasonConfig, "Use a port between 1024 and 65535, or 0 for any free port.",
			"The redirect_port %d for %s is not a valid port.", a.p.RedirectPort, name)
	case a.p.RedirectPath != "" && !strings.HasPrefix(a.p.RedirectPath, "/"):
		return nil, newError(ReasonConfig, "Start redirect_path with a slash, such as /callback.",
			"The redirect_path %q for %s is not a path.", providerText(a.p.RedirectPath), name)
	}
	if a.timeout <= 0 {
		a.timeout = DefaultTimeout
	}
	a.secrets.Add(a.creds.ClientSecret)
	return a, nil
}

func (a *attempt) name() string {
	if a.p.Name != "" {
		return a.p.Name
	}
	if a.p.ID != "" {
		return a.p.ID
	}
	return "The provider"
}

func (a *attempt) run(parent context.Context) (*Result, error) {
	ctx, cancel := context.WithTimeoutCause(parent, a.timeout, errAttemptTimeout)
	defer cancel()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, a.client)

	res, err := a.flow(ctx)
	if err != nil && ctx.Err() != nil {
		return nil, a.doneError(ctx)
	}
	return res, err
}

func (a *attempt) flow(ctx context.Context) (*Result, error) {
	if err := a.prepare(ctx); err != nil {
		return nil, err
	}
	ln, err := a.listen()
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	a.redirect = a.p.RedirectURI(port)
	path := a.p.RedirectPath
	if path == "" {
		path = "/callback"
	}

	done := make(chan struct{})
	h := newCallbackHandler(path, a.state, done)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		close(done)
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		if srv.Shutdown(sctx) != nil {
			_ = srv.Close()
		}
	}()

	authURL, err := a.authURL()
	if err != nil {
		return nil, err
	}
	opened := make(chan error, 1)
	go func() { opened <- a.open(authURL) }()
	for {
		select {
		case err := <-opened:
			if err != nil {
				return nil, newError(ReasonBrowser, "Check that a default web browser is set on this computer, then run Connect again.",
					"Tokenwarden could not open your web browser.")
			}
			opened = nil // wait for the callback
		case cb := <-h.calls:
			res, err := a.complete(ctx, cb.query)
			if err != nil {
				if ctx.Err() != nil {
					err = a.doneError(ctx)
				}
				err = a.secrets.scrubError(err)
				cb.reply <- failurePage(err)
				return nil, err
			}
			cb.reply <- successPage
			return res, nil
		case <-ctx.Done():
			return nil, a.doneError(ctx)
		}
	}
}

// prepare discovers missing endpoints and the key set, checks the
// endpoints and picks the scopes and the per-attempt secrets.
func (a *attempt) prepare(ctx context.Context) error {
	if strings.TrimSpace(a.p.Issuer) != "" && (a.p.AuthURL == "" || a.p.TokenURL == "" || a.p.OpenID) {
		d, err := Discover(ctx, a.client, a.p.Issuer)
		if err != nil {
			return err
		}
		a.disc = d
		d.Apply(&a.p)
	}
	name := a.name()
	if a.p.AuthURL == "" || a.p.TokenURL == "" {
		return newError(ReasonConfig, "Set issuer, or auth_url and token_url, for this provider in providers.yaml.",
			"%s has no authorization or token endpoint configured.", name)
	}
	if err := checkEndpoint("authorization endpoint", a.p.AuthURL); err != nil {
		return err
	}
	if err := checkEndpoint("token endpoint", a.p.TokenURL); err != nil {
		return err
	}
	if len(a.scopes) == 0 {
		for _, s := range a.p.Scopes {
			a.scopes = append(a.scopes, s.Name)
		}
	}
	a.state = randomString(32)
	if a.p.PKCE {
		a.verifier = oauth2.GenerateVerifier()
	}
	if a.p.OpenID {
		a.nonce = randomString(32)
	}
	a.secrets.Add(a.state, a.verifier, a.nonce)
	return nil
}

// listen opens the one-shot loopback listener (RFC 8252 §7.3, §8.3).
func (a *attempt) listen() (net.Listener, error) {
	port := a.p.RedirectPort
	ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err == nil {
		return ln, nil
	}
	if port != 0 {
		return nil, newError(ReasonPortInUse,
			fmt.Sprintf("Close the program that uses port %d (or finish the other connection in progress), then run Connect again. You can also change redirect_port for %s in providers.yaml and register the new redirect URI.", port, a.name()),
			"Port %d on this computer is already in use, so Tokenwarden cannot receive the sign-in answer for %s.", port, a.name())
	}
	return nil, newError(ReasonPortInUse, "Check that no security software blocks local connections, then run Connect again.",
		"Tokenwarden could not open a local port to receive the sign-in answer.")
}

// authURL builds the authorization request URL.
func (a *attempt) authURL() (string, error) {
	conf := a.config(false)
	var opts []oauth2.AuthCodeOption
	if len(a.scopes) > 0 {
		sep := a.p.ScopeSeparator
		if sep == "" {
			sep = " "
		}
		opts = append(opts, oauth2.SetAuthURLParam("scope", strings.Join(a.scopes, sep)))
	}
	if a.p.PKCE {
		opts = append(opts,
			oauth2.SetAuthURLParam("code_challenge", a.challenge()),
			oauth2.SetAuthURLParam("code_challenge_method", "S256"))
	}
	if a.nonce != "" {
		opts = append(opts, oauth2.SetAuthURLParam("nonce", a.nonce))
	}
	idParam := a.clientIDParam()
	keys := make([]string, 0, len(a.p.AuthParams))
	for k := range a.p.AuthParams {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if reservedAuthParams[k] || k == idParam || k == "prompt" {
			continue
		}
		opts = append(opts, oauth2.SetAuthURLParam(k, a.p.AuthParams[k]))
	}
	if prompt := a.promptParam(); prompt != "" {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", prompt))
	}
	raw := conf.AuthCodeURL(a.state, opts...)
	if idParam == "client_id" {
		return raw, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", newError(ReasonConfig, "Check auth_url for this provider in providers.yaml.",
			"The authorization address for %s is not valid.", a.name())
	}
	q := u.Query()
	q.Del("client_id")
	q.Set(idParam, a.creds.ClientID)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// promptParam is the prompt to send: the request's, else the provider's
// auth_params one, with consent added when offline_access is asked for:
// OpenID Connect Core §11 has the server ignore offline_access unless the
// prompt includes consent, so without it no refresh token comes.
func (a *attempt) promptParam() string {
	prompt := a.prompt
	if prompt == "" {
		prompt = a.p.AuthParams["prompt"]
	}
	values := strings.Fields(prompt)
	if slices.Contains(a.scopes, "offline_access") && !slices.Contains(values, "consent") && !slices.Contains(values, "none") {
		values = append(values, "consent")
	}
	return strings.Join(values, " ")
}

// reservedAuthParams cannot be set through Provider.AuthParams.
var reservedAuthParams = map[string]bool{
	"response_type": true, "client_id": true, "redirect_uri": true, "state": true, "scope": true,
	"code_challenge": true, "code_challenge_method": true, "nonce": true,
}

func (a *attempt) clientIDParam() string { return ClientIDParam(&a.p) }

// challenge is the PKCE S256 code challenge: base64url(SHA-256(verifier))
// per RFC 7636. TikTok's desktop Login Kit documents the hex encoding of
// the SHA-256 instead, so provider "tiktok" gets that.
func (a *attempt) challenge() string {
	if strings.EqualFold(a.p.ID, "tiktok") {
		sum := sha256.Sum256([]byte(a.verifier))
		return hex.EncodeToString(sum[:])
	}
	return oauth2.S256ChallengeFromVerifier(a.verifier)
}

// config is the x/oauth2 configuration. For the token request of a
// provider that renames client_id (TikTok's client_key), the id is sent
// under that name instead, so ClientID is left out of the body.
func (a *attempt) config(exchange bool) *oauth2.Config {
	style := authStyle(&a.p, a.creds)
	c := &oauth2.Config{
		ClientID:     a.creds.ClientID,
		ClientSecret: a.creds.ClientSecret,
		RedirectURL:  a.redirect,
		Endpoint: oauth2.Endpoint{
			AuthURL:   a.p.AuthURL,
			TokenURL:  a.p.TokenURL,
			AuthStyle: style,
		},
	}
	if exchange && a.clientIDParam() != "client_id" && style == oauth2.AuthStyleInParams {
		c.ClientID = ""
	}
	return c
}

// authStyle maps BasicAuth to x/oauth2: with client_auth unset x/oauth2
// tries the header, then the body.
func authStyle(p *backend.Provider, creds backend.Credentials) oauth2.AuthStyle {
	switch {
	case !BasicAuth(p, creds):
		return oauth2.AuthStyleInParams
	case p.ClientAuth == "":
		return oauth2.AuthStyleAutoDetect
	}
	return oauth2.AuthStyleInHeader
}

// complete handles the callback query: provider error, state, code
// exchange, ID token.
func (a *attempt) complete(ctx context.Context, q url.Values) (*Result, error) {
	// The loopback handler passes on only answers carrying this state;
	// checked again so complete never trusts its caller.
	if !stateEqual(q.Get("state"), a.state) {
		return nil, newError(ReasonStateMismatch,
			"Run Connect again from Tokenwarden and finish the sign-in in the newest browser tab it opens.",
			"The sign-in answer did not match this connection attempt, so Tokenwarden ignored it.")
	}
	if iss := q.Get("iss"); iss != "" && a.issuer() != "" && !issuerMatches(a.issuer(), iss) {
		// RFC 9207: the answer came from another authorization server.
		return nil, newError(ReasonStateMismatch, "Run Connect again from Tokenwarden.",
			"The sign-in answer came from a different provider than %s, so Tokenwarden ignored it.", a.name())
	}
	if e := q.Get("error"); e != "" {
		return nil, a.authorizeError(e, q.Get("error_description"))
	}
	code := q.Get("code")
	if code == "" {
		return nil, newError(ReasonMalformedResponse, "Run Connect again. If it keeps happening, check auth_url for this provider.",
			"%s sent the browser back without an authorization code.", a.name())
	}
	a.secrets.Add(code)

	opts := []oauth2.AuthCodeOption{}
	if a.p.PKCE {
		opts = append(opts, oauth2.VerifierOption(a.verifier))
	}
	if p := a.clientIDParam(); p != "client_id" {
		opts = append(opts, oauth2.SetAuthURLParam(p, a.creds.ClientID))
	}
	peek := &peekTransport{base: a.client.Transport}
	exClient := *a.client
	exClient.Transport = peek
	exCtx := context.WithValue(ctx, oauth2.HTTPClient, &exClient)
	tok, err := a.config(true).Exchange(exCtx, code, opts...)
	if err != nil {
		return nil, a.tokenError(ctx, err, peek.contentType())
	}
	a.secrets.Add(tok.AccessToken, tok.RefreshToken)
	g, err := grantFrom(a.name(), tok, a.scopes, time.Now())
	if err != nil {
		return nil, err
	}
	res := &Result{Grant: g, RedirectURI: a.redirect, Token: tok}

	// TikTok names the account in the token response itself.
	if openID, _ := tok.Extra("open_id").(string); openID != "" {
		g.Identity.ExternalID = openID
	}
	if raw, _ := tok.Extra("id_token").(string); raw != "" {
		a.secrets.Add(raw)
		if a.p.OpenID && a.disc != nil && a.disc.JWKSURL != "" {
			claims, err := a.verifyIDToken(ctx, raw)
			if err != nil {
				return nil, err
			}
			res.IDTokenClaims = claims
			g.Identity = identityFromClaims(claims)
		}
	}
	return res, nil
}

// issuer is the provider's issuer identifier, when known.
func (a *attempt) issuer() string {
	if a.disc != nil {
		return a.disc.Issuer
	}
	return strings.TrimSpace(a.p.Issuer)
}

func (a *attempt) verifyIDToken(ctx context.Context, raw string) (map[string]any, error) {
	keys, err := fetchJWKS(ctx, a.client, a.disc.JWKSURL)
	if err != nil {
		return nil, err
	}
	claims, err := verifyIDToken(raw, keys, idTokenCheck{
		Issuer:   a.disc.Issuer,
		ClientID: a.creds.ClientID,
		Nonce:    a.nonce,
		Now:      time.Now(),
		Leeway:   2 * time.Minute,
	})
	if err != nil {
		return nil, newError(ReasonInvalidIDToken,
			fmt.Sprintf("Run Connect again. If it keeps happening, check the issuer address for %s.", a.name()),
			"%s's ID token could not be verified: %s.", a.name(), err.Error())
	}
	return claims, nil
}

// peekTransport remembers the Content-Type of the last answer, to tell an
// HTML page from broken JSON when x/oauth2 cannot parse a token response.
type peekTransport struct {
	base http.RoundTripper
	mu   sync.Mutex
	last string
}

func (t *peekTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r)
	if resp != nil {
		t.mu.Lock()
		t.last = resp.Header.Get("Content-Type")
		t.mu.Unlock()
	}
	return resp, err
}

func (t *peekTransport) contentType() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

// randomString is n random bytes, base64url without padding.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
