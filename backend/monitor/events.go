package monitor

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// events appends the history events of the check, and updates the Pages.
func (c *run) events(tx backend.Tx, a *backend.Account) error {
	p, now, res := c.p, c.now, c.res
	client := c.st.client
	ev := func(acc *backend.Account, cl *backend.Client, kind, outcome, reason, msg string, details map[string]any) error {
		e := &backend.Event{Time: now, Kind: kind, Outcome: outcome, Reason: reason, Message: c.secrets.Scrub(msg), Details: details,
			AccountID: acc.ID, AccountLabel: acc.Label, Provider: acc.Provider}
		if cl != nil {
			e.ClientID, e.ClientName = cl.ID, cl.Name
		}
		return tx.AppendEvent(e)
	}
	if g := c.grant; g != nil {
		details := map[string]any{
			"expires_at": a.ExpiresAt, "refresh_expires_at": a.RefreshExpiresAt, "data_access_expires_at": a.DataAccessExpiresAt,
			"has_refresh_token": a.HasRefreshToken, "rotated": c.rotated, "why": c.renewWhy,
		}
		if err := ev(a, client, backend.EventAccountRefreshed, backend.OutcomeOK, "", c.renewedSentence(a), details); err != nil {
			return err
		}
	}
	switch {
	case c.refreshFail != nil:
		f := c.refreshFail
		details := map[string]any{"step": f.step, "reason": f.reason}
		maps.Copy(details, f.details)
		if err := ev(a, client, backend.EventAccountRefreshed, backend.OutcomeFailed, f.reason, c.refusedRenewal(a), details); err != nil {
			return err
		}
	case c.validation != nil:
		v := c.validation
		details := map[string]any{"verdict": string(res.Verdict), "status": string(res.After), "refreshed": c.grant != nil}
		if v.Valid {
			details["expires_at"], details["data_access_expires_at"] = a.ExpiresAt, a.DataAccessExpiresAt
			if v.Usage != nil {
				details["usage"] = v.Usage
			}
			if len(c.scopesLost) > 0 {
				details["scopes_lost"] = c.scopesLost
			}
			if len(c.scopesGain) > 0 {
				details["scopes_gained"] = c.scopesGain
			}
			if len(c.lostPages) > 0 {
				details["pages_lost"] = labels(c.lostPages)
			}
			if len(c.newPages) > 0 {
				details["pages_not_added"] = c.newPages
			}
			if len(res.Findings) > 0 {
				details["findings"] = res.Findings
			}
			msg := fmt.Sprintf("Check passed: %s accepts the token of %q.", p.Name, a.Label)
			if len(res.Findings) > 0 {
				msg += " " + strings.Join(res.Findings, " ")
			}
			if err := ev(a, client, backend.EventAccountChecked, backend.OutcomeOK, "", msg, details); err != nil {
				return err
			}
		} else {
			details["reason"] = v.Reason
			if err := ev(a, client, backend.EventAccountChecked, backend.OutcomeFailed, v.Reason, "Check failed: "+c.refusedCheck(a), details); err != nil {
				return err
			}
		}
	case c.noVerdict != nil:
		f := c.noVerdict
		details := map[string]any{"step": f.step, "failures": a.CheckFailures, "next_check_at": a.NextCheckAt}
		if res.RetryAfter > 0 {
			details["retry_after_seconds"] = int(res.RetryAfter / time.Second)
		}
		msg := fmt.Sprintf("Could not check %q: %s Tokenwarden will try again %s.", a.Label, c.failureText(f), relative(a.NextCheckAt, now))
		if f.step == "renewal" {
			msg = fmt.Sprintf("Could not renew %q: %s Tokenwarden will try again %s.", a.Label, c.failureText(f), relative(a.NextCheckAt, now))
		}
		if err := ev(a, client, backend.EventAccountCheckFailed, backend.OutcomeFailed, f.reason, msg, details); err != nil {
			return err
		}
	}
	for _, f := range c.findings {
		if f.dedupe || f.afterFailure {
			last, err := latestFinding(tx, a, f.reason)
			if err != nil {
				return err
			}
			if f.dedupe && last != nil && last.Message == f.message {
				continue
			}
			if f.afterFailure && (last == nil || last.Outcome != backend.OutcomeFailed) {
				continue
			}
		}
		if err := ev(a, client, backend.EventAccountFinding, f.outcome, f.reason, f.message, f.details); err != nil {
			return err
		}
	}
	return c.pages(tx, a, ev)
}

// pages marks Pages the login no longer reaches as broken, loudly, and
// clears those it reaches again.
func (c *run) pages(tx backend.Tx, a *backend.Account, ev func(*backend.Account, *backend.Client, string, string, string, string, map[string]any) error) error {
	now := c.now
	for _, old := range c.lostPages {
		ch, err := tx.Account(old.ID)
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if ch.Invalid && ch.Reason == backend.ReasonPermissionLost {
			continue
		}
		cl, err := tx.Client(ch.ClientID)
		if err != nil {
			return err
		}
		ch.Invalid, ch.Reason, ch.UpdatedAt = true, backend.ReasonPermissionLost, now
		if err := tx.UpdateAccount(ch); err != nil {
			return err
		}
		msg := fmt.Sprintf("PAGE LOST: %s's Page %q is no longer reachable through the %s login %q, so its connection is broken. %s",
			cl.Name, ch.Label, c.p.Name, a.Label, backend.Diagnose(backend.ReasonPermissionLost).Action)
		if err := ev(ch, cl, backend.EventAccountChecked, backend.OutcomeFailed, backend.ReasonPermissionLost, msg,
			map[string]any{"parent_id": a.ID, "parent_label": a.Label, "page_id": ch.Identity.ExternalID, "reason": backend.ReasonPermissionLost}); err != nil {
			return err
		}
	}
	for _, old := range c.backPages {
		ch, err := tx.Account(old.ID)
		if backend.ErrorCode(err) == backend.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if !(ch.Invalid && ch.Reason == backend.ReasonPermissionLost) {
			continue
		}
		cl, err := tx.Client(ch.ClientID)
		if err != nil {
			return err
		}
		ch.Invalid, ch.Reason, ch.UpdatedAt = false, "", now
		ch.NextCheckAt = &now // its own token is checked next
		if err := tx.UpdateAccount(ch); err != nil {
			return err
		}
		msg := fmt.Sprintf("%s's Page %q is reachable again through the %s login %q; its own token is checked next.", cl.Name, ch.Label, c.p.Name, a.Label)
		if err := ev(ch, cl, backend.EventAccountFinding, backend.OutcomeInfo, backend.ReasonPermissionLost, msg,
			map[string]any{"parent_id": a.ID, "page_id": ch.Identity.ExternalID}); err != nil {
			return err
		}
	}
	return nil
}

func labels(as []*backend.Account) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.Label)
	}
	return out
}

// findingLookback bounds how many recent findings dedupe reads.
const findingLookback = 20

// latestFinding returns the account's latest finding with this reason
// among its recent ones, or nil. The client narrows the query to the
// client's findings (index events_client_kind), however long the
// account's history of routine checks.
func latestFinding(tx backend.Tx, a *backend.Account, reason string) (*backend.Event, error) {
	es, err := tx.Events(backend.EventFilter{ClientID: a.ClientID, AccountID: a.ID, Kind: backend.EventAccountFinding, Limit: findingLookback})
	if err != nil {
		return nil, err
	}
	for _, e := range es { // newest first
		if e.Reason == reason {
			return e, nil
		}
	}
	return nil, nil
}
