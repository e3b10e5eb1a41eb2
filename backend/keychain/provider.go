package keychain

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/zalando/go-keyring"
)

// errNotFound is what a provider returns for a missing item.
var errNotFound = keyring.ErrNotFound

// errNoSessionBus says that there is no D-Bus session bus to reach the Secret
// Service over.
var errNoSessionBus = errors.New("dbus: no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")

// provider is the raw keychain: one item per user name under Service. Tests
// swap in fakes that hang or fail.
type provider interface {
	get(user string) (string, error)
	set(user, value string) error
	delete(user string) error
}

// goKeyring is the real keychain, through go-keyring.
type goKeyring struct{}

func (goKeyring) get(user string) (string, error) {
	if noSessionBus() {
		return "", errNoSessionBus
	}
	return keyring.Get(Service, user)
}

func (goKeyring) set(user, value string) error {
	if noSessionBus() {
		return errNoSessionBus
	}
	return keyring.Set(Service, user, value)
}

func (goKeyring) delete(user string) error {
	if noSessionBus() {
		return errNoSessionBus
	}
	return keyring.Delete(Service, user)
}

// noSessionBus reports, on systems that use the Secret Service, that no
// session bus can be found. godbus would then run dbus-launch, which starts a
// new, useless bus daemon on every call and leaves it running; checking
// first avoids that. The places checked are the ones godbus looks at.
func noSessionBus() bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
	default:
		return false
	}
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return false
	}
	dir := fmt.Sprintf("/run/user/%d", os.Getuid())
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return false
		}
	}
	return true
}
