// Stands in for the system browser in the notification end-to-end test:
// the app opens the login page with $BROWSER, this records the address and
// follows the redirects back to the app's loopback callback, as a user who
// clicks "Allow" would.
//
//   BROWSER="node tests/e2e/fake-browser.mjs /path/urls.txt" tokenwarden
import { appendFileSync } from 'node:fs';

const [log, url] = process.argv.slice(2);
appendFileSync(log, url + '\n');
const res = await fetch(url, { redirect: 'follow' });
appendFileSync(log, `-> ${res.status} ${res.url.split('?')[0]}\n`);
