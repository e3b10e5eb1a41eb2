// Component tests of connecting, reconnecting and provider setup, through
// the whole window against a fake backend on window.go and a fake Wails
// runtime on window.runtime (events, browser, clipboard).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import { account, bindGo, connectResult, fakeRuntime, group, overview, setup } from './test/fixtures';
import type { ConnectResult, Overview, ProviderSetup } from './lib/api';

type Fn = ReturnType<typeof vi.fn>;
let backend: Record<string, Fn>;
let rt: ReturnType<typeof fakeRuntime>;

function serve(ov: Overview, setups: ProviderSetup[] = [setup()]) {
  backend = {
    Overview: vi.fn().mockResolvedValue(ov),
    AddClient: vi.fn(),
    RenameClient: vi.fn(),
    DeleteClient: vi.fn(),
    ImportAccount: vi.fn(),
    RenameAccount: vi.fn(),
    DeleteAccount: vi.fn(),
    AccountHistory: vi.fn().mockResolvedValue([]),
    ProviderSetups: vi.fn().mockResolvedValue(setups),
    SetProviderCredentials: vi.fn().mockResolvedValue(undefined),
    AddCustomProvider: vi.fn(),
    Connect: vi.fn(),
    Reconnect: vi.fn(),
    CancelConnect: vi.fn().mockResolvedValue(undefined),
    AnswerIdentityChange: vi.fn().mockResolvedValue(undefined),
  };
  bindGo(backend);
}

/** A promise the test settles by hand, like a login still running in the browser. */
function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const acme = () => overview([group('Acme Bakery', 'cli_acme00000000', [account({ id: 'acc_1', label: 'Acme Page' })])]);

beforeEach(() => {
  localStorage.clear();
  rt = fakeRuntime();
});

afterEach(() => {
  cleanup();
  delete (window as unknown as { go?: unknown }).go;
  delete (window as unknown as { runtime?: unknown }).runtime;
});

async function openConnectFromCard() {
  render(App);
  await screen.findAllByTestId('account-row');
  await fireEvent.click(within(screen.getAllByTestId('client-card')[0]).getByTestId('client-connect'));
  return screen.findByTestId('dialog-connect');
}

describe('Connect dialog', () => {
  it('sets up the developer app, asks for the chosen permissions, waits for the browser and shows the result', async () => {
    serve(acme());
    const dialog = await openConnectFromCard();
    expect((within(dialog).getByTestId('connect-client') as HTMLSelectElement).value).toBe('cli_acme00000000');

    // Facebook is not set up yet: the setup step, with the guide one step a line.
    const fb = await within(dialog).findByRole('button', { name: 'Facebook, needs setup' });
    await fireEvent.click(fb);
    const form = within(dialog).getByTestId('provider-setup');
    expect(within(form).getAllByRole('listitem').map((li) => li.textContent)).toHaveLength(3);
    const redirect = within(form).getByTestId('setup-redirect-uri') as HTMLInputElement;
    expect(redirect.value).toBe('http://127.0.0.1:53682/callback');
    await fireEvent.click(within(form).getByTestId('setup-redirect-uri-copy'));
    expect(rt.runtime.ClipboardSetText).toHaveBeenCalledWith('http://127.0.0.1:53682/callback');
    await fireEvent.click(within(form).getByTestId('setup-console-link'));
    expect(rt.runtime.BrowserOpenURL).toHaveBeenCalledWith('https://developers.facebook.com/apps');

    const secret = within(form).getByLabelText(/Client secret/) as HTMLInputElement;
    expect(secret.type).toBe('password');
    await fireEvent.input(within(form).getByLabelText('Client id'), { target: { value: '1234567890' } });
    await fireEvent.input(secret, { target: { value: 'app-secret-1' } });
    backend.ProviderSetups.mockResolvedValue([setup({ configured: true, missing_setup: '', client_id: '1234567890', has_secret: true })]);
    await fireEvent.click(within(dialog).getByTestId('setup-save'));
    await waitFor(() => expect(backend.SetProviderCredentials).toHaveBeenCalledWith('facebook', '1234567890', 'app-secret-1'));

    // Ready: every permission ticked by default; untick one.
    const boxes = (await within(dialog).findAllByTestId('connect-scope')) as HTMLInputElement[];
    expect(boxes.map((b) => b.checked)).toEqual([true, true, true]);
    expect(document.body.innerHTML).not.toContain('app-secret-1');
    await fireEvent.click(boxes[2]);
    await fireEvent.input(within(dialog).getByTestId('connect-label'), { target: { value: 'Anna login' } });

    const login = pending<ConnectResult>();
    backend.Connect.mockReturnValue(login.promise);
    await fireEvent.click(within(dialog).getByTestId('connect-login'));
    expect(backend.Connect).toHaveBeenCalledWith({
      client_id: 'cli_acme00000000',
      provider: 'facebook',
      label: 'Anna login',
      scopes: ['public_profile', 'pages_show_list'],
    });
    const waiting = await within(dialog).findByTestId('connect-waiting');
    expect(waiting.textContent).toContain('Waiting for you to log in in your browser');

    rt.emit('connect:waiting', 'https://www.facebook.com/v25.0/dialog/oauth?state=abc');
    await fireEvent.click(await within(dialog).findByTestId('connect-open-again'));
    expect(rt.runtime.BrowserOpenURL).toHaveBeenLastCalledWith('https://www.facebook.com/v25.0/dialog/oauth?state=abc');

    const before = backend.Overview.mock.calls.length;
    const r = connectResult();
    r.account.label = 'Anna login';
    r.account.scopes = ['public_profile', 'pages_show_list'];
    login.resolve(r);
    const result = await within(dialog).findByTestId('connect-result');
    expect(within(result).getByTestId('connect-headline').textContent).toBe(
      'Connected “Anna login” as Anna Smith (anna@example.com)',
    );
    expect(within(result).getByTestId('connect-pages-line').textContent).toBe('This login keeps these 2 client Pages alive:');
    expect(within(result).getAllByTestId('connect-page').map((li) => li.textContent)).toEqual([
      expect.stringContaining('Florist'),
      expect.stringContaining('Gym'),
    ]);
    expect(within(result).queryByTestId('scopes-not-granted')).toBeNull();
    expect(backend.Overview.mock.calls.length).toBeGreaterThan(before); // the overview behind it follows

    await fireEvent.click(within(dialog).getByTestId('connect-done'));
    await waitFor(() => expect(screen.queryByTestId('dialog-connect')).toBeNull());
    // The dialog stopped listening; the window's own listener (for logins a notification starts) stays.
    expect(rt.listening('connect:waiting')).toBe(1);
  });

  it('shows a failed login in plain words and keeps the form', async () => {
    serve(acme(), [setup({ configured: true, missing_setup: '', client_id: '42', has_secret: true })]);
    const dialog = await openConnectFromCard();
    await fireEvent.click(await within(dialog).findByRole('button', { name: 'Facebook, ready' }));
    await fireEvent.input(within(dialog).getByTestId('connect-label'), { target: { value: 'Kept' } });
    backend.Connect.mockRejectedValue('You declined the request in the browser. Connect again and allow access.');
    await fireEvent.click(within(dialog).getByTestId('connect-login'));
    expect((await within(dialog).findByTestId('dialog-error')).textContent).toBe(
      'You declined the request in the browser. Connect again and allow access.',
    );
    expect((within(dialog).getByTestId('connect-label') as HTMLInputElement).value).toBe('Kept');
    expect(within(dialog).getByTestId('connect-login')).toBeTruthy();
  });

  it('cancels the login quietly and goes back to the form', async () => {
    serve(acme(), [setup({ configured: true, missing_setup: '', client_id: '42', has_secret: true })]);
    const dialog = await openConnectFromCard();
    await fireEvent.click(await within(dialog).findByRole('button', { name: 'Facebook, ready' }));
    const login = pending<ConnectResult>();
    backend.Connect.mockReturnValue(login.promise);
    await fireEvent.click(within(dialog).getByTestId('connect-login'));
    await within(dialog).findByTestId('connect-waiting');
    await fireEvent.click(within(dialog).getByTestId('connect-cancel'));
    expect(backend.CancelConnect).toHaveBeenCalledOnce();
    login.reject('The login was cancelled.');
    await within(dialog).findByTestId('connect-login');
    expect(within(dialog).queryByTestId('dialog-error')).toBeNull();
  });

  it('refuses to log in without any permission', async () => {
    serve(acme(), [setup({ configured: true, missing_setup: '', client_id: '42', has_secret: true })]);
    const dialog = await openConnectFromCard();
    await fireEvent.click(await within(dialog).findByRole('button', { name: 'Facebook, ready' }));
    for (const box of within(dialog).getAllByTestId('connect-scope')) await fireEvent.click(box);
    await fireEvent.click(within(dialog).getByTestId('connect-login'));
    expect((await within(dialog).findByTestId('dialog-error')).textContent).toMatch(/at least one permission/);
    expect(backend.Connect).not.toHaveBeenCalled();
  });
});

describe('Reconnect', () => {
  const withLogin = () =>
    overview([
      group('Acme Bakery', 'cli_acme00000000', [
        account({ id: 'acc_login', label: 'Anna login', status: 'expired', connected: true, identity_name: 'Anna Smith' }),
        account({ id: 'acc_page0', label: 'Florist', kind: 'page', parent_id: 'acc_login', connected: true }),
      ]),
    ]);

  it('asks before a different user replaces the login, then says loudly what was lost', async () => {
    serve(withLogin());
    render(App);
    const rows = await screen.findAllByTestId('account-row');
    // Pages are reconnected through their login, so only the login has the button.
    expect(screen.getAllByTestId('row-reconnect')).toHaveLength(1);
    expect(within(rows[1]).getByTestId('account-provider').textContent).toBe('Facebook Page · kept alive by Anna login');

    const login = pending<ConnectResult>();
    backend.Reconnect.mockReturnValue(login.promise);
    await fireEvent.click(screen.getByTestId('row-reconnect'));
    const dialog = await screen.findByTestId('dialog-reconnect');
    expect(backend.Reconnect).toHaveBeenCalledWith('acc_login');
    await within(dialog).findByTestId('connect-waiting');

    rt.emit('connect:identity-changed', {
      old: { external_id: '1', name: 'Anna Smith', email: 'anna@example.com', handle: '', picture_url: '' },
      new: { external_id: '2', name: 'Bob Jones', email: 'bob@example.com', handle: '', picture_url: '' },
    });
    const ask = await screen.findByTestId('dialog-identity-changed');
    expect(within(ask).getByTestId('identity-old').getAttribute('aria-label')).toBe('Anna Smith (anna@example.com)');
    expect(within(ask).getByTestId('identity-new').textContent).toMatch(/Bob Jones\s*bob@example.com/);
    expect(ask.textContent).toContain('Replace the login of “Anna login” with Bob Jones (bob@example.com)?');
    await fireEvent.click(within(ask).getByTestId('identity-replace'));
    expect(backend.AnswerIdentityChange).toHaveBeenCalledWith(true);
    await waitFor(() => expect(screen.queryByTestId('dialog-identity-changed')).toBeNull());

    const r = connectResult();
    r.account.label = 'Anna login';
    r.children = r.children.slice(0, 1);
    r.changes = {
      scopes_gained: ['email'],
      scopes_lost: [],
      scopes_not_granted: [],
      assets_kept: [],
      assets_gained: [],
      assets_lost: ['Florist', 'Gym'],
      identity_changed: true,
    };
    login.resolve(r);
    const lost = await within(dialog).findByTestId('change-lost');
    expect(lost.textContent).toContain(
      'Access lost to 2 Pages: Florist, Gym — those clients’ connections are broken. Reconnect and tick them in Facebook’s dialog.',
    );
    expect(within(dialog).getByTestId('change-gained').textContent).toContain('Newly granted: email.');
    expect(within(dialog).getByTestId('connect-headline').textContent).toMatch(/^Reconnected “Anna login”/);
  });

  it('keeps the account when the user says so, and shows why the reconnect stopped', async () => {
    serve(withLogin());
    render(App);
    await screen.findAllByTestId('account-row');
    const login = pending<ConnectResult>();
    backend.Reconnect.mockReturnValue(login.promise);
    await fireEvent.click(screen.getByTestId('row-reconnect'));
    const dialog = await screen.findByTestId('dialog-reconnect');
    rt.emit('connect:identity-changed', {
      old: { external_id: '1', name: 'Anna', email: '', handle: '', picture_url: '' },
      new: { external_id: '2', name: 'Bob', email: '', handle: '', picture_url: '' },
    });
    const ask = await screen.findByTestId('dialog-identity-changed');
    await fireEvent(ask, new Event('cancel', { cancelable: true })); // Escape keeps the old login
    expect(backend.AnswerIdentityChange).toHaveBeenCalledWith(false);
    login.reject('A different user logged in; the account was left as it was. Reconnect again and log in as the account’s owner.');
    expect((await within(dialog).findByTestId('dialog-error')).textContent).toMatch(/left as it was/);
    backend.Reconnect.mockReturnValue(new Promise(() => {}));
    await fireEvent.click(within(dialog).getByTestId('reconnect-retry'));
    expect(backend.Reconnect).toHaveBeenCalledTimes(2);
  });
});

describe('Account panel for a login with Pages', () => {
  it('shows who it is, its permissions and Pages, and deletes them together', async () => {
    serve(
      overview([
        group('Acme Bakery', 'cli_acme00000000', [
          account({
            id: 'acc_login',
            label: 'Anna login',
            connected: true,
            identity_name: 'Anna Smith',
            identity_email: 'anna@example.com',
            scopes: ['public_profile', 'https://www.googleapis.com/auth/youtube.readonly'],
            connected_at: '2026-11-20T10:00:00Z',
          }),
          account({ id: 'acc_page0', label: 'Florist', kind: 'page', parent_id: 'acc_login', connected: true }),
          account({ id: 'acc_page1', label: 'Gym', kind: 'page', parent_id: 'acc_login', connected: true }),
        ]),
      ]),
    );
    backend.DeleteAccount.mockResolvedValue({ revoked: true, note: '', deleted: 3 });
    render(App);
    const rows = await screen.findAllByTestId('account-row');
    await fireEvent.click(rows[0]);
    const panel = await screen.findByTestId('account-panel');
    expect(within(panel).getByTestId('panel-identity-name').textContent).toBe('Anna Smith');
    expect(within(panel).getByTestId('panel-identity-email').textContent).toBe('anna@example.com');
    expect(within(panel).getByTestId('panel-scopes').textContent).toContain('youtube.readonly');
    expect(within(panel).getAllByTestId('panel-page').map((b) => b.textContent)).toEqual([
      expect.stringContaining('Florist'),
      expect.stringContaining('Gym'),
    ]);
    expect(within(panel).getByTestId('panel-reconnect')).toBeTruthy(); // always offered in the panel

    await fireEvent.click(within(panel).getByTestId('panel-delete'));
    const confirm = await screen.findByTestId('dialog-delete-account');
    expect(confirm.textContent).toContain('The 2 Pages this login keeps alive are deleted too: Florist and Gym.');
    expect(confirm.textContent).toMatch(/history is kept/i);
    await fireEvent.click(within(confirm).getByTestId('dialog-submit'));
    await waitFor(() => expect(backend.DeleteAccount).toHaveBeenCalledWith('acc_login'));
    expect((await screen.findByTestId('toast')).textContent).toContain(
      'Deleted “Anna login”. Tokens revoked at Facebook. Also deleted 2 Pages.',
    );
  });

  it('shows a Page with the login that keeps it alive, and opens that login', async () => {
    serve(
      overview([
        group('Acme Bakery', 'cli_acme00000000', [
          account({ id: 'acc_login', label: 'Anna login', connected: true }),
          account({ id: 'acc_page0', label: 'Florist', kind: 'page', parent_id: 'acc_login', connected: true }),
        ]),
      ]),
    );
    render(App);
    const rows = await screen.findAllByTestId('account-row');
    await fireEvent.click(rows[1]);
    const panel = await screen.findByTestId('account-panel');
    expect(within(panel).queryByTestId('panel-reconnect')).toBeNull();
    expect(within(panel).getByTestId('panel-kept-alive').textContent).toMatch(/Kept alive by\s*Anna login/);
    await fireEvent.click(within(panel).getByTestId('panel-parent-link'));
    await waitFor(() => expect(screen.getByTestId('panel-title').textContent).toBe('Anna login'));
  });
});

describe('Providers panel', () => {
  it('lists providers with their state and saves an app without a secret', async () => {
    serve(acme(), [
      setup({ configured: true, missing_setup: '', client_id: '42', has_secret: true }),
      setup({
        id: 'google',
        name: 'Google / YouTube',
        redirect_uri: 'http://127.0.0.1:<any port>/callback',
        missing_setup: 'client id',
      }),
      setup({ id: 'x', name: 'X', needs_secret: false, missing_setup: 'client id' }),
    ]);
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(screen.getByTestId('providers-button'));
    const dialog = await screen.findByTestId('dialog-providers');
    const options = await within(dialog).findAllByTestId('provider-option');
    expect(options.map((o) => o.dataset.ready)).toEqual(['true', 'false', 'false']);
    expect(within(dialog).getByTestId('providers-count').textContent).toBe('1 of 3 set up');

    // Any port: the address to register has none.
    await fireEvent.click(options[1]);
    expect((within(dialog).getByTestId('setup-redirect-uri') as HTMLInputElement).value).toBe('http://127.0.0.1/callback');
    expect(within(dialog).getByTestId('provider-setup').textContent).toMatch(/any port/);
    await fireEvent.click(within(dialog).getByTestId('providers-back'));

    await fireEvent.click(within(dialog).getAllByTestId('provider-option')[2]);
    expect(within(dialog).getByText('(optional)')).toBeTruthy();
    await fireEvent.input(within(dialog).getByLabelText('Client id'), { target: { value: 'x-client' } });
    backend.ProviderSetups.mockResolvedValue([setup({ id: 'x', name: 'X', needs_secret: false, configured: true, missing_setup: '' })]);
    await fireEvent.click(within(dialog).getByTestId('setup-save'));
    await waitFor(() => expect(backend.SetProviderCredentials).toHaveBeenCalledWith('x', 'x-client', ''));
    const notice = await within(dialog).findByTestId('providers-notice');
    expect(notice.textContent).toMatch(/^X is ready: you can connect its accounts\.\s*Connect now$/);

    // "Connect now" opens the connect dialog on that platform, ready to log in.
    backend.ProviderSetups.mockResolvedValue([
      setup({ id: 'x', name: 'X', needs_secret: false, configured: true, missing_setup: '', child_assets: '' }),
    ]);
    await fireEvent.click(within(notice).getByTestId('providers-connect-now'));
    const connect = await screen.findByTestId('dialog-connect');
    await waitFor(() => expect(within(connect).getByRole('heading', { level: 2 }).textContent).toBe('Connect a X account'));
    expect(connect.textContent).toMatch(/Log in as the client’s account, and allow access\./); // no "Pages" for X
  });

  it('asks for the secret a provider needs before saving', async () => {
    serve(acme());
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(screen.getByTestId('providers-button'));
    const dialog = await screen.findByTestId('dialog-providers');
    await fireEvent.click((await within(dialog).findAllByTestId('provider-option'))[0]);
    await fireEvent.input(within(dialog).getByLabelText('Client id'), { target: { value: '123' } });
    await fireEvent.click(within(dialog).getByTestId('setup-save'));
    expect((await within(dialog).findByTestId('setup-error')).textContent).toMatch(/needs your app’s client secret/);
    expect(backend.SetProviderCredentials).not.toHaveBeenCalled();
  });

  it('adds a custom provider, suggesting its id from the name, and shows the backend’s refusal', async () => {
    serve(acme());
    render(App);
    await screen.findAllByTestId('account-row');
    await fireEvent.click(screen.getByTestId('providers-button'));
    const dialog = await screen.findByTestId('dialog-providers');
    await fireEvent.click(within(dialog).getByTestId('providers-add-custom'));
    await fireEvent.input(within(dialog).getByTestId('custom-name'), { target: { value: 'Acme SSO' } });
    expect((within(dialog).getByTestId('custom-id') as HTMLInputElement).value).toBe('acme-sso');
    await fireEvent.input(within(dialog).getByTestId('custom-issuer'), { target: { value: 'https://login.acme.test' } });
    backend.AddCustomProvider.mockRejectedValue('https://login.acme.test has no OpenID Connect discovery document.');
    await fireEvent.click(within(dialog).getByTestId('setup-save'));
    expect((await within(dialog).findByTestId('custom-error')).textContent).toMatch(/discovery document/);
    expect(backend.AddCustomProvider).toHaveBeenCalledWith({
      id: 'acme-sso',
      name: 'Acme SSO',
      issuer: 'https://login.acme.test',
      scopes: '',
      client_id: '',
      client_secret: '',
    });
  });
});
