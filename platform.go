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

func wailsFilters(fs []fileFilter) []runtime.FileFilter {
	out := make([]runtime.FileFilter, 0, len(fs))
	for _, f := range fs {
		out = append(out, runtime.FileFilter{DisplayName: f.Name, Pattern: f.Pattern})
	}
	return out
}

func (w wailsDesktop) SaveFile(title, dir, name string, filters []fileFilter) (string, error) {
	return runtime.SaveFileDialog(w.ctx, runtime.SaveDialogOptions{Title: title, DefaultDirectory: dir,
		DefaultFilename: name, Filters: wailsFilters(filters), CanCreateDirectories: true})
}

func (w wailsDesktop) OpenFile(title string, filters []fileFilter) (string, error) {
	return runtime.OpenFileDialog(w.ctx, runtime.OpenDialogOptions{Title: title, Filters: wailsFilters(filters)})
}

func (w wailsDesktop) ChooseFolder(title, dir string) (string, error) {
	return runtime.OpenDirectoryDialog(w.ctx, runtime.OpenDialogOptions{Title: title, DefaultDirectory: dir,
		CanCreateDirectories: true})
}

func (w wailsDesktop) OpenPath(path string) error { return browser.OpenPath(path) }
