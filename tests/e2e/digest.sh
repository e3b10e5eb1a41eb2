#!/usr/bin/env bash
# End-to-end test of calm notifications, the tray and the second launch:
# the real app (dev build) in a real window under Xvfb, a real notification
# daemon (dunst), a real Secret Service, a real OpenID provider
# (oauth2-mock-server), and tests/e2e/busprobe standing in for the tray
# host and recording every Notify call on the private session bus.
#
#  1. Seven accounts at four clients need the user (one has expired): the
#     launch raises ONE digest, "7 accounts at 4 clients need you", with
#     critical urgency, the app icon, and a Fix button; a label with markup
#     reaches the daemon escaped. Screenshot of dunst showing it.
#  2. Fix is picked in dunst's own menu: the app follows tokenwarden://fix/all.
#  3. The tray (StatusNotifierItem) says "7 accounts need you" and lists the
#     five most urgent; its items open an account, check, and quit the app.
#  4. The next launch notifies nothing: all of it was notified before.
#     Closing its window keeps the app and the tray.
#  5. A second launch prints "Tokenwarden is already running; brought its
#     window forward", exits 0, and no second window appears meanwhile.
#
#   bash tests/e2e/digest.sh     (needs build/bin/tokenwarden-dev and frontend/dist, see run.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
OUT=$ROOT/tests/e2e/out
BIN=${BIN:-$ROOT/build/bin/tokenwarden-dev}
fail() { echo "digest-e2e: $*" >&2; exit 1; }
[ -x "$BIN" ] || fail "$BIN is missing (see tests/e2e/run.sh)"
[ -f "$ROOT/frontend/dist/index.html" ] || fail "frontend/dist is missing: (cd frontend && npm run build)"
for tool in dunst dunstctl xvfb-run xwininfo xdotool import node curl go; do
	command -v "$tool" >/dev/null || fail "$tool not found"
done
[ -d "$ROOT/tests/oauth/node_modules/oauth2-mock-server" ] || fail "run npm ci in tests/oauth"
mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tokenwarden-digest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/busprobe" ./tests/e2e/busprobe
export ROOT OUT BIN TMP DIGEST_DEBUG

# shellcheck disable=SC2016 # expanded by the inner shell
xvfb-run -a -s "-screen 0 1280x860x24" "$ROOT/scripts/with-keyring" bash -c '
	set -euo pipefail
	[ -n "${DIGEST_DEBUG:-}" ] && set -x
	pids=()
	trap "for p in \${pids[@]}; do kill \$p 2>/dev/null || true; done" EXIT
	LOG=$OUT/digest-app.log
	fail() { echo "digest-e2e: $*" >&2; echo "--- app log:" >&2; cat "$LOG"* >&2 2>/dev/null || true; exit 1; }
	export TOKENWARDEN_HOME=$TMP/data
	tw() { "$BIN" "$@"; }
	probe() { "$TMP/busprobe" "$@"; }
	json() { node -e "let s=\"\";process.stdin.on(\"data\",d=>s+=d).on(\"end\",()=>{const x=JSON.parse(s);console.log($1)})"; }

	# dunst picks "Fix" when asked for its menu, as a user would in dmenu.
	printf "#!/bin/sh\ngrep -m1 Fix\n" >"$TMP/pick-fix"; chmod +x "$TMP/pick-fix"
	printf "[global]\n    dmenu = %s\n    history_length = 50\n    width = 520\n    font = DejaVu Sans 10\n" "$TMP/pick-fix" >"$TMP/dunstrc"
	"$TMP/busprobe" notifications >"$OUT/digest-notify-calls.jsonl" 2>"$OUT/digest-busprobe.log" & pids+=($!)
	dunst -config "$TMP/dunstrc" >"$OUT/digest-dunst.log" 2>&1 & pids+=($!)
	# Asking dunstctl before dunst owns its name would start another dunst
	# through D-Bus activation, without this configuration.
	owned() { dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner "string:$1" | grep -q true; }
	for _ in $(seq 50); do owned org.freedesktop.Notifications && break; sleep 0.1; done
	owned org.freedesktop.Notifications || fail "dunst did not start: $(cat "$OUT/digest-dunst.log")"
	"$TMP/busprobe" watcher "$TMP/tray-item" >/dev/null & pids+=($!)
	for _ in $(seq 50); do owned org.kde.StatusNotifierWatcher && break; sleep 0.1; done

	node "$ROOT/tests/oauth/server.mjs" 0 >"$TMP/issuer" 2>"$OUT/digest-oauth.log" < <(sleep 900) & pids+=($!)
	for _ in $(seq 100); do [ -s "$TMP/issuer" ] && break; sleep 0.1; done
	ISSUER=$(head -n1 "$TMP/issuer")
	[ -n "$ISSUER" ] || fail "oauth2-mock-server did not start"
	echo "mock-client-SECRET-e2e" | tw provider add-custom --id mock --name "Acme SSO" --issuer "$ISSUER" \
		--client-id tokenwarden-test --client-secret-stdin >/dev/null

	# Seven accounts at four clients; one label carries markup.
	n=0
	for spec in "Acme Bakery|<b>Shop</b> & <img src=y>|2d" "Acme Bakery|Ads|3d" "Blue Dental|Page|2d" "Blue Dental|Ads|-1h" \
		"Cedar Law|Site|2d" "Cedar Law|Blog|1d" "Delta Gym|App|2d"; do
		IFS="|" read -r client label expires <<<"$spec"
		tw client add "$client" >/dev/null 2>&1 || true
		n=$((n + 1))
		if [ "$expires" = -1h ]; then
			at=$(date -u -d "-1 hour" +%Y-%m-%dT%H:%M:%SZ)
			echo "e2e-digest-SECRET-$n" | tw account import --client "$client" --provider mock --label "$label" --expires-at "$at" >/dev/null
		else
			echo "e2e-digest-SECRET-$n" | tw account import --client "$client" --provider mock --label "$label" --expires-in "$expires" >/dev/null
		fi
	done
	[ "$(tw status --json | json x.length)" = 7 ] || fail "the accounts were not imported"

	start_app() {
		PORT=$(node -e "const s=require(\"net\").createServer();s.listen(0,\"127.0.0.1\",()=>{console.log(s.address().port);s.close()})")
		devserver=127.0.0.1:$PORT assetdir="$ROOT/frontend/dist" "$BIN" >"$1" 2>&1 & app=$!; pids+=($app)
		for _ in $(seq 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
		for _ in $(seq 60); do xwininfo -root -tree | grep -q "\"Tokenwarden\"" && break; sleep 0.5; done
	}
	app_calls() { grep -c "\"app_name\":\"Tokenwarden\"" "$OUT/digest-notify-calls.jsonl" || true; }

	# 1. One digest at launch.
	start_app "$LOG"
	for _ in $(seq 60); do [ "$(app_calls)" -ge 1 ] && break; sleep 0.5; done
	sleep 4 # more would come within the 2 s a round of notifications waits
	[ "$(app_calls)" = 1 ] || fail "the launch sent $(app_calls) notifications, want 1 digest: $(cat "$OUT/digest-notify-calls.jsonl")"
	call=$(grep "\"app_name\":\"Tokenwarden\"" "$OUT/digest-notify-calls.jsonl")
	summary=$(echo "$call" | json x.summary)
	[ "$summary" = "7 accounts at 4 clients need you" ] || fail "digest title: $summary"
	[ "$(echo "$call" | json x.urgency)" = 2 ] || fail "digest urgency: $call"
	[ "$(echo "$call" | json x.image)" = 64x64 ] || fail "digest icon: $call"
	[ "$(echo "$call" | json "x.actions.join(\"|\")")" = "default|Open|FIX|Fix 7 accounts" ] || fail "digest buttons: $call"
	echo "$call" | json x.body | grep -qF "&lt;b&gt;Shop&lt;/b&gt; &amp; &lt;img src=y&gt;" || fail "the label was not escaped: $call"
	echo "digest-e2e: one digest \"$summary\", urgency critical, 64x64 icon, Fix 7 accounts; markup escaped"
	sleep 0.5
	import -window root "$OUT/digest-dunst.png"

	# 2. Fix, picked in dunst'"'"'s menu, reaches the app.
	dunstctl context
	for _ in $(seq 40); do grep -q "notification: tokenwarden://fix/all" "$LOG" && break; sleep 0.25; done
	grep -q "notification: tokenwarden://fix/all" "$LOG" || fail "picking Fix in dunst did not reach the app"
	echo "digest-e2e: Fix picked in dunst; the app followed tokenwarden://fix/all"

	# 3. The tray.
	for _ in $(seq 40); do [ -s "$TMP/tray-item" ] && break; sleep 0.25; done
	[ -s "$TMP/tray-item" ] || fail "the tray never registered with the tray host"
	ITEM=$(cat "$TMP/tray-item")
	for _ in $(seq 40); do
		probe tray "$ITEM" >"$OUT/digest-tray.json" && [ "$(json x.title <"$OUT/digest-tray.json")" = "Tokenwarden: 7 accounts need you" ] && break
		sleep 0.25
	done
	tray=$(cat "$OUT/digest-tray.json")
	[ "$(echo "$tray" | json x.title)" = "Tokenwarden: 7 accounts need you" ] || fail "tray: $tray"
	[ "$(echo "$tray" | json x.menu.length)" = 9 ] || fail "tray menu, want the status, 5 accounts, Open, Check now, Quit: $tray"
	first=$(echo "$tray" | json x.menu[1])
	echo "$first" | grep -q "Blue Dental" || fail "the most urgent account (expired, Blue Dental) is not first: $tray"
	echo "digest-e2e: tray: $(echo "$tray" | json "x.menu.join(\" | \")")"
	probe click "$ITEM" "$first"
	for _ in $(seq 20); do grep -q "tray: open acc_" "$LOG" && break; sleep 0.25; done
	grep -q "tray: open acc_" "$LOG" || fail "the tray item did not open the account"
	probe click "$ITEM" "Check now"
	for _ in $(seq 20); do grep -q "tray: check now" "$LOG" && break; sleep 0.25; done
	grep -q "tray: check now" "$LOG" || fail "Check now did nothing"
	probe click "$ITEM" "Quit"
	for _ in $(seq 40); do kill -0 $app 2>/dev/null || break; sleep 0.25; done
	! kill -0 $app 2>/dev/null || fail "Quit in the tray did not end the app"
	echo "digest-e2e: tray items opened an account, checked, quit"

	# 4. The next launch notifies nothing new.
	dunstctl close-all
	: >"$TMP/tray-item"
	start_app "$LOG.2"
	sleep 8
	[ "$(app_calls)" = 1 ] || fail "the next launch notified again: $(tail -n +2 "$OUT/digest-notify-calls.jsonl")"
	echo "digest-e2e: the next launch notified nothing already notified"

	# Closing the window (Ctrl+W, as the menu says) keeps the app and its tray.
	wid=$(xdotool search --name "^Tokenwarden$" | head -1)
	[ -n "$wid" ] || fail "no Tokenwarden window to close"
	# As typed (XTEST): keys sent to the window (XSendEvent) reach WebKit,
	# which hands Ctrl+W back later, hiding the window again once shown.
	xdotool windowfocus --sync "$wid"
	xdotool key ctrl+w
	for _ in $(seq 40); do xwininfo -id "$wid" | grep -q IsUnMapped && break; sleep 0.25; done
	xwininfo -id "$wid" | grep -q IsUnMapped || fail "Ctrl+W did not close the window"
	for _ in $(seq 40); do [ -s "$TMP/tray-item" ] && break; sleep 0.25; done
	kill -0 $app || fail "closing the window ended the app"
	[ "$(probe tray "$(cat "$TMP/tray-item")" | json x.title)" = "Tokenwarden: 7 accounts need you" ] || fail "the tray is gone with the window"
	echo "digest-e2e: window closed; the app and its tray run on"

	# 5. A second launch.
	( while :; do xwininfo -root -tree | grep -c "\"Tokenwarden\"" || true; sleep 0.05; done ) >"$TMP/windows" & counter=$!; pids+=($counter)
	set +e
	timeout 20 "$BIN" >"$OUT/digest-second.out" 2>"$OUT/digest-second.err"; rc=$?
	set -e
	sleep 0.5; kill $counter
	[ $rc = 0 ] || fail "the second launch exited $rc: $(cat "$OUT/digest-second.out" "$OUT/digest-second.err")"
	grep -qx "Tokenwarden is already running; brought its window forward" "$OUT/digest-second.out" || fail "second launch said: $(cat "$OUT/digest-second.out" "$OUT/digest-second.err")"
	max=$(sort -n "$TMP/windows" | tail -1)
	[ "$max" = 1 ] || fail "$max Tokenwarden windows during the second launch"
	kill -0 $app || fail "the first window died"
	grep -q "second launch: brought the window forward" "$LOG.2" || fail "the first window did not hear of the second launch"
	for _ in $(seq 20); do xwininfo -id "$wid" | grep -q IsViewable && break; sleep 0.25; done
	xwininfo -id "$wid" | grep -q IsViewable || fail "the second launch did not bring the window back"
	echo "digest-e2e: second launch: \"$(cat "$OUT/digest-second.out")\", exit 0, $(wc -l <"$TMP/windows") samples of the windows, never more than 1"

	if grep -rl "SECRET" "$TOKENWARDEN_HOME" "$LOG"* "$OUT/digest-notify-calls.jsonl" 2>/dev/null | grep -v "/locks/"; then fail "a secret leaked"; fi
'
echo "digest-e2e: PASS"
