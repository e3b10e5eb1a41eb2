package main

// The view types the bound services return and take, and the conversions
// from the backend's types. They hold plain values only: times as RFC 3339
// strings, never a secret.

import (
	"strings"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
)

// Overview is everything the main screen shows.
type Overview struct {
	Groups          []ClientGroup  `json:"groups"`
	Providers       []ProviderView `json:"providers"`
	KeychainProblem string         `json:"keychain_problem"`
	Warnings        []string       `json:"warnings"`
	DataDir         string         `json:"data_dir"`
	Counts          StatusCounts   `json:"counts"`
}

// StatusCounts counts accounts by status, for the summary bar.
type StatusCounts struct {
	Total    int `json:"total"`
	Healthy  int `json:"healthy"`
	Expiring int `json:"expiring"`
	Expired  int `json:"expired"`
	Invalid  int `json:"invalid"`
	Unknown  int `json:"unknown"`
}

type ClientGroup struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Contact  string        `json:"contact"`
	Notes    string        `json:"notes"`
	Accounts []AccountView `json:"accounts"`
}

type ProviderView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// ChildAssets names what one login also reaches ("Pages"); "" when the
	// login is the account itself.
	ChildAssets string `json:"child_assets"`
}

// AccountView is one account row. Times are RFC 3339 strings or "".
type AccountView struct {
	ID              string `json:"id"`
	ClientID        string `json:"client_id"`
	ClientName      string `json:"client_name"`
	Provider        string `json:"provider"`
	ProviderName    string `json:"provider_name"`
	Label           string `json:"label"`
	Status          string `json:"status"`
	ExpiresAt       string `json:"expires_at"`
	ExpiresPhrase   string `json:"expires_phrase"`
	HasRefreshToken bool   `json:"has_refresh_token"`
	Reason          string `json:"reason"`
	CreatedAt       string `json:"created_at"`
	// Kind is "page" for a Facebook Page kept alive by ParentID's login.
	Kind     string `json:"kind"`
	ParentID string `json:"parent_id"`
	// Who the token belongs to, as the platform says.
	IdentityName   string   `json:"identity_name"`
	IdentityEmail  string   `json:"identity_email"`
	IdentityHandle string   `json:"identity_handle"`
	Scopes         []string `json:"scopes"`
	ConnectedAt    string   `json:"connected_at"`
	// Connected says the account was authorized through the browser and so
	// can be reconnected in one click.
	Connected bool `json:"connected"`
	// Renews: the tokens renew without the user. ReconnectBy is the date by
	// which the user must log in again, with ReconnectPhrase ("in 3 days").
	Renews          bool   `json:"renews"`
	ReconnectBy     string `json:"reconnect_by"`
	ReconnectPhrase string `json:"reconnect_phrase"`
	// The last check: when, when the next one is due, and what went wrong in
	// plain words (Problem and Action from the reason code).
	LastCheckedAt     string `json:"last_checked_at"`
	LastCheckedPhrase string `json:"last_checked_phrase"`
	NextCheckAt       string `json:"next_check_at"`
	Problem           string `json:"problem"`
	Action            string `json:"action"`
	LastError         string `json:"last_error"`
	// CheckProblem and UnverifiedSince: why and since when checks get no
	// verdict (accounts.Entry; "" when the last check got one).
	CheckProblem    string            `json:"check_problem"`
	UnverifiedSince string            `json:"unverified_since"`
	Usage           map[string]string `json:"usage"`
	// SnoozedUntil is when the account's notifications resume; "" when not snoozed.
	SnoozedUntil string `json:"snoozed_until"`
	// NeedsAttention: its status asks the user to act; Fixes says how, as
	// accounts.FixReconnect, FixReplaceToken or FixReconnectLogin.
	NeedsAttention bool     `json:"needs_attention"`
	Fixes          []string `json:"fixes"`
	// LostByLogin: a Page its login no longer reaches, so no longer kept
	// alive by it.
	LostByLogin bool `json:"lost_by_login"`
	// StatusChangesAt is when Status next moves on by time alone ("" when
	// never): the window fetches the account again then.
	StatusChangesAt string `json:"status_changes_at"`
}

// AccountsChanged is EventAccountsChanged's payload: the accounts whose
// rows changed (deleted ones included), or All when more than rows changed
// (clients added, renamed or removed; settings that move every status).
type AccountsChanged struct {
	IDs []string `json:"ids"`
	All bool     `json:"all"`
}

// EventView is one history entry.
type EventView struct {
	ID           int64  `json:"id"`
	Time         string `json:"time"`
	TimePhrase   string `json:"time_phrase"`
	ClientName   string `json:"client_name"`
	AccountID    string `json:"account_id"`
	AccountLabel string `json:"account_label"`
	Provider     string `json:"provider"`
	Kind         string `json:"kind"`
	Outcome      string `json:"outcome"`
	Reason       string `json:"reason"`
	Message      string `json:"message"`
}

// ImportForm is the import dialog's content. ExpiresAt is RFC 3339 or "".
type ImportForm struct {
	ClientID     string `json:"client_id"`
	Provider     string `json:"provider"`
	Label        string `json:"label"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresAt    string `json:"expires_at"`
	// Replace puts the token on the client's account with the same platform
	// and label, which the first try reported as Duplicate.
	Replace bool `json:"replace"`
}

// ImportResult is the imported account, or, when the import matched an
// account the client already has, that account as Duplicate (nothing was
// stored then): the window offers to replace its token instead.
type ImportResult struct {
	Account   *AccountView `json:"account"`
	Duplicate *AccountView `json:"duplicate"`
}

// TokenForm is a token pasted by hand onto an existing account. ExpiresAt
// is RFC 3339 or "".
type TokenForm struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresAt    string `json:"expires_at"`
}

func (c *StatusCounts) add(s backend.Status) {
	c.Total++
	switch s {
	case backend.StatusHealthy:
		c.Healthy++
	case backend.StatusExpiring:
		c.Expiring++
	case backend.StatusExpired:
		c.Expired++
	case backend.StatusInvalid:
		c.Invalid++
	default:
		c.Unknown++
	}
}

func accountView(e *accounts.Entry, now time.Time) AccountView {
	v := AccountView{
		ID: e.ID, ClientID: e.ClientID, ClientName: e.ClientName, Provider: e.Provider, ProviderName: e.ProviderName,
		Label: e.Label, Status: string(e.Status), HasRefreshToken: e.HasRefreshToken, Reason: e.Reason,
		CreatedAt: e.CreatedAt.Format(time.RFC3339),
	}
	if e.ExpiresAt != nil {
		v.ExpiresAt = e.ExpiresAt.Format(time.RFC3339)
		v.ExpiresPhrase = backend.Relative(*e.ExpiresAt, now)
	}
	v.Kind, v.ParentID, v.Scopes = e.Kind, e.ParentID, e.Scopes
	v.IdentityName, v.IdentityEmail, v.IdentityHandle = e.Identity.Name, e.Identity.Email, e.Identity.Handle
	if v.Scopes == nil {
		v.Scopes = []string{}
	}
	if e.ConnectedAt != nil {
		v.ConnectedAt = e.ConnectedAt.Format(time.RFC3339)
	}
	v.Connected = e.Connected()
	v.Renews, v.LastError, v.Usage = e.Renews, e.LastError, e.Usage
	if v.Usage == nil {
		v.Usage = map[string]string{}
	}
	if e.ReconnectBy != nil {
		v.ReconnectBy = e.ReconnectBy.Format(time.RFC3339)
		v.ReconnectPhrase = backend.Relative(*e.ReconnectBy, now)
	}
	if e.LastCheckedAt != nil {
		v.LastCheckedAt = e.LastCheckedAt.Format(time.RFC3339)
		v.LastCheckedPhrase = backend.Relative(*e.LastCheckedAt, now)
	}
	if e.NextCheckAt != nil {
		v.NextCheckAt = e.NextCheckAt.Format(time.RFC3339)
	}
	v.CheckProblem = e.CheckProblem
	if e.UnverifiedSince != nil {
		v.UnverifiedSince = e.UnverifiedSince.Format(time.RFC3339)
	}
	if e.StatusChangesAt != nil {
		v.StatusChangesAt = e.StatusChangesAt.Format(time.RFC3339)
	}
	if e.Invalid || e.Reason != "" {
		d := backend.Diagnose(e.Reason)
		v.Problem, v.Action = d.Problem, d.Action
	}
	v.NeedsAttention, v.Fixes, v.LostByLogin = e.NeedsAttention(), e.Fixes(), e.LostByLogin()
	return v
}

// ClientView is a client without its accounts.
type ClientView struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Notes   string `json:"notes"`
}

func clientView(c *backend.Client) *ClientView {
	return &ClientView{ID: c.ID, Name: c.Name, Contact: c.Contact, Notes: c.Notes}
}

// ProviderSetup is a provider with its setup guide and what is missing.
type ProviderSetup struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
	ChildAssets  string      `json:"child_assets"`
	Custom       bool        `json:"custom"`
	Configured   bool        `json:"configured"`
	MissingSetup string      `json:"missing_setup"`
	ClientID     string      `json:"client_id"`
	HasSecret    bool        `json:"has_secret"`
	NeedsSecret  bool        `json:"needs_secret"`
	RedirectURI  string      `json:"redirect_uri"`
	Setup        string      `json:"setup"`
	ConsoleURL   string      `json:"console_url"`
	Scopes       []ScopeView `json:"scopes"`
}

type ScopeView struct {
	Name    string `json:"name"`
	Purpose string `json:"purpose"`
}

// CustomProviderForm adds an OAuth 2.0 / OpenID Connect provider by issuer.
type CustomProviderForm struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Issuer       string `json:"issuer"`
	Scopes       string `json:"scopes"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// ConnectForm starts a new account through the browser.
type ConnectForm struct {
	ClientID string   `json:"client_id"`
	Provider string   `json:"provider"`
	Label    string   `json:"label"`
	Scopes   []string `json:"scopes"`
}

// ConnectResultView is what a connect or reconnect produced: the Pages the
// new grant keeps alive (Children) and those it lost.
type ConnectResultView struct {
	Account  AccountView      `json:"account"`
	Children []AccountView    `json:"children"`
	Lost     []AccountView    `json:"lost"`
	Changes  accounts.Changes `json:"changes"`
	// Also: other accounts the same login fixed (a bulk fix); NotFixed:
	// those it could not, one sentence each.
	Also     []AccountView `json:"also"`
	NotFixed []string      `json:"not_fixed"`
}

func connectView(res *accounts.ConnectResult, now time.Time) *ConnectResultView {
	v := &ConnectResultView{Account: accountView(res.Account, now), Children: []AccountView{}, Lost: []AccountView{}, Changes: res.Changes,
		Also: []AccountView{}, NotFixed: append([]string{}, res.NotFixed...)}
	for _, c := range res.Children {
		v.Children = append(v.Children, accountView(c, now))
	}
	for _, c := range res.Lost {
		v.Lost = append(v.Lost, accountView(c, now))
	}
	for _, a := range res.Also {
		v.Also = append(v.Also, accountView(a, now))
	}
	return v
}

// HistoryFilter is the activity view's filter. Dates are YYYY-MM-DD (Until
// includes its whole day) or RFC 3339; empty fields match everything.
type HistoryFilter struct {
	ClientID  string `json:"client_id"`
	AccountID string `json:"account_id"`
	Provider  string `json:"provider"`
	Kind      string `json:"kind"`
	Outcome   string `json:"outcome"`
	Since     string `json:"since"`
	Until     string `json:"until"`
	Query     string `json:"query"`
	BeforeID  int64  `json:"before_id"`
	Limit     int    `json:"limit"`
}

// HistoryPage is one page of events, newest first; NextBeforeID fetches the
// next (older) page, 0 when there is none.
type HistoryPage struct {
	Events       []EventView `json:"events"`
	NextBeforeID int64       `json:"next_before_id"`
}

func (f HistoryFilter) filter() (backend.EventFilter, error) {
	out := backend.EventFilter{ClientID: f.ClientID, AccountID: f.AccountID, Provider: f.Provider, Kind: f.Kind,
		Outcome: f.Outcome, Query: strings.TrimSpace(f.Query), BeforeID: f.BeforeID, Limit: f.Limit}
	var err error
	if out.Since, err = parseDay(f.Since, false); err != nil {
		return out, err
	}
	if out.Until, err = parseDay(f.Until, true); err != nil {
		return out, err
	}
	if out.Since != nil && out.Until != nil && !out.Since.Before(*out.Until) {
		return out, backend.Errorf(backend.EINVALID, "The start date is after the end date.")
	}
	return out, nil
}

// parseDay reads YYYY-MM-DD (local day; as an end it includes the whole day)
// or RFC 3339.
func parseDay(s string, end bool) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, time.Local)
	if err != nil {
		return nil, backend.Errorf(backend.EINVALID, "%q is not a date.", s).WithHint("Use YYYY-MM-DD.")
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return &t, nil
}

func eventView(e *backend.Event, now time.Time) EventView {
	return EventView{
		ID: e.ID, Time: e.Time.Format(time.RFC3339), TimePhrase: backend.Relative(e.Time, now),
		ClientName: e.ClientName, AccountID: e.AccountID, AccountLabel: e.AccountLabel, Provider: e.Provider,
		Kind: e.Kind, Outcome: e.Outcome, Reason: e.Reason, Message: e.Message,
	}
}

func providerSetup(p *accounts.ProviderStatus) ProviderSetup {
	ps := ProviderSetup{ID: p.ID, Name: p.Name, ChildAssets: p.ChildAssets, Custom: p.Custom, Configured: p.Configured, MissingSetup: p.MissingSetup,
		ClientID: p.ClientID, HasSecret: p.HasSecret, NeedsSecret: p.NeedsSecret, RedirectURI: p.RedirectURI,
		Setup: p.Setup, ConsoleURL: p.ConsoleURL, Scopes: []ScopeView{}}
	for _, sc := range p.Scopes {
		ps.Scopes = append(ps.Scopes, ScopeView{Name: sc.Name, Purpose: sc.Purpose})
	}
	return ps
}

// ExportRequest says what to export: "csv" or "json" (the activity log with
// Filter), "ics" (deadlines within Days) or "report" (ClientID's health
// report over the last Days, as printable HTML).
type ExportRequest struct {
	Format   string        `json:"format"`
	Filter   HistoryFilter `json:"filter"`
	ClientID string        `json:"client_id"`
	Days     int           `json:"days"`
}
