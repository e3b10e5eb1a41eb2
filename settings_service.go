package main

import (
	"os"
	"path/filepath"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/autostart"
	"github.com/tokenwarden/tokenwarden/backend/notify"
)

// SettingsService reads and saves the user's settings and snoozes an
// account's notifications. The settings have one source, the store; every
// part of the app reads them from there when it needs them, so a saved
// change takes effect everywhere at once.
type SettingsService struct {
	*shell
	store         backend.SettingsStore
	notifier      *notify.Notifier
	notifications *notifications
}

// NotificationSettings returns the saved settings.
func (s *SettingsService) NotificationSettings() (*backend.Settings, error) {
	if s.store == nil {
		return nil, s.closed()
	}
	st, err := s.store.Settings(s.ctx)
	if err != nil {
		return nil, s.userError(err)
	}
	st.StartAtLogin = loginItem().Enabled()
	return &st, nil
}

// SaveNotificationSettings validates and saves the settings and applies the
// start-at-login item. Bad input changes nothing.
func (s *SettingsService) SaveNotificationSettings(in backend.Settings) (*backend.Settings, error) {
	if s.store == nil {
		return nil, s.closed()
	}
	saved, err := s.store.SaveSettings(s.ctx, in)
	if err != nil {
		return nil, s.userError(err)
	}
	entry := loginItem()
	if saved.StartAtLogin != entry.Enabled() {
		apply := entry.Disable
		if saved.StartAtLogin {
			apply = entry.Enable
		}
		if err := apply(); err != nil {
			return nil, s.userError(backend.Errorf(backend.EUNAVAILABLE, "Could not change the start-at-login setting: %v.", err))
		}
	}
	s.notifications.now(s.ctx)
	s.announce() // the warning window moves every status
	return &saved, nil
}

// loginItem is the start-at-login item for the running binary.
func loginItem() autostart.Entry {
	exe, err := os.Executable()
	if err == nil {
		exe, _ = filepath.EvalSymlinks(exe)
	}
	return autostart.Entry{Exe: exe}
}

// Snooze silences an account's notifications for days (0 clears the snooze)
// and returns when the snooze ends.
func (s *SettingsService) Snooze(accountID string, days int) (string, error) {
	if s.notifier == nil {
		return "", s.userError(backend.Errorf(backend.EUNAVAILABLE, "Notifications are not set up."))
	}
	until, err := s.notifier.Snooze(s.ctx, accountID, time.Duration(days)*24*time.Hour)
	if err != nil {
		return "", s.userError(err)
	}
	s.announce(accountID)
	if until.IsZero() {
		return "", nil
	}
	return until.Format(time.RFC3339), nil
}
