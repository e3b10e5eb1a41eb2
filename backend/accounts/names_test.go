package accounts

import (
	"context"
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Names the platform sends (the user's, the Pages') reach labels and
// history with their control and bidi characters replaced.
func TestConnectCleansNamesFromThePlatform(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := fbGrant("Ann\u202eexe.gpj", "Bakery\u009b2J", "Gym\x1b[31m\xff")
	f.oauth(&fakeAuthorizer{grants: []*backend.Grant{g}}, &fakePlatform{})
	if err := f.svc.SetCredentials(ctx, "facebook", "1234567890", "app-secret"); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.Connect(ctx, ConnectRequest{ClientID: f.client(t, "Acme").ID, Provider: "facebook"})
	if err != nil {
		t.Fatal(err)
	}
	labels := []string{res.Account.Label}
	for _, c := range res.Children {
		labels = append(labels, c.Label)
	}
	want := []string{"Ann\ufffdexe.gpj", "Bakery\ufffd2J", "Gym\ufffd[31m\ufffd"}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("labels = %q, want %q", labels, want)
	}
	for _, e := range f.events(t) {
		if backend.HasControlChars(e.Message) || backend.HasControlChars(e.AccountLabel) {
			t.Errorf("history event carries controls: %q", e.Message)
		}
	}
}
