//go:build linux && !nowindow

package main

import (
	"os"
	"slices"
	"testing"
	"time"
)

// TestClaimWindow: the first claim of a data folder owns it; a second one
// (here from the same process, on its own connection, as a second launch)
// hands its arguments over and reports it; another folder is free.
func TestClaimWindow(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Skip("no session bus; run under scripts/with-keyring")
	}
	dir := t.TempDir()
	got := make(chan []string, 1)
	handed, lock, err := claimWindow(dir, nil, func(args []string) { got <- args })
	if err != nil || handed || lock != nil {
		t.Fatalf("first claim: %v %v %v", handed, lock, err)
	}
	args := []string{"tokenwarden://open/acc_abcdefghjkmn"}
	handed, _, err = claimWindow(dir, args, func([]string) { t.Error("the second launch was handed its own arguments") })
	if err != nil || !handed {
		t.Fatalf("second claim: handed over %v, %v", handed, err)
	}
	select {
	case a := <-got:
		if !slices.Equal(a, args) {
			t.Errorf("the window got %q", a)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the window never heard of the second launch")
	}
	if handed, _, err := claimWindow(t.TempDir(), nil, func([]string) {}); err != nil || handed {
		t.Errorf("another data folder: handed over %v, %v", handed, err)
	}
}
