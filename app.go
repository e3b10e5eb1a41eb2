package main

import (
	"context"
	"errors"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tokenwarden/tokenwarden/backend"
	"github.com/tokenwarden/tokenwarden/backend/accounts"
	"github.com/tokenwarden/tokenwarden/backend/autostart"
	"github.com/tokenwarden/tokenwarden/backend/deeplink"
	"github.com/tokenwarden/tokenwarden/backend/history"
	"github.com/tokenwarden/tokenwarden/backend/lock"
	"github.com/tokenwarden/tokenwarden/backend/monitor"
	"github.com/tokenwarden/tokenwarden/backend/notify"
)

// App is the facade the window calls. Each method turns the frontend's
// plain values into a service call and the result into a view type; the
// rules live in the backend. Nothing it returns holds a secret.
type App struct {
	svc     *accounts.Service
	openErr error // why the data folder could not be opened, shown in the window
	dataDir string

	desktop desktop
	// warnings are problems found at start, such as a broken providers.yaml.
	warnings []string

	mu              sync.Mutex
	keychainProblem string
	// cancelConnect ends the login attempt in progress; identityAnswer takes
	// the user's answer when a reconnect finds a different user.
	cancelConnect  context.CancelFunc
	identityAnswer chan bool
	// pendingLink is a deep link the app was started with, acted on once the
	// window is ready.
	pendingLink string
	// notifier raises notifications; store is what it keeps its state in.
	notifier *notify.Notifier
	store    notify.Store
	// monitor checks and renews tokens in the background; history reads the
	// log for the activity, health and deadline views and exports.
	monitor     *monitor.Monitor
	history     *history.Service
	cancelCheck context.CancelFunc
	notifyTimer *time.Timer
}

// NewApp returns the facade over svc; openErr is set when the backend could
// not be opened, so the window can say why instead of staying blank.
func NewApp(svc *accounts.Service, dataDir string, openErr error) *App {
	return &App{svc: svc, dataDir: dataDir, openErr: openErr}
}

// startup runs when the window opens; it checks the keychain once so the
// window can warn before the user tries to import anything.
func (a *App) startup(ctx context.Context) {
	a.desktop = wailsDesktop{ctx: ctx}
	a.setupNotifications()
	if a.svc != nil {
		a.recordKeychain(a.svc.Secrets.Ping(ctx))
	}
}

// recordKeychain remembers whether the keychain works, from a probe or from
// the outcome of a real call.
func (a *App) recordKeychain(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch backend.ErrorCode(err) {
	case "":
		a.keychainProblem = ""
	case backend.EUNAVAILABLE:
		a.keychainProblem = backend.ErrorMessage(err)
	}
}

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
	Accounts []AccountView `json:"accounts"`
}

type ProviderView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
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
	LastCheckedAt     string            `json:"last_checked_at"`
	LastCheckedPhrase string            `json:"last_checked_phrase"`
	NextCheckAt       string            `json:"next_check_at"`
	Problem           string            `json:"problem"`
	Action            string            `json:"action"`
	LastError         string            `json:"last_error"`
	Usage             map[string]string `json:"usage"`
	// SnoozedUntil is when the account's notifications resume; "" when not snoozed.
	SnoozedUntil string `json:"snoozed_until"`
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
}

// service returns the backend, or the reason it could not be opened.
func (a *App) service() (*accounts.Service, error) {
	if a.openErr != nil {
		return nil, a.openErr
	}
	return a.svc, nil
}

// userError turns any error into one whose text is fit for the window, and
// notes keychain trouble for the banner.
func (a *App) userError(err error) error {
	if err == nil {
		return nil
	}
	a.recordKeychain(err)
	return errors.New(backend.ErrorMessage(err))
}

// Overview returns the clients, their accounts most urgent first, and any
// problem the window should show in a banner.
func (a *App) Overview() (*Overview, error) {
	svc, err := a.service()
	if err != nil {
		return nil, a.userError(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	groups, err := svc.Groups(ctx)
	if err != nil {
		return nil, a.userError(err)
	}
	now := svc.Now()
	snoozes := a.snoozes(ctx)
	ov := &Overview{Groups: []ClientGroup{}, Providers: []ProviderView{}, DataDir: a.dataDir, Warnings: append([]string{}, a.warnings...)}
	for _, g := range groups {
		cg := ClientGroup{ID: g.Client.ID, Name: g.Client.Name, Accounts: []AccountView{}}
		for _, e := range g.Accounts {
			v := accountView(e, now)
			if until, ok := snoozes[e.ID]; ok {
				v.SnoozedUntil = until.Format(time.RFC3339)
			}
			cg.Accounts = append(cg.Accounts, v)
			ov.Counts.add(e.Status)
		}
		ov.Groups = append(ov.Groups, cg)
	}
	for _, p := range svc.Providers.Providers() {
		ov.Providers = append(ov.Providers, ProviderView{ID: p.ID, Name: p.Name})
	}
	a.mu.Lock()
	ov.KeychainProblem = a.keychainProblem
	a.mu.Unlock()
	return ov, nil
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
	v.Connected = e.ConnectedAt != nil || e.Identity.ExternalID != ""
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
	if e.Invalid || e.Reason != "" {
		d := backend.Diagnose(e.Reason)
		v.Problem, v.Action = d.Problem, d.Action
	}
	return v
}

// ClientView is a client without its accounts.
type ClientView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// snoozes returns the accounts whose notifications are snoozed, and until when.
func (a *App) snoozes(ctx context.Context) map[string]time.Time {
	if a.notifier == nil {
		return nil
	}
	m, err := a.notifier.Snoozes(ctx)
	if err != nil {
		log.Printf("snoozes: %v", err)
	}
	return m
}

// AddClient creates a client.
func (a *App) AddClient(name string) (*ClientView, error) {
	svc, err := a.service()
	if err != nil {
		return nil, a.userError(err)
	}
	c, err := svc.AddClient(context.Background(), name)
	if err != nil {
		return nil, a.userError(err)
	}
	return &ClientView{ID: c.ID, Name: c.Name}, nil
}

// RenameClient gives a client a new name.
func (a *App) RenameClient(id, name string) (*ClientView, error) {
	svc, err := a.service()
	if err != nil {
		return nil, a.userError(err)
	}
	c, err := svc.RenameClient(context.Background(), id, name)
	if err != nil {
		return nil, a.userError(err)
	}
	return &ClientView{ID: c.ID, Name: c.Name}, nil
}

// DeleteClient deletes a client that has no accounts.
func (a *App) DeleteClient(id string) error {
	svc, err := a.service()
	if err != nil {
		return a.userError(err)
	}
	return a.userError(svc.DeleteClient(context.Background(), id))
}

// ImportAccount stores a pasted token as a new account.
func (a *App) ImportAccount(form ImportForm) (*AccountView, error) {
	svc, err := a.service()
	if err != nil {
		return nil, a.userError(err)
	}
	var expiry *time.Time
	if s := strings.TrimSpace(form.ExpiresAt); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, a.userError(backend.Errorf(backend.EINVALID, "The expiry %q is not a valid date and time.", s))
		}
		expiry = &t
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	acc, err := svc.ImportAccount(ctx, accounts.ImportRequest{
		ClientID: form.ClientID, Provider: form.Provider, Label: form.Label,
		Token: backend.Token{AccessToken: form.AccessToken, RefreshToken: form.RefreshToken, ExpiresAt: expiry},
	})
	if err != nil {
		return nil, a.userError(err)
	}
	a.recordKeychain(nil) // the keychain just worked
	a.changed()
	return a.entry(ctx, svc, acc.ID)
}

// RenameAccount changes an account's label.
func (a *App) RenameAccount(id, label string) (*AccountView, error) {
	svc, err := a.service()
	if err != nil {
		return nil, a.userError(err)
	}
	ctx := context.Background()
	if _, err := svc.RenameAccount(ctx, id, label); err != nil {
		return nil, a.userError(err)
	}
	return a.entry(ctx, svc, id)
}

func (a *App) entry(ctx context.Context, svc *accounts.Service, id string) (*AccountView, error) {
	e, err := svc.Entry(ctx, id)
	if err != nil {
		return nil, a.userError(err)
	}
	v := accountView(e, svc.Now())
	return &v, nil
}

// ProviderSetup is a provider with its setup guide and what is missing.
type ProviderSetup struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
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

// ProviderSetups lists every provider with its setup state and guide.
func (a *App) ProviderSetups() ([]ProviderSetup, error) {
	svc, err := a.service()
	if err != nil {
		return nil, a.userError(err)
	}
	list, err := svc.ProviderStatuses(context.Background())
	if err != nil {
		return nil, a.userError(err)
	}
	out := make([]ProviderSetup, 0, len(list))
	for _, p := range list {
		ps := ProviderSetup{ID: p.ID, Name: p.Name, Custom: p.Custom, Configured: p.Configured, MissingSetup: p.MissingSetup,
			ClientID: p.ClientID, HasSecret: p.HasSecret, NeedsSecret: p.NeedsSecret, RedirectURI: p.RedirectURI,
			Setup: p.Setup, ConsoleURL: p.ConsoleURL, Scopes: []ScopeView{}}
		for _, s := range p.Scopes {
			ps.Scopes = append(ps.Scopes, ScopeView{Name: s.Name, Purpose: s.Purpose})
		}
		out = append(out, ps)
	}
	return out, nil
}

// SetProviderCredentials stores the client id of the user's developer app and,
// when given, its secret (in the keychain). An empty secret keeps the stored one.
func (a *App) SetProviderCredentials(providerID, clientID, clientSecret string) error {
	svc, err := a.service()
	if err != nil {
		return a.userError(err)
	}
	return a.userError(svc.SetCredentials(context.Background(), providerID, clientID, clientSecret))
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

// AddCustomProvider checks the issuer's discovery document and adds the provider.
func (a *App) AddCustomProvider(form CustomProviderForm) error {
	svc, err := a.service()
	if err != nil {
		return a.userError(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = svc.AddCustomProvider(ctx, accounts.CustomProviderRequest{ID: form.ID, Name: form.Name, Issuer: form.Issuer,
		Scopes: strings.Fields(form.Scopes), ClientID: form.ClientID, ClientSecret: form.ClientSecret})
	return a.userError(err)
}

// ConnectForm starts a new account through the browser.
type ConnectForm struct {
	ClientID string   `json:"client_id"`
	Provider string   `json:"provider"`
	Label    string   `json:"label"`
	Scopes   []string `json:"scopes"`
}

// ConnectResultView is what a connect or reconnect produced.
type ConnectResultView struct {
	Account  AccountView      `json:"account"`
	Children []AccountView    `json:"children"`
	Changes  accounts.Changes `json:"changes"`
}

// Events the facade sends while a login is under way.
const (
	// EventConnectWaiting carries the authorization URL once the browser was
	// asked to open it, so the window can offer to open it again.
	EventConnectWaiting = "connect:waiting"
	// EventIdentityChanged asks the user whether a different login may
	// replace the account's; answered with AnswerIdentityChange.
	EventIdentityChanged = "connect:identity-changed"
)

// beginAttempt makes the login attempt cancellable from the window; only one
// runs at a time since it owns the browser.
func (a *App) beginAttempt() (context.Context, func(), error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cancelConnect != nil {
		return nil, nil, backend.Errorf(backend.ECONFLICT, "A login is already waiting in the browser.").WithHint("Finish or cancel it first.")
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancelConnect = cancel
	return ctx, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		cancel()
		a.cancelConnect = nil
	}, nil
}

func (a *App) openForLogin(u string) error {
	if a.desktop == nil {
		return backend.Errorf(backend.EUNAVAILABLE, "The window is not ready to open a browser.")
	}
	err := a.desktop.OpenURL(u)
	a.desktop.Emit(EventConnectWaiting, u)
	return err
}

// Connect logs in through the system browser and creates the account. It
// waits for the login (up to 5 minutes); CancelConnect ends it early.
func (a *App) Connect(form ConnectForm) (*ConnectResultView, error) {
	svc, err := a.service()
	if err != nil {
		return nil, a.userError(err)
	}
	ctx, done, err := a.beginAttempt()
	if err != nil {
		return nil, a.userError(err)
	}
	defer done()
	res, err := svc.Connect(ctx, accounts.ConnectRequest{ClientID: form.ClientID, Provider: form.Provider, Label: form.Label,
		Scopes: form.Scopes, Open: a.openForLogin})
	if err != nil {
		return nil, a.userError(err)
	}
	a.changed()
	return connectView(res, svc.Now()), nil
}

// Reconnect logs in again for an existing account, keeping its record and
// history. When a different user logs in, the window is asked first.
func (a *App) Reconnect(accountID string) (*ConnectResultView, error) {
	svc, err := a.service()
	if err != nil {
		return nil, a.userError(err)
	}
	ctx, done, err := a.beginAttempt()
	if err != nil {
		return nil, a.userError(err)
	}
	defer done()
	res, err := svc.Reconnect(ctx, accounts.ReconnectRequest{AccountID: accountID, Open: a.openForLogin,
		ConfirmIdentity: func(old, new backend.Identity) bool { return a.askIdentity(ctx, old, new) }})
	if err != nil {
		return nil, a.userError(err)
	}
	a.changed()
	return connectView(res, svc.Now()), nil
}

// askIdentity asks the window whether a different login may replace the
// account's and waits for AnswerIdentityChange (or cancellation).
func (a *App) askIdentity(ctx context.Context, old, new backend.Identity) bool {
	answer := make(chan bool, 1)
	a.mu.Lock()
	a.identityAnswer = answer
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.identityAnswer = nil
		a.mu.Unlock()
	}()
	a.desktop.Emit(EventIdentityChanged, map[string]backend.Identity{"old": old, "new": new})
	select {
	case ok := <-answer:
		return ok
	case <-ctx.Done():
		return false
	case <-time.After(5 * time.Minute):
		return false
	}
}

// AnswerIdentityChange answers the question EventIdentityChanged asked.
func (a *App) AnswerIdentityChange(replace bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.identityAnswer != nil {
		a.identityAnswer <- replace
		a.identityAnswer = nil
	}
}

// CancelConnect ends the login attempt in progress, if any.
func (a *App) CancelConnect() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cancelConnect != nil {
		a.cancelConnect()
	}
}

func connectView(res *accounts.ConnectResult, now time.Time) *ConnectResultView {
	v := &ConnectResultView{Account: accountView(res.Account, now), Children: []AccountView{}, Changes: res.Changes}
	for _, c := range res.Children {
		v.Children = append(v.Children, accountView(c, now))
	}
	return v
}

// DeleteAccount revokes an account's tokens where the platform allows,
// removes them from the keychain and deletes the account; history stays.
func (a *App) DeleteAccount(id string) (*accounts.DeleteResult, error) {
	svc, err := a.service()
	if err != nil {
		return nil, a.userError(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := svc.DeleteAccount(ctx, id)
	return res, a.userError(err)
}

// AccountHistory returns an account's history, newest first.
func (a *App) AccountHistory(id string) ([]EventView, error) {
	svc, err := a.service()
	if err != nil {
		return nil, a.userError(err)
	}
	events, err := svc.History(context.Background(), backend.EventFilter{AccountID: id, Limit: 200})
	if err != nil {
		return nil, a.userError(err)
	}
	now := svc.Now()
	out := make([]EventView, 0, len(events))
	for _, e := range events {
		out = append(out, eventView(e, now))
	}
	return out, nil
}

// Events for links and notification clicks.
const (
	// EventFocusAccount asks the window to show one account.
	EventFocusAccount = "account:focus"
	// EventConnectFinished reports a reconnect the backend started itself
	// (from a link or a notification), with its result or error message.
	EventConnectFinished = "connect:finished"
)

// setupNotifications prefers the platform's own notifications, which carry
// the Reconnect button, and falls back to beeep when they are refused.
func (a *App) setupNotifications() {
	if a.store == nil {
		return
	}
	a.notifier = &notify.Notifier{Store: a.store, Sender: notify.BeeepSender{}}
	native, err := a.desktop.Notifications(a.notificationResponse)
	if err != nil {
		log.Printf("native notifications unavailable (%v); using beeep", err)
		return
	}
	a.notifier.Sender = notify.Fallback{Primary: native, Secondary: notify.BeeepSender{}}
}

// notificationResponse acts on a click. The data comes from outside the app
// (any process on the session bus can fake a click), so it is checked
// strictly: anything malformed opens nothing and is logged.
func (a *App) notificationResponse(actionID string, userInfo map[string]any) {
	action, id, err := notify.ParseResponse(actionID, userInfo)
	if err != nil {
		log.Printf("ignored a notification response: %v", err)
		return
	}
	log.Printf("notification: %s %s", action, id)
	if err := a.notifier.RecordAction(context.Background(), id, action); err != nil {
		log.Printf("notification response for %s: %v", id, err)
		return
	}
	_ = a.act(action, id)
}

// notify raises the notifications that are due now.
func (a *App) notify(ctx context.Context) {
	if a.notifier == nil || a.svc == nil {
		return
	}
	entries, err := a.svc.Entries(ctx, backend.AccountFilter{})
	if err != nil {
		log.Printf("notifications: %v", err)
		return
	}
	if _, err := a.notifier.Run(ctx, accounts.NotifyCandidates(entries)); err != nil {
		log.Printf("notifications: %v", err)
	}
}

// domReady acts on a link the app was started with, now that the window can
// show what happens.
func (a *App) domReady(ctx context.Context) {
	a.mu.Lock()
	link := a.pendingLink
	a.pendingLink = ""
	a.mu.Unlock()
	if link != "" {
		a.HandleLink(link)
	}
	a.startMonitor(ctx)
	a.notify(ctx)
}

// Events about checks.
const (
	// EventAccountChecked carries a monitor.Result after any check.
	EventAccountChecked = "account:checked"
	// EventCheckProgress carries {done, total} while "Check now" runs.
	EventCheckProgress = "check:progress"
)

// startMonitor runs the background checks for as long as the window lives.
// It starts here rather than at startup because on Linux Wails runs startup
// before it knows whether this is a second instance about to exit.
func (a *App) startMonitor(ctx context.Context) {
	if a.monitor == nil || a.svc == nil {
		return
	}
	// Holding the window lock tells "tokenwarden check" from cron that this
	// window raises the notifications; the OS frees it when the process ends.
	probe, cancel := context.WithTimeout(ctx, time.Second)
	if _, err := lock.Lock(probe, a.dataDir, windowLock); err != nil {
		log.Printf("another window seems to run on this data folder: %v", err)
	}
	cancel()
	go a.pruneHistory(ctx)
	go func() {
		if err := a.monitor.Run(ctx); err != nil && ctx.Err() == nil {
			log.Printf("monitor stopped: %v", err)
		}
	}()
}

// checked tells the window about a finished check and raises notifications
// once the burst of checks is over. It is the monitor's OnResult.
func (a *App) checked(r *monitor.Result) {
	if a.desktop != nil {
		a.desktop.Emit(EventAccountChecked, r)
	}
	a.notifySoon()
}

// changed wakes the monitor after an account was added or renewed, so its
// schedule counts the new dates.
func (a *App) changed() {
	if a.monitor != nil {
		a.monitor.Poke()
	}
}

// notifySoon raises notifications shortly after a burst of checks ends,
// once for the burst rather than once per account.
func (a *App) notifySoon() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.notifyTimer != nil {
		a.notifyTimer.Stop()
	}
	a.notifyTimer = time.AfterFunc(2*time.Second, func() { a.notify(context.Background()) })
}

// CheckSummary is what "Check now" did.
type CheckSummary struct {
	Checked   int               `json:"checked"`
	Renewed   int               `json:"renewed"`
	Attention int               `json:"attention"`
	Results   []*monitor.Result `json:"results"`
}

// CheckNow checks one account (accountID), one client's accounts
// (clientID) or all (both empty) now, sending EventCheckProgress as it goes.
// CancelCheck stops it.
func (a *App) CheckNow(accountID, clientID string) (*CheckSummary, error) {
	if a.monitor == nil {
		return nil, a.userError(a.openErr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.mu.Lock()
	if a.cancelCheck != nil {
		a.mu.Unlock()
		cancel()
		return nil, a.userError(backend.Errorf(backend.ECONFLICT, "A check is already running.").WithHint("Wait for it or cancel it."))
	}
	a.cancelCheck = cancel
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.cancelCheck = nil
		a.mu.Unlock()
		cancel()
	}()
	var results []*monitor.Result
	if accountID != "" {
		r, err := a.monitor.Check(ctx, accountID, true)
		if err != nil {
			return nil, a.userError(err)
		}
		results = []*monitor.Result{r}
	} else {
		var err error
		results, err = a.monitor.CheckMany(ctx, backend.AccountFilter{ClientID: clientID}, func(done, total int, _ *monitor.Result) {
			a.desktop.Emit(EventCheckProgress, map[string]int{"done": done, "total": total})
		})
		if err != nil {
			return nil, a.userError(err)
		}
	}
	sum := &CheckSummary{Results: results}
	for _, r := range results {
		sum.Checked++
		if r.Refreshed {
			sum.Renewed++
		}
		if r.NeedsAttention() {
			sum.Attention++
		}
	}
	a.notify(context.Background())
	return sum, nil
}

// CancelCheck stops a running "Check now"; checks already under way finish.
func (a *App) CancelCheck() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cancelCheck != nil {
		a.cancelCheck()
	}
}

// secondInstance runs when the binary is launched again: it brings this
// window forward and hands it the link the new launch carried, if any.
func (a *App) secondInstance(args []string) {
	if a.desktop == nil {
		return
	}
	a.desktop.Show()
	if link := deeplink.Find(args); link != "" {
		a.HandleLink(link)
	}
}

// HandleLink acts on a tokenwarden:// link: open shows the account,
// reconnect starts its login. Anything malformed is logged and ignored.
func (a *App) HandleLink(raw string) error {
	l, err := deeplink.Parse(raw)
	if err != nil {
		log.Printf("%v", backend.ErrorMessage(err))
		return a.userError(err)
	}
	log.Printf("link: %s %s", l.Action, l.AccountID)
	return a.act(l.Action, l.AccountID)
}

// act opens or reconnects an account on behalf of a link or a notification.
func (a *App) act(action, accountID string) error {
	svc, err := a.service()
	if err != nil {
		return a.userError(err)
	}
	if _, err := svc.Entry(context.Background(), accountID); err != nil {
		log.Printf("ignored %s for %s: %s", action, accountID, backend.ErrorMessage(err))
		return a.userError(err)
	}
	a.desktop.Show()
	a.desktop.Emit(EventFocusAccount, accountID)
	if action == deeplink.ActionReconnect {
		go func() {
			res, err := a.Reconnect(accountID)
			out := map[string]any{"account_id": accountID}
			if err != nil {
				out["error"] = err.Error()
			} else {
				out["result"] = res
			}
			a.desktop.Emit(EventConnectFinished, out)
		}()
	}
	return nil
}

// Quit ends the app; closing the window only hides it so checks go on.
func (a *App) Quit() {
	if a.desktop != nil {
		a.desktop.Quit()
	}
}

func (a *App) hide() {
	if a.desktop != nil {
		a.desktop.Hide()
	}
}

// NotificationSettings returns the saved notification settings.
func (a *App) NotificationSettings() (*notify.Settings, error) {
	if a.store == nil {
		return nil, a.userError(a.openErr)
	}
	s, err := notify.LoadSettings(context.Background(), a.store)
	if err != nil {
		return nil, a.userError(err)
	}
	s.StartAtLogin = a.autostart().Enabled()
	return &s, nil
}

// SaveNotificationSettings validates and saves the settings, applies the
// warning window and the start-at-login item. Bad input changes nothing.
func (a *App) SaveNotificationSettings(s notify.Settings) (*notify.Settings, error) {
	if a.store == nil {
		return nil, a.userError(a.openErr)
	}
	ctx := context.Background()
	saved, err := notify.SaveSettings(ctx, a.store, s)
	if err != nil {
		return nil, a.userError(err)
	}
	if a.svc != nil {
		a.svc.Window = saved.WarningWindow()
	}
	entry := a.autostart()
	if saved.StartAtLogin != entry.Enabled() {
		apply := entry.Disable
		if saved.StartAtLogin {
			apply = entry.Enable
		}
		if err := apply(); err != nil {
			return nil, a.userError(backend.Errorf(backend.EUNAVAILABLE, "Could not change the start-at-login setting: %v.", err))
		}
	}
	a.notify(ctx)
	return &saved, nil
}

// autostart is the login item for the running binary.
func (a *App) autostart() autostart.Entry {
	exe, err := os.Executable()
	if err == nil {
		exe, _ = filepath.EvalSymlinks(exe)
	}
	return autostart.Entry{Exe: exe}
}

// Snooze silences an account's notifications for days (0 clears the snooze)
// and returns when the snooze ends.
func (a *App) Snooze(accountID string, days int) (string, error) {
	if a.notifier == nil {
		return "", a.userError(backend.Errorf(backend.EUNAVAILABLE, "Notifications are not set up."))
	}
	until, err := a.notifier.Snooze(context.Background(), accountID, time.Duration(days)*24*time.Hour)
	if err != nil {
		return "", a.userError(err)
	}
	if until.IsZero() {
		return "", nil
	}
	return until.Format(time.RFC3339), nil
}
