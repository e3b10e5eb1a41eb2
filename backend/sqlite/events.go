package sqlite

import (
	"encoding/json"
	"fmt"
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
		// LIKE ignores case for ASCII letters only; SQLite without ICU has
		// no Unicode case folding.
		p := "%" + escapeLike(f.Query) + "%"
		w.add(true, `(message LIKE ? ESCAPE '\' OR client_name LIKE ? ESCAPE '\' OR account_label LIKE ? ESCAPE '\')`, p, p, p)
	}
	w.add(f.BeforeID > 0, "id < ?", f.BeforeID)
	w.add(f.HideRoutine, stateTerms) // word for word, so events_notable (0008) serves it

	limit := f.Limit
	if limit <= 0 {
		limit = DefaultEventLimit
	}
	limit = min(limit, MaxEventLimit)

	rows, err := t.tx.QueryContext(t.ctx, "SELECT "+eventColumns+" FROM events"+w.sql()+" ORDER BY id DESC LIMIT ?",
		append(w.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return collect(rows, scanEvent, "list events")
}

// likeEscaper makes the user's text match literally inside a LIKE pattern
// with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func escapeLike(s string) string { return likeEscaper.Replace(s) }
