package accounts

import (
	"context"
	"testing"
	"time"
)

func TestEntriesByID(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acme := f.client(t, "Acme")
	bolt := f.client(t, "Bolt")
	soon := f.importToken(t, acme.ID, "Soon", 2*24*time.Hour)
	far := f.importToken(t, bolt.ID, "Far", 30*24*time.Hour)
	gone := f.importToken(t, acme.ID, "Gone", time.Hour)
	if _, err := f.svc.DeleteAccount(context.Background(), gone.ID); err != nil {
		t.Fatal(err)
	}
	f.secrets.Reads = 0

	for _, tc := range []struct {
		name string
		ids  []string
		want []string // label:client:status
	}{
		{"none asked", nil, []string{}},
		{"in the order asked", []string{far.ID, soon.ID}, []string{"Far:Bolt:healthy", "Soon:Acme:expiring"}},
		{"deleted and unknown ids left out", []string{gone.ID, "acc_nosuchthing", soon.ID}, []string{"Soon:Acme:expiring"}},
	} {
		got, err := f.svc.EntriesByID(context.Background(), tc.ids)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		labels := []string{}
		for _, e := range got {
			labels = append(labels, e.Label+":"+e.ClientName+":"+string(e.Status))
		}
		if !equal(labels, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, labels, tc.want)
		}
	}
	got, err := f.svc.EntriesByID(context.Background(), []string{soon.ID, far.ID})
	if err != nil {
		t.Fatal(err)
	}
	// Soon expires in 2 days: its status moves on then. Far enters the
	// 7-day warning window 23 days from now.
	if want := f.now.Add(2 * 24 * time.Hour); got[0].StatusChangesAt == nil || !got[0].StatusChangesAt.Equal(want) {
		t.Errorf("Soon changes at %v, want %v", got[0].StatusChangesAt, want)
	}
	if want := f.now.Add(23 * 24 * time.Hour); got[1].StatusChangesAt == nil || !got[1].StatusChangesAt.Equal(want) {
		t.Errorf("Far changes at %v, want %v", got[1].StatusChangesAt, want)
	}
	if f.secrets.Reads != 0 {
		t.Errorf("EntriesByID read %d secrets from the keychain", f.secrets.Reads)
	}
}
