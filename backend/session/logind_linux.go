package session

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	logindName      = "org.freedesktop.login1"
	logindPath      = dbus.ObjectPath("/org/freedesktop/login1")
	logindManager   = "org.freedesktop.login1.Manager"
	callTimeout     = 2 * time.Second
	inhibitWhat     = "shutdown:sleep"
	inhibitWho      = "Tokenwarden"
	inhibitModeWait = "delay"
)

// Logind is systemd-logind on a bus.
type Logind struct {
	conn      *dbus.Conn
	sessionID string // XDG_SESSION_ID: its removal ends this session
	signals   chan *dbus.Signal

	mu    sync.Mutex
	ended bool
	onEnd []func()
}

// Open connects to logind on the system bus.
func Open() (Watcher, error) {
	conn, err := dbus.ConnectSystemBus()
	if err != nil {
		return nil, fmt.Errorf("no system bus: %w", err)
	}
	l, err := New(conn, os.Getenv("XDG_SESSION_ID"))
	if err != nil {
		conn.Close()
		return nil, err
	}
	return l, nil
}

// New watches logind on conn; sessionID is this process's session ("" for
// none). It fails when no logind answers there.
func New(conn *dbus.Conn, sessionID string) (*Logind, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var owner string
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, logindName).Store(&owner); err != nil {
		return nil, fmt.Errorf("logind is not running: %w", err)
	}
	l := &Logind{conn: conn, sessionID: sessionID, signals: make(chan *dbus.Signal, 8)}
	for _, member := range []string{"PrepareForShutdown", "SessionRemoved"} {
		if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(logindPath), dbus.WithMatchInterface(logindManager),
			dbus.WithMatchMember(member)); err != nil {
			return nil, fmt.Errorf("cannot watch logind: %w", err)
		}
	}
	conn.Signal(l.signals)
	go l.watch()
	return l, nil
}

func (l *Logind) watch() {
	for s := range l.signals {
		if s.Path != logindPath {
			continue
		}
		switch s.Name {
		case logindManager + ".PrepareForShutdown":
			if len(s.Body) == 1 && s.Body[0] == true {
				l.end()
			}
		case logindManager + ".SessionRemoved":
			if id, ok := first(s.Body); ok && l.sessionID != "" && id == l.sessionID {
				l.end()
			}
		}
	}
}

func first(body []any) (string, bool) {
	if len(body) == 0 {
		return "", false
	}
	s, ok := body[0].(string)
	return s, ok
}

func (l *Logind) end() {
	l.mu.Lock()
	if l.ended {
		l.mu.Unlock()
		return
	}
	l.ended = true
	fns := l.onEnd
	l.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// OnEnd implements Watcher.
func (l *Logind) OnEnd(fn func()) {
	l.mu.Lock()
	ended := l.ended
	if !ended {
		l.onEnd = append(l.onEnd, fn)
	}
	l.mu.Unlock()
	if ended {
		fn()
	}
}

// Inhibit implements Watcher: a delay lock, held as long as the file
// descriptor logind hands back stays open.
func (l *Logind) Inhibit(why string) func() {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var fd dbus.UnixFD
	err := l.conn.Object(logindName, logindPath).CallWithContext(ctx, logindManager+".Inhibit", 0,
		inhibitWhat, inhibitWho, why, inhibitModeWait).Store(&fd)
	if err != nil {
		logf("session: cannot hold off shutdown during a renewal: %v", err)
		return func() {}
	}
	f := os.NewFile(uintptr(fd), "logind-inhibitor")
	var once sync.Once
	return func() { once.Do(func() { f.Close() }) }
}

// Close implements Watcher.
func (l *Logind) Close() error {
	l.conn.RemoveSignal(l.signals)
	close(l.signals)
	return l.conn.Close()
}
