//go:build nowindow

package main

import (
	"fmt"
	"os"

	"github.com/tokenwarden/tokenwarden/backend/cli"
)

// This is tokenwarden-cli: the same commands without the desktop stack
// (GTK, WebKit), for cron and scripts, which then start in a few
// milliseconds and a few MiB. The window is in the tokenwarden binary.
func runWindow(string, []string) int {
	fmt.Fprintln(os.Stderr, `error: tokenwarden-cli has no window; run "tokenwarden" to open it, or "tokenwarden-cli help" for the commands`)
	return cli.ExitError
}

// preferDarkWindow: there is no window to theme.
func preferDarkWindow(bool) {}
