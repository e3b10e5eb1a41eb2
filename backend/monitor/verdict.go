package monitor

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// observe compares what a valid check saw with what the account had:
// Pages, permissions, usage, identity.
func (c *run) observe(v *backend.Validation) {
	a, p := c.st.account, c.p
	if v.AssetIDs != nil && a.ParentID == "" { // children were loaded
		granted := map[string]bool{}
		for _, id := range v.AssetIDs {
			granted[id] = true
		}
		known := map[string]bool{}
		for _, ch := range c.st.children {
			ext := ch.Identity.ExternalID
			known[ext] = true
			switch {
			case ext == "":
			case !granted[ext] && !(ch.Invalid && ch.Reason == backend.ReasonPermissionLost):
				c.lostPages = append(c.lostPages, ch)
				c.res.Findings = append(c.res.Findings, fmt.Sprintf("Page %q (client %s) lost: this login no longer reaches it.", ch.Label, c.clientName(ch)))
			case granted[ext] && ch.Invalid && ch.Reason == backend.ReasonPermissionLost:
				c.backPages = append(c.backPages, ch)
				c.res.Findings = append(c.res.Findings, fmt.Sprintf("Page %q (client %s) is reachable again.", ch.Label, c.clientName(ch)))
			}
		}
		for _, id := range v.AssetIDs {
			if !known[id] {
				c.newPages = append(c.newPages, id)
			}
		}
		if len(c.newPages) > 0 {
			c.checkFindings = append(c.checkFindings, fmt.Sprintf("This login now reaches %d Page(s) not added yet; reconnect to add them.", len(c.newPages)))
		}
	}
	// A Page's stored scopes are its tasks on the Page (MANAGE, ANALYZE...),
	// not the login's permissions debug_token lists: its permissions are
	// followed on the login it belongs to.
	if v.Scopes != nil && a.ParentID == "" {
		for _, s := range a.Scopes {
			if !slices.Contains(v.Scopes, s) {
				c.scopesLost = append(c.scopesLost, s)
			}
		}
		for _, s := range v.Scopes {
			if !slices.Contains(a.Scopes, s) {
				c.scopesGain = append(c.scopesGain, s)
			}
		}
		if len(c.scopesLost) > 0 {
			c.res.Findings = append(c.res.Findings, "Permissions no longer granted: "+strings.Join(c.scopesLost, ", ")+".")
		}
	}
	keys := make([]string, 0, len(v.Usage))
	for k := range v.Usage {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if pct, ok := percent(v.Usage[k]); ok && pct >= 80 {
			c.checkFindings = append(c.checkFindings, fmt.Sprintf("%s API usage is at %s (%s); requests may soon be refused.", p.Name, v.Usage[k], k))
		}
	}
	if v.Identity != nil && v.Identity.ExternalID != "" && a.Identity.ExternalID != "" && v.Identity.ExternalID != a.Identity.ExternalID {
		c.checkFindings = append(c.checkFindings, "The token now belongs to a different user than when it was connected.")
	}
	c.res.Findings = append(c.res.Findings, c.checkFindings...)
}

func percent(s string) (float64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func (c *run) clientName(a *backend.Account) string {
	if cl := c.st.clients[a.ClientID]; cl != nil {
		return cl.Name
	}
	return c.st.client.Name
}

// finish works out the verdict and writes the account, its Pages and the
// history events in one transaction.
func (c *run) finish(ctx context.Context) (*Result, error) {
	m, p, res := c.m, c.p, c.res
	switch {
	case c.refreshFail != nil:
		res.Verdict, res.Reason = VerdictInvalid, c.refreshFail.reason
	case c.validation != nil && c.validation.Valid:
		res.Verdict = VerdictValid
		if len(c.scopesLost) > 0 {
			res.Reason = backend.ReasonScopeMissing
		}
	case c.validation != nil:
		res.Verdict, res.Reason = VerdictInvalid, c.validation.Reason
	case c.noVerdict != nil:
		res.Reason = c.noVerdict.reason
	case !c.paused.IsZero():
		res.Skipped, res.Reason = true, backend.ReasonRateLimited
	}
	c.scopeFinding()
	wctx := ctx
	if c.grant != nil {
		wctx = context.WithoutCancel(ctx) // a renewal is recorded whatever happens
	}
	wctx, cancel := context.WithTimeout(wctx, writeTimeout)
	defer cancel()
	deleted := false
	err := m.Store.Update(wctx, func(tx backend.Tx) error {
		a, err := tx.Account(c.st.account.ID)
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			deleted = true
			return nil
		} else if err != nil {
			return err
		}
		c.apply(a)
		// The journal's mark goes once the renewal's answer is recorded, or
		// once the account is broken anyway (only a reconnect helps then).
		if c.renewalSettled || res.Verdict == VerdictInvalid {
			if err := tx.ClearRenewal(a.ID); err != nil {
				return err
			}
		}
		if !c.paused.IsZero() && c.noVerdict == nil && c.validation == nil && c.refreshFail == nil {
			// The pause runs on the real clock; the schedule on Now.
			next := c.now.Add(max(time.Until(c.paused), 0) + jitter(time.Minute, a.ID)).Truncate(time.Millisecond)
			a.NextCheckAt = &next
		} else {
			next := m.NextCheck(a, p, res)
			a.NextCheckAt = &next
		}
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		res.NextCheckAt = a.NextCheckAt
		res.After = m.status(a, p, c.now)
		res.Label, res.ClientID = a.Label, a.ClientID
		res.Message = c.secrets.Scrub(c.message(a))
		return c.events(tx, a)
	})
	if err != nil {
		return nil, &LocalError{Step: "store", Err: err}
	}
	if deleted {
		res.Skipped, res.Message = true, "The account was deleted while it was being checked."
	}
	return res, nil
}

// apply sets what the check learnt on a, freshly read in the write
// transaction, so that changes made meanwhile (a rename) are kept.
func (c *run) apply(a *backend.Account) {
	now, p := c.now, c.p
	a.UpdatedAt = now
	if g := c.grant; g != nil {
		switch {
		case g.ExpiresAt != nil:
			a.ExpiresAt = g.ExpiresAt
		case p.Lifetimes.Access > 0:
			t := now.Add(p.Lifetimes.Access)
			a.ExpiresAt = &t
		default:
			a.ExpiresAt = nil
		}
		switch {
		case g.RefreshExpiresAt != nil:
			a.RefreshExpiresAt = g.RefreshExpiresAt
		case c.rotated && p.Lifetimes.Refresh > 0 && !p.Lifetimes.RefreshFixed:
			t := now.Add(p.Lifetimes.Refresh)
			a.RefreshExpiresAt = &t
		}
		if g.DataAccessExpiresAt != nil {
			a.DataAccessExpiresAt = g.DataAccessExpiresAt
		}
		a.HasRefreshToken = a.HasRefreshToken || g.RefreshToken != ""
		a.LastRefreshedAt = &now
	}
	verdict := func() {
		a.LastCheckedAt = &now
		a.CheckFailures, a.LastError, a.CheckProblem = 0, "", ""
	}
	switch {
	case c.refreshFail != nil:
		verdict()
		a.Invalid, a.Reason = true, c.refreshFail.reason
	case c.validation != nil && c.validation.Valid:
		verdict()
		v := c.validation
		// A Page its login no longer reaches stays broken until the login's
		// check or a reconnect finds it again.
		if !(a.ParentID != "" && a.Reason == backend.ReasonPermissionLost) {
			a.Invalid, a.Reason = false, ""
		}
		if v.ExpiresAt != nil {
			a.ExpiresAt = v.ExpiresAt
		}
		if v.DataAccessExpiresAt != nil {
			a.DataAccessExpiresAt = v.DataAccessExpiresAt
		}
		// Lost permissions stay in Scopes: a reconnect asks for them again.
		for _, s := range c.scopesGain {
			if !slices.Contains(a.Scopes, s) {
				a.Scopes = append(a.Scopes, s)
			}
		}
		if v.Usage != nil {
			a.Usage = v.Usage
		}
	case c.validation != nil:
		verdict()
		a.Invalid, a.Reason = true, c.validation.Reason
	case c.noVerdict != nil:
		a.CheckFailures++
		a.LastError = c.secrets.Scrub(c.failureText(c.noVerdict))
		a.CheckProblem = c.noVerdict.reason
	}
}

// scopeFinding adds a finding event when the set of lost permissions
// changed since the last one: lost, or granted again.
func (c *run) scopeFinding() {
	a := c.st.account
	if c.validation == nil || !c.validation.Valid || c.validation.Scopes == nil {
		return
	}
	if len(c.scopesLost) > 0 {
		c.findings = append(c.findings, finding{outcome: backend.OutcomeFailed, reason: backend.ReasonScopeMissing, dedupe: true,
			message: fmt.Sprintf("%s no longer grants %q these permissions: %s. The token still works, but what needs them will fail. %s",
				c.p.Name, a.Label, c.describeScopes(c.scopesLost), backend.Diagnose(backend.ReasonScopeMissing).Action),
			details: map[string]any{"scopes_lost": c.scopesLost}})
	} else {
		c.findings = append(c.findings, finding{outcome: backend.OutcomeInfo, reason: backend.ReasonScopeMissing, afterFailure: true,
			message: fmt.Sprintf("%s grants %q every permission it had again.", c.p.Name, a.Label)})
	}
}
