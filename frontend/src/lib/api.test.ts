import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  accountHistory,
  checkNow,
  connect,
  copyText,
  deleteAccount,
  errorText,
  getOverview,
  importAccount,
  notificationSettings,
  onAccountChecked,
  onAccountFocus,
  onCheckProgress,
  onConnectFinished,
  onConnectWaiting,
  onIdentityChanged,
  providerSetups,
  saveNotificationSettings,
  snooze,
} from './api';
import { account, bindGo, fakeRuntime, overview, setup } from '../test/fixtures';

type Bound = Record<string, (...args: unknown[]) => Promise<unknown>>;

function bind(methods: Bound) {
  bindGo(methods);
}

afterEach(() => {
  delete (window as unknown as { go?: unknown }).go;
  delete (window as unknown as { runtime?: unknown }).runtime;
});

describe('errorText', () => {
  it('shows the backend sentence verbatim (Wails rejects with a string)', () => {
    const msg = 'A client named "Acme Bakery" already exists. Pick another name.';
    expect(errorText(msg)).toBe(msg);
  });
  it('reads Error objects and message fields', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText({ message: 'from object' })).toBe('from object');
  });
  it('has a fallback for empty or odd rejections', () => {
    for (const v of ['', '  ', null, undefined, 42, {}]) {
      expect(errorText(v)).toMatch(/try again/i);
    }
  });
});

describe('bindings', () => {
  it('passes calls through to the Go methods', async () => {
    const ov = overview([]);
    const form = {
      client_id: 'cli_aaaaaaaaaaaa',
      provider: 'facebook',
      label: 'Page',
      access_token: 't',
      refresh_token: '',
      expires_at: '',
      replace: false,
    };
    const ImportAccount = vi.fn().mockResolvedValue({ account: { id: 'acc_x' }, duplicate: null });
    bind({ Overview: vi.fn().mockResolvedValue(ov), ImportAccount });
    await expect(getOverview()).resolves.toEqual(ov);
    await importAccount(form);
    expect(ImportAccount).toHaveBeenCalledWith(form);
  });

  it('turns a null history into an empty list', async () => {
    bind({ AccountHistory: vi.fn().mockResolvedValue(null) });
    await expect(accountHistory('acc_x')).resolves.toEqual([]);
  });

  it('rejects with the backend message', async () => {
    bind({ Overview: vi.fn().mockRejectedValue('The data folder is locked.') });
    await expect(getOverview()).rejects.toBe('The data folder is locked.');
  });
});

describe('connect bindings', () => {
  it('turns the nulls Go sends for empty lists into empty lists', async () => {
    bind({
      Connect: vi.fn().mockResolvedValue({
        account: account(),
        children: null,
        changes: { scopes_gained: null, scopes_lost: ['x'], assets_gained: null, assets_lost: null, identity_changed: false },
      }),
      ProviderSetups: vi.fn().mockResolvedValue([{ ...setup(), scopes: null }]),
      DeleteAccount: vi.fn().mockResolvedValue({ revoked: false, note: '', deleted: 1 }),
    });
    const r = await connect({ client_id: 'c', provider: 'facebook', label: '', scopes: ['a'] });
    expect(r.children).toEqual([]);
    expect(r.changes).toEqual({
      scopes_gained: [],
      scopes_lost: ['x'],
      scopes_not_granted: [],
      assets_kept: [],
      assets_gained: [],
      assets_lost: [],
      identity_changed: false,
    });
    expect((await providerSetups())[0].scopes).toEqual([]);
    await expect(deleteAccount('acc')).resolves.toEqual({ revoked: false, note: '', deleted: 1 });
  });
});

describe('events', () => {
  it('subscribes to the backend events and unsubscribes', () => {
    const rt = fakeRuntime();
    const urls: string[] = [];
    const off = onConnectWaiting((u) => urls.push(u));
    const changes: unknown[] = [];
    const off2 = onIdentityChanged((c) => changes.push(c));
    rt.emit('connect:waiting', 'https://login.example/auth');
    rt.emit('connect:identity-changed', { old: {}, new: {} });
    off();
    off2();
    rt.emit('connect:waiting', 'https://later');
    expect(urls).toEqual(['https://login.example/auth']);
    expect(changes).toHaveLength(1);
    expect(rt.listening('connect:waiting')).toBe(0);
  });

  it('does nothing without the Wails runtime instead of throwing', async () => {
    const off = onConnectWaiting(() => {});
    expect(typeof off).toBe('function');
    off();
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: vi.fn().mockRejectedValue(new Error('no')) }, configurable: true });
    await expect(copyText('x')).resolves.toBe(false);
  });
});

describe('monitoring bindings', () => {
  it('turns the nulls Go sends into empty values', async () => {
    const raw = account({ usage: undefined as unknown as Record<string, string>, scopes: null as unknown as string[] });
    bind({
      Overview: vi.fn().mockResolvedValue({ ...overview([]), warnings: null, groups: [{ id: 'c', name: 'C', accounts: [raw] }] }),
      CheckNow: vi.fn().mockResolvedValue({
        checked: 1,
        renewed: 0,
        attention: 0,
        results: [{ account_id: 'a', label: 'A', findings: null, next_check_at: null, verdict: 'none', skipped: false }],
      }),
      NotificationSettings: vi.fn().mockResolvedValue({ enabled: true, thresholds: null, quiet_hours: null, start_at_login: false, warning_days: 7 }),
      Snooze: vi.fn().mockResolvedValue(''),
    });
    const ov = await getOverview();
    expect(ov.warnings).toEqual([]);
    expect(ov.groups[0].accounts[0].usage).toEqual({});
    expect(ov.groups[0].accounts[0].scopes).toEqual([]);
    const sum = await checkNow();
    expect(sum.results[0]).toMatchObject({ findings: [], next_check_at: '', error: '' });
    expect(await notificationSettings()).toEqual({
      enabled: true,
      thresholds: [],
      quiet_hours: { enabled: false, start: '', end: '' },
      start_at_login: false,
      warning_days: 7,
    });
    await expect(snooze('acc', 0)).resolves.toBe('');
  });

  it('passes the scope of a check and the settings through', async () => {
    const CheckNow = vi.fn().mockResolvedValue({ checked: 0, renewed: 0, attention: 0, results: null });
    const SaveNotificationSettings = vi.fn((s: unknown) => Promise.resolve(s));
    bind({ CheckNow, SaveNotificationSettings });
    await checkNow('', 'cli_1');
    expect(CheckNow).toHaveBeenCalledWith('', 'cli_1');
    const s = { enabled: false, thresholds: [3], quiet_hours: { enabled: true, start: '22:00', end: '07:00' }, start_at_login: true, warning_days: 5 };
    await expect(saveNotificationSettings(s)).resolves.toEqual(s);
    expect(SaveNotificationSettings).toHaveBeenCalledWith(s);
  });

  it('delivers the monitoring events in their plain form', () => {
    const rt = fakeRuntime();
    const got: unknown[] = [];
    const offs = [
      onCheckProgress((p) => got.push(['progress', p])),
      onAccountChecked((r) => got.push(['checked', r.account_id, r.findings])),
      onAccountFocus((id) => got.push(['focus', id])),
      onConnectFinished((f) => got.push(['finished', f])),
    ];
    rt.emit('check:progress', { done: 2, total: 5 });
    rt.emit('account:checked', { account_id: 'acc_1', findings: null });
    rt.emit('account:focus', 'acc_1');
    rt.emit('account:focus', 42); // malformed: ignored
    rt.emit('connect:finished', { account_id: 'acc_1', error: 'The login was cancelled.' });
    rt.emit('connect:finished', { account_id: 'acc_2', result: { account: account(), children: null, changes: null } });
    offs.forEach((off) => off());
    expect(got.slice(0, 4)).toEqual([
      ['progress', { done: 2, total: 5 }],
      ['checked', 'acc_1', []],
      ['focus', 'acc_1'],
      ['finished', { account_id: 'acc_1', result: undefined, error: 'The login was cancelled.' }],
    ]);
    const last = got[4] as [string, { result: { children: unknown[] } }];
    expect(last[1].result.children).toEqual([]);
    expect(rt.listening('account:checked')).toBe(0);
  });
});
