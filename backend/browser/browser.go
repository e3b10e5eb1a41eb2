// Package browser opens URLs in the user's system browser, never in the
// app's own webview (RFC 8252 §8.12).
package browser

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Open opens u with the command in $BROWSER when set (a list separated by
// colons, each optionally with %s for the URL, as sensible-browser reads it),
// otherwise with the operating system's opener.
func Open(u string) error {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
		return fmt.Errorf("refusing to open %q: not an http(s) URL", u)
	}
	if list := os.Getenv("BROWSER"); list != "" {
		var lastErr error
		for _, entry := range strings.Split(list, ":") {
			if entry = strings.TrimSpace(entry); entry == "" {
				continue
			}
			args := strings.Fields(entry)
			if strings.Contains(entry, "%s") {
				for i := range args {
					args[i] = strings.ReplaceAll(args[i], "%s", u)
				}
			} else {
				args = append(args, u)
			}
			if lastErr = start(args[0], args[1:]...); lastErr == nil {
				return nil
			}
		}
		return fmt.Errorf("no browser in $BROWSER could be started: %w", lastErr)
	}
	switch runtime.GOOS {
	case "darwin":
		return start("open", u)
	case "windows":
		return start("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		return start("xdg-open", u)
	}
}

// start runs the opener without waiting for the browser to exit, reaping it
// in the background so no zombie is left.
func start(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// OpenPath opens a file or folder that exists with the operating system's
// opener (a PDF in its viewer, a folder in the file manager). The path must
// be absolute, so it can never be read as an option or a URL.
func OpenPath(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("refusing to open %q: not an absolute path", path)
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("cannot open %s: %w", path, err)
	}
	switch runtime.GOOS {
	case "darwin":
		return start("open", path)
	case "windows":
		return start("explorer", path)
	default:
		return start("xdg-open", path)
	}
}
