package lock

import (
	"context"
	"errors"
	"testing"
)

func TestUnlessWindow(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	ran := 0
	run := func() error { ran++; return nil }
	if err := UnlessWindow(ctx, dir, run); err != nil || ran != 1 {
		t.Fatalf("without a window: ran %d, %v", ran, err)
	}
	boom := errors.New("boom")
	if err := UnlessWindow(ctx, dir, func() error { return boom }); !errors.Is(err, boom) {
		t.Errorf("fn's error was not returned: %v", err)
	}
	if err := HoldWindow(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if err := UnlessWindow(ctx, dir, run); err != nil || ran != 1 {
		t.Errorf("with a window: ran %d, %v; the window notifies itself", ran, err)
	}
	if err := HoldWindow(ctx, dir); err == nil {
		t.Error("a second window took the lock")
	}
}
