package deeplink

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestParse(t *testing.T) {
	const id = "acc_abcdefghjkmn"
	for _, tc := range []struct {
		in   string
		want Link
		ok   bool
	}{
		{"tokenwarden://reconnect/" + id, Link{Action: ActionReconnect, AccountID: id}, true},
		{"tokenwarden://open/" + id, Link{Action: ActionOpen, AccountID: id}, true},
		{"TokenWarden://open/" + id, Link{Action: ActionOpen, AccountID: id}, true},
		{"tokenwarden://fix/cli_abcdefghjkmn", Link{Action: ActionFix, ClientID: "cli_abcdefghjkmn"}, true},
		{"tokenwarden://fix/" + id, Link{}, false}, // an account id where a client's belongs
		{"tokenwarden://fix/cli_abcdefghjkmn/x", Link{}, false},
		{"tokenwarden://open/cli_abcdefghjkmn", Link{}, false},
		{"tokenwarden://delete/" + id, Link{}, false},
		{"tokenwarden://reconnect/" + id + "/", Link{}, false},
		{"tokenwarden://reconnect/" + id + "?x=1", Link{}, false},
		{"tokenwarden://reconnect/" + id + "#frag", Link{}, false},
		{"tokenwarden://reconnect/acc_short", Link{}, false},
		{"tokenwarden://reconnect/../../etc/passwd", Link{}, false},
		{"tokenwarden://reconnect", Link{}, false},
		{"tokenwarden://user@reconnect/" + id, Link{}, false},
		{"tokenwarden://reconnect:80/" + id, Link{}, false},
		{"https://reconnect/" + id, Link{}, false},
		{"tokenwarden:reconnect/" + id, Link{}, false},
		{"tokenwarden://reconnect/" + id + "\n", Link{}, false},
		{"", Link{}, false},
		{"tokenwarden://reconnect/" + strings.Repeat("a", 300), Link{}, false},
	} {
		got, err := Parse(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && backend.ErrorCode(err) != backend.EINVALID {
			t.Errorf("Parse(%q) code = %s", tc.in, backend.ErrorCode(err))
		}
	}
}

func TestFind(t *testing.T) {
	if got := Find([]string{"--data-dir", "/x", "tokenwarden://open/acc_abcdefghjkmn"}); got != "tokenwarden://open/acc_abcdefghjkmn" {
		t.Errorf("Find = %q", got)
	}
	if got := Find([]string{"status"}); got != "" {
		t.Errorf("Find = %q", got)
	}
}

func TestClipKeepsCharactersWhole(t *testing.T) {
	for _, s := range []string{strings.Repeat("é", 40), strings.Repeat("日", 30), "x" + strings.Repeat("😀", 20), strings.Repeat("a", 59) + "€€"} {
		for n := 0; n <= len(s); n++ {
			got := clip(s[:n])
			if !utf8.ValidString(got) && utf8.ValidString(s[:n]) {
				t.Errorf("clip(%q) = %q cuts a character", s[:n], got)
			}
			if len(strings.TrimSuffix(got, "…")) > clipLength {
				t.Errorf("clip(%q) is %d bytes long", s[:n], len(got))
			}
		}
	}
	// The message about a long link with non-ASCII text shows no byte escapes.
	_, err := Parse("tokenwarden://x" + strings.Repeat("é", 60))
	if msg := backend.ErrorMessage(err); err == nil || strings.Contains(msg, `\x`) {
		t.Errorf("Parse error = %q", msg)
	}
}
