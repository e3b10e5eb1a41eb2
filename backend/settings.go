package backend

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Settings are the user's choices: notifications and the warning window.
// They have one source, a SettingsStore, and are read where they are used,
// so that a change takes effect everywhere at once.
type Settings struct {
	// Enabled is the global switch: off, nothing is sent at all.
	Enabled bool `json:"enabled"`
	// Thresholds are the days before an account's reconnect-by date at which
	// to notify, most distant first; 0 means "when the date has passed".
	// A token the platform rejects is notified at once whatever they are.
	Thresholds []int `json:"thresholds"`
	// QuietHours hold notifications back at night.
	QuietHours QuietHours `json:"quiet_hours"`
	// StartAtLogin starts Tokenwarden hidden when the user logs in, so that
	// checks and notifications go on without opening the window.
	StartAtLogin bool `json:"start_at_login"`
	// WarningDays is how many days before the reconnect-by date an account
	// counts as expiring.
	WarningDays int `json:"warning_days"`
}

// QuietHours is a daily span of local time, "22:00" to "08:00" for example,
// during which nothing is shown. What falls due inside it, a token that
// broke included, is shown when it ends: a broken token cannot be fixed by
// someone asleep, and the window lists it at once anyway.
type QuietHours struct {
	Enabled bool `json:"enabled"`
	// Start and End are "HH:MM", 24-hour, local time. Start is inside the
	// span, End is not; End before Start wraps past midnight.
	Start string `json:"start"`
	End   string `json:"end"`
}

// Limits of the settings.
const (
	MaxThresholdDays = 60
	MaxThresholds    = 8
	MaxWarningDays   = 60
)

// DefaultSettings are used until the user saves their own.
func DefaultSettings() Settings {
	return Settings{
		Enabled:     true,
		Thresholds:  []int{7, 3, 1, 0},
		QuietHours:  QuietHours{Enabled: false, Start: "22:00", End: "08:00"},
		WarningDays: int(DefaultWarningWindow / (24 * time.Hour)),
	}
}

// WarningWindow is WarningDays as a duration: how long before a deadline an
// account counts as expiring.
func (s Settings) WarningWindow() time.Duration {
	if s.WarningDays <= 0 {
		return DefaultWarningWindow
	}
	return time.Duration(s.WarningDays) * 24 * time.Hour
}

func invalidSetting(format string, args ...any) error {
	return Errorf(EINVALID, format, args...)
}

// Clean checks s and returns it in its stored form: thresholds sorted most
// distant first, times as "HH:MM". Bad input is an EINVALID error with a
// message for the user.
func (s Settings) Clean() (Settings, error) {
	out := s
	out.Thresholds = slices.Clone(s.Thresholds)
	if out.Thresholds == nil {
		out.Thresholds = []int{}
	}
	if len(out.Thresholds) > MaxThresholds {
		return Settings{}, invalidSetting("Choose at most %d reminders.", MaxThresholds)
	}
	slices.SortFunc(out.Thresholds, func(a, b int) int { return b - a })
	for i, d := range out.Thresholds {
		switch {
		case d < 0 || d > MaxThresholdDays:
			return Settings{}, invalidSetting("A reminder must be between 0 and %d days before the reconnect-by date; %d is not.", MaxThresholdDays, d)
		case i > 0 && out.Thresholds[i-1] == d:
			return Settings{}, invalidSetting("The reminder %s is listed twice.", ThresholdName(d))
		}
	}
	if out.WarningDays < 1 || out.WarningDays > MaxWarningDays {
		return Settings{}, invalidSetting("The warning window must be between 1 and %d days.", MaxWarningDays)
	}
	if len(out.Thresholds) > 0 && out.Thresholds[0] > out.WarningDays {
		return Settings{}, Errorf(EINVALID, "The reminder %d days ahead comes before the %d-day warning window.", out.Thresholds[0], out.WarningDays).
			WithHint("Widen the warning window or drop that reminder.")
	}
	q := &out.QuietHours
	start, errStart := parseClock(q.Start)
	end, errEnd := parseClock(q.End)
	switch {
	case q.Enabled && (q.Start == "" || q.End == ""):
		return Settings{}, invalidSetting("Quiet hours need a start and an end time.")
	case q.Start != "" && errStart != nil:
		return Settings{}, Errorf(EINVALID, "The quiet hours start %q is not a time.", Clip(q.Start)).WithHint("Use 24-hour times like 22:00.")
	case q.End != "" && errEnd != nil:
		return Settings{}, Errorf(EINVALID, "The quiet hours end %q is not a time.", Clip(q.End)).WithHint("Use 24-hour times like 08:00.")
	case q.Enabled && start == end:
		return Settings{}, invalidSetting("Quiet hours start and end at the same time (%s).", q.Start)
	}
	if q.Start != "" {
		q.Start = formatClock(start)
	}
	if q.End != "" {
		q.End = formatClock(end)
	}
	return out, nil
}

// parseClock reads "H:MM" or "HH:MM" (24-hour) as minutes after midnight.
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !digits(h) || !digits(m) {
		return 0, fmt.Errorf("not HH:MM")
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if hh > 23 || mm > 59 {
		return 0, fmt.Errorf("out of range")
	}
	return hh*60 + mm, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func formatClock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// Quiet reports whether now falls inside the quiet hours and, if so, when
// they end (in now's location). Settings that were not cleaned count as no
// quiet hours.
func (s Settings) Quiet(now time.Time) (until time.Time, quiet bool) {
	q := s.QuietHours
	if !q.Enabled {
		return time.Time{}, false
	}
	start, err1 := parseClock(q.Start)
	end, err2 := parseClock(q.End)
	if err1 != nil || err2 != nil || start == end {
		return time.Time{}, false
	}
	m := now.Hour()*60 + now.Minute()
	if start < end {
		quiet = m >= start && m < end
	} else { // wraps past midnight
		quiet = m >= start || m < end
	}
	if !quiet {
		return time.Time{}, false
	}
	y, mo, d := now.Date()
	until = time.Date(y, mo, d, end/60, end%60, 0, 0, now.Location())
	if !until.After(now) {
		until = time.Date(y, mo, d+1, end/60, end%60, 0, 0, now.Location())
	}
	return until, true
}

// ThresholdName says a threshold in words, for messages.
func ThresholdName(days int) string {
	switch days {
	case 0:
		return "when the date has passed"
	case 1:
		return "1 day ahead"
	}
	return fmt.Sprintf("%d days ahead", days)
}

// SettingsStore keeps the Settings (sqlite.DB implements it). Settings reads
// the stored copy on every call, DefaultSettings when none was saved;
// SaveSettings cleans s and stores it, and bad input changes nothing.
type SettingsStore interface {
	Settings(ctx context.Context) (Settings, error)
	SaveSettings(ctx context.Context, s Settings) (Settings, error)
}

// ParseSettings reads a stored copy of Settings: fields it lacks get their
// defaults, and a copy that does not pass Clean is an error. nil is
// DefaultSettings.
func ParseSettings(raw []byte) (Settings, error) {
	s := DefaultSettings()
	if raw == nil {
		return s, nil
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return Settings{}, fmt.Errorf("stored settings: %w", err)
	}
	clean, err := s.Clean()
	if err != nil {
		return Settings{}, fmt.Errorf("stored settings: %w", err)
	}
	return clean, nil
}

// WarningWindowOf is the warning window as the user set it now, or the
// default when there are no settings to read (tests, a closed data folder).
func WarningWindowOf(ctx context.Context, s SettingsStore) (time.Duration, error) {
	if s == nil {
		return DefaultWarningWindow, nil
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	return st.WarningWindow(), nil
}
