package history

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ICSOptions shape the calendar of reconnect deadlines.
type ICSOptions struct {
	// AllDay makes each deadline an all-day event on its UTC date instead
	// of a 30-minute event at the deadline itself.
	AllDay bool
	// Reminder is how long before the deadline the calendar reminds;
	// zero means 3 days.
	Reminder time.Duration
}

// WriteICS writes deadlines as an iCalendar file (RFC 5545): CRLF line
// endings, lines folded at 75 octets, TEXT values escaped, one VEVENT per
// deadline with a UID stable per account and date (re-importing updates
// rather than duplicates), DTSTAMP, a DTSTART in UTC and a display alarm.
func WriteICS(w io.Writer, deadlines []Deadline, now time.Time, opt ICSOptions) error {
	if opt.Reminder <= 0 {
		opt.Reminder = 3 * 24 * time.Hour
	}
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	stamp := now.UTC().Format("20060102T150405Z")
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Tokenwarden//Reconnect deadlines//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", "Tokenwarden reconnect deadlines")
	for _, d := range deadlines {
		by := d.By.UTC()
		summary := fmt.Sprintf("Reconnect %s for %s: %s", d.ProviderName, d.ClientName, d.Label)
		desc := fmt.Sprintf("After %s UTC the %s account %q of %s stops working unless you log in again. "+
			"Open Tokenwarden and choose Reconnect on the account (or run: tokenwarden reconnect %s).",
			by.Format("2006-01-02 15:04"), d.ProviderName, d.Label, d.ClientName, d.AccountID)
		line("BEGIN", "VEVENT")
		line("UID", d.AccountID+"-"+by.Format("20060102")+"@tokenwarden")
		line("DTSTAMP", stamp)
		if opt.AllDay {
			line("DTSTART;VALUE=DATE", by.Format("20060102"))
			line("DTEND;VALUE=DATE", by.AddDate(0, 0, 1).Format("20060102"))
		} else {
			line("DTSTART", by.Format("20060102T150405Z"))
			line("DTEND", by.Add(30*time.Minute).Format("20060102T150405Z"))
		}
		line("SUMMARY", escapeText(summary))
		line("DESCRIPTION", escapeText(desc))
		line("CATEGORIES", "Tokenwarden")
		line("TRANSP", "TRANSPARENT")
		line("BEGIN", "VALARM")
		line("ACTION", "DISPLAY")
		line("DESCRIPTION", escapeText(summary))
		line("TRIGGER", "-"+icsDuration(opt.Reminder))
		line("END", "VALARM")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// ExportICS writes the reconnect deadlines of the next `within` as iCalendar.
func (s *Service) ExportICS(ctx context.Context, w io.Writer, within time.Duration, opt ICSOptions) (int, error) {
	all, err := s.Deadlines(ctx, within)
	if err != nil {
		return 0, err
	}
	// A broken account needs the user now, not on a calendar date.
	ds := slices.DeleteFunc(all, func(d Deadline) bool { return d.BrokenNow })
	return len(ds), WriteICS(w, ds, s.now(), opt)
}

// escapeText escapes an RFC 5545 TEXT value: backslash, semicolon, comma
// and line breaks; other control characters are dropped.
func escapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeFolded writes one content line, folded so that no line is longer
// than 75 octets without its CRLF; continuation lines start with a space.
// It never splits a UTF-8 sequence.
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}

// icsDuration formats a positive duration as an RFC 5545 dur-value: P3D,
// PT12H, P1DT2H30M.
func icsDuration(d time.Duration) string {
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h, m, sec := d/time.Hour, (d%time.Hour)/time.Minute, (d%time.Minute)/time.Second
	out := "P"
	if days > 0 {
		out += fmt.Sprintf("%dD", days)
	}
	if h > 0 || m > 0 || sec > 0 {
		out += "T"
		if h > 0 {
			out += fmt.Sprintf("%dH", h)
		}
		if m > 0 || (h > 0 && sec > 0) { // dur-hour is followed by dur-minute, never directly by dur-second
			out += fmt.Sprintf("%dM", m)
		}
		if sec > 0 {
			out += fmt.Sprintf("%dS", sec)
		}
	}
	if out == "P" {
		out = "PT0S"
	}
	return out
}
