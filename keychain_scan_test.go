package main

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"

	"github.com/tokenwarden/tokenwarden/backend/keychain"
)

// keychainItems reads back, through secret-tool (the Secret Service's own
// client, not our code), every Tokenwarden item of the data dir's
// namespace: user field "<namespace>/<owner>/<kind>[#piece]" -> stored
// value. Chunk markers and literal prefixes are storage framing, not
// secrets; the pieces of a chunked value are returned as their own items.
func keychainItems(t *testing.T, dataDir string) map[string]string {
	t.Helper()
	// secret-tool prints the secret on stdout and the attributes on stderr,
	// item by item, so both go to one pipe to keep them together.
	out, err := exec.Command("secret-tool", "search", "--all", "--unlock", "service", keychain.Service).CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); ok && len(out) == 0 {
			return map[string]string{} // no item at all
		}
		t.Fatalf("secret-tool search: %v: %s (package libsecret-tools)", err, out)
	}
	kc, err := keychain.Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	prefix := kc.Namespace() + "/"
	items := map[string]string{}
	var secret, user string
	flush := func() {
		if strings.HasPrefix(user, prefix) && secret != "" && !strings.HasPrefix(secret, "tokenwarden-chunked:") {
			items[strings.TrimPrefix(user, prefix)] = strings.TrimPrefix(secret, "tokenwarden-literal:")
		}
		secret, user = "", ""
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "["):
			flush()
		case strings.HasPrefix(line, "secret = "):
			secret = strings.TrimPrefix(line, "secret = ")
		case strings.HasPrefix(line, "attribute.username = "):
			user = strings.TrimPrefix(line, "attribute.username = ")
		}
	}
	flush()
	return items
}

// secretValues returns the distinct values of items, for scanning.
func secretValues(items ...map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range items {
		for _, v := range m {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}
