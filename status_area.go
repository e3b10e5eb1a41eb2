package main

import (
	"context"
	"log"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
	"github.com/tokenwarden/tokenwarden/backend/notify"
	"github.com/tokenwarden/tokenwarden/backend/tray"
)

// statusArea keeps the tray icon in step with the accounts: it is started
// with the background work and updated, shortly after, whenever an account
// is written or a check finishes.
type statusArea struct {
	svc     *accounts.Service
	ctx     func() context.Context
	refresh notify.Debouncer

	mu   sync.Mutex
	tray *tray.Tray
}

func newStatusArea(ctx func() context.Context, svc *accounts.Service) *statusArea {
	s := &statusArea{svc: svc, ctx: ctx}
	s.refresh = notify.Debouncer{Wait: 300 * time.Millisecond, Run: s.update}
	return s
}

// start shows the icon; where the platform or the desktop has no tray it
// logs one line and the app runs on without it.
func (s *statusArea) start(a tray.Actions) {
	if s == nil {
		return
	}
	t, err := tray.Start(a)
	if err != nil {
		log.Printf("tray: %v", err)
		return
	}
	if missing := tray.Missing(); missing != "" {
		log.Printf("tray: %s", missing)
	}
	s.mu.Lock()
	s.tray = t
	s.mu.Unlock()
	s.update()
}

// changed updates the icon once a burst of changes is over.
func (s *statusArea) changed() {
	if s != nil {
		s.refresh.Poke()
	}
}

func (s *statusArea) stop() {
	if s == nil {
		return
	}
	s.refresh.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tray.Stop()
	s.tray = nil
}

func (s *statusArea) update() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tray == nil {
		return
	}
	entries, err := s.svc.Entries(s.ctx(), backend.AccountFilter{})
	if err != nil {
		log.Printf("tray: %s", backend.ErrorMessage(err))
		return
	}
	s.tray.Update(trayState(entries, s.svc.Now()))
}

// needsYou reports whether the user must act on an account.
func needsYou(st backend.Status) bool {
	return st == backend.StatusInvalid || st == backend.StatusExpired || st == backend.StatusExpiring
}

// trayState counts the accounts that need the user and names the most
// urgent; entries come most urgent first.
func trayState(entries []*accounts.Entry, now time.Time) tray.State {
	var st tray.State
	for _, e := range entries {
		if !needsYou(e.Status) {
			continue
		}
		st.NeedYou++
		if len(st.Urgent) == tray.MaxUrgent {
			continue
		}
		what := "stopped working"
		switch {
		case e.Status == backend.StatusExpired:
			what = "expired"
		case e.Status == backend.StatusExpiring && e.ReconnectBy != nil:
			what = "reconnect " + backend.Relative(*e.ReconnectBy, now)
		case e.Status == backend.StatusExpiring:
			what = "reconnect soon"
		}
		name := e.ClientName + " · " + e.ProviderName
		if e.Label != "" {
			name += " · " + e.Label
		}
		st.Urgent = append(st.Urgent, tray.Account{ID: e.ID, Label: name + ": " + what})
	}
	return st
}

// trayActions are the tray menu's: the window, a check of everything, an
// account's panel, and Quit (closing the window keeps the tray). Each click
// is logged, as links and notification clicks are.
func (a *App) trayActions() tray.Actions {
	return tray.Actions{
		Open: func() {
			log.Printf("tray: open")
			a.desktop.Show()
		},
		CheckNow: func() {
			log.Printf("tray: check now")
			if _, err := a.checks.CheckNow("", ""); err != nil {
				log.Printf("tray: check now: %v", err)
			}
		},
		OpenAccount: func(id string) {
			log.Printf("tray: open %s", id)
			_ = a.act(deeplink.Link{Action: deeplink.ActionOpen, AccountID: id})
		},
		Quit: func() {
			log.Printf("tray: quit")
			a.quit()
		},
	}
}

// watchedStore tells the tray about every account written through it.
type watchedStore struct {
	backend.Store
	changed func()
}

func (s watchedStore) Update(ctx context.Context, fn func(backend.Tx) error) error {
	err := s.Store.Update(ctx, fn)
	if err == nil {
		s.changed()
	}
	return err
}
