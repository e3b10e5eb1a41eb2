package providers

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

const igProfile = `{"id":"7312984562093001","user_id":"17841405822304914","username":"acmebakery","name":"Acme Bakery","profile_picture_url":"https://scontent.cdninstagram.com/v/t51.2885-19/acme.jpg"}`

func instagramRoutes(t *testing.T, profile string) map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /access_token": func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("grant_type") != "ig_exchange_token" || q.Get("client_secret") != appSecret || q.Get("access_token") != tokShort {
				reply(400, graphErr(190, 0, "Invalid OAuth access token - Cannot parse access token"))(w, r)
				return
			}
			reply(200, `{"access_token":"`+tokLong+`","token_type":"bearer","expires_in":5183944}`)(w, r)
		},
		"GET /me": func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("access_token") != tokLong {
				reply(400, graphErr(190, 0, "Invalid OAuth access token - Cannot parse access token"))(w, r)
				return
			}
			if q.Get("fields") != "id,user_id,username,name,profile_picture_url" {
				t.Errorf("fields = %q", q.Get("fields"))
			}
			reply(200, profile)(w, r)
		},
		"GET /refresh_access_token": func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("grant_type") != "ig_refresh_token" || q.Get("access_token") != tokLong {
				reply(400, graphErr(190, 0, "Invalid OAuth access token - Cannot parse access token"))(w, r)
				return
			}
			reply(200, `{"access_token":"`+tokAccess+`","token_type":"bearer","expires_in":5183944,"permissions":"instagram_business_basic,instagram_business_content_publish"}`)(w, r)
		},
	}
}

func TestInstagramComplete(t *testing.T) {
	wantID := backend.Identity{ExternalID: "17841405822304914", Name: "Acme Bakery", Handle: "acmebakery", PictureURL: "https://scontent.cdninstagram.com/v/t51.2885-19/acme.jpg"}
	for _, tc := range []struct {
		name, profile string
		want          backend.Identity
	}{
		{"bare profile", igProfile, wantID},
		{"profile in data list", `{"data":[` + igProfile + `]}`, wantID},
		{"app-scoped id only", `{"id":"7312984562093001","username":"acmebakery"}`, backend.Identity{ExternalID: "7312984562093001", Name: "acmebakery", Handle: "acmebakery"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, instagramRoutes(t, tc.profile))
			p := fakeProvider(t, "instagram", f)
			pl := NewPlatform(p, f.srv.Client()).(*instagram)
			pl.now = func() time.Time { return fixedNow }
			g := &backend.Grant{AccessToken: tokShort, Scopes: []string{"instagram_business_basic"}}
			if err := pl.Complete(context.Background(), p, testCreds, g); err != nil {
				t.Fatal(err)
			}
			if g.AccessToken != tokLong || g.ExpiresAt == nil || !g.ExpiresAt.Equal(fixedNow.Add(5183944*time.Second)) {
				t.Errorf("long-lived token not stored: %+v", g)
			}
			if g.Identity != tc.want {
				t.Errorf("identity %+v, want %+v", g.Identity, tc.want)
			}
			if len(g.Scopes) != 1 {
				t.Error("scopes from the code exchange were lost")
			}
		})
	}
}

func TestInstagramErrors(t *testing.T) {
	for _, tc := range []struct {
		name, route string
		status      int
		body        string
		creds       backend.Credentials
		reason      string
		want        string
	}{
		{"no secret", "", 0, "", backend.Credentials{ClientID: appID}, DetailAppConfig, "needs the app secret"},
		{"checkpoint", "GET /access_token", 400, graphErr(190, 0, "Error validating access token: You cannot access the app till you log in to www.instagram.com and follow the instructions given."), testCreds, DetailCheckpoint, "security check"},
		{"basic display token", "GET /access_token", 400, `{"error":{"message":"Unsupported request - method type: get","type":"IGApiException","code":100,"fbtrace_id":"AnH"}}`, testCreds, DetailUnknown, "error 100"},
		{"profile html", "GET /me", 200, "<html>Instagram</html>", testCreds, DetailBadResponse, "web page"},
		{"profile without id", "GET /me", 200, `{"username":"x"}`, testCreds, DetailBadResponse, "did not say whose account"},
		{"profile list", "GET /me", 200, `[1,2]`, testCreds, DetailBadResponse, "did not say whose account"},
		{"rate limited", "GET /me", 400, graphErr(4, 0, "(#4) Application request limit reached"), testCreds, DetailRateLimited, "Instagram is limiting"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			routes := instagramRoutes(t, igProfile)
			if tc.route != "" {
				routes[tc.route] = reply(tc.status, tc.body)
			}
			f := newFake(t, routes)
			p := fakeProvider(t, "instagram", f)
			err := NewPlatform(p, f.srv.Client()).Complete(context.Background(), p, tc.creds, &backend.Grant{AccessToken: tokShort})
			if err == nil || DetailOf(err) != tc.reason || !strings.Contains(backend.ErrorMessage(err), tc.want) {
				t.Errorf("err = %v (%q), want %q containing %q", err, DetailOf(err), tc.reason, tc.want)
			}
			assertNoSecret(t, err)
		})
	}
}

func TestInstagramRefresh(t *testing.T) {
	f := newFake(t, instagramRoutes(t, igProfile))
	p := fakeProvider(t, "instagram", f)
	before := time.Now()
	g, err := newChecker(p, f.srv.Client()).Refresh(context.Background(), p, backend.Credentials{}, tokLong, "")
	if err != nil {
		t.Fatal(err)
	}
	if g.AccessToken != tokAccess || g.ExpiresAt == nil || g.ExpiresAt.Before(before.Add(5183944*time.Second)) {
		t.Errorf("grant %+v", g)
	}
	// A token younger than 24 hours, or expired, is refused.
	routes := instagramRoutes(t, igProfile)
	routes["GET /refresh_access_token"] = reply(400, graphErr(190, 463, "Error validating access token: Session has expired on Friday, 01-May-26."))
	f = newFake(t, routes)
	p = fakeProvider(t, "instagram", f)
	_, err = newChecker(p, f.srv.Client()).Refresh(context.Background(), p, backend.Credentials{}, tokLong, "")
	if DetailOf(err) != DetailExpired || !strings.Contains(err.Error(), "Instagram") {
		t.Errorf("expired: %v", err)
	}
	assertNoSecret(t, err)
	if _, err := newChecker(p, nil).Refresh(context.Background(), p, backend.Credentials{}, "", ""); backend.ErrorCode(err) != backend.EINVALID {
		t.Errorf("empty token: %v", err)
	}
	p.GraphURL = ""
	if _, err := newChecker(p, nil).Refresh(context.Background(), p, backend.Credentials{}, tokLong, ""); backend.ErrorCode(err) != backend.EINVALID || !strings.Contains(err.Error(), "graph_url") {
		t.Errorf("no graph_url: %v", err)
	}
}
