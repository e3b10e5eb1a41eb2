// Package keychain keeps Tokenwarden's secrets in the operating system's
// keychain: the Secret Service (GNOME Keyring, KeePassXC, KWallet) on Linux,
// the login keychain on macOS and the Credential Manager on Windows, all
// through github.com/zalando/go-keyring. *Keychain implements backend.Secrets.
//
// # Item names
//
// Every item has the keychain service "tokenwarden" and the user (account)
// field "<namespace>/<owner>/<kind>", for example
// "3f9a0c1b2d4e5f60/acc_k3j9x2m4q8w1/access_token". The namespace is the data
// folder's id (see Open), so two installations or test runs with different
// data folders never see each other's secrets, and a folder that moves keeps
// them. Owners are
// account ids or "provider:<id>"; they may not contain '/' or control
// characters, kinds are lower-case words, so names cannot collide.
//
// # Storage scheme (v1)
//
// Keychains limit the size of one item: Windows Credential Manager takes at
// most 2,560 bytes, macOS about 3,000 (go-keyring base64-encodes the value
// into a command line of at most 4 KiB). Values are therefore stored in one of
// three ways, decided by the head item "<user>":
//
//   - plain: a value of at most 2,000 bytes is the head item's content as is;
//   - literal: a short value that itself starts with "tokenwarden-chunked:" or
//     "tokenwarden-literal:" is stored as "tokenwarden-literal:" + value, so
//     that it cannot be mistaken for a marker;
//   - chunked: longer values are cut into pieces of at most 2,000 bytes (on
//     UTF-8 character boundaries where possible), stored as the items
//     "<user>#<slot>.1" … "<user>#<slot>.<n>", and the head item holds the
//     marker "tokenwarden-chunked:v1:<slot>:<n>:<sum>", where <sum> is the
//     first 16 hex digits of the SHA-256 of the whole value. Reading rejoins
//     the pieces and checks the sum; a missing piece or a wrong sum is
//     reported as EINTERNAL "The stored secret is damaged."
//
// # Crash safety
//
// <slot> is "a" or "b", a generation: a new chunked value is always written
// into the slot that the current head does not use. The order of a write is
//
//  1. write the new pieces into the free slot (the old value is untouched);
//  2. write the head item (plain value or marker) – this single write is the
//     switch from the old value to the new one;
//  3. delete the pieces the new head does not use, highest number first.
//
// If the process dies or a keychain call fails at any step, the head still
// names a complete value: the old one before step 2, the new one after it.
// Leftover pieces of an interrupted write or cleanup are always a contiguous
// run of numbers starting at 1 (or just above the pieces in use), because
// pieces are written from 1 upwards and deleted from the top down. Step 3
// therefore finds them by probing upwards until a piece is missing, and every
// later write or delete of the same secret removes what an earlier one left
// behind. Deleting a secret removes the head first (the secret is gone at
// once) and then every piece of both slots.
//
// Within one *Keychain, operations are serialised. A keychain call that times
// out keeps the lock until it really returns, so a late call can never land
// in the middle of a later operation. Two processes writing the same secret
// at the same moment are not coordinated.
//
// # Timeouts and errors
//
// Every keychain call runs with a time limit (Timeout, 3 s by default) and
// stops waiting when the context is cancelled, so a hung Secret Service
// cannot freeze the UI. Errors are *backend.Error values with a message for
// the user and a hint; see Cause for the underlying error. They never contain
// a secret.
package keychain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tokenwarden/tokenwarden/backend"
)

const (
	// Service is the keychain service name of every Tokenwarden item.
	Service = "tokenwarden"
	// DefaultTimeout bounds a single keychain call.
	DefaultTimeout = 3 * time.Second
	// MaxValueLength bounds a secret. OAuth tokens and client secrets are far
	// shorter; the bound keeps the number of keychain items per secret small.
	MaxValueLength = 64 * 1024

	// chunkSize is the largest item content written, below Windows' 2,560
	// and macOS' ~3,000 bytes.
	chunkSize = 2000

	markerPrefix  = "tokenwarden-chunked:"
	markerVersion = "v1"
	literalPrefix = "tokenwarden-literal:"
	sumLength     = 16 // hex digits of SHA-256 kept in the marker

	// probeLimit stops the search for leftover pieces; far above any real
	// piece count (MaxValueLength/chunkSize is 33).
	probeLimit = 1024

	maxOwnerLength = 200
	maxKindLength  = 64

	// pingUser is the item Ping looks up, relative to the namespace. It has
	// no owner segment, so it cannot clash with a secret.
	pingUser = ".ping"
)

// slots are the two generations of chunked values.
var slots = [...]string{"a", "b"}

var _ backend.Secrets = (*Keychain)(nil)

// Keychain stores secrets in the OS keychain under one namespace. Create it
// with New; it is safe for concurrent use.
type Keychain struct {
	// Timeout bounds each keychain call; zero means DefaultTimeout. Set it
	// before first use.
	Timeout time.Duration

	namespace string
	// legacy is the namespace items had before the data folder got its id
	// (see Open), or "": items missing under namespace are looked for there.
	legacy    string
	p         provider
	chunkSize int
	// gate serialises operations; a token in the channel means "busy".
	gate chan struct{}
}

// New returns a Keychain whose items live under namespace; the app uses
// Open. It panics if namespace is empty or contains '/', '#' or control
// characters, which is a programming error.
func New(namespace string) *Keychain {
	if namespace == "" || strings.ContainsAny(namespace, "/#") || backend.HasControlChars(namespace) {
		panic(fmt.Sprintf("keychain: invalid namespace %q", namespace))
	}
	return &Keychain{namespace: namespace, p: goKeyring{}, chunkSize: chunkSize, gate: make(chan struct{}, 1)}
}

func (k *Keychain) timeout() time.Duration {
	if k.Timeout > 0 {
		return k.Timeout
	}
	return DefaultTimeout
}

// user returns the head item name of a secret, or EINVALID.
func (k *Keychain) user(owner string, kind backend.SecretKind) (string, error) {
	switch {
	case owner == "":
		return "", backend.Errorf(backend.EINVALID, "No account given for the keychain item.")
	case len(owner) > maxOwnerLength || strings.Contains(owner, "/") || backend.HasControlChars(owner):
		return "", backend.Errorf(backend.EINVALID, "%q cannot name a keychain item: it is too long or contains '/' or control characters.", owner)
	case !validKind(kind):
		return "", backend.Errorf(backend.EINVALID, "%q is not a kind of secret.", string(kind))
	}
	return k.namespace + "/" + owner + "/" + string(kind), nil
}

func validKind(kind backend.SecretKind) bool {
	if kind == "" || len(kind) > maxKindLength {
		return false
	}
	for _, r := range kind {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func chunkUser(head, slot string, i int) string {
	return head + "#" + slot + "." + strconv.Itoa(i)
}

func checksum(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])[:sumLength]
}

func marker(slot string, n int, sum string) string {
	return markerPrefix + markerVersion + ":" + slot + ":" + strconv.Itoa(n) + ":" + sum
}

// split cuts value into pieces of at most size bytes, preferring UTF-8
// character boundaries.
func split(value string, size int) []string {
	var parts []string
	for len(value) > size {
		cut := size
		for c := size; c > 0 && c > size-utf8.UTFMax; c-- {
			if utf8.RuneStart(value[c]) {
				cut = c
				break
			}
		}
		parts = append(parts, value[:cut])
		value = value[cut:]
	}
	return append(parts, value)
}

// head is the decoded head item of a secret.
type head struct {
	found   bool
	chunked bool
	damaged bool   // starts with the marker prefix but does not parse
	value   string // the secret, when stored plain or literal
	slot    string // when chunked
	n       int
	sum     string
}

func parseHead(raw string) head {
	if v, ok := strings.CutPrefix(raw, literalPrefix); ok {
		return head{found: true, value: v}
	}
	rest, ok := strings.CutPrefix(raw, markerPrefix)
	if !ok {
		return head{found: true, value: raw}
	}
	f := strings.Split(rest, ":")
	bad := head{found: true, damaged: true}
	if len(f) != 4 || f[0] != markerVersion || (f[1] != slots[0] && f[1] != slots[1]) || len(f[3]) != sumLength {
		return bad
	}
	n, err := strconv.Atoi(f[2])
	if err != nil || n < 1 || n > probeLimit || strconv.Itoa(n) != f[2] {
		return bad
	}
	if _, err := hex.DecodeString(f[3]); err != nil || strings.ToLower(f[3]) != f[3] {
		return bad
	}
	return head{found: true, chunked: true, slot: f[1], n: n, sum: f[3]}
}

func needsLiteral(value string) bool {
	return strings.HasPrefix(value, markerPrefix) || strings.HasPrefix(value, literalPrefix)
}

// SetSecret stores value as the owner's secret of this kind, replacing any
// previous value. On failure the previous value stays readable.
func (k *Keychain) SetSecret(ctx context.Context, owner string, kind backend.SecretKind, value string) error {
	user, err := k.user(owner, kind)
	if err != nil {
		return err
	}
	switch {
	case value == "":
		return backend.Errorf(backend.EINVALID, "The %s to store is empty.", kindName(kind))
	case len(value) > MaxValueLength:
		return backend.Errorf(backend.EINVALID, "The %s is longer than %d bytes, too long for the keychain.", kindName(kind), MaxValueLength)
	}
	o, err := k.begin(ctx)
	if err != nil {
		return mapError(err, value)
	}
	defer o.end()
	if err := o.write(user, value); err != nil {
		return err
	}
	if k.legacy != "" {
		// A copy left under the old namespace by an interrupted migration is
		// stale now; removing it is tidying, so it cannot fail the set.
		_ = o.remove(k.legacyUser(user))
	}
	return nil
}

// Secret returns the owner's secret of this kind, or ENOTFOUND.
func (k *Keychain) Secret(ctx context.Context, owner string, kind backend.SecretKind) (string, error) {
	user, err := k.user(owner, kind)
	if err != nil {
		return "", err
	}
	o, err := k.begin(ctx)
	if err != nil {
		return "", mapError(err)
	}
	defer o.end()

	value, found, err := o.read(user)
	if err == nil && !found && k.legacy != "" {
		value, found, err = o.migrate(k.legacyUser(user), user)
	}
	switch {
	case err != nil:
		return "", err
	case !found:
		return "", backend.Errorf(backend.ENOTFOUND, "No %s is stored in the keychain for %s.", kindName(kind), ownerName(owner))
	}
	return value, nil
}

// DeleteSecret removes the owner's secret of this kind and all its pieces.
// It succeeds when the secret is already gone.
func (k *Keychain) DeleteSecret(ctx context.Context, owner string, kind backend.SecretKind) error {
	user, err := k.user(owner, kind)
	if err != nil {
		return err
	}
	o, err := k.begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer o.end()
	if err := o.remove(user); err != nil {
		return err
	}
	if k.legacy != "" {
		// Else Secret would bring the deleted value back from the old name.
		return o.remove(k.legacyUser(user))
	}
	return nil
}

// write stores value under the head item user (see the storage scheme).
func (o *op) write(user, value string) error {
	old, err := o.readHead(user)
	if err != nil {
		return mapError(err, value)
	}
	stored := value
	if needsLiteral(value) {
		stored = literalPrefix + value
	}
	newSlot, newN := "", 0
	if len(stored) <= o.k.chunkSize {
		if err := o.set(user, stored); err != nil {
			return mapError(err, value, stored)
		}
	} else {
		newSlot = slots[0]
		if old.chunked && old.slot == slots[0] {
			newSlot = slots[1]
		}
		parts := split(value, o.k.chunkSize)
		for i, part := range parts {
			if err := o.set(chunkUser(user, newSlot, i+1), part); err != nil {
				return mapError(err, value, part)
			}
		}
		if err := o.set(user, marker(newSlot, len(parts), checksum(value))); err != nil {
			return mapError(err, value)
		}
		newN = len(parts)
	}
	// The new value is in place. Leftover pieces are only untidy, not wrong,
	// and the next write or delete removes them, so this cannot fail the set.
	_ = o.cleanup(user, old, newSlot, newN)
	return nil
}

// read returns the value under the head item user; found is false when
// there is none.
func (o *op) read(user string) (value string, found bool, err error) {
	h, err := o.readHead(user)
	switch {
	case err != nil:
		return "", false, mapError(err)
	case !h.found:
		return "", false, nil
	case h.damaged:
		return "", false, damaged()
	case !h.chunked:
		return h.value, true, nil
	}
	parts := make([]string, 0, h.n)
	for i := 1; i <= h.n; i++ {
		part, err := o.get(chunkUser(user, h.slot, i))
		if errors.Is(err, errNotFound) {
			return "", false, damaged()
		} else if err != nil {
			return "", false, mapError(err, parts...)
		}
		parts = append(parts, part)
	}
	value = strings.Join(parts, "")
	if checksum(value) != h.sum {
		return "", false, damaged()
	}
	return value, true, nil
}

// remove deletes the head item user and all its pieces; it succeeds when
// they are already gone.
func (o *op) remove(user string) error {
	old, err := o.readHead(user)
	if err != nil {
		return mapError(err)
	}
	if old.found {
		if err := o.del(user); err != nil && !errors.Is(err, errNotFound) {
			return mapError(err)
		}
	}
	// Unlike after a set, leftover pieces here are parts of the secret the
	// user asked to remove, so a failure is reported; deleting again finishes.
	if err := o.cleanup(user, old, "", 0); err != nil {
		return mapError(err)
	}
	return nil
}

// Ping reports whether the keychain can be used now. It looks up an item
// that normally does not exist, which needs a running, unlocked keychain.
func (k *Keychain) Ping(ctx context.Context) error {
	o, err := k.begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer o.end()
	if _, err := o.get(k.namespace + "/" + pingUser); err != nil && !errors.Is(err, errNotFound) {
		return mapError(err)
	}
	return nil
}

func damaged() error {
	return backend.Errorf(backend.EINTERNAL, "The stored secret is damaged.").
		WithHint("Store it again: reconnect the account or enter the secret again.")
}

func kindName(kind backend.SecretKind) string {
	switch kind {
	case backend.SecretAccessToken:
		return "access token"
	case backend.SecretRefreshToken:
		return "refresh token"
	}
	return "secret"
}

func ownerName(owner string) string {
	if strings.HasPrefix(owner, "provider:") {
		return "this provider"
	}
	return "this account"
}

// op is one operation on the keychain: it holds the gate and runs the
// individual keychain calls with a time limit.
type op struct {
	k   *Keychain
	ctx context.Context
	wg  sync.WaitGroup // calls still running
	// hung is set when a call was abandoned (timeout or cancellation) and may
	// still be running.
	hung bool
}

// begin waits for earlier operations, as long as a single call may take.
func (k *Keychain) begin(ctx context.Context) (*op, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := time.NewTimer(k.timeout())
	defer t.Stop()
	select {
	case k.gate <- struct{}{}:
		return &op{k: k, ctx: ctx}, nil
	case <-t.C:
		return nil, timeoutError{k.timeout()}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// end releases the gate, once every call of the operation has returned.
func (o *op) end() {
	if !o.hung {
		<-o.k.gate
		return
	}
	go func() {
		o.wg.Wait()
		<-o.k.gate
	}()
}

// do runs fn with the time limit and the operation's context.
func (o *op) do(fn func() error) error {
	if err := o.ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("keychain: panic in keychain call: %v", r)
			}
		}()
		done <- fn()
	}()
	t := time.NewTimer(o.k.timeout())
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		o.hung = true
		return timeoutError{o.k.timeout()}
	case <-o.ctx.Done():
		o.hung = true
		return o.ctx.Err()
	}
}

func (o *op) get(user string) (string, error) {
	var v string
	err := o.do(func() error {
		var err error
		v, err = o.k.p.get(user)
		return err
	})
	if err != nil {
		return "", err
	}
	return v, nil
}

func (o *op) set(user, value string) error {
	return o.do(func() error { return o.k.p.set(user, value) })
}

func (o *op) del(user string) error {
	return o.do(func() error { return o.k.p.delete(user) })
}

// readHead reads and decodes a head item; a missing item is not an error.
func (o *op) readHead(user string) (head, error) {
	raw, err := o.get(user)
	if errors.Is(err, errNotFound) {
		return head{}, nil
	} else if err != nil {
		return head{}, err
	}
	return parseHead(raw), nil
}

// cleanup deletes every piece of the secret except pieces 1..keepN of
// keepSlot. old is the head before the operation, which tells how many
// pieces its slot held.
func (o *op) cleanup(user string, old head, keepSlot string, keepN int) error {
	for _, slot := range slots {
		keep := 0
		if slot == keepSlot {
			keep = keepN
		}
		known := keep
		if old.chunked && old.slot == slot && old.n > known {
			known = old.n
		}
		if err := o.purge(user, slot, keep, known); err != nil {
			return err
		}
	}
	return nil
}

// purge deletes the pieces above keep in slot. Pieces up to known may exist;
// more may have been left by an interrupted write, so it probes upwards
// until one is missing, then deletes from the top down, which keeps any
// leftovers contiguous if it is interrupted in turn.
func (o *op) purge(user, slot string, keep, known int) error {
	top := known
	for top < probeLimit {
		_, err := o.get(chunkUser(user, slot, top+1))
		if errors.Is(err, errNotFound) {
			break
		} else if err != nil {
			return err
		}
		top++
	}
	for i := top; i > keep; i-- {
		if err := o.del(chunkUser(user, slot, i)); err != nil && !errors.Is(err, errNotFound) {
			return err
		}
	}
	return nil
}
