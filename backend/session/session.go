// Package session tells the app when the computer is about to shut down or
// the user's session ends, and lets it hold that off for a few seconds
// while a renewal stores its result.
//
// On Linux this is systemd-logind over the system bus: a "delay" inhibitor
// lock (org.freedesktop.login1.Manager.Inhibit("shutdown:sleep", ...,
// "delay")) is taken while a renewal is under way, and PrepareForShutdown
// (true) and the removal of this process's own session are reported, so the
// app stops starting renewals. logind waits for delay locks at most
// InhibitDelayMaxSec (5 s by default). Elsewhere, and where there is no
// logind, Open fails and the app relies on its signal handlers and the
// window toolkit's quit hooks (see package main).
package session

import "log"

// Watcher is the desktop session's manager.
type Watcher interface {
	// Inhibit holds off shutdown and sleep until release is called (or
	// the manager's own limit passes). It never fails: without a lock the
	// renewal simply runs unprotected, and the problem is logged.
	Inhibit(why string) (release func())
	// OnEnd calls fn once when the computer prepares to shut down or this
	// session ends.
	OnEnd(fn func())
	Close() error
}

// logf logs session problems; tests replace it.
var logf = log.Printf
