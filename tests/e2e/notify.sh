#!/usr/bin/env bash
# End-to-end test of "hear about it before your client does, fix it in one
# click": the real app in a real window under Xvfb, a real notification
# daemon (dunst), a real Secret Service and a real OpenID provider
# (oauth2-mock-server). An account two days from its deadline must raise a
# notification; its Reconnect action must make the running app open the
# login page for exactly that account (captured through $BROWSER); finishing
# that login must leave the account healthy with every step in its history.
# A second launch with a deep link must reach the first instance without a
# second window.
#
#   bash tests/e2e/notify.sh     (after the builds run.sh needs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
OUT=$ROOT/tests/e2e/out
BIN=${BIN:-$ROOT/build/bin/tokenwarden-dev}
fail() { echo "notify-e2e: $*" >&2; exit 1; }
[ -x "$BIN" ] || fail "$BIN is missing (see tests/e2e/run.sh)"
for tool in dunst dunstctl dbus-send xvfb-run xwininfo import node curl; do
	command -v "$tool" >/dev/null || fail "$tool not found"
done
[ -d "$ROOT/tests/oauth/node_modules/oauth2-mock-server" ] || fail "run npm ci in tests/oauth"
mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tokenwarden-notify.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export ROOT OUT BIN TMP NOTIFY_DEBUG

# shellcheck disable=SC2016 # expanded by the inner shell
xvfb-run -a -s "-screen 0 1280x860x24" "$ROOT/scripts/with-keyring" bash -c '
	set -euo pipefail
	[ -n "${NOTIFY_DEBUG:-}" ] && set -x
	pids=()
	trap "for p in \${pids[@]}; do kill \$p 2>/dev/null || true; done" EXIT
	fail() { echo "notify-e2e: $*" >&2; echo "--- app log:" >&2; cat "$OUT/notify-app.log" >&2 2>/dev/null || true; exit 1; }
	export TOKENWARDEN_HOME=$TMP/data
	tw() { "$BIN" "$@"; }

	# dbus-monitor sees the id the daemon gives each notification, which the
	# daemon'"'"'s ActionInvoked signal names when a button is pressed.
	dbus-monitor --session "type='"'"'method_call'"'"',interface='"'"'org.freedesktop.Notifications'"'"',member='"'"'Notify'"'"'" "type='"'"'method_return'"'"'" >"$OUT/dbus-monitor.log" 2>&1 & pids+=($!)
	dunst >"$OUT/dunst.log" 2>&1 & pids+=($!)
	for _ in $(seq 50); do dunstctl is-paused >/dev/null 2>&1 && break; sleep 0.1; done
	dunstctl is-paused >/dev/null || fail "dunst did not start"

	node "$ROOT/tests/oauth/server.mjs" 0 >"$TMP/issuer" 2>"$OUT/oauth-server.log" < <(sleep 600) & pids+=($!)
	for _ in $(seq 100); do [ -s "$TMP/issuer" ] && break; sleep 0.1; done
	ISSUER=$(head -n1 "$TMP/issuer")
	[ -n "$ISSUER" ] || fail "oauth2-mock-server did not start"

	tw client add "Acme Bakery" >/dev/null
	echo "mock-client-SECRET-e2e" | tw provider add-custom --id mock --name "Acme SSO" --issuer "$ISSUER" \
		--client-id tokenwarden-test --client-secret-stdin >/dev/null
	ID=$(echo "e2e-notify-SECRET-0001" | tw account import --client "Acme Bakery" --provider mock --label "Acme admin" --expires-in 2d)
	echo "notify-e2e: account $ID expires in 2 days"

	PORT=$(node -e "const s=require(\"net\").createServer();s.listen(0,\"127.0.0.1\",()=>{console.log(s.address().port);s.close()})")
	BROWSER="node $ROOT/tests/e2e/fake-browser.mjs $TMP/browser.txt" devserver=127.0.0.1:$PORT assetdir="$ROOT/frontend/dist" \
		"$BIN" >"$OUT/notify-app.log" 2>&1 & app=$!; pids+=($app)
	for _ in $(seq 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
	# The window starts its checks and notifications when its page is loaded.
	node -e "fetch(\"http://127.0.0.1:$PORT/\").then(r=>r.text())" >/dev/null

	# 1. A real notification appears.
	for _ in $(seq 60); do [ "$(dunstctl count displayed)" -ge 1 ] && break; sleep 0.5; done
	[ "$(dunstctl count displayed)" -ge 1 ] || fail "no notification was shown"
	echo "notify-e2e: notification shown"

	# 2. Its Reconnect button is pressed: the daemon emits ActionInvoked with
	# the notification id and the action key, as dunst does when the user
	# picks the action from its menu (which needs a dmenu on a real desktop).
	NID=$(node "$ROOT/tests/e2e/notification-id.mjs" "$OUT/dbus-monitor.log" "Acme Bakery") || fail "no Notify call for Acme Bakery seen on the bus"
	dbus-send --session --type=signal /org/freedesktop/Notifications org.freedesktop.Notifications.ActionInvoked uint32:$NID string:RECONNECT

	# 3. The app opens the login page for that account, the login completes
	# and the account is healthy again.
	for _ in $(seq 60); do
		st=$( (tw status --json || true) | node -e "let s=\"\";process.stdin.on(\"data\",d=>s+=d).on(\"end\",()=>{const a=JSON.parse(s).find(x=>x.id===\"$ID\");console.log(a?a.status:\"gone\")})")
		[ "$st" = healthy ] && break; sleep 0.5
	done
	[ "$st" = healthy ] || fail "account is $st after the Reconnect action"
	grep -q "^$ISSUER" "$TMP/browser.txt" || fail "the browser was not sent to the provider: $(cat "$TMP/browser.txt" 2>/dev/null)"
	echo "notify-e2e: Reconnect opened $(head -c 60 "$TMP/browser.txt")... and the account is healthy"
	dunstctl close-all; sleep 0.5
	dunstctl history > "$OUT/dunst-history.json"
	grep -q "Acme Bakery" "$OUT/dunst-history.json" || fail "the notification did not name the client"

	# 4. Every step is in the account history.
	tw history --account "$ID" --json > "$OUT/notify-history.json" || true
	for kind in account.imported notification.sent notification.acted account.reconnected; do
		grep -q "\"$kind\"" "$OUT/notify-history.json" || fail "history lacks $kind"
	done

	# 5. A second launch with a link reaches the first window and exits.
	timeout 20 "$BIN" "tokenwarden://open/$ID" >"$OUT/notify-second.log" 2>&1 || true
	kill -0 $app || fail "the first instance died"
	sleep 1
	windows=$(xwininfo -root -tree | grep -c "\"Tokenwarden\"" || true)
	[ "$windows" -eq 1 ] || fail "$windows Tokenwarden windows after a second launch"
	grep -q "link: open $ID" "$OUT/notify-app.log" || fail "the first instance did not get the link"
	echo "notify-e2e: second launch handed its link over; one window"

	import -window root "$OUT/notify-window.png"
	if grep -rl "SECRET" "$TOKENWARDEN_HOME" "$OUT/notify-app.log" 2>/dev/null | grep -v "/locks/"; then fail "a secret leaked"; fi
'
echo "notify-e2e: PASS"
