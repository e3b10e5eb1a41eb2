package backend

import (
	"errors"
	"fmt"
)

// Error codes. They say what kind of failure happened so that the UI and the
// CLI can choose a message and an exit code without parsing text.
const (
	EINVALID     = "invalid"     // bad input from the user; nothing was changed
	ENOTFOUND    = "not_found"   // the thing asked for does not exist
	ECONFLICT    = "conflict"    // the change clashes with existing data (duplicate name)
	EUNAVAILABLE = "unavailable" // a dependency (keychain, network) cannot be reached now
	EINTERNAL    = "internal"    // a bug or an unexpected fault
)

// Error is an application error whose Message is safe to show to the user.
// It never carries a secret.
type Error struct {
	Code    string
	Message string
	// Hint tells the user what to do next, when there is something to do.
	Hint string
}

func (e *Error) Error() string {
	if e.Hint != "" {
		return e.Message + " " + e.Hint
	}
	return e.Message
}

// Errorf builds an application error with a code and a user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithHint returns a copy of e that tells the user what to do next.
func (e *Error) WithHint(hint string) *Error {
	c := *e
	c.Hint = hint
	return &c
}

// ErrorCode returns the code of an application error, EINTERNAL for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing text of an error. Internal errors are
// not shown verbatim: they may hold details the user cannot act on.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Error()
	}
	return "Internal error: " + err.Error()
}
