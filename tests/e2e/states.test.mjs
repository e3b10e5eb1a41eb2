// The window in a broken environment, against two more instances of the dev
// build that tests/e2e/run.sh starts: one that cannot reach any keychain,
// and one whose data folder was written by a newer version.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const urlNoKeychain = process.env.E2E_URL_NO_KEYCHAIN;
const urlNewer = process.env.E2E_URL_NEWER;
const out = process.env.E2E_OUT ?? fileURLToPath(new URL('./out/', import.meta.url));
mkdirSync(out, { recursive: true });

const tid = (id) => `[data-testid="${id}"]`;

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').BrowserContext} */
let context;

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
  context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: 'light' });
  context.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
});

test('without a keychain a banner says so, and importing shows why it fails', { skip: !urlNoKeychain }, async () => {
  const page = await context.newPage();
  await page.goto(urlNoKeychain);
  const banner = page.locator(tid('keychain-banner'));
  await banner.waitFor();
  assert.match(await banner.innerText(), /keychain/i);
  assert.match(await banner.innerText(), /D-Bus/);

  // Clients live in the database, so adding one still works.
  await page.click(tid('empty-add-client'));
  await page.fill(tid('client-name-input'), 'Offline Client');
  await page.keyboard.press('Enter');
  await page.locator(`${tid('client-card')}[data-client-name="Offline Client"]`).waitFor();

  // Importing needs the keychain: the dialog shows the backend's sentence and keeps the form.
  await page.click(tid('import-token-button'));
  await page.selectOption(tid('import-provider'), 'linkedin');
  await page.fill(tid('import-label'), 'Offline Page');
  await page.fill(tid('import-access-token'), 'AQtest-e2e-SECRET-offline-0003');
  await page.click(tid('dialog-submit'));
  const error = page.locator(`${tid('dialog-import')} ${tid('dialog-error')}`);
  await error.waitFor();
  assert.match(await error.innerText(), /keychain/i);
  assert.equal(await page.inputValue(tid('import-label')), 'Offline Page');
  await page.screenshot({ path: join(out, 'no-keychain-import-light.png'), animations: 'disabled' });
  await page.keyboard.press('Escape');
  await page.locator(tid('dialog-import')).waitFor({ state: 'detached' });
  await page.screenshot({ path: join(out, 'no-keychain-light.png'), animations: 'disabled' });
  assert.equal(await page.locator(tid('account-row')).count(), 0);
  await page.close();
});

test('data from a newer version fills the window with the reason', { skip: !urlNewer }, async () => {
  const page = await context.newPage();
  await page.goto(urlNewer);
  const screen = page.locator(tid('load-error'));
  await screen.waitFor();
  assert.match(await page.locator(tid('load-error-message')).innerText(), /newer version of Tokenwarden/);
  assert.equal(await page.locator(tid('app-header')).count(), 0);
  await page.screenshot({ path: join(out, 'load-error-light.png'), animations: 'disabled' });

  // Trying again keeps the same screen while the cause remains.
  await page.click(tid('load-error-retry'));
  await page.waitForTimeout(300);
  assert.ok(await screen.isVisible());
  await page.close();
});
