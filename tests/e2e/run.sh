#!/usr/bin/env bash
# End-to-end test of the real window: starts the Wails dev build (real Go
# backend, real WebKit window on a virtual display, real GNOME keyring in a
# private D-Bus session), drives the UI through the dev server with the
# system Chromium (app.test.mjs, states.test.mjs, history.test.mjs) and the
# real WebKit window with real X input, photographed by its own window id
# (window.test.mjs), then reads every secret back from the keychain and
# checks that none reached a file the run wrote. Every built-in platform
# points at loopback (tests/providers.yaml) and the apps' proxy is a
# tripwire: a request for a real host fails the run.
#
#   bash tests/e2e/run.sh
#
# Needs, already built:
#   (cd frontend && npm ci && npm run build)
#   go build -tags dev,webkit2_41 -o build/bin/tokenwarden-dev .
# and the packages xvfb, chromium, imagemagick, dbus, gnome-keyring,
# libsecret-tools, xdotool.
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
for tool in xvfb-run node import identify compare curl xdotool xwininfo secret-tool; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (packages: xvfb, nodejs, imagemagick, curl, xdotool, x11-utils, libsecret-tools)."
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
mkdir -p "$TMPDATA" "$DATA_NO_KEYCHAIN" "$DATA_NEWER" "$DATA_HISTORY"
rm -rf "$OUT"
mkdir -p "$OUT"
LOG=$OUT/app.log
cleanup() { rm -rf "$TMPROOT"; }
trap cleanup EXIT

# Every data folder gets the test providers file: every built-in platform
# on loopback, so no test sends anything to a real platform.
for d in "$TMPDATA" "$DATA_NO_KEYCHAIN" "$DATA_NEWER" "$DATA_HISTORY"; do
	cp "$ROOT/tests/providers.yaml" "$d/providers.yaml"
done

# The apps serve a copy of the frontend with window-driver.js added, which
# lets window.test.mjs read the real window's page; browsers ignore it.
TESTDIST=$TMPROOT/dist
cp -r "$DIST" "$TESTDIST"
cp "$E2E/window-driver.js" "$TESTDIST/window-driver.js"
sed -i 's|</head>|<script src="/window-driver.js"></script></head>|' "$TESTDIST/index.html"
grep -q window-driver.js "$TESTDIST/index.html" || fail "could not add window-driver.js to the test copy of index.html"
DIST=$TESTDIST

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

export TMPROOT TESTDIST ROOT BIN DIST PORT PORT_NO_KEYCHAIN PORT_NEWER PORT_HISTORY TMPDATA DATA_NO_KEYCHAIN DATA_NEWER DATA_HISTORY LOG OUT
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
		[ -n "${trip_pid:-}" ] && kill "$trip_pid" 2>/dev/null
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

	# The proxy tripwire: a request for a real host lands here and fails the run.
	node "$ROOT/tests/e2e/tripwire.mjs" "$OUT/tripwire.log" >"$TMPROOT/tripwire-port" </dev/null &
	trip_pid=$!
	for _ in $(seq 50); do [ -s "$TMPROOT/tripwire-port" ] && break; sleep 0.1; done
	TRIP=http://127.0.0.1:$(cat "$TMPROOT/tripwire-port")
	[ "$TRIP" != "http://127.0.0.1:" ] || { echo "e2e: the tripwire did not start" >&2; exit 1; }
	# The apps (and only they: curl and the browsers talk to loopback) run
	# with it as their proxy; loopback is exempt, as Go always does.
	# env execs the app, so $! stays the app'"'"'s own process id.
	proxied=(env HTTPS_PROXY=$TRIP HTTP_PROXY=$TRIP https_proxy=$TRIP http_proxy=$TRIP NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1)
	# Links the apps open go to a recorder that refuses anything not on loopback.
	export BROWSER="node $ROOT/tests/e2e/fake-browser.mjs $OUT/browser.txt"

	# Two apps in a broken environment, for the error states: one cannot
	# reach any keychain (the D-Bus address leads nowhere), one finds data
	# from a newer version. They start first so that the main window,
	# mapped last, is the one on top of the virtual screen.
	DBUS_SESSION_BUS_ADDRESS=unix:path=$DATA_NO_KEYCHAIN/no-such-bus \
		devserver=127.0.0.1:$PORT_NO_KEYCHAIN assetdir=$DIST TOKENWARDEN_HOME=$DATA_NO_KEYCHAIN \
		"${proxied[@]}" "$BIN" >"$OUT/app-no-keychain.log" 2>&1 &
	apps+=($!)
	wait_up $! "$E2E_URL_NO_KEYCHAIN" "$OUT/app-no-keychain.log" || exit 1
	devserver=127.0.0.1:$PORT_NEWER assetdir=$DIST TOKENWARDEN_HOME=$DATA_NEWER \
		"${proxied[@]}" "$BIN" >"$OUT/app-newer-data.log" 2>&1 &
	apps+=($!)
	wait_up $! "$E2E_URL_NEWER" "$OUT/app-newer-data.log" || exit 1

	devserver=127.0.0.1:$PORT assetdir=$DIST TOKENWARDEN_HOME=$TMPDATA "${proxied[@]}" "$BIN" >"$LOG" 2>&1 &
	app=$!
	apps+=($app)
	wait_up $app "$E2E_URL" "$LOG" || exit 1
	sleep 1

	node --test --test-concurrency=1 --test-reporter=spec \
		"$ROOT/tests/e2e/app.test.mjs" "$ROOT/tests/e2e/states.test.mjs"
	rc=$?
	# The same app'"'"'s real window, with real input.
	E2E_APP_PID=$app node --test --test-reporter=spec "$ROOT/tests/e2e/window.test.mjs" || rc=1

	# The history views against a seeded history (40 accounts, 20,000
	# events), in an app of its own so the main test data stays as it was.
	"${proxied[@]}" "$BIN" --data-dir "$DATA_HISTORY" dev seed --accounts 40 --events 20000 >/dev/null || rc=1
	devserver=127.0.0.1:$PORT_HISTORY assetdir=$DIST TOKENWARDEN_HOME=$DATA_HISTORY \
		"${proxied[@]}" "$BIN" >"$OUT/app-history.log" 2>&1 &
	apps+=($!)
	wait_up $! "http://127.0.0.1:$PORT_HISTORY/" "$OUT/app-history.log" || exit 1
	E2E_URL="http://127.0.0.1:$PORT_HISTORY/" node --test --test-concurrency=1 --test-reporter=spec "$ROOT/tests/e2e/history.test.mjs" "$ROOT/tests/e2e/list.test.mjs" || rc=1

	# Every secret the run left in the keychain, and every test token by its
	# marker, must be absent from every file the run wrote: the data
	# folders (databases, WAL, locks, providers files, exports), the logs,
	# the screenshots and the HOME the apps ran with. The keychain is only
	# reachable inside this session, so the scan runs here.
	node "$ROOT/tests/e2e/scan-secrets.mjs" --marker "-e2e-SECRET-" --min 5 \
		--exclude "$HOME/.local/share/keyrings=the keychain itself (GNOME Keyring'"'"'s encrypted store)" \
		--exclude "$TESTDIST=the frontend copy the apps serve; the run does not write it" \
		"$TMPROOT" "$OUT" --may-be-empty "$HOME" || rc=1
	exit $rc
'
rc=$?
set -e

# Once the apps have stopped (they may write on the way out), the test
# tokens, by their marker, must still be in no file of the data folders or
# the outputs.
leaks=$(grep -rlaF -e "$SECRET_MARKER" "$TMPROOT" "$OUT" 2>/dev/null | grep -v "^$TESTDIST/" || true)
if [ -n "$leaks" ]; then
	echo "e2e: FAIL: a test token was found in:" >&2
	echo "$leaks" >&2
	rc=1
fi

# Nothing may have tried to reach a real host.
if [ -s "$OUT/tripwire.log" ]; then
	echo "e2e: FAIL: requests for real hosts reached the tripwire proxy:" >&2
	cat "$OUT/tripwire.log" >&2
	rc=1
elif [ ! -f "$OUT/tripwire.log" ]; then
	echo "e2e: FAIL: the tripwire proxy did not run" >&2
	rc=1
else
	echo "e2e: no request tried to leave the machine (the tripwire proxy saw none)"
fi
if [ -s "$OUT/browser.txt" ] && grep -q "refused" "$OUT/browser.txt"; then
	echo "e2e: FAIL: the app opened a page that is not on loopback:" >&2
	cat "$OUT/browser.txt" >&2
	rc=1
fi

if [ "$rc" -eq 0 ]; then
	echo "e2e: PASS (screenshots in tests/e2e/out/)"
else
	echo "e2e: FAIL (see tests/e2e/out/app.log)" >&2
fi
exit "$rc"
