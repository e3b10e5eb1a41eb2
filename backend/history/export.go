package history

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Exports read events and account metadata only; neither holds a secret
// (tokens live in the keychain and are never written to the store), so no
// export can contain one. Keep it that way: never add a keychain read here.

// CSVHeader is the first row of a CSV export.
var CSVHeader = []string{"id", "time", "client_id", "client", "account_id", "account", "provider", "kind", "outcome", "reason", "message", "details"}

// WriteCSV writes events as CSV (RFC 4180: encoding/csv quotes fields with
// commas, quotes or line breaks and doubles quotes; lines end in CRLF).
// Spreadsheets run a cell that starts with = + - @ (or a tab or carriage
// return) as a formula, so such cells get a leading single quote: a label
// like "=HYPERLINK(...)" typed by whoever named an account shows as text
// instead of running when a client opens the file (CSV injection).
func WriteCSV(w io.Writer, events func(yield func(*backend.Event) error) error) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	err := events(func(e *backend.Event) error {
		details := "{}"
		if len(e.Details) > 0 {
			b, err := json.Marshal(e.Details)
			if err != nil {
				return err
			}
			details = string(b)
		}
		row := []string{strconv.FormatInt(e.ID, 10), e.Time.UTC().Format(time.RFC3339Nano), e.ClientID, e.ClientName,
			e.AccountID, e.AccountLabel, e.Provider, e.Kind, e.Outcome, e.Reason, e.Message, details}
		for i := range row {
			row[i] = SafeCell(row[i])
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell defuses a CSV cell that a spreadsheet would run as a formula by
// putting a single quote in front of it.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// WriteJSON writes events as a JSON array of backend.Event objects, one per
// line, streaming: an export of a million events never sits in memory.
func WriteJSON(w io.Writer, events func(yield func(*backend.Event) error) error) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("["); err != nil {
		return err
	}
	n := 0
	err := events(func(e *backend.Event) error {
		if e.Details == nil {
			e.Details = map[string]any{}
		}
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		sep := ",\n"
		if n == 0 {
			sep = "\n"
		}
		n++
		bw.WriteString(sep)
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// ExportCSV writes the events matching f (all of them; f.Limit caps the
// total when set) as CSV, newest first.
func (s *Service) ExportCSV(ctx context.Context, w io.Writer, f backend.EventFilter) error {
	return WriteCSV(w, func(yield func(*backend.Event) error) error { return s.EachEvent(ctx, f, yield) })
}

// ExportJSON writes the events matching f as a JSON array, newest first.
func (s *Service) ExportJSON(ctx context.Context, w io.Writer, f backend.EventFilter) error {
	return WriteJSON(w, func(yield func(*backend.Event) error) error { return s.EachEvent(ctx, f, yield) })
}
