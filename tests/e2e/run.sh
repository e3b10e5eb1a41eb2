#!/usr/bin/env bash
# End-to-end test of the real window: starts the Wails dev build (real Go
# backend, real WebKit window on a virtual display, real GNOME keyring in a
# private D-Bus session), drives the same UI through the dev server with the
# system Chromium, screenshots both, and checks that no test token leaked
# into the data folder or the app's log.
#
#   bash tests/e2e/run.sh
#
# Needs, already built:
#   (cd frontend && npm ci && npm run build)
#   go build -tags dev,webkit2_41 -o build/bin/tokenwarden-dev .
# and the packages xvfb, chromium, imagemagick, dbus, gnome-keyring.
# Outputs go to tests/e2e/out/ (screenshots, app*.log).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
E2E=$ROOT/tests/e2e
OUT=$E2E/out
BIN=$ROOT/build/bin/tokenwarden-dev
DIST=$ROOT/frontend/dist
# Every token the test types contains this marker; it must never be stored
# outside the keychain.
SECRET_MARKER='-e2e-SECRET-'

fail() {
	echo "e2e: $*" >&2
	exit 1
}

[ -x "$BIN" ] || fail "$BIN is missing. Build it with: (cd frontend && npm run build) && go build -tags dev,webkit2_41 -o build/bin/tokenwarden-dev ."
[ -f "$DIST/index.html" ] || fail "frontend/dist/index.html is missing. Run: (cd frontend && npm run build)"
[ -x "$ROOT/scripts/with-keyring" ] || fail "scripts/with-keyring is missing."
for tool in xvfb-run node import identify curl; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (packages: xvfb, nodejs, imagemagick, curl)."
done
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium not found (package: chromium)."

if [ ! -d "$E2E/node_modules/playwright-core" ]; then
	echo "e2e: installing playwright-core (no browser download)"
	(cd "$E2E" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

free_port() {
	node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
PORT=$(free_port)
PORT_NO_KEYCHAIN=$(free_port)
PORT_NEWER=$(free_port)
PORT_HISTORY=$(free_port)
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/tokenwarden-e2e.XXXXXX")
TMPDATA=$TMPROOT/data
DATA_NO_KEYCHAIN=$TMPROOT/no-keychain
DATA_NEWER=$TMPROOT/newer
DATA_HISTORY=$TMPROOT/history
mkdir -p "$TMPDATA" "$DATA_NO_KEYCHAIN" "$DATA_NEWER"
rm -rf "$OUT"
mkdir -p "$OUT"
LOG=$OUT/app.log
cleanup() { rm -rf "$TMPROOT"; }
trap cleanup EXIT

# A data folder written by a "newer version": its schema number is beyond
# what this build knows, so the window must show the full-window error.
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$DATA_NEWER/tokenwarden.db" 'PRAGMA user_version = 9999;'
else
	# Let this build create its database, then raise the schema number,
	# which SQLite keeps as 4 big-endian bytes at offset 60 of the file.
	TOKENWARDEN_HOME=$DATA_NEWER "$BIN" client list >/dev/null
	printf '\x00\x00\x27\x0f' | dd of="$DATA_NEWER/tokenwarden.db" bs=1 seek=60 conv=notrunc status=none
fi

export ROOT BIN DIST PORT PORT_NO_KEYCHAIN PORT_NEWER PORT_HISTORY TMPDATA DATA_NO_KEYCHAIN DATA_NEWER DATA_HISTORY LOG OUT
export E2E_URL="http://127.0.0.1:$PORT/"
export E2E_URL_NO_KEYCHAIN="http://127.0.0.1:$PORT_NO_KEYCHAIN/"
export E2E_URL_NEWER="http://127.0.0.1:$PORT_NEWER/"
export E2E_OUT=$OUT

echo "e2e: app on $E2E_URL, data in $TMPDATA"

set +e
# shellcheck disable=SC2016 # expanded by the inner shell
xvfb-run -a -s "-screen 0 1280x860x24" "$ROOT/scripts/with-keyring" bash -c '
	set -u
	apps=()
	stop_apps() {
		for pid in "${apps[@]}"; do kill -TERM "$pid" 2>/dev/null; done
		for pid in "${apps[@]}"; do
			for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
		done
	}
	trap stop_apps EXIT

	wait_up() { # pid url log
		for _ in $(seq 120); do
			if ! kill -0 "$1" 2>/dev/null; then
				echo "e2e: the app for $2 exited early; its log:" >&2
				cat "$3" >&2
				return 1
			fi
			curl -sf -o /dev/null "$2" && return 0
			sleep 0.5
		done
		echo "e2e: the app did not answer on $2 within 60 s" >&2
		return 1
	}

	# Two apps in a broken environment, for the error states: one cannot
	# reach any keychain (the D-Bus address leads nowhere), one finds data
	# from a newer version. They start first so that the main window,
	# mapped last, is the one on top of the virtual screen.
	DBUS_SESSION_BUS_ADDRESS=unix:path=$DATA_NO_KEYCHAIN/no-such-bus \
		devserver=127.0.0.1:$PORT_NO_KEYCHAIN assetdir=$DIST TOKENWARDEN_HOME=$DATA_NO_KEYCHAIN \
		"$BIN" >"$OUT/app-no-keychain.log" 2>&1 &
	apps+=($!)
	wait_up $! "$E2E_URL_NO_KEYCHAIN" "$OUT/app-no-keychain.log" || exit 1
	devserver=127.0.0.1:$PORT_NEWER assetdir=$DIST TOKENWARDEN_HOME=$DATA_NEWER \
		"$BIN" >"$OUT/app-newer-data.log" 2>&1 &
	apps+=($!)
	wait_up $! "$E2E_URL_NEWER" "$OUT/app-newer-data.log" || exit 1

	devserver=127.0.0.1:$PORT assetdir=$DIST TOKENWARDEN_HOME=$TMPDATA "$BIN" >"$LOG" 2>&1 &
	app=$!
	apps+=($app)
	wait_up $app "$E2E_URL" "$LOG" || exit 1
	sleep 1

	node --test --test-concurrency=1 --test-reporter=spec \
		"$ROOT/tests/e2e/app.test.mjs" "$ROOT/tests/e2e/states.test.mjs"
	rc=$?

	# The history views against a seeded history (40 accounts, 20,000
	# events), in an app of its own so the main test data stays as it was.
	"$BIN" --data-dir "$DATA_HISTORY" dev seed --accounts 40 --events 20000 >/dev/null || rc=1
	devserver=127.0.0.1:$PORT_HISTORY assetdir=$DIST TOKENWARDEN_HOME=$DATA_HISTORY \
		"$BIN" >"$OUT/app-history.log" 2>&1 &
	apps+=($!)
	wait_up $! "http://127.0.0.1:$PORT_HISTORY/" "$OUT/app-history.log" || exit 1
	E2E_URL="http://127.0.0.1:$PORT_HISTORY/" node --test --test-reporter=spec "$ROOT/tests/e2e/history.test.mjs" || rc=1

	# Reload the real WebKit window so it shows the data the test created,
	# then photograph the whole virtual screen.
	curl -sf -o /dev/null "${E2E_URL}wails/reload" || true
	sleep 4
	if ! import -window root "$OUT/window.png"; then
		echo "e2e: could not screenshot the window" >&2
		rc=1
	fi
	exit $rc
'
rc=$?
set -e

# The tokens must live only in the keychain: not in the database, its WAL
# and shared-memory files, anything else in the data folder, or the log.
leaks=$(grep -rlaF -e "$SECRET_MARKER" "$TMPROOT" "$OUT"/*.log 2>/dev/null || true)
if [ -n "$leaks" ]; then
	echo "e2e: FAIL: a test token was found in:" >&2
	echo "$leaks" >&2
	rc=1
else
	scanned=$(find "$TMPDATA" -type f | wc -l)
	echo "e2e: no test token in the data folders (main: $(cd "$TMPDATA" && find . -type f -printf '%P ')) or the app logs"
	[ "$scanned" -gt 0 ] || { echo "e2e: FAIL: the data folder is empty; the app did not use it" >&2; rc=1; }
fi

# A blank window is a failure: the screenshot must have more than a few colours.
if [ -f "$OUT/window.png" ]; then
	colours=$(identify -format '%k' "$OUT/window.png" 2>/dev/null || echo 0)
	if [ "${colours:-0}" -lt 16 ]; then
		echo "e2e: FAIL: the window screenshot looks blank ($colours colours)" >&2
		rc=1
	fi
fi

if [ "$rc" -eq 0 ]; then
	echo "e2e: PASS (screenshots in tests/e2e/out/)"
else
	echo "e2e: FAIL (see tests/e2e/out/app.log)" >&2
fi
exit "$rc"
