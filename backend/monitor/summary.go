package monitor

// Summary is what a round of checks did, as "Check now" reports it.
type Summary struct {
	Checked   int       `json:"checked"`
	Renewed   int       `json:"renewed"`
	Attention int       `json:"attention"`
	Results   []*Result `json:"results"`
}

// Summarize counts the checks, the renewals and the accounts needing
// attention among results.
func Summarize(results []*Result) *Summary {
	sum := &Summary{Results: results}
	for _, r := range results {
		sum.Checked++
		if r.Refreshed {
			sum.Renewed++
		}
		if r.NeedsAttention() {
			sum.Attention++
		}
	}
	return sum
}
