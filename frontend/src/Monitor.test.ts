// Component tests of monitoring and notifications through the whole window:
// "Check now" with its progress and summary, the rows' words, the panel's
// Health section with snooze, the Settings dialog, and what links and
// notifications ask of the window. Against the fake backend on window.go
// and the fake Wails runtime on window.runtime.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import {
  account,
  checkResult,
  checkSummary,
  connectResult,
  fakeBackend,
  fakeRuntime,
  group,
  notificationSettings,
  overview,
} from './test/fixtures';
import type { CheckSummary, NotificationSettings, Overview } from './lib/api';

type Fn = ReturnType<typeof vi.fn>;
let backend: Record<string, Fn>;
let rt: ReturnType<typeof fakeRuntime>;

function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const offline = 'The platform could not be reached (offline, DNS, TLS or timeout).';

const accounts = (): Overview =>
  overview([
    group('Acme Bakery', 'cli_acme00000000', [
      account({
        id: 'acc_broken',
        label: 'Acme Page',
        status: 'invalid',
        connected: true,
        reason: 'revoked',
        problem: 'Access was removed: the app was deauthorized or the login was revoked.',
        action: 'Reconnect the account and allow access again.',
      }),
      account({
        id: 'acc_soon',
        label: 'Acme LinkedIn',
        provider: 'linkedin',
        provider_name: 'LinkedIn',
        status: 'expiring',
        connected: true,
        reconnect_by: '2026-11-23T10:00:00Z',
        reconnect_phrase: 'in 3 days',
        last_checked_at: '2026-11-20T08:00:00Z',
        last_checked_phrase: '2 hours ago',
      }),
      account({
        id: 'acc_renews',
        label: 'Acme YouTube',
        provider: 'google',
        provider_name: 'Google',
        status: 'healthy',
        connected: true,
        renews: true,
        has_refresh_token: true,
        reconnect_by: '',
        reconnect_phrase: '',
        last_checked_at: '2026-11-20T08:00:00Z',
        last_checked_phrase: '2 hours ago',
        next_check_at: '2026-11-20T14:00:00Z',
        usage: { 'app call_count': '12%' },
      }),
    ]),
    group('Northwind', 'cli_north0000000', [
      account({
        id: 'acc_offline',
        label: 'Northwind Insta',
        provider: 'instagram',
        provider_name: 'Instagram',
        status: 'healthy',
        expires_phrase: 'in 40 days',
        last_error: offline,
        check_problem: 'network',
        unverified_since: '2026-11-20T09:00:00Z',
        next_check_at: '2026-11-20T11:00:00Z',
      }),
    ]),
  ]);

beforeEach(() => {
  localStorage.clear();
  rt = fakeRuntime();
});

afterEach(() => {
  cleanup();
  delete (window as unknown as { go?: unknown }).go;
  delete (window as unknown as { runtime?: unknown }).runtime;
});

function rowOf(label: string): HTMLElement {
  const row = screen.getAllByTestId('account-row').find((r) => within(r).getByTestId('account-label').textContent === label);
  if (!row) throw new Error(`no row ${label}`);
  return row;
}

describe('account rows', () => {
  it('say what the user needs: the problem, the countdown, renewal, and "not verified" in grey', async () => {
    backend = fakeBackend(accounts());
    render(App);
    await screen.findAllByTestId('account-row');

    const broken = rowOf('Acme Page');
    expect(within(broken).getByTestId('account-expiry').textContent).toBe('Access was removed');
    expect(within(broken).getByTestId('account-expiry').className).toContain('tone-text-bad');
    expect(within(broken).getByTestId('account-status').textContent).toBe('Invalid');

    const soon = rowOf('Acme LinkedIn');
    expect(within(soon).getByTestId('account-expiry').textContent).toBe('Reconnect in 3 days');
    expect(within(soon).getByTestId('account-expiry').className).toContain('tone-text-warn');

    const renews = rowOf('Acme YouTube');
    expect(within(renews).getByTestId('account-expiry').textContent).toBe('Renews itself');
    expect(within(renews).getByTestId('account-checked').textContent).toBe('Checked 2 hours ago');

    const off = rowOf('Northwind Insta');
    expect(off.dataset.status).toBe('healthy'); // not marked broken
    expect(within(off).getByTestId('account-status').textContent).toBe('Healthy');
    const checked = within(off).getByTestId('account-checked');
    expect(checked.textContent).toBe('Not verified yet');
    expect(checked.title).toBe(offline);
    expect(checked.className).toContain('tone-text-muted');
  });

  it('fetch just the rows that checks report, once for a burst, without reloading the overview', async () => {
    backend = fakeBackend(accounts());
    render(App);
    await screen.findAllByTestId('account-row');
    const before = backend.Overview.mock.calls.length;
    const renewed = { ...accounts().groups[0].accounts[1], status: 'healthy', renews: true, reconnect_phrase: '' };
    backend.Entries.mockResolvedValue([renewed]);
    for (const id of ['acc_soon', 'acc_soon', 'acc_renews']) rt.emit('account:checked', checkResult({ account_id: id }));
    await waitFor(() => expect(backend.Entries).toHaveBeenCalledTimes(1), { timeout: 2000 });
    expect(backend.Entries.mock.calls[0][0]).toEqual(['acc_soon', 'acc_renews']);
    const row = () => screen.getAllByTestId('account-row').find((r) => r.dataset.accountId === 'acc_soon')!;
    await waitFor(() => expect(row().dataset.status).toBe('healthy'));
    // acc_renews did not come back: it was deleted meanwhile.
    expect(screen.getAllByTestId('account-row').some((r) => r.dataset.accountId === 'acc_renews')).toBe(false);
    expect(screen.getByTestId('summary-expiring-count').textContent).toBe('0');
    await new Promise((r) => setTimeout(r, 400));
    expect(backend.Entries).toHaveBeenCalledTimes(1);
    expect(backend.Overview.mock.calls.length).toBe(before);
  });
});

describe('Check now', () => {
  it('shows its progress in the header, then a summary with what needs reading', async () => {
    backend = fakeBackend(accounts());
    const run = pending<CheckSummary>();
    backend.CheckNow.mockReturnValue(run.promise);
    render(App);
    await screen.findAllByTestId('account-row');

    await fireEvent.click(screen.getByTestId('check-now-button'));
    expect(backend.CheckNow).toHaveBeenCalledWith('', '');
    const progress = await screen.findByTestId('check-progress');
    expect(within(progress).getByTestId('check-progress-text').textContent).toBe('Checking…');
    rt.emit('check:progress', { done: 2, total: 12 });
    await waitFor(() => expect(within(progress).getByTestId('check-progress-text').textContent).toBe('Checking 3 of 12…'));
    expect(screen.queryByTestId('check-now-button')).toBeNull();

    const calls = backend.Overview.mock.calls.length;
    run.resolve(
      checkSummary([
        ...Array.from({ length: 9 }, () => checkResult()),
        checkResult({ refreshed: true }),
        checkResult({ refreshed: true, label: 'Acme Gym', findings: ['Page "Gym Downtown" lost: the login no longer manages it.'] }),
        checkResult({
          label: 'Acme Page',
          verdict: 'invalid',
          after: 'invalid',
          reason: 'revoked',
          message: 'Facebook refused the token of "Acme Page".',
        }),
      ]),
    );
    const toast = await screen.findByTestId('toast');
    expect(within(toast).getByTestId('toast-text').textContent).toBe('12 checked · 2 renewed · 1 needs you');
    expect(toast.dataset.tone).toBe('bad');
    const notes = within(toast).getAllByTestId('toast-note').map((n) => n.textContent);
    expect(notes[0]).toContain('Facebook refused the token of "Acme Page".');
    expect(notes[1]).toContain('Gym Downtown');
    expect(backend.Overview.mock.calls.length).toBeGreaterThan(calls);
    expect(await screen.findByTestId('check-now-button')).toBeTruthy();
  });

  it('can be cancelled, and says how far it got', async () => {
    backend = fakeBackend(accounts());
    const run = pending<CheckSummary>();
    backend.CheckNow.mockReturnValue(run.promise);
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(screen.getByTestId('check-now-button'));
    rt.emit('check:progress', { done: 4, total: 12 });
    await fireEvent.click(await screen.findByTestId('check-cancel'));
    expect(backend.CancelCheck).toHaveBeenCalledOnce();
    expect(screen.getByTestId('check-progress-text').textContent).toBe('Stopping…');
    run.reject('context canceled');
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain('Check stopped after 4 of 12.');
  });

  it('checks one client from its menu', async () => {
    backend = fakeBackend(accounts());
    backend.CheckNow.mockResolvedValue(checkSummary([checkResult({ verdict: 'none', reason: 'network', message: 'Could not check "Northwind Insta".' })]));
    render(App);
    await screen.findAllByTestId('account-row');
    const card = screen.getAllByTestId('client-card').find((c) => c.dataset.clientName === 'Northwind')!;
    await fireEvent.click(within(card).getByTestId('client-menu-button'));
    await fireEvent.click(within(card).getByTestId('client-check'));
    expect(backend.CheckNow).toHaveBeenCalledWith('', 'cli_north0000000');
    const toast = await screen.findByTestId('toast');
    expect(within(toast).getByTestId('toast-text').textContent).toBe('Northwind: 1 checked · 1 not verified');
    expect(toast.dataset.tone).toBe('ok');
  });

  it('shows the backend’s refusal, such as a check already running', async () => {
    backend = fakeBackend(accounts());
    backend.CheckNow.mockRejectedValue('A check is already running. Wait for it or cancel it.');
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(screen.getByTestId('check-now-button'));
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain('A check is already running.');
    expect(toast.dataset.tone).toBe('bad');
  });
});

describe('the Health section of the account panel', () => {
  it('shows the problem and what to do, and checks the account now', async () => {
    backend = fakeBackend(accounts());
    render(App);
    await fireEvent.click((await screen.findAllByTestId('account-row'))[0]);
    const panel = await screen.findByTestId('account-panel');
    const health = within(panel).getByTestId('panel-health');
    // The problem heads the status box, with what to do under it.
    expect(within(health).getByTestId('panel-expiry').textContent).toBe(
      'Access was removed: the app was deauthorized or the login was revoked.',
    );
    const problem = within(health).getByTestId('panel-problem');
    expect(within(problem).getByTestId('panel-action').textContent).toBe('What to do: Reconnect the account and allow access again.');
    expect(within(health).queryByTestId('panel-last-error')).toBeNull();

    const run = pending<CheckSummary>();
    backend.CheckNow.mockReturnValue(run.promise);
    await fireEvent.click(within(health).getByTestId('panel-check-now'));
    expect(backend.CheckNow).toHaveBeenCalledWith('acc_broken', '');
    expect((within(health).getByTestId('panel-check-now') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('check-progress')).toBeTruthy(); // the header says a check runs
    run.resolve(
      checkSummary([
        checkResult({
          account_id: 'acc_broken',
          verdict: 'invalid',
          after: 'invalid',
          message: 'Facebook refused the token of "Acme Page".',
          findings: ['Page "Gym" lost.'],
        }),
      ]),
    );
    const note = await within(health).findByTestId('panel-check-result');
    expect(note.textContent).toContain('Facebook refused the token of "Acme Page".');
    expect(note.textContent).toContain('Page "Gym" lost.');
    expect(screen.queryByTestId('toast')).toBeNull(); // the panel says it; no toast on top
  });

  it('shows renewal, the next check, API usage, and snoozes notifications', async () => {
    backend = fakeBackend(accounts());
    backend.Snooze.mockResolvedValueOnce('2026-11-27T15:00:00Z').mockResolvedValueOnce('');
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(rowOf('Acme YouTube'));
    const health = within(await screen.findByTestId('account-panel')).getByTestId('panel-health');
    expect(within(health).getByTestId('panel-expiry').textContent).toBe('Renews itself');
    expect(within(health).getByTestId('panel-renews').textContent).toBe('Yes, without you');
    expect(within(health).getByTestId('panel-reconnect-by').textContent?.trim()).toBe('Not needed for now');
    expect(within(health).getByTestId('panel-last-checked').textContent?.trim()).toBe('2 hours ago');
    expect(within(health).getByTestId('panel-next-check').textContent).not.toBe('Not planned');
    expect(within(health).getByTestId('panel-usage').textContent).toContain('App call count');
    expect(within(health).getByTestId('panel-usage').textContent).toContain('12%');

    await fireEvent.click(within(health).getByTestId('panel-snooze-7'));
    expect(backend.Snooze).toHaveBeenCalledWith('acc_renews', 7);
    expect((await within(health).findByTestId('panel-snooze-result')).textContent).toMatch(/^Notifications snoozed until /);
    await fireEvent.click(within(health).getByTestId('panel-snooze-clear'));
    expect(backend.Snooze).toHaveBeenLastCalledWith('acc_renews', 0);
    await waitFor(() =>
      expect(within(health).getByTestId('panel-snooze-result').textContent).toBe('Notifications are on again for this account.'),
    );
  });

  it('warns about a problem of a token that still works, beside its healthy status', async () => {
    const ov = overview([
      group('Acme Bakery', 'cli_acme00000000', [
        account({
          id: 'acc_scope',
          label: 'Acme Page',
          status: 'healthy',
          reason: 'scope_missing',
          problem: 'A permission the account needs is no longer granted.',
          action: "Reconnect and tick every permission in the platform's dialog.",
        }),
      ]),
    ]);
    backend = fakeBackend(ov);
    render(App);
    await fireEvent.click((await screen.findAllByTestId('account-row'))[0]);
    const health = within(await screen.findByTestId('account-panel')).getByTestId('panel-health');
    expect(within(health).getByTestId('panel-status').textContent).toBe('Healthy');
    const callout = within(health).getByTestId('panel-problem');
    expect(callout.className).toContain('warn');
    expect(callout.textContent).toContain('A permission the account needs is no longer granted.');
    expect(within(callout).getByTestId('panel-action').textContent).toContain('tick every permission');
  });

  it('says an unverified token is not broken, in grey', async () => {
    backend = fakeBackend(accounts());
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(rowOf('Northwind Insta'));
    const health = within(await screen.findByTestId('account-panel')).getByTestId('panel-health');
    const callout = within(health).getByTestId('panel-last-error');
    expect(callout.textContent).toContain('Not verified yet');
    expect(callout.textContent).toContain(offline);
    expect(callout.textContent).toContain('not marked broken');
    expect(within(health).queryByTestId('panel-problem')).toBeNull();
    expect(within(health).getByTestId('panel-status').textContent).toBe('Healthy');
  });
});

describe('Settings', () => {
  it('loads the settings, changes them and saves', async () => {
    backend = fakeBackend(accounts());
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(screen.getByTestId('settings-button'));
    const dialog = await screen.findByTestId('dialog-settings');
    await within(dialog).findByTestId('settings-enabled');
    const ticks = within(dialog).getAllByTestId('settings-threshold') as HTMLInputElement[];
    expect(ticks.map((t) => [t.dataset.days, t.checked])).toEqual([
      ['7', true],
      ['3', true],
      ['1', true],
      ['0', true],
    ]);
    expect(ticks[3].parentElement?.textContent?.trim()).toBe('When it has passed');

    await fireEvent.click(ticks[2]); // not 1 day before
    await fireEvent.input(within(dialog).getByTestId('settings-custom-days'), { target: { value: 'soon' } });
    await fireEvent.click(within(dialog).getByTestId('settings-custom-add'));
    expect(within(dialog).getByTestId('settings-custom-error').textContent).toMatch(/whole number/);
    await fireEvent.input(within(dialog).getByTestId('settings-custom-days'), { target: { value: '14' } });
    await fireEvent.keyDown(within(dialog).getByTestId('settings-custom-days'), { key: 'Enter' });
    expect((within(dialog).getAllByTestId('settings-threshold') as HTMLInputElement[]).map((t) => t.dataset.days)).toEqual([
      '14',
      '7',
      '3',
      '1',
      '0',
    ]);

    const start = within(dialog).getByTestId('settings-quiet-start') as HTMLInputElement;
    expect(start.disabled).toBe(true);
    await fireEvent.click(within(dialog).getByTestId('settings-quiet-enabled'));
    expect(start.disabled).toBe(false);
    await fireEvent.input(start, { target: { value: '21:30' } });
    await fireEvent.input(within(dialog).getByTestId('settings-quiet-end'), { target: { value: '07:15' } });
    await fireEvent.input(within(dialog).getByTestId('settings-warning-days'), { target: { value: '14' } });
    await fireEvent.click(within(dialog).getByTestId('settings-start-at-login'));

    await fireEvent.click(within(dialog).getByTestId('dialog-submit'));
    await waitFor(() => expect(backend.SaveNotificationSettings).toHaveBeenCalledOnce());
    expect(backend.SaveNotificationSettings).toHaveBeenCalledWith({
      enabled: true,
      thresholds: [14, 7, 3, 0],
      quiet_hours: { enabled: true, start: '21:30', end: '07:15' },
      start_at_login: true,
      warning_days: 14,
    });
    await waitFor(() => expect(screen.queryByTestId('dialog-settings')).toBeNull());
    expect((await screen.findByTestId('toast')).textContent).toContain('Settings saved.');
  });

  it('shows the backend’s refusal inline and keeps the form', async () => {
    backend = fakeBackend(accounts(), {
      NotificationSettings: vi.fn().mockResolvedValue(notificationSettings({ thresholds: [3, 1] })),
      SaveNotificationSettings: vi.fn().mockRejectedValue('The warning window must be between 1 and 60 days.'),
    });
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(screen.getByTestId('settings-button'));
    const dialog = await screen.findByTestId('dialog-settings');
    const days = (await within(dialog).findByTestId('settings-warning-days')) as HTMLInputElement;
    await fireEvent.input(days, { target: { value: '90' } });
    await fireEvent.click(within(dialog).getByTestId('settings-enabled')); // notifications off
    await fireEvent.click(within(dialog).getByTestId('dialog-submit'));
    expect((await within(dialog).findByTestId('dialog-error')).textContent).toBe('The warning window must be between 1 and 60 days.');
    expect(days.value).toBe('90');
    expect((within(dialog).getByTestId('settings-enabled') as HTMLInputElement).checked).toBe(false);
    const sent = backend.SaveNotificationSettings.mock.calls[0][0] as NotificationSettings;
    expect(sent).toMatchObject({ enabled: false, thresholds: [3, 1], warning_days: 90 });
  });
});

describe('links and notifications', () => {
  it('open the account they name, and follow a reconnect they started to its end', async () => {
    backend = fakeBackend(accounts());
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: 'northwind' } });

    rt.emit('account:focus', 'acc_soon');
    const panel = await screen.findByTestId('account-panel');
    expect(panel.dataset.accountId).toBe('acc_soon');
    expect((screen.getByTestId('search-input') as HTMLInputElement).value).toBe(''); // the row is shown again
    expect(rowOf('Acme LinkedIn').getAttribute('aria-current')).toBe('true');

    rt.emit('connect:waiting', 'https://www.linkedin.com/oauth/v2/authorization?state=x');
    const dialog = await screen.findByTestId('dialog-reconnect');
    expect(within(dialog).getByTestId('connect-waiting')).toBeTruthy();
    expect(within(dialog).getByTestId('connect-open-again')).toBeTruthy();
    expect(backend.Reconnect).not.toHaveBeenCalled(); // the backend started it already

    const r = connectResult();
    r.account = { ...r.account, id: 'acc_soon', label: 'Acme LinkedIn', identity_name: '', identity_email: '' };
    r.children = [];
    rt.emit('connect:finished', { account_id: 'acc_soon', result: r });
    const result = await within(dialog).findByTestId('connect-result');
    expect(within(result).getByTestId('connect-headline').textContent).toBe('Reconnected “Acme LinkedIn”');
    await fireEvent.click(within(dialog).getByTestId('connect-done'));
    await waitFor(() => expect(screen.queryByTestId('dialog-reconnect')).toBeNull());
  });

  it('cancel a login a notification started, without a toast about it', async () => {
    backend = fakeBackend(accounts());
    render(App);
    await screen.findAllByTestId('account-row');
    rt.emit('account:focus', 'acc_broken');
    await screen.findByTestId('account-panel');
    rt.emit('connect:waiting', 'https://www.facebook.com/dialog/oauth?state=y');
    const dialog = await screen.findByTestId('dialog-reconnect');
    await fireEvent.click(within(dialog).getByTestId('connect-cancel'));
    expect(backend.CancelConnect).toHaveBeenCalled();
    rt.emit('connect:finished', { account_id: 'acc_broken', error: 'The login was cancelled.' });
    await waitFor(() => expect(screen.queryByTestId('dialog-reconnect')).toBeNull());
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('toast')).toBeNull();
  });

  it('say how a reconnect ended when no dialog followed it', async () => {
    backend = fakeBackend(accounts());
    render(App);
    await screen.findAllByTestId('account-row');
    rt.emit('connect:finished', { account_id: 'acc_broken', error: 'A login is already waiting in the browser. Finish or cancel it first.' });
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain('Reconnecting “Acme Page” did not finish. A login is already waiting in the browser.');
    expect(toast.dataset.tone).toBe('bad');
  });
});

describe('start-up warnings', () => {
  it('are shown in a banner that can be dismissed', async () => {
    backend = fakeBackend(
      overview([group('Acme Bakery', 'cli_acme00000000', [account()])], {
        warnings: ['providers.yaml line 12: "scopes" must be a list. That provider was skipped.'],
      }),
    );
    render(App);
    const banner = await screen.findByTestId('warnings-banner');
    expect(banner.textContent).toContain('providers.yaml line 12');
    await fireEvent.click(within(banner).getByTestId('warnings-banner-dismiss'));
    expect(screen.queryByTestId('warnings-banner')).toBeNull();
  });
});
