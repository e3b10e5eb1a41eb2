package conformance

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/cli"
)

// life is one configuration's run: one server, one data folder, one account
// at a time.
type life struct {
	cfg        *configuration
	srv        *oidcServer
	app        *app
	providerID string
	accountID  string
	// connectOut is the last connect's output (what it said to the user).
	connectOut cliResult
}

// appClient is the app's registration at the server.
type appClient struct {
	ID         string
	Secret     string // "" for a public client
	AuthMethod string // token_endpoint_auth_method
}

// metadata registers the client as a native app (RFC 8252): loopback
// redirect on any port of 127.0.0.1, which oidc-provider allows for
// application_type native.
func (c appClient) metadata() map[string]any {
	m := map[string]any{
		"client_id": c.ID, "application_type": "native", "token_endpoint_auth_method": c.AuthMethod,
		"redirect_uris":  []string{"http://127.0.0.1/callback"},
		"grant_types":    []string{"authorization_code", "refresh_token"},
		"response_types": []string{"code"},
	}
	if c.Secret != "" {
		m["client_secret"] = c.Secret
	}
	return m
}

const clientName = "Acme"

// errBlocked marks a step that could not run because an earlier one left
// no account to run it on.
var errBlocked = errors.New("blocked: no account (an earlier step failed)")

func (l *life) needAccount() error {
	if l.accountID == "" {
		return errBlocked
	}
	return nil
}

// setUp adds the client and registers the server as a custom provider, as
// a user would with "provider add-custom".
func (l *life) setUp() error {
	if l.providerID != "" {
		return nil
	}
	if r := l.app.run("", "client", "add", clientName); r.Code != cli.ExitOK {
		return fmt.Errorf("client add: %s", r)
	}
	args := []string{"provider", "add-custom", "--id", "conformance", "--name", "Conformance " + l.cfg.row,
		"--issuer", l.srv.Issuer, "--client-id", l.cfg.client.ID, "--scopes", "openid profile email offline_access"}
	stdin := ""
	if l.cfg.client.Secret != "" {
		args = append(args, "--client-secret-stdin")
		stdin = l.cfg.client.Secret + "\n"
	}
	if r := l.app.run(stdin, args...); r.Code != cli.ExitOK {
		return fmt.Errorf("provider add-custom: %s", r)
	}
	l.providerID = "conformance"
	return nil
}

// connect logs in through the browser and expects a healthy account that
// renews itself.
func connect(l *life) error {
	if err := l.setUp(); err != nil {
		return err
	}
	_ = l.app.browser.takeError()
	r := l.app.run("", "connect", l.providerID, "--client", clientName)
	l.connectOut = r
	if r.Code != cli.ExitOK {
		return fmt.Errorf("connect: %s%s", r, browserNote(l))
	}
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	id := lines[len(lines)-1]
	if !backend.ValidID("acc", id) {
		return fmt.Errorf("connect printed no account id: %s", r)
	}
	l.accountID = id
	st, err := l.app.status(id)
	if err != nil || st == nil {
		return fmt.Errorf("connected account not in status: %v", err)
	}
	if !st.HasRefreshToken {
		return fmt.Errorf("no refresh token after connect (offline_access was asked for); status %s", st.Status)
	}
	if st.Status != string(backend.StatusHealthy) {
		return fmt.Errorf("status after connect is %s (%s)", st.Status, st.Reason)
	}
	return nil
}

func browserNote(l *life) string {
	if err := l.app.browser.takeError(); err != nil {
		return "; browser: " + err.Error()
	}
	return ""
}

// check is a scheduled check (not forced) a few minutes after the last
// command: the token must be verified with the provider, and the account
// must say when.
func check(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	l.app.later(3 * time.Minute)
	res, r, err := l.app.check(l.accountID, "--client", clientName)
	if err != nil {
		return err
	}
	if res.Verdict != "valid" || res.After != string(backend.StatusHealthy) || r.Code != cli.ExitOK {
		return fmt.Errorf("check: exit %d, verdict %q, status %s, reason %q: %s", r.Code, res.Verdict, res.After, res.Reason, firstOf(res.Error, res.Message))
	}
	st, err := l.app.status(l.accountID)
	if err != nil {
		return err
	}
	if st.LastCheckedAt == nil {
		return fmt.Errorf("a successful check left last_checked_at empty")
	}
	if st.CheckProblem != "" || st.UnverifiedSince != nil {
		return fmt.Errorf("a successful check left check_problem %q, unverified_since %s", st.CheckProblem, fmtTime(st.UnverifiedSince))
	}
	return nil
}

// renew forces a check, which renews the token with the refresh token.
func renew(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	l.app.later(3 * time.Minute)
	before := len(l.srv.issued(l.app.t))
	oldRT := l.srv.lastRefreshToken(l.app.t, l.cfg.client.ID)
	res, r, err := l.app.check(l.accountID, "--account", l.accountID)
	if err != nil {
		return err
	}
	if !res.Refreshed {
		return fmt.Errorf("not renewed: exit %d, verdict %q, reason %q: %s", r.Code, res.Verdict, res.Reason, firstOf(res.Error, res.Message))
	}
	if len(l.srv.issued(l.app.t)) <= before {
		return fmt.Errorf("renewed, yet the server issued nothing")
	}
	if res.Verdict != "valid" || r.Code != cli.ExitOK {
		return fmt.Errorf("renewed, then: exit %d, verdict %q, status %s, reason %q: %s", r.Code, res.Verdict, res.After, res.Reason, firstOf(res.Error, res.Message))
	}
	st, err := l.app.status(l.accountID)
	if err != nil {
		return err
	}
	if !st.HasRefreshToken {
		return fmt.Errorf("the refresh token was dropped at renewal")
	}
	newRT := l.srv.lastRefreshToken(l.app.t, l.cfg.client.ID)
	if l.cfg.server.RotateRefreshToken {
		if newRT == oldRT {
			return fmt.Errorf("the server did not rotate the refresh token")
		}
		if ok, err := l.srv.active(oldRT); err != nil || ok {
			return fmt.Errorf("the rotated-out refresh token is still active (%v)", err)
		}
	}
	if l.cfg.server.OmitRefreshTokenOnRefresh {
		if ok, err := l.srv.active(oldRT); err != nil || !ok {
			return fmt.Errorf("the refresh token the app must keep is not active (%v)", err)
		}
	}
	return nil
}

// reconnect logs in again for the same account.
func reconnect(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	l.app.later(3 * time.Minute)
	_ = l.app.browser.takeError()
	r := l.app.run("", "reconnect", l.accountID, "--yes")
	if r.Code != cli.ExitOK {
		return fmt.Errorf("reconnect: %s%s", r, browserNote(l))
	}
	st, err := l.app.status(l.accountID)
	if err != nil || st == nil {
		return fmt.Errorf("account gone after reconnect (%v)", err)
	}
	if st.Status != string(backend.StatusHealthy) || !st.HasRefreshToken {
		return fmt.Errorf("after reconnect: status %s (%s), refresh token %v", st.Status, st.Reason, st.HasRefreshToken)
	}
	return nil
}

// deleteRevoking deletes the account, which revokes its tokens (RFC 7009):
// the server must then say the refresh token is inactive.
func deleteRevoking(l *life) error {
	if err := l.needAccount(); err != nil {
		return err
	}
	held := l.srv.lastTokens(l.app.t, l.cfg.client.ID)
	r := l.app.run("", "account", "delete", l.accountID)
	if r.Code != cli.ExitOK {
		return fmt.Errorf("account delete: %s", r)
	}
	l.accountID = ""
	if n, err := l.app.accountCount(); err != nil || n != 0 {
		return fmt.Errorf("after delete %d account(s) left (%v)", n, err)
	}
	if !strings.Contains(r.Stdout, "Revoked") {
		return fmt.Errorf("deleted without revoking: %s", r)
	}
	for _, tok := range held {
		if ok, err := l.srv.active(tok); err != nil || ok {
			return fmt.Errorf("the server still holds a token active after revocation (%v)", err)
		}
	}
	return nil
}

// refusedConnect expects a connect to fail with words containing want and
// to leave no account behind.
func refusedConnect(l *life, want string) error {
	if err := l.setUp(); err != nil {
		return err
	}
	n0, err := l.app.accountCount()
	if err != nil {
		return err
	}
	r := l.app.run("", "connect", l.providerID, "--client", clientName)
	if r.Code == cli.ExitOK {
		return fmt.Errorf("connect succeeded: %s", r)
	}
	if n, err := l.app.accountCount(); err != nil || n != n0 {
		return fmt.Errorf("a refused connect changed the accounts: %d -> %d (%v)", n0, n, err)
	}
	if !strings.Contains(strings.ToLower(r.Stderr), strings.ToLower(want)) {
		return fmt.Errorf("refused, but not in words saying %q: %s", want, strings.TrimSpace(r.Stderr))
	}
	return nil
}

// refusedIDToken spoils one claim (or the signature) of the next ID token.
func refusedIDToken(claim string) func(*life) error {
	return func(l *life) error {
		if err := l.srv.control("tamper-id-token", map[string]string{"claim": claim}); err != nil {
			return err
		}
		return refusedConnect(l, "ID token could not be verified")
	}
}

// refusedIss answers the app with another issuer's iss (RFC 9207 mix-up).
func refusedIss(l *life) error {
	l.app.browser.setSpoilIss("http://127.0.0.1:1/another-issuer")
	defer l.app.browser.setSpoilIss("")
	return refusedConnect(l, "different provider")
}

// refusedTokenResponse forces members into the next token response.
func refusedTokenResponse(members map[string]any, want string) func(*life) error {
	return func(l *life) error {
		if err := l.srv.control("spoil-token-response", members); err != nil {
			return err
		}
		return refusedConnect(l, want)
	}
}

// clampedExpiresIn connects with an absurd expires_in: the account must
// store a sane expiry (not centuries away, not in the past) and delete.
func clampedExpiresIn(l *life) error {
	if err := l.srv.control("spoil-token-response", map[string]any{"expires_in": int64(9223372037)}); err != nil {
		return err
	}
	if err := connect(l); err != nil {
		if l.accountID == "" {
			return nil // refused: also acceptable, nothing stored
		}
		return err
	}
	defer func() { _ = deleteRevoking(l) }()
	st, err := l.app.status(l.accountID)
	if err != nil {
		return err
	}
	now := l.app.now()
	for name, t := range map[string]*time.Time{"expires_at": st.ExpiresAt, "reconnect_by": st.ReconnectBy} {
		if t != nil && (t.Before(now.Add(-time.Minute)) || t.After(now.AddDate(20, 0, 0))) {
			return fmt.Errorf("%s is %s for expires_in 9223372037", name, t.Format(time.RFC3339))
		}
	}
	return nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
