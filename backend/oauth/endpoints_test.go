package oauth

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// replies is a Caller that answers from a list and records the requests.
type replies struct {
	answers []*Response
	forms   []url.Values
	basic   []string
}

func (r *replies) Get(context.Context, string, string) (*Response, error) { return r.next(), nil }

func (r *replies) PostForm(_ context.Context, _ string, form url.Values, user, _ string) (*Response, error) {
	r.forms, r.basic = append(r.forms, form), append(r.basic, user)
	return r.next(), nil
}

func (r *replies) next() *Response {
	a := r.answers[0]
	if len(r.answers) > 1 {
		r.answers = r.answers[1:]
	}
	return a
}

func reply(status int, body string) *Response {
	return &Response{Status: status, Header: http.Header{}, Body: []byte(body)}
}

func TestRevokeOutcome(t *testing.T) {
	p := &backend.Provider{RevokeURL: "https://id.example/revoke"}
	creds := backend.Credentials{ClientID: "app", ClientSecret: "s3cret"}
	tests := []struct {
		name string
		r    *Response
		want Revocation
	}{
		{"200 empty", reply(200, ""), Revoked},
		{"200 revoked true", reply(200, `{"revoked":true}`), Revoked},
		{"X says not revoked", reply(200, `{"revoked":false}`), NotRevoked},
		{"already invalid (Google)", reply(400, `{"error":"invalid_token"}`), Revoked},
		{"invalid_grant", reply(400, `{"error":"invalid_grant"}`), Revoked},
		{"unsupported type", reply(400, `{"error":"unsupported_token_type"}`), Unsupported},
		{"refused JWT (oidc-provider)", reply(400, `{"error":"invalid_request","error_description":"Structured JWT Tokens cannot be revoked"}`), Failed},
		{"server error", reply(503, ""), Failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &replies{answers: []*Response{tt.r}}
			_, got, err := Revoke(context.Background(), c, p, creds, "tok", "refresh_token", true)
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
			if f := c.forms[0]; f.Get("token") != "tok" || f.Get("token_type_hint") != "refresh_token" || c.basic[0] != "app" {
				t.Errorf("request form %v, basic user %q", f, c.basic[0])
			}
		})
	}
}

// With client_auth unset, a refused Basic is tried again in the body; a
// refused refresh token is not.
func TestRefreshGrantAuthFallback(t *testing.T) {
	creds := backend.Credentials{ClientID: "app", ClientSecret: "s3cret"}
	tests := []struct {
		name       string
		clientAuth string
		first      *Response
		wantPosts  int
	}{
		{"accepted", "", reply(200, `{"access_token":"a"}`), 1},
		{"401 retried in the body", "", reply(401, ""), 2},
		{"invalid_client retried", "", reply(400, `{"error":"invalid_client"}`), 2},
		{"invalid_grant not retried", "", reply(400, `{"error":"invalid_grant"}`), 1},
		{"client_auth basic not retried", "basic", reply(401, ""), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &backend.Provider{TokenURL: "https://id.example/token", ClientAuth: tt.clientAuth}
			c := &replies{answers: []*Response{tt.first, reply(200, `{"access_token":"a"}`)}}
			if _, err := RefreshGrant(context.Background(), c, p, creds, "rt"); err != nil {
				t.Fatal(err)
			}
			if len(c.forms) != tt.wantPosts {
				t.Fatalf("%d requests, want %d", len(c.forms), tt.wantPosts)
			}
			if tt.wantPosts == 2 && (c.basic[1] != "" || c.forms[1].Get("client_secret") != "s3cret") {
				t.Errorf("the retry did not carry the credentials in the body: %v", c.forms[1])
			}
			if c.forms[0].Get("grant_type") != "refresh_token" || c.forms[0].Get("refresh_token") != "rt" {
				t.Errorf("form %v", c.forms[0])
			}
		})
	}
}

func TestReadTokenReply(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		r           *Response
		ok, bad     bool
		wantExpires time.Duration
		wantRefresh time.Duration
	}{
		{"hour", reply(200, `{"access_token":"a","token_type":"Bearer","expires_in":3600}`), true, false, time.Hour, 0},
		{"absurd expires_in", reply(200, `{"access_token":"a","expires_in":9223372037}`), true, false, MaxAccessLifetime, 0},
		{"expires_in as a string", reply(200, `{"access_token":"a","expires_in":"60"}`), true, false, time.Minute, 0},
		{"refresh lifetime clamped", reply(200, `{"access_token":"a","refresh_expires_in":1e30}`), true, false, 0, MaxRefreshLifetime},
		{"MAC refused", reply(200, `{"access_token":"a","token_type":"MAC"}`), true, true, 0, 0},
		{"space refused", reply(200, `{"access_token":"a b"}`), true, true, 0, 0},
		{"error reply", reply(400, `{"error":"invalid_grant"}`), false, false, 0, 0},
		{"no access token", reply(200, `{"refresh_token":"r"}`), false, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, ok, fe := ReadTokenReply("Acme ID", tt.r)
			if ok != tt.ok || (fe != nil) != tt.bad {
				t.Fatalf("ok %v, error %v; want ok %v, refused %v", ok, fe, tt.ok, tt.bad)
			}
			if !ok || tt.bad {
				return
			}
			g := tr.Grant(now, 0)
			if d := durationFrom(now, g.ExpiresAt); d != tt.wantExpires {
				t.Errorf("access lasts %v, want %v", d, tt.wantExpires)
			}
			if d := durationFrom(now, g.RefreshExpiresAt); d != tt.wantRefresh {
				t.Errorf("refresh lasts %v, want %v", d, tt.wantRefresh)
			}
		})
	}
}

func durationFrom(now time.Time, t *time.Time) time.Duration {
	if t == nil {
		return 0
	}
	return t.Sub(now)
}
