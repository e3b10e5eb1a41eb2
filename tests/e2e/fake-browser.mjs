// Stands in for the system browser in the end-to-end tests: the app opens
// login pages with $BROWSER, this records the address and follows the
// redirects back to the app's loopback callback, as a user who clicks
// "Allow" would. It refuses any address that is not on loopback, so a test
// can never send a request to a real platform through it.
//
//   BROWSER="node tests/e2e/fake-browser.mjs /path/urls.txt" tokenwarden
import { appendFileSync } from 'node:fs';

const [log, url] = process.argv.slice(2);
appendFileSync(log, url + '\n');
const loopback = (u) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(u).hostname);
// Follows redirects by hand, checking every hop.
let next = url;
for (let hop = 0; hop < 10; hop++) {
  if (!loopback(next)) {
    appendFileSync(log, `-> refused: ${new URL(next).hostname} is not loopback\n`);
    process.exit(1);
  }
  const res = await fetch(next, { redirect: 'manual' });
  const to = res.headers.get('location');
  if (res.status < 300 || res.status >= 400 || !to) {
    appendFileSync(log, `-> ${res.status} ${next.split('?')[0]}\n`);
    process.exit(0);
  }
  next = new URL(to, next).href;
}
appendFileSync(log, '-> too many redirects\n');
process.exit(1);
