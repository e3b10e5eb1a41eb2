// Reads a dbus-monitor log and prints, as JSON, the first Notify call whose
// summary contains the given text: the id the notification daemon gave it
// (the id its ActionInvoked signal carries when a button is chosen) and the
// actions it offered, as [key, label] pairs.
//
//   node notification-id.mjs dbus-monitor.log "Acme Bakery"
//   -> {"id":"3","actions":[["default","Default"],["RECONNECT","Reconnect"]]}
import { readFileSync } from 'node:fs';

const [file, text] = process.argv.slice(2);
const lines = readFileSync(file, 'utf8').split('\n');
const call = /^method call .* sender=(\S+) .* serial=(\d+) .*member=Notify$/;
for (let i = 0; i < lines.length; i++) {
  const m = call.exec(lines[i]);
  // Notify's arguments: app name, replaces id, icon, summary, body, actions, hints, timeout.
  if (!m || !(lines[i + 4] ?? '').includes(text)) continue;
  const strings = [];
  let j = i + 1;
  while (j < lines.length && !/^ {3}array \[$/.test(lines[j])) j++; // the actions
  for (j++; j < lines.length && !/^ {3}\]$/.test(lines[j]); j++) {
    const s = /^ {6}string "(.*)"$/.exec(lines[j]);
    if (s) strings.push(s[1]);
  }
  const actions = [];
  for (let k = 0; k + 1 < strings.length; k += 2) actions.push([strings[k], strings[k + 1]]);
  const reply = new RegExp(`^method return .* destination=${m[1].replace('.', '\\.')} .*reply_serial=${m[2]}$`);
  for (let r = i + 1; r < lines.length; r++) {
    if (reply.test(lines[r])) {
      const id = /uint32 (\d+)/.exec(lines[r + 1] ?? '');
      if (id) {
        console.log(JSON.stringify({ id: id[1], actions }));
        process.exit(0);
      }
    }
  }
}
process.exit(1);
