package oauth

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Lifetimes a token response may claim. Longer ones are read as this long:
// no provider issues tokens for longer, and an absurd expires_in (such as
// 9223372037, which overflows time.Duration) must neither wrap into the past
// nor put a reconnect-by date centuries away.
const (
	MaxAccessLifetime  = 10 * 365 * 24 * time.Hour
	MaxRefreshLifetime = 10 * 365 * 24 * time.Hour
)

// Lifetime turns a token response's expires_in (or refresh_expires_in)
// seconds into a duration: 0 for none (absent, zero or negative, which RFC
// 6749 §5.1 does not allow), at most max.
func Lifetime(seconds int64, max time.Duration) time.Duration {
	if seconds <= 0 {
		return 0
	}
	if seconds >= int64(max/time.Second) {
		return max
	}
	return time.Duration(seconds) * time.Second
}

// ExpiryAt is now plus Lifetime(seconds, max), nil when there is none.
func ExpiryAt(now time.Time, seconds int64, max time.Duration) *time.Time {
	d := Lifetime(seconds, max)
	if d == 0 {
		return nil
	}
	t := now.Add(d).UTC()
	return &t
}

// CheckTokenResponse checks what a token endpoint answered before any of it
// is stored (RFC 6749 §5.1, RFC 6750 §2): token_type is Bearer in any case,
// or absent (several platforms leave it out); the tokens are printable
// ASCII without spaces (RFC 6749 Appendix A.12 and A.17: VSCHAR). name is
// the provider's, for the message; the message never quotes a token.
func CheckTokenResponse(name, tokenType, access, refresh string) *FlowError {
	if tt := strings.TrimSpace(tokenType); tt != "" && !strings.EqualFold(tt, "bearer") {
		return newError(ReasonMalformedResponse, "Tokenwarden only uses Bearer tokens (RFC 6750); check the provider's token settings.",
			"%s sent a token of type %q, which Tokenwarden cannot use, so nothing was stored.", name, providerText(tt))
	}
	if access == "" {
		return newError(ReasonMalformedResponse, "Try again later; if it keeps happening, check token_url for this provider.",
			"%s's token response has no access token, so nothing was stored.", name)
	}
	for _, t := range []struct{ what, token string }{{"an access token", access}, {"a refresh token", refresh}} {
		if bad := badTokenChar(t.token); bad != "" {
			return newError(ReasonMalformedResponse, "Try again later; if it keeps happening, the provider is sending broken tokens.",
				"%s sent %s that contains %s, so it is not a usable token and nothing was stored.", name, t.what, bad)
		}
	}
	return nil
}

// badTokenChar names what makes a token unusable ("" when nothing does):
// RFC 6749 allows only %x20-7E in tokens; a space cannot travel in an
// Authorization header, and controls or other text point to a broken reply.
func badTokenChar(token string) string {
	if !utf8.ValidString(token) {
		return "bytes that are not text"
	}
	for _, r := range token {
		switch {
		case unicode.IsSpace(r):
			return "a space or line break"
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return "a control character"
		case r > 0x7e:
			return fmt.Sprintf("the non-ASCII character U+%04X", r)
		}
	}
	return ""
}
