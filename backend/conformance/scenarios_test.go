package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/cli"
)

// The steps particular to one configuration.

// interruptedRenewal: the app renews, the server rotates the refresh
// token, and the app is cut off before it stores the answer (the keyring
// daemon dies between the provider's answer and the keychain write, the
// one window no care can close). The app still holds the rotated-out
// refresh token. The next plain check must take that account up again at
// once (the renewal journal), and when the server's reuse detection
// refuses the token, say the renewal was interrupted, not "revoked".
func interruptedRenewal(l *life) error {
	if err := connect(l); err != nil {
		return fmt.Errorf("connect for the scenario: %w", err)
	}
	oldRT := l.srv.lastRefreshToken(l.app.t, l.cfg.client.ID)
	l.app.later(3 * time.Minute)
	l.app.cutKeychain = true
	_, cut, _ := l.app.check(l.accountID, "--account", l.accountID)
	l.app.cutKeychain = false
	if cut.Code == cli.ExitOK {
		return fmt.Errorf("the cut-off renewal reported success: %s", cut)
	}
	if l.srv.lastRefreshToken(l.app.t, l.cfg.client.ID) == oldRT {
		return fmt.Errorf("the cut-off renewal never reached the server: %s", cut)
	}
	l.app.later(3 * time.Minute)
	res, r, err := l.app.check(l.accountID, "--client", clientName)
	if err != nil {
		return err
	}
	if res.After != string(backend.StatusInvalid) || r.Code != cli.ExitAttention {
		return fmt.Errorf("after reuse detection: exit %d, status %s, reason %q: %s", r.Code, res.After, res.Reason, firstOf(res.Message, res.Error))
	}
	text := strings.ToLower(firstOf(res.Message, res.Error))
	if !strings.Contains(text, "interrupted") || res.Reason != backend.ReasonRenewalInterrupted {
		return fmt.Errorf("the account does not say the last renewal was interrupted (reason %q): %q", res.Reason, firstOf(res.Message, res.Error))
	}
	return nil
}

// reconnectByNow: an invalid account must be reconnected now, not by its
// old expiry.
func reconnectByNow(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	st, err := l.app.status(l.accountID)
	if err != nil {
		return err
	}
	if st.Status != string(backend.StatusInvalid) {
		return fmt.Errorf("the account is %s, not invalid", st.Status)
	}
	if st.ReconnectBy == nil || st.ReconnectBy.After(l.app.now().Add(time.Minute)) {
		return fmt.Errorf("an invalid account's reconnect_by is %v, not now", fmtTime(st.ReconnectBy))
	}
	return nil
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "null"
	}
	return t.Format(time.RFC3339)
}

// renewAgain renews a second time with the refresh token kept from the
// connect (the refresh response carried none).
func renewAgain(l *life) error {
	l.app.later(2 * time.Minute)
	return renew(l)
}

// narrowerGrantReported: the user granted less than asked (no email); the
// app must record what was granted and say so.
func narrowerGrantReported(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	withheld := l.cfg.server.WithholdScopes[0]
	// Leave out the authorization URL, which names every scope asked for.
	var said string
	for _, line := range strings.Split(l.connectOut.Stderr, "\n") {
		if !strings.Contains(line, "http") {
			said += line + "\n"
		}
	}
	if res, _, err := l.app.check(l.accountID, "--account", l.accountID); err == nil {
		said += strings.Join(res.Findings, "\n") + res.Message
	}
	if !strings.Contains(said, withheld) {
		return fmt.Errorf("nothing says %q was not granted (connect said %q)", withheld, strings.TrimSpace(l.connectOut.Stderr))
	}
	return nil
}

// keysRotated replaces the server's signing key; the reconnect that
// follows must verify the new ID token by fetching the key set again.
func keysRotated(l *life) error {
	before, err := jwksKids(l.srv)
	if err != nil {
		return err
	}
	if err := l.srv.control("rotate-keys", nil); err != nil {
		return err
	}
	after, err := jwksKids(l.srv)
	if err != nil {
		return err
	}
	if strings.Join(before, ",") == strings.Join(after, ",") {
		return fmt.Errorf("the key set did not change")
	}
	return reconnect(l)
}

func jwksKids(s *oidcServer) ([]string, error) {
	resp, err := s.http.Get(s.Issuer + "/jwks")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jwks: HTTP %d", resp.StatusCode)
	}
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return nil, err
	}
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k.Kid)
	}
	return kids, nil
}

// serverRevokes: the user revokes the app at the provider; the next check
// must find the account invalid with reason revoked.
func serverRevokes(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	if err := l.srv.control("revoke-grants", nil); err != nil {
		return err
	}
	return expectInvalid(l, backend.ReasonRevoked)
}

// serverForgets: the server restarts with no memory of the grant; the
// next check must find the account invalid.
func serverForgets(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	if err := l.srv.control("forget", nil); err != nil {
		return err
	}
	return expectInvalid(l, "")
}

func expectInvalid(l *life, reason string) error {
	l.app.later(3 * time.Minute)
	res, r, err := l.app.check(l.accountID, "--client", clientName)
	if err != nil {
		return err
	}
	if res.After != string(backend.StatusInvalid) || r.Code != cli.ExitAttention {
		return fmt.Errorf("check: exit %d, status %s, reason %q: %s", r.Code, res.After, res.Reason, firstOf(res.Error, res.Message))
	}
	st, err := l.app.status(l.accountID)
	if err != nil {
		return err
	}
	if reason != "" && st.Reason != reason {
		return fmt.Errorf("invalid with reason %q, want %q", st.Reason, reason)
	}
	return nil
}

// serverUnreachable: the server is down; a check must leave the account as
// it was and name the network as the reason it could not check.
func serverUnreachable(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	before, err := l.app.status(l.accountID)
	if err != nil {
		return err
	}
	l.srv.stop()
	l.app.later(3 * time.Minute)
	res, r, err := l.app.check(l.accountID, "--client", clientName)
	if err != nil {
		return err
	}
	after, err := l.app.status(l.accountID)
	if err != nil {
		return err
	}
	if after.Status != before.Status || after.Reason != before.Reason {
		return fmt.Errorf("an unreachable server changed the account: %s (%s) -> %s (%s)", before.Status, before.Reason, after.Status, after.Reason)
	}
	if res.Reason != backend.ReasonNetwork {
		return fmt.Errorf("check: exit %d, reason %q, want %q: %s", r.Code, res.Reason, backend.ReasonNetwork, firstOf(res.Error, res.Message))
	}
	// status --json says why and since when the account is not verified;
	// reason keeps meaning "why the token is bad".
	if after.CheckProblem != backend.ReasonNetwork || after.UnverifiedSince == nil || before.LastCheckedAt == nil ||
		!after.UnverifiedSince.Equal(*before.LastCheckedAt) {
		return fmt.Errorf("status: check_problem %q, unverified_since %s; want %q since %s", after.CheckProblem,
			fmtTime(after.UnverifiedSince), backend.ReasonNetwork, fmtTime(before.LastCheckedAt))
	}
	return nil
}

// reconnectUnreachable: a reconnect while the server is down fails with a
// clear error and changes nothing.
func reconnectUnreachable(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	before, err := l.app.status(l.accountID)
	if err != nil {
		return err
	}
	r := l.app.run("", "reconnect", l.accountID, "--yes")
	if r.Code != cli.ExitError {
		return fmt.Errorf("reconnect with the server down: %s", r)
	}
	after, err := l.app.status(l.accountID)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	if string(a) != string(b) {
		return fmt.Errorf("a failed reconnect changed the account: %s -> %s", b, a)
	}
	return nil
}

// deleteUnreachable: deleting while the server is down still deletes, and
// says the tokens could not be revoked.
func deleteUnreachable(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	r := l.app.run("", "account", "delete", l.accountID)
	if r.Code != cli.ExitOK {
		return fmt.Errorf("account delete: %s", r)
	}
	l.accountID = ""
	if strings.Contains(r.Stdout, "Revoked") {
		return fmt.Errorf("claims a revocation the server never got: %s", r)
	}
	if !strings.Contains(r.Stderr, "note:") {
		return fmt.Errorf("does not say the tokens could not be revoked: %s", r)
	}
	if n, err := l.app.accountCount(); err != nil || n != 0 {
		return fmt.Errorf("after delete %d account(s) left (%v)", n, err)
	}
	return nil
}
