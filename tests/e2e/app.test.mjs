// Drives the real Tokenwarden UI, served by the Wails dev build with live Go
// bindings, through the system Chromium. Run by tests/e2e/run.sh, which
// starts the app and sets E2E_URL and E2E_OUT. The steps build on each
// other and run in order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const url = process.env.E2E_URL ?? 'http://127.0.0.1:34115/';
const out = process.env.E2E_OUT ?? fileURLToPath(new URL('./out/', import.meta.url));
mkdirSync(out, { recursive: true });

// Every test token carries "-e2e-SECRET-"; run.sh scans the data folder and
// the log for that marker afterwards.
const TOKEN_PAGE = 'EAAtest-e2e-SECRET-token-0001';
const REFRESH_PAGE = 'rt-e2e-SECRET-refresh-0001';
const TOKEN_INSTAGRAM = 'IGtest-e2e-SECRET-token-0002';
// The Facebook developer app's secret, set through the connect dialog; it
// belongs in the keychain only, like the tokens.
const FACEBOOK_APP_SECRET = 'fbapp-e2e-SECRET-secret-0004';
const secrets = [TOKEN_PAGE, REFRESH_PAGE, TOKEN_INSTAGRAM, FACEBOOK_APP_SECRET];

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageErrors = [];

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: 'light' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => {
    const stack = String(err.stack ?? err);
    // Wails' own dev-mode script (/wails/ipc.js) mounts its reconnect overlay
    // with an anchor (#wails-spinner) that does not exist and throws; that
    // script only exists in dev builds, so it is not the app's error.
    if (stack.includes('/wails/ipc.js')) return;
    pageErrors.push(stack);
  });
  page.on('console', (msg) => {
    // The dev server's own bridge (/wails/ipc.js) logs a call made while its
    // socket reconnects under load; the built app has no socket.
    if (msg.type() === 'error' && !/Failed to load resource|\/wails\/ipc\.js/.test(msg.text())) pageErrors.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) pageErrors.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  await page.goto(url);
});

after(async () => {
  await browser?.close();
});

// ---- helpers ---------------------------------------------------------------

const tid = (id) => `[data-testid="${id}"]`;

/** Polls fn until it returns a truthy value or stops throwing. */
async function eventually(fn, what, timeout = 10_000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = new Error(`not yet: ${what}`);
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${last?.message ?? last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function row(label) {
  return page.locator(tid('account-row'), {
    has: page.locator(tid('account-label'), { hasText: new RegExp(`^${label}$`) }),
  });
}

function card(name) {
  return page.locator(`${tid('client-card')}[data-client-name="${name}"]`);
}

async function rowLabels() {
  return page.locator(`${tid('account-row')} ${tid('account-label')}`).allTextContents();
}

/**
 * Calls a bound Go method directly, for setup that the UI test does not need
 * to click through; found on whichever bound service of package main has it.
 */
function backend(method, ...args) {
  return page.evaluate(
    ([m, a]) => {
      const svc = Object.values(window.go.main).find((s) => typeof s[m] === 'function');
      if (!svc) throw new Error(`no bound method ${m}`);
      return svc[m](...a);
    },
    [method, args],
  );
}

/** A value for <input type="datetime-local"> in the browser's time zone. */
function localInput(msFromNow) {
  return page.evaluate((ms) => {
    const d = new Date(Date.now() + ms);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, msFromNow);
}

async function assertNoSecretsInPage() {
  const html = await page.content();
  const stores = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  for (const s of secrets) {
    assert.ok(!html.includes(s), 'a token is still in the page');
    assert.ok(!stores.includes(s), 'a token was kept in web storage');
  }
}

const DAY = 24 * 60 * 60 * 1000;

/** Saves a screenshot of the page in tests/e2e/out/, with animations finished. */
function shot(name) {
  return page.screenshot({ path: join(out, name), animations: 'disabled', caret: 'hide' });
}

// ---- steps -----------------------------------------------------------------

test('a new user sees the empty state with what to do first', async () => {
  await page.locator(tid('empty-state')).waitFor();
  const text = await page.locator(tid('empty-state')).innerText();
  assert.match(text, /keychain/i);
  assert.match(text, /add(ing)? a client/i);
  assert.ok(await page.locator(tid('empty-add-client')).isVisible());
  assert.ok(await page.locator(tid('empty-import-token')).isVisible());
  await shot('empty-light.png');
});

test('adds the client "Acme Bakery"', async () => {
  await page.click(tid('empty-add-client'));
  await page.locator(tid('dialog-add-client')).waitFor();
  await page.fill(tid('client-name-input'), 'Acme Bakery');
  await page.keyboard.press('Enter');
  await page.locator(tid('dialog-add-client')).waitFor({ state: 'detached' });
  await card('Acme Bakery').waitFor();
  assert.equal(await page.locator(tid('client-card')).count(), 1);
  await page.locator(tid('toast'), { hasText: 'Acme Bakery' }).first().waitFor();
});

test('a duplicate client name shows the error and changes nothing', async () => {
  await page.click(tid('add-client-button'));
  await page.locator(tid('dialog-add-client')).waitFor();
  await page.fill(tid('client-name-input'), 'Acme Bakery');
  await page.click(tid('dialog-submit'));
  const error = page.locator(`${tid('dialog-add-client')} ${tid('dialog-error')}`);
  await error.waitFor();
  assert.ok((await error.innerText()).trim().length > 10, 'the backend error is shown');
  assert.equal(await page.inputValue(tid('client-name-input')), 'Acme Bakery', 'what was typed is kept');
  await page.keyboard.press('Escape');
  await page.locator(tid('dialog-add-client')).waitFor({ state: 'detached' });
  assert.equal(await page.locator(tid('client-card')).count(), 1);
  const ov = await backend('Overview');
  assert.deepEqual(
    ov.groups.map((g) => g.name),
    ['Acme Bakery'],
  );
});

test('imports a Facebook token that expires in 3 days: status "expiring"', async () => {
  await page.click(tid('import-token-button'));
  const dialog = page.locator(tid('dialog-import'));
  await dialog.waitFor();
  await page.selectOption(tid('import-client'), { label: 'Acme Bakery' });
  await page.selectOption(tid('import-provider'), 'facebook');
  await page.fill(tid('import-label'), 'Acme Page');

  // Without a token the backend refuses; the form keeps what was typed.
  await page.click(tid('dialog-submit'));
  await dialog.locator(tid('dialog-error')).waitFor();
  assert.equal(await page.inputValue(tid('import-label')), 'Acme Page');

  await page.fill(tid('import-access-token'), TOKEN_PAGE);
  await page.fill(tid('import-refresh-token'), REFRESH_PAGE);
  assert.equal(await page.getAttribute(tid('import-access-token'), 'type'), 'password');
  await page.fill(tid('import-expiry'), await localInput(3 * DAY + 2 * 60 * 60 * 1000));
  await shot('import-light.png');
  await page.click(tid('dialog-submit'));
  await dialog.waitFor({ state: 'detached' });

  const r = row('Acme Page');
  await r.waitFor();
  assert.equal(await r.getAttribute('data-status'), 'expiring');
  assert.match(await r.locator(tid('account-status')).innerText(), /expiring/i);
  assert.match(await r.locator(tid('account-expiry')).innerText(), /^Expires in [23] days$/);
  // An expiring account shows its fix where the last-check column stands:
  // an imported token can be reconnected or replaced from its row.
  assert.equal(await r.locator(tid('account-checked')).count(), 0);
  assert.equal(await r.locator('xpath=..').locator(tid('row-reconnect')).count(), 1);
  assert.equal(await page.locator(tid('summary-expiring-count')).innerText(), '1');
  await assertNoSecretsInPage();
});

test('imports an Instagram token with no expiry: status "unknown"', async () => {
  await card('Acme Bakery').locator(tid('client-import')).click();
  const dialog = page.locator(tid('dialog-import'));
  await dialog.waitFor();
  // Opened from the card, the client is already chosen; the token fields start empty.
  assert.equal(await page.locator(`${tid('import-client')} option:checked`).innerText(), 'Acme Bakery');
  assert.equal(await page.inputValue(tid('import-access-token')), '');
  assert.equal(await page.inputValue(tid('import-refresh-token')), '');
  await page.selectOption(tid('import-provider'), 'instagram');
  await page.fill(tid('import-label'), 'Acme Instagram');
  await page.fill(tid('import-access-token'), TOKEN_INSTAGRAM);
  await page.click(tid('dialog-submit'));
  await dialog.waitFor({ state: 'detached' });

  const r = row('Acme Instagram');
  await r.waitFor();
  assert.equal(await r.getAttribute('data-status'), 'unknown');
  assert.match(await r.locator(tid('account-status')).innerText(), /unknown/i);
  assert.match(await r.locator(tid('account-expiry')).innerText(), /expiry unknown/i);
  assert.equal(await page.locator(tid('summary-unknown-count')).innerText(), '1');
  // The backend orders accounts most urgent first: expiring before unknown.
  assert.deepEqual(await rowLabels(), ['Acme Page', 'Acme Instagram']);

  // Closing a half-filled dialog forgets the token.
  await page.click(tid('import-token-button'));
  await dialog.waitFor();
  await page.fill(tid('import-access-token'), TOKEN_INSTAGRAM);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.click(tid('import-token-button'));
  await dialog.waitFor();
  assert.equal(await page.inputValue(tid('import-access-token')), '');
  await page.click(tid('dialog-cancel'));
  await dialog.waitFor({ state: 'detached' });
  await assertNoSecretsInPage();
});

test('search filters by client name, account label and platform', async () => {
  // A second client, set up through the live binding, to show filtering across clients.
  await backend('AddClient', 'Northwind Café');
  await page.reload();
  await card('Northwind Café').waitFor();

  const search = page.locator(tid('search-input'));
  const check = async (q, labels, cards) => {
    await search.fill(q);
    await eventually(async () => JSON.stringify(await rowLabels()) === JSON.stringify(labels), `rows for "${q}"`);
    assert.equal(await page.locator(tid('client-card')).count(), cards, `cards for "${q}"`);
  };
  await check('instagram', ['Acme Instagram'], 1); // platform
  await check('acme page', ['Acme Page'], 1); // label words
  await check('bakery', ['Acme Page', 'Acme Instagram'], 1); // client name
  await check('cafe', [], 1); // client without accounts, accent-insensitive
  await check('zzz-nothing', [], 0);
  await page.locator(tid('no-match')).waitFor();
  await search.press('Escape');
  assert.equal(await search.inputValue(), '');
  await check('', ['Acme Page', 'Acme Instagram'], 2);
});

test('the account panel shows history and renames the account', async () => {
  await row('Acme Page').click();
  const panel = page.locator(tid('account-panel'));
  await panel.waitFor();
  assert.equal(await panel.locator(tid('panel-title')).innerText(), 'Acme Page');
  const imported = panel.locator(tid('history-item'), { hasText: /imported/i });
  await imported.first().waitFor();
  await shot('panel-light.png');

  await panel.locator(tid('panel-rename-input')).fill('Acme Bakery Page');
  await panel.locator(tid('panel-rename-save')).click();
  await eventually(async () => (await panel.locator(tid('panel-title')).innerText()) === 'Acme Bakery Page', 'new title');
  await row('Acme Bakery Page').waitFor();
  await panel.locator(tid('history-item'), { hasText: /renamed/i }).first().waitFor();

  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
});

test('deleting an account says the tokens leave the keychain and history stays', async () => {
  await row('Acme Instagram').click();
  const panel = page.locator(tid('account-panel'));
  await panel.waitFor();
  await panel.locator(tid('panel-delete')).click();
  const confirm = page.locator(tid('dialog-delete-account'));
  await confirm.waitFor();
  const text = await confirm.innerText();
  assert.match(text, /keychain/i);
  assert.match(text, /history is kept/i);
  await confirm.locator(tid('dialog-submit')).click();
  await confirm.waitFor({ state: 'detached' });
  await panel.waitFor({ state: 'detached' });
  await eventually(async () => (await row('Acme Instagram').count()) === 0, 'the row to go');
  assert.deepEqual(await rowLabels(), ['Acme Bakery Page']);
  const ov = await backend('Overview');
  assert.equal(ov.counts.total, 1);
});

test('the overview shows every status with words and colours', async () => {
  // More accounts through the live binding, so the screenshots show the whole range.
  const ov = await backend('Overview');
  const northwind = ov.groups.find((g) => g.name === 'Northwind Café').id;
  const iso = (ms) => new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const add = (provider, label, expires_at, refresh = '') =>
    backend('ImportAccount', {
      client_id: northwind,
      provider,
      label,
      access_token: `tok-e2e-SECRET-${provider}`,
      refresh_token: refresh,
      expires_at,
    });
  await add('linkedin', 'Northwind Company Page', iso(45 * DAY), `rt-e2e-SECRET-${'linkedin'}`);
  await add('google', 'Northwind YouTube', iso(-2 * DAY));
  await add('tiktok', 'Northwind TikTok', iso(20 * DAY));
  await page.reload();
  await row('Northwind YouTube').waitFor();

  assert.equal(await row('Northwind YouTube').getAttribute('data-status'), 'expired');
  assert.match(await row('Northwind YouTube').locator(tid('account-expiry')).innerText(), /expired 2 days ago/i);
  assert.equal(await row('Northwind Company Page').getAttribute('data-status'), 'healthy');
  assert.equal(await page.locator(tid('summary-attention-count')).innerText(), '1');
  assert.equal(await page.locator(tid('summary-healthy-count')).innerText(), '2');

  // The summary tiles filter by status.
  await page.click(tid('summary-attention'));
  await eventually(async () => JSON.stringify(await rowLabels()) === '["Northwind YouTube"]', 'attention filter');
  await page.click(tid('summary-attention'));
  await eventually(async () => (await rowLabels()).length === 4, 'filter cleared');

  await shot('overview-light.png');
});

test('Check now checks every account; unreachable platforms leave tokens "not verified", not broken', async () => {
  // Every built-in platform points at loopback (tests/providers.yaml), where
  // nothing listens: every check gets no verdict. That must read as "not
  // verified" in grey, never as a broken token. run.sh's tripwire proxy
  // fails the run if a check tried a real host instead.
  await page.evaluate(() => {
    window.__progress = [];
    const seen = () => {
      const el = document.querySelector('[data-testid="check-progress-text"]');
      if (el && window.__progress.at(-1) !== el.textContent) window.__progress.push(el.textContent);
    };
    window.__progressObserver = new MutationObserver(seen);
    window.__progressObserver.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.click(tid('check-now-button'));
  const toast = page.locator(tid('toast'), { hasText: /checked/ }).first();
  await toast.waitFor({ timeout: 60_000 });
  const progress = await page.evaluate(() => {
    window.__progressObserver.disconnect();
    return window.__progress;
  });
  assert.ok(progress.length > 0, 'the header showed the check under way');
  assert.ok(progress.every((t) => /^Checking( \d+ of \d+)?…$|^Stopping…$/.test(t)), `progress words: ${progress}`);
  await page.locator(tid('check-now-button')).waitFor(); // back to the button

  const summary = await toast.locator(tid('toast-text')).innerText();
  // Deadlines still count (the expiring and the expired token need the user); the rest is "not verified".
  assert.match(summary, /^4 checked( · \d+ renewed)?( · \d+ needs? you)? · \d+ not verified$/, summary);
  const notes = await toast.locator(tid('toast-note')).allInnerTexts();
  assert.equal(notes.length, 1, 'one line names the accounts that could not be checked');
  assert.match(notes[0], /^Not verified \(\d\)/);
  assert.match(notes[0], /Acme Bakery Page/);
  await shot('check-summary-light.png');
  await toast.getByRole('button', { name: 'Dismiss' }).click();

  // The backend agrees: a last error, and no account marked invalid for it.
  const ov = await backend('Overview');
  const all = ov.groups.flatMap((g) => g.accounts);
  const unverified = all.filter((a) => a.last_error);
  assert.ok(unverified.length >= 2, `accounts with a last error: ${unverified.map((a) => a.label)}`);
  for (const a of all) assert.notEqual(a.status, 'invalid', `${a.label} was marked invalid`);
  assert.equal(ov.counts.invalid, 0);

  for (const a of unverified) {
    const r = row(a.label);
    assert.notEqual(await r.getAttribute('data-status'), 'invalid');
    const checked = r.locator(tid('account-checked'));
    if ((await checked.count()) === 0) continue; // a Reconnect button takes the column
    assert.match(await checked.innerText(), /^Not verified (yet|since .+)$/);
    assert.equal(await checked.getAttribute('title'), a.last_error);
  }
  // The imported Facebook Page keeps its deadline, in amber words.
  assert.match(await row('Acme Bakery Page').locator(tid('account-expiry')).innerText(), /^Expires in [123] days?$/);
  assert.equal(await row('Acme Bakery Page').getAttribute('data-status'), 'expiring');
});

test('the panel’s Health section says why a token is not verified, checks it again and snoozes it', async () => {
  await row('Acme Bakery Page').click();
  const panel = page.locator(tid('account-panel'));
  await panel.waitFor();
  const health = panel.locator(tid('panel-health'));
  await health.waitFor();
  assert.equal(await health.locator(tid('panel-status')).getAttribute('data-status'), 'expiring');
  assert.match(await health.locator(tid('panel-expiry')).innerText(), /^Expires in/);
  const lastError = health.locator(tid('panel-last-error'));
  await lastError.waitFor();
  assert.match(await lastError.innerText(), /Not verified/);
  assert.match(await lastError.innerText(), /not marked broken/);
  assert.equal(await health.locator(tid('panel-problem')).count(), 0, 'no problem callout for an unreachable platform');
  assert.match(await health.locator(tid('panel-renews')).innerText(), /^No/);
  assert.notEqual((await health.locator(tid('panel-reconnect-by')).innerText()).trim(), 'Unknown');
  // The history shows the failed check in grey, as information.
  const failed = panel.locator(`${tid('history-item')}[data-kind="account.check_failed"]`).first();
  await failed.waitFor();
  assert.match(await failed.getAttribute('class'), /outcome-info/);

  // Check this one account again.
  await health.locator(tid('panel-check-now')).click();
  const result = health.locator(tid('panel-check-result'));
  await result.waitFor({ timeout: 30_000 });
  assert.match(await result.innerText(), /still no answer from the platform/);
  assert.equal(await health.locator(tid('panel-status')).getAttribute('data-status'), 'expiring');

  // Snooze for a day, then clear it.
  await health.locator(tid('panel-snooze-1')).click();
  const snoozed = health.locator(tid('panel-snooze-result'));
  await snoozed.waitFor();
  assert.match(await snoozed.innerText(), /^Notifications snoozed until /);
  await panel.locator(tid('panel-title')).scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await shot('health-light.png');
  await health.locator(tid('panel-snooze-clear')).click();
  await eventually(async () => /on again/.test(await snoozed.innerText()), 'the snooze to clear');
  await health.locator(tid('panel-snooze-1')).click(); // leave it snoozed, for the window screenshot
  await eventually(async () => /snoozed until/.test(await snoozed.innerText()), 'snoozed again');
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
});

test('settings: quiet hours are saved and kept; the backend’s refusal is shown inline', async () => {
  await page.click(tid('settings-button'));
  const dialog = page.locator(tid('dialog-settings'));
  await dialog.waitFor();
  await dialog.locator(tid('settings-enabled')).waitFor();
  // The defaults: on, 7/3/1 days and when it has passed, quiet hours off.
  assert.equal(await dialog.locator(tid('settings-enabled')).isChecked(), true);
  const ticked = await dialog.locator(tid('settings-threshold')).evaluateAll((els) => els.filter((e) => e.checked).map((e) => e.dataset.days));
  assert.deepEqual(ticked, ['7', '3', '1', '0']);
  assert.equal(await dialog.locator(tid('settings-quiet-enabled')).isChecked(), false);
  await page.waitForTimeout(200);
  await shot('settings-light.png');

  // A reminder beyond the warning window is refused, in words; nothing is saved.
  await dialog.locator(tid('settings-custom-days')).fill('30');
  await dialog.locator(tid('settings-custom-add')).click();
  await dialog.locator(tid('dialog-submit')).click();
  const error = dialog.locator(tid('dialog-error'));
  await error.waitFor();
  assert.match(await error.innerText(), /warning window/i);
  assert.equal(await dialog.locator(`${tid('settings-threshold')}[data-days="30"]`).isChecked(), true, 'the form is kept');
  await dialog.locator(`${tid('settings-threshold')}[data-days="30"]`).uncheck();

  await dialog.locator(tid('settings-quiet-enabled')).check();
  await dialog.locator(tid('settings-quiet-start')).fill('21:30');
  await dialog.locator(tid('settings-quiet-end')).fill('07:15');
  await dialog.locator(tid('settings-warning-days')).fill('10');
  await dialog.locator(tid('dialog-submit')).click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator(tid('toast'), { hasText: 'Settings saved.' }).first().waitFor();

  await page.click(tid('settings-button'));
  await dialog.waitFor();
  await dialog.locator(tid('settings-quiet-enabled')).waitFor();
  assert.equal(await dialog.locator(tid('settings-quiet-enabled')).isChecked(), true);
  assert.equal(await dialog.locator(tid('settings-quiet-start')).inputValue(), '21:30');
  assert.equal(await dialog.locator(tid('settings-quiet-end')).inputValue(), '07:15');
  assert.equal(await dialog.locator(tid('settings-warning-days')).inputValue(), '10');
  const saved = await backend('NotificationSettings');
  assert.deepEqual(saved.quiet_hours, { enabled: true, start: '21:30', end: '07:15' });
  assert.deepEqual(saved.thresholds, [7, 3, 1, 0]);
  assert.equal(saved.warning_days, 10);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

test('links (as notifications send them) open the account, and a reconnect that cannot start says why', async () => {
  const ov = await backend('Overview');
  const byLabel = Object.fromEntries(ov.groups.flatMap((g) => g.accounts).map((a) => [a.label, a.id]));

  await backend('HandleLink', `tokenwarden://open/${byLabel['Northwind TikTok']}`);
  const panel = page.locator(tid('account-panel'));
  await panel.waitFor();
  assert.equal(await panel.getAttribute('data-account-id'), byLabel['Northwind TikTok']);
  assert.equal(await row('Northwind TikTok').getAttribute('aria-current'), 'true');

  // Google is not set up in this data folder: the reconnect ends at once, and the window says so.
  await backend('HandleLink', `tokenwarden://reconnect/${byLabel['Northwind YouTube']}`);
  await eventually(async () => (await panel.getAttribute('data-account-id')) === byLabel['Northwind YouTube'], 'the YouTube panel');
  const toast = page.locator(`${tid('toast')}[data-tone="bad"]`, { hasText: 'Reconnecting “Northwind YouTube” did not finish.' });
  await toast.first().waitFor();
  assert.equal(await page.locator(tid('dialog-reconnect')).count(), 0);
  await toast.first().getByRole('button', { name: 'Dismiss' }).click();
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
});

test('the header fits from the default window size down to the smallest', async () => {
  for (const width of [1200, 1024, 860]) {
    await page.setViewportSize({ width, height: 820 });
    await page.waitForTimeout(100);
    const fit = await page.evaluate(() => {
      const header = document.querySelector('[data-testid="app-header"]');
      const last = document.querySelector('[data-testid="connect-button"]').getBoundingClientRect();
      const search = document.querySelector('[data-testid="search-input"]').getBoundingClientRect();
      return { overflow: header.scrollWidth - header.clientWidth, right: last.right, search: search.width, vw: innerWidth };
    });
    assert.ok(fit.overflow <= 0 && fit.right <= fit.vw, `header overflows at ${width}px: ${JSON.stringify(fit)}`);
    assert.ok(fit.search >= 120, `the search box is too narrow at ${width}px: ${fit.search}`);
    if (width === 860) await shot('header-860-light.png');
  }
  await page.setViewportSize({ width: 1280, height: 820 });
});

test('the providers panel lists every platform and what each still needs', async () => {
  await page.click(tid('providers-button'));
  const dialog = page.locator(tid('dialog-providers'));
  await dialog.waitFor();
  const options = dialog.locator(tid('provider-option'));
  await options.first().waitFor();
  const ids = await options.evaluateAll((els) => els.map((e) => e.dataset.provider));
  for (const id of ['facebook', 'instagram', 'linkedin', 'google', 'x']) assert.ok(ids.includes(id), `${id} is listed`);
  // A fresh data folder: nothing is set up yet, and each row says what is missing.
  assert.deepEqual(await options.evaluateAll((els) => [...new Set(els.map((e) => e.dataset.ready))]), ['false']);
  assert.match(await dialog.locator(`${tid('provider-option')}[data-provider="facebook"]`).innerText(), /client id/i);
  assert.match(await dialog.locator(tid('providers-count')).innerText(), new RegExp(`^0 of ${ids.length} set up$`));
  await page.waitForTimeout(200);
  await shot('providers-light.png');

  // The address to register: exact for Facebook, without a port where any port is accepted.
  await dialog.locator(`${tid('provider-option')}[data-provider="facebook"]`).click();
  await dialog.locator(tid('provider-setup')).waitFor();
  assert.equal(await dialog.locator(tid('setup-redirect-uri')).inputValue(), 'http://127.0.0.1:53682/callback');
  await dialog.locator(tid('providers-back')).click();
  await dialog.locator(`${tid('provider-option')}[data-provider="google"]`).click();
  assert.equal(await dialog.locator(tid('setup-redirect-uri')).inputValue(), 'http://127.0.0.1/callback');
  assert.match(await dialog.locator(tid('provider-setup')).innerText(), /any port/);

  // Escape steps back to the list first, then closes.
  await page.keyboard.press('Escape');
  await dialog.locator(tid('provider-picker')).waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

test('connecting a Facebook account starts by setting up the developer app', async () => {
  await card('Acme Bakery').locator(tid('client-connect')).click();
  const dialog = page.locator(tid('dialog-connect'));
  await dialog.waitFor();
  assert.equal(await dialog.locator(`${tid('connect-client')} option:checked`).innerText(), 'Acme Bakery');
  const facebook = dialog.locator(`${tid('provider-option')}[data-provider="facebook"]`);
  assert.equal(await facebook.getAttribute('data-ready'), 'false');
  await facebook.click();

  // Not set up: the guide, the exact redirect URI, the console link, the app's fields.
  const form = dialog.locator(tid('provider-setup'));
  await form.waitFor();
  assert.ok((await form.locator(`${tid('setup-guide')} li`).count()) >= 3, 'the guide has its steps');
  assert.equal(await form.locator(tid('setup-redirect-uri')).inputValue(), 'http://127.0.0.1:53682/callback');
  assert.ok(await form.locator(tid('setup-redirect-uri-copy')).isVisible());
  assert.equal(await form.locator(tid('setup-console-link')).getAttribute('href'), 'https://developers.facebook.com/apps');
  assert.equal(await form.locator(tid('setup-client-secret')).getAttribute('type'), 'password');
  await page.waitForTimeout(200);
  await shot('connect-setup-light.png');

  // Facebook needs the secret; without it nothing is saved.
  await form.locator(tid('setup-client-id')).fill('1234567890123');
  await dialog.locator(tid('setup-save')).click();
  assert.match(await form.locator(tid('setup-error')).innerText(), /client secret/i);

  await form.locator(tid('setup-client-secret')).fill(FACEBOOK_APP_SECRET);
  await dialog.locator(tid('setup-save')).click();

  // Ready: the permissions to ask for, all ticked, and the login button.
  const scopes = dialog.locator(tid('connect-scope'));
  await scopes.first().waitFor();
  assert.ok((await scopes.count()) >= 3);
  assert.deepEqual([...new Set(await scopes.evaluateAll((els) => els.map((e) => e.checked)))], [true]);
  assert.equal(await dialog.locator(`${tid('connect-provider')} ${tid('setup-badge')}`).getAttribute('data-ready'), 'true');
  assert.equal(await dialog.locator(tid('connect-login')).innerText(), 'Log in with Facebook');
  await page.waitForTimeout(200);
  await shot('connect-ready-light.png');
  await assertNoSecretsInPage();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  // The backend agrees, and the providers panel shows Facebook as ready.
  const setups = await backend('ProviderSetups');
  const fb = setups.find((p) => p.id === 'facebook');
  assert.equal(fb.configured, true);
  assert.equal(fb.client_id, '1234567890123');
  assert.equal(fb.has_secret, true);
  await page.click(tid('providers-button'));
  const providers = page.locator(tid('dialog-providers'));
  const row = providers.locator(`${tid('provider-option')}[data-provider="facebook"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-ready'), 'true');
  assert.match(await row.innerText(), /1234567890123/);
  await page.keyboard.press('Escape');
  await providers.waitFor({ state: 'detached' });
});

test('a client can be renamed and deleted from its menu', async () => {
  const menuAction = async (client, action) => {
    await card(client).locator(tid('client-menu-button')).click();
    await card(client).locator(tid(action)).click();
  };

  await menuAction('Northwind Café', 'client-rename');
  const rename = page.locator(tid('dialog-rename-client'));
  await rename.waitFor();
  assert.equal(await page.inputValue(tid('client-name-input')), 'Northwind Café');
  await page.fill(tid('client-name-input'), 'Northwind Coffee');
  await page.click(tid('dialog-submit'));
  await rename.waitFor({ state: 'detached' });
  await card('Northwind Coffee').waitFor();

  // A client that still has accounts stays; the backend says why.
  await menuAction('Northwind Coffee', 'client-delete');
  const confirm = page.locator(tid('dialog-delete-client'));
  await confirm.waitFor();
  await confirm.locator(tid('dialog-submit')).click();
  await confirm.locator(tid('dialog-error')).waitFor();
  await page.keyboard.press('Escape');
  await confirm.waitFor({ state: 'detached' });
  assert.equal(await card('Northwind Coffee').count(), 1);

  // An empty client goes.
  await page.click(tid('add-client-button'));
  await page.fill(tid('client-name-input'), 'Short-lived Client');
  await page.keyboard.press('Enter');
  await card('Short-lived Client').waitFor();
  await menuAction('Short-lived Client', 'client-delete');
  await confirm.waitFor();
  assert.match(await confirm.innerText(), /history is kept/i);
  await confirm.locator(tid('dialog-submit')).click();
  await confirm.waitFor({ state: 'detached' });
  await eventually(async () => (await card('Short-lived Client').count()) === 0, 'the client to go');
});

test('the dark theme can be chosen and is remembered', async () => {
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  assert.equal(await theme(), 'light');
  await page.click(tid('theme-toggle'));
  assert.equal(await theme(), 'dark');
  assert.equal(await page.evaluate(() => localStorage.getItem('tokenwarden.theme')), 'dark');
  await page.reload();
  await row('Acme Bakery Page').waitFor();
  assert.equal(await theme(), 'dark');
  await shot('overview-dark.png');

  await row('Acme Bakery Page').click();
  await page.locator(tid('account-panel')).waitFor();
  await page.locator(tid('history-item')).first().waitFor();
  await page.waitForTimeout(300); // let the slide-in finish
  await shot('panel-dark.png');
  await page.locator(tid('panel-health')).scrollIntoViewIfNeeded();
  await shot('health-dark.png');
  await page.keyboard.press('Escape');

  await page.click(tid('settings-button'));
  await page.locator(tid('settings-quiet-enabled')).waitFor();
  await page.waitForTimeout(200);
  await shot('settings-dark.png');
  await page.keyboard.press('Escape');
  await page.locator(tid('dialog-settings')).waitFor({ state: 'detached' });

  await page.click(tid('connect-button'));
  await page.locator(tid('provider-option')).first().waitFor();
  await page.waitForTimeout(200);
  await shot('connect-dark.png');
  await page.keyboard.press('Escape');
  await page.locator(tid('dialog-connect')).waitFor({ state: 'detached' });

  await page.click(tid('import-token-button'));
  await page.locator(tid('dialog-import')).waitFor();
  await page.selectOption(tid('import-provider'), 'pinterest');
  await page.fill(tid('import-label'), 'Acme Pins');
  await page.waitForTimeout(200);
  await shot('import-dark.png');
  await page.keyboard.press('Escape');
  await page.locator(tid('dialog-import')).waitFor({ state: 'detached' });
});

test('no errors in the page', () => {
  assert.deepEqual(pageErrors, []);
});
