// A proxy that lets nothing through: the e2e apps get HTTPS_PROXY and
// HTTP_PROXY pointing here, so a request for any real host (Go never
// proxies loopback, where the test servers are) lands here instead of on
// the internet. Each attempt is appended to the log (the CONNECT or request
// line, which names the host) and the connection is closed; run.sh and
// notify.sh fail when the log is not empty. Prints its port, then runs
// until it is stopped (SIGTERM).
//
//   node tripwire.mjs LOG
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

const [log] = process.argv.slice(2);
writeFileSync(log, '');
const server = createServer((sock) => {
  sock.once('data', (d) => {
    appendFileSync(log, d.toString('latin1').split('\r\n')[0] + '\n');
    sock.destroy();
  });
  sock.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
