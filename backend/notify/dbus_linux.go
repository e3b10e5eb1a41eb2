//go:build linux

package notify

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"slices"
	"strings"
	"sync"

	"github.com/godbus/dbus/v5"
)

// The freedesktop notification service (Desktop Notifications
// Specification 1.2).
const (
	dbusName      = "org.freedesktop.Notifications"
	dbusPath      = "/org/freedesktop/Notifications"
	dbusDefaultID = "default" // the action key of a click on the notification
	// maxShown bounds the notifications remembered for their buttons; the
	// oldest is forgotten first (its buttons then do nothing).
	maxShown = 100
)

// DBusSender shows notifications through org.freedesktop.Notifications
// itself, because neither Wails nor beeep sets what Tokenwarden needs: the
// urgency (critical for an account that no longer works, so it stays up),
// the app icon, and buttons with their clicks. The body goes out with its
// markup escaped, so a label like "<a href=…>" shows as typed. It is the one sender on Linux, for the window and the command line.
type DBusSender struct {
	conn       *dbus.Conn
	icon       *dbusImage
	buttons    bool // the daemon shows actions and onResponse takes them
	onResponse ResponseFunc

	mu    sync.Mutex
	shown map[uint32]Notification // by the daemon's id, while on screen
	order []uint32
}

// dbusImage is the image-data hint's (iiibiiay).
type dbusImage struct {
	Width, Height, RowStride int32
	HasAlpha                 bool
	BitsPerSample, Channels  int32
	Data                     []byte
}

// DialDBus connects to the session bus and asks the daemon what it can
// show. icon is a PNG; onResponse gets clicks (nil: no buttons, as for the
// command line, which is gone by the time anyone clicks). Close ends it.
func DialDBus(icon []byte, onResponse ResponseFunc) (*DBusSender, error) {
	img, err := decodeIcon(icon)
	if err != nil {
		return nil, err
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("no session bus for notifications: %w", err)
	}
	var caps []string
	if err := conn.Object(dbusName, dbusPath).Call(dbusName+".GetCapabilities", 0).Store(&caps); err != nil {
		conn.Close()
		return nil, fmt.Errorf("no notification service on the session bus: %w", err)
	}
	s := &DBusSender{conn: conn, icon: img,
		buttons: onResponse != nil && slices.Contains(caps, "actions"), onResponse: onResponse, shown: map[uint32]Notification{}}
	if s.buttons {
		if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(dbusPath), dbus.WithMatchInterface(dbusName)); err != nil {
			conn.Close()
			return nil, fmt.Errorf("cannot hear notification clicks: %w", err)
		}
		signals := make(chan *dbus.Signal, 16)
		conn.Signal(signals)
		go s.listen(signals)
	}
	return s, nil
}

// Close ends the connection; buttons of notifications still shown then do
// nothing.
func (s *DBusSender) Close() error { return s.conn.Close() }

func decodeIcon(icon []byte) (*dbusImage, error) {
	if len(icon) == 0 {
		return nil, nil
	}
	src, err := png.Decode(bytes.NewReader(icon))
	if err != nil {
		return nil, fmt.Errorf("notification icon: %w", err)
	}
	b := src.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
	return &dbusImage{Width: int32(b.Dx()), Height: int32(b.Dy()), RowStride: int32(dst.Stride), HasAlpha: true,
		BitsPerSample: 8, Channels: 4, Data: dst.Pix}, nil
}

// EscapeMarkup makes text safe for a daemon that reads the freedesktop
// markup subset: &, < and > become entities, so a label shows as typed and
// never turns into a link or an image.
func EscapeMarkup(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Send shows n with its urgency, the icon and, where clicks are heard, its
// buttons; without buttons the body says where to act.
func (s *DBusSender) Send(ctx context.Context, n Notification) error {
	body := n.Body
	var actions []string
	if s.buttons {
		for _, a := range n.Actions {
			key := a.ID
			if key == ActionIDDefault {
				key = dbusDefaultID
			}
			actions = append(actions, key, a.Title)
		}
	} else {
		body += "\n\n" + FooterNoButtons
	}
	// Escaped whatever the daemon says: daemons that do not claim
	// "body-markup" still strip the subset's tags (dunst's markup = strip),
	// which would turn "<b>Acme</b>" into "Acme" and drop an <img>.
	body = EscapeMarkup(body)
	hints := map[string]dbus.Variant{
		"urgency":       dbus.MakeVariant(byte(n.Urgency)),
		"desktop-entry": dbus.MakeVariant("tokenwarden"),
	}
	if s.icon != nil {
		hints["image-data"] = dbus.MakeVariant(*s.icon)
	}
	// s.mu is held across the call so that a click arriving right after
	// finds the notification.
	s.mu.Lock()
	defer s.mu.Unlock()
	var id uint32
	err := s.conn.Object(dbusName, dbusPath).CallWithContext(ctx, dbusName+".Notify", 0,
		AppName, uint32(0), "", n.Title, body, actions, hints, int32(-1)).Store(&id)
	if err != nil {
		return fmt.Errorf("the notification service refused: %w", err)
	}
	if s.buttons {
		s.remember(id, n)
	}
	return nil
}

func (s *DBusSender) remember(id uint32, n Notification) {
	if _, ok := s.shown[id]; !ok {
		s.order = append(s.order, id)
	}
	s.shown[id] = n
	for len(s.order) > maxShown {
		delete(s.shown, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *DBusSender) forget(id uint32) {
	delete(s.shown, id)
	s.order = slices.DeleteFunc(s.order, func(x uint32) bool { return x == id })
}

// listen turns the daemon's signals into responses. Only a button this
// sender offered on a notification it showed is acted on. The signal's
// sender is not checked: any process of the user can equally run
// "tokenwarden tokenwarden://reconnect/…", and links are parsed as strictly.
func (s *DBusSender) listen(signals <-chan *dbus.Signal) {
	for sig := range signals {
		switch sig.Name {
		case dbusName + ".ActionInvoked":
			var id uint32
			var key string
			if dbus.Store(sig.Body, &id, &key) != nil {
				continue
			}
			actionID, data, ok := s.lookup(id, key)
			if ok {
				s.onResponse(actionID, data)
			}
		case dbusName + ".NotificationClosed":
			var id, reason uint32
			if dbus.Store(sig.Body, &id, &reason) == nil {
				s.mu.Lock()
				s.forget(id)
				s.mu.Unlock()
			}
		}
	}
}

func (s *DBusSender) lookup(id uint32, key string) (actionID string, data map[string]any, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, shown := s.shown[id]
	if !shown {
		return "", nil, false
	}
	if key == dbusDefaultID {
		key = ActionIDDefault
	}
	for _, a := range n.Actions {
		if a.ID == key {
			return key, ActionData(n), true
		}
	}
	return "", nil, false
}

// CommandLineSender is how the command line notifies: no buttons, since it
// is gone by the time anyone clicks.
func CommandLineSender(icon []byte) Sender {
	return SenderFunc(func(ctx context.Context, n Notification) error {
		s, err := DialDBus(icon, nil)
		if err != nil {
			return err
		}
		defer s.Close()
		return s.Send(ctx, n)
	})
}
