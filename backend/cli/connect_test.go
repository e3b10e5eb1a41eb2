package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
)

func TestPrintConnectResultSeparatesLostPages(t *testing.T) {
	page := func(id, label string, st backend.Status) *accounts.Entry {
		return &accounts.Entry{Account: &backend.Account{ID: id, Label: label}, Status: st}
	}
	res := &accounts.ConnectResult{
		Account:  &accounts.Entry{Account: &backend.Account{ID: "acc_login", Label: "Ann"}, ProviderName: "Facebook", Status: backend.StatusHealthy},
		Children: []*accounts.Entry{page("acc_bakery", "Bakery", backend.StatusHealthy), page("acc_cafe", "Cafe", backend.StatusHealthy)},
		Lost:     []*accounts.Entry{page("acc_florist", "Florist", backend.StatusInvalid)},
		Changes:  accounts.Changes{AssetsKept: []string{"Bakery"}, AssetsGained: []string{"Cafe"}, AssetsLost: []string{"Florist"}},
	}
	var errOut bytes.Buffer
	printConnectResult(&Env{Stderr: &errOut}, res, "Reconnected")
	out := errOut.String()
	kept, lost, _ := strings.Cut(out, "WARNING")
	if !strings.Contains(kept, "This login keeps 2 Page(s) alive:") || !strings.Contains(kept, "Cafe (acc_cafe, healthy, new)") || strings.Contains(kept, "Florist") {
		t.Errorf("kept part lists the wrong Pages:\n%s", out)
	}
	if !strings.Contains(lost, "access LOST to 1 Page(s)") || !strings.Contains(lost, "Florist (acc_florist)") || !strings.Contains(lost, "tokenwarden reconnect acc_login") {
		t.Errorf("lost part:\n%s", out)
	}
}
