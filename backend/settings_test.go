package backend

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDefaultSettings(t *testing.T) {
	t.Parallel()
	s := DefaultSettings()
	if !s.Enabled || s.StartAtLogin || s.QuietHours.Enabled || !reflect.DeepEqual(s.Thresholds, []int{7, 3, 1, 0}) ||
		s.WarningWindow() != DefaultWarningWindow {
		t.Errorf("defaults %+v", s)
	}
	clean, err := s.Clean()
	if err != nil || !reflect.DeepEqual(clean, s) {
		t.Errorf("defaults do not pass Clean unchanged: %+v, %v", clean, err)
	}
	b, _ := json.Marshal(s)
	want := `{"enabled":true,"thresholds":[7,3,1,0],"quiet_hours":{"enabled":false,"start":"22:00","end":"08:00"},"start_at_login":false,"warning_days":7}`
	if string(b) != want {
		t.Errorf("JSON %s\nwant %s", b, want)
	}
}

func TestCleanNormalises(t *testing.T) {
	t.Parallel()
	in := Settings{Enabled: true, Thresholds: []int{1, 0, 14, 3}, WarningDays: 14,
		QuietHours: QuietHours{Enabled: true, Start: "8:05", End: "07:00"}}
	got, err := in.Clean()
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{Enabled: true, Thresholds: []int{14, 3, 1, 0}, WarningDays: 14,
		QuietHours: QuietHours{Enabled: true, Start: "08:05", End: "07:00"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Clean = %+v, want %+v", got, want)
	}
	if !reflect.DeepEqual(in.Thresholds, []int{1, 0, 14, 3}) {
		t.Error("Clean changed its argument")
	}
	// No reminders at all is allowed (rejections are still notified), and
	// stored as [] rather than null.
	got, err = Settings{Enabled: true, WarningDays: 7}.Clean()
	if err != nil || got.Thresholds == nil || len(got.Thresholds) != 0 {
		t.Errorf("no thresholds: %+v, %v", got, err)
	}
	// Quiet hours switched off keep their times, and may have none.
	if _, err := (Settings{WarningDays: 7, QuietHours: QuietHours{}}).Clean(); err != nil {
		t.Errorf("empty quiet hours, off: %v", err)
	}
}

func TestCleanRejects(t *testing.T) {
	t.Parallel()
	base := DefaultSettings
	tests := map[string]struct {
		edit func(*Settings)
		msg  string
	}{
		"negative threshold": {func(s *Settings) { s.Thresholds = []int{7, -1} }, "between 0 and 60 days"},
		"threshold too far":  {func(s *Settings) { s.Thresholds = []int{61}; s.WarningDays = 60 }, "between 0 and 60 days"},
		"duplicate":          {func(s *Settings) { s.Thresholds = []int{3, 7, 3} }, "The reminder 3 days ahead is listed twice."},
		"duplicate passed":   {func(s *Settings) { s.Thresholds = []int{0, 0} }, "when the date has passed is listed twice"},
		"too many":           {func(s *Settings) { s.Thresholds = []int{7, 6, 5, 4, 3, 2, 1, 0, 8} }, "at most 8 reminders"},
		"window zero":        {func(s *Settings) { s.WarningDays = 0 }, "warning window must be between 1 and 60 days"},
		"window too wide":    {func(s *Settings) { s.WarningDays = 61 }, "warning window"},
		"reminder before window": {func(s *Settings) { s.Thresholds = []int{14, 7}; s.WarningDays = 7 },
			"The reminder 14 days ahead comes before the 7-day warning window. Widen"},
		"quiet without times": {func(s *Settings) { s.QuietHours = QuietHours{Enabled: true} }, "need a start and an end"},
		"quiet without end":   {func(s *Settings) { s.QuietHours = QuietHours{Enabled: true, Start: "22:00"} }, "need a start and an end"},
		"hour 24":             {func(s *Settings) { s.QuietHours.Start = "24:00" }, `start "24:00" is not a time`},
		"minute 60":           {func(s *Settings) { s.QuietHours.End = "07:60" }, `end "07:60" is not a time`},
		"one minute digit":    {func(s *Settings) { s.QuietHours.Start = "22:0" }, "not a time"},
		"letters":             {func(s *Settings) { s.QuietHours.Start = "ten pm" }, "not a time. Use 24-hour times like 22:00."},
		"am/pm":               {func(s *Settings) { s.QuietHours.End = "8:00am" }, "not a time"},
		"spaces":              {func(s *Settings) { s.QuietHours.End = " 8:00" }, "not a time"},
		"signed":              {func(s *Settings) { s.QuietHours.End = "+8:00" }, "not a time"},
		"long junk clipped":   {func(s *Settings) { s.QuietHours.End = strings.Repeat("9", 100) }, `"99999999999999999999…"`},
		"bad time while off":  {func(s *Settings) { s.QuietHours.Enabled = false; s.QuietHours.End = "25:00" }, "not a time"},
		"same start and end": {func(s *Settings) { s.QuietHours = QuietHours{Enabled: true, Start: "8:00", End: "08:00"} },
			"start and end at the same time"},
	}
	for name, tt := range tests {
		s := base()
		tt.edit(&s)
		got, err := s.Clean()
		if err == nil {
			t.Errorf("%s: accepted %+v", name, got)
			continue
		}
		if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %q (%s), want it to say %q", name, err, ErrorCode(err), tt.msg)
		}
	}
}

func TestDecodeSettingsFillsDefaults(t *testing.T) {
	t.Parallel()
	// A copy saved before a field existed (or by hand) gets the defaults.
	got, err := ParseSettings([]byte(`{"enabled":false,"future_field":1}`))
	want := DefaultSettings()
	want.Enabled = false
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("decode = %+v, %v", got, err)
	}
	if _, err := ParseSettings([]byte(`{"thresholds":[-3]}`)); err == nil {
		t.Error("a damaged copy was accepted")
	}
	if got, err := ParseSettings(nil); err != nil || !reflect.DeepEqual(got, DefaultSettings()) {
		t.Errorf("none stored: %+v, %v", got, err)
	}
}
