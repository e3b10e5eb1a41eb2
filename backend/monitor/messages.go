package monitor

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// words is an error in plain words, without secrets.
// isPlain reports whether err carries a user-facing sentence.
func isPlain(err error) bool {
	var e *backend.Error
	return errors.As(err, &e)
}

func (c *run) words(err error) string {
	var e *backend.Error
	s := err.Error()
	if errors.As(err, &e) {
		s = e.Error()
	}
	return c.secrets.Scrub(s)
}

// failureText says why a check got no verdict. A user-facing error already
// names the platform and the fault, so its words stand alone; anything else
// (a bare network error) follows the reason's plain sentence.
func (c *run) failureText(f *failure) string {
	d := backend.Diagnose(f.reason)
	switch {
	case f.message == "":
		return d.Problem
	case f.plain:
		return strings.TrimSuffix(f.message, ".") + "."
	}
	return d.Problem + " (" + strings.TrimSuffix(f.message, ".") + ".)"
}

// message is the result's sentence.
func (c *run) message(a *backend.Account) string {
	p, now := c.p, c.now
	var b strings.Builder
	if c.grant != nil {
		b.WriteString(c.renewedSentence(a) + " ")
	}
	switch {
	case c.refreshFail != nil:
		b.WriteString(c.refusedRenewal(a))
	case c.validation != nil && c.validation.Valid:
		fmt.Fprintf(&b, "%s accepts the token of %q.", p.Name, a.Label)
		if a.Invalid && a.Reason == backend.ReasonPermissionLost {
			b.WriteString(" But the login that keeps this Page alive no longer reaches it: " + backend.Diagnose(a.Reason).Action)
		}
	case c.validation != nil:
		b.WriteString(c.refusedCheck(a))
	case c.noVerdict != nil:
		fmt.Fprintf(&b, "Could not check %q: %s Tokenwarden will try again %s.", a.Label, c.failureText(c.noVerdict), relative(a.NextCheckAt, now))
	case !c.paused.IsZero():
		fmt.Fprintf(&b, "Not checked: %s asked Tokenwarden to slow down; next check %s.", p.Name, relative(a.NextCheckAt, now))
	}
	return strings.TrimSpace(b.String())
}

func relative(t *time.Time, now time.Time) string {
	if t == nil {
		return "later"
	}
	return backend.Relative(*t, now)
}

func (c *run) renewedSentence(a *backend.Account) string {
	s := fmt.Sprintf("%s renewed the tokens of %q", c.p.Name, a.Label)
	if c.rotated {
		s += " (new refresh token stored)"
	}
	if a.ExpiresAt != nil {
		s += "; they now last until " + a.ExpiresAt.Format("2 Jan 2006 15:04 MST")
	}
	return s + "."
}

func (c *run) refusedRenewal(a *backend.Account) string {
	f := c.refreshFail
	if f.standalone {
		return f.message
	}
	d := backend.Diagnose(f.reason)
	s := fmt.Sprintf("%s refused to renew the tokens of %q. %s %s", c.p.Name, a.Label, d.Problem, d.Action)
	if f.message != "" {
		s += " (" + c.p.Name + " said: " + strings.TrimSuffix(f.message, ".") + ".)"
	}
	return s
}

func (c *run) refusedCheck(a *backend.Account) string {
	v := c.validation
	d := backend.Diagnose(v.Reason)
	s := fmt.Sprintf("%s refused the token of %q. %s %s", c.p.Name, a.Label, d.Problem, d.Action)
	if v.Message != "" {
		s += " (" + c.p.Name + " said: " + strings.TrimSuffix(c.secrets.Scrub(v.Message), ".") + ".)"
	}
	return s
}

func (c *run) describeScopes(names []string) string {
	parts := make([]string, 0, len(names))
	for _, n := range names {
		purpose := ""
		for _, s := range c.p.Scopes {
			if s.Name == n {
				purpose = strings.TrimSuffix(s.Purpose, ".")
			}
		}
		if purpose != "" {
			parts = append(parts, fmt.Sprintf("%s (%s)", n, purpose))
		} else {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ", ")
}
