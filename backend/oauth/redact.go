package oauth

import (
	"cmp"
	"errors"
	"net/url"
	"slices"
	"strings"
)

// minSecretLen is the shortest value a Redactor hides: a shorter one would
// blank ordinary words, and no token, code or secret is that short.
const minSecretLen = 4

// Redactor removes known secret values (tokens, codes, verifiers, client
// secrets) from text that leaves the app: error messages, validation
// messages, history events. Provider error descriptions are echoed to the
// user; a provider that quotes the code or the secret back must not leak
// it. The zero value hides nothing; it is not safe for concurrent use.
type Redactor struct {
	values []string
}

// Add registers values to hide, each also in its URL-encoded form (a token
// in a query string). Empty and very short values are ignored.
func (r *Redactor) Add(values ...string) {
	for _, v := range values {
		if len(v) < minSecretLen {
			continue
		}
		r.values = append(r.values, v)
		if q := url.QueryEscape(v); q != v {
			r.values = append(r.values, q)
		}
	}
	// Longest first, so a secret that contains another is hidden whole.
	slices.SortStableFunc(r.values, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
}

// Scrub returns s with every registered value replaced by "[hidden]".
func (r *Redactor) Scrub(s string) string {
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, "[hidden]")
	}
	return s
}

// scrubError returns err with every secret removed from its message and hint.
func (r *Redactor) scrubError(err error) error {
	var fe *FlowError
	if !errors.As(err, &fe) {
		return err
	}
	c := *fe.Err
	c.Message = r.Scrub(c.Message)
	c.Hint = r.Scrub(c.Hint)
	return &FlowError{Reason: fe.Reason, Err: &c}
}
