#!/usr/bin/env bash
# End-to-end test of Facebook Pages after connect and reconnect (issue 16):
# the real app (dev build, live Go bindings) under Xvfb with a real Secret
# Service, its facebook endpoints moved by the data folder's providers.yaml
# to graph-fake.mjs (Facebook Login and Graph API v25.0 with Meta's
# documented bodies, on 127.0.0.1), driven through the system Chromium by
# tests/e2e/pages.test.mjs. Logins go through $BROWSER, played by
# fake-browser.mjs. Then `tokenwarden check`, run by the user right after the
# reconnect, must check (not skip what the window checked moments ago), and
# no token the fake issued may be in the data folder or a log.
#
#   bash tests/e2e/pages.sh     (after the builds run.sh needs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
OUT=$ROOT/tests/e2e/out
BIN=${BIN:-$ROOT/build/bin/tokenwarden-dev}
fail() { echo "pages-e2e: $*" >&2; exit 1; }
[ -x "$BIN" ] || fail "$BIN is missing (see tests/e2e/run.sh)"
[ -f "$ROOT/frontend/dist/index.html" ] || fail "frontend/dist is missing (see tests/e2e/run.sh)"
[ -d "$ROOT/tests/e2e/node_modules/playwright-core" ] || fail "run npm ci in tests/e2e"
for tool in xvfb-run node curl; do command -v "$tool" >/dev/null || fail "$tool not found"; done
mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tokenwarden-pages.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export ROOT OUT BIN TMP

# shellcheck disable=SC2016 # expanded by the inner shell
xvfb-run -a -s "-screen 0 1440x900x24" "$ROOT/scripts/with-keyring" bash -c '
	set -euo pipefail
	pids=()
	trap "for p in \${pids[@]}; do kill \$p 2>/dev/null || true; done" EXIT
	fail() { echo "pages-e2e: $*" >&2; echo "--- app log:" >&2; tail -50 "$OUT/pages-app.log" >&2 2>/dev/null || true; exit 1; }
	free_port() { node -e "const s=require(\"net\").createServer();s.listen(0,\"127.0.0.1\",()=>{console.log(s.address().port);s.close()})"; }
	export TOKENWARDEN_HOME=$TMP/data
	APP_ID=1234567890123
	APP_SECRET=fb-app-e2e-SECRET-0001

	node "$ROOT/tests/e2e/graph-fake.mjs" "$APP_ID" "$APP_SECRET" >"$TMP/graph" 2>"$OUT/pages-graph.log" < <(sleep 900) & pids+=($!)
	for _ in $(seq 100); do [ -s "$TMP/graph" ] && break; sleep 0.1; done
	GRAPH=$(head -n1 "$TMP/graph")
	[ -n "$GRAPH" ] || fail "graph-fake.mjs did not start"

	# Every platform on loopback (tests/providers.yaml), facebook on the fake.
	mkdir -p "$TOKENWARDEN_HOME"
	# A free loopback port for its redirect, so parallel runs never meet on 53682.
	sed -e "s#http://127.0.0.1:9/v25.0#$GRAPH/v25.0#" -e "/^  - id: facebook\$/a\\    redirect_port: $(free_port)" \
		"$ROOT/tests/providers.yaml" >"$TOKENWARDEN_HOME/providers.yaml"
	grep -q "auth_url: $GRAPH/v25.0/dialog/oauth" "$TOKENWARDEN_HOME/providers.yaml" || fail "providers.yaml does not point facebook at the fake"
	printf "%s" "$APP_SECRET" | "$BIN" provider set-credentials facebook --client-id "$APP_ID" --client-secret-stdin >/dev/null
	"$BIN" client add Acme >/dev/null

	PORT=$(free_port)
	BROWSER="node $ROOT/tests/e2e/fake-browser.mjs $TMP/browser.txt" devserver=127.0.0.1:$PORT assetdir="$ROOT/frontend/dist" \
		"$BIN" >"$OUT/pages-app.log" 2>&1 & app=$!; pids+=($app)
	for _ in $(seq 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
	curl -sf -o /dev/null "http://127.0.0.1:$PORT/" || fail "the app did not answer"

	E2E_URL="http://127.0.0.1:$PORT/" E2E_OUT=$OUT E2E_GRAPH=$GRAPH E2E_BROWSER_LOG=$TMP/browser.txt \
		node --test --test-concurrency=1 --test-reporter=spec "$ROOT/tests/e2e/pages.test.mjs" || fail "pages.test.mjs failed"
	kill "$app"; wait "$app" 2>/dev/null || true

	# Right after the reconnect, an explicit check checks every account.
	status=0
	"$BIN" check >"$OUT/pages-check.txt" 2>&1 || status=$?
	cat "$OUT/pages-check.txt"
	if grep -q "not checked again" "$OUT/pages-check.txt"; then fail "check skipped what the window had checked"; fi
	grep -q "Acme Bakery" "$OUT/pages-check.txt" || fail "check did not check the kept Page"
	grep -q "Acme Cafe" "$OUT/pages-check.txt" || fail "check did not report the lost Page"
	# The lost Page stays broken, so check exits 1, not 2 (a usage or internal error).
	[ "$status" -le 1 ] || fail "check exited $status"
	"$BIN" check --json >"$TMP/check.json" || true
	node -e "JSON.parse(require(\"fs\").readFileSync(process.argv[1],\"utf8\"))" "$TMP/check.json" || fail "check --json is not JSON"
	grep -c "GET /v25.0/debug_token" "$OUT/pages-graph.log" >/dev/null || fail "no check reached the fake"

	if grep -rlaF -e "-e2e-SECRET-" "$TOKENWARDEN_HOME" "$OUT/pages-app.log" "$OUT/pages-check.txt" "$TMP/check.json" 2>/dev/null | grep -v "/locks/"; then
		fail "a token or secret of the fake leaked"
	fi
	echo "pages-e2e: no token of the fake in the data folder, the log or the output"
'
echo "pages-e2e: PASS (screenshots tests/e2e/out/pages-reconnect-lost.png, pages-reconnect-lost-dark.png, pages-connect.png)"
