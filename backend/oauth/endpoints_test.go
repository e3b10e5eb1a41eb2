package oauth

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

// formServer records the form and Authorization header of each request and
// answers with respond.
type formServer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	form    url.Values
	auth    string
	respond func(w http.ResponseWriter, r *http.Request)
}

func newFormServer(t *testing.T, respond func(w http.ResponseWriter, r *http.Request)) *formServer {
	t.Helper()
	fs := &formServer{respond: respond}
	fs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		fs.mu.Lock()
		fs.form, fs.auth = r.PostForm, r.Header.Get("Authorization")
		fs.mu.Unlock()
		fs.respond(w, r)
	}))
	t.Cleanup(fs.srv.Close)
	return fs
}

var testCreds = backend.Credentials{ClientID: testClientID, ClientSecret: testClientSecret}

func TestRevoke(t *testing.T) {
	t.Parallel()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(testClientID+":"+testClientSecret))
	for _, tc := range []struct {
		name       string
		clientAuth string
		idParam    string
		creds      backend.Credentials
		hint       string
		wantAuth   string
		wantForm   map[string]string
	}{
		{"basic", "basic", "", testCreds, "refresh_token", basic,
			map[string]string{"token": testRefreshToken, "token_type_hint": "refresh_token", "client_id": "", "client_secret": ""}},
		{"default is basic", "", "", testCreds, "access_token", basic,
			map[string]string{"token": testRefreshToken, "token_type_hint": "access_token"}},
		{"body", "body", "", testCreds, "", "",
			map[string]string{"token": testRefreshToken, "token_type_hint": "", "client_id": testClientID, "client_secret": testClientSecret}},
		{"public client", "", "", backend.Credentials{ClientID: testClientID}, "", "",
			map[string]string{"client_id": testClientID, "client_secret": ""}},
		{"tiktok", "", "client_key", testCreds, "", "",
			map[string]string{"client_key": testClientID, "client_secret": testClientSecret, "client_id": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := newFormServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
			p := &backend.Provider{Name: "Fake", RevokeURL: fs.srv.URL + "/revoke", ClientAuth: tc.clientAuth, ClientIDParam: tc.idParam}
			if err := Revoke(t.Context(), fs.srv.Client(), p, tc.creds, testRefreshToken, tc.hint); err != nil {
				t.Fatal(err)
			}
			if fs.auth != tc.wantAuth {
				t.Errorf("Authorization = %q, want %q", fs.auth, tc.wantAuth)
			}
			for k, want := range tc.wantForm {
				if got := fs.form.Get(k); got != want {
					t.Errorf("form %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestRevokeFailures(t *testing.T) {
	t.Parallel()
	answer := func(status int, body string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	for _, tc := range []struct {
		name   string
		status int
		body   string
		reason Reason
	}{
		{"invalid client", 401, `{"error":"invalid_client","error_description":"secret ` + testClientSecret + ` is wrong"}`, ReasonInvalidClient},
		{"unsupported token type", 400, `{"error":"unsupported_token_type","error_description":"token ` + testAccessToken + `"}`, ReasonProviderError},
		{"busy", 503, "", ReasonServerError},
		{"server error", 500, "", ReasonServerError},
		{"HTML", 404, "<html><body>Not found</body></html>", ReasonMalformedResponse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := newFormServer(t, answer(tc.status, tc.body))
			p := &backend.Provider{Name: "Fake", RevokeURL: fs.srv.URL}
			err := Revoke(t.Context(), fs.srv.Client(), p, testCreds, testAccessToken, "access_token")
			wantFlowError(t, err, tc.reason)
		})
	}
	if err := Revoke(t.Context(), nil, &backend.Provider{Name: "Fake", RevokeURL: "https://unreachable.invalid/revoke"}, testCreds, "", ""); err != nil {
		t.Errorf("revoking no token: %v", err)
	}
	if err := Revoke(t.Context(), nil, &backend.Provider{Name: "Fake"}, testCreds, testAccessToken, ""); !errors.Is(err, backend.ErrNoRevocation) {
		t.Errorf("no revocation endpoint: %v", err)
	}
	err := Revoke(t.Context(), nil, &backend.Provider{Name: "Fake", RevokeURL: "http://revoke.example.com"}, testCreds, testAccessToken, "")
	wantFlowError(t, err, ReasonConfig)
}

func TestIntrospect(t *testing.T) {
	t.Parallel()
	fs := newFormServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.PostForm.Get("token") != testAccessToken {
			writeJSON(w, 200, map[string]any{"active": false})
			return
		}
		writeJSON(w, 200, map[string]any{"active": true, "scope": "read write", "client_id": testClientID, "exp": 1900000000})
	})
	p := &backend.Provider{Name: "Fake", IntrospectURL: fs.srv.URL, ClientAuth: "body"}
	active, claims, err := Introspect(t.Context(), fs.srv.Client(), p, testCreds, testAccessToken)
	if err != nil || !active || claims["scope"] != "read write" || claims["exp"] != float64(1900000000) {
		t.Fatalf("Introspect = %v %v %v", active, claims, err)
	}
	if fs.form.Get("client_id") != testClientID || fs.form.Get("client_secret") != testClientSecret {
		t.Errorf("form = %v", fs.form)
	}
	active, _, err = Introspect(t.Context(), fs.srv.Client(), p, testCreds, "other-token")
	if err != nil || active {
		t.Errorf("inactive token: %v %v", active, err)
	}
}

func TestIntrospectFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		reason Reason
	}{
		{"no active member", 200, `{"scope":"read"}`, ReasonMalformedResponse},
		{"not JSON", 200, `<html></html>`, ReasonMalformedResponse},
		{"unauthorized", 401, `{"error":"invalid_client"}`, ReasonInvalidClient},
		{"server error", 500, ``, ReasonServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := newFormServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			p := &backend.Provider{Name: "Fake", IntrospectURL: fs.srv.URL}
			_, _, err := Introspect(t.Context(), fs.srv.Client(), p, testCreds, testAccessToken)
			wantFlowError(t, err, tc.reason)
		})
	}
	_, _, err := Introspect(t.Context(), nil, &backend.Provider{Name: "Fake"}, testCreds, testAccessToken)
	wantFlowError(t, err, ReasonConfig)
}

func TestUserInfo(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testAccessToken {
			w.Header().Set("WWW-Authenticate", `Bearer realm="x", error="invalid_token", error_description="token `+testAccessToken+` expired"`)
			w.WriteHeader(401)
			return
		}
		writeJSON(w, 200, map[string]any{"sub": "u-1", "given_name": "Grace", "family_name": "Hopper", "email": "grace@example.com", "nickname": "gh", "picture": "https://example.com/g.png"})
	}))
	t.Cleanup(srv.Close)
	id, err := UserInfo(t.Context(), srv.Client(), srv.URL, testAccessToken)
	if err != nil {
		t.Fatal(err)
	}
	want := backend.Identity{ExternalID: "u-1", Name: "Grace Hopper", Email: "grace@example.com", Handle: "gh", PictureURL: "https://example.com/g.png"}
	if id != want {
		t.Errorf("identity = %+v, want %+v", id, want)
	}
}

func TestUserInfoFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		header      string
		body        string
		reason      Reason
		want        string
	}{
		{"expired token", 401, "", `Bearer error="invalid_token", error_description="token ` + testAccessToken + ` expired"`, "", ReasonInvalidToken, "did not accept the access token"},
		{"insufficient scope", 403, "", `Bearer error="insufficient_scope"`, "", ReasonInvalidToken, "may not read the profile"},
		{"no sub", 200, "application/json", "", `{"name":"x"}`, ReasonMalformedResponse, "no sub"},
		{"not JSON", 200, "text/html", "", `<html></html>`, ReasonMalformedResponse, "did not answer with JSON"},
		{"signed JWT", 200, "application/jwt", "", `eyJ.eyJ.sig`, ReasonMalformedResponse, "signed answer"},
		{"oversized", 200, "application/json", "", `{"sub":"` + strings.Repeat("a", 2<<20) + `"}`, ReasonMalformedResponse, "larger than 1 MiB"},
		{"server error", 503, "", "", "", ReasonServerError, "HTTP 503"},
		{"not found", 404, "", "", "", ReasonMalformedResponse, "HTTP 404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				if tc.header != "" {
					w.Header().Set("WWW-Authenticate", tc.header)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(srv.Close)
			_, err := UserInfo(t.Context(), srv.Client(), srv.URL, testAccessToken)
			fe := wantFlowError(t, err, tc.reason)
			if !strings.Contains(fe.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", fe.Error(), tc.want)
			}
		})
	}
	_, err := UserInfo(t.Context(), nil, "http://userinfo.example.com/me", testAccessToken)
	wantFlowError(t, err, ReasonConfig)
}
