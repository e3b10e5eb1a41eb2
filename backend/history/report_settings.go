package history

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tokenwarden/tokenwarden/backend"
)

// ReportSettingsService keeps the report settings and the logo file. The
// window's settings form and the command line call it.
type ReportSettingsService struct {
	Store backend.ReportSettingsStore
	// DataDir is the data folder; the logo is copied into its report/.
	DataDir string
}

// Logo limits: a logo is a small picture in a report's header.
const (
	MaxLogoBytes  = 512 << 10
	MaxLogoPixels = 4096 // per side, for PNG
)

// Settings returns the saved settings, or the defaults.
func (s *ReportSettingsService) Settings(ctx context.Context) (backend.ReportSettings, error) {
	saved, err := s.Store.ReportSettings(ctx)
	if err != nil || saved == nil {
		return backend.DefaultReportSettings(), err
	}
	return *saved, nil
}

// Save checks and saves the settings. The logo stays as it is: SetLogo and
// RemoveLogo change it.
func (s *ReportSettingsService) Save(ctx context.Context, in backend.ReportSettings) (backend.ReportSettings, error) {
	cur, err := s.Settings(ctx)
	if err != nil {
		return cur, err
	}
	in.Logo = cur.Logo
	clean, err := in.Clean()
	if err != nil {
		return cur, err
	}
	return clean, s.Store.SaveReportSettings(ctx, clean)
}

// SetLogo validates the PNG or SVG file at path and copies it into the data
// folder as the reports' logo, replacing the one before. A bad file changes
// nothing.
func (s *ReportSettingsService) SetLogo(ctx context.Context, path string) (backend.ReportSettings, error) {
	cur, err := s.Settings(ctx)
	if err != nil {
		return cur, err
	}
	if s.DataDir == "" {
		return cur, backend.Errorf(backend.EINTERNAL, "No data folder to keep the logo in.")
	}
	logo, err := ReadLogoFile(path)
	if err != nil {
		return cur, err
	}
	dir := filepath.Join(s.DataDir, "report")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return cur, backend.Errorf(backend.EUNAVAILABLE, "Cannot create %s: %v.", dir, err)
	}
	// A new name each time: a report being written reads either the old
	// logo or the new one, never half of one.
	name := backend.NewID("logo") + "." + logo.Type
	if err := writeBytes(filepath.Join(dir, name), logo.Data); err != nil {
		return cur, err
	}
	next := cur
	next.Logo = name
	if err := s.Store.SaveReportSettings(ctx, next); err != nil {
		os.Remove(filepath.Join(dir, name))
		return cur, err
	}
	if cur.Logo != "" {
		os.Remove(filepath.Join(dir, cur.Logo))
	}
	return next, nil
}

// ReadLogoFile reads and validates a logo file (ParseLogo), at most
// MaxLogoBytes.
func ReadLogoFile(path string) (*Logo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, backend.Errorf(backend.EINVALID, "Cannot read the logo %s: %v.", filepath.Base(path), errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxLogoBytes+1))
	if err != nil {
		return nil, backend.Errorf(backend.EINVALID, "Cannot read the logo %s: %v.", filepath.Base(path), err)
	}
	if len(data) > MaxLogoBytes {
		return nil, backend.Errorf(backend.EINVALID, "The logo is larger than %d KB.", MaxLogoBytes>>10).WithHint("Use a smaller PNG or an SVG.")
	}
	return ParseLogo(data)
}

// RemoveLogo takes the logo off the reports and deletes its file.
func (s *ReportSettingsService) RemoveLogo(ctx context.Context) (backend.ReportSettings, error) {
	cur, err := s.Settings(ctx)
	if err != nil || cur.Logo == "" {
		return cur, err
	}
	next := cur
	next.Logo = ""
	if err := s.Store.SaveReportSettings(ctx, next); err != nil {
		return cur, err
	}
	os.Remove(filepath.Join(s.DataDir, "report", cur.Logo))
	return next, nil
}

// Branding returns the settings with the logo read and checked again (the
// file in the data folder could have been changed by hand). A logo that is
// gone or no longer valid is left out rather than failing the report.
func (s *ReportSettingsService) Branding(ctx context.Context) (*Branding, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	b := &Branding{Settings: st}
	if st.Logo != "" {
		if data, err := os.ReadFile(filepath.Join(s.DataDir, "report", st.Logo)); err == nil && len(data) <= MaxLogoBytes {
			b.Logo, _ = ParseLogo(data)
		}
	}
	return b, nil
}

// Branding is what a report looks like: the settings and the logo.
type Branding struct {
	Settings backend.ReportSettings
	Logo     *Logo // nil: none
}

// Logo is a validated logo image.
type Logo struct {
	Type string // "png" or "svg"
	Data []byte
	// Width and Height are its size in pixels (PNG) or user units (SVG),
	// for the aspect ratio.
	Width, Height float64
}

// ParseLogo checks that data is a PNG (decoded whole, at most MaxLogoPixels
// a side) or an SVG with a size and nothing that runs or loads: no script,
// no event handler, no foreign object, no reference outside the file.
func ParseLogo(data []byte) (*Logo, error) {
	if bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, backend.Errorf(backend.EINVALID, "The logo is not a valid PNG: %v.", err)
		}
		if cfg.Width > MaxLogoPixels || cfg.Height > MaxLogoPixels || cfg.Width == 0 || cfg.Height == 0 {
			return nil, backend.Errorf(backend.EINVALID, "The logo is %d×%d pixels; at most %d a side.", cfg.Width, cfg.Height, MaxLogoPixels)
		}
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			return nil, backend.Errorf(backend.EINVALID, "The logo is not a valid PNG: %v.", err)
		}
		return &Logo{Type: "png", Data: data, Width: float64(cfg.Width), Height: float64(cfg.Height)}, nil
	}
	w, h, err := checkSVG(data)
	if err != nil {
		return nil, err
	}
	l := &Logo{Type: "svg", Data: data, Width: w, Height: h}
	// The PDF draws it as a picture: an SVG that cannot be drawn is refused
	// now rather than missing from every PDF.
	if _, err := l.PNG(); err != nil {
		return nil, err
	}
	return l, nil
}

var errNotLogo = backend.Errorf(backend.EINVALID, "The logo is neither a PNG nor an SVG file.").WithHint("Choose a .png or .svg file.")

func checkSVG(data []byte) (w, h float64, err error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	root := true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if root {
				return 0, 0, errNotLogo
			}
			return 0, 0, backend.Errorf(backend.EINVALID, "The SVG logo is not well-formed XML: %v.", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			// A DOCTYPE can declare entities that expand without end.
			return 0, 0, backend.Errorf(backend.EINVALID, "The SVG logo has a DOCTYPE; save it without one.")
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if root {
				if name != "svg" {
					return 0, 0, errNotLogo
				}
				root = false
				if w, h, err = svgSize(t.Attr); err != nil {
					return 0, 0, err
				}
			}
			switch name {
			case "script", "foreignobject", "iframe", "object", "embed", "audio", "video", "animate", "set", "handler":
				return 0, 0, backend.Errorf(backend.EINVALID, "The SVG logo contains a <%s> element, which a report cannot show safely.", t.Name.Local)
			}
			for _, a := range t.Attr {
				an := strings.ToLower(a.Name.Local)
				v := strings.ToLower(strings.TrimSpace(a.Value))
				switch {
				case strings.HasPrefix(an, "on"):
					return 0, 0, backend.Errorf(backend.EINVALID, "The SVG logo has an event handler (%s).", a.Name.Local)
				case an == "href" && !strings.HasPrefix(v, "#") && !strings.HasPrefix(v, "data:image/png") && !strings.HasPrefix(v, "data:image/jpeg"):
					return 0, 0, backend.Errorf(backend.EINVALID, "The SVG logo refers to something outside the file.")
				case strings.Contains(v, "url(") && !strings.Contains(strings.ReplaceAll(v, " ", ""), "url(#"):
					return 0, 0, backend.Errorf(backend.EINVALID, "The SVG logo refers to something outside the file.")
				}
			}
		case xml.CharData:
			if s := strings.ToLower(string(t)); strings.Contains(s, "@import") || (strings.Contains(s, "url(") && !strings.Contains(strings.ReplaceAll(s, " ", ""), "url(#")) {
				return 0, 0, backend.Errorf(backend.EINVALID, "The SVG logo's style refers to something outside the file.")
			}
		}
	}
	if root {
		return 0, 0, errNotLogo
	}
	return w, h, nil
}

// svgSize reads the size from width and height, else from the viewBox.
func svgSize(attrs []xml.Attr) (w, h float64, err error) {
	num := func(s string) float64 {
		s = strings.TrimSuffix(strings.TrimSpace(s), "px")
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= 0 {
			return 0
		}
		return v
	}
	for _, a := range attrs {
		switch a.Name.Local {
		case "width":
			w = num(a.Value)
		case "height":
			h = num(a.Value)
		}
	}
	if w > 0 && h > 0 {
		return w, h, nil
	}
	for _, a := range attrs {
		if a.Name.Local == "viewBox" {
			f := strings.FieldsFunc(a.Value, func(r rune) bool { return r == ' ' || r == ',' })
			if len(f) == 4 && num(f[2]) > 0 && num(f[3]) > 0 {
				return num(f[2]), num(f[3]), nil
			}
		}
	}
	return 0, 0, backend.Errorf(backend.EINVALID, "The SVG logo has no size (width and height, or a viewBox).")
}
