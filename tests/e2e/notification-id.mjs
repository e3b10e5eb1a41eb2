// Reads a dbus-monitor log and prints the D-Bus id the notification daemon
// gave to the first Notify call whose summary contains the given text: the
// id a daemon's ActionInvoked signal carries when the user clicks a button.
//
//   node notification-id.mjs dbus-monitor.log "Acme Bakery"
import { readFileSync } from 'node:fs';

const [file, text] = process.argv.slice(2);
const lines = readFileSync(file, 'utf8').split('\n');
const call = /^method call .* sender=(\S+) .* serial=(\d+) .*member=Notify$/;
for (let i = 0; i < lines.length; i++) {
  const m = call.exec(lines[i]);
  // Notify's arguments: app name, replaces id, icon, summary, ...
  if (!m || !(lines[i + 4] ?? '').includes(text)) continue;
  const reply = new RegExp(`^method return .* destination=${m[1].replace('.', '\\.')} .*reply_serial=${m[2]}$`);
  for (let j = i + 1; j < lines.length; j++) {
    if (reply.test(lines[j])) {
      const id = /uint32 (\d+)/.exec(lines[j + 1] ?? '');
      if (id) {
        console.log(id[1]);
        process.exit(0);
      }
    }
  }
}
process.exit(1);
