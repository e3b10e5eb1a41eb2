package main

import "github.com/tokenwarden/tokenwarden/backend/notify"

// desktop is the one place that calls the Wails runtime, so the facade can be
// tested without a window.
type desktop interface {
	// OpenURL opens a URL in the system browser.
	OpenURL(url string) error
	// Emit sends an event to the frontend.
	Emit(name string, data ...any)
	// Show brings the window forward: unminimised and shown.
	Show()
	// Quit ends the app (closing the window only hides it).
	Quit()
	// Hide hides the window; the app keeps running.
	Hide()
	// Notifications sets up the platform's notifications with buttons and
	// returns their sender; onResponse gets each click, for
	// notify.ParseResponse. An error means the platform refused (no
	// notification service, an unsigned macOS build).
	Notifications(onResponse notify.ResponseFunc) (notify.Sender, error)
	// SaveFile asks where to save a file, proposing name in dir; "" when
	// the user cancels.
	SaveFile(title, dir, name string, filters []fileFilter) (string, error)
	// OpenFile asks for a file to read; "" when the user cancels.
	OpenFile(title string, filters []fileFilter) (string, error)
	// ChooseFolder asks for a folder, starting in dir; "" when the user
	// cancels.
	ChooseFolder(title, dir string) (string, error)
	// OpenPath opens a file or folder with the system's opener.
	OpenPath(path string) error
}

// fileFilter is one choice of a file dialog's type list: "PDF document",
// "*.pdf" (patterns separated by ";").
type fileFilter struct{ Name, Pattern string }
