package sqlite

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Event list sizes.
const (
	DefaultEventLimit = 100
	MaxEventLimit     = 1000
)

const eventColumns = "id, time, client_id, client_name, account_id, account_label, provider, kind, outcome, reason, message, details"

func scanEvent(s scanner) (*backend.Event, error) {
	var e backend.Event
	var ms int64
	var details string
	if err := s.Scan(&e.ID, &ms, &e.ClientID, &e.ClientName, &e.AccountID, &e.AccountLabel,
		&e.Provider, &e.Kind, &e.Outcome, &e.Reason, &e.Message, &details); err != nil {
		return nil, err
	}
	e.Time = loadTime(ms)
	if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
		return nil, fmt.Errorf("event %d details: %w", e.ID, err)
	}
	return &e, nil
}

// AppendEvent adds e to the history and sets e.ID. A zero e.Time is set to
// now. Details are stored as JSON, so numbers read back as float64.
func (t *Tx) AppendEvent(e *backend.Event) error {
	if err := t.writable(); err != nil {
		return err
	}
	details := []byte("{}")
	if e.Details != nil {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return fmt.Errorf("append event: details: %w", err)
		}
	}
	ms := storeTime(&e.Time, time.Now())
	res, err := t.tx.ExecContext(t.ctx, "INSERT INTO events ("+eventColumns+") VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		ms, e.ClientID, e.ClientName, e.AccountID, e.AccountLabel, e.Provider, e.Kind, e.Outcome, e.Reason, e.Message, string(details))
	if err != nil {
		return fmt.Errorf("append event: %w", err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("append event: %w", err)
	}
	return nil
}

// Events returns the events matching f, newest first. Limit defaults to
// DefaultEventLimit and is capped at MaxEventLimit; page back by passing the
// last id seen as BeforeID.
func (t *Tx) Events(f backend.EventFilter) ([]*backend.Event, error) {
	var w where
	w.add(f.ClientID != "", "client_id = ?", f.ClientID)
	w.add(f.AccountID != "", "account_id = ?", f.AccountID)
	w.add(f.Provider != "", "provider = ?", f.Provider)
	w.add(f.Kind != "", "kind = ?", f.Kind)
	w.add(f.Outcome != "", "outcome = ?", f.Outcome)
	if f.Since != nil {
		w.add(true, "time >= ?", f.Since.UnixMilli())
	}
	if f.Until != nil {
		w.add(true, "time < ?", f.Until.UnixMilli())
	}
	if f.Query != "" {
		p := "%" + likeEscaper.Replace(f.Query) + "%"
		w.add(true, `(message LIKE ? ESCAPE '\' OR client_name LIKE ? ESCAPE '\' OR account_label LIKE ? ESCAPE '\')`, p, p, p)
	}
	w.add(f.BeforeID > 0, "id < ?", f.BeforeID)
	w.add(f.HideRoutine, stateTerms) // word for word, so events_notable (0008) serves it

	limit := f.Limit
	if limit <= 0 {
		limit = DefaultEventLimit
	}
	limit = min(limit, MaxEventLimit)
	if match := searchMatch(f.Query); match != "" {
		return t.searchEvents(w, match, f.BeforeID, limit)
	}
	return t.events(w, limit)
}

func (t *Tx) events(w where, limit int) ([]*backend.Event, error) {
	rows, err := t.tx.QueryContext(t.ctx, "SELECT "+eventColumns+" FROM events"+w.sql()+" ORDER BY id DESC LIMIT ?",
		append(w.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return collect(rows, scanEvent, "list events")
}

// Free-text search (EventFilter.Query) is a substring of the message, client
// name or account label, ignoring the case of ASCII letters: LIKE decides,
// as it always did (SQLite has no Unicode case folding). From three
// characters on, the trigram index of migration 0010 narrows the rows first
// to those holding every three-character piece of the query.
//
// searchEvents walks the index's candidates newest first, a batch at a
// time, and checks each batch against the filter, so a page of a common
// word ends after a batch or two. When the other filters leave few of the
// candidates (a common word in a rare kind of event), walking them all
// would read most of the history: after searchWindow candidates it goes on
// from where it got to with the filter alone, through the indexes the
// filter has, LIKE checking each row.
const (
	searchMin    = 3 // the index holds every run of three characters
	searchBatch  = 500
	searchWindow = 4000
)

// searchMatch is the FTS5 query for q: each three-character piece one
// quoted string, a double quote written twice, so that the user's quotes,
// *, :, ^, AND, NEAR and parentheses are text to find, never query syntax.
// Empty when q is too short for the index.
func searchMatch(q string) string {
	r := []rune(q)
	if len(r) < searchMin {
		return ""
	}
	terms := make([]string, 0, len(r)-searchMin+1)
	for i := range len(r) - searchMin + 1 {
		terms = append(terms, `"`+strings.ReplaceAll(string(r[i:i+searchMin]), `"`, `""`)+`"`)
	}
	return strings.Join(terms, " ")
}

func (t *Tx) searchEvents(w where, match string, beforeID int64, limit int) ([]*backend.Event, error) {
	cand := "SELECT rowid FROM events_search WHERE events_search MATCH ?"
	candArgs := []any{match}
	if beforeID > 0 {
		cand, candArgs = cand+" AND rowid < ?", append(candArgs, beforeID)
	}
	// The candidates are read as the batches need them: the index merges
	// the pieces' lists lazily, so a page found early ends the work early.
	rows, err := t.tx.QueryContext(t.ctx, cand+" ORDER BY rowid DESC LIMIT ?", append(candArgs, searchWindow+1)...)
	if err != nil {
		return nil, fmt.Errorf("search events: %w", err)
	}
	defer rows.Close()
	out := []*backend.Event{}
	batch := make([]int64, 0, searchBatch)
	walked, last := 0, int64(0)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		bw := where{conds: append(slices.Clone(w.conds), "id IN ("+placeholders(len(batch))+")"), args: slices.Clone(w.args)}
		for _, id := range batch {
			bw.args = append(bw.args, id)
		}
		batch = batch[:0]
		es, err := t.events(bw, limit-len(out))
		out = append(out, es...)
		return err
	}
	for len(out) < limit && walked < searchWindow && rows.Next() {
		if err := rows.Scan(&last); err != nil {
			return nil, fmt.Errorf("search events: %w", err)
		}
		walked++
		if batch = append(batch, last); len(batch) == searchBatch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search events: %w", err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(out) == limit || walked < searchWindow || !rows.Next() {
		return out, nil // a full page, or every candidate checked
	}
	rows.Close()
	// The rest, past the candidates walked, by the filter alone.
	rest := where{conds: append(slices.Clone(w.conds), "id < ?"), args: append(slices.Clone(w.args), last)}
	es, err := t.events(rest, limit-len(out))
	if err != nil {
		return nil, err
	}
	return append(out, es...), nil
}

// likeEscaper makes the user's text match literally inside a LIKE pattern
// with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
