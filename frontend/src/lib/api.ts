// The one place that talks to the Go backend. Everything else imports these
// functions and types, never wailsjs directly.
//
// The types below are plain data. The generated classes in wailsjs/go/models
// are assigned to them in each function, so if the Go view types change and
// the bindings are regenerated, `npm run check` points here.
import * as App from '../../wailsjs/go/main/App';
import * as Runtime from '../../wailsjs/runtime/runtime';

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
}

export interface ClientGroup {
  id: string;
  name: string;
  accounts: AccountView[];
}

export interface ProviderView {
  id: string;
  name: string;
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
  data_dir: string;
  counts: StatusCounts;
}

export interface ClientView {
  id: string;
  name: string;
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
}

export interface ScopeView {
  name: string;
  purpose: string;
}

/** A platform with its setup guide and what the user still has to set up. */
export interface ProviderSetup {
  id: string;
  name: string;
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
  assets_gained: string[];
  assets_lost: string[];
  identity_changed: boolean;
}

export interface ConnectResult {
  account: AccountView;
  /** Facebook Pages this login keeps alive. */
  children: AccountView[];
  changes: Changes;
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

export async function getOverview(): Promise<Overview> {
  const ov: Overview = await App.Overview();
  return ov;
}

export async function addClient(name: string): Promise<ClientView> {
  const c: ClientView = await App.AddClient(name);
  return c;
}

export async function renameClient(id: string, name: string): Promise<ClientView> {
  const c: ClientView = await App.RenameClient(id, name);
  return c;
}

export async function deleteClient(id: string): Promise<void> {
  await App.DeleteClient(id);
}

export async function importAccount(form: ImportForm): Promise<AccountView> {
  const a: AccountView = await App.ImportAccount(form);
  return a;
}

export async function renameAccount(id: string, label: string): Promise<AccountView> {
  const a: AccountView = await App.RenameAccount(id, label);
  return a;
}

export async function deleteAccount(id: string): Promise<DeleteResult> {
  const r: DeleteResult = await App.DeleteAccount(id);
  return { revoked: !!r?.revoked, note: r?.note ?? '', deleted: r?.deleted ?? 1 };
}

export async function accountHistory(id: string): Promise<EventView[]> {
  const events: EventView[] = await App.AccountHistory(id);
  return events ?? [];
}

export async function providerSetups(): Promise<ProviderSetup[]> {
  const list: ProviderSetup[] = (await App.ProviderSetups()) ?? [];
  return list.map((p) => ({ ...p, scopes: p.scopes ?? [] }));
}

/** Stores the developer app's client id and, when not empty, its secret (in the keychain). */
export async function setProviderCredentials(providerId: string, clientId: string, clientSecret: string): Promise<void> {
  await App.SetProviderCredentials(providerId, clientId, clientSecret);
}

export async function addCustomProvider(form: CustomProviderForm): Promise<void> {
  await App.AddCustomProvider(form);
}

function connectResult(r: App_ConnectResult): ConnectResult {
  const c = r.changes ?? {};
  return {
    account: r.account,
    children: r.children ?? [],
    changes: {
      scopes_gained: c.scopes_gained ?? [],
      scopes_lost: c.scopes_lost ?? [],
      assets_gained: c.assets_gained ?? [],
      assets_lost: c.assets_lost ?? [],
      identity_changed: !!c.identity_changed,
    },
  };
}

type App_ConnectResult = {
  account: AccountView;
  children: AccountView[] | null;
  changes: Partial<{ [K in keyof Changes]: Changes[K] | null }> | null;
};

/**
 * Logs in through the system browser and creates the account. Resolves when
 * the user has finished (up to 5 minutes); rejects with a sentence to show,
 * also when cancelConnect ended the attempt.
 */
export async function connect(form: ConnectForm): Promise<ConnectResult> {
  const r: App_ConnectResult = await App.Connect(form);
  return connectResult(r);
}

/** Logs in again for an existing account; keeps its id, label, client and history. */
export async function reconnect(accountId: string): Promise<ConnectResult> {
  const r: App_ConnectResult = await App.Reconnect(accountId);
  return connectResult(r);
}

/** Ends the login in progress; its connect/reconnect promise then rejects. */
export async function cancelConnect(): Promise<void> {
  await App.CancelConnect();
}

/** Answers onIdentityChanged: true replaces the account's login with the new user. */
export async function answerIdentityChange(replace: boolean): Promise<void> {
  await App.AnswerIdentityChange(replace);
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
