import { vi } from 'vitest';
import type {
  AccountView,
  BackupSchedule,
  CheckResult,
  CheckSummary,
  ClientGroup,
  ConnectResult,
  NotificationSettings,
  Overview,
  ProviderSetup,
} from '../lib/api';

export function account(over: Partial<AccountView> = {}): AccountView {
  const status = over.status ?? 'healthy';
  // As the backend decides them: a Page follows its login; an imported account can also take a new token.
  const fixes = over.parent_id ? ['reconnect_login'] : over.connected ? ['reconnect'] : ['reconnect', 'replace_token'];
  return {
    id: 'acc_aaaaaaaaaaaa',
    client_id: 'cli_aaaaaaaaaaaa',
    client_name: 'Acme Bakery',
    provider: 'facebook',
    provider_name: 'Facebook',
    label: 'Acme Page',
    status: 'healthy',
    expires_at: '2026-12-01T10:00:00Z',
    expires_phrase: 'in 30 days',
    has_refresh_token: false,
    reason: '',
    created_at: '2026-11-01T10:00:00Z',
    kind: '',
    parent_id: '',
    identity_name: '',
    identity_email: '',
    identity_handle: '',
    scopes: [],
    connected_at: '',
    connected: false,
    renews: false,
    // Without renewal the reconnect-by date is the token's own expiry, as the backend says.
    reconnect_by: over.expires_at ?? '2026-12-01T10:00:00Z',
    reconnect_phrase: over.expires_phrase ?? 'in 30 days',
    last_checked_at: '',
    last_checked_phrase: '',
    next_check_at: '',
    problem: '',
    action: '',
    last_error: '',
    check_problem: '',
    unverified_since: '',
    usage: {},
    snoozed_until: '',
    needs_attention: ['invalid', 'expired', 'expiring'].includes(status),
    fixes,
    status_changes_at: '',
    lost_by_login: false,
    ...over,
  };
}

export function group(name: string, id: string, accounts: AccountView[]): ClientGroup {
  return { id, name, contact: '', notes: '', accounts: accounts.map((a) => ({ ...a, client_id: id, client_name: name })) };
}

export function overview(groups: ClientGroup[], over: Partial<Overview> = {}): Overview {
  const counts = { total: 0, healthy: 0, expiring: 0, expired: 0, invalid: 0, unknown: 0 };
  for (const g of groups)
    for (const a of g.accounts) {
      counts.total++;
      const k = a.status as keyof typeof counts;
      if (k in counts && k !== 'total') counts[k]++;
      else counts.unknown++;
    }
  return {
    groups,
    providers: [
      { id: 'facebook', name: 'Facebook', child_assets: 'Pages' },
      { id: 'instagram', name: 'Instagram', child_assets: '' },
    ],
    keychain_problem: '',
    warnings: [],
    data_dir: '/tmp/tw',
    counts,
    ...over,
  };
}

export function setup(over: Partial<ProviderSetup> = {}): ProviderSetup {
  return {
    id: 'facebook',
    name: 'Facebook',
    child_assets: 'Pages',
    custom: false,
    configured: false,
    missing_setup: 'client id',
    client_id: '',
    has_secret: false,
    needs_secret: true,
    redirect_uri: 'http://127.0.0.1:53682/callback',
    setup: 'Create a Business app at developers.facebook.com/apps.\nAdd exactly http://127.0.0.1:53682/callback as a redirect URI.\nCopy the App ID and App Secret.',
    console_url: 'https://developers.facebook.com/apps',
    scopes: [
      { name: 'public_profile', purpose: 'Shows whose Facebook account this is.' },
      { name: 'pages_show_list', purpose: 'Lists the Pages this person manages.' },
      { name: 'pages_manage_posts', purpose: 'Publishes posts on the Pages.' },
    ],
    ...over,
  };
}

/** A connected Facebook login, as Connect resolves. */
export function connectResult(over: Partial<ConnectResult> = {}): ConnectResult {
  const login = account({
    id: 'acc_login',
    label: 'Anna Smith',
    identity_name: 'Anna Smith',
    identity_email: 'anna@example.com',
    scopes: ['public_profile', 'pages_show_list', 'pages_manage_posts'],
    connected: true,
    connected_at: '2026-11-20T10:00:00Z',
  });
  return {
    account: login,
    children: ['Florist', 'Gym'].map((name, i) =>
      account({ id: `acc_page${i}`, label: name, kind: 'page', parent_id: 'acc_login', connected: true }),
    ),
    lost: [],
    changes: {
      scopes_gained: [],
      scopes_lost: [],
      scopes_not_granted: [],
      assets_kept: [],
      assets_gained: [],
      assets_lost: [],
      identity_changed: false,
    },
    also: [],
    not_fixed: [],
    ...over,
  };
}

/**
 * fakeRuntime puts a stand-in for the Wails runtime on window.runtime, as
 * wailsjs/runtime/runtime.js calls it, and lets a test emit Go's events.
 */
export function fakeRuntime() {
  const listeners = new Map<string, Set<(...data: unknown[]) => void>>();
  const runtime = {
    EventsOnMultiple: vi.fn((name: string, cb: (...data: unknown[]) => void) => {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)!.add(cb);
      return () => listeners.get(name)?.delete(cb);
    }),
    EventsOff: vi.fn((...names: string[]) => names.forEach((n) => listeners.delete(n))),
    BrowserOpenURL: vi.fn(),
    ClipboardSetText: vi.fn().mockResolvedValue(true),
  };
  (window as unknown as { runtime: unknown }).runtime = runtime;
  return {
    runtime,
    emit(name: string, ...data: unknown[]) {
      for (const cb of listeners.get(name) ?? []) cb(...data);
    },
    listening(name: string): number {
      return listeners.get(name)?.size ?? 0;
    },
  };
}

/** One account's check, as CheckNow and the account:checked event report it. */
export function checkResult(over: Partial<CheckResult> = {}): CheckResult {
  return {
    account_id: 'acc_aaaaaaaaaaaa',
    label: 'Acme Page',
    client_id: 'cli_aaaaaaaaaaaa',
    client_name: 'Acme Bakery',
    provider: 'facebook',
    before: 'healthy',
    after: 'healthy',
    refreshed: false,
    verdict: 'valid',
    reason: '',
    message: 'Facebook accepts the token of "Acme Page".',
    findings: [],
    next_check_at: '2026-11-21T10:00:00Z',
    skipped: false,
    error: '',
    ...over,
  };
}

/** CheckNow's summary of results, counted as the backend counts them. */
export function checkSummary(results: CheckResult[]): CheckSummary {
  const attention = results.filter(
    (r) => ['invalid', 'expired', 'expiring'].includes(r.after) || r.reason === 'scope_missing' || r.reason === 'app_misconfigured',
  ).length;
  return { checked: results.length, renewed: results.filter((r) => r.refreshed).length, attention, results };
}

export function notificationSettings(over: Partial<NotificationSettings> = {}): NotificationSettings {
  return {
    enabled: true,
    thresholds: [7, 3, 1, 0],
    quiet_hours: { enabled: false, start: '22:00', end: '08:00' },
    start_at_login: false,
    warning_days: 7,
    ...over,
  };
}

type Fn = ReturnType<typeof vi.fn>;

/**
 * fakeBackend puts a stand-in for the Go bindings on window.go: every
 * method the window calls, resolving to harmless values, with Overview
 * serving ov. Tests override single methods on the returned object.
 */
export function backupSchedule(over: Partial<BackupSchedule> = {}): BackupSchedule {
  return { enabled: false, folder: '', keep: 10, every_hours: 24, last_run_at: '', last_file: '', last_error: '', next_at: '', ...over };
}

export function fakeBackend(ov: Overview, over: Record<string, Fn> = {}): Record<string, Fn> {
  const backend: Record<string, Fn> = {
    Overview: vi.fn().mockResolvedValue(ov),
    // The rows asked for, as the overview has them; a missing id is a deleted account.
    Entries: vi.fn((ids: string[]) =>
      Promise.resolve(ov.groups.flatMap((g) => g.accounts).filter((a) => ids.includes(a.id))),
    ),
    AddClient: vi.fn(),
    RenameClient: vi.fn(),
    DeleteClient: vi.fn(),
    ImportAccount: vi.fn(),
    RenameAccount: vi.fn(),
    DeleteAccount: vi.fn(),
    AccountHistory: vi.fn().mockResolvedValue([]),
    ProviderSetups: vi.fn().mockResolvedValue([]),
    SetProviderCredentials: vi.fn().mockResolvedValue(undefined),
    AddCustomProvider: vi.fn(),
    Connect: vi.fn(),
    Reconnect: vi.fn(),
    CancelConnect: vi.fn().mockResolvedValue(undefined),
    AnswerIdentityChange: vi.fn().mockResolvedValue(undefined),
    CheckNow: vi.fn().mockResolvedValue(checkSummary([])),
    CancelCheck: vi.fn().mockResolvedValue(undefined),
    NotificationSettings: vi.fn().mockResolvedValue(notificationSettings()),
    SaveNotificationSettings: vi.fn((s: NotificationSettings) => Promise.resolve(s)),
    Snooze: vi.fn().mockResolvedValue(''),
    SetWindowTheme: vi.fn().mockResolvedValue(undefined),
    ReplaceToken: vi.fn(),
    MoveAccount: vi.fn(),
    EditClient: vi.fn(),
    FixPlan: vi.fn().mockResolvedValue({ steps: [], accounts: 0 }),
    FixLogin: vi.fn(),
    Schedule: vi.fn().mockResolvedValue(backupSchedule()),
    SaveSchedule: vi.fn(),
    DataFolder: vi.fn().mockResolvedValue({ data_dir: '/home/me/.config/tokenwarden', empty: true }),
    ChooseBackupFile: vi.fn().mockResolvedValue(''),
    ChooseBackupDestination: vi.fn().mockResolvedValue(''),
    ChooseBackupFolder: vi.fn().mockResolvedValue(''),
    Backup: vi.fn(),
    Restore: vi.fn(),
    QuitAfterRestore: vi.fn().mockResolvedValue(undefined),
    ...over,
  };
  bindGo(backend);
  return backend;
}

/** The Go services the window binds; each reads window.go.main.<Service>.<Method>. */
const services = ['AccountsService', 'ConnectService', 'ChecksService', 'HistoryService', 'SettingsService', 'BackupService', 'ReportService'];

/** Installs fake Go methods, by name, as every bound service's. */
export function bindGo(methods: object) {
  (window as unknown as { go: unknown }).go = { main: Object.fromEntries(services.map((s) => [s, methods])) };
}
