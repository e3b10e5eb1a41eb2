package keychain

import "errors"

// Cause returns the error the keychain itself reported behind an error from
// this package, or nil, so tests can say why a real keychain failed.
func Cause(err error) error {
	var w *wrapped
	if errors.As(err, &w) {
		return w.cause
	}
	return nil
}
