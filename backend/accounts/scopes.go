package accounts

import (
	"slices"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// providerScopes are the names of the scopes the provider is configured
// to ask for.
func providerScopes(p *backend.Provider) []string {
	names := make([]string, 0, len(p.Scopes))
	for _, sc := range p.Scopes {
		names = append(names, sc.Name)
	}
	return names
}

// scopeUnion is the lists in order, without duplicates.
func scopeUnion(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// missingScopes are those asked for that granted lacks; nil when none. An
// answer that named no scopes granted all of them (RFC 6749 §5.1), and the
// grant then carries the asked list.
func missingScopes(asked, granted []string) []string {
	var out []string
	for _, s := range asked {
		if !slices.Contains(granted, s) {
			out = append(out, s)
		}
	}
	return out
}

// NotGrantedSentence says which permissions were asked for and not
// granted, "" when none; it starts with a space, to follow a sentence.
func NotGrantedSentence(notGranted []string) string {
	if len(notGranted) == 0 {
		return ""
	}
	return " Granted fewer permissions than asked: " + strings.Join(notGranted, ", ") + "."
}
