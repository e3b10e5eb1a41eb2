package history

import (
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
)

// Report is a client's health over a period, ready to print.
type Report struct {
	Health *ClientHealth
	// ProviderName turns a provider id into its display name.
	ProviderName func(string) string
	// Branding is the sender's name, logo, colour and the client view
	// switch; nil means the defaults.
	Branding *Branding
	// Checks counts each account's checks with a verdict in the period; it
	// is internal detail, filled only when the client view is off.
	Checks map[string]int
}

// ClientReport computes the figures of a client's report over p, styled by
// b (nil: the default settings).
func (s *Service) ClientReport(ctx context.Context, clientID string, p Period, b *Branding) (*Report, error) {
	h, err := s.ClientHealth(ctx, clientID, p)
	if err != nil {
		return nil, err
	}
	r := &Report{Health: h, ProviderName: s.ProviderName, Branding: b}
	if !r.settings().ClientView {
		if r.Checks, err = s.checkCounts(ctx, clientID, h.Period); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// ExportReport writes a client's health report over p as HTML with the
// default settings.
func (s *Service) ExportReport(ctx context.Context, w io.Writer, clientID string, p Period) error {
	r, err := s.ClientReport(ctx, clientID, p, nil)
	if err != nil {
		return err
	}
	return r.WriteHTML(w)
}

func (r *Report) settings() backend.ReportSettings {
	if r.Branding == nil {
		return backend.DefaultReportSettings()
	}
	return r.Branding.Settings
}

// WriteHTML writes the report as one self-contained HTML page: inline CSS
// with print rules, no script, no external asset, so it can be mailed or
// printed to PDF as it is. html/template escapes every name and message.
func (r *Report) WriteHTML(w io.Writer) error {
	return reportTemplate.Execute(w, r.view())
}

type reportView struct {
	Client, From, To, Generated string
	Days                        int
	// Sender, Accent and Logo come from the report settings; Internal is
	// set when the client view is off and ids, reason codes and check
	// counts show.
	Sender, Accent             string
	Logo                       *Logo
	LogoURI                    template.URL
	Internal                   bool
	Uptime, Uptime30, Uptime90 string
	AllWorking                 string
	MTTR                       string
	Resolved                   int
	Accounts                   []reportAccount
	Incidents                  []reportIncident
	Actions                    []reportAction
	Attention                  []string
}

type reportAccount struct {
	Label, Provider, State, StateClass, Uptime, Since, Note string
	// Monitored says "Monitored since 1 Dec" when monitoring began inside
	// the period: the uptime counts from then.
	Monitored string
	Bars      []reportBar
	// Internal detail: the account id, the raw reason code, the checks.
	ID, ReasonCode, Checks string
}

type reportBar struct {
	Class string  // a State, or "unmonitored"
	Left  float64 // percent of the period
	Width float64
	Title string
}

type reportIncident struct {
	Account, Provider, Start, End, Duration, Explanation, EndedBy string
	Ongoing                                                       bool
	ReasonCodes                                                   string // internal detail
}

type reportAction struct{ Time, Account, What, Message string }

const reportTimeFormat = "2 Jan 2006 15:04 UTC"

func (r *Report) view() reportView {
	h := r.Health
	st := r.settings()
	name := r.ProviderName
	if name == nil {
		name = func(s string) string { return s }
	}
	span := h.Period.To.Sub(h.Period.From)
	v := reportView{
		Client: h.ClientName, From: h.Period.From.UTC().Format("2 Jan 2006"), To: h.Period.To.UTC().Format("2 Jan 2006"),
		Generated: h.GeneratedAt.UTC().Format(reportTimeFormat), Days: int(math.Round(span.Hours() / 24)),
		Uptime: pctText(h.UptimePct), Uptime30: pctText(h.Uptime30Pct), Uptime90: pctText(h.Uptime90Pct),
		AllWorking: pctText(h.AllWorkingPct), MTTR: "none", Resolved: h.ResolvedIncidents,
		Sender: st.SenderName, Accent: st.Accent, Internal: !st.ClientView,
	}
	if r.Branding != nil && r.Branding.Logo != nil {
		v.Logo = r.Branding.Logo
		// An SVG shown through <img> runs no script and loads nothing.
		v.LogoURI = template.URL("data:image/" + map[string]string{"png": "png", "svg": "svg+xml"}[v.Logo.Type] +
			";base64," + base64.StdEncoding.EncodeToString(v.Logo.Data))
	}
	explain := func(reason string) string { return explainFor(reason, st.ClientView) }
	if h.MeanTimeToReconnect != nil {
		v.MTTR = Words(h.MeanTimeToReconnect.Std())
	}
	labels := map[string]string{}
	for _, a := range h.Accounts {
		labels[a.AccountID] = a.Label
		ra := reportAccount{Label: a.Label, Provider: name(a.Provider), Uptime: pctText(a.UptimePct)}
		switch {
		case a.Deleted != nil:
			ra.State, ra.StateClass = "removed", "removed"
			ra.Note = "Removed " + a.Deleted.UTC().Format("2 Jan 2006") + "; counted until then."
		case a.State == StateBroken:
			ra.State, ra.StateClass = "broken", "broken"
			ra.Note = explain(a.Reason)
		case a.State == StateExpiring:
			ra.State, ra.StateClass = "reconnect soon", "expiring"
			if a.Deadline != nil {
				ra.Note = "Reconnect by " + a.Deadline.UTC().Format("2 Jan 2006") + "."
			}
		case a.NeedsAttention:
			ra.State, ra.StateClass = "needs attention", "expiring"
			if a.Deadline != nil {
				ra.Note = "Reconnect by " + a.Deadline.UTC().Format("2 Jan 2006") + "."
			}
		default:
			ra.State, ra.StateClass = "working", "healthy"
		}
		if a.Created != nil && a.Created.After(h.Period.From) {
			ra.Since = "Added " + a.Created.UTC().Format("2 Jan 2006") + "."
		}
		if a.UptimePct == nil {
			ra.Uptime = "not monitored"
		}
		ra.Bars = accountBars(a, h.Period)
		if a.MonitoredSince != nil {
			ra.Monitored = "Monitored since " + a.MonitoredSince.UTC().Format("2 Jan") + "."
		}
		if v.Internal {
			ra.ID, ra.ReasonCode = a.AccountID, a.Reason
			ra.Checks = fmt.Sprintf("%d checks", r.Checks[a.AccountID])
		}
		v.Accounts = append(v.Accounts, ra)
	}
	for _, in := range h.Incidents {
		ri := reportIncident{Account: in.AccountLabel, Provider: name(in.Provider), Start: in.Start.UTC().Format(reportTimeFormat),
			Duration: Words(in.Duration.Std()), Explanation: explain(in.Reason), Ongoing: in.Ongoing}
		if len(in.Reasons) > 1 {
			var more []string
			for _, r := range in.Reasons[1:] {
				more = append(more, strings.TrimSuffix(explain(r), "."))
			}
			ri.Explanation += " Later also: " + strings.Join(more, "; ") + "."
		}
		if v.Internal {
			ri.ReasonCodes = strings.Join(in.Reasons, ", ")
		}
		if in.End != nil {
			ri.End = in.End.UTC().Format(reportTimeFormat)
		}
		switch in.EndedBy {
		case backend.EventAccountReconnected, backend.EventAccountConnected, backend.EventAccountImported:
			ri.EndedBy = "Reconnected"
		case backend.EventAccountRefreshed:
			ri.EndedBy = "Renewed automatically"
		case backend.EventAccountChecked:
			ri.EndedBy = "Working again (platform side fixed)"
		case backend.EventAccountDeleted:
			ri.EndedBy = "Account removed"
		}
		v.Incidents = append(v.Incidents, ri)
	}
	for _, a := range h.Actions {
		what := KindWords(a.Kind)
		if what != "" {
			what = strings.ToUpper(what[:1]) + what[1:]
		}
		v.Actions = append(v.Actions, reportAction{Time: a.Time.UTC().Format(reportTimeFormat), Account: a.AccountLabel, What: what, Message: a.Message})
	}
	for _, id := range h.NeedsAttention {
		if l, ok := labels[id]; ok {
			v.Attention = append(v.Attention, l)
		} else if v.Internal {
			v.Attention = append(v.Attention, id)
		} else {
			v.Attention = append(v.Attention, "an account not in this period")
		}
	}
	return v
}

func pctText(p *float64) string {
	if p == nil {
		return "–"
	}
	v := *p
	switch {
	case v >= 99.995:
		return "100%"
	case v >= 99:
		return fmt.Sprintf("%.2f%%", math.Floor(v*100)/100) // never round 99.996 up to 100
	}
	return fmt.Sprintf("%.1f%%", math.Floor(v*10)/10)
}

// Words says a duration in plain words: "3 days 4 hours", "45 minutes".
func Words(d time.Duration) string {
	if d < time.Minute {
		return "less than a minute"
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	var parts []string
	unit := func(n int, s string) {
		if n == 1 {
			parts = append(parts, "1 "+s)
		} else if n > 1 {
			parts = append(parts, fmt.Sprintf("%d %ss", n, s))
		}
	}
	unit(days, "day")
	unit(hours, "hour")
	if days == 0 {
		unit(mins, "minute")
	}
	return strings.Join(parts, " ")
}

var reportTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connection report: {{.Client}}, {{.From}} to {{.To}}</title>
<style>
  :root { --ok: #2f9e44; --warn: #e8a317; --bad: #d6336c; --ink: #1f2933; --muted: #616e7c; --line: #d9dee3; --accent: {{.Accent}}; }
  * { box-sizing: border-box; }
  body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 2rem auto; max-width: 60rem; padding: 0 1.5rem; }
  h1 { font-size: 1.6rem; margin: 0 0 .2rem; color: var(--accent); }
  header { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem; border-bottom: 3px solid var(--accent); padding-bottom: .8rem; }
  header img { max-height: 3.5rem; max-width: 12rem; }
  .sender { font-weight: 600; }
  h2 { font-size: 1.1rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
  .muted { color: var(--muted); }
  .cards { display: flex; gap: 1rem; flex-wrap: wrap; margin-top: 1.2rem; }
  .card { border: 1px solid var(--line); border-radius: 8px; padding: .7rem 1rem; min-width: 10rem; }
  .card b { display: block; font-size: 1.5rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
  .bar { position: relative; height: .9rem; background: #eef1f4; border-radius: 3px; overflow: hidden; min-width: 12rem; }
  .bar span { position: absolute; top: 0; bottom: 0; }
  .bar .unmonitored { background: repeating-linear-gradient(135deg, #d9dee3 0 3px, #eef1f4 3px 6px); }
  .bar .healthy { background: var(--ok); } .bar .expiring { background: var(--warn); } .bar .broken { background: var(--bad); }
  .state { font-weight: 600; } .state.healthy { color: var(--ok); } .state.expiring { color: var(--warn); } .state.broken { color: var(--bad); } .state.removed { color: var(--muted); }
  .legend span { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin: 0 .3rem 0 1rem; vertical-align: -1px; }
  .ongoing { color: var(--bad); font-weight: 600; }
  footer { margin-top: 2.5rem; font-size: .85rem; color: var(--muted); }
  @media print {
    body { margin: 0; max-width: none; font-size: 11pt; }
    .card, tr, .bar { break-inside: avoid; }
    h2 { break-after: avoid; }
    .bar span, .legend span { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    a { color: inherit; text-decoration: none; }
  }
</style>
</head>
<body>
<header>
  <div>
  <h1>Connection report: {{.Client}}</h1>
  <div class="muted">{{.From}} to {{.To}} ({{.Days}} days)</div>
  {{if .Sender}}<div class="sender">Prepared by {{.Sender}}</div>{{end}}
  </div>
  {{if .LogoURI}}<img src="{{.LogoURI}}" alt="{{.Sender}}">{{end}}
</header>

<section class="cards">
  <div class="card"><b>{{.Uptime}}</b>uptime in this period</div>
  <div class="card"><b>{{len .Incidents}}</b>incident{{if ne (len .Incidents) 1}}s{{end}}</div>
  <div class="card"><b>{{.MTTR}}</b>mean time to reconnect{{if .Resolved}} ({{.Resolved}} resolved){{end}}</div>
  <div class="card"><b>{{.Uptime30}} / {{.Uptime90}}</b>uptime, last 30 / 90 days</div>
</section>
{{if .Attention}}<p><b>Needs attention now:</b> {{range $i, $a := .Attention}}{{if $i}}, {{end}}{{$a}}{{end}}.</p>{{end}}

<h2>Accounts</h2>
{{if .Accounts}}
<table>
  <thead><tr><th>Account</th><th>Platform</th><th>Now</th><th>Uptime</th><th style="width:35%">Over the period</th></tr></thead>
  <tbody>
  {{range .Accounts}}
  <tr>
    <td>{{.Label}}{{if .Since}}<div class="muted">{{.Since}}</div>{{end}}{{if $.Internal}}<div class="muted">{{.ID}}</div>{{end}}</td>
    <td>{{.Provider}}</td>
    <td><span class="state {{.StateClass}}">{{.State}}</span>{{if .Note}}<div class="muted">{{.Note}}</div>{{end}}{{if and $.Internal .ReasonCode}}<div class="muted">code: {{.ReasonCode}}</div>{{end}}</td>
    <td>{{.Uptime}}{{if $.Internal}}<div class="muted">{{.Checks}}</div>{{end}}</td>
    <td><div class="bar">{{range .Bars}}<span class="{{.Class}}" style="left: {{printf "%.3f" .Left}}%; width: {{printf "%.3f" .Width}}%" title="{{.Title}}"></span>{{end}}</div>{{if .Monitored}}<div class="muted">{{.Monitored}}</div>{{end}}</td>
  </tr>
  {{end}}
  </tbody>
</table>
<p class="muted legend">Uptime is the time an account worked over the time it was monitored in the period.<span style="background: var(--ok)"></span>working<span style="background: var(--warn)"></span>working, reconnect due soon<span style="background: var(--bad)"></span>not working<span style="background: repeating-linear-gradient(135deg, #d9dee3 0 3px, #eef1f4 3px 6px)"></span>not yet monitored</p>
{{else}}<p class="muted">No accounts in this period.</p>{{end}}

<h2>Incidents</h2>
{{if .Incidents}}
<table>
  <thead><tr><th>Account</th><th>From</th><th>To</th><th>Down for</th><th>Why</th><th>Resolved by</th></tr></thead>
  <tbody>
  {{range .Incidents}}
  <tr>
    <td>{{.Account}}<div class="muted">{{.Provider}}</div></td>
    <td>{{.Start}}</td>
    <td>{{if .Ongoing}}<span class="ongoing">still broken</span>{{else}}{{.End}}{{end}}</td>
    <td>{{.Duration}}{{if .Ongoing}} so far{{end}}</td>
    <td>{{.Explanation}}{{if .ReasonCodes}}<div class="muted">code: {{.ReasonCodes}}</div>{{end}}</td>
    <td>{{.EndedBy}}</td>
  </tr>
  {{end}}
  </tbody>
</table>
{{else}}<p>No incidents: every account worked throughout the period.</p>{{end}}

<h2>What was done</h2>
{{if .Actions}}
<table>
  <thead><tr><th>When</th><th>Account</th><th>Action</th><th>Details</th></tr></thead>
  <tbody>
  {{range .Actions}}<tr><td>{{.Time}}</td><td>{{.Account}}</td><td>{{.What}}</td><td>{{.Message}}</td></tr>{{end}}
  </tbody>
</table>
{{else}}<p class="muted">No connections or reconnections were needed in this period.</p>{{end}}

<footer>{{if .Sender}}Prepared by {{.Sender}}. {{end}}Generated by Tokenwarden on {{.Generated}}. Times are in UTC.</footer>
</body>
</html>
`))
