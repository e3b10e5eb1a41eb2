// The headless Chromium the UI tests drive the dev server's page with, as
// the machine's notes prescribe (Debian's chromium, no background
// networking), collecting the page's errors so a test can assert none.
import { chromium } from 'playwright-core';

/**
 * Opens url at 1440x900 in light mode. pageErrors collects uncaught errors
 * and console errors, except Wails' dev-mode overlay script and resources
 * that failed to load.
 * @returns {Promise<{browser: import('playwright-core').Browser, page: import('playwright-core').Page, pageErrors: string[]}>}
 */
export async function openPage(url, { timeout = 15_000 } = {}) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  const pageErrors = [];
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
  return { browser, page, pageErrors };
}
