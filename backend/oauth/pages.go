package oauth

import (
	"bytes"
	"html/template"
	"net/http"
)

// page is what the browser is shown at the end of the browser step. Every
// field is plain text; the template escapes it.
type page struct {
	Status  int
	Kind    string // "ok", "fail" or "info"
	Title   string
	Message string
	Hint    string
}

var successPage = page{
	Status:  http.StatusOK,
	Kind:    "ok",
	Title:   "You're connected.",
	Message: "You can close this tab and return to Tokenwarden.",
}

var alreadyHandledPage = page{
	Status:  http.StatusConflict,
	Kind:    "info",
	Title:   "This sign-in was already handled.",
	Message: "Tokenwarden has already received the answer for this connection attempt. You can close this tab and return to Tokenwarden.",
}

var stateMismatchPage = page{
	Status:  http.StatusBadRequest,
	Kind:    "fail",
	Title:   "This sign-in answer does not belong to the current connection attempt.",
	Message: "Tokenwarden ignored it and is still waiting. Finish the sign-in in the newest browser tab Tokenwarden opened, or run Connect again.",
}

var endedPage = page{
	Status:  http.StatusGone,
	Kind:    "info",
	Title:   "This connection attempt has ended.",
	Message: "Tokenwarden stopped waiting for this sign-in. Close this tab and run Connect again in Tokenwarden.",
}

// failurePage shows err (already free of secrets) in plain words.
func failurePage(err error) page {
	p := page{
		Status:  http.StatusBadRequest,
		Kind:    "fail",
		Title:   "Tokenwarden could not connect this account.",
		Message: "Something went wrong. Return to Tokenwarden for details.",
	}
	if fe, ok := err.(*FlowError); ok {
		p.Message = fe.Err.Message
		p.Hint = fe.Err.Hint
		if fe.Reason == ReasonAccessDenied {
			p.Title = "The connection was not approved."
		}
	}
	return p
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Tokenwarden – {{.Title}}</title>
<style>
  :root { color-scheme: light dark; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         background: #f4f5f7; color: #1d2330; }
  main { max-width: 32rem; margin: 1.5rem; padding: 2rem 2.25rem; border-radius: 14px;
         background: #fff; box-shadow: 0 6px 24px rgba(20, 30, 50, .12); }
  .mark { width: 3rem; height: 3rem; border-radius: 50%; display: flex; align-items: center;
          justify-content: center; font-size: 1.6rem; font-weight: 700; color: #fff; margin-bottom: 1rem; }
  .ok .mark { background: #1f9d55; }
  .fail .mark { background: #c53030; }
  .info .mark { background: #3b6fd4; }
  h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
  p { margin: .5rem 0 0; }
  .hint { color: #4a5568; }
  .brand { margin-top: 1.5rem; font-size: .8rem; color: #8a94a6; letter-spacing: .02em; }
  @media (prefers-color-scheme: dark) {
    body { background: #14171f; color: #e6e9ef; }
    main { background: #1e2330; box-shadow: none; }
    .hint { color: #aab3c2; }
  }
</style>
</head>
<body>
<main class="{{.Kind}}">
  <div class="mark" aria-hidden="true">{{if eq .Kind "ok"}}&#10003;{{else if eq .Kind "fail"}}!{{else}}i{{end}}</div>
  <h1>{{.Title}}</h1>
  <p>{{.Message}}</p>
  {{if .Hint}}<p class="hint">{{.Hint}}</p>{{end}}
  <p class="brand">Tokenwarden</p>
</main>
</body>
</html>
`))

// render writes p as a complete page.
func (p page) render(w http.ResponseWriter) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		http.Error(w, p.Title, p.Status)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(p.Status)
	_, _ = w.Write(buf.Bytes())
}
