// The one place that talks to the Go backend. Everything else imports these
// functions and types, never wailsjs directly.
//
// The types below are plain data. The generated classes in wailsjs/go/models
// are assigned to them, or read field by field, in each function, without a
// cast, so if the Go view types change and the bindings are regenerated,
// `npm run check` points here. Each Go service has its own binding module.
import * as Accounts from '../../wailsjs/go/main/AccountsService';
import * as Backup from '../../wailsjs/go/main/BackupService';
import * as Checks from '../../wailsjs/go/main/ChecksService';
import * as Connect from '../../wailsjs/go/main/ConnectService';
import * as History from '../../wailsjs/go/main/HistoryService';
import * as Reports from '../../wailsjs/go/main/ReportService';
import * as Settings from '../../wailsjs/go/main/SettingsService';
import { backend, main, type history as models } from '../../wailsjs/go/models';
import * as Runtime from '../../wailsjs/runtime/runtime';

/** The data fields of a generated class: what Go's JSON has, without the class's helper method. */
type Fields<T> = { [K in keyof T as T[K] extends (...a: never[]) => unknown ? never : K]: T[K] };

export type Status = 'healthy' | 'expiring' | 'expired' | 'invalid' | 'unknown';

export interface AccountView {
  id: string;
  client_id: string;
  client_name: string;
  provider: string;
  provider_name: string;
  label: string;
  /** Computed by the backend; one of Status (unknown strings are shown as unknown). */
  status: string;
  /** RFC 3339, or "" when the expiry is unknown. */
  expires_at: string;
  /** "in 3 days", "2 hours ago", or "" when unknown. */
  expires_phrase: string;
  has_refresh_token: boolean;
  reason: string;
  created_at: string;
  /** "page" for a Facebook Page kept alive by the login `parent_id`; "" otherwise. */
  kind: string;
  parent_id: string;
  /** Who the token belongs to, as the platform says; "" when unknown (e.g. imported). */
  identity_name: string;
  identity_email: string;
  identity_handle: string;
  /** Permissions granted; empty when unknown. */
  scopes: string[];
  /** RFC 3339, or "" when it was never connected through the browser. */
  connected_at: string;
  /** Authorized through the browser, so it can be reconnected in one click. */
  connected: boolean;
  /** The tokens renew themselves; the user only acts by reconnect_by, if that is set. */
  renews: boolean;
  /** RFC 3339: the date by which the user must log in again; "" when there is none. */
  reconnect_by: string;
  /** "in 3 days", "2 days ago"; "" when there is no reconnect-by date. */
  reconnect_phrase: string;
  /** RFC 3339: when the platform last answered a check; "" when never. */
  last_checked_at: string;
  /** "2 hours ago"; "" when never checked. */
  last_checked_phrase: string;
  /** RFC 3339: when the next background check is due; "" when none is planned. */
  next_check_at: string;
  /** What is wrong, one plain sentence from the reason code; "" when nothing is. */
  problem: string;
  /** What to do about the problem; "" when nothing is wrong. */
  action: string;
  /**
   * Why the last check got no verdict (offline, platform down); "". The token
   * is not marked broken for this: it only could not be verified.
   */
  last_error: string;
  /** The reason code of the last check that got no verdict (network, provider_down, rate_limited, app_misconfigured); "" when verified. */
  check_problem: string;
  /** RFC 3339: since when checks got no verdict (the platform's last answer, or when the account was added); "" when verified. */
  unverified_since: string;
  /** API usage at the last check, e.g. {"app call_count": "12%"}. */
  usage: Record<string, string>;
  /** When the account's notifications resume (RFC 3339); "" when not snoozed. */
  snoozed_until: string;
  /** Its status asks the user to act (the backend decides). */
  needs_attention: boolean;
  /** What the user can do about it, in the order to offer: see Fix. */
  fixes: string[];
  /** A Page its login no longer reaches: not kept alive by it any more. */
  lost_by_login: boolean;
  /** RFC 3339: when the status next moves on by time alone; "" when never. */
  status_changes_at: string;
}

/**
 * What the user can do about an account: log in again (for an imported one
 * this makes it a connected account), paste a new token by hand, or, for a
 * Page, reconnect the login that keeps it alive.
 */
export type Fix = 'reconnect' | 'replace_token' | 'reconnect_login';

export interface ClientGroup {
  id: string;
  name: string;
  /** Who to ask when a login breaks; "" when not set. */
  contact: string;
  /** The user's own notes about the client; "" when none. */
  notes: string;
  accounts: AccountView[];
}

export interface ProviderView {
  id: string;
  name: string;
  /** What one login also reaches, such as "Pages"; "" when the login is the account itself. */
  child_assets: string;
}

export interface StatusCounts {
  total: number;
  healthy: number;
  expiring: number;
  expired: number;
  invalid: number;
  unknown: number;
}

export interface Overview {
  /** Most urgent client first, most urgent account first within a client. */
  groups: ClientGroup[];
  providers: ProviderView[];
  keychain_problem: string;
  /** Problems found at start (a broken providers.yaml line), one sentence each. */
  warnings: string[];
  data_dir: string;
  counts: StatusCounts;
}

export interface ClientView {
  id: string;
  name: string;
  contact: string;
  notes: string;
}

export interface EventView {
  id: number;
  time: string;
  time_phrase: string;
  client_name: string;
  account_id: string;
  account_label: string;
  provider: string;
  kind: string;
  outcome: string;
  reason: string;
  message: string;
}

export interface ImportForm {
  client_id: string;
  provider: string;
  label: string;
  access_token: string;
  refresh_token: string;
  /** RFC 3339 in UTC, or "" when unknown. */
  expires_at: string;
  /** Put the token on the matching account that a first try reported as duplicate. */
  replace: boolean;
}

/** An import: the new account, or the client's matching account (nothing was stored then). */
export interface ImportResult {
  account: AccountView | null;
  duplicate: AccountView | null;
}

/** A token pasted by hand onto an existing account. */
export interface TokenForm {
  access_token: string;
  refresh_token: string;
  /** RFC 3339 in UTC, or "" when unknown. */
  expires_at: string;
}

/** One account a fix step renews. */
export interface FixTarget {
  account_id: string;
  label: string;
  client_name: string;
  status: string;
}

/** One login of a bulk fix; it may renew several accounts (a login and its Pages, one user's accounts). */
export interface FixStep {
  account_id: string;
  /** Other accounts of the same user that take this login too. */
  also: string[];
  label: string;
  client_name: string;
  provider: string;
  provider_name: string;
  /** Who the login belongs to; "" for an account imported by hand. */
  who: string;
  imported: boolean;
  fixes: FixTarget[];
  /** Why it cannot run yet ("Set up Google first…"); "" when it can. */
  blocked: string;
}

export interface FixPlan {
  steps: FixStep[];
  /** How many accounts the steps fix. */
  accounts: number;
}

export interface ScopeView {
  name: string;
  purpose: string;
}

/** A platform with its setup guide and what the user still has to set up. */
export interface ProviderSetup {
  id: string;
  name: string;
  /** What one login also reaches, such as "Pages"; "" when the login is the account itself. */
  child_assets: string;
  custom: boolean;
  /** True when Tokenwarden can log in with it. */
  configured: boolean;
  /** "client id", "client secret" or "". */
  missing_setup: string;
  client_id: string;
  has_secret: boolean;
  needs_secret: boolean;
  /** The redirect URI to register; may contain "<any port>". */
  redirect_uri: string;
  /** Multi-line guide, one step a line. */
  setup: string;
  console_url: string;
  scopes: ScopeView[];
}

export interface CustomProviderForm {
  id: string;
  name: string;
  issuer: string;
  /** Space-separated; empty for the issuer's defaults. */
  scopes: string;
  client_id: string;
  client_secret: string;
}

export interface ConnectForm {
  client_id: string;
  provider: string;
  /** Empty: the name the platform gives. */
  label: string;
  scopes: string[];
}

/** What a reconnect gained and lost. Lists are never null here. */
export interface Changes {
  scopes_gained: string[];
  scopes_lost: string[];
  /** Pages granted before and still granted. */
  assets_kept: string[];
  /** Asked for and not granted (the user unticked them, or the platform withheld them). */
  scopes_not_granted: string[];
  assets_gained: string[];
  assets_lost: string[];
  identity_changed: boolean;
}

export interface ConnectResult {
  account: AccountView;
  /** Facebook Pages the new grant keeps alive (kept and new). */
  children: AccountView[];
  /** Pages this login no longer reaches: their connections just broke. */
  lost: AccountView[];
  changes: Changes;
  /** Other accounts the same login renewed (a bulk fix). */
  also: AccountView[];
  /** Accounts it could not renew, one sentence each. */
  not_fixed: string[];
}

export interface DeleteResult {
  /** The platform revoked the tokens. */
  revoked: boolean;
  /** What is left to do by hand, e.g. where to remove the app's access. */
  note: string;
  /** Accounts removed: the account and its Pages. */
  deleted: number;
}

export interface Identity {
  external_id: string;
  name: string;
  email: string;
  handle: string;
  picture_url: string;
}

export interface IdentityChange {
  old: Identity;
  new: Identity;
}

/** What one check found out about one account. */
export interface CheckResult {
  account_id: string;
  label: string;
  client_id: string;
  client_name: string;
  provider: string;
  /** The account's status before and after the check. */
  before: string;
  after: string;
  /** The tokens were renewed during this check. */
  refreshed: boolean;
  /** "valid", "invalid", or "none" when the platform gave no answer about the token. */
  verdict: string;
  reason: string;
  /** What happened, in plain words. */
  message: string;
  /** Further things noticed, one sentence each ("Page X lost"). */
  findings: string[];
  /** RFC 3339, or "" when none is planned. */
  next_check_at: string;
  /** The platform was not asked (checked moments ago, paused after a rate limit, no checker). */
  skipped: boolean;
  /** A failure on this computer (keychain, database) that stopped the check; "" otherwise. */
  error: string;
}

/** What "Check now" did. */
export interface CheckSummary {
  checked: number;
  renewed: number;
  /** Accounts that need the user after the check. */
  attention: number;
  results: CheckResult[];
}

export interface CheckProgress {
  done: number;
  total: number;
}

export interface QuietHours {
  enabled: boolean;
  /** "HH:MM", 24-hour local time. */
  start: string;
  end: string;
}

export interface NotificationSettings {
  enabled: boolean;
  /** Days before the reconnect-by date to notify at; 0 is "when it has passed". */
  thresholds: number[];
  quiet_hours: QuietHours;
  start_at_login: boolean;
  /** How many days before the reconnect-by date an account counts as expiring. */
  warning_days: number;
}

/** A reconnect that a link or a notification started, once it ended. */
export interface ConnectFinished {
  account_id: string;
  result?: ConnectResult;
  error?: string;
}

/**
 * errorText turns a rejected binding call into the sentence to show. The Go
 * side already words its errors for the user; Wails rejects with that string.
 */
export function errorText(err: unknown): string {
  if (typeof err === 'string' && err.trim() !== '') return err;
  if (err instanceof Error && err.message) return err.message;
  if (err && typeof err === 'object' && 'message' in err) {
    const m = (err as { message: unknown }).message;
    if (typeof m === 'string' && m) return m;
  }
  return 'Something went wrong and Tokenwarden could not say what. Please try again.';
}

function accountView(a: AccountView): AccountView {
  return { ...a, scopes: a.scopes ?? [], usage: a.usage ?? {}, fixes: a.fixes ?? [] };
}

/** The rows of ids that still exist (a missing id was deleted), after onAccountsChanged or onAccountChecked. */
export async function getEntries(ids: string[]): Promise<AccountView[]> {
  const rows: AccountView[] | null = await Accounts.Entries(ids);
  return (rows ?? []).map(accountView);
}

export async function getOverview(): Promise<Overview> {
  const ov: Overview = await Accounts.Overview();
  return {
    ...ov,
    warnings: ov.warnings ?? [],
    groups: (ov.groups ?? []).map((g) => ({ ...g, accounts: (g.accounts ?? []).map(accountView) })),
  };
}

export async function addClient(name: string): Promise<ClientView> {
  const c: ClientView = await Accounts.AddClient(name);
  return c;
}

export async function renameClient(id: string, name: string): Promise<ClientView> {
  const c: ClientView = await Accounts.RenameClient(id, name);
  return c;
}

export async function deleteClient(id: string): Promise<void> {
  await Accounts.DeleteClient(id);
}

/**
 * Imports a token. When the client already has an account on that platform
 * with that label, nothing is stored and `duplicate` names it; import again
 * with replace: true to put the token on it.
 */
export async function importAccount(form: ImportForm): Promise<ImportResult> {
  const r: { account?: AccountView | null; duplicate?: AccountView | null } = await Accounts.ImportAccount(form);
  return { account: r?.account ? accountView(r.account) : null, duplicate: r?.duplicate ? accountView(r.duplicate) : null };
}

/** Puts a token pasted by hand on an account; keeps its id, client, label and history. */
export async function replaceToken(id: string, form: TokenForm): Promise<AccountView> {
  const a: AccountView = await Accounts.ReplaceToken(id, form);
  return accountView(a);
}

/** Puts an account under another client; its history stays. */
export async function moveAccount(id: string, clientId: string): Promise<AccountView> {
  const a: AccountView = await Accounts.MoveAccount(id, clientId);
  return accountView(a);
}

/** Saves a client's contact and notes. */
export async function editClient(id: string, contact: string, notes: string): Promise<ClientView> {
  const c: ClientView = await Accounts.EditClient(id, contact, notes);
  return c;
}

/** The logins that fix the accounts needing the user: one client's, or everyone's for "". */
export async function fixPlan(clientId = ''): Promise<FixPlan> {
  const p: { steps: (Omit<FixStep, 'also' | 'fixes'> & { also: string[] | null; fixes: FixTarget[] | null })[] | null; accounts: number } =
    await Accounts.FixPlan(clientId);
  return {
    accounts: p?.accounts ?? 0,
    steps: (p?.steps ?? []).map((s) => ({ ...s, also: s.also ?? [], fixes: s.fixes ?? [] })),
  };
}

export async function renameAccount(id: string, label: string): Promise<AccountView> {
  const a: AccountView = await Accounts.RenameAccount(id, label);
  return a;
}

export async function deleteAccount(id: string): Promise<DeleteResult> {
  const r: DeleteResult = await Accounts.DeleteAccount(id);
  return { revoked: !!r?.revoked, note: r?.note ?? '', deleted: r?.deleted ?? 1 };
}

export async function accountHistory(id: string): Promise<EventView[]> {
  const events: EventView[] = await Accounts.AccountHistory(id);
  return events ?? [];
}

export async function providerSetups(): Promise<ProviderSetup[]> {
  const list: ProviderSetup[] = (await Accounts.ProviderSetups()) ?? [];
  return list.map((p) => ({ ...p, scopes: p.scopes ?? [] }));
}

/** Stores the developer app's client id and, when not empty, its secret (in the keychain). */
export async function setProviderCredentials(providerId: string, clientId: string, clientSecret: string): Promise<void> {
  await Accounts.SetProviderCredentials(providerId, clientId, clientSecret);
}

export async function addCustomProvider(form: CustomProviderForm): Promise<void> {
  await Accounts.AddCustomProvider(form);
}

function connectResult(r: App_ConnectResult): ConnectResult {
  const c = r.changes ?? {};
  return {
    account: accountView(r.account),
    children: (r.children ?? []).map(accountView),
    lost: (r.lost ?? []).map(accountView),
    changes: {
      scopes_gained: c.scopes_gained ?? [],
      scopes_lost: c.scopes_lost ?? [],
      assets_kept: c.assets_kept ?? [],
      scopes_not_granted: c.scopes_not_granted ?? [],
      assets_gained: c.assets_gained ?? [],
      assets_lost: c.assets_lost ?? [],
      identity_changed: !!c.identity_changed,
    },
    also: (r.also ?? []).map(accountView),
    not_fixed: r.not_fixed ?? [],
  };
}

type App_ConnectResult = {
  account: AccountView;
  children: AccountView[] | null;
  lost?: AccountView[] | null;
  also?: AccountView[] | null;
  not_fixed?: string[] | null;
  changes: Partial<{ [K in keyof Changes]: Changes[K] | null }> | null;
};

/**
 * Logs in through the system browser and creates the account. Resolves when
 * the user has finished (up to 5 minutes); rejects with a sentence to show,
 * also when cancelConnect ended the attempt.
 */
export async function connect(form: ConnectForm): Promise<ConnectResult> {
  const r: App_ConnectResult = await Connect.Connect(form);
  return connectResult(r);
}

/** Logs in again for an existing account; keeps its id, label, client and history. */
export async function reconnect(accountId: string): Promise<ConnectResult> {
  const r: App_ConnectResult = await Connect.Reconnect(accountId);
  return connectResult(r);
}

/**
 * One login of a bulk fix (a FixStep): reconnects accountId and gives the
 * same login to `also`. Rejects like reconnect; cancelConnect skips it.
 */
export async function fixLogin(accountId: string, also: string[]): Promise<ConnectResult> {
  const r: App_ConnectResult = await Connect.FixLogin(accountId, also);
  return connectResult(r);
}

/** Ends the login in progress; its connect/reconnect promise then rejects. */
export async function cancelConnect(): Promise<void> {
  await Connect.CancelConnect();
}

/** Answers onIdentityChanged: true replaces the account's login with the new user. */
export async function answerIdentityChange(replace: boolean): Promise<void> {
  await Connect.AnswerIdentityChange(replace);
}

// ---- checks and notifications ----------------------------------------------

type App_CheckResult = Omit<CheckResult, 'findings' | 'next_check_at' | 'error'> & {
  findings: string[] | null;
  next_check_at?: string | null;
  error?: string;
};

function checkResult(r: App_CheckResult): CheckResult {
  return { ...r, findings: r.findings ?? [], next_check_at: r.next_check_at ?? '', error: r.error ?? '' };
}

/**
 * Checks one account (accountId), one client's accounts (clientId) or all
 * (both ""), renewing tokens that are due. Sends onCheckProgress while it
 * runs; cancelCheck stops it. Rejects when a check is already running.
 */
export async function checkNow(accountId = '', clientId = ''): Promise<CheckSummary> {
  const s: { checked: number; renewed: number; attention: number; results: App_CheckResult[] | null } = await Checks.CheckNow(
    accountId,
    clientId,
  );
  return { checked: s.checked, renewed: s.renewed, attention: s.attention, results: (s.results ?? []).map(checkResult) };
}

/** Stops a running checkNow; checks already under way finish. */
export async function cancelCheck(): Promise<void> {
  await Checks.CancelCheck();
}

export async function notificationSettings(): Promise<NotificationSettings> {
  const s: NotificationSettings = await Settings.NotificationSettings();
  return normalSettings(s);
}

/** Saves the settings; rejects with a sentence to show when they are not valid (nothing is changed then). */
export async function saveNotificationSettings(settings: NotificationSettings): Promise<NotificationSettings> {
  // The generated class only adds a helper method; the fields must match.
  const fields: Fields<backend.Settings> = settings;
  const s: NotificationSettings = await Settings.SaveNotificationSettings(backend.Settings.createFrom(fields));
  return normalSettings(s);
}

function normalSettings(s: NotificationSettings): NotificationSettings {
  const q = s.quiet_hours ?? { enabled: false, start: '', end: '' };
  return { ...s, thresholds: s.thresholds ?? [], quiet_hours: { enabled: !!q.enabled, start: q.start ?? '', end: q.end ?? '' } };
}

/** Makes the window's native menu bar follow the page's theme. */
export async function setWindowTheme(theme: 'light' | 'dark'): Promise<void> {
  await Settings.SetWindowTheme(theme);
}

/** Silences an account's notifications for days (1 or 7; 0 clears). Resolves to when it ends (RFC 3339), or "". */
export async function snooze(accountId: string, days: number): Promise<string> {
  return (await Settings.Snooze(accountId, days)) ?? '';
}

// ---- backup and restore ----------------------------------------------------
// A passphrase is sent once, with the call that needs it; nothing returned
// here carries it.

/** A backup just written. */
export interface BackupMade {
  file: string;
  /** RFC 3339. */
  created_at: string;
  clients: number;
  accounts: number;
  /** Keychain items in the file. */
  secrets: number;
}

/** A restore that went through, and the check of every account after it. */
export interface RestoreDone {
  data_dir: string;
  /** Where the data that was there before now is; "" when the folder held none. */
  moved_aside: string;
  /** RFC 3339: when the backup was made. */
  backup_created_at: string;
  app_version: string;
  clients: number;
  accounts: number;
  secrets: number;
  /** null when the accounts could not be checked; check_error says why. */
  checks: CheckSummary | null;
  check_error: string;
}

/** Whether the data folder holds data a restore would move aside. */
export interface DataFolder {
  data_dir: string;
  empty: boolean;
}

/** The scheduled backups' setting and last run. Times are RFC 3339 or "". */
export interface BackupSchedule {
  enabled: boolean;
  folder: string;
  keep: number;
  every_hours: number;
  last_run_at: string;
  last_file: string;
  last_error: string;
  next_at: string;
}

/** What Settings saves; an empty passphrase keeps the one in the keychain. */
export interface BackupScheduleForm {
  enabled: boolean;
  folder: string;
  keep: number;
  every_hours: number;
  passphrase: string;
}

/** Asks where to save a new backup; "" when the user cancels. */
export async function chooseBackupDestination(): Promise<string> {
  return (await Backup.ChooseBackupDestination()) ?? '';
}

/** Asks for a backup file to restore; "" when the user cancels. */
export async function chooseBackupFile(): Promise<string> {
  return (await Backup.ChooseBackupFile()) ?? '';
}

/** Asks for the scheduled backups' folder; "" when the user cancels. */
export async function chooseBackupFolder(): Promise<string> {
  return (await Backup.ChooseBackupFolder()) ?? '';
}

/** Writes a full backup to the new file path, encrypted to passphrase. Rejects with the backend's sentence. */
export async function makeBackup(path: string, passphrase: string): Promise<BackupMade> {
  const b: BackupMade = await Backup.Backup(path, passphrase);
  return b;
}

export async function dataFolder(): Promise<DataFolder> {
  const f: DataFolder = await Backup.DataFolder();
  return f;
}

/**
 * Replaces the data folder with a backup (force: the user confirmed
 * replacing data, which is moved aside). A wrong passphrase, a damaged file
 * or a newer schema rejects with the backend's sentence and changes nothing.
 * After it resolves the window must restart.
 */
export async function restoreBackup(path: string, passphrase: string, force: boolean): Promise<RestoreDone> {
  const r: Omit<RestoreDone, 'checks'> & {
    checks?: { checked: number; renewed: number; attention: number; results: App_CheckResult[] | null } | null;
  } = await Backup.Restore(path, passphrase, force);
  const c = r.checks;
  return {
    ...r,
    checks: c ? { checked: c.checked, renewed: c.renewed, attention: c.attention, results: (c.results ?? []).map(checkResult) } : null,
  };
}

/** Ends the app after a restore, so that the next start opens the restored data. */
export async function quitAfterRestore(): Promise<void> {
  await Backup.QuitAfterRestore();
}

export async function backupSchedule(): Promise<BackupSchedule> {
  const s: BackupSchedule = await Backup.Schedule();
  return s;
}

/** Saves the schedule; rejects with a sentence to show when it is not valid (nothing is changed then). */
export async function saveBackupSchedule(form: BackupScheduleForm): Promise<BackupSchedule> {
  const fields: Fields<main.ScheduleForm> = form;
  const s: BackupSchedule = await Backup.SaveSchedule(main.ScheduleForm.createFrom(fields));
  return s;
}

// ---- events and desktop ----------------------------------------------------
// The Wails runtime lives on window.runtime in the app. Outside it (unit
// tests without a fake, a plain browser) these do nothing instead of throwing.

function hasRuntime(): boolean {
  return typeof window !== 'undefined' && 'runtime' in window && !!(window as { runtime?: unknown }).runtime;
}

function on<T>(event: string, handler: (data: T) => void): () => void {
  if (!hasRuntime()) return () => {};
  return Runtime.EventsOn(event, (data: T) => handler(data));
}

/** Calls handler with the login page's address once the browser was asked to open it. Returns an unsubscribe. */
export function onConnectWaiting(handler: (url: string) => void): () => void {
  return on<string>('connect:waiting', (url) => handler(typeof url === 'string' ? url : ''));
}

/** Calls handler when a reconnect finds a different user; answer with answerIdentityChange. Returns an unsubscribe. */
export function onIdentityChanged(handler: (change: IdentityChange) => void): () => void {
  return on<IdentityChange>('connect:identity-changed', handler);
}

/** Calls handler with {done, total} while checkNow runs. */
export function onCheckProgress(handler: (p: CheckProgress) => void): () => void {
  return on<CheckProgress>('check:progress', (p) => handler({ done: p?.done ?? 0, total: p?.total ?? 0 }));
}

/** Calls handler after every check, from checkNow and from the background checks alike. */
export function onAccountChecked(handler: (r: CheckResult) => void): () => void {
  return on<App_CheckResult>('account:checked', (r) => handler(checkResult(r)));
}

/** Which rows changed: ids (deleted ones included), or all when more than rows changed. */
export interface AccountsChanged {
  ids: string[];
  all: boolean;
}

/** Calls handler whenever accounts change, whoever changed them. Returns an unsubscribe. */
export function onAccountsChanged(handler: (c: AccountsChanged) => void): () => void {
  return on<{ ids?: string[] | null; all?: boolean }>('accounts:changed', (c) => {
    const ids = Array.isArray(c?.ids) ? c.ids.filter((id) => typeof id === 'string') : [];
    handler({ ids, all: c?.all === true || ids.length === 0 });
  });
}

/** Calls handler with an account id when a link or a notification asks to show that account. */
export function onAccountFocus(handler: (accountId: string) => void): () => void {
  return on<string>('account:focus', (id) => {
    if (typeof id === 'string' && id) handler(id);
  });
}

/** Calls handler with a client id when a link or a grouped notification asks to fix that client's accounts. */
export function onFixRequested(handler: (clientId: string) => void): () => void {
  return on<string>('fix:client', (id) => {
    if (typeof id === 'string' && id) handler(id);
  });
}

/** Calls handler when a reconnect that a link or a notification started has ended. */
export function onConnectFinished(handler: (f: ConnectFinished) => void): () => void {
  return on<{ account_id: string; result?: App_ConnectResult | null; error?: string }>('connect:finished', (f) => {
    if (!f || typeof f.account_id !== 'string') return;
    handler({
      account_id: f.account_id,
      result: f.result ? connectResult(f.result) : undefined,
      error: f.error || undefined,
    });
  });
}

/** Opens an address in the system browser. */
export function openURL(url: string): void {
  if (hasRuntime()) Runtime.BrowserOpenURL(url);
  else window.open(url, '_blank', 'noopener');
}

/** Puts text on the clipboard; resolves false when that was not possible. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (hasRuntime() && (await Runtime.ClipboardSetText(text))) return true;
  } catch {
    // fall through to the browser's clipboard
  }
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

// ---- history: activity, health, deadlines, exports --------------------------
// Times are RFC 3339 strings; durations are milliseconds; percentages are null
// when there is nothing to measure (the account did not exist in the period).

/** The activity filter. Dates are YYYY-MM-DD ("until" includes its day); "" matches everything. */
export interface HistoryFilter {
  client_id: string;
  account_id: string;
  provider: string;
  kind: string;
  /** "ok", "failed", "info" or "". */
  outcome: string;
  since: string;
  until: string;
  query: string;
  /** Keyset paging: the previous page's next_before_id; 0 for the newest page. */
  before_id: number;
  limit: number;
}

export interface HistoryPage {
  /** Newest first. */
  events: EventView[];
  /** Pass as before_id for the next (older) page; 0 when there is none. */
  next_before_id: number;
}

/** "healthy", "expiring" or "broken". */
export type HealthState = 'healthy' | 'expiring' | 'broken';

export interface StatusInterval {
  state: string;
  start: string;
  /** Exclusive; the period's end while ongoing. */
  end: string;
  ongoing: boolean;
  reason: string;
  reasons: string[];
  end_kind: string;
}

export interface Incident {
  account_id: string;
  account_label: string;
  provider: string;
  client_id: string;
  client_name: string;
  start: string;
  /** "" while ongoing. */
  end: string;
  ongoing: boolean;
  /** Milliseconds, up to now while ongoing. */
  duration: number;
  reason: string;
  reasons: string[];
  /** The reason in plain words. */
  explanation: string;
  ended_by: string;
}

export interface HealthAction {
  time: string;
  account_id: string;
  account_label: string;
  provider: string;
  kind: string;
  outcome: string;
  message: string;
}

export interface AccountHealth {
  account_id: string;
  label: string;
  provider: string;
  client_id: string;
  created: string;
  deleted: string;
  /** The state now; "" once deleted. */
  state: string;
  reason: string;
  deadline: string;
  existed: number;
  /** Milliseconds of the period its history followed; uptime_pct is over this time only. */
  monitored: number;
  /** RFC 3339: when monitoring began, if inside the period ("monitored since 1 Dec"); "" otherwise. */
  monitored_since: string;
  healthy: number;
  broken: number;
  uptime_pct: number | null;
  uptime_30d_pct: number | null;
  uptime_90d_pct: number | null;
  incidents: Incident[];
  actions: HealthAction[];
  needs_attention: boolean;
  intervals: StatusInterval[];
}

export interface ClientHealth {
  client_id: string;
  client_name: string;
  period: { from: string; to: string };
  generated_at: string;
  accounts: AccountHealth[];
  uptime_pct: number | null;
  uptime_30d_pct: number | null;
  uptime_90d_pct: number | null;
  all_working_pct: number | null;
  /** Newest first. */
  incidents: Incident[];
  /** Milliseconds; null when no incident was resolved in the period. */
  mean_time_to_reconnect: number | null;
  resolved_incidents: number;
  /** Ids of the accounts broken or expiring now. */
  needs_attention: string[];
  actions: HealthAction[];
}

export interface Deadline {
  account_id: string;
  client_id: string;
  client_name: string;
  provider: string;
  provider_name: string;
  label: string;
  /** RFC 3339: reconnect before this. */
  by: string;
  /** The account's status now: "expiring" once by falls within the user's warning window. */
  status: string;
  /** The account is broken now: by is when it broke (or now), never a date to come. */
  broken_now: boolean;
  reason: string;
  /** Why it is broken, in plain words; "" when it is not. */
  problem: string;
}

export type ExportFormat = 'csv' | 'json' | 'ics';

export interface ExportRequest {
  format: ExportFormat;
  filter: HistoryFilter;
  client_id: string;
  days: number;
}

/** A filter that matches everything, for building on. */
export function emptyHistoryFilter(): HistoryFilter {
  return { client_id: '', account_id: '', provider: '', kind: '', outcome: '', since: '', until: '', query: '', before_id: 0, limit: 0 };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const pct = (v: number | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function statusInterval(r: models.Interval): StatusInterval {
  return { state: r.state, start: str(r.start), end: str(r.end), ongoing: r.ongoing, reason: r.reason ?? '', reasons: r.reasons ?? [], end_kind: r.end_kind ?? '' };
}

function incident(r: models.Incident): Incident {
  return {
    account_id: r.account_id, account_label: r.account_label, provider: r.provider, client_id: r.client_id,
    client_name: r.client_name, start: str(r.start), end: str(r.end), ongoing: r.ongoing, duration: r.duration,
    reason: r.reason, reasons: r.reasons ?? [], explanation: r.explanation, ended_by: r.ended_by ?? '',
  };
}

function healthAction(r: models.Action): HealthAction {
  return { time: str(r.time), account_id: r.account_id, account_label: r.account_label, provider: r.provider, kind: r.kind, outcome: r.outcome, message: r.message };
}

function accountHealth(r: models.AccountHealth): AccountHealth {
  return {
    account_id: r.account_id, label: r.label, provider: r.provider, client_id: r.client_id,
    created: str(r.created), deleted: str(r.deleted), state: r.state, reason: r.reason, deadline: str(r.deadline),
    existed: r.existed, monitored: r.monitored, monitored_since: str(r.monitored_since), healthy: r.healthy, broken: r.broken,
    uptime_pct: pct(r.uptime_pct), uptime_30d_pct: pct(r.uptime_30d_pct), uptime_90d_pct: pct(r.uptime_90d_pct),
    incidents: (r.incidents ?? []).map(incident), actions: (r.actions ?? []).map(healthAction), needs_attention: r.needs_attention,
    intervals: (r.intervals ?? []).map(statusInterval),
  };
}

/** One page of the activity log, newest first. */
export async function history(filter: HistoryFilter): Promise<HistoryPage> {
  const p: { events: EventView[] | null; next_before_id: number } = await History.History(filter);
  return { events: p?.events ?? [], next_before_id: p?.next_before_id ?? 0 };
}

/** A client's health over the last days (30 or 90). */
export async function clientHealth(clientId: string, days: number): Promise<ClientHealth> {
  const r = await History.ClientHealth(clientId, days);
  return {
    client_id: r.client_id, client_name: r.client_name, period: { from: str(r.period?.from), to: str(r.period?.to) },
    generated_at: str(r.generated_at), accounts: (r.accounts ?? []).map(accountHealth),
    uptime_pct: pct(r.uptime_pct), uptime_30d_pct: pct(r.uptime_30d_pct), uptime_90d_pct: pct(r.uptime_90d_pct),
    all_working_pct: pct(r.all_working_pct), incidents: (r.incidents ?? []).map(incident),
    mean_time_to_reconnect: pct(r.mean_time_to_reconnect), resolved_incidents: r.resolved_incidents,
    needs_attention: r.needs_attention ?? [], actions: (r.actions ?? []).map(healthAction),
  };
}

/** One account's status intervals over the last days. */
export async function accountTimeline(accountId: string, days: number): Promise<AccountHealth> {
  return accountHealth(await History.AccountTimeline(accountId, days));
}

/** Every reconnect-by date within the next days, soonest first, with the account's status now. */
export async function deadlines(days: number): Promise<Deadline[]> {
  const ds = await History.Deadlines(days);
  return (ds ?? []).map((d) => ({ ...d, by: str(d.by), reason: d.reason ?? '', problem: d.problem ?? '' }));
}

/** Saves an export (Downloads, else the data folder's exports/) and resolves to the file's path. */
export async function exportFile(req: ExportRequest): Promise<string> {
  const fields: Fields<main.ExportRequest> = req;
  return (await History.Export(main.ExportRequest.createFrom(fields))) ?? '';
}

/** One local calendar day of the activity, newest first. day is YYYY-MM-DD. */
export interface ActivityDay {
  day: string;
  events: EventView[];
}

export interface ActivityPage {
  days: ActivityDay[];
  /** Pass as before_id for the next (older) page; 0 when there is none. */
  next_before_id: number;
  /** Routine successful checks were left out. */
  routine_hidden: boolean;
}

/** One page of the activity log grouped by day; routine successful checks only when includeRoutine. */
export async function activity(filter: HistoryFilter, includeRoutine: boolean): Promise<ActivityPage> {
  const p = await History.Activity(main.HistoryFilter.createFrom(filter), includeRoutine);
  const days: ActivityDay[] = (p?.days ?? []).map((d) => ({ day: d.day, events: d.events ?? [] }));
  return { days, next_before_id: p?.next_before_id ?? 0, routine_hidden: p?.routine_hidden ?? !includeRoutine };
}

/** One client's row of the all-clients health overview. */
export interface ClientOverview {
  client_id: string;
  client_name: string;
  /** Over the accounts' monitored time; null when nothing was monitored. */
  uptime_pct: number | null;
  incidents: number;
  /** Incidents still going on. */
  ongoing: number;
  /** Accounts broken or expiring now. */
  needs_attention: number;
  accounts: number;
}

/** Every client over the last days, worst first (the backend's order). */
export async function healthOverview(days: number): Promise<ClientOverview[]> {
  const rows = await History.HealthOverview(days);
  return (rows ?? []).map((r) => ({
    client_id: r.client_id, client_name: r.client_name, uptime_pct: pct(r.uptime_pct), incidents: r.incidents,
    ongoing: r.ongoing, needs_attention: r.needs_attention, accounts: r.accounts,
  }));
}

export interface ClientIncidentWeeks {
  client_id: string;
  client_name: string;
  /** One count per week, in the order of IncidentChart.weeks. */
  counts: number[];
  total: number;
}

export interface IncidentChart {
  /** Mondays (YYYY-MM-DD) starting each week. */
  weeks: string[];
  /** The same, as the window shows them ("30 Nov"). */
  week_labels: string[];
  /** Most incidents first. */
  clients: ClientIncidentWeeks[];
}

/** Each client's incidents per week over the last days. */
export async function incidentsPerWeek(days: number): Promise<IncidentChart> {
  const c = await History.IncidentsPerWeek(days);
  return {
    weeks: c?.weeks ?? [], week_labels: c?.week_labels ?? [],
    clients: (c?.clients ?? []).map((r) => ({ client_id: r.client_id, client_name: r.client_name, counts: r.counts ?? [], total: r.total })),
  };
}

// ---- client reports ----------------------------------------------------------

export type ReportFormat = 'pdf' | 'html';
export type Paper = 'a4' | 'letter';

/** How reports look; the backend checks and normalizes them. */
export interface ReportSettings {
  /** The freelancer's or agency's name; "" for none. */
  sender_name: string;
  /** #rrggbb. */
  accent: string;
  /** The logo's file name in the data folder; "" for none. Changed by chooseLogo and removeLogo only. */
  logo: string;
  /** Hide internal detail (ids, reason codes, check counts) from the client. */
  client_view: boolean;
  paper: string;
}

/** A period the report dialog offers, named by the backend ("November 2026"). */
export interface ReportPeriod {
  id: string;
  label: string;
}

export interface ReportRequest {
  /** "" with exportAllReports. */
  client_id: string;
  period: string;
  format: ReportFormat;
}

export interface SavedReport {
  client_id: string;
  client_name: string;
  path: string;
  format: string;
  accounts: number;
  incidents: number;
}

/** What an export wrote; folder "" (and no reports) when the user cancelled the dialog. */
export interface ReportsSaved {
  folder: string;
  reports: SavedReport[];
}

function reportSettings(r: backend.ReportSettings): ReportSettings {
  return { sender_name: r.sender_name, accent: r.accent, logo: r.logo, client_view: r.client_view, paper: r.paper };
}

function reportsSaved(r: main.ReportsSaved | null): ReportsSaved {
  const reports: SavedReport[] = r?.reports ?? [];
  return { folder: r?.folder ?? '', reports };
}

export async function getReportSettings(): Promise<ReportSettings> {
  return reportSettings(await Reports.ReportSettings());
}

/** Saves the settings (not the logo) and resolves to them as saved. */
export async function saveReportSettings(s: ReportSettings): Promise<ReportSettings> {
  const fields: Fields<backend.ReportSettings> = s;
  return reportSettings(await Reports.SaveReportSettings(backend.ReportSettings.createFrom(fields)));
}

/** Asks for a PNG or SVG file and makes it the logo; the settings unchanged when the user cancels. */
export async function chooseLogo(): Promise<ReportSettings> {
  return reportSettings(await Reports.ChooseLogo());
}

export async function removeLogo(): Promise<ReportSettings> {
  return reportSettings(await Reports.RemoveLogo());
}

export async function reportPeriods(): Promise<ReportPeriod[]> {
  return (await Reports.ReportPeriods()) ?? [];
}

/** Asks where to save one client's report (proposing its name) and writes it. */
export async function exportReport(req: ReportRequest): Promise<ReportsSaved> {
  const fields: Fields<main.ReportRequest> = req;
  return reportsSaved(await Reports.ExportReport(main.ReportRequest.createFrom(fields)));
}

/** Asks for a folder and writes one report per client into it. */
export async function exportAllReports(req: ReportRequest): Promise<ReportsSaved> {
  const fields: Fields<main.ReportRequest> = req;
  return reportsSaved(await Reports.ExportAllReports(main.ReportRequest.createFrom(fields)));
}

/** Opens a report (or a folder of reports) written this session. */
export async function openReport(path: string): Promise<void> {
  await Reports.OpenReport(path);
}

/** Opens the folder holding a report written this session. */
export async function showReportInFolder(path: string): Promise<void> {
  await Reports.ShowReportInFolder(path);
}
