//go:build !linux

package tray

// missingHost is "" where the platform always has a status area, and the
// reason newHost gives where Tokenwarden cannot use it.
func missingHost() string {
	if _, err := newHost(); err != nil {
		return err.Error()
	}
	return ""
}
