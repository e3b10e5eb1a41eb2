package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/oauth"
)

// refreshGrant renews the tokens with the refresh_token grant at
// p.TokenURL (oauth.RefreshGrant). The Grant's RefreshToken is the new one
// when the platform rotated it, "" when it sent none (keep the old one). A
// token response that fails oauth.CheckTokenResponse is refused whole.
func (k *checker) refreshGrant(ctx context.Context, c *caller, p *backend.Provider, creds backend.Credentials, refresh string) (*backend.Grant, error) {
	p, err := k.resolve(ctx, p, p.TokenURL)
	if err != nil {
		return nil, err
	}
	if _, err := endpoint(p.TokenURL, "", nil); err != nil {
		return nil, missingURL(p, "token_url")
	}
	r, err := oauth.RefreshGrant(ctx, c, p, creds, refresh)
	if err != nil {
		return nil, err
	}
	tr, ok, fe := oauth.ReadTokenReply(c.name, r)
	switch {
	case fe != nil:
		return nil, newPlatformError(DetailBadResponse, r.Status, fe.Err.Hint, "%s", fe.Err.Message)
	case !ok:
		return nil, k.fail(grantError(c, r), r)
	}
	c.hide(tr.AccessToken, tr.RefreshToken)
	return tr.Grant(k.now(), p.Lifetimes.Access), nil
}

// reAADSTS finds a Microsoft identity platform error code in a description.
var reAADSTS = regexp.MustCompile(`AADSTS(\d+)`)

// aadCodes are Microsoft identity platform errors on the refresh_token
// grant, by reason (learn.microsoft.com/entra/identity-platform/reference-error-codes).
var aadCodes = map[int]string{
	// The refresh token expired: unused for 90 days (700082, older
	// 70008), past its maximum lifetime (700081), or a 24-hour SPA token
	// (700084).
	700082: backend.ReasonExpired, 70008: backend.ReasonExpired, 700081: backend.ReasonExpired, 700084: backend.ReasonExpired,
	// The grant ended with a password change or reset (50173: "the
	// provided grant has expired due to it being revoked ... the user
	// might have changed or reset their password"; 50133: session invalid
	// due to expiration or recent password change; 50055: password expired).
	50173: backend.ReasonPasswordChanged, 50133: backend.ReasonPasswordChanged, 50055: backend.ReasonPasswordChanged,
	// The user must sign in interactively: MFA (50076, 50079, 50074,
	// 50072), sign-in frequency (70043), external challenge (50158),
	// account locked (50053) or disabled (50057), Conditional Access block
	// (53003).
	50076: backend.ReasonCheckpoint, 50079: backend.ReasonCheckpoint, 50074: backend.ReasonCheckpoint, 50072: backend.ReasonCheckpoint,
	70043: backend.ReasonCheckpoint, 50158: backend.ReasonCheckpoint, 50053: backend.ReasonCheckpoint, 50057: backend.ReasonCheckpoint,
	53003: backend.ReasonCheckpoint,
	// Consent was withdrawn.
	65001: backend.ReasonRevoked,
	// The app: wrong (7000215) or expired (7000222) secret, secret
	// required (7000218), app not found (700016) or disabled (70001).
	7000215: backend.ReasonAppMisconfigured, 7000222: backend.ReasonAppMisconfigured, 7000218: backend.ReasonAppMisconfigured,
	700016: backend.ReasonAppMisconfigured, 70001: backend.ReasonAppMisconfigured,
}

// aadCode returns the first AADSTS code of a Microsoft error reply, from
// error_codes or the description; 0 when there is none.
func aadCode(body []byte, desc string) int {
	var b struct {
		ErrorCodes []int `json:"error_codes"`
	}
	if json.Unmarshal(body, &b) == nil && len(b.ErrorCodes) > 0 {
		return b.ErrorCodes[0]
	}
	if m := reAADSTS.FindStringSubmatch(desc); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// grantError words a failed refresh_token grant.
//
//   - invalid_grant is a refusal of the refresh token: revoked, unless the
//     words say expired or password; Google's "Token has been expired or
//     revoked." is revoked (a Google app in Testing mode loses its refresh
//     tokens after 7 days the same way: the monitor tells that case apart
//     by timing). Google's error_subtype invalid_rapt asks the user to
//     sign in again (checkpoint).
//   - X answers a used or revoked refresh token with invalid_request
//     "Value passed for the token was invalid.": revoked.
//   - invalid_client, unauthorized_client and a bare 401 are the app's
//     credentials: app_misconfigured.
//   - Microsoft's AADSTS codes are read first (aadCodes).
func grantError(c *caller, r *response) *PlatformError {
	name := c.name
	if r.Status >= 500 {
		return statusError(name, r)
	}
	if r.OK() && len(bytes.TrimSpace(r.Body)) > 0 && !oauth.LooksLikeHTML(r.Body) {
		var probe map[string]json.RawMessage
		if json.Unmarshal(bytes.TrimSpace(r.Body), &probe) != nil {
			return newPlatformError(DetailBadResponse, r.Status, "Try again later; if it keeps happening, check this provider's token_url.",
				"%s sent a reply that is not valid JSON", name)
		}
		if _, hasErr := probe["error"]; !hasErr {
			return newPlatformError(DetailBadResponse, r.Status, "Try again later.", "%s did not send a new access token", name)
		}
	}
	trimmed := bytes.TrimSpace(r.Body)
	if len(trimmed) == 0 || oauth.LooksLikeHTML(trimmed) {
		if r.Status == 401 {
			return newPlatformError(DetailAppConfig, r.Status, "Check the client id and secret saved for this provider.",
				"%s does not accept the app's client id or secret", name)
		}
		if r.OK() {
			if len(trimmed) == 0 {
				return newPlatformError(DetailBadResponse, r.Status, "Try again later.", "%s sent an empty reply", name)
			}
			return newPlatformError(DetailBadResponse, r.Status, "Check this provider's token_url; a proxy or captive portal may also be in the way.",
				"%s sent a web page instead of data", name)
		}
		return statusError(name, r)
	}
	code, msg, _ := parseErrorBody(r.Body)
	var sub struct {
		Subtype string `json:"error_subtype"`
	}
	_ = json.Unmarshal(r.Body, &sub)
	lc, lmsg := strings.ToLower(code), strings.ToLower(msg)
	refusedGrant := func(code string) *PlatformError {
		return newPlatformError(DetailInvalidToken, r.Status, reconnectHint,
			"%s", withDetail(name+" refused to renew the token", msg)).as(code)
	}
	if ac, ok := aadCodes[aadCode(r.Body, msg)]; ok {
		if ac == backend.ReasonAppMisconfigured {
			return newPlatformError(DetailAppConfig, r.Status, "Check the client id and secret saved for this provider; secrets of Microsoft apps expire.",
				"%s", withDetail(name+" does not accept the app's credentials", msg))
		}
		if ac == backend.ReasonCheckpoint {
			return newPlatformError(DetailCheckpoint, r.Status, "Ask the account owner to sign in once on the platform's website, then connect again.",
				"%s", withDetail(name+" wants the account owner to sign in again", msg))
		}
		return refusedGrant(ac)
	}
	switch {
	case lc == "invalid_grant" && sub.Subtype == "invalid_rapt":
		return newPlatformError(DetailCheckpoint, r.Status, "Ask the account owner to sign in again: their organization requires it from time to time.",
			"%s", withDetail(name+" wants the account owner to sign in again", msg))
	case lc == "invalid_client" || lc == "unauthorized_client" || (r.Status == 401 && lc != "invalid_grant"):
		return newPlatformError(DetailAppConfig, r.Status, "Check the client id and secret saved for this provider.",
			"%s", withDetail(name+" does not accept the app's client id or secret", msg))
	case lc == "invalid_grant":
		code := wordsCode(msg)
		if code != backend.ReasonExpired && code != backend.ReasonPasswordChanged && code != backend.ReasonCheckpoint {
			code = backend.ReasonRevoked
		}
		return refusedGrant(code)
	case lc == "invalid_request" && strings.Contains(lmsg, "token") && (strings.Contains(lmsg, "invalid") || strings.Contains(lmsg, "expired") || strings.Contains(lmsg, "revoked")):
		return refusedGrant(backend.ReasonRevoked)
	case lc == "interaction_required" || lc == "login_required":
		return newPlatformError(DetailCheckpoint, r.Status, "Ask the account owner to sign in once on the platform's website, then connect again.",
			"%s", withDetail(name+" wants the account owner to sign in again", msg))
	case lc == "invalid_scope" || lc == "consent_required":
		return newPlatformError(DetailPermission, r.Status, "Connect again and grant every permission asked for.",
			"%s", withDetail(name+" no longer grants a permission the token had", msg))
	case r.Status == 429 || lc == "rate_limit_exceeded" || lc == "slow_down":
		return newPlatformError(DetailRateLimited, r.Status, "Wait a few minutes and try again.",
			"%s is limiting requests from this app right now", name)
	case lc == "temporarily_unavailable" || lc == "server_error" || lc == "internal_error":
		return newPlatformError(DetailUnavailable, r.Status, "Try again later.", "%s had a temporary problem", name)
	case r.OK():
		return newPlatformError(DetailUnknown, r.Status, "",
			"%s", withDetail(fmt.Sprintf("%s refused to renew the token with error %s", name, quote(code)), msg))
	}
	return statusError(name, r)
}
