// Drives the history views (Activity, Health, Deadlines) of the real UI
// against the Wails dev build with live Go bindings. Like app.test.mjs it
// expects E2E_URL and E2E_OUT from the runner, and a data folder seeded by
// run.sh with `dev seed --accounts 40 --events 20000`: every view must show
// data, so an empty screen fails instead of passing. Screenshots:
// history-*.png in E2E_OUT, light and dark, at 1440x900 (and 900x700 for
// the dark pass). The report itself is saved through the system's save
// dialog, which a browser cannot answer: the Go tests cover the files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const url = process.env.E2E_URL ?? 'http://127.0.0.1:34115/';
const out = process.env.E2E_OUT ?? fileURLToPath(new URL('./out/', import.meta.url));
mkdirSync(out, { recursive: true });

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageErrors = [];
const tid = (id) => `[data-testid="${id}"]`;

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => {
    const stack = String(err.stack ?? err);
    if (stack.includes('/wails/ipc.js')) return; // Wails' dev-mode overlay, not the app
    pageErrors.push(stack);
  });
  page.on('console', (msg) => {
    // The dev server's own bridge (/wails/ipc.js) logs a call made while its
    // socket reconnects under load; the built app has no socket.
    if (msg.type() === 'error' && !/Failed to load resource|\/wails\/ipc\.js/.test(msg.text())) pageErrors.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
});

after(async () => {
  await browser?.close();
});

async function shot(name) {
  await page.screenshot({ path: join(out, `history-${name}.png`) });
}

test('the tabs switch between the accounts and the history views', async () => {
  await page.click(tid('tab-activity'));
  await page.waitForSelector(tid('view-activity'));
  assert.equal(await page.locator('main.content').isVisible(), false, 'the accounts overview is hidden');
  await page.click(tid('tab-accounts'));
  await page.waitForSelector('main.content', { state: 'visible' });
});

test('Activity hides routine checks until asked, and groups by day', async () => {
  await page.click(tid('tab-activity'));
  await page.waitForSelector(`${tid('activity-row')}, ${tid('activity-empty')}`);
  await shot('activity-light');
  assert.equal(await page.locator(tid('activity-routine')).isChecked(), false, 'routine checks are hidden by default');
  const okChecks = '[data-testid="activity-row"][data-kind="account.checked"][data-outcome="ok"]';
  const hiddenCount = await page.locator(okChecks).count();
  await page.click(tid('activity-routine'));
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n, [okChecks, hiddenCount]);
  await shot('activity-routine-light');
  await page.click(tid('activity-routine'));
  await page.waitForSelector(`${tid('activity-routine')}:not(:checked)`);
  const dayHeads = await page.locator(tid('activity-day')).count();
  assert.ok(dayHeads >= 1, 'no day groups');
});

test('Activity lists events newest first, filters and pages', async () => {
  await page.click(tid('tab-activity'));
  await page.waitForSelector(`${tid('activity-row')}, ${tid('activity-empty')}`);
  assert.equal(await page.locator(tid('activity-empty')).count(), 0, 'the seeded history shows as empty');
  const rows = await page.locator(tid('activity-row')).count();
  assert.ok(rows >= 50, `only ${rows} rows of 20,000 events on the first page`);
  const times = await page.locator(`${tid('activity-row')} time`).evaluateAll((ts) => ts.map((t) => Date.parse(t.getAttribute('datetime'))));
  assert.equal(times.length, rows, 'every row has its time');
  assert.ok(times.every(Number.isFinite), 'every time parses');
  assert.deepEqual([...times].sort((a, b) => b - a), times, 'newest first');
  await page.locator('.history-main').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="activity-row"]').length > n, rows);
  await page.selectOption(tid('activity-outcome'), 'failed');
  await page.waitForFunction(() => {
    const all = [...document.querySelectorAll('[data-testid="activity-row"]')];
    return all.length > 0 && all.every((r) => r.getAttribute('data-outcome') === 'failed');
  });
  assert.equal(await page.locator(tid('activity-empty')).count(), 0, 'the seed has failed checks');
  await shot('activity-failed-light');
  await page.click(tid('export-csv'));
  const saved = await page.waitForSelector('text=/Saved to .*history\\.csv/');
  const csvPath = /Saved to (\S+history\.csv)/.exec((await saved.innerText()).replace(/\s+/g, ' '))[1];
  const csv = readFileSync(csvPath, 'utf8').trim().split('\n');
  assert.ok(csv.length > 1, `the export has only its header: ${csv[0]}`);
  await page.click(tid('activity-clear'));
});

test('Health shows every client worst first, then one client, and the incidents per week', async () => {
  await page.click(tid('tab-health'));
  await page.waitForSelector(`${tid('health-overview')}, ${tid('health-empty')}`);
  assert.equal(await page.locator(tid('health-empty')).count(), 0, 'the seeded history shows no health');
  const rows = await page.locator(tid('health-overview-row')).count();
  assert.ok(rows > 1, `only ${rows} client rows`);
  await page.waitForSelector(tid('incidents-chart'));
  assert.ok((await page.locator(tid('incidents-chart-row')).count()) > 0, 'the seed has incidents, so bars');
  await shot('health-overview-light');
  await page.locator(tid('health-overview-open')).first().click();
  await page.waitForSelector(tid('health-figures'));
  assert.match(await page.locator(tid('health-uptime')).innerText(), /^(\d+(\.\d)?%|—|n\/a|not monitored)$/);
  await page.waitForSelector(`${tid('incident-list')}, ${tid('incidents-empty')}`);
  await shot('health-light');
  await page.click(tid('health-days-90'));
  await page.waitForSelector(`${tid('health-days-90')}[aria-pressed="true"]`);
});

test('the report dialog proposes a period and PDF, with the report settings', async () => {
  await page.click(tid('export-report'));
  await page.waitForSelector(tid('report-settings'));
  assert.equal(await page.locator(tid('report-client-view')).isChecked(), true, 'client view is on by default');
  assert.equal(await page.locator(`${tid('report-format-pdf')}[aria-pressed="true"]`).count(), 1, 'PDF is the default');
  assert.ok((await page.locator(`${tid('report-period')} option`).count()) >= 3);
  await page.fill(tid('report-sender'), 'Jo Martin Studio');
  await shot('report-dialog-light');
  await page.click(tid('dialog-cancel'));
  await page.waitForSelector(tid('dialog-report'), { state: 'detached' });
  await page.click(tid('health-back'));
  await page.waitForSelector(tid('health-overview'));
  await page.click(tid('export-all-reports'));
  await page.waitForSelector(tid('report-settings'));
  await shot('report-dialog-all-light');
  await page.click(tid('dialog-cancel'));
});

test('Deadlines lists reconnect-by dates by week', async () => {
  await page.click(tid('tab-deadlines'));
  await page.waitForSelector(`${tid('deadlines-list')}, ${tid('deadlines-empty')}`);
  assert.equal(await page.locator(tid('deadlines-empty')).count(), 0, 'the seeded accounts have deadlines');
  const dues = await page.locator(tid('deadline-due')).allInnerTexts();
  assert.ok(dues.length > 0, 'no deadline listed');
  for (const due of dues) {
    assert.match(due, /^(broken now|overdue|today|tomorrow|in \d+ days)$/);
  }
  // A broken account is "broken now", never a date to come.
  const broken = page.locator(`${tid('deadline')}[data-broken="true"]`);
  for (const due of await broken.locator(tid('deadline-due')).allInnerTexts()) assert.equal(due, 'broken now');
  const counts = await page.evaluate(async () => {
    const svc = Object.values(window.go.main).find((s) => typeof s.Overview === 'function');
    return (await svc.Overview()).counts;
  });
  assert.equal(await broken.count(), counts.invalid + counts.expired, 'every broken account is listed as broken now');
  await shot('deadlines-light');
});

test('an account panel shows its status over the last 90 days as a band', async () => {
  await page.click(tid('tab-accounts'));
  const rows = page.locator(tid('account-row'));
  await rows.first().waitFor();
  // 40 seeded accounts, some deleted since: the live ones are all listed.
  const live = await page.evaluate(async () => {
    const svc = Object.values(window.go.main).find((s) => typeof s.Overview === 'function');
    return (await svc.Overview()).counts.total;
  });
  assert.ok(live > 0 && live <= 40, `overview total ${live}`);
  // The list draws only the rows in view (a windowed list); the heading
  // counts them all.
  const drawn = await rows.count();
  assert.ok(drawn > 0 && drawn <= live, `${drawn} rows drawn of ${live}`);
  assert.match(await page.locator(tid('list-meta')).innerText(), new RegExp(`· ${live} accounts`));
  await rows.first().click();
  const panel = page.locator(tid('account-panel'));
  await panel.waitFor();
  await panel.locator(tid('panel-status-band')).waitFor();
  assert.ok((await panel.locator(`${tid('panel-status-band')} [data-state]`).count()) > 0);
  await panel.locator(tid('panel-status-band')).scrollIntoViewIfNeeded();
  await shot('panel-band-light');
  await page.keyboard.press('Escape');
});

test('the history views look right in the dark theme and a small window too', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  for (const size of [{ width: 1440, height: 900 }, { width: 900, height: 700 }]) {
    await page.setViewportSize(size);
    await page.reload();
    const tag = size.width === 1440 ? 'dark' : 'dark-900';
    for (const v of ['activity', 'health', 'deadlines']) {
      await page.click(tid(`tab-${v}`));
      await page.waitForSelector(tid(`view-${v}`));
      await page.waitForTimeout(400);
      await shot(`${v}-${tag}`);
    }
    await page.click(tid('tab-health'));
    await page.click(tid('export-all-reports'));
    await page.waitForSelector(tid('report-settings'));
    await shot(`report-dialog-${tag}`);
    await page.click(tid('dialog-cancel'));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.reload();
  for (const v of ['activity', 'health', 'deadlines']) {
    await page.click(tid(`tab-${v}`));
    await page.waitForSelector(tid(`view-${v}`));
    await page.waitForTimeout(400);
    await shot(`${v}-light-900`);
  }
});

test('no errors on the page', () => {
  assert.deepEqual(pageErrors, []);
});
