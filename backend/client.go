package backend

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Client is one of the freelancer's customers. Accounts belong to clients.
type Client struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// Contact is who to ask when a login breaks (a name, email or phone);
	// Notes is the freelancer's own free text. Neither may hold a secret.
	Contact string `json:"contact"`
	Notes   string `json:"notes"`
}

// Bounds of a client's contact and notes.
const (
	MaxContactLength = 200
	MaxNotesLength   = 4000
)

// MaxNameLength bounds client names and account labels.
const MaxNameLength = 120

// CleanName trims a client name or account label and checks it. what names
// the field in the error ("client name", "label").
func CleanName(what, name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", Errorf(EINVALID, "The %s is empty.", what).WithHint("Type a name.")
	case len([]rune(name)) > MaxNameLength:
		return "", Errorf(EINVALID, "The %s is longer than %d characters.", what, MaxNameLength)
	case !utf8.ValidString(name):
		return "", Errorf(EINVALID, "The %s is not valid UTF-8 text.", what)
	case HasControlChars(name):
		return "", Errorf(EINVALID, "The %s contains control characters or invisible formatting marks.", what).
			WithHint("Type the name again instead of pasting it.")
	}
	return name, nil
}

// HasControlChars reports whether s holds a character IsControl refuses or
// is not valid UTF-8.
func HasControlChars(s string) bool {
	for i, r := range s {
		if IsControl(r) || r == utf8.RuneError && isInvalidAt(s, i) {
			return true
		}
	}
	return false
}

// CleanNote trims a client's contact or notes and checks it: empty is
// allowed (it clears the field); multiline allows line breaks and tabs.
func CleanNote(what, text string, maxLen int, multiline bool) (string, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if len([]rune(text)) > maxLen {
		return "", Errorf(EINVALID, "The %s is longer than %d characters.", what, maxLen)
	}
	lines := []string{text}
	if multiline {
		lines = strings.Split(strings.ReplaceAll(text, "\t", " "), "\n")
	}
	for _, l := range lines {
		if HasControlChars(l) {
			return "", Errorf(EINVALID, "The %s contains control characters.", what)
		}
	}
	return text, nil
}
