// Component tests of the whole window against a fake backend on window.go.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import { account, bindGo, group, overview } from './test/fixtures';
import type { Overview } from './lib/api';

type Fn = ReturnType<typeof vi.fn>;
let backend: Record<string, Fn>;

function serve(ov: Overview | (() => Promise<Overview>)) {
  backend = {
    Overview: vi.fn(typeof ov === 'function' ? ov : () => Promise.resolve(ov)),
    AddClient: vi.fn(),
    RenameClient: vi.fn(),
    DeleteClient: vi.fn(),
    ImportAccount: vi.fn(),
    RenameAccount: vi.fn(),
    DeleteAccount: vi.fn(),
    AccountHistory: vi.fn().mockResolvedValue([]),
  };
  bindGo(backend);
}

beforeEach(() => {
  localStorage.clear();
});

afterEach(() => {
  cleanup();
  delete (window as unknown as { go?: unknown }).go;
});

const twoClients = () =>
  overview([
    group('Acme Bakery', 'cli_acme00000000', [
      account({ id: 'acc_1', label: 'Acme Page', status: 'expiring', expires_phrase: 'in 3 days', has_refresh_token: true }),
      account({ id: 'acc_2', label: 'Acme Insta', provider: 'instagram', provider_name: 'Instagram', status: 'unknown', expires_phrase: '', expires_at: '' }),
    ]),
    group('Northwind', 'cli_north0000000', [account({ id: 'acc_3', label: 'Company Page', status: 'healthy' })]),
  ]);

describe('App', () => {
  it('greets a new user with what to do first', async () => {
    serve(overview([]));
    render(App);
    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toMatch(/keychain/);
    expect(within(empty).getByRole('button', { name: /add your first client/i })).toBeTruthy();
    expect(within(empty).getByRole('button', { name: /import token/i })).toBeTruthy();
  });

  it('shows the reason in the whole window when the overview fails, and retries', async () => {
    let fail = true;
    serve(() => (fail ? Promise.reject('This data was written by a newer version of Tokenwarden.') : Promise.resolve(overview([]))));
    render(App);
    expect((await screen.findByTestId('load-error-message')).textContent).toBe(
      'This data was written by a newer version of Tokenwarden.',
    );
    expect(screen.queryByTestId('app-header')).toBeNull();
    fail = false;
    await fireEvent.click(screen.getByTestId('load-error-retry'));
    await screen.findByTestId('empty-state');
  });

  it('shows a banner when the keychain has a problem', async () => {
    serve(overview([], { keychain_problem: 'The keychain is locked. Unlock your login keyring and try again.' }));
    render(App);
    const banner = await screen.findByTestId('keychain-banner');
    expect(banner.textContent).toContain('The keychain is locked. Unlock your login keyring and try again.');
  });

  it('lists clients and accounts in the backend order with words for status and expiry', async () => {
    serve(twoClients());
    render(App);
    const rows = await screen.findAllByTestId('account-row');
    expect(rows.map((r) => within(r).getByTestId('account-label').textContent)).toEqual([
      'Acme Page',
      'Acme Insta',
      'Company Page',
    ]);
    expect(within(rows[0]).getByTestId('account-status').textContent).toBe('Expiring');
    expect(within(rows[0]).getByTestId('account-expiry').textContent).toBe('Expires in 3 days');
    expect(within(rows[1]).getByTestId('account-expiry').textContent).toBe('Expiry unknown');
    expect(screen.getByTestId('summary-expiring-count').textContent).toBe('1');
    expect(screen.getByTestId('summary-healthy-count').textContent).toBe('1');
  });

  it('filters with the search box', async () => {
    serve(twoClients());
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: 'instagram' } });
    const rows = screen.getAllByTestId('account-row');
    expect(rows).toHaveLength(1);
    expect(screen.getAllByTestId('client-card')).toHaveLength(1);
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: 'nothing like it' } });
    expect(screen.getByTestId('no-match')).toBeTruthy();
  });

  it('imports a token with the expiry in UTC, then forgets the token', async () => {
    serve(twoClients());
    backend.ImportAccount.mockResolvedValue({ account: account({ id: 'acc_9', label: 'New Page' }), duplicate: null });
    render(App);
    await screen.findAllByTestId('account-row');

    await fireEvent.click(screen.getByTestId('import-token-button'));
    const dialog = await screen.findByTestId('dialog-import');
    await fireEvent.change(within(dialog).getByLabelText('Client'), { target: { value: 'cli_north0000000' } });
    await fireEvent.change(within(dialog).getByLabelText('Platform'), { target: { value: 'facebook' } });
    await fireEvent.input(within(dialog).getByLabelText('Account label'), { target: { value: 'New Page' } });
    const token = within(dialog).getByLabelText('Access token') as HTMLInputElement;
    expect(token.type).toBe('password');
    await fireEvent.input(token, { target: { value: 'secret-token-1' } });
    const local = '2026-12-01T10:00';
    await fireEvent.input(within(dialog).getByLabelText(/Expires/), { target: { value: local } });
    await fireEvent.click(within(dialog).getByTestId('dialog-submit'));

    await waitFor(() => expect(backend.ImportAccount).toHaveBeenCalledOnce());
    expect(backend.ImportAccount).toHaveBeenCalledWith({
      client_id: 'cli_north0000000',
      provider: 'facebook',
      label: 'New Page',
      access_token: 'secret-token-1',
      refresh_token: '',
      expires_at: new Date(2026, 11, 1, 10, 0).toISOString().replace('.000Z', 'Z'),
      replace: false,
    });
    await waitFor(() => expect(screen.queryByTestId('dialog-import')).toBeNull());
    expect(document.body.innerHTML).not.toContain('secret-token-1');
    expect(backend.Overview.mock.calls.length).toBeGreaterThanOrEqual(2); // refreshed after the change
  });

  it('keeps the form and shows the backend sentence when the import fails', async () => {
    serve(twoClients());
    backend.ImportAccount.mockRejectedValue('The access token is empty. Paste the token from the platform.');
    render(App);
    await screen.findAllByTestId('account-row');
    const acme = screen.getAllByTestId('client-card')[0];
    await fireEvent.click(within(acme).getByTestId('client-import'));
    const dialog = await screen.findByTestId('dialog-import');
    expect((within(dialog).getByLabelText('Client') as HTMLSelectElement).value).toBe('cli_acme00000000');
    await fireEvent.input(within(dialog).getByLabelText('Account label'), { target: { value: 'Kept' } });
    await fireEvent.click(within(dialog).getByTestId('dialog-submit'));
    expect((await within(dialog).findByTestId('dialog-error')).textContent).toBe(
      'The access token is empty. Paste the token from the platform.',
    );
    expect((within(dialog).getByLabelText('Account label') as HTMLInputElement).value).toBe('Kept');
  });

  it('closes a dialog with Escape', async () => {
    serve(twoClients());
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(screen.getByTestId('add-client-button'));
    const dialog = await screen.findByTestId('dialog-add-client');
    await fireEvent(dialog, new Event('cancel', { cancelable: true }));
    await waitFor(() => expect(screen.queryByTestId('dialog-add-client')).toBeNull());
  });

  it('opens the account panel with its history', async () => {
    serve(twoClients());
    backend.AccountHistory.mockResolvedValue([
      {
        id: 1,
        time: '2026-11-20T10:00:00Z',
        time_phrase: '3 days ago',
        client_name: 'Acme Bakery',
        account_id: 'acc_1',
        account_label: 'Acme Page',
        provider: 'facebook',
        kind: 'account.imported',
        outcome: 'ok',
        reason: '',
        message: 'Facebook account "Acme Page" imported by hand.',
      },
    ]);
    render(App);
    const rows = await screen.findAllByTestId('account-row');
    await fireEvent.click(rows[0]);
    const panel = await screen.findByTestId('account-panel');
    expect(within(panel).getByTestId('panel-title').textContent).toBe('Acme Page');
    const item = await within(panel).findByTestId('history-item');
    expect(item.textContent).toContain('Imported');
    expect(item.textContent).toContain('3 days ago');
    expect(backend.AccountHistory).toHaveBeenCalledWith('acc_1');
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('account-panel')).toBeNull());
  });

  it('toggles the theme and remembers it', async () => {
    serve(overview([]));
    render(App);
    await screen.findByTestId('empty-state');
    expect(document.documentElement.dataset.theme).toBe('light');
    await fireEvent.click(screen.getByTestId('theme-toggle'));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('tokenwarden.theme')).toBe('dark');
  });
});
