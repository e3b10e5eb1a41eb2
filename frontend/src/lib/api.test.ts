import { afterEach, describe, expect, it, vi } from 'vitest';
import { accountHistory, errorText, getOverview, importAccount } from './api';
import { overview } from '../test/fixtures';

type Bound = Record<string, (...args: unknown[]) => Promise<unknown>>;

function bind(methods: Bound) {
  (window as unknown as { go: unknown }).go = { main: { App: methods } };
}

afterEach(() => {
  delete (window as unknown as { go?: unknown }).go;
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
