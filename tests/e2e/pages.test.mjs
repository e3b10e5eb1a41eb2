// Facebook Pages after connect and reconnect (issue 16) in the real UI (dev
// build, live Go bindings, real keychain) against graph-fake.mjs, Meta's
// documented bodies on 127.0.0.1: connecting brings two healthy Pages (no
// "Unknown" chip); a reconnect where the person unticks one Page in
// Facebook's dialog keeps only the other and shows the lost one apart.
// Run by tests/e2e/pages.sh, which sets E2E_URL, E2E_OUT, E2E_GRAPH and
// E2E_BROWSER_LOG. Screenshots: E2E_OUT/pages-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage } from './browser.mjs';

const url = process.env.E2E_URL ?? 'http://127.0.0.1:34115/';
const out = process.env.E2E_OUT ?? fileURLToPath(new URL('./out/', import.meta.url));
const graph = process.env.E2E_GRAPH ?? '';
const browserLog = process.env.E2E_BROWSER_LOG ?? '';
mkdirSync(out, { recursive: true });

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** @type {string[]} */
let pageErrors = [];

before(async () => {
  assert.ok(graph, 'E2E_GRAPH is not set: run tests/e2e/pages.sh');
  ({ browser, page, pageErrors } = await openPage(url, { timeout: 20_000 }));
});

after(async () => {
  await browser?.close();
});

const tid = (id) => `[data-testid="${id}"]`;
const card = (name) => page.locator(`${tid('client-card')}[data-client-name="${name}"]`);
const rowOf = (label) => page.locator('.line', { has: page.locator(tid('account-label'), { hasText: new RegExp(`^${label}$`) }) });

async function setTheme(theme) {
  await page.evaluate((t) => {
    document.documentElement.dataset.theme = t;
  }, theme);
  await page.waitForTimeout(150);
}

let loginID = '';

test('connecting a Facebook login brings both Pages healthy at once', async () => {
  await card('Acme').locator(tid('client-connect')).click();
  const dialog = page.locator(tid('dialog-connect'));
  await dialog.locator(`${tid('provider-option')}[data-provider="facebook"]`).click();
  await dialog.locator(tid('connect-login')).click();
  await dialog.locator(tid('connect-result')).waitFor({ timeout: 60_000 });
  assert.match(await dialog.locator(tid('connect-headline')).textContent(), /Connected “.*” as Jane Doe/);
  assert.equal(await dialog.locator(tid('connect-pages-line')).textContent(), 'This login keeps these 2 client Pages alive:');
  const pages = dialog.locator(tid('connect-page'));
  assert.deepEqual((await pages.locator('.page-label').allTextContents()).sort(), ['Acme Bakery', 'Acme Cafe']);
  assert.deepEqual(await dialog.locator(tid('connect-page-status')).evaluateAll((els) => els.map((e) => e.dataset.status)), ['healthy', 'healthy']);
  assert.doesNotMatch(await dialog.textContent(), /Unknown/);
  assert.equal(await dialog.locator(tid('connect-lost')).count(), 0);
  assert.equal(await dialog.locator(tid('scopes-not-granted')).count(), 0, 'the fake grants what was asked');
  await page.screenshot({ path: join(out, 'pages-connect.png'), animations: 'disabled', caret: 'hide' });
  await dialog.locator(tid('connect-done')).click();
  await dialog.waitFor({ state: 'detached' });

  // The list agrees: the Pages are healthy rows, not grey "Unknown" ones.
  for (const label of ['Acme Bakery', 'Acme Cafe']) {
    assert.equal(await rowOf(label).locator(tid('account-row')).getAttribute('data-status'), 'healthy', label);
  }
  assert.doesNotMatch(await card('Acme').textContent(), /Unknown/);
  const rows = await card('Acme').locator(tid('account-row')).evaluateAll((els) =>
    els.map((e) => ({ id: e.dataset.accountId, label: e.querySelector('[data-testid="account-label"]')?.textContent })),
  );
  const logins = rows.filter((r) => !['Acme Bakery', 'Acme Cafe'].includes(r.label ?? ''));
  assert.equal(logins.length, 1, JSON.stringify(rows));
  loginID = logins[0].id;
});

test('a reconnect with one Page unticked keeps that one only and shows the lost one apart', async () => {
  // The person will untick Acme Cafe in Facebook's dialog.
  const r = await fetch(`${graph}/__control/next-login`, { method: 'POST', body: JSON.stringify({ pages: ['111'] }) });
  assert.equal(r.status, 200);

  await page.locator(`${tid('account-row')}[data-account-id="${loginID}"]`).click();
  const panel = page.locator(tid('account-panel'));
  await panel.locator(tid('panel-reconnect')).click();
  const dialog = page.locator(tid('dialog-reconnect'));
  await dialog.locator(tid('connect-result')).waitFor({ timeout: 60_000 });
  assert.match(await dialog.locator(tid('connect-headline')).textContent(), /Reconnected “.*” as Jane Doe/);

  assert.equal(await dialog.locator(tid('connect-pages-line')).textContent(), 'This login keeps this client Page alive:');
  assert.deepEqual(await dialog.locator(`${tid('connect-page')} .page-label`).allTextContents(), ['Acme Bakery']);
  assert.equal(await dialog.locator(tid('connect-page-status')).getAttribute('data-status'), 'healthy');

  const lost = dialog.locator(tid('connect-lost'));
  assert.deepEqual(await lost.locator(`${tid('connect-lost-page')} .page-label`).allTextContents(), ['Acme Cafe']);
  assert.equal(await lost.locator(tid('connect-lost-status')).getAttribute('data-status'), 'invalid');
  assert.match(await lost.textContent(), /Reconnect the login that manages this Page, and tick it in Facebook’s dialog/);
  assert.ok((await dialog.locator(tid('change-lost')).count()) >= 1, 'the loss is said loudly');
  assert.doesNotMatch(await dialog.textContent(), /Unknown/);

  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'pages-reconnect-lost.png'), animations: 'disabled', caret: 'hide' });
  await setTheme('dark');
  await page.screenshot({ path: join(out, 'pages-reconnect-lost-dark.png'), animations: 'disabled', caret: 'hide' });
  await setTheme('light');
  await dialog.locator(tid('connect-done')).click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForTimeout(500);
  // The login's panel keeps only the ticked Page alive and lists the lost one apart.
  const panelNow = page.locator(tid('account-panel'));
  await panelNow.locator(tid('panel-lost-pages')).waitFor();
  assert.deepEqual(await panelNow.locator(`${tid('panel-pages')} .page-label`).allTextContents(), ['Acme Bakery']);
  assert.deepEqual(await panelNow.locator(`${tid('panel-lost-pages')} .page-label`).allTextContents(), ['Acme Cafe']);
  await page.screenshot({ path: join(out, 'pages-reconnect-panel.png'), animations: 'disabled', caret: 'hide' });
});

test('every login went through the fake on loopback', () => {
  const log = readFileSync(browserLog, 'utf8');
  const dialogs = log.split('\n').filter((l) => l.startsWith(`${graph}/v25.0/dialog/oauth`));
  assert.equal(dialogs.length, 2, log);
  assert.doesNotMatch(log, /refused/);
});

test('no errors in the page', () => {
  assert.deepEqual(pageErrors, []);
});
