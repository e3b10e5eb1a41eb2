//go:build !linux && !windows

package tray

import "errors"

func newHost() (host, error) {
	return nil, errors.New("no status-area icon on this platform next to the Wails v2 window (it needs the main thread); Tokenwarden runs on without it")
}
