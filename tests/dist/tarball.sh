#!/usr/bin/env bash
# Installs the portable tarball for one user (a throwaway HOME) with its
# install.sh, checks the binary, menu entry, icon and link handler, then
# uninstalls it again.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIST=${DIST_DIR:-$ROOT/dist}
fail() { echo "tarball: FAIL: $*" >&2; exit 1; }
shopt -s nullglob
tars=("$DIST"/tokenwarden-*-linux-amd64.tar.gz)
[ ${#tars[@]} = 1 ] || fail "want one tarball in $DIST (make dist)"
name=$(basename "${tars[0]}" .tar.gz)
version=${name#tokenwarden-}
version=${version%-linux-amd64}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tokenwarden-tarball.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/home"
tar -C "$TMP" -xzf "${tars[0]}"
# As a user, not root: install.sh then picks ~/.local.
as_user=()
if [ "$(id -u)" = 0 ]; then as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups); fi
chown -R 65534:65534 "$TMP" 2>/dev/null || true
run() { env -i PATH=/usr/bin:/bin HOME="$TMP/home" XDG_DATA_HOME="$TMP/home/.local/share" XDG_CONFIG_HOME="$TMP/home/.config" "${as_user[@]}" "$@"; }
run "$TMP/$name/install.sh" >"$TMP/install.log" || { cat "$TMP/install.log" >&2; fail "install.sh failed"; }
bin=$TMP/home/.local/bin/tokenwarden
[ "$(run "$bin" version)" = "tokenwarden $version" ] || fail "installed binary says $(run "$bin" version)"
desktop=$TMP/home/.local/share/applications/tokenwarden.desktop
grep -qxF "Exec=\"$bin\" %u" "$desktop" || fail "menu entry runs $(grep ^Exec "$desktop")"
[ -f "$TMP/home/.local/share/icons/hicolor/256x256/apps/tokenwarden.png" ] || fail "no icon"
handler=$(run xdg-mime query default x-scheme-handler/tokenwarden)
[ "$handler" = tokenwarden.desktop ] || fail "tokenwarden:// opens with \"$handler\""
echo "tarball: installed $version for one user; tokenwarden:// opens with $handler"
run "$TMP/$name/install.sh" --uninstall >/dev/null
[ ! -e "$bin" ] && [ ! -e "$desktop" ] || fail "uninstall left files behind"
echo "tarball: ok"
