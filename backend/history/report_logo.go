package history

import (
	"bytes"
	"image"
	"image/png"

	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"

	"github.com/tokenwarden/tokenwarden/backend"
)

// logoPixels is the width an SVG logo is rasterized to for the PDF: sharp
// at 48 mm when printed at 400 dpi.
const logoPixels = 760

// PNG returns the logo as PNG data for the PDF: a PNG as it is, an SVG
// drawn at logoPixels wide (fpdf draws no SVG). The HTML report keeps the
// SVG itself.
func (l *Logo) PNG() ([]byte, error) {
	if l.Type == "png" {
		return l.Data, nil
	}
	icon, err := oksvg.ReadIconStream(bytes.NewReader(l.Data), oksvg.IgnoreErrorMode)
	if err != nil {
		return nil, backend.Errorf(backend.EINVALID, "The SVG logo cannot be drawn: %v.", err)
	}
	w := logoPixels
	h := max(1, int(float64(w)*l.Height/l.Width+0.5))
	icon.SetTarget(0, 0, float64(w), float64(h))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	icon.Draw(rasterx.NewDasher(w, h, rasterx.NewScannerGV(w, h, img, img.Bounds())), 1)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
