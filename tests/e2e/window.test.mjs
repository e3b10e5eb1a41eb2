// The real window: the WebKit window the app opened on the virtual screen,
// found by its X window id through the app's process id, photographed by
// that id, and driven with real X input (xdotool moves the pointer, clicks
// and types into it). Where to click comes from the window's own page,
// read through window-driver.js over Wails' event bridge; every outcome is
// checked in the data folder with the command line and the keychain, and
// in the window's pixels. Run by run.sh after app.test.mjs, with E2E_URL,
// E2E_APP_PID, E2E_OUT, BIN and TMPDATA.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const url = process.env.E2E_URL;
const appPid = process.env.E2E_APP_PID;
const out = process.env.E2E_OUT;
/** Runs the command line on the window's data folder; status exits 1 when an account needs attention. */
function cli(...args) {
  const r = spawnSync(process.env.BIN, ['--data-dir', process.env.TMPDATA, ...args], { encoding: 'utf8' });
  if (r.status !== 0 && !(args[0] === 'status' && r.status === 1)) throw new Error(`tokenwarden ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}
const WINDOW_TOKEN = 'wk-e2e-SECRET-window-0005';

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let bridge;
let win; // the X window id
// Where the page's viewport sits in the X window: without a window manager
// GTK draws the title above the web view, so the page starts lower.
let offset = { x: 0, y: 0 };
let viewport = ''; // the page's part of the photograph, as WxH+X+Y

const sh = (cmd, ...args) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs an async function body in the real window and returns its value. */
async function inWindow(code, timeout = 30_000) {
  const reply = await bridge.evaluate(
    ([code, timeout]) =>
      new Promise((resolve) => {
        const id = Math.random().toString(36).slice(2);
        const timer = setTimeout(() => resolve({ error: 'the real window did not answer' }), timeout);
        window.runtime.EventsOn('e2e:result', (r) => {
          if (r.id !== id) return;
          clearTimeout(timer);
          resolve(r);
        });
        window.runtime.EventsEmit('e2e:eval', { id, code });
      }),
    [code, timeout],
  );
  if (reply.error) throw new Error(`in the real window: ${reply.error}`);
  assert.doesNotMatch(reply.agent, /Chrome/, 'the answer came from a browser, not the WebKit window');
  return reply.value;
}

async function eventually(fn, what, timeout = 30_000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(200);
  }
}

/** Clicks the centre of the element with a real pointer click on the window. */
async function click(selector) {
  const at = await inWindow(`
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el) throw new Error('no ' + ${JSON.stringify(selector)} + ' in the window');
    el.scrollIntoView({ block: 'nearest' });
    const r = el.getBoundingClientRect();
    return { x: Math.round(r.x + r.width / 2), y: Math.round(r.y + r.height / 2) };`);
  sh('xdotool', 'windowraise', win);
  sh('xdotool', 'mousemove', '--window', win, String(at.x + offset.x), String(at.y + offset.y));
  await sleep(100);
  sh('xdotool', 'click', '1');
  await sleep(300);
}

function type(text) {
  sh('xdotool', 'type', '--delay', '40', text);
}
function key(name) {
  sh('xdotool', 'key', name);
}

function capture(name) {
  const path = join(out, name);
  sh('xdotool', 'windowraise', win);
  execFileSync('import', ['-window', win, path]);
  return path;
}
const meanOf = (png, crop = '') => Number(sh('convert', png, ...(crop ? ['-crop', crop, '+repage'] : []), '-colorspace', 'Gray', '-format', '%[fx:mean]', 'info:'));
const coloursOf = (png, crop = '') => Number(sh('convert', png, ...(crop ? ['-crop', crop, '+repage'] : []), '-format', '%k', 'info:'));

/** How many pixels of the region differ between two photographs. */
function differingPixels(a, b, crop) {
  const [ca, cb] = [join(out, 'crop-a.png'), join(out, 'crop-b.png')];
  execFileSync('convert', [a, '-crop', crop, '+repage', ca]);
  execFileSync('convert', [b, '-crop', crop, '+repage', cb]);
  // compare prints the count on stderr and exits 1 when the images differ.
  const r = spawnSync('compare', ['-metric', 'AE', ca, cb, 'null:'], { encoding: 'utf8' });
  rmSync(ca);
  rmSync(cb);
  const n = Number(r.stderr.trim());
  assert.ok(r.status <= 1 && Number.isFinite(n), `compare: ${r.status} ${r.stderr}`);
  return n;
}

/** Clicks into a field with the pointer, waits until it has the focus, types. */
async function fill(selector, text) {
  await click(selector);
  await eventually(() => inWindow(`return document.activeElement === document.querySelector(${JSON.stringify(selector)})`), `the focus in ${selector}`);
  type(text);
  await eventually(async () => (await inWindow(`return document.querySelector(${JSON.stringify(selector)}).value`)) === text, `${selector} to hold what was typed`);
}

async function rect(selector) {
  return inWindow(`
    const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect();
    return Math.round(r.width) + 'x' + Math.round(r.height) + '+' + Math.round(r.x + ${offset.x}) + '+' + Math.round(r.y + ${offset.y});`);
}

before(async () => {
  assert.ok(url && appPid && out, 'run by run.sh: E2E_URL, E2E_APP_PID and E2E_OUT');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  bridge = await (await browser.newContext()).newPage();
  await bridge.goto(url);
  await bridge.waitForFunction(() => !!window.runtime?.EventsEmit);
});

after(async () => {
  await browser?.close();
});

test('the app’s own window is a WebKit window on the screen, found by its process', async () => {
  const ids = sh('xdotool', 'search', '--all', '--onlyvisible', '--pid', appPid, '--name', '^Tokenwarden$').split('\n').filter(Boolean);
  assert.equal(ids.length, 1, `visible Tokenwarden windows of process ${appPid}: ${ids}`);
  win = ids[0];
  const info = sh('xwininfo', '-id', win);
  assert.match(info, /Map State: IsViewable/);
  const width = Number(/Width: (\d+)/.exec(info)[1]);
  const height = Number(/Height: (\d+)/.exec(info)[1]);
  assert.ok(width >= 860 && height >= 560, `window is ${width}x${height}`);
  // Reload the window so it shows what the tests in Chromium did; the
  // reloaded page's driver says it is ready, naming its renderer.
  const ready = bridge.evaluate(() => new Promise((resolve) => window.runtime.EventsOnce('e2e:ready', resolve)));
  await inWindow('setTimeout(() => location.reload(), 50); return true;');
  const who = await Promise.race([ready, sleep(60_000).then(() => assert.fail('the reloaded window did not come back'))]);
  await eventually(() => inWindow('return document.querySelectorAll("[data-testid=client-card]").length > 0'), 'the client cards');
  const view = await inWindow('return { w: innerWidth, h: innerHeight, dpr: devicePixelRatio }');
  assert.equal(view.dpr, 1);
  assert.ok(view.w <= width && view.h <= height && height - view.h < 60, `viewport ${view.w}x${view.h} in a ${width}x${height} window`);
  offset = { x: width - view.w, y: height - view.h };
  viewport = `${view.w}x${view.h}+${offset.x}+${offset.y}`;
  assert.match(who.agent, /AppleWebKit/);
  assert.doesNotMatch(who.agent, /Chrome/);
  capture('window-before.png');
});

test('the window shows this data folder: its clients and accounts', async () => {
  const clients = JSON.parse(cli('client', 'list', '--json')).map((c) => c.name).sort();
  const accounts = JSON.parse(cli('status', '--json')).map((a) => a.label).sort();
  assert.ok(clients.includes('Acme Bakery') && accounts.includes('Acme Bakery Page'), `data: ${clients} / ${accounts}`);
  const shown = await inWindow(`return {
    clients: [...document.querySelectorAll('[data-testid=client-card]')].map((c) => c.dataset.clientName).sort(),
    accounts: [...document.querySelectorAll('[data-testid=account-row] [data-testid=account-label]')].map((l) => l.textContent.trim()).sort(),
  }`);
  assert.deepEqual(shown.clients, clients);
  assert.deepEqual(shown.accounts, accounts);
});

test('typing into the real window’s search filters its rows', async () => {
  await fill('[data-testid="search-input"]', 'northwind');
  const northwind = JSON.parse(cli('status', '--json')).filter((a) => /^Northwind/.test(a.client)).map((a) => a.label).sort();
  assert.ok(northwind.length > 0);
  await eventually(async () => {
    const labels = await inWindow(`return [...document.querySelectorAll('[data-testid=account-row] [data-testid=account-label]')].map((l) => l.textContent.trim()).sort()`);
    return JSON.stringify(labels) === JSON.stringify(northwind);
  }, 'the window to show only the Northwind rows');
  assert.equal(await inWindow(`return document.querySelector('[data-testid=search-input]').value`), 'northwind');
  key('Escape');
  await eventually(async () => (await inWindow(`return document.querySelector('[data-testid=search-input]').value`)) === '', 'the search to clear');
});

test('adds a client by clicking and typing in the real window', async () => {
  await click('[data-testid="add-client-button"]');
  await eventually(() => inWindow(`return !!document.querySelector('[data-testid=dialog-add-client]')`), 'the dialog');
  await fill('[data-testid="client-name-input"]', 'Window Client');
  key('Return');
  await eventually(() => JSON.parse(cli('client', 'list', '--json')).some((c) => c.name === 'Window Client'), 'the client in the data folder');
  await eventually(() => inWindow(`return !!document.querySelector('[data-testid=client-card][data-client-name="Window Client"]')`), 'its card');
});

test('imports a token by clicking and typing in the real window; it lands in the keychain', async () => {
  const card = '[data-testid="client-card"][data-client-name="Window Client"]';
  await click(`${card} [data-testid="client-import"]`);
  await eventually(() => inWindow(`return !!document.querySelector('[data-testid=dialog-import]')`), 'the import dialog');
  // The platform list: focus it and pick with the keyboard, as a person would.
  await click('[data-testid="import-provider"]');
  key('Escape'); // closes the list's popup if one opened; the dialog stays while the select has focus
  await eventually(() => inWindow(`return !!document.querySelector('[data-testid=dialog-import]')`), 'the dialog still open');
  for (let i = 0; i < 12; i++) {
    if ((await inWindow(`return document.querySelector('[data-testid=import-provider]').value`)) === 'linkedin') break;
    key('Down');
    await sleep(150);
  }
  assert.equal(await inWindow(`return document.querySelector('[data-testid=import-provider]').value`), 'linkedin');
  await fill('[data-testid="import-label"]', 'Window Page');
  await fill('[data-testid="import-access-token"]', WINDOW_TOKEN);
  await click('[data-testid="dialog-submit"]');
  const row = await eventually(() => JSON.parse(cli('status', '--json')).find((a) => a.label === 'Window Page'), 'the account in the data folder');
  assert.equal(row.client, 'Window Client');
  assert.equal(row.provider, 'linkedin');
  const items = sh('bash', '-c', 'secret-tool search --all --unlock service tokenwarden 2>&1');
  assert.match(items, new RegExp(`secret = ${WINDOW_TOKEN}\\n[\\s\\S]*?attribute.username = \\w+/${row.id}/access_token`), 'the token typed into the window is the account’s keychain item');
  await eventually(() => inWindow(`return [...document.querySelectorAll('[data-testid=account-label]')].some((l) => l.textContent.trim() === 'Window Page')`), 'its row');
});

test('the photograph is this window: its pixels follow what was done in it', async () => {
  // The window paints a moment after its page changes (longer on a busy
  // machine), so each check photographs again until the change shows, or
  // fails after the wait with what it last measured.
  const card = await rect('[data-testid="client-card"][data-client-name="Window Client"]');
  const before = join(out, 'window-before.png');
  let after;
  let seen = '';
  // The new client's card, which only this window shows, is where the
  // window's page says; the earlier photograph has something else there.
  await eventually(async () => {
    after = capture('window.png');
    const page = coloursOf(after, viewport);
    const colours = coloursOf(after, card);
    const diff = differingPixels(before, after, card);
    seen = `page ${page} colours, card region ${card}: ${colours} colours, ${diff} pixels changed`;
    return page >= 16 && colours >= 8 && diff > 100;
  }, 'the photograph to show the new client card').catch((err) => assert.fail(`${err.message} (last: ${seen})`));
  // A real click on the theme button turns the whole photograph dark (or light).
  const base = meanOf(after, viewport);
  const theme = await inWindow('return document.documentElement.dataset.theme');
  await click('[data-testid="theme-toggle"]');
  const other = await inWindow('return document.documentElement.dataset.theme');
  assert.notEqual(other, theme);
  await eventually(async () => {
    const mean = meanOf(capture(`window-${other}.png`), viewport);
    seen = `mean brightness ${base} in ${theme}, ${mean} in ${other}`;
    return other === 'dark' ? base - mean > 0.2 : mean - base > 0.2;
  }, `the photograph to turn ${other}`).catch((err) => assert.fail(`${err.message} (last: ${seen})`));
  await click('[data-testid="theme-toggle"]');
});
