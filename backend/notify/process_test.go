package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/tokenwarden/tokenwarden/backend/notify"
	"github.com/tokenwarden/tokenwarden/backend/sqlite"
)

// The test binary doubles as a separate notifier process: with
// TOKENWARDEN_NOTIFY_CHILD set it opens the database named there with its own
// handle, waits for the start signal (a file appearing), runs one Notifier
// and prints "sent <id>" for every notification it showed. Tests that claim
// something about "many processes" start several of these.
func TestMain(m *testing.M) {
	if spec := os.Getenv("TOKENWARDEN_NOTIFY_CHILD"); spec != "" {
		if err := runChild(spec); err != nil {
			fmt.Fprintln(os.Stderr, "notify child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childSpec is what a notifier process is told to do.
type childSpec struct {
	DB      string             `json:"db"`
	Start   string             `json:"start"` // the process runs once this file exists
	Now     time.Time          `json:"now"`
	Entries []notify.Candidate `json:"entries"`
}

func runChild(raw string) error {
	var spec childSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		return err
	}
	db, err := sqlite.Open(spec.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, err := os.Stat(spec.Start); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no start signal")
		}
	}
	n := &notify.Notifier{Store: db, Now: func() time.Time { return spec.Now },
		Sender: notify.SenderFunc(func(_ context.Context, note notify.Notification) error {
			fmt.Printf("sent %s\n", note.ID)
			return nil
		})}
	_, err = n.Run(context.Background(), spec.Entries)
	return err
}
