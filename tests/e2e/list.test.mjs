// Drives the account list of the real UI against the Wails dev build with
// live Go bindings: sorting, folding healthy clients, the compact table, the
// keyboard (arrows, Enter, Escape back to the row) and windowing (only
// visible rows are drawn). Like history.test.mjs it expects E2E_URL and
// E2E_OUT from the runner and a data folder seeded with `dev seed` (at
// least a few dozen accounts; run.sh uses the history app's 40). Screenshots:
// list-*.png in E2E_OUT, cards / folded / table, light and dark, at
// 1440x900 and 900x700.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage } from './browser.mjs';

const url = process.env.E2E_URL ?? 'http://127.0.0.1:34115/';
const out = process.env.E2E_OUT ?? fileURLToPath(new URL('./out/', import.meta.url));
mkdirSync(out, { recursive: true });

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** @type {string[]} */
let pageErrors = [];
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  ({ browser, page, pageErrors } = await openPage(url, { timeout: 15_000 }));
  await page.evaluate(() => localStorage.removeItem('tokenwarden.list'));
  await page.reload();
  await page.waitForSelector(tid('account-row'));
});

after(async () => {
  await browser?.close();
});

const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute('data-account-id') ?? null);
const drawnIds = () => page.locator(tid('account-row')).evaluateAll((rs) => rs.map((r) => r.getAttribute('data-account-id')));

async function shots(name) {
  for (const [w, h] of [
    [1440, 900],
    [900, 700],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(out, `list-${name}-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('the arrow keys move through the rows, Enter opens the panel, Escape gives the focus back', async () => {
  const first = page.locator(tid('account-row')).first();
  await first.focus();
  const ids = await drawnIds();
  assert.ok(ids.length >= 3, 'enough rows to move through');
  assert.equal(await focusedId(), ids[0]);
  await page.keyboard.press('ArrowDown');
  assert.equal(await focusedId(), ids[1]);
  await page.keyboard.press('ArrowDown');
  assert.equal(await focusedId(), ids[2]);
  await page.keyboard.press('ArrowUp');
  assert.equal(await focusedId(), ids[1]);
  await page.keyboard.press('Enter');
  const panel = page.locator(tid('account-panel'));
  await panel.waitFor();
  assert.equal(await panel.getAttribute('data-account-id'), ids[1], 'Enter opens the focused account');
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await page.waitForFunction((id) => document.activeElement?.getAttribute('data-account-id') === id, ids[1]);
});

test('End reaches the last account, drawing only the rows near it', async () => {
  const total = Number((await page.locator(tid('list-meta')).innerText()).match(/(\d+) accounts?/)[1]);
  await page.locator(tid('account-row')).first().focus();
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'account-row');
  const lastId = await focusedId();
  const drawn = await drawnIds();
  assert.ok(drawn.includes(lastId), 'the focused row is drawn');
  if (total > 40) assert.ok(drawn.length < total, `only part of ${total} rows drawn (${drawn.length})`);
  // The focused row is in view, not just in the DOM.
  const box = await page.locator(`${tid('account-row')}[data-account-id="${lastId}"]`).boundingBox();
  assert.ok(box && box.y >= 0 && box.y + box.height <= 900, `row in view: ${JSON.stringify(box)}`);
  await page.keyboard.press('Home');
  await page.waitForFunction((id) => document.activeElement?.getAttribute('data-account-id') !== id, lastId);
  await shots('cards-light');
});

test('sorting by name orders the clients alphabetically', async () => {
  await page.selectOption(tid('list-sort'), 'name');
  const names = await page.locator(tid('client-name')).allInnerTexts();
  const sorted = [...names].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }));
  assert.deepEqual(names, sorted);
  await page.selectOption(tid('list-sort'), 'urgency');
});

test('healthy clients fold into one line, stay folded after a reload, and open on Enter', async () => {
  await page.check(tid('list-fold-healthy'));
  const folded = page.locator(tid('client-folded'));
  if ((await folded.count()) === 0) {
    await page.uncheck(tid('list-fold-healthy'));
    return; // no client is all healthy in this data
  }
  try {
    await shots('folded-light');
    await page.reload();
    await page.waitForSelector(`${tid('account-row')}, ${tid('client-folded')}`);
    assert.ok(await page.isChecked(tid('list-fold-healthy')), 'the choice is remembered');
    const card = page.locator(`${tid('client-card')}[data-folded="true"]`).first();
    const name = await card.getAttribute('data-client-name');
    await card.locator(tid('client-folded')).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${tid('client-card')}[data-client-name="${name}"]:not([data-folded])`);
    assert.ok((await page.locator(`${tid('client-card')}[data-client-name="${name}"] ${tid('account-row')}`).count()) > 0);
    // Enter on the folded line leaves the focus on the client's first row.
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'account-row');
  } finally {
    await page.uncheck(tid('list-fold-healthy'));
  }
});

test('the compact table shows one row per account, with the keyboard working', async () => {
  await page.click(tid('list-mode-table'));
  await page.waitForSelector(tid('account-table'));
  const row = page.locator(tid('account-row')).first();
  assert.equal(await row.locator(':scope > span').count(), 6, 'client, platform, label, status, reconnect-by, last checked');
  await row.focus();
  const ids = await drawnIds();
  await page.keyboard.press('ArrowDown');
  assert.equal(await focusedId(), ids[1]);
  await shots('table-light');
});

test('the list looks right in the dark theme too', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await page.waitForSelector(tid('account-table'));
  await shots('table-dark');
  await page.click(tid('list-mode-cards'));
  await page.waitForSelector(tid('account-cards'));
  await shots('cards-dark');
  await page.check(tid('list-fold-healthy'));
  await shots('folded-dark');
  await page.uncheck(tid('list-fold-healthy'));
  await page.emulateMedia({ colorScheme: 'light' });
});

test('no errors on the page', () => {
  assert.deepEqual(pageErrors, []);
});
