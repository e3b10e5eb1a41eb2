//go:build (!linux) && !nowindow

package main

// preferDarkWindow does nothing here: on Windows and macOS Wails draws the
// window's menu and title bar from the system's appearance setting.
func preferDarkWindow(bool) {}
