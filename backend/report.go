package backend

import (
	"context"
	"regexp"
	"strings"
)

// ReportSettings shape the reports the freelancer sends to clients: whose
// name and logo they carry, their accent colour, the paper size of the PDF,
// and whether they hide internal detail.
type ReportSettings struct {
	// SenderName is the freelancer's or agency's name, shown on every
	// report; "" for none.
	SenderName string `json:"sender_name"`
	// Accent is the report's accent colour, #rrggbb.
	Accent string `json:"accent"`
	// Logo is the logo's file name in the data folder's report folder
	// (history.ReportSettingsService puts it there); "" for none.
	Logo string `json:"logo"`
	// ClientView hides internal detail (account ids, raw reason codes,
	// check counts) from the client who reads the report.
	ClientView bool `json:"client_view"`
	// Paper is the PDF's paper size: PaperA4 or PaperLetter.
	Paper string `json:"paper"`
}

// Paper sizes of PDF reports.
const (
	PaperA4     = "a4"
	PaperLetter = "letter"
)

// DefaultAccent is the accent colour of a report nobody has styled.
const DefaultAccent = "#1f6feb"

// DefaultReportSettings are the settings before the user changes any:
// client view on, A4, the default accent.
func DefaultReportSettings() ReportSettings {
	return ReportSettings{Accent: DefaultAccent, ClientView: true, Paper: PaperA4}
}

var hexColour = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// Clean checks the settings and returns them normalized (the name trimmed,
// the colour lower case, an empty colour or paper size given its default).
// The logo file name is the settings service's to set; it is only checked
// to be a plain file name.
func (s ReportSettings) Clean() (ReportSettings, error) {
	s.SenderName = strings.TrimSpace(s.SenderName)
	switch {
	case len([]rune(s.SenderName)) > MaxNameLength:
		return s, Errorf(EINVALID, "The sender name is longer than %d characters.", MaxNameLength)
	case HasControlChars(s.SenderName):
		return s, Errorf(EINVALID, "The sender name contains control characters.")
	}
	s.Accent = strings.ToLower(strings.TrimSpace(s.Accent))
	if s.Accent == "" {
		s.Accent = DefaultAccent
	}
	if !hexColour.MatchString(s.Accent) {
		return s, Errorf(EINVALID, "The accent colour %q is not a colour like #1f6feb.", s.Accent).WithHint("Use # and six hex digits.")
	}
	s.Paper = strings.ToLower(strings.TrimSpace(s.Paper))
	switch s.Paper {
	case "":
		s.Paper = PaperA4
	case PaperA4, PaperLetter:
	default:
		return s, Errorf(EINVALID, "Unknown paper size %q.", s.Paper).WithHint("Use a4 or letter.")
	}
	if s.Logo != "" && (strings.ContainsAny(s.Logo, `/\`) || s.Logo == "." || s.Logo == ".." || HasControlChars(s.Logo)) {
		return s, Errorf(EINVALID, "The logo %q is not a file name.", s.Logo)
	}
	return s, nil
}

// ReportSettingsStore keeps the report settings. *sqlite.DB implements it.
type ReportSettingsStore interface {
	// ReportSettings returns the saved settings, or nil when none were saved.
	ReportSettings(ctx context.Context) (*ReportSettings, error)
	SaveReportSettings(ctx context.Context, s ReportSettings) error
}
