// Reads every secret the run left in the keychain back from it (through
// secret-tool, the Secret Service's own client), adds the test tokens whose
// marker the run used (those of deleted accounts are gone from the
// keychain), and searches every file under the given folders for them.
// Run inside the run's D-Bus session, before it ends.
//
//   node scan-secrets.mjs --marker -e2e-SECRET- --min 3 --exclude PATH=REASON ... DIR... [--may-be-empty DIR...]
//
// Exits 1, naming the file, when a secret is found, when fewer than --min
// secrets came back from the keychain, or when a folder holds no file.
// Prints what it left out and why.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
let marker = '';
let min = 1;
const exclude = new Map();
const dirs = [];
const mayBeEmpty = new Set();
let optional = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--marker') marker = args[++i];
  else if (args[i] === '--min') min = Number(args[++i]);
  else if (args[i] === '--exclude') {
    const [path, ...why] = args[++i].split('=');
    exclude.set(resolve(path), why.join('='));
  } else if (args[i] === '--may-be-empty') optional = true;
  else {
    dirs.push(resolve(args[i]));
    if (optional) mayBeEmpty.add(resolve(args[i]));
  }
}

// secret-tool prints each item's secret on stdout and its attributes on
// stderr; 2>&1 keeps each item's lines together.
const listing = execFileSync('bash', ['-c', 'secret-tool search --all --unlock service tokenwarden 2>&1 || true'], { encoding: 'utf8' });
const secrets = new Map(); // value -> the keychain item's user field, to name it without showing it
for (const item of listing.split(/^\[/m)) {
  const value = /^secret = (.*)$/m.exec(item)?.[1]?.replace(/^tokenwarden-literal:/, '');
  const user = /^attribute\.username = (.*)$/m.exec(item)?.[1] ?? '?';
  if (value && !value.startsWith('tokenwarden-chunked:')) secrets.set(value, user);
}
const fromKeychain = secrets.size;
if (fromKeychain < min) {
  console.error(`scan: only ${fromKeychain} secrets in the keychain, expected at least ${min}`);
  process.exit(1);
}

const files = [];
const walk = (p) => {
  if (exclude.has(p)) return;
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  else if (st.isFile()) files.push(p);
};
for (const d of dirs) {
  const before = files.length;
  walk(d);
  if (files.length === before && !exclude.has(d) && !mayBeEmpty.has(d)) {
    console.error(`scan: ${d} holds no file; the run did not use it`);
    process.exit(1);
  }
}

let leaks = 0;
const markerBytes = marker ? Buffer.from(marker) : null;
for (const f of files) {
  const data = readFileSync(f);
  for (const [s, user] of secrets) {
    if (data.includes(s)) {
      console.error(`scan: FAIL: ${f} contains the secret of keychain item ${user}`);
      leaks++;
    }
  }
  if (markerBytes && data.includes(markerBytes)) {
    console.error(`scan: FAIL: ${f} contains a test token (marker ${marker})`);
    leaks++;
  }
}
console.log(`scan: ${fromKeychain} secrets read back from the keychain${marker ? ` and the marker ${marker}` : ''}, searched in ${files.length} files under ${dirs.join(', ')}`);
for (const [p, why] of exclude) console.log(`scan: left out ${p}: ${why}`);
process.exit(leaks ? 1 : 0);
