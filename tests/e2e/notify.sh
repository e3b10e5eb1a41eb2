#!/usr/bin/env bash
# End-to-end test of "hear about it before your client does, fix it in one
# click": the real app in a real window under Xvfb, a real notification
# daemon (dunst), a real Secret Service and an OpenID provider
# (tests/oauth/server.mjs: oauth2-mock-server with hooks of our own for
# introspection, revocation and userinfo). An account two days from its deadline must raise a
# notification that offers a Reconnect button; choosing that button through
# dunst's own context menu (dunstctl context, with a scripted menu program
# as its dmenu) must make the running app open the login page for exactly
# that account (captured through $BROWSER); finishing that login must leave
# the account healthy with every step in its history. A second launch with
# a deep link must reach the first instance, and no second window may
# appear while it runs. Every secret the run left in the keychain must be
# absent from every file it wrote; no request may go to a real host.
#
#   bash tests/e2e/notify.sh     (after the builds run.sh needs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
OUT=$ROOT/tests/e2e/out
BIN=${BIN:-$ROOT/build/bin/tokenwarden-dev}
fail() { echo "notify-e2e: $*" >&2; exit 1; }
[ -x "$BIN" ] || fail "$BIN is missing (see tests/e2e/run.sh)"
for tool in dunst dunstctl dbus-monitor xvfb-run xwininfo xdotool import node curl secret-tool; do
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
	mkdir -p "$TOKENWARDEN_HOME"
	cp "$ROOT/tests/providers.yaml" "$TOKENWARDEN_HOME/providers.yaml" # every built-in platform on loopback
	tw() { "$BIN" "$@"; }

	# The proxy tripwire: a request for a real host lands here and fails the run.
	node "$ROOT/tests/e2e/tripwire.mjs" "$OUT/notify-tripwire.log" >"$TMP/tripwire-port" </dev/null & pids+=($!)
	for _ in $(seq 50); do [ -s "$TMP/tripwire-port" ] && break; sleep 0.1; done
	TRIP=http://127.0.0.1:$(cat "$TMP/tripwire-port")
	# The app and the command line run with it as their proxy; loopback is
	# exempt, as Go always does, so curl and the OpenID provider still work.
	export HTTPS_PROXY=$TRIP HTTP_PROXY=$TRIP https_proxy=$TRIP http_proxy=$TRIP NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1

	# dunst with a scripted menu program as its dmenu: its context menu
	# (dunstctl context) runs it and invokes the action it prints.
	printf "[global]\n    dmenu = %s %s\n" "$ROOT/tests/e2e/pick-reconnect.sh" "$TMP/dunst-menu.txt" >"$TMP/dunstrc"
	dunst -config "$TMP/dunstrc" >"$OUT/dunst.log" 2>&1 & pids+=($!)
	for _ in $(seq 50); do dunstctl is-paused >/dev/null 2>&1 && break; sleep 0.1; done
	dunstctl is-paused >/dev/null || fail "dunst did not start"

	# dbus-monitor records each Notify call (its actions) and the id the
	# daemon gives it. Only the daemon'"'"'s replies: an unfiltered
	# method_return rule would also record the Secret Service handing out
	# secrets, in plain text.
	dbus-monitor --session "type='"'"'method_call'"'"',interface='"'"'org.freedesktop.Notifications'"'"',member='"'"'Notify'"'"'" "type='"'"'method_return'"'"',sender='"'"'org.freedesktop.Notifications'"'"'" >"$OUT/dbus-monitor.log" 2>&1 & pids+=($!)

	# The provider runs until its stdin closes: a sleep holds it open, and is
	# stopped with the rest.
	exec 7< <(exec sleep 600 2>/dev/null); pids+=($!)
	node "$ROOT/tests/oauth/server.mjs" 0 >"$TMP/issuer" 2>"$OUT/oauth-server.log" <&7 & pids+=($!)
	exec 7<&-
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

	# 1. A real notification appears, and it offers a Reconnect button.
	for _ in $(seq 60); do [ "$(dunstctl count displayed)" -ge 1 ] && break; sleep 0.5; done
	[ "$(dunstctl count displayed)" -ge 1 ] || fail "no notification was shown"
	CALL=$(node "$ROOT/tests/e2e/notification-id.mjs" "$OUT/dbus-monitor.log" "Acme Bakery") || fail "no Notify call for Acme Bakery seen on the bus"
	node -e "const c=JSON.parse(process.argv[1]); process.exit(c.actions.some(([k,l])=>k===\"RECONNECT\"&&l===\"Reconnect\")?0:1)" "$CALL" \
		|| fail "the notification did not offer a Reconnect button: $CALL"
	echo "notify-e2e: notification shown with the actions $CALL"

	# 2. Its Reconnect button is chosen in dunst'"'"'s context menu, as a person
	# would: dunst runs its dmenu (the scripted menu) and invokes the pick.
	# A busy machine can open the menu before dunst lists the new
	# notification'"'"'s buttons; a person would open it again.
	for _ in 1 2 3; do
		rm -f "$TMP/dunst-menu.txt"
		dunstctl context
		for _ in $(seq 300); do [ -s "$TMP/dunst-menu.txt" ] && break; sleep 0.1; done
		grep -q "^#Reconnect (.*Acme Bakery" "$TMP/dunst-menu.txt" 2>/dev/null && break
		sleep 1
	done
	grep -q "^#Reconnect (.*Acme Bakery" "$TMP/dunst-menu.txt" || fail "dunst'"'"'s menu had no Reconnect for Acme Bakery: $(cat "$TMP/dunst-menu.txt" 2>/dev/null)"

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
	grep -q "Reconnect clicked" "$OUT/notify-history.json" || fail "history does not say Reconnect was clicked"

	# 5. A second launch with a link reaches the first window and exits; the
	# windows are counted while it runs, so a second window it opened and
	# closed again would be seen.
	first=$(xdotool search --all --onlyvisible --pid $app --name "^Tokenwarden\$" | wc -l)
	[ "$first" -eq 1 ] || fail "the first instance has $first windows"
	"$BIN" "tokenwarden://open/$ID" >"$OUT/notify-second.log" 2>&1 & second=$!
	most=0 polls=0
	for _ in $(seq 400); do
		kill -0 $second 2>/dev/null || break
		n=$(xdotool search --onlyvisible --name "^Tokenwarden\$" 2>/dev/null | wc -l)
		[ "$n" -gt "$most" ] && most=$n
		polls=$((polls + 1))
		sleep 0.05
	done
	running=0
	if kill -0 $second 2>/dev/null; then running=1; kill $second; fi
	wait $second || true
	[ "$polls" -ge 2 ] || fail "the second launch ended before the windows could be counted ($polls counts)"
	[ "$most" -eq 1 ] || fail "$most Tokenwarden windows while the second launch ran"
	[ "$running" -eq 0 ] || fail "the second launch did not exit within 20 s"
	kill -0 $app || fail "the first instance died"
	grep -q "link: open $ID" "$OUT/notify-app.log" || fail "the first instance did not get the link"
	echo "notify-e2e: second launch handed its link over; one window in $polls counts while it ran"

	win=$(xdotool search --all --onlyvisible --pid $app --name "^Tokenwarden\$")
	xdotool windowraise "$win"
	import -window "$win" "$OUT/notify-window.png"

	# 6. No secret in any file the run wrote.
	node "$ROOT/tests/e2e/scan-secrets.mjs" --marker "-SECRET-" --min 3 \
		--exclude "$HOME/.local/share/keyrings=the keychain itself (GNOME Keyring'"'"'s encrypted store)" \
		"$TMP" "$OUT/notify-app.log" "$OUT/notify-second.log" "$OUT/dunst.log" "$OUT/dbus-monitor.log" \
		"$OUT/dunst-history.json" "$OUT/notify-history.json" "$OUT/oauth-server.log" --may-be-empty "$HOME" || fail "a secret leaked"
'
[ -s "$OUT/notify-tripwire.log" ] && { cat "$OUT/notify-tripwire.log" >&2; fail "requests for real hosts reached the tripwire proxy"; }
echo "notify-e2e: PASS"
