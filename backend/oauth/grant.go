package oauth

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"golang.org/x/oauth2"
)

// grantFrom checks a token response (CheckTokenResponse) and turns it into
// a Grant. requested are the scopes asked for: RFC 6749 §5.1 says a
// response without scope granted exactly those. Lifetimes are read from
// the raw members, not x/oauth2's Expiry, which caps expires_in at 2^31
// seconds (2094) instead of refusing it; they are clamped (Lifetime).
func grantFrom(name string, tok *oauth2.Token, requested []string, now time.Time) (*backend.Grant, error) {
	tokenType, _ := tok.Extra("token_type").(string)
	if fe := CheckTokenResponse(name, tokenType, tok.AccessToken, tok.RefreshToken); fe != nil {
		return nil, fe
	}
	g := &backend.Grant{
		AccessToken:  tok.AccessToken,
		RefreshToken: tok.RefreshToken,
	}
	if s, ok := firstSeconds(tok, "expires_in", "expires"); ok {
		g.ExpiresAt = ExpiryAt(now, s, MaxAccessLifetime)
	} else if !tok.Expiry.IsZero() {
		t := tok.Expiry
		g.ExpiresAt = &t
	}
	if s, ok := firstSeconds(tok, "refresh_expires_in", "refresh_token_expires_in"); ok {
		g.RefreshExpiresAt = ExpiryAt(now, s, MaxRefreshLifetime)
	}
	if granted, ok := scopeList(tok.Extra("scope")); ok {
		g.Scopes = granted
	} else {
		g.Scopes = append([]string(nil), requested...)
	}
	return g, nil
}

// firstSeconds reads the first of keys the response carries as seconds.
func firstSeconds(tok *oauth2.Token, keys ...string) (int64, bool) {
	for _, k := range keys {
		if s, ok := seconds(tok.Extra(k)); ok {
			return s, true
		}
	}
	return 0, false
}

// seconds reads a number of seconds sent as a JSON number or a string.
func seconds(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		// Converting a float beyond int64 is undefined in Go: cap it.
		switch {
		case n >= math.MaxInt64:
			return math.MaxInt64, true
		case n <= math.MinInt64:
			return math.MinInt64, true
		}
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		return i, err == nil
	}
	return 0, false
}

// scopeList reads the scope member: a string separated by spaces (RFC 6749)
// or commas (Facebook, TikTok, LinkedIn), or a JSON array. ok is false when
// the member is missing or empty.
func scopeList(v any) (scopes []string, ok bool) {
	switch s := v.(type) {
	case string:
		scopes = splitScopes(s)
	case []any:
		for _, e := range s {
			if str, isStr := e.(string); isStr {
				scopes = append(scopes, splitScopes(str)...)
			}
		}
	}
	return scopes, len(scopes) > 0
}

func splitScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
}
