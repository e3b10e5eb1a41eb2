package providers

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// vcase is one Validate call against a fake platform.
type vcase struct {
	name   string
	id     string // provider id, or "custom"
	creds  *backend.Credentials
	setup  func(p *backend.Provider, f *fake)
	route  string
	h      http.HandlerFunc
	valid  bool
	reason string // the verdict's reason, or the error's when err is set
	err    bool   // no verdict: an error
	retry  time.Duration
	check  func(t *testing.T, v *backend.Validation)
}

var validateCases = []vcase{
	// ---- Facebook ----
	{name: "facebook user token", id: "facebook", route: "GET /v25.0/debug_token",
		h: func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("input_token") != tokLong || q.Get("access_token") != appID+"|"+appSecret {
				reply(400, graphErr(100, 0, "bad request"))(w, r)
				return
			}
			respond(200, fbDebugValid, "X-App-Usage", appUsage)(w, r)
		},
		valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if v.ExpiresAt == nil || v.ExpiresAt.Unix() != 1782993600 || v.DataAccessExpiresAt == nil || v.DataAccessExpiresAt.Unix() != 1785585600 {
				t.Errorf("expiries %v %v", v.ExpiresAt, v.DataAccessExpiresAt)
			}
			if !reflect.DeepEqual(v.AssetIDs, []string{"111", "222", "333"}) || len(v.Scopes) != 4 {
				t.Errorf("assets %v scopes %v", v.AssetIDs, v.Scopes)
			}
			want := map[string]string{"app call_count": "12%", "app total_time": "3%", "app total_cputime": "4%"}
			if !reflect.DeepEqual(v.Usage, want) {
				t.Errorf("usage %v", v.Usage)
			}
			if v.Identity == nil || v.Identity.ExternalID != "10158" {
				t.Errorf("identity %+v", v.Identity)
			}
		}},
	{name: "facebook page token never expires", id: "facebook", route: "GET /v25.0/debug_token", h: reply(200, fbDebugPage), valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if v.ExpiresAt != nil || v.DataAccessExpiresAt != nil || !reflect.DeepEqual(v.AssetIDs, []string{"111"}) || v.Identity.ExternalID != "111" || v.Usage != nil {
				t.Errorf("page validation %+v", v)
			}
		}},
	{name: "facebook without granular targets", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(200, `{"data":{"app_id":"1234567890","type":"USER","expires_at":1782993600,"is_valid":true,"scopes":["public_profile"],"granular_scopes":[{"scope":"pages_show_list"}],"user_id":"10158"}}`), valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if v.AssetIDs != nil {
				t.Errorf("AssetIDs = %v, want nil", v.AssetIDs)
			}
		}},
	{name: "facebook password changed", id: "facebook", route: "GET /v25.0/debug_token",
		h:      reply(200, fbInvalid(460, "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.")),
		reason: backend.ReasonPasswordChanged,
		check: func(t *testing.T, v *backend.Validation) {
			if !strings.Contains(v.Message, "password was changed") {
				t.Errorf("message %q", v.Message)
			}
		}},
	{name: "facebook app removed", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(200, fbInvalid(458, "Error validating access token: The user has not authorized application 1234567890.")), reason: backend.ReasonRevoked},
	{name: "facebook session expired", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(200, fbInvalid(463, "Error validating access token: Session has expired on Friday, 24-Apr-26 05:00:00 PDT. The current time is Friday, 01-May-26 05:00:00 PDT.")), reason: backend.ReasonExpired},
	{name: "facebook checkpoint", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(200, fbInvalid(459, "Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.")), reason: backend.ReasonCheckpoint},
	{name: "facebook unconfirmed user", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(200, fbInvalid(464, "Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user.")), reason: backend.ReasonCheckpoint},
	{name: "facebook logged out", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(200, fbInvalid(467, "Error validating access token: The user has logged out.")), reason: backend.ReasonRevoked},
	{name: "facebook page role removed", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(200, fbInvalid(492, "Error validating access token: The user associated with the Page access token does not have an appropriate role on the Page.")), reason: backend.ReasonPermissionLost},
	{name: "facebook invalid without detail", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(200, `{"data":{"app_id":"1234567890","type":"USER","is_valid":false,"scopes":[]}}`), reason: backend.ReasonUnknown},
	{name: "facebook invalid past expiry", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(200, `{"data":{"app_id":"1234567890","type":"USER","expires_at":1777000000,"is_valid":false,"scopes":[]}}`), reason: backend.ReasonExpired},
	{name: "facebook data access expired", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(200, `{"data":{"app_id":"1234567890","type":"USER","expires_at":0,"data_access_expires_at":1777000000,"is_valid":true,"scopes":["email"],"user_id":"10158"}}`), reason: backend.ReasonExpired,
		check: func(t *testing.T, v *backend.Validation) {
			if !strings.Contains(v.Message, "data access") {
				t.Errorf("message %q", v.Message)
			}
		}},
	{name: "facebook wrong app secret", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(400, graphErr(190, 0, "Invalid OAuth access token signature.")), err: true, reason: backend.ReasonAppMisconfigured},
	{name: "facebook token of another app", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(400, graphErr(100, 0, "(#100) The App_id in the input_token did not match the Viewing App")), err: true, reason: backend.ReasonAppMisconfigured},
	{name: "facebook app rate limited", id: "facebook", route: "GET /v25.0/debug_token",
		h:   respond(400, `{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","is_transient":true,"code":4,"fbtrace_id":"AxYz"}}`, "X-App-Usage", `{"call_count":100,"total_time":25,"total_cputime":25}`),
		err: true, reason: backend.ReasonRateLimited},
	{name: "facebook business use case limit", id: "facebook", route: "GET /v25.0/debug_token",
		h:   respond(400, graphErr(80004, 0, "There have been too many calls to this ad-account."), "X-Business-Use-Case-Usage", `{"112233":[{"type":"ads_management","call_count":100,"total_cputime":30,"total_time":40,"estimated_time_to_regain_access":15}]}`),
		err: true, reason: backend.ReasonRateLimited, retry: 15 * time.Minute},
	{name: "facebook user limit", id: "facebook", route: "GET /v25.0/debug_token", h: reply(400, graphErr(17, 0, "(#17) User request limit reached")), err: true, reason: backend.ReasonRateLimited},
	{name: "facebook page limit", id: "facebook", route: "GET /v25.0/debug_token", h: reply(400, graphErr(32, 0, "(#32) Page request limit reached")), err: true, reason: backend.ReasonRateLimited},
	{name: "facebook api limit", id: "facebook", route: "GET /v25.0/debug_token", h: reply(400, graphErr(613, 0, "(#613) Calls to this api have exceeded the rate limit.")), err: true, reason: backend.ReasonRateLimited},
	{name: "facebook server error html", id: "facebook", route: "GET /v25.0/debug_token", h: reply(502, "<html><body>502 Bad Gateway</body></html>"), err: true, reason: backend.ReasonProviderDown},
	{name: "facebook transient graph error", id: "facebook", route: "GET /v25.0/debug_token",
		h: reply(500, `{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","is_transient":true,"code":2,"fbtrace_id":"A"}}`), err: true, reason: backend.ReasonProviderDown},
	{name: "facebook empty", id: "facebook", route: "GET /v25.0/debug_token", h: reply(200, ""), err: true, reason: backend.ReasonProviderDown},
	{name: "facebook html 200", id: "facebook", route: "GET /v25.0/debug_token", h: reply(200, "<!DOCTYPE html><html>Log in to the Wi-Fi</html>"), err: true, reason: backend.ReasonProviderDown},
	{name: "facebook malformed", id: "facebook", route: "GET /v25.0/debug_token", h: reply(200, `{"data":{"is_valid":tr`), err: true, reason: backend.ReasonProviderDown},
	{name: "facebook no data", id: "facebook", route: "GET /v25.0/debug_token", h: reply(200, `{"ok":true}`), err: true, reason: backend.ReasonProviderDown},
	{name: "facebook oversized", id: "facebook", route: "GET /v25.0/debug_token", h: reply(200, `{"data":{"scopes":["`+strings.Repeat("x", maxBody)+`"]}}`), err: true, reason: backend.ReasonProviderDown},
	{name: "facebook without secret", id: "facebook", creds: &backend.Credentials{ClientID: appID}, route: "GET /v25.0/me",
		h: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("access_token") != tokLong {
				reply(400, graphErr(190, 0, "Invalid OAuth access token - Cannot parse access token"))(w, r)
				return
			}
			respond(200, `{"id":"10158","name":"Jane Doe"}`, "X-App-Usage", appUsage)(w, r)
		},
		valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if !strings.Contains(v.Message, "Partial check") || v.Identity.ExternalID != "10158" || v.Scopes != nil || v.Usage["app call_count"] != "12%" {
				t.Errorf("partial validation %+v", v)
			}
		}},
	{name: "facebook without secret password changed", id: "facebook", creds: &backend.Credentials{ClientID: appID}, route: "GET /v25.0/me",
		h: reply(400, graphErr(190, 460, "Error validating access token: The session has been invalidated because the user changed their password.")), reason: backend.ReasonPasswordChanged},
	{name: "facebook without secret unknown graph error", id: "facebook", creds: &backend.Credentials{ClientID: appID}, route: "GET /v25.0/me",
		h: reply(400, graphErr(100, 33, "Unsupported get request.")), err: true, reason: backend.ReasonUnknown},

	// ---- Instagram ----
	{name: "instagram profile", id: "instagram", route: "GET /me",
		h: func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("access_token") != tokLong || q.Get("fields") != "user_id,username" {
				reply(400, graphErr(190, 0, "Invalid OAuth access token - Cannot parse access token"))(w, r)
				return
			}
			respond(200, `{"user_id":"17841405822304914","username":"acmebakery","id":"26001234"}`,
				"X-Business-Use-Case-Usage", `{"17841405822304914":[{"type":"instagram","call_count":8,"total_cputime":1,"total_time":2,"estimated_time_to_regain_access":0}]}`)(w, r)
		},
		valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if v.Identity.ExternalID != "17841405822304914" || v.Identity.Handle != "acmebakery" || v.Usage["instagram call_count"] != "8%" {
				t.Errorf("instagram validation %+v", v)
			}
		}},
	{name: "instagram expired", id: "instagram", route: "GET /me",
		h: reply(400, graphErr(190, 0, "Error validating access token: Session has expired on Friday, 24-Apr-26 05:00:00 PDT.")), reason: backend.ReasonExpired},
	{name: "instagram checkpoint", id: "instagram", route: "GET /me",
		h: reply(400, graphErr(190, 0, "Error validating access token: You cannot access the app till you log in to www.instagram.com and follow the instructions given.")), reason: backend.ReasonCheckpoint},
	{name: "instagram unparsable token", id: "instagram", route: "GET /me",
		h: reply(400, graphErr(190, 0, "Invalid OAuth access token - Cannot parse access token")), reason: backend.ReasonRevoked},
	{name: "instagram rate limited", id: "instagram", route: "GET /me",
		h: respond(400, graphErr(4, 0, "(#4) Application request limit reached"), "Retry-After", "90"), err: true, reason: backend.ReasonRateLimited, retry: 90 * time.Second},

	// ---- Google ----
	{name: "google tokeninfo", id: "google", route: "GET /tokeninfo",
		h: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("access_token") != tokAccess {
				reply(400, `{"error":"invalid_token","error_description":"Invalid Value"}`)(w, r)
				return
			}
			reply(200, `{"azp":"1234567890.apps.googleusercontent.com","aud":"1234567890.apps.googleusercontent.com","sub":"109876543210","scope":"openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/youtube.readonly","exp":"`+unix(testNow.Add(50*time.Minute))+`","expires_in":"2999","email":"owner@example.com","email_verified":"true","access_type":"offline"}`)(w, r)
		},
		valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if v.ExpiresAt == nil || !v.ExpiresAt.Equal(testNow.Add(50*time.Minute)) || len(v.Scopes) != 3 || v.Identity.Email != "owner@example.com" || v.Identity.ExternalID != "109876543210" {
				t.Errorf("google validation %+v", v)
			}
		}},
	{name: "google invalid token", id: "google", route: "GET /tokeninfo", h: reply(400, `{"error":"invalid_token","error_description":"Invalid Value"}`), reason: backend.ReasonExpired,
		check: func(t *testing.T, v *backend.Validation) {
			if !strings.Contains(v.Message, "does not say which") {
				t.Errorf("message %q", v.Message)
			}
		}},
	{name: "google unavailable", id: "google", route: "GET /tokeninfo", h: respond(503, `{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`, "Retry-After", "120"),
		err: true, reason: backend.ReasonProviderDown, retry: 2 * time.Minute},
	{name: "google not tokeninfo", id: "google", route: "GET /tokeninfo", h: reply(200, `{}`), err: true, reason: backend.ReasonProviderDown},

	// ---- LinkedIn ----
	{name: "linkedin active", id: "linkedin", route: "POST /oauth/v2/introspectToken",
		h: func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			if r.PostForm.Get("client_id") != appID || r.PostForm.Get("client_secret") != appSecret || r.PostForm.Get("token") != tokAccess {
				reply(401, `{"error":"invalid_client","error_description":"Client authentication failed"}`)(w, r)
				return
			}
			reply(200, `{"active":true,"client_id":"1234567890","authorized_at":1777000000,"created_at":1777000000,"status":"active","expires_at":1782184000,"scope":"email,openid,profile,w_member_social","auth_type":"3L"}`)(w, r)
		},
		valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if v.ExpiresAt == nil || v.ExpiresAt.Unix() != 1782184000 || !reflect.DeepEqual(v.Scopes, []string{"email", "openid", "profile", "w_member_social"}) {
				t.Errorf("linkedin validation %+v", v)
			}
		}},
	{name: "linkedin expired", id: "linkedin", route: "POST /oauth/v2/introspectToken",
		h: reply(200, `{"active":false,"client_id":"1234567890","authorized_at":1770000000,"created_at":1770000000,"status":"expired","expires_at":1775184000,"scope":"openid,profile","auth_type":"3L"}`), reason: backend.ReasonExpired},
	{name: "linkedin revoked", id: "linkedin", route: "POST /oauth/v2/introspectToken",
		h: reply(200, `{"active":false,"client_id":"1234567890","authorized_at":1777000000,"created_at":1777000000,"status":"revoked","expires_at":1782184000,"scope":"openid,profile","auth_type":"3L"}`), reason: backend.ReasonRevoked},
	{name: "linkedin bad client", id: "linkedin", route: "POST /oauth/v2/introspectToken",
		h: reply(401, `{"error":"invalid_client","error_description":"Client authentication failed"}`), err: true, reason: backend.ReasonAppMisconfigured},
	{name: "linkedin no active field", id: "linkedin", route: "POST /oauth/v2/introspectToken", h: reply(200, `{"status":"active"}`), err: true, reason: backend.ReasonProviderDown},
	{name: "linkedin without secret revoked", id: "linkedin", creds: &backend.Credentials{ClientID: appID}, route: "GET /v2/userinfo",
		h: reply(401, `{"serviceErrorCode":65601,"code":"REVOKED_ACCESS_TOKEN","message":"The token used in the request has been revoked by the user","status":401}`), reason: backend.ReasonRevoked},
	{name: "linkedin without secret expired", id: "linkedin", creds: &backend.Credentials{ClientID: appID}, route: "GET /v2/userinfo",
		h: reply(401, `{"serviceErrorCode":65602,"code":"EXPIRED_ACCESS_TOKEN","message":"The token used in the request has expired","status":401}`), reason: backend.ReasonExpired},
	{name: "linkedin without secret ok", id: "linkedin", creds: &backend.Credentials{ClientID: appID}, route: "GET /v2/userinfo",
		h: wantBearerH(tokAccess, reply(200, `{"sub":"782bbtaQ","name":"John Doe","email":"doe@email.com","email_verified":true}`)), valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if !strings.Contains(v.Message, "Partial check") || v.Identity.ExternalID != "782bbtaQ" {
				t.Errorf("linkedin partial %+v", v)
			}
		}},

	// ---- X ----
	{name: "x users me", id: "x", route: "GET /2/users/me",
		h: wantBearerH(tokAccess, respond(200, `{"data":{"id":"2244994945","name":"X Dev","username":"XDevelopers"}}`,
			"x-rate-limit-limit", "75", "x-rate-limit-remaining", "72", "x-rate-limit-reset", unix(testNow.Add(10*time.Minute)))),
		valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			want := map[string]string{"limit": "75", "remaining": "72", "used": "4%", "reset": testNow.Add(10 * time.Minute).Format(time.RFC3339)}
			if !reflect.DeepEqual(v.Usage, want) || v.Identity.Handle != "XDevelopers" {
				t.Errorf("x validation %+v", v)
			}
		}},
	{name: "x unauthorized", id: "x", route: "GET /2/users/me",
		h: reply(401, `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`), reason: backend.ReasonExpired},
	{name: "x rate limited", id: "x", route: "GET /2/users/me",
		h: respond(429, `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`,
			"x-rate-limit-limit", "75", "x-rate-limit-remaining", "0", "x-rate-limit-reset", unix(testNow.Add(15*time.Minute))),
		err: true, reason: backend.ReasonRateLimited, retry: 15 * time.Minute},
	{name: "x client not enrolled", id: "x", route: "GET /2/users/me",
		h:   reply(403, `{"client_id":"1234567890","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}`),
		err: true, reason: backend.ReasonAppMisconfigured},
	{name: "x suspended", id: "x", route: "GET /2/users/me",
		h: reply(403, `{"detail":"Your account is suspended and is not permitted to access this feature.","title":"Forbidden","status":403,"type":"about:blank"}`), reason: backend.ReasonCheckpoint},
	{name: "x no such endpoint", id: "x", route: "GET /2/users/me",
		h: reply(404, `{"errors":[{"message":"Sorry, that page does not exist","code":34}]}`), err: true, reason: backend.ReasonUnknown},

	// ---- TikTok ----
	{name: "tiktok user info", id: "tiktok", route: "GET /v2/user/info/",
		h:     wantBearerH(tokAccess, reply(200, `{"data":{"user":{"avatar_url":"https://p19-sign.tiktokcdn-us.com/avatar.jpeg","open_id":"723f24d7-e717-40f8-a2b6-cb8464cd23b4","union_id":"c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1","display_name":"Acme"}},"error":{"code":"ok","message":"","log_id":"20220829194722CBE87ED59D524E727021"}}`)),
		valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if v.Identity.ExternalID != "723f24d7-e717-40f8-a2b6-cb8464cd23b4" || v.Identity.Name != "Acme" {
				t.Errorf("tiktok validation %+v", v)
			}
		}},
	{name: "tiktok token invalid", id: "tiktok", route: "GET /v2/user/info/",
		h: reply(401, `{"data":{},"error":{"code":"access_token_invalid","message":"The access token is invalid or not found in the request.","log_id":"202206221854370101130062072500FFA2"}}`), reason: backend.ReasonExpired},
	{name: "tiktok scope missing", id: "tiktok", route: "GET /v2/user/info/",
		h: reply(403, `{"data":{},"error":{"code":"scope_not_authorized","message":"The user did not authorize the scope required for completing this request.","log_id":"202206221854370101130062072500FFA2"}}`), reason: backend.ReasonScopeMissing},
	{name: "tiktok rate limited", id: "tiktok", route: "GET /v2/user/info/",
		h: reply(429, `{"data":{},"error":{"code":"rate_limit_exceeded","message":"The API rate limit was exceeded. Please try again later.","log_id":"202206221854370101130062072500FFA2"}}`), err: true, reason: backend.ReasonRateLimited},
	{name: "tiktok internal error", id: "tiktok", route: "GET /v2/user/info/",
		h: reply(500, `{"data":{},"error":{"code":"internal_error","message":"Something went wrong.","log_id":"2022"}}`), err: true, reason: backend.ReasonProviderDown},

	// ---- Pinterest ----
	{name: "pinterest user account", id: "pinterest", route: "GET /v5/user_account",
		h: wantBearerH(tokAccess, respond(200, `{"account_type":"BUSINESS","id":"549755885175","profile_image":"https://i.pinimg.com/acme.jpg","website_url":"https://acme.example","username":"acme","business_name":"Acme Bakery"}`,
			"X-RateLimit-Limit", "1000", "X-RateLimit-Remaining", "990")),
		valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if v.Identity.ExternalID != "549755885175" || v.Identity.Name != "Acme Bakery" || v.Usage["used"] != "1%" {
				t.Errorf("pinterest validation %+v", v)
			}
		}},
	{name: "pinterest authentication failed", id: "pinterest", route: "GET /v5/user_account",
		h: reply(401, `{"code":2,"message":"Authentication failed."}`), reason: backend.ReasonRevoked},
	{name: "pinterest rate limited with date", id: "pinterest", route: "GET /v5/user_account",
		h:   respond(429, `{"code":8,"message":"You have exceeded your rate limit. Try again later."}`, "Retry-After", testNow.Add(3*time.Minute).Format(http.TimeFormat)),
		err: true, reason: backend.ReasonRateLimited, retry: 3 * time.Minute},

	// ---- Microsoft ----
	{name: "microsoft me", id: "microsoft", route: "GET /v1.0/me",
		h:     wantBearerH(tokAccess, reply(200, `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users/$entity","id":"87d349ed-44d7-43e1-9a83-5f2406dee5bd","displayName":"Megan Bowen","mail":"MeganB@contoso.com","userPrincipalName":"MeganB@contoso.com"}`)),
		valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if v.Identity.ExternalID != "87d349ed-44d7-43e1-9a83-5f2406dee5bd" || v.Identity.Email != "MeganB@contoso.com" {
				t.Errorf("microsoft validation %+v", v)
			}
		}},
	{name: "microsoft token expired", id: "microsoft", route: "GET /v1.0/me",
		h: reply(401, `{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired.","innerError":{"date":"2026-05-01T12:00:00","request-id":"0c9cd8d3","client-request-id":"0c9cd8d3"}}}`), reason: backend.ReasonExpired},
	{name: "microsoft revoked by continuous access evaluation", id: "microsoft", route: "GET /v1.0/me",
		h: respond(401, `{"error":{"code":"InvalidAuthenticationToken","message":"Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp","innerError":{"date":"2026-05-01T12:00:00"}}}`,
			"WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ=="`),
		reason: backend.ReasonRevoked},
	{name: "microsoft insufficient privileges", id: "microsoft", route: "GET /v1.0/me",
		h: reply(403, `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-05-01T12:00:00"}}}`), reason: backend.ReasonScopeMissing},
	{name: "microsoft throttled", id: "microsoft", route: "GET /v1.0/me",
		h: respond(429, `{"error":{"code":"TooManyRequests","message":"Too many requests."}}`, "Retry-After", "10"), err: true, reason: backend.ReasonRateLimited, retry: 10 * time.Second},
	{name: "microsoft service unavailable", id: "microsoft", route: "GET /v1.0/me",
		h: respond(503, `{"error":{"code":"serviceNotAvailable","message":"Service unavailable"}}`, "Retry-After", "30"), err: true, reason: backend.ReasonProviderDown, retry: 30 * time.Second},

	// ---- Custom providers: RFC 7662, userinfo ----
	{name: "custom introspection active", id: "custom",
		setup: func(p *backend.Provider, f *fake) { p.IntrospectURL = f.srv.URL + "/introspect" },
		route: "POST /introspect",
		h: func(w http.ResponseWriter, r *http.Request) {
			user, pass, ok := r.BasicAuth()
			r.ParseForm()
			if !ok || user != appID || pass != appSecret || r.PostForm.Get("token") != tokAccess || r.PostForm.Get("token_type_hint") != "access_token" {
				reply(401, `{"error":"invalid_client"}`)(w, r)
				return
			}
			reply(200, `{"active":true,"scope":"openid profile","client_id":"1234567890","username":"jdoe","token_type":"Bearer","exp":`+unix(testNow.Add(time.Hour))+`,"iat":1777636800,"sub":"Z5O3upPC88QrAjx00dis"}`)(w, r)
		},
		valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if !v.ExpiresAt.Equal(testNow.Add(time.Hour)) || v.Identity.ExternalID != "Z5O3upPC88QrAjx00dis" || len(v.Scopes) != 2 {
				t.Errorf("introspection %+v", v)
			}
		}},
	{name: "custom introspection inactive", id: "custom",
		setup: func(p *backend.Provider, f *fake) { p.IntrospectURL = f.srv.URL + "/introspect" },
		route: "POST /introspect", h: reply(200, `{"active":false}`), reason: backend.ReasonExpired},
	{name: "custom introspection inactive before expiry", id: "custom",
		setup: func(p *backend.Provider, f *fake) { p.IntrospectURL = f.srv.URL + "/introspect" },
		route: "POST /introspect", h: reply(200, `{"active":false,"exp":`+unix(testNow.Add(time.Hour))+`}`), reason: backend.ReasonRevoked},
	{name: "custom userinfo expired", id: "custom", route: "GET /userinfo",
		h: respond(401, "", "WWW-Authenticate", `Bearer realm="example", error="invalid_token", error_description="The access token expired"`), reason: backend.ReasonExpired},
	{name: "custom userinfo revoked", id: "custom", route: "GET /userinfo",
		h: respond(401, "", "WWW-Authenticate", `Bearer error="invalid_token", error_description="Token was revoked, sorry"`), reason: backend.ReasonRevoked},
	{name: "custom userinfo insufficient scope", id: "custom", route: "GET /userinfo",
		h: respond(403, "", "WWW-Authenticate", `Bearer error="insufficient_scope", scope="openid profile"`), reason: backend.ReasonScopeMissing},
	{name: "custom userinfo ok", id: "custom", route: "GET /userinfo",
		h: wantBearerH(tokAccess, reply(200, `{"sub":"248289761001","name":"Jane Doe","preferred_username":"j.doe","email":"janedoe@example.com"}`)), valid: true,
		check: func(t *testing.T, v *backend.Validation) {
			if v.Identity.ExternalID != "248289761001" || v.Identity.Handle != "j.doe" {
				t.Errorf("userinfo %+v", v)
			}
		}},
	{name: "custom discovery", id: "custom",
		setup: func(p *backend.Provider, f *fake) {
			p.IdentityURL, p.Issuer = "", f.srv.URL
			f.mu.Lock()
			f.routes["GET /.well-known/openid-configuration"] = reply(200, fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":"%[1]s/authorize","token_endpoint":"%[1]s/token","userinfo_endpoint":"%[1]s/userinfo","introspection_endpoint":"%[1]s/introspect","jwks_uri":"%[1]s/jwks"}`, f.srv.URL))
			f.mu.Unlock()
		},
		route: "POST /introspect", h: reply(200, `{"active":true}`), valid: true},
	{name: "custom without endpoints", id: "custom", setup: func(p *backend.Provider, f *fake) { p.IdentityURL = "" },
		err: true, reason: backend.ReasonAppMisconfigured},
}

// wantBearerH checks the bearer token; a wrong one gets a 401.
func wantBearerH(token string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			reply(401, `{"error":"invalid_token"}`)(w, r)
			return
		}
		h(w, r)
	}
}

// tokenFor is the token a provider's tests validate.
func tokenFor(id string) string {
	if id == "facebook" || id == "instagram" {
		return tokLong
	}
	return tokAccess
}
