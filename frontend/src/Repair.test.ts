// Fixing accounts from the window: an imported account's row and panel, an
// import that matches an existing account, the bulk fix, the first-run
// checklist, the identity change, and toasts that go away on their own.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import IdentityChangeDialog from './components/IdentityChangeDialog.svelte';
import Toasts from './components/Toasts.svelte';
import { account, connectResult, fakeBackend, fakeRuntime, group, overview, setup } from './test/fixtures';
import type { FixPlan, FixStep } from './lib/api';

beforeEach(() => {
  localStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  delete (window as unknown as { go?: unknown }).go;
  delete (window as unknown as { runtime?: unknown }).runtime;
});

const imported = account({
  id: 'acc_imp000000000',
  label: 'Acme YouTube',
  provider: 'google',
  provider_name: 'Google / YouTube',
  status: 'expired',
  expires_phrase: '2 days ago',
});

function withImported() {
  return overview([
    group('Acme Bakery', 'cli_acme00000000', [imported]),
    group('Northwind', 'cli_north0000000', [account({ id: 'acc_nw0000000000', label: 'Company Page', connected: true })]),
  ]);
}

function step(id: string, label: string, over: Partial<FixStep> = {}): FixStep {
  return {
    account_id: id, also: [], label, client_name: 'Acme Bakery', provider: 'mock', provider_name: 'Acme SSO', who: '',
    imported: true, fixes: [{ account_id: id, label, client_name: 'Acme Bakery', status: 'expired' }], blocked: '', ...over,
  };
}

describe('an imported account that needs the user', () => {
  it('offers Reconnect and Replace token in its row; Replace token keeps the account', async () => {
    const backend = fakeBackend(withImported());
    backend.ReplaceToken.mockResolvedValue({ ...imported, status: 'unknown', needs_attention: false });
    render(App);
    const row = (await screen.findAllByTestId('account-row')).find((r) => r.dataset.accountId === imported.id)!;
    const li = row.closest<HTMLElement>('.line')!;
    expect(within(li).getByTestId('row-reconnect')).toBeTruthy();
    await fireEvent.click(within(li).getByTestId('row-replace-token'));

    const dialog = await screen.findByTestId('dialog-replace-token');
    await fireEvent.input(within(dialog).getByLabelText('New access token'), { target: { value: 'ya29-new-SECRET' } });
    await fireEvent.click(within(dialog).getByTestId('replace-submit'));
    await waitFor(() =>
      expect(backend.ReplaceToken).toHaveBeenCalledWith(imported.id, { access_token: 'ya29-new-SECRET', refresh_token: '', expires_at: '' }),
    );
    await waitFor(() => expect(screen.queryByTestId('dialog-replace-token')).toBeNull());
    expect((await screen.findByTestId('toast-text')).textContent).toMatch(/Replaced the token of “Acme YouTube”/);
    expect(document.body.innerHTML).not.toContain('ya29-new-SECRET');
  });

  it('its panel offers Replace token, moving to another client and the client’s contact and notes', async () => {
    const backend = fakeBackend(withImported());
    backend.MoveAccount.mockResolvedValue({ ...imported, client_id: 'cli_north0000000', client_name: 'Northwind' });
    backend.EditClient.mockResolvedValue({ id: 'cli_acme00000000', name: 'Acme Bakery', contact: 'Dana', notes: 'Call first' });
    render(App);
    const row = (await screen.findAllByTestId('account-row')).find((r) => r.dataset.accountId === imported.id)!;
    await fireEvent.click(row);
    const panel = await screen.findByTestId('account-panel');
    expect(within(panel).getByTestId('panel-reconnect')).toBeTruthy();
    expect(within(panel).getByTestId('panel-replace-token')).toBeTruthy();

    await fireEvent.change(within(panel).getByTestId('panel-move-select'), { target: { value: 'cli_north0000000' } });
    await fireEvent.click(within(panel).getByTestId('panel-move'));
    await waitFor(() => expect(backend.MoveAccount).toHaveBeenCalledWith(imported.id, 'cli_north0000000'));
    expect((await screen.findAllByTestId('toast-text')).some((t) => /Moved “Acme YouTube” to Northwind/.test(t.textContent ?? ''))).toBe(true);

    await fireEvent.click(within(panel).getByTestId('panel-edit-client'));
    const dialog = await screen.findByTestId('dialog-client-details');
    await fireEvent.input(within(dialog).getByLabelText('Contact'), { target: { value: 'Dana' } });
    await fireEvent.input(within(dialog).getByLabelText('Notes'), { target: { value: 'Call first' } });
    await fireEvent.click(within(dialog).getByTestId('client-details-save'));
    await waitFor(() => expect(backend.EditClient).toHaveBeenCalledWith('cli_acme00000000', 'Dana', 'Call first'));
  });

  it('a Page has no Replace token: its login is its fix', async () => {
    const page = account({ id: 'acc_page00000000', label: 'Bakery Page', parent_id: 'acc_login0000000', status: 'invalid', connected: true });
    fakeBackend(overview([group('Acme Bakery', 'cli_acme00000000', [page])]));
    render(App);
    const row = await screen.findByTestId('account-row');
    expect(within(row.closest<HTMLElement>('.line')!).queryByTestId('row-replace-token')).toBeNull();
    expect(within(row.closest<HTMLElement>('.line')!).queryByTestId('row-reconnect')).toBeNull();
  });
});

describe('import that matches an existing account', () => {
  it('offers to replace that account’s token instead of adding a duplicate', async () => {
    const backend = fakeBackend(withImported());
    backend.ImportAccount.mockResolvedValueOnce({ account: null, duplicate: imported }).mockResolvedValueOnce({
      account: imported,
      duplicate: null,
    });
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(screen.getByTestId('import-token-button'));
    const dialog = await screen.findByTestId('dialog-import');
    await fireEvent.change(within(dialog).getByLabelText('Client'), { target: { value: 'cli_acme00000000' } });
    await fireEvent.change(within(dialog).getByLabelText('Platform'), { target: { value: 'facebook' } });
    await fireEvent.input(within(dialog).getByLabelText('Account label'), { target: { value: 'acme youtube' } });
    await fireEvent.input(within(dialog).getByLabelText('Access token'), { target: { value: 'tok-SECRET' } });
    await fireEvent.click(within(dialog).getByTestId('dialog-submit'));

    const offer = await within(dialog).findByTestId('import-duplicate');
    expect(offer.textContent).toMatch(/Acme Bakery already has a Google \/ YouTube account “Acme YouTube”/);
    expect(within(dialog).getByTestId('dialog-submit').textContent).toMatch(/Replace its token/);
    await fireEvent.click(within(dialog).getByTestId('dialog-submit'));
    await waitFor(() => expect(backend.ImportAccount).toHaveBeenCalledTimes(2));
    expect(backend.ImportAccount.mock.calls[0][0].replace).toBe(false);
    expect(backend.ImportAccount.mock.calls[1][0].replace).toBe(true);
    await waitFor(() => expect(screen.queryByTestId('dialog-import')).toBeNull());
  });
});

describe('bulk fix', () => {
  it('runs one login after another with progress, Skip, and a summary', async () => {
    fakeRuntime();
    const three = [
      account({ id: 'acc_a00000000000', label: 'One', status: 'expired' }),
      account({ id: 'acc_b00000000000', label: 'Two', status: 'expired' }),
      account({ id: 'acc_c00000000000', label: 'Three', status: 'invalid' }),
    ];
    const plan: FixPlan = { accounts: 3, steps: three.map((a) => step(a.id, a.label)) };
    let skipped: (reason: string) => void = () => {};
    const backend = fakeBackend(overview([group('Acme Bakery', 'cli_acme00000000', three)]), {
      FixPlan: vi.fn().mockResolvedValue(plan),
      FixLogin: vi.fn((id: string) => {
        if (id === 'acc_b00000000000') return new Promise((_, reject) => (skipped = reject));
        return Promise.resolve(connectResult({ account: { ...three[0], id }, children: [] }));
      }),
      CancelConnect: vi.fn(() => {
        skipped('The login was cancelled.');
        return Promise.resolve();
      }),
    });
    render(App);
    // Per client and on the list.
    const card = await screen.findByTestId('client-card');
    expect(within(card).getByTestId('client-fix').textContent).toMatch(/Fix 3 accounts/);
    await fireEvent.click(screen.getByTestId('fix-all'));

    const dialog = await screen.findByTestId('dialog-bulk-fix');
    expect(backend.FixPlan).toHaveBeenCalledWith('');
    expect((await within(dialog).findAllByTestId('bulk-plan-step')).length).toBe(3);
    await fireEvent.click(within(dialog).getByTestId('bulk-start'));

    await waitFor(() => expect(within(dialog).getByTestId('bulk-progress-text').textContent).toBe('Login 2 of 3'));
    expect(within(dialog).getByTestId('bulk-current').textContent).toMatch(/Two/);
    await waitFor(() => expect(backend.FixLogin).toHaveBeenCalledTimes(2)); // login 2 is waiting in the browser
    await fireEvent.click(within(dialog).getByTestId('bulk-skip'));

    const sum = await within(dialog).findByTestId('bulk-summary');
    expect(sum.textContent).toBe('2 of 3 accounts fixed; 1 login skipped.');
    expect(within(dialog).getAllByTestId('bulk-result').map((r) => r.dataset.outcome)).toEqual(['fixed', 'skipped', 'fixed']);
    expect(backend.FixLogin.mock.calls.map((c: unknown[]) => c[0])).toEqual(['acc_a00000000000', 'acc_b00000000000', 'acc_c00000000000']);
  });

  it('Stop ends the run; the rest is counted as not done', async () => {
    fakeRuntime();
    const plan: FixPlan = { accounts: 2, steps: [step('acc_a00000000000', 'One'), step('acc_b00000000000', 'Two')] };
    let reject: (reason: string) => void = () => {};
    const backend = fakeBackend(overview([group('Acme', 'cli_acme00000000', [account({ status: 'expired' })])]), {
      FixPlan: vi.fn().mockResolvedValue(plan),
      FixLogin: vi.fn(() => new Promise((_, r) => (reject = r))),
      CancelConnect: vi.fn(() => {
        reject('cancelled');
        return Promise.resolve();
      }),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('fix-all'));
    const dialog = await screen.findByTestId('dialog-bulk-fix');
    await fireEvent.click(await within(dialog).findByTestId('bulk-start'));
    await within(dialog).findByTestId('bulk-progress-text');
    await fireEvent.click(within(dialog).getByTestId('bulk-stop'));
    expect((await within(dialog).findByTestId('bulk-summary')).textContent).toBe('0 of 2 accounts fixed; 2 logins not done (stopped).');
    expect(backend.FixLogin).toHaveBeenCalledOnce();
  });

  it('a blocked step is not started and says why', async () => {
    fakeRuntime();
    const plan: FixPlan = { accounts: 1, steps: [step('acc_a00000000000', 'One', { blocked: 'Set up Acme SSO first.' })] };
    const backend = fakeBackend(overview([group('Acme', 'cli_acme00000000', [account({ status: 'expired' })])]), {
      FixPlan: vi.fn().mockResolvedValue(plan),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('fix-all'));
    const dialog = await screen.findByTestId('dialog-bulk-fix');
    expect((await within(dialog).findByTestId('bulk-blocked')).textContent).toBe('Set up Acme SSO first.');
    await fireEvent.click(within(dialog).getByTestId('bulk-start'));
    expect((await within(dialog).findByTestId('bulk-summary')).textContent).toBe('0 of 1 account fixed; 1 login skipped.');
    expect(backend.FixLogin).not.toHaveBeenCalled();
  });

  it('a grouped notification’s fix link opens the bulk fix of its client', async () => {
    const rt = fakeRuntime();
    const backend = fakeBackend(withImported());
    render(App);
    await screen.findAllByTestId('account-row');
    rt.emit('fix:client', 'cli_acme00000000');
    expect(await screen.findByTestId('dialog-bulk-fix')).toBeTruthy();
    await waitFor(() => expect(backend.FixPlan).toHaveBeenCalledWith('cli_acme00000000'));
  });
});

describe('first run', () => {
  it('the checklist starts with setting up a platform, then a client, then an account', async () => {
    const backend = fakeBackend(overview([]));
    backend.ProviderSetups.mockResolvedValue([setup({ configured: true, missing_setup: '' }), setup({ id: 'x', name: 'X' })]);
    render(App);
    const list = await screen.findByTestId('first-run-checklist');
    const steps = within(list).getAllByRole('listitem');
    expect(steps.map((s) => s.querySelector('strong')?.textContent)).toEqual(['Set up a platform', 'Add a client', 'Connect an account']);
    await waitFor(() => expect(steps[0].dataset.done).toBe('true'));
    expect(steps[0].textContent).toMatch(/Ready: Facebook/);
    await fireEvent.click(within(list).getByTestId('empty-providers'));
    expect(await screen.findByTestId('dialog-providers')).toBeTruthy();
  });
});

describe('identity change', () => {
  it('names both users by name and email, never by the platform’s ids alone', () => {
    render(IdentityChangeDialog, {
      change: {
        old: { external_id: 'id1', name: 'Ann Lee', email: 'ann@acme.example', handle: '', picture_url: '' },
        new: { external_id: 'id2', name: '', email: 'bob@acme.example', handle: '', picture_url: '' },
      },
      accountLabel: 'Acme admin',
      onanswer: () => {},
    });
    const dialog = screen.getByTestId('dialog-identity-changed');
    expect(screen.getByTestId('identity-old').textContent).toMatch(/Ann Lee\s*ann@acme\.example/);
    expect(screen.getByTestId('identity-new').textContent).toMatch(/bob@acme\.example/);
    expect(dialog.textContent).not.toMatch(/id1|id2/);
  });
});

describe('dark theme', () => {
  it('the window’s native menu bar follows the theme', async () => {
    const backend = fakeBackend(withImported());
    render(App);
    await screen.findAllByTestId('account-row');
    await waitFor(() => expect(backend.SetWindowTheme).toHaveBeenLastCalledWith('light'));
    await fireEvent.click(screen.getByTestId('theme-toggle'));
    await waitFor(() => expect(backend.SetWindowTheme).toHaveBeenLastCalledWith('dark'));
  });
});

describe('toasts', () => {
  it('dismiss themselves, at most after ten seconds, and wait while pointed at', async () => {
    vi.useFakeTimers();
    const ondismiss = vi.fn();
    render(Toasts, { toasts: [{ id: 1, text: 'Checked 30 accounts', ms: 60_000, notes: [] }], ondismiss });
    vi.advanceTimersByTime(9_000);
    expect(ondismiss).not.toHaveBeenCalled();
    await fireEvent.pointerEnter(screen.getByRole('status'));
    vi.advanceTimersByTime(30_000);
    expect(ondismiss).not.toHaveBeenCalled();
    await fireEvent.pointerLeave(screen.getByRole('status'));
    vi.advanceTimersByTime(1_100);
    expect(ondismiss).toHaveBeenCalledWith(1);
  });
});

