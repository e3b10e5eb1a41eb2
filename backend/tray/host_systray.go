//go:build linux || windows

package tray

import "fyne.io/systray"

// systrayHost is the status area through fyne.io/systray, run next to the
// window's own event loop.
type systrayHost struct{ end func() }

func newHost() (host, error) { return &systrayHost{}, nil }

func (h *systrayHost) start(onReady func()) {
	start, end := systray.RunWithExternalLoop(onReady, nil)
	h.end = end
	start()
}

func (h *systrayHost) stop() {
	if h.end != nil {
		h.end()
	}
}

func (h *systrayHost) setIcon(png []byte) { systray.SetIcon(png) }

func (h *systrayHost) setTitle(title, tooltip string) {
	systray.SetTitle(title)
	systray.SetTooltip(tooltip)
}

func (h *systrayHost) addItem(title string, onClick func()) item {
	mi := systray.AddMenuItem(title, "")
	go func() {
		for range mi.ClickedCh {
			onClick()
		}
	}()
	return systrayItem{mi}
}

func (h *systrayHost) addSeparator() { systray.AddSeparator() }

type systrayItem struct{ mi *systray.MenuItem }

func (i systrayItem) set(title string, visible bool) {
	i.mi.SetTitle(title)
	if visible {
		i.mi.Show()
	} else {
		i.mi.Hide()
	}
}
