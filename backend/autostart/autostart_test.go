//go:build linux

package autostart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnableDisable(t *testing.T) {
	dir := t.TempDir()
	e := Entry{Exe: "/opt/My Apps/token$warden", Dir: dir}
	if e.Enabled() {
		t.Fatal("enabled before Enable")
	}
	if err := e.Enable(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "tokenwarden.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `Exec="/opt/My Apps/token\$warden" --hidden`) || !e.Enabled() {
		t.Errorf("entry:\n%s", b)
	}
	if err := e.Disable(); err != nil || e.Enabled() {
		t.Fatalf("Disable = %v, enabled = %v", err, e.Enabled())
	}
	if err := e.Disable(); err != nil {
		t.Errorf("second Disable = %v", err)
	}
}
