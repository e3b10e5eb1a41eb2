package keychain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/zalando/go-keyring"
)

// timeoutError is a keychain call that did not return in time.
type timeoutError struct{ d time.Duration }

func (e timeoutError) Error() string {
	return fmt.Sprintf("keychain: call did not return within %s", e.d)
}

// wrapped is a user-facing error that keeps the error the keychain reported,
// for logs. Only errors that do not mention the secret are kept.
type wrapped struct {
	app   *backend.Error
	cause error
}

func (w *wrapped) Error() string { return w.app.Error() }

// Unwrap exposes both the *backend.Error (for backend.ErrorCode and
// errors.As) and the cause (for errors.Is and logging).
func (w *wrapped) Unwrap() []error { return []error{w.app, w.cause} }

// mapError turns an error from a keychain call into a *backend.Error with a
// message for the user. secrets are the values involved in the call; a cause
// that mentions one of them is dropped rather than kept for logs.
func mapError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var app *backend.Error
	if errors.As(err, &app) {
		return err
	}
	app = classify(err)
	for _, s := range secrets {
		if s != "" && mentions(err, s) {
			return app
		}
	}
	return &wrapped{app: app, cause: err}
}

// mentions reports whether err or anything it wraps shows s.
func mentions(err error, s string) bool {
	if err == nil {
		return false
	}
	if strings.Contains(err.Error(), s) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), s) {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return mentions(u.Unwrap(), s)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if mentions(e, s) {
				return true
			}
		}
	}
	return false
}

// Messages for the user. Hints depend on the operating system.
var (
	hintLocked        = "Unlock your login keyring and try again."
	hintSecretService = "Install and start GNOME Keyring or KeePassXC with Secret Service integration, then try again."
	hintNoBus         = "Start Tokenwarden from your desktop session (it needs a D-Bus session bus), then try again."
	hintNoCollection  = "Open your keychain app (for example Seahorse), create a login keyring and make it the default, then try again."
)

func hintTimeout() string {
	switch runtime.GOOS {
	case "darwin":
		return "If macOS is asking for your keychain password, answer it, then try again."
	case "windows":
		return "Wait a moment and try again."
	}
	return "If your system is asking for the keyring password, answer it; otherwise check that your keychain app (GNOME Keyring or KeePassXC) is running. Then try again."
}

func hintGeneric() string {
	switch runtime.GOOS {
	case "darwin":
		return "Try again. If it keeps failing, open Keychain Access and check that your login keychain is unlocked."
	case "windows":
		return "Try again. If it keeps failing, open Credential Manager and check that it works."
	}
	return "Try again. If it keeps failing, restart your keychain app (GNOME Keyring or KeePassXC) or log out and back in."
}

func unavailable(msg, hint string) *backend.Error {
	return backend.Errorf(backend.EUNAVAILABLE, "%s", msg).WithHint(hint)
}

// classify chooses the user-facing error for a keychain failure.
func classify(err error) *backend.Error {
	var te timeoutError
	switch {
	case errors.As(err, &te):
		return unavailable(fmt.Sprintf("The keychain did not answer within %s.", te.d), hintTimeout())
	case errors.Is(err, context.DeadlineExceeded):
		return unavailable("The keychain did not answer in time.", hintTimeout())
	case errors.Is(err, context.Canceled):
		return backend.Errorf(backend.EUNAVAILABLE, "The keychain request was cancelled.")
	case errors.Is(err, keyring.ErrNotFound):
		return backend.Errorf(backend.ENOTFOUND, "The secret is not in the keychain.")
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return backend.Errorf(backend.EINVALID, "The secret is too large for this system's keychain.")
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return backend.Errorf(backend.EUNAVAILABLE, "This system has no keychain that Tokenwarden can use.")
	case errors.Is(err, errNoSessionBus),
		strings.Contains(err.Error(), "couldn't determine address of session bus"):
		return unavailable("No D-Bus session is running, so the keychain cannot be reached.", hintNoBus)
	case errors.Is(err, dbus.ErrClosed):
		return unavailable("The connection to the keychain was lost.", hintGeneric())
	case strings.Contains(err.Error(), "failed to unlock correct collection"):
		// go-keyring's message when the collection stays locked, for
		// example because the unlock prompt was dismissed.
		return unavailable("The keychain is locked.", hintLocked)
	}
	if name, ok := dbusErrorName(err); ok {
		switch {
		case name == "org.freedesktop.DBus.Error.ServiceUnknown",
			name == "org.freedesktop.DBus.Error.NameHasNoOwner",
			strings.HasPrefix(name, "org.freedesktop.DBus.Error.Spawn."):
			return unavailable("No keychain (Secret Service) is running.", hintSecretService)
		case name == "org.freedesktop.Secret.Error.IsLocked":
			return unavailable("The keychain is locked.", hintLocked)
		case name == "org.freedesktop.Secret.Error.NoSuchObject",
			name == "org.freedesktop.DBus.Error.UnknownObject":
			return unavailable("The keychain has no default keyring to store secrets in.", hintNoCollection)
		case name == "org.freedesktop.DBus.Error.NoReply",
			name == "org.freedesktop.DBus.Error.Timeout",
			name == "org.freedesktop.DBus.Error.TimedOut":
			return unavailable("The keychain did not answer.", hintTimeout())
		case name == "org.freedesktop.DBus.Error.AccessDenied":
			return unavailable("The keychain refused access.", hintGeneric())
		}
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		// Dialling the session bus failed: its address is stale.
		return unavailable("No D-Bus session is running, so the keychain cannot be reached.", hintNoBus)
	}
	return unavailable("The keychain reported an error.", hintGeneric())
}

// dbusErrorName returns the name of a D-Bus error inside err.
func dbusErrorName(err error) (string, bool) {
	var v dbus.Error
	if errors.As(err, &v) {
		return v.Name, true
	}
	var p *dbus.Error
	if errors.As(err, &p) && p != nil {
		return p.Name, true
	}
	return "", false
}
