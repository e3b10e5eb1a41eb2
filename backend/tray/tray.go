// Package tray shows Tokenwarden in the desktop's status area while its
// window is closed: an icon with the number of accounts that need the user,
// and a menu (Open, Check now, the most urgent accounts, Quit).
//
// It wraps fyne.io/systray. On Linux that speaks the StatusNotifierItem
// D-Bus protocol itself (no GTK), so it does not compete with the window's
// GTK loop; it needs a tray host on the session bus (KDE, XFCE, MATE, GNOME
// with the AppIndicator extension) and re-registers when one appears. On
// Windows it runs its own message loop. macOS is left out: there the tray
// needs the main thread, which Wails v2 owns.
package tray

import (
	_ "embed"
	"fmt"
	"sync"
)

// Icon is Tokenwarden's icon (PNG, 64x64), which notifications show too.
//
//go:embed icon.png
var Icon []byte

//go:embed icon-alert.png
var iconAlert []byte

// MaxUrgent is how many accounts the menu lists by name.
const MaxUrgent = 5

// Account is one urgent account in the menu.
type Account struct {
	ID    string
	Label string // "Acme Bakery · Facebook: expired"
}

// State is what the tray shows.
type State struct {
	// NeedYou counts accounts that need the user (expiring, expired, invalid).
	NeedYou int
	// Urgent lists the most urgent of them, most urgent first.
	Urgent []Account
}

// Actions are what the menu does; each runs on its own goroutine.
type Actions struct {
	Open        func()
	CheckNow    func()
	OpenAccount func(id string)
	Quit        func()
}

// Tray is the running status-area icon.
type Tray struct {
	h       host
	actions Actions

	items items

	mu     sync.Mutex
	urgent [MaxUrgent]string // account ids behind the urgent items
}

// host is the part of the status area the tray uses; fyne.io/systray where
// the platform has it.
type host interface {
	start(onReady func())
	stop()
	setIcon(png []byte)
	setTitle(title, tooltip string)
	// addItem adds a menu item whose clicks call onClick.
	addItem(title string, onClick func()) item
	addSeparator()
}

type item interface {
	set(title string, visible bool)
}

// Missing says why no tray icon can be seen now (no tray host on the
// session bus), or "". The icon still starts: it shows when a host appears.
func Missing() string { return missingHost() }

// Start shows the tray icon. The returned Tray is updated with Update and
// removed with Stop. Where the platform has no tray, Start returns nil and
// an error saying so; the app runs on without it.
func Start(a Actions) (*Tray, error) {
	h, err := newHost()
	if err != nil {
		return nil, err
	}
	return start(h, a), nil
}

// items are the menu items made once at start; Update retitles and hides
// them, since dbusmenu hosts cache the layout.
type items struct {
	status item
	urgent [MaxUrgent]item
}

func start(h host, a Actions) *Tray {
	t := &Tray{h: h, actions: a}
	ready := make(chan struct{})
	var it items
	h.start(func() {
		h.setIcon(Icon)
		it.status = h.addItem("", func() { t.run(a.Open) })
		h.addSeparator()
		for i := range it.urgent {
			i := i
			it.urgent[i] = h.addItem("", func() { t.openUrgent(i) })
		}
		h.addSeparator()
		h.addItem("Open Tokenwarden", func() { t.run(a.Open) })
		h.addItem("Check now", func() { t.run(a.CheckNow) })
		h.addSeparator()
		h.addItem("Quit", func() { t.run(a.Quit) })
		close(ready)
	})
	<-ready
	t.items = it
	t.Update(State{})
	return t
}

func (t *Tray) run(f func()) {
	if f != nil {
		go f()
	}
}

func (t *Tray) openUrgent(i int) {
	t.mu.Lock()
	id := t.urgent[i]
	t.mu.Unlock()
	if id != "" && t.actions.OpenAccount != nil {
		go t.actions.OpenAccount(id)
	}
}

// Update shows a new state: the icon, its tooltip and the menu.
func (t *Tray) Update(s State) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	title := Summary(s.NeedYou)
	if s.NeedYou > 0 {
		t.h.setIcon(iconAlert)
	} else {
		t.h.setIcon(Icon)
	}
	t.h.setTitle(title, title)
	t.items.status.set(title, true)
	for i := range t.items.urgent {
		if i < len(s.Urgent) {
			t.urgent[i] = s.Urgent[i].ID
			t.items.urgent[i].set(s.Urgent[i].Label, true)
		} else {
			t.urgent[i] = ""
			t.items.urgent[i].set("", false)
		}
	}
}

// Stop removes the icon.
func (t *Tray) Stop() {
	if t != nil {
		t.h.stop()
	}
}

// Summary is the tray's one line.
func Summary(needYou int) string {
	switch needYou {
	case 0:
		return "Tokenwarden: every account is fine"
	case 1:
		return "Tokenwarden: 1 account needs you"
	}
	return fmt.Sprintf("Tokenwarden: %d accounts need you", needYou)
}
