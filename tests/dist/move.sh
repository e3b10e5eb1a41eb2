#!/usr/bin/env bash
# Moves a whole data set to "a new laptop": a backup made in one private
# desktop session (its own D-Bus session and GNOME Keyring, scripts/with-keyring)
# is restored in a second one with a different keychain and data folder. The
# data set has two clients, an account connected through the browser flow (a
# real OpenID provider, oauth2-mock-server), an imported one, history and a
# provider's client credentials. After the restore every account must be
# checked valid with the platform using the tokens from the new keychain,
# and every history event must be present. Then laptop B hands one client
# over to a colleague (a third session, their own age key from age-keygen).
#
#   bash tests/dist/move.sh [BINARY]      (default: build/bin/tokenwarden)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$ROOT/build/bin/tokenwarden}
fail() { echo "move: FAIL: $*" >&2; exit 1; }
for tool in node curl dbus-run-session gnome-keyring-daemon secret-tool age-keygen; do
	command -v "$tool" >/dev/null || fail "$tool not found (scripts/install-deps test)"
done
[ -x "$BIN" ] || fail "no binary at $BIN (make build)"
[ -d "$ROOT/tests/oauth/node_modules/oauth2-mock-server" ] || fail "run npm ci in tests/oauth"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tokenwarden-move.XXXXXX")
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"' EXIT

# One provider for both laptops, as the real platform would be.
node "$ROOT/tests/oauth/server.mjs" 0 >"$TMP/issuer" 2>"$TMP/oauth.log" < <(sleep 900) & pids+=($!)
for _ in $(seq 100); do [ -s "$TMP/issuer" ] && break; sleep 0.1; done
ISSUER=$(head -n1 "$TMP/issuer")
[ -n "$ISSUER" ] || fail "oauth2-mock-server did not start"
PASS="move test passphrase $RANDOM$RANDOM"
age-keygen -o "$TMP/colleague.key" 2>/dev/null
export BIN ISSUER TMP ROOT PASS

echo "move: laptop A: building the data set"
# shellcheck disable=SC2016 # expanded by the inner shell
"$ROOT/scripts/with-keyring" bash -c '
	set -euo pipefail
	tw() { "$BIN" --data-dir "$TMP/laptop-a" "$@"; }
	tw client add "Acme Bakery" >/dev/null
	tw client add "Bistro Nord" >/dev/null
	echo "move-client-SECRET-0001" | tw provider add-custom --id mock --name "Acme SSO" --issuer "$ISSUER" \
		--client-id tokenwarden-test --client-secret-stdin >/dev/null
	BROWSER="node $ROOT/tests/e2e/fake-browser.mjs $TMP/browser.txt" tw connect mock --client "Acme Bakery" --label "Acme admin" >/dev/null
	# An imported account holds a token the platform really issued.
	curl -sf -u tokenwarden-test:x -d grant_type=client_credentials -d scope=openid "$ISSUER/token" |
		node -e "let s=\"\";process.stdin.on(\"data\",d=>s+=d).on(\"end\",()=>console.log(JSON.parse(s).access_token))" |
		tw account import --client "Bistro Nord" --provider mock --label "Bistro token" --expires-in 40d >/dev/null
	tw status --json >"$TMP/status-a.json" || [ $? = 1 ]
	tw history --limit 1000 --json >"$TMP/history-a.json"
	secret-tool search --all service tokenwarden 2>/dev/null | grep -c "^secret = " >"$TMP/items-a" || true
	printf "%s\n" "$PASS" | tw backup --out "$TMP/laptop-a.age" >/dev/null
	# Scheduled backups: on, one due now, the next one not yet.
	mkdir "$TMP/scheduled"
	printf "%s\n" "$PASS" | tw backup schedule --folder "$TMP/scheduled" --keep 2 >/dev/null
	tw backup run-scheduled | grep -q "^Backed up 2 accounts" || { echo "move: no scheduled backup made" >&2; exit 1; }
	tw backup run-scheduled | grep -q "No scheduled backup is due" || { echo "move: a second scheduled backup ran at once" >&2; exit 1; }
	ls "$TMP"/scheduled/tokenwarden-backup-*.age >/dev/null
'
[ -s "$TMP/laptop-a.age" ] || fail "no backup written"
if grep -aqF -e "SECRET-0001" -e "Acme Bakery" -e "$ISSUER" "$TMP/laptop-a.age"; then fail "the backup file holds data in the clear"; fi
accounts=$(node -e 'console.log(require(process.argv[1]).length)' "$TMP/status-a.json")
echo "move: laptop A has $(cat "$TMP/items-a") keychain items, $accounts accounts; backup $(stat -c %s "$TMP/laptop-a.age") bytes"

echo "move: laptop B: restoring in another keychain"
# shellcheck disable=SC2016
"$ROOT/scripts/with-keyring" bash -c '
	set -euo pipefail
	tw() { "$BIN" --data-dir "$TMP/laptop-b" "$@"; }
	n=$(secret-tool search --all service tokenwarden 2>/dev/null | grep -c "^secret = " || true)
	[ "$n" = 0 ] || { echo "move: laptop B keychain is not empty ($n)" >&2; exit 1; }

	# Refusals change nothing and exit 2.
	set +e
	printf "wrong passphrase here\n" | tw restore "$TMP/laptop-a.age" >"$TMP/wrong.out" 2>&1; rc=$?
	set -e
	[ $rc = 2 ] && grep -q "passphrase is wrong" "$TMP/wrong.out" || { echo "move: wrong passphrase: rc=$rc $(cat "$TMP/wrong.out")" >&2; exit 1; }
	[ ! -e "$TMP/laptop-b" ] || { echo "move: a refused restore created the data folder" >&2; exit 1; }
	head -c 20000 "$TMP/laptop-a.age" >"$TMP/cut.age"
	set +e
	printf "%s\n" "$PASS" | tw restore "$TMP/cut.age" >"$TMP/cut.out" 2>&1; rc=$?
	set -e
	[ $rc = 2 ] && grep -q "damaged or incomplete" "$TMP/cut.out" || { echo "move: truncated: rc=$rc $(cat "$TMP/cut.out")" >&2; exit 1; }

	set +e
	printf "%s\n" "$PASS" | tw restore "$TMP/laptop-a.age" --json >"$TMP/restore-b.json" 2>"$TMP/restore-b.err"; rc=$?
	set -e
	[ $rc = 0 ] || [ $rc = 1 ] || { echo "move: restore exited $rc: $(cat "$TMP/restore-b.err" "$TMP/restore-b.json")" >&2; exit 1; }
	tw status --json >"$TMP/status-b.json" || [ $? = 1 ]
	tw history --limit 1000 --json >"$TMP/history-b.json"
	secret-tool search --all service tokenwarden 2>/dev/null | grep -c "^secret = " >"$TMP/items-b" || true
	# A second restore over the data now here needs --force.
	set +e
	printf "%s\n" "$PASS" | tw restore "$TMP/laptop-a.age" >"$TMP/again.out" 2>&1; rc=$?
	set -e
	[ $rc = 2 ] && grep -q "already holds" "$TMP/again.out" || { echo "move: restore over data: rc=$rc" >&2; exit 1; }
	# Hand "Acme Bakery" over to a colleague.
	tw export client "Acme Bakery" --to "$(age-keygen -y "$TMP/colleague.key")" --out "$TMP/acme.age" >/dev/null
'
node - "$TMP" <<'JS'
const fs = require('fs');
const dir = process.argv[2];
const read = (f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, 'utf8'));
const fail = (m) => { console.error(`move: FAIL: ${m}`); process.exit(1); };
const restored = read('restore-b.json');
const checks = restored.checks;
const a = read('status-a.json');
const b = read('status-b.json');
if (a.length < 2) fail(`laptop A has only ${a.length} accounts`);
if (checks.length !== a.length) fail(`restore checked ${checks.length} accounts, want ${a.length}`);
// The restore asked the platform about every account, with the tokens from
// the new keychain, and each one works. (The imported token really expires
// within the hour, as the mock provider issues them: "expiring" is right.)
for (const c of checks) {
  if (c.error || c.skipped || c.verdict !== 'valid') fail(`after restore ${c.label}: verdict ${c.verdict}, ${c.error ?? ''} ${c.message ?? ''}`);
}
const connected = b.find((x) => x.label === 'Acme admin');
if (!connected || connected.status !== 'healthy') fail(`the connected account is ${connected?.status} on laptop B`);
const ids = (list) => list.map((x) => `${x.client}/${x.id}/${x.label}`).sort().join(',');
if (ids(a) !== ids(b)) fail(`accounts differ: A ${ids(a)} B ${ids(b)}`);
// Every event of laptop A is on laptop B (B has more: the restore's checks).
const key = (e) => `${e.time}|${e.kind}|${e.account_id}|${e.message}`;
const hb = new Set(read('history-b.json').map(key));
const ha = read('history-a.json');
const missing = ha.filter((e) => !hb.has(key(e)));
if (ha.length < 4) fail(`laptop A history has only ${ha.length} events`);
if (missing.length) fail(`${missing.length} of ${ha.length} events missing on laptop B, e.g. ${key(missing[0])}`);
console.log(`move: laptop B: ${b.length} accounts, each one checked valid with the platform after the restore (${b.map((x) => `${x.label}: ${x.status}`).join(', ')}); all ${ha.length} events of laptop A present`);
JS
[ "$(cat "$TMP/items-a")" = "$(cat "$TMP/items-b")" ] || fail "keychain items: A $(cat "$TMP/items-a"), B $(cat "$TMP/items-b")"
echo "move: laptop B keychain holds the same $(cat "$TMP/items-b") items"

echo "move: colleague: importing the client handed over"
if grep -aqF -e "Acme" -e "$ISSUER" "$TMP/acme.age"; then fail "the hand-over file holds data in the clear"; fi
# shellcheck disable=SC2016
"$ROOT/scripts/with-keyring" bash -c '
	set -euo pipefail
	tw() { "$BIN" --data-dir "$TMP/colleague" "$@"; }
	tw client add "Their Own Client" >/dev/null
	# The colleague needs the provider too (their own providers.yaml).
	echo "colleague-client-SECRET" | tw provider add-custom --id mock --name "Acme SSO" --issuer "$ISSUER" \
		--client-id tokenwarden-test --client-secret-stdin >/dev/null
	set +e
	tw import client "$TMP/acme.age" --identity "$TMP/laptop-a.age" >"$TMP/badkey.out" 2>&1; rc=$?
	set -e
	[ $rc = 2 ] || { echo "move: import with a bad identity exited $rc" >&2; exit 1; }
	tw import client "$TMP/acme.age" <"$TMP/colleague.key" >/dev/null
	set +e
	tw check --client "Acme Bakery" --json >"$TMP/check-c.json"; rc=$?
	set -e
	[ $rc = 0 ] || { echo "move: the handed-over account does not check out ($rc): $(cat "$TMP/check-c.json")" >&2; exit 1; }
	tw history --client "Acme Bakery" --limit 1000 --json >"$TMP/history-c.json"
'
node - "$TMP" <<'JS'
const fs = require('fs');
const dir = process.argv[2];
const read = (f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, 'utf8'));
const key = (e) => `${e.time}|${e.kind}|${e.account_id}|${e.message}`;
const want = read('history-a.json').filter((e) => e.client_name === 'Acme Bakery');
const got = new Set(read('history-c.json').map(key));
const missing = want.filter((e) => !got.has(key(e)));
if (missing.length) { console.error(`move: FAIL: ${missing.length} of the client's ${want.length} events missing at the colleague`); process.exit(1); }
const checks = read('check-c.json');
if (checks.length !== 1 || checks[0].verdict !== 'valid') { console.error('move: FAIL: colleague check', checks); process.exit(1); }
console.log(`move: colleague: "Acme Bakery" checked valid, all ${want.length} of its events present`);
JS
echo "move: ok"
