package cli

import (
	"bytes"
	"io"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
)

// terminalWriter is what every command writes through, so that no control
// byte from a name, a platform's message or old data reaches the terminal:
// characters backend.IsControl refuses and invalid UTF-8 become U+FFFD. Line
// feeds and tabs pass, and a carriage return passes only as part of CR LF
// (which calendar exports need). A CR or an incomplete UTF-8 sequence at the
// end of one write is held until the next, so a write cut mid-character by a
// buffer is not garbled.
type terminalWriter struct {
	w       io.Writer
	pending []byte
}

func (t *terminalWriter) Write(p []byte) (int, error) {
	data := append(t.pending, p...)
	t.pending = nil
	if hold := heldTail(data); hold > 0 {
		t.pending = append([]byte(nil), data[len(data)-hold:]...)
		data = data[:len(data)-hold]
	}
	if _, err := t.w.Write(terminalSafe(data)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// heldTail returns how many bytes at the end of data cannot be judged before
// the next write: a CR, or the start of a multi-byte character.
func heldTail(data []byte) int {
	if n := len(data); n > 0 && data[n-1] == '\r' {
		return 1
	}
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(data[i]) {
			if !utf8.FullRune(data[i:]) {
				return len(data) - i
			}
			break
		}
	}
	return 0
}

// terminalSafe returns data with controls and invalid bytes replaced.
func terminalSafe(data []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(data))
	for i := 0; i < len(data); {
		if c := data[i]; c >= ' ' && c < 0x7f { // printable ASCII, most of any output: no decoding
			out.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == '\n' || r == '\t':
		case r == '\r' && i+1 < len(data) && data[i+1] == '\n':
		case r == utf8.RuneError && size == 1, backend.IsControl(r):
			r = utf8.RuneError
		}
		out.WriteRune(r)
		i += size
	}
	return out.Bytes()
}

// escapeJSONControls rewrites the characters backend.IsControl refuses that
// encoding/json leaves raw (C1 controls, bidi marks) as \u escapes: the JSON
// means the same, and a terminal shows it as it is.
func escapeJSONControls(encoded []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(encoded))
	for i := 0; i < len(encoded); {
		if encoded[i] < utf8.RuneSelf { // ASCII: encoding/json escaped its controls already
			out.WriteByte(encoded[i])
			i++
			continue
		}
		r, size := utf8.DecodeRune(encoded[i:])
		if r >= 0x80 && backend.IsControl(r) {
			out.WriteString(`\u`)
			const hex = "0123456789abcdef"
			out.Write([]byte{hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf]})
		} else {
			out.Write(encoded[i : i+size])
		}
		i += size
	}
	return out.Bytes()
}
