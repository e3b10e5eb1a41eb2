package deeplink

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestParse(t *testing.T) {
	const id, client = "acc_abcdefghjkmn", "cli_abcdefghjkmn"
	for _, tc := range []struct {
		in   string
		want Link
		ok   bool
	}{
		{"tokenwarden://reconnect/" + id, Link{Action: ActionReconnect, AccountID: id}, true},
		{"tokenwarden://open/" + id, Link{Action: ActionOpen, AccountID: id}, true},
		{"TokenWarden://open/" + id, Link{Action: ActionOpen, AccountID: id}, true},
		{"tokenwarden://fix/" + client, Link{Action: ActionFix, ClientID: client}, true},
		{"tokenwarden://fix/all", Link{Action: ActionFix}, true},
		{"tokenwarden://fix/" + id, Link{}, false},
		{"tokenwarden://open/" + client, Link{}, false},
		{"tokenwarden://fix/ALL", Link{}, false},
		{"tokenwarden://fix/", Link{}, false},
		{"tokenwarden://fix/" + client + "/x", Link{}, false},
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

// TestLinksRoundTrip: every link the app makes reads back as made.
func TestLinksRoundTrip(t *testing.T) {
	for _, raw := range []string{Open("acc_abcdefghjkmn"), Reconnect("acc_abcdefghjkmn"), Fix("cli_abcdefghjkmn"), FixAll()} {
		l, err := Parse(raw)
		if err != nil || l.String() != raw {
			t.Errorf("Parse(%q) = %+v, %v", raw, l, err)
		}
	}
}

// TestParseClipsOnCharacters: a long link in a message is cut between
// characters, never inside one.
func TestParseClipsOnCharacters(t *testing.T) {
	_, err := Parse("tokenwarden://" + strings.Repeat("é", 90))
	if err == nil {
		t.Fatal("accepted")
	}
	msg := backend.ErrorMessage(err)
	if !utf8.ValidString(msg) || !strings.Contains(msg, strings.Repeat("é", 46)+"…") {
		t.Errorf("message %q", msg)
	}
}
