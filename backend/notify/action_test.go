package notify

import (
	"encoding/json"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
)

func TestActionDataRoundTrip(t *testing.T) {
	t.Parallel()
	n := Notification{PrimaryAccountID: accIG, AccountIDs: []string{accIG, accFB}}
	data := ActionData(n)
	if id, err := ParseActionData(data); err != nil || id != accIG {
		t.Errorf("as sent: %q, %v", id, err)
	}
	// Windows and macOS give the data back after a JSON round trip.
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if id, err := ParseActionData(back); err != nil || id != accIG {
		t.Errorf("after JSON: %q, %v", id, err)
	}
	// ActionData copies the list.
	data[DataAccountIDs].([]string)[0] = "x"
	if n.AccountIDs[0] != accIG {
		t.Error("ActionData shares the notification's slice")
	}
}

func TestParseActionDataRejectsJunk(t *testing.T) {
	t.Parallel()
	ids := []any{accFB}
	tests := map[string]map[string]any{
		"nil":                 nil,
		"empty":               {},
		"empty id":            {DataAccountID: "", DataAccountIDs: []any{""}},
		"path in id":          {DataAccountID: "acc_../x", DataAccountIDs: []any{"acc_../x"}},
		"path in id 2":        {DataAccountID: "acc_../../etc/p", DataAccountIDs: []any{"acc_../../etc/p"}},
		"number id":           {DataAccountID: 42.0, DataAccountIDs: ids},
		"int id":              {DataAccountID: 42, DataAccountIDs: ids},
		"nested map id":       {DataAccountID: map[string]any{"id": accFB}, DataAccountIDs: ids},
		"list as id":          {DataAccountID: []any{accFB}, DataAccountIDs: ids},
		"null id":             {DataAccountID: nil, DataAccountIDs: ids},
		"other prefix":        {DataAccountID: "cli_facebook2222", DataAccountIDs: []any{"cli_facebook2222"}},
		"upper case":          {DataAccountID: "acc_FACEBOOK2222", DataAccountIDs: []any{"acc_FACEBOOK2222"}},
		"trailing space":      {DataAccountID: accFB + " ", DataAccountIDs: []any{accFB + " "}},
		"too short":           {DataAccountID: "acc_face", DataAccountIDs: []any{"acc_face"}},
		"no list":             {DataAccountID: accFB, "other": ids},
		"list is a string":    {DataAccountID: accFB, DataAccountIDs: accFB},
		"list is a map":       {DataAccountID: accFB, DataAccountIDs: map[string]any{accFB: true}},
		"list holds a number": {DataAccountID: accFB, DataAccountIDs: []any{accFB, 7.0}},
		"list holds a map":    {DataAccountID: accFB, DataAccountIDs: []any{accFB, map[string]any{"a": accIG}}},
		"list holds a bad id": {DataAccountID: accFB, DataAccountIDs: []any{accFB, "acc_../x"}},
		"empty list":          {DataAccountID: accFB, DataAccountIDs: []any{}},
		"id not in list":      {DataAccountID: accFB, DataAccountIDs: []any{accIG}},
		"unknown key too":     {DataAccountID: accFB, DataAccountIDs: ids, "url": "https://evil.example"},
		"only unknown keys":   {"accountId": accFB, "x": 1.0},
		"numbers in []int":    {DataAccountID: accFB, DataAccountIDs: []int{1}},
		"huge list":           {DataAccountID: accFB, DataAccountIDs: manyIDs(101)},
	}
	for name, data := range tests {
		id, err := ParseActionData(data)
		if err == nil || id != "" {
			t.Errorf("%s: ParseActionData = %q, %v; want an error", name, id, err)
			continue
		}
		if backend.ErrorCode(err) != backend.EINVALID {
			t.Errorf("%s: code %q", name, backend.ErrorCode(err))
		}
	}
}

func manyIDs(n int) []any {
	out := make([]any, 0, n)
	out = append(out, accFB)
	for len(out) < n {
		out = append(out, backend.NewID("acc"))
	}
	return out
}

func TestParseResponse(t *testing.T) {
	t.Parallel()
	data := ActionData(Notification{PrimaryAccountID: accFB, AccountIDs: []string{accFB}})
	tests := []struct {
		action, want string
	}{
		{ActionIDReconnect, deeplink.ActionReconnect},
		{ActionIDDefault, deeplink.ActionOpen},
		{"reconnect", ""},
		{"", ""},
		{"DELETE", ""},
		{"default", ""},
	}
	for _, tt := range tests {
		action, id, err := ParseResponse(tt.action, data)
		if tt.want == "" {
			if err == nil || action != "" || id != "" {
				t.Errorf("%q: %q %q %v, want an error", tt.action, action, id, err)
			}
			continue
		}
		if err != nil || action != tt.want || id != accFB {
			t.Errorf("%q: %q %q %v", tt.action, action, id, err)
		}
	}
	if _, _, err := ParseResponse(ActionIDReconnect, map[string]any{DataAccountID: "acc_../x"}); err == nil {
		t.Error("bad data accepted with a good action")
	}
}
