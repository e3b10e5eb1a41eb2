package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// rotatingProvider is a local OAuth platform that rotates refresh tokens
// with a reuse grace, as Okta, Auth0 and Microsoft do: a refresh answers
// with a new refresh token, and the token just used stays valid until that
// new one is used in turn. So at any moment two refresh tokens work: the
// newest (current) and the one that obtained it (previous).
//
// That grace is what lets a client survive a crash between the platform's
// answer and storing the new token: it still holds "previous". With strict
// rotation (TikTok: "the previous refresh token stops working once a new
// one is issued") the same crash loses the account, and no client can
// prevent it; the monitor keeps that window to the one keychain write of
// the new refresh token, which comes before anything else.
//
// Like a real server, it completes a refresh even when the client hangs up
// (or is killed) while waiting for the answer.
type rotatingProvider struct {
	srv *httptest.Server
	mu  sync.Mutex
	// RefreshLatency and ValidateLatency delay the answers.
	refreshLatency, validateLatency time.Duration
	current, previous               string
	access                          map[string]time.Time // access token → expiry
	issued                          int                  // refresh tokens issued
	refreshRequests                 int
	validateRequests                int
	// arrived is signalled (without blocking) when a refresh request arrives.
	arrived chan struct{}
	// Rate limit (0: none): a token bucket; beyond it, 429 with Retry-After.
	rate, burst, tokens float64
	last                time.Time
	limited             int
}

func newRotatingProvider(t testing.TB) *rotatingProvider {
	f := &rotatingProvider{access: map[string]time.Time{}, arrived: make(chan struct{}, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", f.token)
	mux.HandleFunc("GET /me", f.me)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *rotatingProvider) URL() string { return f.srv.URL }

// seed makes a refresh token and an access token valid.
func (f *rotatingProvider) seed(refresh, access string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.current, f.previous = refresh, ""
	f.access[access] = time.Now().Add(time.Hour)
}

// accepts reports whether a refresh would work with this token, without
// using it.
func (f *rotatingProvider) accepts(refresh string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return refresh != "" && (refresh == f.current || refresh == f.previous)
}

func (f *rotatingProvider) stats() (issued, refreshRequests, validateRequests int, current string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issued, f.refreshRequests, f.validateRequests, f.current
}

// allow applies the rate limit; false means answer 429.
func (f *rotatingProvider) allow() bool {
	if f.rate == 0 {
		return true
	}
	now := time.Now()
	if f.last.IsZero() {
		f.tokens = f.burst
	} else {
		f.tokens = min(f.burst, f.tokens+now.Sub(f.last).Seconds()*f.rate)
	}
	f.last = now
	if f.tokens < 1 {
		f.limited++
		return false
	}
	f.tokens--
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *rotatingProvider) token(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.refreshRequests++
	ok := f.allow()
	latency := f.refreshLatency
	f.mu.Unlock()
	select {
	case f.arrived <- struct{}{}:
	default:
	}
	if !ok {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "rate_limited"})
		return
	}
	_ = r.ParseForm()
	used := r.PostForm.Get("refresh_token")
	time.Sleep(latency) // the client may be killed meanwhile; we go on
	f.mu.Lock()
	if used == "" || (used != f.current && used != f.previous) {
		f.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "Refresh token is invalid or was already used."})
		return
	}
	f.issued++
	newRefresh := fmt.Sprintf("rt-%d-%s", f.issued, randomToken("r"))
	newAccess := fmt.Sprintf("at-%d-%s", f.issued, randomToken("a"))
	if used == f.current {
		f.previous = f.current
	}
	f.current = newRefresh
	f.access[newAccess] = time.Now().Add(time.Hour)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": newAccess, "refresh_token": newRefresh, "expires_in": 3600, "token_type": "Bearer"})
}

func (f *rotatingProvider) me(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.validateRequests++
	ok := f.allow()
	latency := f.validateLatency
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	exp, known := f.access[token]
	f.mu.Unlock()
	if !ok {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "rate_limited"})
		return
	}
	time.Sleep(latency)
	if !known || time.Now().After(exp) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": "u1", "exp": exp.Unix()})
}

// httpChecker is a backend.Checker for rotatingProvider, standing in for
// providers.CheckerFor.
type httpChecker struct{ client *http.Client }

func newHTTPChecker() httpChecker {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return httpChecker{client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

func (h httpChecker) Refresh(ctx context.Context, p *backend.Provider, creds backend.Credentials, access, refresh string) (*backend.Grant, error) {
	if refresh == "" {
		return nil, backend.ErrNoRefresh
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {creds.ClientID}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var body struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int    `json:"expires_in"`
		Error        string `json:"error"`
		Description  string `json:"error_description"`
	}
	status, retry, err := h.do(req, &body)
	if err != nil {
		return nil, err
	}
	if err := httpError(status, retry, body.Error, body.Description); err != nil {
		return nil, err
	}
	exp := time.Now().Add(time.Duration(body.ExpiresIn) * time.Second).UTC()
	return &backend.Grant{AccessToken: body.AccessToken, RefreshToken: body.RefreshToken, ExpiresAt: &exp}, nil
}

func (h httpChecker) Validate(ctx context.Context, p *backend.Provider, _ backend.Credentials, access string) (*backend.Validation, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.IdentityURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+access)
	var body struct {
		Exp   int64  `json:"exp"`
		Error string `json:"error"`
	}
	status, retry, err := h.do(req, &body)
	if err != nil {
		return nil, err
	}
	if status == http.StatusUnauthorized {
		return &backend.Validation{Valid: false, Reason: backend.ReasonRevoked, Message: "invalid_token"}, nil
	}
	if err := httpError(status, retry, body.Error, ""); err != nil {
		return nil, err
	}
	exp := time.Unix(body.Exp, 0).UTC()
	return &backend.Validation{Valid: true, ExpiresAt: &exp}, nil
}

func (h httpChecker) do(req *http.Request, out any) (status int, retry time.Duration, err error) {
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		retry = time.Duration(s) * time.Second
	}
	_ = json.NewDecoder(resp.Body).Decode(out)
	return resp.StatusCode, retry, nil
}

func httpError(status int, retry time.Duration, code, desc string) error {
	switch {
	case status == http.StatusOK:
		return nil
	case status == http.StatusTooManyRequests:
		return &reasonErr{reason: backend.ReasonRateLimited, retry: retry, msg: "rate limited"}
	case status >= 500:
		return &reasonErr{reason: backend.ReasonProviderDown, msg: fmt.Sprintf("server error %d", status)}
	case code != "":
		return &reasonErr{reason: code, msg: strings.TrimSpace(code + ": " + desc)}
	}
	return &reasonErr{reason: backend.ReasonUnknown, msg: fmt.Sprintf("status %d", status)}
}

// rotorProviders is the registry naming the fake platform.
func rotorProviders(baseURL string) registry {
	return registry{"rotor": {ID: "rotor", Name: "Rotor", TokenURL: baseURL + "/token", IdentityURL: baseURL + "/me",
		Refresh: backend.RefreshToken, Lifetimes: backend.Lifetimes{Access: time.Hour}}}
}

func rotorMonitor(store backend.Store, secrets backend.Secrets, dir, baseURL string, now func() time.Time) *Monitor {
	checker := newHTTPChecker()
	return &Monitor{
		Store: store, Secrets: secrets, Providers: rotorProviders(baseURL), DataDir: dir, Now: now,
		Checkers: func(*backend.Provider) backend.Checker { return checker },
		Credentials: func(_ context.Context, p *backend.Provider) (backend.Credentials, error) {
			return backend.Credentials{ProviderID: p.ID, ClientID: "rotor-client"}, nil
		},
		Limits: Limits{Rate: map[string]float64{"rotor": 1000}},
	}
}
