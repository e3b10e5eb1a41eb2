package backend

import (
	"sort"
	"strings"
)

// Suggest returns the candidates closest to a mistyped word, best first, for
// "did you mean" hints: those within a third of the word's length in edits
// (at least one), or that start with it. Case is ignored.
func Suggest(word string, candidates []string) []string {
	w := strings.ToLower(strings.TrimSpace(word))
	if w == "" {
		return nil
	}
	limit := max(1, len([]rune(w))/3)
	type scored struct {
		s string
		d int
	}
	var hits []scored
	seen := map[string]bool{}
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if seen[lc] || lc == w {
			continue
		}
		seen[lc] = true
		d := editDistance(w, lc)
		if d <= limit || (len(w) >= 3 && strings.HasPrefix(lc, w)) {
			hits = append(hits, scored{c, d})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].d < hits[j].d })
	out := make([]string, 0, min(3, len(hits)))
	for _, h := range hits[:min(3, len(hits))] {
		out = append(out, h.s)
	}
	return out
}

// DidYouMean is Suggest as a sentence ("Did you mean "x"?"), or "".
func DidYouMean(word string, candidates []string) string {
	s := Suggest(word, candidates)
	if len(s) == 0 {
		return ""
	}
	q := make([]string, len(s))
	for i, c := range s {
		q[i] = `"` + c + `"`
	}
	return "Did you mean " + strings.Join(q, " or ") + "?"
}

// editDistance is the Damerau-Levenshtein distance (adjacent swaps count
// once), over runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
