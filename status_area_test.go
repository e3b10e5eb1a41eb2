package main

import (
	"slices"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/tray"
)

func TestTrayState(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	in2d := now.Add(48 * time.Hour)
	entry := func(id string, st backend.Status, by *time.Time) *accounts.Entry {
		return &accounts.Entry{Account: &backend.Account{ID: id, Label: "Page"}, ClientName: "Acme", ProviderName: "Facebook", Status: st, ReconnectBy: by}
	}
	var many []*accounts.Entry
	for range 7 {
		many = append(many, entry("acc_x", backend.StatusInvalid, nil))
	}
	for _, tt := range []struct {
		name    string
		entries []*accounts.Entry
		need    int
		labels  []string
	}{
		{"none", nil, 0, nil},
		{"healthy and unknown do not count", []*accounts.Entry{entry("acc_a", backend.StatusHealthy, nil), entry("acc_b", backend.StatusUnknown, nil)}, 0, nil},
		{"each kind", []*accounts.Entry{entry("acc_a", backend.StatusInvalid, nil), entry("acc_b", backend.StatusExpired, nil),
			entry("acc_c", backend.StatusExpiring, &in2d), entry("acc_d", backend.StatusHealthy, nil)}, 3,
			[]string{"Acme · Facebook · Page: stopped working", "Acme · Facebook · Page: expired", "Acme · Facebook · Page: reconnect in 2 days"}},
		{"seven count, five are named", many, 7, slices.Repeat([]string{"Acme · Facebook · Page: stopped working"}, tray.MaxUrgent)},
	} {
		st := trayState(tt.entries, now)
		var labels []string
		for _, a := range st.Urgent {
			labels = append(labels, a.Label)
		}
		if st.NeedYou != tt.need || !slices.Equal(labels, tt.labels) {
			t.Errorf("%s: %d %q, want %d %q", tt.name, st.NeedYou, labels, tt.need, tt.labels)
		}
	}
}
