package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestTerminalSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain line\n", "plain line\n"},
		{"tab\tand\nlines\n", "tab\tand\nlines\n"},
		{"crlf\r\n", "crlf\r\n"},
		{"over\rwrite", "over\ufffdwrite"},
		{"\x1b[2J\x1b[31mred", "\ufffd[2J\ufffd[31mred"},
		{"csi \u009b31m", "csi \ufffd31m"},
		{"rlo \u202egpj.exe", "rlo \ufffdgpj.exe"},
		{"bad \xff byte", "bad \ufffd byte"},
		{"bell\a del\x7f", "bell\ufffd del\ufffd"},
		{"Café 日本 👨\u200d👩\u200d👧", "Café 日本 👨\u200d👩\u200d👧"},
	} {
		if got := string(terminalSafe([]byte(tc.in))); got != tc.want {
			t.Errorf("terminalSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A write cut in the middle of a character or of CR LF comes out whole.
func TestTerminalWriterSplitWrites(t *testing.T) {
	text := "é日\r\n😀\u009b\r\nend\n"
	for cut := 0; cut <= len(text); cut++ {
		var out bytes.Buffer
		w := &terminalWriter{w: &out}
		for _, part := range []string{text[:cut], text[cut:]} {
			if n, err := w.Write([]byte(part)); err != nil || n != len(part) {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if want := "é日\r\n😀\ufffd\r\nend\n"; out.String() != want {
			t.Errorf("cut at %d: %q, want %q", cut, out.String(), want)
		}
	}
}

func TestWriteJSONEscapesControls(t *testing.T) {
	in := map[string]string{"label": "a\u009bb\u202ec\x1bd\xffe"}
	var out bytes.Buffer
	if err := writeJSON(&out, in); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(out.String(), "\u009b\u202e\x1b") || !utf8.Valid(out.Bytes()) {
		t.Errorf("JSON carries raw controls: %q", out.String())
	}
	var back map[string]string
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || back["label"] != "a\u009bb\u202ec\x1bd\ufffde" {
		t.Errorf("JSON does not read back: %q, %v", back["label"], err)
	}
}

// Names stored before the filter existed, or by another program, still
// reach the terminal without their control bytes.
func TestCommandsPrintNoControls(t *testing.T) {
	t.Parallel()
	f := newHistFixture(t, true)
	evil := "Acme\u009b2J\x1b[31m\u202eexe.gpj\xff"
	err := f.db.Update(t.Context(), func(tx backend.Tx) error {
		c := *f.client
		c.Name = evil
		if err := tx.UpdateClient(&c); err != nil {
			return err
		}
		a := *f.ig
		a.Label = evil
		return tx.UpdateAccount(&a)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status"}, {"status", "--json"}, {"client", "list"}, {"client", "list", "--json"}, {"history"}} {
		out, errOut := f.run(t, ExitOK, args...)
		all := out + errOut
		if strings.ContainsAny(all, "\u009b\x1b\u202e") || !utf8.ValidString(all) {
			t.Errorf("tokenwarden %s printed raw controls: %q", strings.Join(args, " "), all)
		}
		if !strings.Contains(all, "Acme") {
			t.Errorf("tokenwarden %s lost the name: %q", strings.Join(args, " "), all)
		}
	}
}
