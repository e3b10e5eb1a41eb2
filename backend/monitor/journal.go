package monitor

import (
	"context"

	"github.com/tokenwarden/tokenwarden/backend"
)

// The renewal journal (backend.Tx.MarkRenewal): a mark is written before a
// refresh request leaves and removed once its answer is recorded (finish);
// a mark left behind makes the next check renew at once and word a refused
// refresh token as an interrupted renewal, and puts the account first in a
// batch (checkAccounts) and in the next sweep.

// markRenewal writes the renewal journal's mark, committed before the
// refresh request is sent.
func (c *run) markRenewal(ctx context.Context) error {
	id := c.st.account.ID
	return c.m.Store.Update(ctx, func(tx backend.Tx) error { return tx.MarkRenewal(id, c.now) })
}

// expiresAfterNow reports whether the access token just checked is known
// to expire later than now: the stored expiry, or the renewal's.
func (c *run) expiresAfterNow() bool {
	exp := c.st.account.ExpiresAt
	if c.grant != nil {
		exp = c.grant.ExpiresAt
	}
	return exp != nil && exp.After(c.now)
}
