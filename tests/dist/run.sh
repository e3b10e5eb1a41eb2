#!/usr/bin/env bash
# The packaging tests, on the artefacts "make dist" left in dist/ and the
# binary it built: the .deb installed with dpkg, the portable tarball, the
# Windows installer and its signing, and a data set moved between two
# keychains with backup and restore. Needs root (dpkg) and a prior make dist.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rc=0
for t in deb tarball windows move; do
	echo "=== tests/dist/$t.sh"
	bash "$here/$t.sh" || rc=1
done
exit $rc
