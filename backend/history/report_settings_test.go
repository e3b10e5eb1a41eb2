package history

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestParseLogo(t *testing.T) {
	t.Parallel()
	var small, huge bytes.Buffer
	png.Encode(&small, image.NewGray(image.Rect(0, 0, 200, 50)))
	png.Encode(&huge, image.NewGray(image.Rect(0, 0, MaxLogoPixels+1, 1)))
	svg := func(body string) []byte {
		return []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" ` + body + `</svg>`)
	}
	tests := []struct {
		name string
		data []byte
		ok   bool
		typ  string
		w, h float64
	}{
		{"png", small.Bytes(), true, "png", 200, 50},
		{"png too many pixels", huge.Bytes(), false, "", 0, 0},
		{"png cut short", small.Bytes()[:len(small.Bytes())/2], false, "", 0, 0},
		{"svg with width and height", svg(`width="120" height="40px"><rect width="120" height="40" fill="#fa0"/>`), true, "svg", 120, 40},
		{"svg with a viewBox", svg(`viewBox="0 0 300 100"><path d="M0 0h10v10z" style="fill:url(#g)"/>`), true, "svg", 300, 100},
		{"svg without a size", svg(`><rect width="1" height="1"/>`), false, "", 0, 0},
		{"svg with a script", svg(`width="1" height="1"><script>alert(1)</script>`), false, "", 0, 0},
		{"svg with an event handler", svg(`width="1" height="1" onload="alert(1)">`), false, "", 0, 0},
		{"svg loading an image from the web", svg(`width="1" height="1"><image href="https://example.com/x.png"/>`), false, "", 0, 0},
		{"svg with a foreign object", svg(`width="1" height="1"><foreignObject/>`), false, "", 0, 0},
		{"svg with an external style", svg(`width="1" height="1"><style>@import "https://example.com/a.css";</style>`), false, "", 0, 0},
		{"svg with a DOCTYPE", []byte(`<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg width="1" height="1">&a;</svg>`), false, "", 0, 0},
		{"not well-formed", svg(`width="1" height="1"><g>`), false, "", 0, 0},
		{"html", []byte(`<html><body>hi</body></html>`), false, "", 0, 0},
		{"text", []byte(`hello`), false, "", 0, 0},
		{"empty", nil, false, "", 0, 0},
	}
	for _, tt := range tests {
		l, err := ParseLogo(tt.data)
		if tt.ok != (err == nil) {
			t.Errorf("%s: error %v, want ok=%v", tt.name, err, tt.ok)
			continue
		}
		if err != nil {
			if backend.ErrorCode(err) != backend.EINVALID {
				t.Errorf("%s: error code %s", tt.name, backend.ErrorCode(err))
			}
			continue
		}
		if l.Type != tt.typ || l.Width != tt.w || l.Height != tt.h {
			t.Errorf("%s: %s %vx%v, want %s %vx%v", tt.name, l.Type, l.Width, l.Height, tt.typ, tt.w, tt.h)
		}
	}
}
