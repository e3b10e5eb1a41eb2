//go:build linux && !race

// Not under -race: fyne.io/systray v1.12.2 reads its menu version in
// GetLayout (systray_menu_unix.go:91) without the lock its refresh takes to
// write it (:423), a race inside the library that the detector reports on
// a host's second GetLayout. make unit runs this test without -race.

package tray

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// watcher stands in for the desktop's tray host: it owns the
// StatusNotifierWatcher name and records who registers an item.
type watcher struct{ registered chan dbus.Sender }

func (w *watcher) RegisterStatusNotifierItem(service string, sender dbus.Sender) *dbus.Error {
	w.registered <- sender
	return nil
}

// TestTrayOverDBus starts the real tray on a private session bus with a
// stand-in tray host, then reads what a host reads: the item's title and
// tooltip, and the menu's layout, and clicks menu items through
// com.canonical.dbusmenu as a panel does when the user picks them.
func TestTrayOverDBus(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if os.Getenv("TOKENWARDEN_REQUIRE_KEYRING") != "" {
			t.Fatal("no session bus; run under scripts/with-keyring")
		}
		t.Skip("no session bus; run under scripts/with-keyring")
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if Missing() == "" {
		t.Fatal("Missing says a tray host exists before the stand-in took the name")
	}
	w := &watcher{registered: make(chan dbus.Sender, 4)}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own the watcher name: %v %v", reply, err)
	}
	if m := Missing(); m != "" {
		t.Fatalf("Missing = %q with a tray host on the bus", m)
	}

	opened, checked, quit := make(chan struct{}, 1), make(chan struct{}, 1), make(chan struct{}, 1)
	account := make(chan string, 1)
	tr, err := Start(Actions{
		Open:        func() { opened <- struct{}{} },
		CheckNow:    func() { checked <- struct{}{} },
		OpenAccount: func(id string) { account <- id },
		Quit:        func() { quit <- struct{}{} },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Stop()

	var item dbus.Sender
	select {
	case item = <-w.registered:
	case <-time.After(30 * time.Second):
		t.Fatal("the tray never registered with the watcher")
	}
	tr.Update(State{NeedYou: 3, Urgent: []Account{
		{ID: "acc_aaaaaaaaaaaa", Label: "Acme Bakery · Facebook: expired"},
		{ID: "acc_bbbbbbbbbbbb", Label: "Blue Dental · Google: reconnect in 2 days"},
	}})

	obj := conn.Object(string(item), "/StatusNotifierItem")
	var title, tooltipText string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		v, err := obj.GetProperty("org.kde.StatusNotifierItem.Title")
		if err == nil {
			title, _ = v.Value().(string)
		}
		if tip, err := obj.GetProperty("org.kde.StatusNotifierItem.ToolTip"); err == nil {
			// (sa(iiay)ss): icon name, pixmaps, title, description.
			if fields, ok := tip.Value().([]any); ok && len(fields) == 4 {
				tooltipText, _ = fields[2].(string)
			}
		}
		if title == "Tokenwarden: 3 accounts need you" && tooltipText == title {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if title != "Tokenwarden: 3 accounts need you" || tooltipText != title {
		t.Fatalf("title %q, tooltip %q", title, tooltipText)
	}

	labels, ids := menuItems(t, conn.Object(string(item), "/StatusNotifierItem/menu"))
	want := []string{"Tokenwarden: 3 accounts need you", "Acme Bakery · Facebook: expired",
		"Blue Dental · Google: reconnect in 2 days", "Open Tokenwarden", "Check now", "Quit"}
	if !slices.Equal(labels, want) {
		t.Fatalf("visible menu = %q\nwant %q", labels, want)
	}

	click := func(label string) {
		t.Helper()
		id := ids[label]
		call := conn.Object(string(item), "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.Event", 0,
			id, "clicked", dbus.MakeVariant(""), uint32(0))
		if call.Err != nil {
			t.Fatalf("click %q: %v", label, call.Err)
		}
	}
	wait := func(what string, ch <-chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s did nothing", what)
		}
	}
	click("Open Tokenwarden")
	wait("Open", opened)
	click("Check now")
	wait("Check now", checked)
	click("Blue Dental · Google: reconnect in 2 days")
	select {
	case id := <-account:
		if id != "acc_bbbbbbbbbbbb" {
			t.Fatalf("the urgent item opened %q", id)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the urgent item did nothing")
	}
	click("Quit")
	wait("Quit", quit)

	// Fewer urgent accounts hide the spare items.
	tr.Update(State{})
	labels, _ = menuItems(t, conn.Object(string(item), "/StatusNotifierItem/menu"))
	if want := []string{"Tokenwarden: every account is fine", "Open Tokenwarden", "Check now", "Quit"}; !slices.Equal(labels, want) {
		t.Fatalf("menu after all is fine = %q", labels)
	}
}

// menuItems reads the menu as a panel does (GetLayout) and returns the
// labels of the visible, non-separator items in order, with their ids.
func menuItems(t *testing.T, menu dbus.BusObject) ([]string, map[string]int32) {
	t.Helper()
	var revision uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&revision, &layout); err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	var labels []string
	ids := map[string]int32{}
	for _, c := range layout.Children {
		fields, ok := c.Value().([]any)
		if !ok || len(fields) < 2 {
			t.Fatalf("menu child %v", c)
		}
		id, _ := fields[0].(int32)
		props, _ := fields[1].(map[string]dbus.Variant)
		if v, ok := props["visible"]; ok && v.Value() == false {
			continue
		}
		if v, ok := props["type"]; ok && v.Value() == "separator" {
			continue
		}
		label, _ := props["label"].Value().(string)
		labels = append(labels, label)
		ids[label] = id
	}
	return labels, ids
}
