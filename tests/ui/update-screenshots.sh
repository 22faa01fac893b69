#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes the screenshots in data/screenshots/ anew: runs the UI test
# (test-switcher.py, as root) and keeps the main views it saw.
#
#   tests/ui/update-screenshots.sh [BUILD_DIR]
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/_build}
out=$(mktemp -d /tmp/cells-screenshots.XXXXXX)
trap 'rm -rf "$out"' EXIT

ninja -C "$build" >/dev/null
/usr/bin/python3 "$top/tests/ui/test-switcher.py" "$build" "$top" "$out"
for view in home ringing switching cell-page-devices cell-page-refused create not-running home-de; do
	cp "$out/$view.png" "$top/data/screenshots/$view.png"
done
echo "update-screenshots: data/screenshots/ made anew"
