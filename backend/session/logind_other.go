//go:build !linux

package session

import "errors"

// Open has no session manager to talk to outside Linux: Windows and macOS
// end the app through the window toolkit's quit (package main).
func Open() (Watcher, error) {
	return nil, errors.New("no session manager on this system")
}
