#!/usr/bin/env bash
# Installs dist/tokenwarden_*.deb on this machine with dpkg and checks it:
# lintian reports no errors, "tokenwarden version" runs from /usr/bin and
# names the version in the artefacts, tokenwarden:// links go to its desktop
# file, the window opens under Xvfb from the installed binary (screenshot in
# tests/dist/out/), and "dpkg -r" leaves the user's data folder and keychain
# items as they were. Needs root (dpkg) and make dist first.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIST=${DIST_DIR:-$ROOT/dist}
OUT=$ROOT/tests/dist/out
fail() { echo "deb: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root: dpkg -i installs system-wide"
for tool in dpkg lintian xvfb-run xwininfo import identify convert xdg-mime secret-tool update-desktop-database; do
	command -v "$tool" >/dev/null || fail "$tool not found (apt-get install lintian xvfb x11-utils imagemagick xdg-utils libsecret-tools desktop-file-utils)"
done
shopt -s nullglob
debs=("$DIST"/tokenwarden_*_amd64.deb)
tars=("$DIST"/tokenwarden-*-linux-amd64.tar.gz)
[ ${#debs[@]} = 1 ] && [ ${#tars[@]} = 1 ] || fail "want one .deb and one tarball in $DIST (make dist)"
DEB=${debs[0]}
VERSION=$(basename "${tars[0]}" -linux-amd64.tar.gz)
VERSION=${VERSION#tokenwarden-}
if dpkg-query -W -f='${Status}' tokenwarden 2>/dev/null | grep -q "install ok installed"; then
	fail "tokenwarden is installed already; this test would remove it"
fi
mkdir -p "$OUT"
(cd "$DIST" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS does not match"

echo "deb: lintian $(basename "$DEB")"
lintian --allow-root "$DEB" >"$OUT/lintian.txt" 2>&1 || true
if grep -q "^E:" "$OUT/lintian.txt"; then cat "$OUT/lintian.txt" >&2; fail "lintian reports errors"; fi
sed 's/^/deb:   /' "$OUT/lintian.txt"
dpkg-deb -I "$DEB" | grep -qE "^ (preinst|postinst|prerm|postrm)" && fail "the package has maintainer scripts"

export DEB VERSION OUT ROOT
# shellcheck disable=SC2016 # expanded by the inner shell
xvfb-run -a -s "-screen 0 1280x860x24" "$ROOT/scripts/with-keyring" bash -c '
	set -euo pipefail
	fail() { echo "deb: FAIL: $*" >&2; exit 1; }
	removed=0
	trap "[ \$removed = 1 ] || dpkg -r tokenwarden >/dev/null 2>&1 || true" EXIT
	dpkg -i "$DEB" >"$OUT/dpkg-i.log" 2>&1 || { cat "$OUT/dpkg-i.log" >&2; fail "dpkg -i failed"; }
	[ -x /usr/bin/tokenwarden ] || fail "no /usr/bin/tokenwarden"
	got=$(/usr/bin/tokenwarden version)
	[ "$got" = "tokenwarden $VERSION" ] || fail "version says \"$got\", want \"tokenwarden $VERSION\""
	echo "deb: /usr/bin/tokenwarden version: $got"
	handler=$(xdg-mime query default x-scheme-handler/tokenwarden)
	[ "$handler" = tokenwarden.desktop ] || fail "x-scheme-handler/tokenwarden opens with \"$handler\""
	echo "deb: tokenwarden:// opens with $handler"
	[ -f /usr/share/icons/hicolor/256x256/apps/tokenwarden.png ] || fail "no hicolor icon"

	# A user with data: the default data folder and a keychain item.
	data=$HOME/.config/tokenwarden
	tokenwarden client add "Acme Bakery" >/dev/null
	echo "deb-test-SECRET-0001" | tokenwarden account import --client "Acme Bakery" --provider google --label "Acme YouTube" --expires-in 30d >/dev/null

	tokenwarden >"$OUT/window.log" 2>&1 &
	app=$!
	for _ in $(seq 60); do
		xwininfo -root -tree 2>/dev/null | grep -q "\"Tokenwarden\"" && break
		kill -0 $app 2>/dev/null || { cat "$OUT/window.log" >&2; fail "the app exited"; }
		sleep 0.5
	done
	xwininfo -root -tree | grep -q "\"Tokenwarden\"" || fail "no Tokenwarden window within 30 s"
	# Wait for the page to render: the screen below the title and menu bar
	# must show more than a background (a blank webview is 2-3 colours).
	for _ in $(seq 40); do
		import -window root "$OUT/deb-window.png"
		body=$(convert "$OUT/deb-window.png" -crop 1280x700+0+100 +repage -format %k info:)
		[ "$body" -ge 16 ] && break
		sleep 1
	done
	[ "$body" -ge 16 ] || fail "the window stayed blank for 40 s ($body colours below its menu)"
	kill -TERM $app; wait $app 2>/dev/null || true

	items() { secret-tool search --all service tokenwarden 2>/dev/null | grep "^secret = " | sort | sha256sum; }
	tree() { (cd "$data" && find . -type f ! -path "./locks/*" -exec sha256sum {} + | sort); }
	before_items=$(items); before_tree=$(tree)
	[ -n "$before_tree" ] || fail "the data folder is empty"
	dpkg -r tokenwarden >"$OUT/dpkg-r.log" 2>&1 || fail "dpkg -r failed"
	removed=1
	[ ! -e /usr/bin/tokenwarden ] || fail "/usr/bin/tokenwarden is still there"
	[ ! -e /usr/share/applications/tokenwarden.desktop ] || fail "the desktop file is still there"
	[ "$(tree)" = "$before_tree" ] || fail "dpkg -r changed the data folder"
	[ "$(items)" = "$before_items" ] || fail "dpkg -r changed the keychain items"
	n=$(secret-tool search --all service tokenwarden 2>/dev/null | grep -c "^secret = ")
	echo "deb: removed; the data folder ($(echo "$before_tree" | wc -l) files) and $n keychain items are untouched"
'
echo "deb: window screenshot $OUT/deb-window.png ($(identify -format %k "$OUT/deb-window.png") colours)"
echo "deb: ok"
