// Tests on a fake keychain: timeouts, cancellation and the errors the user
// sees, which never quote a secret.

package keychain

// Tests on a fake keychain: timeouts, error mapping, crash safety, the
// storage format. The real keychain is tested in keychain_real_test.go.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/zalando/go-keyring"
)

// TestTimeout checks that a hung keychain gives EUNAVAILABLE within the time
// limit, also for operations waiting behind the hung call, and that the
// keychain works again once the call returns.
func TestTimeout(t *testing.T) {
	f := newFake()
	f.put("testns/"+owner+"/access_token", "tok")
	f.hang = make(chan struct{})
	released := false
	release := func() {
		if !released {
			released = true
			close(f.hang)
		}
	}
	t.Cleanup(release)
	k := newFakeKeychain(f, chunkSize)
	k.Timeout = 100 * time.Millisecond

	ops := []struct {
		name string
		run  func() error
	}{
		{"Secret", func() error { _, err := k.Secret(bg, owner, backend.SecretAccessToken); return err }},
		{"Ping", func() error { return k.Ping(bg) }},
		{"SetSecret", func() error { return k.SetSecret(bg, owner, backend.SecretAccessToken, "s3cret-timeout") }},
		{"DeleteSecret", func() error { return k.DeleteSecret(bg, owner, backend.SecretAccessToken) }},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			start := time.Now()
			err := op.run()
			elapsed := time.Since(start)
			e := wantCode(t, err, backend.EUNAVAILABLE)
			if e.Message != "The keychain did not answer within 100ms." || e.Hint == "" {
				t.Fatalf("error = %q / %q", e.Message, e.Hint)
			}
			if elapsed > k.Timeout+time.Second {
				t.Fatalf("took %v with a time limit of %v", elapsed, k.Timeout)
			}
			assertNoSecret(t, err, "s3cret-timeout")
		})
	}

	release()
	k.Timeout = 5 * time.Second
	if got, err := k.Secret(bg, owner, backend.SecretAccessToken); err != nil || got != "tok" {
		t.Fatalf("after the hang: Secret = %q, %v", got, err)
	}
}

func TestTimeoutMessageDefault(t *testing.T) {
	k := New("ns")
	if k.timeout() != 3*time.Second {
		t.Fatalf("default timeout = %v", k.timeout())
	}
	e := wantCode(t, mapError(timeoutError{k.timeout()}), backend.EUNAVAILABLE)
	if e.Message != "The keychain did not answer within 3s." || e.Hint == "" {
		t.Fatalf("error = %q / %q", e.Message, e.Hint)
	}
}

func TestContextCancel(t *testing.T) {
	f := newFake()
	f.hang = make(chan struct{})
	f.entered = make(chan struct{}, 1)
	t.Cleanup(func() { close(f.hang) })
	k := newFakeKeychain(f, chunkSize)
	k.Timeout = time.Minute

	ctx, cancel := context.WithCancel(bg)
	go func() {
		<-f.entered
		cancel()
	}()
	start := time.Now()
	_, err := k.Secret(ctx, owner, backend.SecretAccessToken)
	if time.Since(start) > 5*time.Second {
		t.Fatalf("cancellation took %v", time.Since(start))
	}
	wantCode(t, err, backend.EUNAVAILABLE)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v does not wrap context.Canceled", err)
	}

	// An already cancelled context does not reach the keychain.
	f2 := newFake()
	k2 := newFakeKeychain(f2, chunkSize)
	err = k2.SetSecret(ctx, owner, backend.SecretAccessToken, "v")
	wantCode(t, err, backend.EUNAVAILABLE)
	if f2.mutationCount() != 0 {
		t.Fatal("a cancelled SetSecret wrote to the keychain")
	}

	// A deadline reads as a timeout.
	dctx, dcancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer dcancel()
	_, err = k.Secret(dctx, owner, backend.SecretAccessToken) // waits for the gate held by the hung call
	e := wantCode(t, err, backend.EUNAVAILABLE)
	if !strings.Contains(e.Message, "did not answer") {
		t.Fatalf("message = %q", e.Message)
	}
}

// TestErrorMapping checks the user-facing errors for keychain failures.
func TestErrorMapping(t *testing.T) {
	serviceUnknown := dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown",
		Body: []any{"The name org.freedesktop.secrets was not provided by any .service files"}}
	noBus := unavailable("No D-Bus session is running, so the keychain cannot be reached.", hintNoBus)
	noService := unavailable("No keychain (Secret Service) is running.",
		"Install and start GNOME Keyring or KeePassXC with Secret Service integration, then try again.")
	locked := unavailable("The keychain is locked.", "Unlock your login keyring and try again.")
	tests := []struct {
		name string
		err  error
		op   string // the provider call that fails; "" for all
		want *backend.Error
		api  []string // the methods to check; nil for all
	}{
		{"no session bus", errNoSessionBus, "", noBus, nil},
		{"godbus without bus", errors.New("dbus: couldn't determine address of session bus"), "", noBus, nil},
		{"stale bus address", &net.OpError{Op: "dial", Net: "unix", Err: os.ErrNotExist}, "", noBus, nil},
		{"no secret service", serviceUnknown, "", noService, nil},
		{"no secret service (pointer)", &serviceUnknown, "", noService, nil},
		{"activation failed", dbus.Error{Name: "org.freedesktop.DBus.Error.Spawn.ChildExited"}, "", noService, nil},
		{"wrapped no secret service", fmt.Errorf("lookup: %w", serviceUnknown), "", noService, nil},
		{"locked collection", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), "", locked, nil},
		{"locked item", dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"}, "", locked, nil},
		{"no collection", dbus.Error{Name: "org.freedesktop.Secret.Error.NoSuchObject"}, "",
			unavailable("The keychain has no default keyring to store secrets in.", hintNoCollection), nil},
		{"dbus timeout", dbus.Error{Name: "org.freedesktop.DBus.Error.NoReply"}, "",
			unavailable("The keychain did not answer.", hintTimeout()), nil},
		{"connection closed", dbus.ErrClosed, "", unavailable("The connection to the keychain was lost.", hintGeneric()), nil},
		{"unsupported platform", keyring.ErrUnsupportedPlatform, "",
			backend.Errorf(backend.EUNAVAILABLE, "This system has no keychain that Tokenwarden can use."), nil},
		{"too big", keyring.ErrSetDataTooBig, "set",
			backend.Errorf(backend.EINVALID, "The secret is too large for this system's keychain."), []string{"SetSecret"}},
		{"anything else", errors.New("org.example.Weird"), "", unavailable("The keychain reported an error.", hintGeneric()), nil},
		{"not found on delete of head", keyring.ErrNotFound, "get", nil, []string{"DeleteSecret", "Ping"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.put("testns/"+owner+"/access_token", "old")
			f.fail = func(op, user, value string) error {
				if tt.op == "" || op == tt.op {
					return tt.err
				}
				return nil
			}
			k := newFakeKeychain(f, chunkSize)
			api := map[string]func() error{
				"Ping":         func() error { return k.Ping(bg) },
				"Secret":       func() error { _, err := k.Secret(bg, owner, backend.SecretAccessToken); return err },
				"SetSecret":    func() error { return k.SetSecret(bg, owner, backend.SecretAccessToken, "new-s3cret") },
				"DeleteSecret": func() error { return k.DeleteSecret(bg, owner, backend.SecretAccessToken) },
			}
			names := tt.api
			if names == nil {
				names = []string{"Ping", "Secret", "SetSecret", "DeleteSecret"}
			}
			for _, name := range names {
				err := api[name]()
				if tt.want == nil {
					if err != nil {
						t.Fatalf("%s: %v, want nil", name, err)
					}
					continue
				}
				e := wantCode(t, err, tt.want.Code)
				if e.Message != tt.want.Message || e.Hint != tt.want.Hint {
					t.Fatalf("%s: error %q / %q, want %q / %q", name, e.Message, e.Hint, tt.want.Message, tt.want.Hint)
				}
				if Cause(err) == nil {
					t.Fatalf("%s: the cause is not kept", name)
				}
				assertNoSecret(t, err, "new-s3cret", "old")
			}
		})
	}
}

func TestSecretNotFound(t *testing.T) {
	k := newFakeKeychain(newFake(), chunkSize)
	_, err := k.Secret(bg, owner, backend.SecretRefreshToken)
	e := wantCode(t, err, backend.ENOTFOUND)
	if e.Message != "No refresh token is stored in the keychain for this account." {
		t.Fatalf("message = %q", e.Message)
	}
	if err := k.DeleteSecret(bg, owner, backend.SecretRefreshToken); err != nil {
		t.Fatalf("DeleteSecret of a missing secret = %v", err)
	}
}

// TestNoSecretInErrors makes the keychain fail with errors that quote what
// it was given and checks that the secret never reaches the caller.
func TestNoSecretInErrors(t *testing.T) {
	short := "sh0rt-s3cret-value"
	long := strings.Repeat("L0ngS3cret", 30) // 300 bytes, pieces of 64
	quoting := map[string]func(value string) error{
		"plain":   func(v string) error { return fmt.Errorf("cannot store %q", v) },
		"wrapped": func(v string) error { return fmt.Errorf("outer: %w", fmt.Errorf("inner %s", v)) },
		"dbus": func(v string) error {
			return dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked", Body: []any{"locked", v}}
		},
		"too big": func(v string) error { return fmt.Errorf("%w: %s", keyring.ErrSetDataTooBig, v) },
	}
	for qname, quote := range quoting {
		for _, value := range []string{short, long} {
			for failAt := range 3 {
				t.Run(fmt.Sprintf("%s/%d/%d", qname, len(value), failAt), func(t *testing.T) {
					f := newFake()
					sets := 0
					f.fail = func(op, user, v string) error {
						if op != "set" {
							return nil
						}
						sets++
						if sets > failAt {
							return quote(v)
						}
						return nil
					}
					k := newFakeKeychain(f, 64)
					err := k.SetSecret(bg, owner, backend.SecretAccessToken, value)
					if err == nil {
						if len(value) <= 64 && failAt > 0 {
							return // the single write succeeded
						}
						t.Fatal("SetSecret succeeded although the keychain failed")
					}
					assertNoSecret(t, err, value, value[:min(64, len(value))], "L0ngS3cret", short)
				})
			}
		}
	}

	// A cause that does not show the secret is kept for logs.
	f := newFake()
	f.fail = func(op, user, v string) error { return errors.New("backend exploded") }
	err := newFakeKeychain(f, 64).SetSecret(bg, owner, backend.SecretAccessToken, short)
	if c := Cause(err); c == nil || c.Error() != "backend exploded" {
		t.Fatalf("Cause = %v", c)
	}
	assertNoSecret(t, err, short)
}
