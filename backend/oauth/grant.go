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

// grantFrom turns a token response into a Grant. requested are the scopes
// asked for: RFC 6749 §5.1 says a response without scope granted exactly
// those.
func grantFrom(tok *oauth2.Token, requested []string, now time.Time) *backend.Grant {
	g := &backend.Grant{
		AccessToken:  tok.AccessToken,
		RefreshToken: tok.RefreshToken,
	}
	// x/oauth2 turns a zero or negative expires_in into an expiry in the
	// past: that is no lifetime at all, so none is kept.
	if !tok.Expiry.IsZero() && tok.Expiry.After(now) {
		t := tok.Expiry
		g.ExpiresAt = &t
	}
	for _, k := range []string{"refresh_expires_in", "refresh_token_expires_in"} {
		if s, ok := seconds(tok.Extra(k)); ok && s > 0 {
			t := now.Add(lifetime(s))
			g.RefreshExpiresAt = &t
			break
		}
	}
	if granted, ok := scopeList(tok.Extra("scope")); ok {
		g.Scopes = granted
	} else {
		g.Scopes = append([]string(nil), requested...)
	}
	return g
}

// maxLifetime caps a lifetime a provider sends: a longer one is nonsense,
// and its time.Duration would overflow into the past.
const maxLifetime = 100 * 365 * 24 * time.Hour

// lifetime is s seconds (s > 0), at most maxLifetime.
func lifetime(s int64) time.Duration {
	if s > int64(maxLifetime/time.Second) {
		return maxLifetime
	}
	return time.Duration(s) * time.Second
}

// seconds reads a number of seconds sent as a JSON number or a string.
func seconds(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		if n >= math.MaxInt64 { // converting would be undefined
			return math.MaxInt64, true
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
