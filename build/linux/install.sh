#!/bin/sh
# Installs Tokenwarden from this portable tarball, for distributions without
# .deb packages. Per user into ~/.local by default; as root, or with
# PREFIX=/usr/local, for everyone:
#
#   ./install.sh                       # ~/.local/bin/tokenwarden
#   sudo PREFIX=/usr/local ./install.sh
#   ./install.sh --uninstall           # removes the program; data and keychain stay
#
# Needs GTK 3, WebKitGTK 4.1 and a Secret Service (GNOME Keyring, KeePassXC
# or KWallet) from your distribution.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${PREFIX:-}" ]; then
	if [ "$(id -u)" = 0 ]; then PREFIX=/usr/local; else PREFIX=$HOME/.local; fi
fi
bin=$PREFIX/bin/tokenwarden
apps=$PREFIX/share/applications
icons=$PREFIX/share/icons/hicolor
if [ "$PREFIX" = "$HOME/.local" ]; then
	apps=${XDG_DATA_HOME:-$HOME/.local/share}/applications
	icons=${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor
fi

refresh() {
	command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" 2>/dev/null || true
	command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$icons" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
	rm -f "$bin" "$bin-cli" "$apps/tokenwarden.desktop"
	for f in "$here"/share/icons/hicolor/*/apps/tokenwarden.png; do
		size=$(basename "$(dirname "$(dirname "$f")")")
		rm -f "$icons/$size/apps/tokenwarden.png"
	done
	refresh
	echo "Removed $bin. Your data folder and keychain items are kept."
	exit 0
fi

mkdir -p "$PREFIX/bin" "$apps"
install -m 0755 "$here/bin/tokenwarden" "$bin"
install -m 0755 "$here/bin/tokenwarden-cli" "$bin-cli"
sed "s|@EXEC@|\"$bin\"|" "$here/share/applications/tokenwarden.desktop" >"$apps/tokenwarden.desktop"
chmod 0644 "$apps/tokenwarden.desktop"
for f in "$here"/share/icons/hicolor/*/apps/tokenwarden.png; do
	size=$(basename "$(dirname "$(dirname "$f")")")
	mkdir -p "$icons/$size/apps"
	install -m 0644 "$f" "$icons/$size/apps/tokenwarden.png"
done
refresh
if [ "$(id -u)" != 0 ] && command -v xdg-mime >/dev/null 2>&1; then
	xdg-mime default tokenwarden.desktop x-scheme-handler/tokenwarden || true
fi
echo "Installed $bin ($("$bin" version)). tokenwarden:// links open Tokenwarden."
case ":$PATH:" in *":$PREFIX/bin:"*) ;; *) echo "Add $PREFIX/bin to your PATH to run tokenwarden from a terminal." ;; esac
