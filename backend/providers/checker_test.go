package providers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Tokens the fakes issue on renewal; like the test secrets, they must
// never appear in an error or a message.
const (
	tokNewAccess  = "NEWaccessTOKEN7788"
	tokNewRefresh = "NEWrefreshTOKEN9900"
)

// testNow is the checkers' clock in these tests.
var testNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func unix(t time.Time) string { return fmt.Sprint(t.Unix()) }

// respond writes status, body and headers given as name, value pairs.
func respond(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		reply(status, body)(w, r)
	}
}

// testChecker is newChecker with the fake's client and the test clock.
func testChecker(p *backend.Provider, f *fake) *checker {
	k := newChecker(p, f.srv.Client())
	k.now = func() time.Time { return testNow }
	return k
}

// reached records the reason codes the tests reach; TestCheckerReasons
// asserts all eleven are.
type reachedCodes struct {
	mu    sync.Mutex
	codes map[string]bool
}

func (r *reachedCodes) add(code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.codes == nil {
		r.codes = map[string]bool{}
	}
	r.codes[code] = true
}

// assertClean fails when text shows any test secret or issued token.
func assertClean(t *testing.T, what, text string) {
	t.Helper()
	for _, sec := range append(allSecrets, tokNewAccess, tokNewRefresh, appID+"|"+appSecret) {
		if strings.Contains(text, sec) {
			t.Errorf("%s shows a secret: %s", what, text)
		}
	}
}

const (
	fbDebugValid = `{"data":{"app_id":"1234567890","type":"USER","application":"Tokenwarden","data_access_expires_at":1785585600,"expires_at":1782993600,"is_valid":true,"issued_at":1777809600,"scopes":["public_profile","email","pages_show_list","pages_read_engagement"],"granular_scopes":[{"scope":"pages_show_list","target_ids":["222","111"]},{"scope":"pages_read_engagement","target_ids":["222","333"]},{"scope":"email"}],"user_id":"10158"}}`
	fbDebugPage  = `{"data":{"app_id":"1234567890","type":"PAGE","application":"Tokenwarden","data_access_expires_at":0,"expires_at":0,"is_valid":true,"issued_at":1777809600,"profile_id":"111","scopes":["pages_show_list","pages_manage_posts"],"granular_scopes":[{"scope":"pages_manage_posts","target_ids":["111"]}],"user_id":"10158"}}`
	// debug_token for a token Facebook no longer accepts (data.error uses
	// "subcode", not "error_subcode").
	fbDebugInvalid = `{"data":{"app_id":"1234567890","type":"USER","application":"Tokenwarden","expires_at":1777000000,"is_valid":false,"error":{"code":190,"message":%q,"subcode":%d},"scopes":[],"user_id":"10158"}}`
	appUsage       = `{"call_count":12,"total_time":3,"total_cputime":4}`
)

func fbInvalid(sub int, msg string) string { return fmt.Sprintf(fbDebugInvalid, msg, sub) }

func runValidate(t *testing.T, tc vcase, reached *reachedCodes) {
	routes := map[string]http.HandlerFunc{}
	if tc.route != "" {
		routes[tc.route] = tc.h
	}
	f := newFake(t, routes)
	p := providerFor(t, tc.id, f)
	if tc.setup != nil {
		tc.setup(p, f)
	}
	creds := testCreds
	if tc.creds != nil {
		creds = *tc.creds
	}
	v, err := testChecker(p, f).Validate(context.Background(), p, creds, tokenFor(tc.id))
	if tc.err {
		if err == nil || v != nil {
			t.Fatalf("want an error with %q, got %+v, %v", tc.reason, v, err)
		}
		assertNoSecret(t, err)
		assertClean(t, "error", err.Error())
		if backend.ReasonOf(err) != tc.reason {
			t.Errorf("Reason = %q, want %q (%v)", backend.ReasonOf(err), tc.reason, err)
		}
		if RetryAfter(err) != tc.retry {
			t.Errorf("RetryAfter = %v, want %v", RetryAfter(err), tc.retry)
		}
		reached.add(backend.ReasonOf(err))
		return
	}
	if err != nil {
		t.Fatalf("Validate: %v (%s)", err, backend.ReasonOf(err))
	}
	if v.Valid != tc.valid || (!tc.valid && v.Reason != tc.reason) || (tc.valid && v.Reason != "") {
		t.Errorf("Validation = valid %v reason %q (%s), want valid %v reason %q", v.Valid, v.Reason, v.Message, tc.valid, tc.reason)
	}
	if !v.Valid {
		if v.Message == "" {
			t.Error("a verdict without a message")
		}
		reached.add(v.Reason)
	}
	assertClean(t, "message", v.Message)
	if tc.check != nil {
		tc.check(t, v)
	}
}

func TestCheckerFor(t *testing.T) {
	for _, p := range Builtin().Providers() {
		k, ok := CheckerFor(p).(*checker)
		if !ok || k.kind != p.ID {
			t.Errorf("%s: checker kind %q", p.ID, k.kind)
		}
	}
	for _, p := range []*backend.Provider{nil, {ID: "acme", Custom: true}, {ID: "facebook", Custom: true}} {
		if k := CheckerFor(p).(*checker); k.kind != "generic" {
			t.Errorf("%+v: kind %q, want generic", p, k.kind)
		}
	}
	var _ backend.Checker = CheckerFor(nil)
	if google, _ := Builtin().Provider("google"); google.IntrospectURL != "https://oauth2.googleapis.com/tokeninfo" {
		t.Errorf("google introspect_url = %q", google.IntrospectURL)
	}
}

// TestCheckerReasons runs every Validate and Refresh case and checks that
// together they reach each of the eleven reason codes.
func TestCheckerReasons(t *testing.T) {
	reached := &reachedCodes{}
	t.Run("validate", func(t *testing.T) {
		for _, tc := range validateCases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				runValidate(t, tc, reached)
			})
		}
	})
	t.Run("refresh", func(t *testing.T) {
		for _, tc := range refreshCases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				runRefresh(t, tc, reached)
			})
		}
	})
	t.Run("network", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		deadURL := dead.URL
		dead.Close()
		p := &backend.Provider{ID: "acme", Name: "Acme", Custom: true, IdentityURL: deadURL + "/userinfo", TokenURL: deadURL + "/token", Refresh: backend.RefreshToken}
		_, err := CheckerFor(p).Validate(context.Background(), p, testCreds, tokAccess)
		_, err2 := CheckerFor(p).Refresh(context.Background(), p, testCreds, tokAccess, tokRefresh)
		for _, e := range []error{err, err2} {
			if backend.ReasonOf(e) != backend.ReasonNetwork || !backend.Transient(backend.ReasonOf(e)) {
				t.Errorf("unreachable: %v (%q)", e, backend.ReasonOf(e))
			}
			assertNoSecret(t, e)
			reached.add(backend.ReasonOf(e))
		}
	})
	if t.Failed() {
		return
	}
	for _, code := range []string{
		backend.ReasonExpired, backend.ReasonPasswordChanged, backend.ReasonRevoked, backend.ReasonPermissionLost,
		backend.ReasonScopeMissing, backend.ReasonCheckpoint, backend.ReasonRateLimited, backend.ReasonAppMisconfigured,
		backend.ReasonNetwork, backend.ReasonProviderDown, backend.ReasonUnknown,
	} {
		if !reached.codes[code] {
			t.Errorf("no test reaches reason %q", code)
		}
	}
}

func TestValidateInputs(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{})
	p := fakeProvider(t, "x", f)
	k := testChecker(p, f)
	if _, err := k.Validate(context.Background(), p, testCreds, ""); err == nil || backend.ReasonOf(err) != backend.ReasonUnknown {
		t.Errorf("empty token: %v", err)
	}
	if _, err := k.Validate(context.Background(), nil, testCreds, tokAccess); backend.ReasonOf(err) != backend.ReasonAppMisconfigured {
		t.Errorf("nil provider: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := k.Validate(ctx, p, testCreds, tokAccess); backend.ReasonOf(err) != backend.ReasonNetwork {
		t.Errorf("cancelled: %v (%q)", err, backend.ReasonOf(err))
	}
}

// TestCheckerNeverShowsSecrets runs Validate and Refresh against platforms
// that repeat everything they were sent in their errors.
func TestCheckerNeverShowsSecrets(t *testing.T) {
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			all := r.URL.RawQuery + " " + r.Header.Get("Authorization") + " " + r.PostForm.Encode()
			for _, v := range r.Form {
				all += " " + strings.Join(v, " ")
			}
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="invalid_token", error_description=%q`, all))
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":"invalid_grant","error_description":%q,"message":%q,"data":{"is_valid":false,"error":{"code":190,"message":%q}}}`, all, all, all)
		}
	}
	graphEcho := func(w http.ResponseWriter, r *http.Request) {
		all := r.URL.RawQuery
		for _, v := range r.URL.Query() {
			all += " " + strings.Join(v, " ")
		}
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":{"message":%q,"type":"OAuthException","code":100,"fbtrace_id":"x"}}`, all)
	}
	for _, id := range []string{"facebook", "instagram", "linkedin", "google", "x", "tiktok", "pinterest", "microsoft", "custom"} {
		for _, status := range []int{400, 401} {
			t.Run(fmt.Sprint(id, status), func(t *testing.T) {
				routes := map[string]http.HandlerFunc{}
				f := newFake(t, routes)
				p := providerFor(t, id, f)
				p.Refresh = backend.RefreshToken
				for _, u := range []string{p.IdentityURL, p.IntrospectURL, p.TokenURL} {
					if u != "" {
						path := strings.TrimPrefix(strings.SplitN(u, "?", 2)[0], f.srv.URL)
						routes["GET "+path], routes["POST "+path] = echo(status), echo(status)
					}
				}
				if p.GraphURL != "" {
					base := strings.TrimPrefix(p.GraphURL, f.srv.URL)
					for _, path := range []string{"/debug_token", "/me", "/refresh_access_token", "/oauth/access_token"} {
						routes["GET "+base+path] = graphEcho
					}
				}
				k := testChecker(p, f)
				v, err := k.Validate(context.Background(), p, testCreds, tokenFor(id))
				if err != nil {
					assertNoSecret(t, err)
				} else {
					assertClean(t, "message", v.Message)
				}
				_, err = k.Refresh(context.Background(), p, testCreds, tokenFor(id), tokRefresh)
				if err == nil {
					t.Fatal("Refresh: no error")
				}
				assertNoSecret(t, err)
				for _, m := range []string{"facebook_exchange", "instagram_refresh"} {
					p.Refresh = m
					if _, err := k.Refresh(context.Background(), p, testCreds, tokLong, ""); err != nil {
						assertNoSecret(t, err)
					}
				}
			})
		}
	}
}

func TestReason(t *testing.T) {
	pe := newPlatformError(DetailAppRemoved, 400, "", "removed")
	wrapped := fmt.Errorf("check: %w", pe)
	var rc interface{ ReasonCode() string }
	if !errors.As(wrapped, &rc) || rc.ReasonCode() != backend.ReasonRevoked {
		t.Error("ReasonCode through an interface")
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{wrapped, backend.ReasonRevoked},
		{newPlatformError(DetailUnavailable, 0, "", "offline"), backend.ReasonNetwork},
		{newPlatformError(DetailUnavailable, 503, "", "down"), backend.ReasonProviderDown},
		{newPlatformError(DetailBadResponse, 200, "", "html"), backend.ReasonProviderDown},
		{newPlatformError(DetailUnconfirmed, 400, "", "x"), backend.ReasonCheckpoint},
		{newPlatformError(DetailLoggedOut, 400, "", "x"), backend.ReasonRevoked},
		{newPlatformError(DetailRoleLost, 400, "", "x"), backend.ReasonPermissionLost},
		{newPlatformError(DetailPermission, 403, "", "x"), backend.ReasonScopeMissing},
		{newPlatformError(DetailAppConfig, 401, "", "x"), backend.ReasonAppMisconfigured},
		{newPlatformError(DetailInvalidToken, 401, "", "x").as(backend.ReasonExpired), backend.ReasonExpired},
		{ErrTooSoon, backend.ReasonRateLimited},
		{backend.ErrNoRefresh, backend.ReasonUnknown},
		{context.Canceled, backend.ReasonNetwork},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), backend.ReasonNetwork},
		{errors.New("boom"), backend.ReasonUnknown},
		{reasonCoded{backend.ReasonCheckpoint}, backend.ReasonCheckpoint},
		{reasonCoded{"not_a_code"}, backend.ReasonUnknown},
	} {
		if got := backend.ReasonOf(tc.err); got != tc.want {
			t.Errorf("backend.ReasonOf(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	// Errors of backend/oauth map to the nearest code.
	f := newFake(t, map[string]http.HandlerFunc{"GET /.well-known/openid-configuration": reply(500, "")})
	p := &backend.Provider{ID: "acme", Name: "Acme", Custom: true, Issuer: "ftp://bad", Refresh: backend.RefreshToken}
	_, err := testChecker(p, f).Refresh(context.Background(), p, testCreds, "", tokRefresh)
	if backend.ReasonOf(err) != backend.ReasonAppMisconfigured {
		t.Errorf("bad issuer: %v (%q)", err, backend.ReasonOf(err))
	}
	if RetryAfter(nil) != 0 || RetryAfter(errors.New("x")) != 0 {
		t.Error("RetryAfter of other errors")
	}
}

type reasonCoded struct{ code string }

func (r reasonCoded) Error() string { return "coded" }

func (r reasonCoded) ReasonCode() string { return r.code }

func TestRetryAfterHeaders(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for _, tc := range []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"none", h(), 0},
		{"seconds", h("Retry-After", "120"), 2 * time.Minute},
		{"http date", h("Retry-After", testNow.Add(90*time.Second).Format(http.TimeFormat)), 90 * time.Second},
		{"date passed", h("Retry-After", testNow.Add(-time.Hour).Format(http.TimeFormat)), 0},
		{"garbage", h("Retry-After", "soon"), 0},
		{"negative", h("Retry-After", "-5"), 0},
		{"capped", h("Retry-After", "999999999"), 24 * time.Hour},
		{"x reset", h("x-rate-limit-reset", unix(testNow.Add(15*time.Minute))), 15 * time.Minute},
		{"ratelimit seconds", h("X-RateLimit-Reset", "42"), 42 * time.Second},
		{"ratelimit unix", h("X-RateLimit-Reset", unix(testNow.Add(time.Minute))), time.Minute},
		{"facebook regain access", h("X-Business-Use-Case-Usage", `{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":5}],"2":[{"type":"pages","call_count":40,"estimated_time_to_regain_access":12}]}`), 12 * time.Minute},
		{"facebook malformed", h("X-Business-Use-Case-Usage", `{"1":`), 0},
	} {
		if got := retryAfter(tc.h, testNow); got != tc.want {
			t.Errorf("%s: retryAfter = %v, want %v", tc.name, got, tc.want)
		}
	}
	u := usageOf(h("X-Business-Use-Case-Usage", `{"1":[{"type":"pages","call_count":28,"total_cputime":2,"total_time":3}],"2":[{"type":"pages","call_count":45.5,"total_cputime":1,"total_time":1}]}`), testNow)
	if want := map[string]string{"pages call_count": "45.5%", "pages total_cputime": "2%", "pages total_time": "3%"}; !reflect.DeepEqual(u, want) {
		t.Errorf("business usage %v", u)
	}
	if usageOf(h("X-App-Usage", "not json"), testNow) != nil || usageOf(nil, testNow) != nil {
		t.Error("usage from bad headers")
	}
}

func TestMinRefreshAge(t *testing.T) {
	ig, _ := Builtin().Provider("instagram")
	fb, _ := Builtin().Provider("facebook")
	q, ok := CheckerFor(ig).(interface {
		MinRefreshAge(*backend.Provider) time.Duration
	})
	if !ok || q.MinRefreshAge(ig) != 24*time.Hour || q.MinRefreshAge(fb) != 0 || q.MinRefreshAge(nil) != 0 {
		t.Error("MinRefreshAge")
	}
}

// TestCheckerForMakesOneCheckerPerKind: checkers are made once, not per
// check, and a custom provider never gets a built-in's.
func TestCheckerForMakesOneCheckerPerKind(t *testing.T) {
	g1, _ := Builtin().Provider("google")
	g2, _ := Builtin().Provider("google")
	if CheckerFor(g1) != CheckerFor(g2) {
		t.Error("two checkers for Google")
	}
	custom := &backend.Provider{ID: "google", Custom: true}
	if k := CheckerFor(custom).(*checker); k.kind != "generic" || CheckerFor(custom) == CheckerFor(g1) {
		t.Errorf("custom provider named google got kind %q", k.kind)
	}
}
