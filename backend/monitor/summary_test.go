package monitor

import (
	"testing"

	"github.com/tokenwarden/tokenwarden/backend"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	results := []*Result{
		{After: backend.StatusHealthy, Refreshed: true},
		{After: backend.StatusExpiring},
		{After: backend.StatusInvalid, Refreshed: true},
		{After: backend.StatusHealthy},
	}
	s := Summarize(results)
	if s.Checked != 4 || s.Renewed != 2 || s.Attention != 2 || len(s.Results) != 4 {
		t.Errorf("Summarize = %+v", s)
	}
	if s := Summarize(nil); s.Checked != 0 || s.Renewed != 0 || s.Attention != 0 {
		t.Errorf("Summarize(nil) = %+v", s)
	}
}
