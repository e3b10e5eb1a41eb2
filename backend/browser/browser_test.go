package browser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenUsesBROWSER(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "fake-browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s' \"$1\" > "+out+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", "/nonexistent/browser:"+script+" %s")
	const u = "https://auth.example.com/authorize?client_id=abc&state=xyz"
	if err := Open(u); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(out)
		if string(b) == u {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser got %q, want %q", b, u)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestOpenRejectsOtherSchemes(t *testing.T) {
	t.Setenv("BROWSER", "true")
	for _, u := range []string{"file:///etc/passwd", "javascript:alert(1)", "", "https://", "tokenwarden://open/x"} {
		if err := Open(u); err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("Open(%q) = %v, want a refusal", u, err)
		}
	}
}

func TestOpenPathRefusesWhatIsNotAnExistingAbsolutePath(t *testing.T) {
	for _, p := range []string{"report.pdf", "-x", "https://example.com/", filepath.Join(t.TempDir(), "missing.pdf")} {
		if err := OpenPath(p); err == nil {
			t.Errorf("OpenPath(%q) opened it; want a refusal", p)
		}
	}
}
