package main

import "github.com/tokenwarden/tokenwarden/backend"

// SetWindowTheme makes the window's native parts (the menu bar, and the
// title bar where the toolkit draws it) follow the theme the page shows:
// "light" or "dark".
func (s *SettingsService) SetWindowTheme(theme string) error {
	switch theme {
	case "light", "dark":
		preferDarkWindow(theme == "dark")
		return nil
	}
	return s.userError(backend.Errorf(backend.EINVALID, "%q is not a theme; use light or dark.", theme))
}
