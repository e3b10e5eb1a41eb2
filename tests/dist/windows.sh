#!/usr/bin/env bash
# Checks the Windows installer in dist/: what it holds (7z), the version in
# the app, and signing. The signing test makes a throwaway self-signed code
# signing certificate with openssl, rebuilds the installer with it (scripts/dist
# with WINDOWS_SIGN_CERT/KEY; fast once make dist has filled the Go cache) and
# verifies the installer, the app and the uninstaller inside with osslsigncode;
# a changed byte must then fail verification.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIST=${DIST_DIR:-$ROOT/dist}
fail() { echo "windows: FAIL: $*" >&2; exit 1; }
for tool in 7z osslsigncode openssl makensis; do
	command -v "$tool" >/dev/null || fail "$tool not found (apt-get install p7zip-full osslsigncode openssl nsis)"
done
shopt -s nullglob
exes=("$DIST"/tokenwarden-*-windows-amd64-setup.exe)
[ ${#exes[@]} = 1 ] || fail "want one installer in $DIST (make dist)"
SETUP=${exes[0]}
VERSION=$(basename "$SETUP" -windows-amd64-setup.exe)
VERSION=${VERSION#tokenwarden-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tokenwarden-windows.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# What the installer holds.
7z l -slt "$SETUP" >"$TMP/list.txt" || fail "7z cannot read $SETUP"
grep -q "^Type = Nsis" "$TMP/list.txt" || fail "not an NSIS installer"
for want in tokenwarden.exe uninstall.exe '$PLUGINSDIR/webview2bootstrapper/MicrosoftEdgeWebview2Setup.exe'; do
	grep -qxF "Path = $want" "$TMP/list.txt" || fail "the installer does not hold $want"
done
echo "windows: $(basename "$SETUP") holds: $(sed -n 's/^Path = //p' "$TMP/list.txt" | grep -vE '\.(dll|ini|bmp)$' | tail -n +2 | tr '\n' ' ')"
7z x -o"$TMP/x" "$SETUP" tokenwarden.exe >/dev/null
head -c 2 "$TMP/x/tokenwarden.exe" | grep -q MZ || fail "tokenwarden.exe is not a Windows executable"
grep -aqF "$VERSION" "$TMP/x/tokenwarden.exe" || fail "tokenwarden.exe does not carry the version $VERSION"
echo "windows: tokenwarden.exe carries version $VERSION"

# Signing with a throwaway certificate.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=Tokenwarden test signing" \
	-addext "extendedKeyUsage=codeSigning" -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
echo "windows: building a signed installer"
WINDOWS_SIGN_CERT=$TMP/cert.pem WINDOWS_SIGN_KEY=$TMP/key.pem DIST_TARGETS=windows DIST_DIR=$TMP/signed VERSION=$VERSION \
	"$ROOT/scripts/dist" >"$TMP/dist.log" 2>&1 || { cat "$TMP/dist.log" >&2; fail "signed build failed"; }
signed=$TMP/signed/$(basename "$SETUP")
7z x -o"$TMP/s" "$signed" tokenwarden.exe uninstall.exe >/dev/null
for f in "$signed" "$TMP/s/tokenwarden.exe" "$TMP/s/uninstall.exe"; do
	osslsigncode verify -CAfile "$TMP/cert.pem" -in "$f" >"$TMP/verify.txt" 2>&1 || { cat "$TMP/verify.txt" >&2; fail "$(basename "$f") does not verify"; }
	grep -q "Tokenwarden test signing" "$TMP/verify.txt" || fail "$(basename "$f") is not signed by the test certificate"
done
echo "windows: the installer, tokenwarden.exe and uninstall.exe verify against the test certificate"
(cd "$TMP/signed" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS of the signed build does not match"
# The unsigned installer has no signature, and a changed byte breaks one.
if osslsigncode verify -in "$SETUP" >/dev/null 2>&1; then fail "the unsigned installer verifies"; fi
cp "$signed" "$TMP/tampered.exe"
size=$(stat -c %s "$TMP/tampered.exe")
byte=$(dd if="$TMP/tampered.exe" bs=1 skip=$((size / 2)) count=1 status=none | od -An -tu1 | tr -d ' ')
printf "\\x$(printf %02x $(((byte + 1) % 256)))" | dd of="$TMP/tampered.exe" bs=1 seek=$((size / 2)) conv=notrunc status=none
cmp -s "$signed" "$TMP/tampered.exe" && fail "could not change a byte"
if osslsigncode verify -CAfile "$TMP/cert.pem" -in "$TMP/tampered.exe" >/dev/null 2>&1; then fail "a tampered installer verifies"; fi
echo "windows: a changed byte fails verification"
echo "windows: ok"
