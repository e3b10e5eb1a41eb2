//go:build (linux) && !nowindow

package main

/*
#cgo pkg-config: gtk+-3.0
#include <gtk/gtk.h>

// GTK is only touched on its own thread: the change is queued to its loop.
static gboolean tw_apply_dark(gpointer data) {
	GtkSettings *s = gtk_settings_get_default();
	if (s != NULL) g_object_set(s, "gtk-application-prefer-dark-theme", GPOINTER_TO_INT(data), NULL);
	return G_SOURCE_REMOVE;
}

static void tw_prefer_dark(int dark) { g_idle_add(tw_apply_dark, GINT_TO_POINTER(dark)); }
*/
import "C"

// preferDarkWindow asks GTK for the dark variant of its theme, which the
// menu bar Wails builds with GTK follows.
func preferDarkWindow(dark bool) {
	v := C.int(0)
	if dark {
		v = 1
	}
	C.tw_prefer_dark(v)
}
