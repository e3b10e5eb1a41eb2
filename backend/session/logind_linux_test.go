package session

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// fakeLogind serves the part of org.freedesktop.login1.Manager the app
// uses, on the test's private session bus (scripts/with-keyring).
type fakeLogind struct {
	conn *dbus.Conn
	mu   sync.Mutex
	// writers are the write ends of the pipes whose read ends Inhibit
	// handed out: writing fails with EPIPE once the app closed its end.
	writers []*os.File
	calls   [][]string
}

func (f *fakeLogind) Inhibit(what, who, why, mode string) (dbus.UnixFD, *dbus.Error) {
	r, w, err := os.Pipe()
	if err != nil {
		return 0, dbus.MakeFailedError(err)
	}
	f.mu.Lock()
	f.writers = append(f.writers, w)
	f.calls = append(f.calls, []string{what, who, why, mode})
	f.mu.Unlock()
	// godbus sends a copy of the descriptor; ours is closed after the reply.
	fd := r.Fd()
	go func() { time.Sleep(time.Second); r.Close() }()
	return dbus.UnixFD(fd), nil
}

func sessionBus(t *testing.T) *dbus.Conn {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Skip("needs a private D-Bus session: run under scripts/with-keyring")
	}
	conn, err := dbus.ConnectSessionBus(dbus.WithSignalHandler(dbus.NewSequentialSignalHandler()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func startFakeLogind(t *testing.T) *fakeLogind {
	conn := sessionBus(t)
	f := &fakeLogind{conn: conn}
	if err := conn.Export(f, logindPath, logindManager); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(logindName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("cannot own %s on the test bus: %v %v", logindName, reply, err)
	}
	return f
}

func TestLogindInhibitAndEnd(t *testing.T) {
	f := startFakeLogind(t)
	l, err := New(sessionBus(t), "c7")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	release := l.Inhibit("storing a renewed token")
	f.mu.Lock()
	if len(f.calls) != 1 || f.calls[0][0] != "shutdown:sleep" || f.calls[0][1] != "Tokenwarden" || f.calls[0][3] != "delay" {
		t.Errorf("Inhibit called with %v", f.calls)
	}
	w := f.writers[0]
	f.mu.Unlock()
	time.Sleep(1500 * time.Millisecond) // the fake's own copy of the read end is closed by now
	if _, err := w.Write([]byte("x")); err != nil {
		t.Fatalf("the lock is not held while the renewal runs: %v", err)
	}
	release()
	release() // twice is harmless
	if _, err := w.Write([]byte("x")); !errors.Is(err, syscall.EPIPE) {
		t.Errorf("after release the lock is still held (write: %v)", err)
	}

	ended := make(chan struct{}, 2)
	l.OnEnd(func() { ended <- struct{}{} })
	emit := func(member string, body ...any) {
		if err := f.conn.Emit(logindPath, logindManager+"."+member, body...); err != nil {
			t.Fatal(err)
		}
	}
	emit("PrepareForShutdown", false) // resumed or cancelled: not an end
	emit("SessionRemoved", "c8", dbus.ObjectPath("/org/freedesktop/login1/session/c8"))
	select {
	case <-ended:
		t.Fatal("ended on another session's removal or PrepareForShutdown(false)")
	case <-time.After(300 * time.Millisecond):
	}
	emit("PrepareForShutdown", true)
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("PrepareForShutdown(true) was not reported")
	}
	emit("SessionRemoved", "c7", dbus.ObjectPath("/org/freedesktop/login1/session/c7"))
	select {
	case <-ended:
		t.Fatal("the end was reported twice")
	case <-time.After(300 * time.Millisecond):
	}
	late := make(chan struct{}, 1)
	l.OnEnd(func() { late <- struct{}{} })
	select {
	case <-late:
	default:
		t.Error("OnEnd after the end did not run at once")
	}
}

func TestLogindSessionRemoved(t *testing.T) {
	f := startFakeLogind(t)
	l, err := New(sessionBus(t), "c7")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ended := make(chan struct{}, 1)
	l.OnEnd(func() { ended <- struct{}{} })
	if err := f.conn.Emit(logindPath, logindManager+".SessionRemoved", "c7", dbus.ObjectPath("/org/freedesktop/login1/session/c7")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the removal of this session was not reported")
	}
}

func TestNewWithoutLogind(t *testing.T) {
	if _, err := New(sessionBus(t), ""); err == nil {
		t.Fatal("New succeeded with no logind on the bus")
	}
}
