#!/usr/bin/env bash
# End-to-end test of fixing accounts: the real app (dev build, live Go
# bindings) under Xvfb with a real Secret Service and a real OpenID provider
# (oauth2-mock-server), driven through the system Chromium by
# tests/e2e/repair.test.mjs. Logins go through $BROWSER, played by
# fake-browser.mjs, which follows the provider's redirects back to the app
# as a user who clicks "Allow" would. Afterwards no test secret may be in
# the data folder or the log.
#
#   bash tests/e2e/repair.sh     (after the builds run.sh needs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
OUT=$ROOT/tests/e2e/out
BIN=${BIN:-$ROOT/build/bin/tokenwarden-dev}
fail() { echo "repair-e2e: $*" >&2; exit 1; }
[ -x "$BIN" ] || fail "$BIN is missing (see tests/e2e/run.sh)"
[ -f "$ROOT/frontend/dist/index.html" ] || fail "frontend/dist is missing (see tests/e2e/run.sh)"
[ -d "$ROOT/tests/oauth/node_modules/oauth2-mock-server" ] || fail "run npm ci in tests/oauth"
[ -d "$ROOT/tests/e2e/node_modules/playwright-core" ] || fail "run npm ci in tests/e2e"
for tool in xvfb-run import node curl; do command -v "$tool" >/dev/null || fail "$tool not found"; done
mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tokenwarden-repair.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export ROOT OUT BIN TMP

# shellcheck disable=SC2016 # expanded by the inner shell
xvfb-run -a -s "-screen 0 1440x900x24" "$ROOT/scripts/with-keyring" bash -c '
	set -euo pipefail
	pids=()
	trap "for p in \${pids[@]}; do kill \$p 2>/dev/null || true; done" EXIT
	fail() { echo "repair-e2e: $*" >&2; echo "--- app log:" >&2; tail -50 "$OUT/repair-app.log" >&2 2>/dev/null || true; exit 1; }
	export TOKENWARDEN_HOME=$TMP/data

	node "$ROOT/tests/oauth/server.mjs" 0 >"$TMP/issuer" 2>"$OUT/repair-oauth-server.log" < <(sleep 900) & pids+=($!)
	for _ in $(seq 100); do [ -s "$TMP/issuer" ] && break; sleep 0.1; done
	ISSUER=$(head -n1 "$TMP/issuer")
	[ -n "$ISSUER" ] || fail "oauth2-mock-server did not start"

	PORT=$(node -e "const s=require(\"net\").createServer();s.listen(0,\"127.0.0.1\",()=>{console.log(s.address().port);s.close()})")
	BROWSER="node $ROOT/tests/e2e/fake-browser.mjs $TMP/browser.txt" devserver=127.0.0.1:$PORT assetdir="$ROOT/frontend/dist" \
		"$BIN" >"$OUT/repair-app.log" 2>&1 & app=$!; pids+=($app)
	for _ in $(seq 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
	curl -sf -o /dev/null "http://127.0.0.1:$PORT/" || fail "the app did not answer"

	E2E_URL="http://127.0.0.1:$PORT/" E2E_OUT=$OUT E2E_ISSUER=$ISSUER E2E_BROWSER_LOG=$TMP/browser.txt \
		node --test --test-concurrency=1 --test-reporter=spec "$ROOT/tests/e2e/repair.test.mjs" || fail "repair.test.mjs failed"

	# The real window, reloaded so it shows the data the test made.
	curl -sf -o /dev/null "http://127.0.0.1:$PORT/wails/reload" || true
	sleep 3
	import -window root "$OUT/repair-window.png" || fail "could not screenshot the window"
	if grep -rlaF -e "-e2e-SECRET-" "$TOKENWARDEN_HOME" "$OUT/repair-app.log" 2>/dev/null | grep -v "/locks/"; then fail "a test secret leaked"; fi
	echo "repair-e2e: no test secret in the data folder or the log"
'
echo "repair-e2e: PASS (screenshots in tests/e2e/out/repair-*.png)"
