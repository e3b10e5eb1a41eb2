package notify

import (
	"encoding/json"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
)

// single and group are notifications as compose makes them: one account
// with Reconnect, one client's accounts with Fix.
var (
	single = Notification{Actions: []Action{
		{ID: ActionIDDefault, Link: deeplink.Open(accFB)}, {ID: ActionIDReconnect, Link: deeplink.Reconnect(accFB)}}}
	group = Notification{Actions: []Action{
		{ID: ActionIDDefault, Link: deeplink.Open(accIG)}, {ID: ActionIDFix, Link: deeplink.Fix(cliA)}}}
)

func TestParseResponse(t *testing.T) {
	t.Parallel()
	jsonTrip := func(m map[string]any) map[string]any {
		// Windows and macOS give the data back after a JSON round trip.
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		return back
	}
	tests := []struct {
		name, action string
		data         map[string]any
		want         string // the link followed; "" for an error
		primary      string
	}{
		{"reconnect", ActionIDReconnect, ActionData(single), deeplink.Reconnect(accFB), accFB},
		{"click", ActionIDDefault, ActionData(single), deeplink.Open(accFB), accFB},
		{"fix", ActionIDFix, ActionData(group), deeplink.Fix(cliA), accIG},
		{"fix after JSON", ActionIDFix, jsonTrip(ActionData(group)), deeplink.Fix(cliA), accIG},
		{"fix not offered", ActionIDFix, ActionData(single), "", ""},
		{"reconnect not offered", ActionIDReconnect, ActionData(group), "", ""},
		{"lower case", "reconnect", ActionData(single), "", ""},
		{"empty action", "", ActionData(single), "", ""},
		{"unknown action", "DELETE", ActionData(single), "", ""},
		{"nil data", ActionIDDefault, nil, "", ""},
		{"no open link", ActionIDReconnect, map[string]any{ActionIDReconnect: deeplink.Reconnect(accFB)}, "", ""},
		{"unknown key too", ActionIDDefault, map[string]any{ActionIDDefault: deeplink.Open(accFB), "url": "https://evil.example"}, "", ""},
		{"web link", ActionIDDefault, map[string]any{ActionIDDefault: "https://evil.example/open/" + accFB}, "", ""},
		{"reconnect link as the click", ActionIDDefault, map[string]any{ActionIDDefault: deeplink.Reconnect(accFB)}, "", ""},
		{"open link as reconnect", ActionIDReconnect, map[string]any{ActionIDDefault: deeplink.Open(accFB), ActionIDReconnect: deeplink.Open(accFB)}, "", ""},
		{"path in id", ActionIDDefault, map[string]any{ActionIDDefault: "tokenwarden://open/acc_../../etc/p"}, "", ""},
		{"number", ActionIDDefault, map[string]any{ActionIDDefault: 42.0}, "", ""},
		{"list", ActionIDDefault, map[string]any{ActionIDDefault: []any{deeplink.Open(accFB)}}, "", ""},
		{"query", ActionIDDefault, map[string]any{ActionIDDefault: deeplink.Open(accFB) + "?x=1"}, "", ""},
		{"account as client", ActionIDFix, map[string]any{ActionIDDefault: deeplink.Open(accFB), ActionIDFix: "tokenwarden://fix/" + accFB}, "", ""},
	}
	for _, tt := range tests {
		link, primary, err := ParseResponse(tt.action, tt.data)
		if tt.want == "" {
			if err == nil || link != (deeplink.Link{}) || primary != "" {
				t.Errorf("%s: %+v %q %v, want an error", tt.name, link, primary, err)
			} else if backend.ErrorCode(err) != backend.EINVALID {
				t.Errorf("%s: code %q", tt.name, backend.ErrorCode(err))
			}
			continue
		}
		if err != nil || link.String() != tt.want || primary != tt.primary {
			t.Errorf("%s: %+v %q %v, want %s", tt.name, link, primary, err, tt.want)
		}
	}
}

func TestCategory(t *testing.T) {
	t.Parallel()
	if Category(single) != CategoryReconnect || Category(group) != CategoryFix {
		t.Errorf("categories %q %q", Category(single), Category(group))
	}
}
