package keychain

// Tests on a fake keychain: validation, the storage format, crash safety,
// concurrency (timeouts and errors: keychain_errors_test.go). The real keychain is tested in keychain_real_test.go.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
)

const owner = "acc_k3j9x2m4q8w1"

var bg = context.Background()

// assertNoSecret fails if err, however it is printed or unwrapped, shows one
// of the secrets.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	texts := []string{err.Error(), backend.ErrorMessage(err), fmt.Sprintf("%v %+v %#v", err, err, err)}
	if c := Cause(err); c != nil {
		texts = append(texts, c.Error(), fmt.Sprintf("%+v %#v", c, c))
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, text := range texts {
			if strings.Contains(text, s) {
				t.Fatalf("error shows a secret: %q contains %q", text, s)
			}
		}
		if mentions(err, s) {
			t.Fatalf("error %v wraps an error that shows a secret", err)
		}
	}
}

func wantCode(t *testing.T, err error, code string) *backend.Error {
	t.Helper()
	var e *backend.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want a *backend.Error with code %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("code = %s (%v), want %s", e.Code, err, code)
	}
	return e
}

func TestLegacyNamespace(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ns := legacyNamespace(dir)
	if len(ns) != 12 || strings.Trim(ns, "0123456789abcdef") != "" {
		t.Fatalf("Namespace = %q, want 12 hex digits", ns)
	}
	for _, same := range []string{dir + "/", filepath.Join(dir, "x", ".."), ".", "./"} {
		if got := legacyNamespace(same); got != ns {
			t.Errorf("Namespace(%q) = %s, want %s as for %q", same, got, ns, dir)
		}
	}
	for _, other := range []string{filepath.Join(dir, "x"), filepath.Dir(dir), dir + "x"} {
		if got := legacyNamespace(other); got == ns {
			t.Errorf("Namespace(%q) = %s, the same as for %q", other, got, dir)
		}
	}
}

func TestNewRejectsBadNamespace(t *testing.T) {
	for _, ns := range []string{"", "a/b", "a#b", "a\nb"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%q) did not panic", ns)
				}
			}()
			New(ns)
		}()
	}
}

func TestValidation(t *testing.T) {
	f := newFake()
	k := newFakeKeychain(f, chunkSize)
	long := strings.Repeat("x", MaxValueLength+1)
	const sec = "val-s3cret"
	tests := []struct {
		name  string
		owner string
		kind  backend.SecretKind
		value string
	}{
		{"empty owner", "", backend.SecretAccessToken, sec},
		{"slash in owner", "acc_a/b", backend.SecretAccessToken, sec},
		{"newline in owner", "acc_a\nb", backend.SecretAccessToken, sec},
		{"NUL in owner", "acc_a\x00", backend.SecretAccessToken, sec},
		{"DEL in owner", "acc_a\x7f", backend.SecretAccessToken, sec},
		{"long owner", strings.Repeat("a", maxOwnerLength+1), backend.SecretAccessToken, sec},
		{"empty kind", owner, "", sec},
		{"odd kind", owner, "access_token#a.1", sec},
		{"slash in kind", owner, "a/b", sec},
		{"empty value", owner, backend.SecretAccessToken, ""},
		{"too long value", owner, backend.SecretAccessToken, long},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := k.SetSecret(bg, tt.owner, tt.kind, tt.value)
			wantCode(t, err, backend.EINVALID)
			assertNoSecret(t, err, tt.value)
			if tt.value != sec {
				return // value checks only apply to SetSecret
			}
			_, err = k.Secret(bg, tt.owner, tt.kind)
			wantCode(t, err, backend.EINVALID)
			wantCode(t, k.DeleteSecret(bg, tt.owner, tt.kind), backend.EINVALID)
		})
	}
	if n := len(f.names()); n != 0 || f.mutationCount() != 0 {
		t.Fatalf("invalid calls reached the keychain: %d items, %d writes", n, f.mutationCount())
	}
	// Provider owners are allowed.
	if err := k.SetSecret(bg, "provider:google", "client_secret", "s"); err != nil {
		t.Fatal(err)
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		value string
		size  int
	}{
		{"exact", strings.Repeat("a", 20), 10},
		{"remainder", strings.Repeat("a", 25), 10},
		{"one piece", "abc", 10},
		{"two-byte runes", strings.Repeat("é", 50), 7},
		{"three-byte runes", strings.Repeat("€", 50), 10},
		{"four-byte runes", strings.Repeat("😀", 50), 10},
		{"mixed", strings.Repeat("a€😀é", 40), 9},
		{"invalid UTF-8", strings.Repeat("\x80", 30), 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := split(tt.value, tt.size)
			if got := strings.Join(parts, ""); got != tt.value {
				t.Fatalf("joined pieces differ from the value")
			}
			for i, p := range parts {
				if len(p) > tt.size || p == "" {
					t.Fatalf("piece %d has %d bytes, limit %d", i, len(p), tt.size)
				}
				if utf8.ValidString(tt.value) && !utf8.ValidString(p) {
					t.Fatalf("piece %d %q splits a character", i, p)
				}
			}
		})
	}
}

func TestParseHead(t *testing.T) {
	sum := checksum("x")
	tests := []struct {
		raw  string
		want head
	}{
		{"plain", head{found: true, value: "plain"}},
		{literalPrefix + markerPrefix + "v1", head{found: true, value: markerPrefix + "v1"}},
		{literalPrefix + literalPrefix, head{found: true, value: literalPrefix}},
		{marker("a", 3, sum), head{found: true, chunked: true, slot: "a", n: 3, sum: sum}},
		{marker("b", 1, sum), head{found: true, chunked: true, slot: "b", n: 1, sum: sum}},
		{markerPrefix, head{found: true, damaged: true}},
		{markerPrefix + "v2:a:3:" + sum, head{found: true, damaged: true}},
		{markerPrefix + "v1:c:3:" + sum, head{found: true, damaged: true}},
		{markerPrefix + "v1:a:0:" + sum, head{found: true, damaged: true}},
		{markerPrefix + "v1:a:-1:" + sum, head{found: true, damaged: true}},
		{markerPrefix + "v1:a:03:" + sum, head{found: true, damaged: true}},
		{markerPrefix + "v1:a:99999:" + sum, head{found: true, damaged: true}},
		{markerPrefix + "v1:a:3:" + sum[:10], head{found: true, damaged: true}},
		{markerPrefix + "v1:a:3:" + strings.ToUpper(sum), head{found: true, damaged: true}},
		{markerPrefix + "v1:a:3:zzzzzzzzzzzzzzzz", head{found: true, damaged: true}},
		{markerPrefix + "v1:a:3:" + sum + ":x", head{found: true, damaged: true}},
	}
	for _, tt := range tests {
		if got := parseHead(tt.raw); got != tt.want {
			t.Errorf("parseHead(%q) = %+v, want %+v", tt.raw, got, tt.want)
		}
	}
}

// TestFormat checks the items written for values of each storage kind.
func TestFormat(t *testing.T) {
	const chunk = 64
	user := "testns/" + owner + "/access_token"
	long := strings.Repeat("0123456789", 15) // 150 bytes: 3 pieces
	tests := []struct {
		name  string
		value string
		items map[string]string
	}{
		{"plain", "tok", map[string]string{user: "tok"}},
		{"plain at the limit", strings.Repeat("p", chunk), map[string]string{user: strings.Repeat("p", chunk)}},
		{"marker-like value", markerPrefix + "v1:a:2:" + checksum("x"),
			map[string]string{user: literalPrefix + markerPrefix + "v1:a:2:" + checksum("x")}},
		{"literal-like value", literalPrefix + "y", map[string]string{user: literalPrefix + literalPrefix + "y"}},
		{"other prefix", "tokenwarden-other", map[string]string{user: "tokenwarden-other"}},
		{"chunked", long, map[string]string{
			user:          marker("a", 3, checksum(long)),
			user + "#a.1": long[:64], user + "#a.2": long[64:128], user + "#a.3": long[128:],
		}},
		{"chunked after escaping", markerPrefix + strings.Repeat("m", chunk-len(markerPrefix)), map[string]string{
			user:          marker("a", 1, checksum(markerPrefix+strings.Repeat("m", chunk-len(markerPrefix)))),
			user + "#a.1": markerPrefix + strings.Repeat("m", chunk-len(markerPrefix)),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			k := newFakeKeychain(f, chunk)
			if err := k.SetSecret(bg, owner, backend.SecretAccessToken, tt.value); err != nil {
				t.Fatal(err)
			}
			if got := f.snapshot(); !mapsEqual(got, tt.items) {
				t.Fatalf("items = %q, want %q", got, tt.items)
			}
			got, err := k.Secret(bg, owner, backend.SecretAccessToken)
			if err != nil || got != tt.value {
				t.Fatalf("Secret = %q, %v; want the value back", got, err)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestSlotsAlternate checks that chunked overwrites use the other slot and
// leave only the pieces in use.
func TestSlotsAlternate(t *testing.T) {
	f := newFake()
	k := newFakeKeychain(f, 10)
	user := "testns/" + owner + "/refresh_token"
	steps := []struct {
		value string
		items []string
	}{
		{strings.Repeat("a", 25), []string{user, user + "#a.1", user + "#a.2", user + "#a.3"}},
		{strings.Repeat("b", 15), []string{user, user + "#b.1", user + "#b.2"}},
		{strings.Repeat("c", 45), []string{user, user + "#a.1", user + "#a.2", user + "#a.3", user + "#a.4", user + "#a.5"}},
		{strings.Repeat("d", 11), []string{user, user + "#b.1", user + "#b.2"}},
		{"short", []string{user}},
		{strings.Repeat("e", 11), []string{user, user + "#a.1", user + "#a.2"}},
	}
	for i, s := range steps {
		if err := k.SetSecret(bg, owner, backend.SecretRefreshToken, s.value); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := f.names(); !slices.Equal(got, s.items) {
			t.Fatalf("step %d: items %q, want %q", i, got, s.items)
		}
		if got, err := k.Secret(bg, owner, backend.SecretRefreshToken); err != nil || got != s.value {
			t.Fatalf("step %d: Secret = %q, %v", i, got, err)
		}
	}
	if err := k.DeleteSecret(bg, owner, backend.SecretRefreshToken); err != nil {
		t.Fatal(err)
	}
	if got := f.names(); len(got) != 0 {
		t.Fatalf("items left after delete: %q", got)
	}
}

func TestDamaged(t *testing.T) {
	user := "testns/" + owner + "/access_token"
	value := strings.Repeat("0123456789", 10)
	tests := []struct {
		name   string
		tamper func(f *fakeProvider)
	}{
		{"piece changed", func(f *fakeProvider) { f.put(user+"#a.2", strings.Repeat("X", 10)) }},
		{"piece missing", func(f *fakeProvider) { _ = f.delete(user + "#a.3") }},
		{"last piece missing", func(f *fakeProvider) { _ = f.delete(user + "#a.10") }},
		{"count too small", func(f *fakeProvider) { f.put(user, marker("a", 9, checksum(value))) }},
		{"count too large", func(f *fakeProvider) { f.put(user, marker("a", 11, checksum(value))) }},
		{"wrong slot", func(f *fakeProvider) { f.put(user, marker("b", 10, checksum(value))) }},
		{"unknown version", func(f *fakeProvider) { f.put(user, markerPrefix+"v2:a:10:"+checksum(value)) }},
		{"garbage marker", func(f *fakeProvider) { f.put(user, markerPrefix+"garbage") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			k := newFakeKeychain(f, 10)
			if err := k.SetSecret(bg, owner, backend.SecretAccessToken, value); err != nil {
				t.Fatal(err)
			}
			tt.tamper(f)
			_, err := k.Secret(bg, owner, backend.SecretAccessToken)
			e := wantCode(t, err, backend.EINTERNAL)
			if e.Message != "The stored secret is damaged." || e.Hint == "" {
				t.Fatalf("error = %q / %q", e.Message, e.Hint)
			}
			assertNoSecret(t, err, value, "0123456789")
			// A damaged secret can be replaced and deleted.
			if err := k.SetSecret(bg, owner, backend.SecretAccessToken, "fresh"); err != nil {
				t.Fatal(err)
			}
			if err := k.DeleteSecret(bg, owner, backend.SecretAccessToken); err != nil {
				t.Fatal(err)
			}
			if got := f.names(); len(got) != 0 {
				t.Fatalf("items left: %q", got)
			}
		})
	}
}

// TestCrashSafety interrupts overwrites and deletes at every keychain write,
// with the write lost or done, and checks that the secret then reads as the
// old or the new value, and that later operations leave no stray items.
func TestCrashSafety(t *testing.T) {
	const chunk = 64
	values := map[string]string{
		"missing":  "",
		"plain":    "plain-old",
		"plain2":   "plain-new",
		"literal":  markerPrefix + "v1:a:2:" + checksum("x"),
		"chunked3": strings.Repeat("3-pieces!", 20), // 180 bytes
		"chunked5": strings.Repeat("five", 75),      // 300 bytes
		"chunked2": strings.Repeat("Z", 100),
	}
	// setups are the writes that bring the secret into its old state; some
	// leave the old value in slot b.
	setups := [][]string{
		{"missing"}, {"plain"}, {"literal"}, {"chunked3"}, {"chunked5"},
		{"chunked5", "chunked3"}, {"chunked3", "chunked5"}, {"chunked3", "plain"},
	}
	news := []string{"plain2", "literal", "chunked2", "chunked3", "chunked5", "delete"}
	final := strings.Repeat("final", 30) // chunked

	user := "testns/" + owner + "/access_token"
	prepare := func(t *testing.T, setup []string) (*fakeProvider, *Keychain) {
		f := newFake()
		k := newFakeKeychain(f, chunk)
		for _, name := range setup {
			if values[name] == "" {
				continue
			}
			if err := k.SetSecret(bg, owner, backend.SecretAccessToken, values[name]); err != nil {
				t.Fatal(err)
			}
		}
		f.revive()
		return f, k
	}
	change := func(k *Keychain, to string) error {
		if to == "delete" {
			return k.DeleteSecret(bg, owner, backend.SecretAccessToken)
		}
		return k.SetSecret(bg, owner, backend.SecretAccessToken, values[to])
	}

	for _, setup := range setups {
		oldName := setup[len(setup)-1]
		old := values[oldName]
		for _, to := range news {
			if to == oldName {
				continue
			}
			newValue := values[to] // "" for delete
			t.Run(strings.Join(setup, "+")+"->"+to, func(t *testing.T) {
				// Count the writes of an undisturbed change.
				f, k := prepare(t, setup)
				if err := change(k, to); err != nil {
					t.Fatal(err)
				}
				writes := f.mutationCount()
				if writes == 0 {
					t.Skip("nothing to write")
				}
				for at := range writes {
					for _, applied := range []bool{false, true} {
						f, k := prepare(t, setup)
						f.crashAt, f.crashApplied = at, applied
						err := change(k, to)
						assertNoSecret(t, err, old, newValue)
						f.revive()

						got, gerr := k.Secret(bg, owner, backend.SecretAccessToken)
						switch {
						case gerr != nil && backend.ErrorCode(gerr) == backend.ENOTFOUND:
							got = "" // missing: only right if the old or new state is missing
						case gerr != nil:
							t.Fatalf("crash at write %d (applied %v): Secret: %v; items %q", at, applied, gerr, f.names())
						}
						if got != old && got != newValue {
							t.Fatalf("crash at write %d (applied %v): read %q, want old %q or new %q", at, applied, got, old, newValue)
						}
						if err == nil && got != newValue {
							t.Fatalf("crash at write %d (applied %v): change reported success but the old value is read", at, applied)
						}

						// Later operations tidy up whatever the crash left.
						if err := k.SetSecret(bg, owner, backend.SecretAccessToken, final); err != nil {
							t.Fatal(err)
						}
						wantItems, wantItemsB := []string{user}, []string{user}
						for i := range len(split(final, chunk)) {
							wantItems = append(wantItems, chunkUser(user, "a", i+1))
							wantItemsB = append(wantItemsB, chunkUser(user, "b", i+1))
						}
						if names := f.names(); !slices.Equal(names, wantItems) && !slices.Equal(names, wantItemsB) {
							t.Fatalf("crash at write %d (applied %v): items after a new write: %q", at, applied, names)
						}
						if got, err := k.Secret(bg, owner, backend.SecretAccessToken); err != nil || got != final {
							t.Fatalf("Secret after recovery = %q, %v", got, err)
						}
						if err := k.DeleteSecret(bg, owner, backend.SecretAccessToken); err != nil {
							t.Fatal(err)
						}
						if names := f.names(); len(names) != 0 {
							t.Fatalf("crash at write %d (applied %v): items after delete: %q", at, applied, names)
						}
					}
				}
			})
		}
	}
}

// TestDeleteRetry checks that a delete interrupted in the middle reports an
// error and that deleting again removes every piece.
func TestDeleteRetry(t *testing.T) {
	f := newFake()
	k := newFakeKeychain(f, 10)
	value := strings.Repeat("x", 55) // 6 pieces
	if err := k.SetSecret(bg, owner, backend.SecretAccessToken, value); err != nil {
		t.Fatal(err)
	}
	f.revive()
	f.crashAt = 3 // head, piece 6, piece 5, then piece 4 fails
	err := k.DeleteSecret(bg, owner, backend.SecretAccessToken)
	wantCode(t, err, backend.EUNAVAILABLE)
	f.revive()
	if _, err := k.Secret(bg, owner, backend.SecretAccessToken); backend.ErrorCode(err) != backend.ENOTFOUND {
		t.Fatalf("Secret after a partial delete = %v, want ENOTFOUND", err)
	}
	if err := k.DeleteSecret(bg, owner, backend.SecretAccessToken); err != nil {
		t.Fatal(err)
	}
	if names := f.names(); len(names) != 0 {
		t.Fatalf("items left: %q", names)
	}
}

// TestConcurrent hammers one secret from several goroutines: readers must
// always see one complete value, never a damaged one.
func TestConcurrent(t *testing.T) {
	f := newFake()
	k := newFakeKeychain(f, 16)
	vals := []string{"short", strings.Repeat("A", 40), strings.Repeat("B", 70), strings.Repeat("C", 17)}
	if err := k.SetSecret(bg, owner, backend.SecretAccessToken, vals[0]); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Go(func() {
			for i := range 25 {
				if err := k.SetSecret(bg, owner, backend.SecretAccessToken, vals[(w+i)%len(vals)]); err != nil {
					errs <- err
				}
			}
		})
		wg.Go(func() {
			for range 25 {
				got, err := k.Secret(bg, owner, backend.SecretAccessToken)
				if err != nil {
					errs <- err
				} else if !slices.Contains(vals, got) {
					errs <- fmt.Errorf("read %q", got)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNoSessionBus(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the session bus check is for Linux and BSD")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
	if noSessionBus() {
		t.Fatal("noSessionBus with an address set")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	userBus := fmt.Sprintf("/run/user/%d/bus", os.Getuid())
	if _, err := os.Stat(userBus); err == nil {
		// A desktop session's user bus is found, as godbus would find it.
		if noSessionBus() {
			t.Fatalf("noSessionBus = true although %s exists", userBus)
		}
		// The no-bus half needs a machine without one (CI, make test's
		// container); TOKENWARDEN_REQUIRE_NO_USER_BUS=1 makes its absence a
		// failure instead of a skip.
		if os.Getenv("TOKENWARDEN_REQUIRE_NO_USER_BUS") == "1" {
			t.Fatalf("TOKENWARDEN_REQUIRE_NO_USER_BUS=1 but %s exists, so the no-bus case cannot be tested here", userBus)
		}
		t.Skipf("this machine has a user bus in %s (set TOKENWARDEN_REQUIRE_NO_USER_BUS=1 to make this a failure)", userBus)
	}
	if !noSessionBus() {
		t.Fatal("noSessionBus = false without an address")
	}
	// The real provider then fails without starting dbus-launch.
	k := New("ns")
	e := wantCode(t, k.Ping(bg), backend.EUNAVAILABLE)
	if e.Message != "No D-Bus session is running, so the keychain cannot be reached." {
		t.Fatalf("message = %q", e.Message)
	}
}
