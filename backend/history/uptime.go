package history

import "time"

// Coverage is how much of a period an account existed and how much of that
// history followed it. Uptime is only ever computed over the monitored part:
// time before an account existed, or before its history began, is neither
// up nor down, so a new account never shows an uptime diluted by the weeks
// before it was added.
type Coverage struct {
	// Existed runs from the account's creation to its deletion (or the
	// period's end), within the period.
	Existed time.Duration
	// Monitored runs from the start of the account's history (its first
	// status event: import or connect) to its deletion, within the period.
	Monitored time.Duration
	// MonitoredSince is when monitoring began, set only when that was inside
	// the period: the report then says "monitored since ...".
	MonitoredSince *time.Time
}

// Cover returns the coverage of p by an account created at created, whose
// history starts at monitoredFrom (at or after created) and which was
// deleted at deleted (nil: it still exists). A created time after
// monitoredFrom is taken as monitoredFrom: nothing is monitored before it
// exists.
func Cover(p Period, created, monitoredFrom time.Time, deleted *time.Time) Coverage {
	if created.After(monitoredFrom) {
		created = monitoredFrom
	}
	end := p.To
	if deleted != nil && deleted.Before(end) {
		end = *deleted
	}
	span := func(from time.Time) time.Duration {
		from = later(from, p.From)
		if !end.After(from) {
			return 0
		}
		return end.Sub(from)
	}
	c := Coverage{Existed: span(created), Monitored: span(monitoredFrom)}
	if monitoredFrom.After(p.From) && monitoredFrom.Before(end) {
		t := monitoredFrom
		c.MonitoredSince = &t
	}
	return c
}
