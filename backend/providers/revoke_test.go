package providers

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestRevoke(t *testing.T) {
	type seen struct {
		form  url.Values
		basic [2]string
	}
	for _, tc := range []struct {
		name         string
		id           string
		creds        backend.Credentials
		access, refr string
		route        string
		status       int
		body         string
		wantErr      string // "" for success, "none" for ErrNoRevocation, else a reason
		wantRequests int
		check        func(t *testing.T, reqs []seen)
	}{
		{name: "google", id: "google", access: tokAccess, refr: tokRefresh, route: "POST /revoke", status: 200, body: "{}", wantRequests: 2,
			check: func(t *testing.T, reqs []seen) {
				if reqs[0].form.Get("token") != tokRefresh || reqs[1].form.Get("token") != tokAccess {
					t.Error("want the refresh token revoked first, then the access token")
				}
				if reqs[0].form.Get("client_id") != "" || reqs[0].form.Get("client_secret") != "" || reqs[0].basic[0] != "" {
					t.Error("Google's revoke takes only the token")
				}
			}},
		{name: "google already revoked", id: "google", access: tokAccess, route: "POST /revoke", status: 400,
			body: `{"error":"invalid_token","error_description":"Token expired or revoked"}`, wantRequests: 1},
		{name: "google down", id: "google", access: tokAccess, route: "POST /revoke", status: 503, body: "<html>Service Unavailable</html>",
			wantErr: DetailUnavailable, wantRequests: 1},
		{name: "x confidential", id: "x", creds: testCreds, access: tokAccess, refr: tokRefresh, route: "POST /2/oauth2/revoke", status: 200,
			body: `{"revoked":true}`, wantRequests: 2,
			check: func(t *testing.T, reqs []seen) {
				if reqs[0].basic != [2]string{appID, appSecret} || reqs[0].form.Get("client_id") != "" {
					t.Errorf("want HTTP Basic for a confidential client, got %v %v", reqs[0].basic, reqs[0].form)
				}
				if reqs[0].form.Get("token_type_hint") != "refresh_token" || reqs[1].form.Get("token_type_hint") != "access_token" {
					t.Error("token_type_hint missing")
				}
			}},
		{name: "x public", id: "x", creds: backend.Credentials{ClientID: appID}, access: tokAccess, route: "POST /2/oauth2/revoke", status: 200,
			body: `{"revoked":true}`, wantRequests: 1,
			check: func(t *testing.T, reqs []seen) {
				if reqs[0].basic[0] != "" || reqs[0].form.Get("client_id") != appID {
					t.Error("want client_id in the body for a public client")
				}
			}},
		{name: "x not revoked", id: "x", creds: testCreds, access: tokAccess, route: "POST /2/oauth2/revoke", status: 200, body: `{"revoked":false}`,
			wantErr: DetailUnknown, wantRequests: 1},
		{name: "x bad client", id: "x", creds: testCreds, access: tokAccess, route: "POST /2/oauth2/revoke", status: 401,
			body: `{"error":"unauthorized_client","error_description":"Missing valid authorization header"}`, wantErr: DetailAppConfig, wantRequests: 1},
		{name: "tiktok", id: "tiktok", creds: testCreds, access: tokAccess, refr: tokRefresh, route: "POST /v2/oauth/revoke/", status: 200, body: "", wantRequests: 1,
			check: func(t *testing.T, reqs []seen) {
				f := reqs[0].form
				if f.Get("client_key") != appID || f.Get("client_secret") != appSecret || f.Get("token") != tokAccess || f.Get("client_id") != "" {
					t.Errorf("TikTok wants client_key, client_secret and token: %v", f)
				}
			}},
		{name: "tiktok empty object", id: "tiktok", creds: testCreds, access: tokAccess, route: "POST /v2/oauth/revoke/", status: 200, body: "{}", wantRequests: 1},
		{name: "tiktok error", id: "tiktok", creds: testCreds, access: tokAccess, route: "POST /v2/oauth/revoke/", status: 400,
			body:    `{"error":"invalid_client","error_description":"The client_key or client_secret is invalid.","log_id":"202206221854370101130062072500FFA2"}`,
			wantErr: DetailAppConfig, wantRequests: 1},
		{name: "tiktok no secret", id: "tiktok", creds: backend.Credentials{ClientID: appID}, access: tokAccess, wantErr: "invalid"},
		{name: "custom basic", id: "custom", creds: testCreds, refr: tokRefresh, route: "POST /revoke", status: 200, body: "", wantRequests: 1,
			check: func(t *testing.T, reqs []seen) {
				if reqs[0].basic != [2]string{appID, appSecret} {
					t.Error("want HTTP Basic")
				}
			}},
		{name: "linkedin", id: "linkedin", access: tokAccess, wantErr: "none"},
		{name: "pinterest", id: "pinterest", access: tokAccess, wantErr: "none"},
		{name: "microsoft", id: "microsoft", access: tokAccess, refr: tokRefresh, wantErr: "none"},
		{name: "instagram", id: "instagram", access: tokAccess, wantErr: "none"},
		{name: "nothing to revoke", id: "google", wantErr: "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var reqs []seen
			routes := map[string]http.HandlerFunc{}
			if tc.route != "" {
				routes[tc.route] = func(w http.ResponseWriter, r *http.Request) {
					if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
						t.Errorf("Content-Type = %q", ct)
					}
					r.ParseForm()
					u, pw, _ := r.BasicAuth()
					mu.Lock()
					reqs = append(reqs, seen{r.PostForm, [2]string{u, pw}})
					mu.Unlock()
					reply(tc.status, tc.body)(w, r)
				}
			}
			f := newFake(t, routes)
			p := providerFor(t, tc.id, f)
			err := NewPlatform(p, f.srv.Client()).Revoke(context.Background(), p, tc.creds, tc.access, tc.refr)
			switch tc.wantErr {
			case "":
				if err != nil {
					t.Fatal(err)
				}
			case "none":
				if err != backend.ErrNoRevocation {
					t.Fatalf("err = %v, want ErrNoRevocation", err)
				}
				if p.AccessSettingsURL == "" {
					t.Error("no access_settings_url to send the owner to")
				}
			case "invalid":
				if backend.ErrorCode(err) != backend.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
			default:
				if DetailOf(err) != tc.wantErr {
					t.Fatalf("err = %v (reason %q), want reason %q", err, DetailOf(err), tc.wantErr)
				}
			}
			assertNoSecret(t, err)
			if len(reqs) != tc.wantRequests {
				t.Fatalf("%d requests, want %d", len(reqs), tc.wantRequests)
			}
			if tc.check != nil {
				tc.check(t, reqs)
			}
		})
	}
}
