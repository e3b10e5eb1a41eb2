// Package autostart registers Tokenwarden to start at login, hidden, so it
// can check tokens and notify without the user opening it: an XDG autostart
// entry on Linux, a LaunchAgent on macOS, the Run key on Windows.
package autostart

// HiddenFlag is the argument the login item passes so the app starts with
// its window hidden.
const HiddenFlag = "--hidden"

// Entry describes the login item for one executable.
type Entry struct {
	// Exe is the absolute path of the tokenwarden binary.
	Exe string
	// Dir is the folder the item is written to; empty means the OS default
	// (tests set it).
	Dir string
}
