package backend

import (
	"strings"
	"unicode/utf8"
)

// IsControl reports whether r is a character that has no place in a name or
// a line printed to a terminal: C0 controls, DEL, C1 controls (U+0080–U+009F,
// such as U+009B, which terminals read as the start of an escape sequence),
// and invisible formatting characters that can make text read differently
// from what it is: bidirectional marks, embeddings, overrides and isolates
// (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069), line and paragraph
// separators, zero-width space, word joiner and invisible operators, the byte
// order mark and interlinear annotation marks. Zero-width joiners, which emoji
// and several scripts need, are allowed.
func IsControl(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200b, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x2028 && r <= 0x202e, r >= 0x2060 && r <= 0x2064, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0xfeff, r >= 0xfff9 && r <= 0xfffb:
		return true
	}
	return false
}

// CleanProviderText makes a name that a platform supplied (a user's display
// name, a Page name) safe to store and show: every character IsControl
// refuses and every byte that is not valid UTF-8 becomes U+FFFD, and the
// result is trimmed. Unlike text the user types, a platform's text cannot be
// refused: the login already happened.
func CleanProviderText(s string) string {
	if !HasControlChars(s) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for i, r := range s {
		if IsControl(r) || r == utf8.RuneError && isInvalidAt(s, i) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// CleanNames applies CleanProviderText to every name in the grant that came
// from the platform: the identity and the assets.
func (g *Grant) CleanNames() {
	id := &g.Identity
	id.ExternalID, id.Name, id.Email, id.Handle = CleanProviderText(id.ExternalID), CleanProviderText(id.Name),
		CleanProviderText(id.Email), CleanProviderText(id.Handle)
	for i := range g.Assets {
		g.Assets[i].ExternalID = CleanProviderText(g.Assets[i].ExternalID)
		g.Assets[i].Name = CleanProviderText(g.Assets[i].Name)
	}
}

// isInvalidAt reports whether the U+FFFD that ranging over s yielded at i
// stands for an invalid byte rather than a real U+FFFD in the text.
func isInvalidAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 1
}
