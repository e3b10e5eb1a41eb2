package providers

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Quirks is what Tokenwarden knows about the platforms' traps beyond
// checking and renewing: every checker from CheckerFor has these methods,
// and the monitor asks them of any checker that does. The zero value is
// ready to use.
type Quirks struct{}

// MinRefreshAge is how old a token must be before the platform renews it:
// 24 hours for Instagram (refresh_access_token refuses younger tokens), 0
// for the rest. The monitor does not try before; Refresh returns
// ErrTooSoon when the platform refuses a young token all the same.
func (Quirks) MinRefreshAge(p *backend.Provider) time.Duration {
	if p != nil && p.Refresh == backend.RefreshInstagram {
		return 24 * time.Hour
	}
	return 0
}

// ExplainRefusal says what most likely made the platform refuse to renew
// the tokens of a, when that is a known trap of the developer app's set-up
// rather than anything the account owner did. It returns the reason code,
// the sentence that stands for the whole refusal (words, the platform's
// own, quoted at its end) and what to record in the history event; reason
// is "" when there is nothing to add.
//
// Google ends the refresh tokens of apps in "Testing" publishing status 7
// days after consent: a renewal refused 6 to 8 days after the account was
// connected is most likely that.
func (Quirks) ExplainRefusal(p *backend.Provider, a *backend.Account, now time.Time, words string) (reason, message string, details map[string]any) {
	if !isGoogle(p) || a == nil || a.ConnectedAt == nil {
		return "", "", nil
	}
	age := now.Sub(*a.ConnectedAt)
	if age < 6*24*time.Hour || age > 8*24*time.Hour {
		return "", "", nil
	}
	days := int(age.Hours()/24 + 0.5)
	message = fmt.Sprintf("Google stopped renewing %q %d days after it was connected. Google does this when the developer app is in "+
		"\"Testing\" mode: the refresh tokens of apps in Testing expire after 7 days. In the Google Cloud console open "+
		"\"OAuth consent screen\" (Google Auth Platform > Audience), press \"Publish app\" so its status is \"In production\", "+
		"then reconnect the account.", a.Label, days)
	if words != "" {
		message += " (Google said: " + strings.TrimSuffix(words, ".") + ".)"
	}
	return backend.ReasonAppMisconfigured, message, map[string]any{"connected_at": a.ConnectedAt, "suspected": "google_testing_mode"}
}

// isGoogle recognises Google (and YouTube) accounts, whose developer apps
// can be left in "Testing" mode.
func isGoogle(p *backend.Provider) bool {
	return p != nil && (p.ID == "google" || p.ID == "youtube" ||
		strings.Contains(p.TokenURL, "googleapis.com") || strings.Contains(p.AuthURL, "accounts.google.com"))
}
