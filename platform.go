//go:build !nowindow

package main

import (
	"context"
	"os"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tokenwarden/tokenwarden/backend/browser"
)

type wailsDesktop struct{ ctx context.Context }

// OpenURL uses $BROWSER when it is set (tests capture the URL that way),
// else Wails' opener.
func (w wailsDesktop) OpenURL(u string) error {
	if os.Getenv("BROWSER") != "" {
		return browser.Open(u)
	}
	runtime.BrowserOpenURL(w.ctx, u)
	return nil
}

func (w wailsDesktop) Emit(name string, data ...any) { runtime.EventsEmit(w.ctx, name, data...) }

func (w wailsDesktop) Show() {
	runtime.WindowUnminimise(w.ctx)
	runtime.WindowShow(w.ctx)
	runtime.Show(w.ctx)
}

func (w wailsDesktop) Quit() { runtime.Quit(w.ctx) }

func (w wailsDesktop) Hide() { runtime.WindowHide(w.ctx) }

func (w wailsDesktop) SaveFile(title, name string) (string, error) {
	return runtime.SaveFileDialog(w.ctx, runtime.SaveDialogOptions{Title: title, DefaultFilename: name, CanCreateDirectories: true})
}

func (w wailsDesktop) OpenFile(title string) (string, error) {
	return runtime.OpenFileDialog(w.ctx, runtime.OpenDialogOptions{Title: title})
}

func (w wailsDesktop) OpenFolder(title string) (string, error) {
	return runtime.OpenDirectoryDialog(w.ctx, runtime.OpenDialogOptions{Title: title, CanCreateDirectories: true})
}
