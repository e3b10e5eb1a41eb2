package deeplink

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
)

// FuzzParse checks that no link, however hostile, makes Parse panic, accept
// anything but the exact forms, or produce a message with raw control bytes.
// The seeds run in every go test; for a longer run:
//
//	go test -run XXX -fuzz FuzzParse -fuzztime 60s ./backend/deeplink/
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"tokenwarden://reconnect/acc_abcdefghjkmn",
		"tokenwarden://open/acc_abcdefghjkmn",
		"TOKENWARDEN://OPEN/acc_abcdefghjkmn",
		"tokenwarden://reconnect/acc_abcdefghjkmn?x=1#y",
		"tokenwarden://user:pw@reconnect:80/acc_abcdefghjkmn",
		"tokenwarden://reconnect/../../etc/passwd",
		"tokenwarden://reconnect/acc_abcdefghjkmn\u009b31m",
		"tokenwarden://reconnect/acc_abcdefghjkmn\u202e",
		"tokenwarden://\xff\xfe/acc_abcdefghjkmn",
		"tokenwarden://x" + strings.Repeat("é", 60),
		"tokenwarden://reconnect/acc_abcdefghjkm%6E",
		"\x1b]8;;https://evil.test\x07tokenwarden://open/acc_abcdefghjkmn",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		l, err := Parse(raw)
		if err != nil {
			msg := backend.ErrorMessage(err)
			if backend.ErrorCode(err) != backend.EINVALID || !utf8.ValidString(msg) || backend.HasControlChars(msg) {
				t.Fatalf("Parse(%q): error %s %q", raw, backend.ErrorCode(err), msg)
			}
			if len(msg) > 400 {
				t.Fatalf("Parse(%q): message of %d bytes", raw, len(msg))
			}
			return
		}
		if l.Action != ActionOpen && l.Action != ActionReconnect || !backend.ValidID("acc", l.AccountID) {
			t.Fatalf("Parse(%q) accepted %+v", raw, l)
		}
		if !strings.EqualFold(raw, Scheme+"://"+l.Action+"/"+l.AccountID) || !strings.HasSuffix(raw, "/"+l.AccountID) {
			t.Fatalf("Parse(%q) = %+v, which is not the same link", raw, l)
		}
	})
}
