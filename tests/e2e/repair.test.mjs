// Fixing accounts in the real UI (dev build, live Go bindings, real keychain,
// real OpenID provider): the first-run checklist, an imported account fixed
// from its row (Reconnect turns it into a connected account; Replace token),
// an import that matches an existing account, and the bulk fix of three
// accounts, login after login. Run by tests/e2e/repair.sh, which starts the
// app with a fresh data folder and $BROWSER set to fake-browser.mjs, and sets
// E2E_URL, E2E_OUT and E2E_ISSUER. Screenshots of every screen, light and
// dark, at 1440x900 and 900x700, go to E2E_OUT as repair-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage } from './browser.mjs';

const url = process.env.E2E_URL ?? 'http://127.0.0.1:34115/';
const out = process.env.E2E_OUT ?? fileURLToPath(new URL('./out/', import.meta.url));
const issuer = process.env.E2E_ISSUER ?? '';
const browserLog = process.env.E2E_BROWSER_LOG ?? '';
mkdirSync(out, { recursive: true });

// Every test secret carries "-e2e-SECRET-"; repair.sh scans for it afterwards.
const APP_SECRET = 'mock-e2e-SECRET-client-0001';
const TOKEN = (n) => `imported-e2e-SECRET-token-${n}`;
const secrets = [APP_SECRET, TOKEN(1), TOKEN(2), TOKEN(3), TOKEN(4), TOKEN(5), TOKEN(6)];

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** @type {string[]} */
let pageErrors = [];

before(async () => {
  assert.ok(issuer, 'E2E_ISSUER is not set: run tests/e2e/repair.sh');
  ({ browser, page, pageErrors } = await openPage(url, { timeout: 20_000 }));
});

after(async () => {
  await browser?.close();
});

const tid = (id) => `[data-testid="${id}"]`;

/** Calls a bound Go method directly, for setup the UI test does not need to click through. */
function backend(method, ...args) {
  return page.evaluate(([m, a]) => Object.values(window.go.main).find((service) => m in service)[m](...a), [method, args]);
}

function rowOf(label) {
  return page.locator('.line', { has: page.locator(tid('account-label'), { hasText: new RegExp(`^${label}$`) }) });
}

function card(name) {
  return page.locator(`${tid('client-card')}[data-client-name="${name}"]`);
}

async function setTheme(theme) {
  const now = await page.locator(tid('theme-toggle')).getAttribute('data-theme-now');
  if (now !== theme) await page.locator(tid('theme-toggle')).click();
}

/**
 * Screenshots the screen as it is in both themes at both sizes:
 * repair-NAME-light-1440.png, ...-dark-900.png. Ends light at 1440x900.
 */
async function shots(name) {
  for (const [w, h] of [[1440, 900], [900, 700]]) {
    await page.setViewportSize({ width: w, height: h });
    for (const theme of ['light', 'dark']) {
      // The theme button, unless a modal dialog covers it: then set the theme as the button does.
      if (await page.locator('dialog[open]').count()) {
        await page.evaluate((t) => {
          document.documentElement.dataset.theme = t;
        }, theme);
      } else {
        await setTheme(theme);
      }
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(out, `repair-${name}-${theme}-${w}.png`), animations: 'disabled', caret: 'hide' });
    }
  }
  if (await page.locator('dialog[open]').count()) {
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'light';
    });
  } else {
    await setTheme('light');
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

const past = (hours) => new Date(Date.now() - hours * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function assertNoSecretsInPage() {
  const html = await page.content();
  const stores = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  for (const s of secrets) {
    assert.ok(!html.includes(s), 'a secret is in the page');
    assert.ok(!stores.includes(s), 'a secret was kept in web storage');
  }
}

let clients = {};

test('first run: the checklist starts with setting up a platform', async () => {
  const list = page.locator(tid('first-run-checklist'));
  await list.waitFor();
  assert.deepEqual(await list.locator('strong').allTextContents(), ['Set up a platform', 'Add a client', 'Connect an account']);
  assert.equal(await page.locator(tid('checklist-platform')).getAttribute('data-done'), 'false');
  await shots('first-run');

  // Set up the platform from the checklist; "Connect now" follows at once.
  for (const name of ['Acme Bakery', 'Northwind', 'Globex']) clients[name] = (await backend('AddClient', name)).id;
  await backend('AddCustomProvider', {
    id: 'mock', name: 'Acme SSO', issuer, scopes: 'openid profile email offline_access', client_id: 'tokenwarden-test', client_secret: '',
  });
  await page.reload();
  await page.locator(tid('providers-button')).click();
  const dialog = page.locator(tid('dialog-providers'));
  await dialog.locator(`${tid('provider-option')}[data-provider="mock"]`).click();
  await dialog.locator('input[type="password"]').fill(APP_SECRET);
  await shots('provider-setup');
  await dialog.locator(tid('setup-save')).click();
  const notice = dialog.locator(tid('providers-notice'));
  await notice.waitFor();
  assert.match(await notice.textContent(), /Acme SSO is ready/);
  // Ready platforms come first.
  assert.equal(await dialog.locator(tid('provider-option')).first().getAttribute('data-provider'), 'mock');
  await shots('provider-ready');
  await notice.locator(tid('providers-connect-now')).click();
  const connect = page.locator(tid('dialog-connect'));
  await connect.waitFor();
  await connect.locator('h2', { hasText: 'Connect a Acme SSO account' }).waitFor(); // the platform is chosen already
  assert.doesNotMatch(await connect.textContent(), /Pages/);
  await shots('connect-now');
  await page.keyboard.press('Escape');
  await connect.waitFor({ state: 'detached' });
});

test('an imported account that broke is fixed from its row: Reconnect makes it a connected account', async () => {
  const imp = (client, label, n) =>
    backend('ImportAccount', {
      client_id: clients[client], provider: 'mock', label, access_token: TOKEN(n), refresh_token: '', expires_at: past(2), replace: false,
    });
  const acme = (await imp('Acme Bakery', 'Acme admin', 1)).account;
  await imp('Northwind', 'Northwind admin', 2);
  for (const [i, label] of ['Globex one', 'Globex two', 'Globex three'].entries()) await imp('Globex', label, 3 + i);
  await page.reload();

  const row = rowOf('Acme admin');
  await row.locator(tid('row-reconnect')).waitFor();
  // Expired, or already rejected by the provider if the app's first check reached it.
  assert.match(await row.locator(tid('account-row')).getAttribute('data-status'), /^(expired|invalid)$/);
  assert.ok(await row.locator(tid('row-replace-token')).isVisible(), 'an imported row offers Replace token');
  await shots('imported-rows');

  await row.locator(tid('account-row')).click();
  const panel = page.locator(tid('account-panel'));
  await panel.locator(tid('panel-replace-token')).waitFor();
  await shots('imported-panel');
  await panel.locator(tid('panel-close')).click();

  await row.locator(tid('row-reconnect')).click();
  const dialog = page.locator(tid('dialog-reconnect'));
  await dialog.locator(tid('connect-result')).waitFor();
  assert.match(await dialog.locator(tid('connect-headline')).textContent(), /Reconnected “Acme admin” as John Doe/);
  assert.doesNotMatch(await dialog.textContent(), /Pages/);
  await shots('imported-reconnected');
  await dialog.locator(tid('connect-done')).click();

  const fixed = rowOf('Acme admin').locator(tid('account-row'));
  await page.waitForFunction(
    (id) => document.querySelector(`[data-testid="account-row"][data-account-id="${id}"]`)?.getAttribute('data-status') === 'healthy',
    acme.id,
  );
  await fixed.click();
  assert.equal(await panel.getAttribute('data-account-id'), acme.id, 'the same account, not a new one');
  assert.equal(await panel.locator(tid('panel-identity-name')).textContent(), 'John Doe');
  assert.equal(await panel.locator(tid('panel-replace-token')).count(), 0, 'a connected account takes no pasted token');
  await panel.locator(tid('panel-close')).click();
  assert.match(readFileSync(browserLog, 'utf8'), new RegExp(`^${issuer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/authorize`, 'm'));
});

test('Replace token from the row keeps the account; an import that matches offers to replace its token', async () => {
  const row = rowOf('Northwind admin');
  await row.locator(tid('row-replace-token')).click();
  const dialog = page.locator(tid('dialog-replace-token'));
  await dialog.locator(tid('replace-access-token')).fill(TOKEN(6));
  await shots('replace-token');
  await dialog.locator(tid('replace-submit')).click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="account-row"]')].some(
      (r) => r.textContent.includes('Northwind admin') && r.getAttribute('data-status') === 'unknown',
    ),
  );

  await page.locator(tid('import-token-button')).click();
  const imp = page.locator(tid('dialog-import'));
  await imp.locator(tid('import-client')).selectOption(clients['Northwind']);
  await imp.locator(tid('import-provider')).selectOption('mock');
  await imp.locator(tid('import-label')).fill('northwind ADMIN');
  await imp.locator(tid('import-access-token')).fill(TOKEN(5));
  await imp.locator(tid('dialog-submit')).click();
  await imp.locator(tid('import-duplicate')).waitFor();
  assert.match(await imp.locator(tid('dialog-submit')).textContent(), /Replace its token/);
  await shots('import-duplicate');
  await imp.locator(tid('dialog-submit')).click();
  await imp.waitFor({ state: 'detached' });
  assert.equal(await card('Northwind').locator(tid('account-row')).count(), 1, 'no duplicate was added');
  await assertNoSecretsInPage();
});

test('a client’s contact and notes are kept; an account moves to another client', async () => {
  await card('Northwind').locator(tid('client-menu-button')).click();
  await page.locator(tid('client-edit-details')).click();
  const dialog = page.locator(tid('dialog-client-details'));
  await dialog.locator(tid('client-contact-input')).fill('Dana Reyes <dana@northwind.example>');
  await dialog.locator(tid('client-notes-input')).fill('Marketing lead. Ask before reconnecting on Mondays.');
  await shots('client-details');
  await dialog.locator(tid('client-details-save')).click();
  await dialog.waitFor({ state: 'detached' });
  assert.match(await card('Northwind').locator(tid('client-contact')).textContent(), /Dana Reyes/);

  await rowOf('Northwind admin').locator(tid('account-row')).click();
  const panel = page.locator(tid('account-panel'));
  await panel.locator(tid('panel-client-notes')).waitFor();
  await panel.locator(tid('panel-client')).scrollIntoViewIfNeeded();
  await panel.locator(tid('panel-move-select')).selectOption(clients['Acme Bakery']);
  await shots('panel-client');
  await panel.locator(tid('panel-move')).click();
  await card('Acme Bakery').locator(tid('account-label'), { hasText: 'Northwind admin' }).waitFor();
  await page.locator(tid('panel-close')).click();
  // Back where it was, for the steps after this one.
  await backend('MoveAccount', await rowOf('Northwind admin').locator(tid('account-row')).getAttribute('data-account-id'), clients['Northwind']);
  await page.reload();
  await card('Northwind').locator(tid('account-label'), { hasText: 'Northwind admin' }).waitFor();
});

test('bulk fix: three accounts, one login after another, with a summary', async () => {
  const globex = card('Globex');
  const fix = globex.locator(tid('client-fix'));
  assert.equal(await fix.textContent().then((t) => t.trim()), 'Fix 3 accounts');
  await page.locator(tid("summary-attention")).click();
  // Every account that needs the user, whatever the checks found meanwhile (the replaced token may be rejected).
  const needing = Number(await page.locator(tid('summary-attention-count')).textContent()) +
    Number(await page.locator(tid('summary-expiring-count')).textContent());
  assert.equal((await page.locator(tid('fix-all')).textContent()).trim(), `Fix ${needing} accounts`);
  await shots('need-attention');
  await fix.click();

  const dialog = page.locator(tid('dialog-bulk-fix'));
  await dialog.locator(tid('bulk-plan')).waitFor();
  assert.equal(await dialog.locator(tid('bulk-plan-step')).count(), 3);
  await shots('bulk-plan');
  // Record every progress line the dialog shows while the logins run.
  await page.evaluate(() => {
    window.__progress = [];
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="bulk-progress-text"]')?.textContent;
      if (t && window.__progress.at(-1) !== t) window.__progress.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await dialog.locator(tid('bulk-start')).click();
  const summary = dialog.locator(tid('bulk-summary'));
  await summary.waitFor({ timeout: 60_000 });
  assert.equal(await summary.textContent(), 'All 3 accounts fixed.');
  assert.deepEqual(await dialog.locator(tid('bulk-result')).evaluateAll((els) => els.map((e) => e.dataset.outcome)), ['fixed', 'fixed', 'fixed']);
  const seen = await page.evaluate(() => window.__progress);
  assert.deepEqual(seen, ['Login 1 of 3', 'Login 2 of 3', 'Login 3 of 3']);
  await shots('bulk-summary');
  await dialog.locator(tid('bulk-done')).click();

  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="client-card"][data-client-name="Globex"] [data-testid="account-row"]')].every(
      (r) => r.getAttribute('data-status') === 'healthy',
    ),
  );
  assert.equal(await globex.locator(tid('client-fix')).count(), 0);
  const history = await backend('History', { client_id: clients['Globex'], account_id: '', provider: '', kind: 'account.reconnected', outcome: '', since: '', until: '', query: '', before_id: 0, limit: 50 });
  assert.equal(history.events.length, 3);
  for (const e of history.events) assert.match(e.message, /imported by hand, is now connected as John Doe/);
  await assertNoSecretsInPage();
});

test('the native menu bar follows the dark theme', async () => {
  // The real window on the virtual screen: its GTK menu bar, light, then dark.
  execFileSync('import', ['-window', 'root', join(out, 'repair-window-menu-light.png')]);
  await backend('SetWindowTheme', 'dark');
  await new Promise((r) => setTimeout(r, 800));
  execFileSync('import', ['-window', 'root', join(out, 'repair-window-menu-dark.png')]);
  await backend('SetWindowTheme', 'light');
  await assert.rejects(backend('SetWindowTheme', 'purple'), /not a theme/);
});

test('no errors in the page', () => {
  assert.deepEqual(pageErrors, []);
});
