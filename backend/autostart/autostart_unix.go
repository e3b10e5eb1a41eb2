//go:build linux || freebsd || openbsd || netbsd

package autostart

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func (e Entry) path() (string, error) {
	dir := e.Dir
	if dir == "" {
		base := os.Getenv("XDG_CONFIG_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			base = filepath.Join(home, ".config")
		}
		dir = filepath.Join(base, "autostart")
	}
	return filepath.Join(dir, "tokenwarden.desktop"), nil
}

// quoteExec quotes an argument for a .desktop Exec line.
func quoteExec(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", "$", `\$`, "%", "%%")
	return `"` + r.Replace(s) + `"`
}

// Enable writes the autostart entry.
func (e Entry) Enable() error {
	p, err := e.path()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	content := fmt.Sprintf(`[Desktop Entry]
Type=Application
Name=Tokenwarden
Comment=Keeps your clients' accounts connected
Exec=%s %s
Icon=tokenwarden
Terminal=false
X-GNOME-Autostart-enabled=true
`, quoteExec(e.Exe), HiddenFlag)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// Disable removes the entry; it is not an error when there is none.
func (e Entry) Disable() error {
	p, err := e.path()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// Enabled reports whether the entry exists.
func (e Entry) Enabled() bool {
	p, err := e.path()
	if err != nil {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}
