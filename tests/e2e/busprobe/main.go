// Command busprobe stands in for the desktop around Tokenwarden in the
// end-to-end tests, over the session bus:
//
//	busprobe notifications            print every Notify call on the bus, one JSON object a line
//	busprobe watcher FILE             be the tray host (StatusNotifierWatcher); write each item's bus name to FILE
//	busprobe tray ITEM                print the tray item's title, tooltip and visible menu as JSON
//	busprobe click ITEM LABEL         click the menu item with this label, as a panel does
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/godbus/dbus/v5"
)

func main() {
	if len(os.Args) < 2 {
		die("usage: busprobe notifications | watcher FILE | tray ITEM | click ITEM LABEL")
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		die("session bus: %v", err)
	}
	switch args := os.Args[2:]; {
	case os.Args[1] == "notifications" && len(args) == 0:
		notifications(conn)
	case os.Args[1] == "watcher" && len(args) == 1:
		watcher(conn, args[0])
	case os.Args[1] == "tray" && len(args) == 1:
		out, _ := json.Marshal(readTray(conn, args[0]))
		fmt.Println(string(out))
	case os.Args[1] == "click" && len(args) == 2:
		click(conn, args[0], args[1])
	default:
		die("unknown command %q", os.Args[1:])
	}
}

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "busprobe: "+format+"\n", args...)
	os.Exit(1)
}

// notify is one Notify call as the daemon receives it.
type notify struct {
	Sender  string   `json:"sender"`
	AppName string   `json:"app_name"`
	AppIcon string   `json:"app_icon"`
	Summary string   `json:"summary"`
	Body    string   `json:"body"`
	Actions []string `json:"actions"`
	// Urgency is the urgency hint's byte, -1 when absent.
	Urgency int `json:"urgency"`
	// Image is the image-data hint's width x height, "" when absent.
	Image string `json:"image"`
}

func notifications(conn *dbus.Conn) {
	rule := "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"
	if err := conn.BusObject().Call("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, []string{rule}, uint32(0)).Err; err != nil {
		die("become monitor: %v", err)
	}
	msgs := make(chan *dbus.Message, 16)
	conn.Eavesdrop(msgs)
	for m := range msgs {
		if m.Type != dbus.TypeMethodCall || len(m.Body) != 8 {
			continue
		}
		n := notify{Urgency: -1}
		n.Sender, _ = m.Headers[dbus.FieldSender].Value().(string)
		n.AppName, _ = m.Body[0].(string)
		n.AppIcon, _ = m.Body[2].(string)
		n.Summary, _ = m.Body[3].(string)
		n.Body, _ = m.Body[4].(string)
		n.Actions, _ = m.Body[5].([]string)
		hints, _ := m.Body[6].(map[string]dbus.Variant)
		if u, ok := hints["urgency"].Value().(byte); ok {
			n.Urgency = int(u)
		}
		if img, ok := hints["image-data"].Value().([]any); ok && len(img) == 7 {
			n.Image = fmt.Sprintf("%vx%v", img[0], img[1])
		}
		out, _ := json.Marshal(n)
		fmt.Println(string(out))
	}
}

type watch struct{ file string }

func (w watch) RegisterStatusNotifierItem(service string, sender dbus.Sender) *dbus.Error {
	if err := os.WriteFile(w.file, []byte(sender), 0o600); err != nil {
		return dbus.MakeFailedError(err)
	}
	return nil
}

func watcher(conn *dbus.Conn, file string) {
	const name = "org.kde.StatusNotifierWatcher"
	if err := conn.Export(watch{file}, "/StatusNotifierWatcher", name); err != nil {
		die("export: %v", err)
	}
	if reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		die("own %s: %v %v", name, reply, err)
	}
	fmt.Println("watching")
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	select {
	case <-stop:
	case <-conn.Context().Done(): // the bus went away
	}
}

type trayView struct {
	Title   string   `json:"title"`
	Tooltip string   `json:"tooltip"`
	Menu    []string `json:"menu"`
	ids     map[string]int32
}

func readTray(conn *dbus.Conn, item string) trayView {
	obj := conn.Object(item, "/StatusNotifierItem")
	var v trayView
	if p, err := obj.GetProperty("org.kde.StatusNotifierItem.Title"); err == nil {
		v.Title, _ = p.Value().(string)
	} else {
		die("title: %v", err)
	}
	if tip, err := obj.GetProperty("org.kde.StatusNotifierItem.ToolTip"); err == nil {
		if f, ok := tip.Value().([]any); ok && len(f) == 4 {
			v.Tooltip, _ = f[2].(string)
		}
	}
	var revision uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	if err := conn.Object(item, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.GetLayout", 0,
		int32(0), int32(-1), []string{}).Store(&revision, &layout); err != nil {
		die("menu: %v", err)
	}
	v.ids = map[string]int32{}
	v.Menu = []string{}
	for _, c := range layout.Children {
		f, ok := c.Value().([]any)
		if !ok || len(f) < 2 {
			continue
		}
		id, _ := f[0].(int32)
		props, _ := f[1].(map[string]dbus.Variant)
		if p, ok := props["visible"]; ok && p.Value() == false {
			continue
		}
		if p, ok := props["type"]; ok && p.Value() == "separator" {
			continue
		}
		label, _ := props["label"].Value().(string)
		v.Menu = append(v.Menu, label)
		v.ids[label] = id
	}
	return v
}

func click(conn *dbus.Conn, item, label string) {
	v := readTray(conn, item)
	id, ok := v.ids[label]
	if !ok {
		die("no menu item %q in %q", label, v.Menu)
	}
	if err := conn.Object(item, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.Event", 0,
		id, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		die("click %q: %v", label, err)
	}
}
