import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  accountHistory,
  connect,
  copyText,
  deleteAccount,
  errorText,
  getOverview,
  importAccount,
  onConnectWaiting,
  onIdentityChanged,
  providerSetups,
} from './api';
import { account, fakeRuntime, overview, setup } from '../test/fixtures';

type Bound = Record<string, (...args: unknown[]) => Promise<unknown>>;

function bind(methods: Bound) {
  (window as unknown as { go: unknown }).go = { main: { App: methods } };
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
    };
    const ImportAccount = vi.fn().mockResolvedValue({ id: 'acc_x' });
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
    expect(r.changes).toEqual({ scopes_gained: [], scopes_lost: ['x'], assets_gained: [], assets_lost: [], identity_changed: false });
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
