#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets up the machine, builds cells and runs every test suite. Fails when
# any test fails or is skipped: on a machine set up by setup-host.sh
# nothing has a reason to skip.
set -eu

# Cells are containers: the work needs root.
if [ "$(id -u)" != 0 ]; then
	exec sudo "$0" "$@"
fi

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/_build}

"$top/tests/setup-host.sh"
# The phone images the session tests run (Debian 13 with phosh, Debian 12
# with sway, from Debian's archive): built once per machine and recipe,
# about a minute and a half for both.
images=${CELLS_IMAGE_CACHE:-/var/tmp/cells-images}
for image in phosh:trixie sway:bookworm; do
	echo "run-all: the ${image%:*} image of ${image#*:} in $images"
	sh "$top/tests/cells-session.sh" debian-image "$images" "${image%:*}" "${image#*:}" >/dev/null
done

# Linux 7.3's source, the newest in Debian's archive, for the kernel
# tier's rebased series: downloaded once per machine (170 MB).
echo "run-all: linux-source-7.3 in ${CELLS_KERNEL_WORK:-/var/tmp/cells-kernel}"
sh "$top/tests/kernel/newer-kernel.sh" fetch >/dev/null

# The Debian 12 arm64 sysroot of the aarch64 cross build (unpacked, not
# installed): once per machine and recipe, about 45 s.
echo "run-all: the arm64 sysroot in ${CELLS_ARM64_CACHE:-/var/tmp/cells-arm64}"
sh "$top/tests/platform/cross-aarch64.sh" sysroot "${CELLS_ARM64_CACHE:-/var/tmp/cells-arm64}" >/dev/null

if [ -d "$build" ]; then
	meson setup --reconfigure "$build" "$top" >/dev/null
else
	meson setup "$build" "$top"
fi
ninja -C "$build"

status=0
meson test -C "$build" --print-errorlogs --num-processes 1 "$@" || status=$?

summary=$(sed -n '/^Ok:/,/^Timeout:/p' "$build/meson-logs/testlog.txt")
echo "$summary"
ok=$(echo "$summary" | awk '/^Ok:/ {print $2}')
failed=$(echo "$summary" | awk '/^Fail:/ {print $2}')
# meson counts a TAP test with some subtests skipped as passed: the JUnit
# log names every skipped test and subtest.
# Tests' output lands in it as it is: control characters (a guest's
# console) are not XML, and are taken out before it is read.
skips=$(python3 - "$build/meson-logs/testlog.junit.xml" <<'PY'
import re
import sys
import xml.etree.ElementTree as et

data = open(sys.argv[1], "rb").read()
data = re.sub(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", b"", data)
for case in et.fromstring(data).iter("testcase"):
    if case.find("skipped") is not None:
        print(case.get("classname"), case.get("name"))
PY
) || {
	echo "run-all: could not read $build/meson-logs/testlog.junit.xml for skipped tests" >&2
	skips="(unknown)"
	status=1
}
skipped=$(printf '%s' "$skips" | grep -c . || true)

# The whole run (no tests named): the unit and integration suites once
# more, built with AddressSanitizer and UndefinedBehaviorSanitizer (cellsd,
# cellsctl and the helpers included); a finding ends the process and fails
# the run. CELLS_SANITIZERS=0 leaves them out.
if [ $# = 0 ] && [ "${CELLS_SANITIZERS:-1}" != 0 ]; then
	san="$build-sanitizers"
	if [ -d "$san" ]; then
		meson setup --reconfigure "$san" "$top" >/dev/null
	else
		meson setup "$san" "$top" -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	fi
	ninja -C "$san"
	for selection in "--suite unit" "test-integration"; do
		# shellcheck disable=SC2086
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			meson test -C "$san" --print-errorlogs --num-processes 1 $selection || status=1
		san_ok=$(awk '/^Ok:/ {print $2}' "$san/meson-logs/testlog.txt")
		san_failed=$(awk '/^Fail:/ {print $2}' "$san/meson-logs/testlog.txt")
		san_skipped=$(awk '/^Skipped:/ {print $2}' "$san/meson-logs/testlog.txt")
		echo "sanitizers ($selection): $san_ok passed, $san_failed failed, $san_skipped skipped"
		[ "${san_skipped:-0}" = 0 ] || status=1
		ok=$((ok + san_ok))
		failed=$((failed + san_failed))
	done
fi
# The whole run: each fuzz target for a few seconds from its seeds, from a
# build whose compiler is clang (libFuzzer); a finding fails the run.
# CELLS_FUZZ=0 leaves them out.
if [ $# = 0 ] && [ "${CELLS_FUZZ:-1}" != 0 ]; then
	fuzz="$build-fuzz"
	if [ -d "$fuzz" ]; then
		meson setup --reconfigure "$fuzz" "$top" >/dev/null
	else
		CC=clang meson setup "$fuzz" "$top" >/dev/null
	fi
	ninja -C "$fuzz"
	meson test -C "$fuzz" --print-errorlogs --num-processes 1 --suite fuzz || status=1
	fuzz_ok=$(awk '/^Ok:/ {print $2}' "$fuzz/meson-logs/testlog.txt")
	fuzz_failed=$(awk '/^Fail:/ {print $2}' "$fuzz/meson-logs/testlog.txt")
	fuzz_skipped=$(awk '/^Skipped:/ {print $2}' "$fuzz/meson-logs/testlog.txt")
	echo "fuzz: $fuzz_ok passed, $fuzz_failed failed, $fuzz_skipped skipped"
	awk '/^test:/ {t = $NF} /^Done [0-9]+ runs/ {print "  " t ": " $2 " runs in " $5 " s"}' \
		"$fuzz/meson-logs/testlog.txt"
	[ "${fuzz_ok:-0}" != 0 ] && [ "${fuzz_skipped:-0}" = 0 ] || status=1
	ok=$((ok + fuzz_ok))
	failed=$((failed + fuzz_failed))
fi
echo "$ok passed, $failed failed, $skipped skipped"
if [ "$skipped" != 0 ]; then
	echo "run-all: $skipped test(s) skipped; every test must run here:" >&2
	echo "$skips" >&2
	grep -B2 -A8 'SKIP' "$build/meson-logs/testlog.txt" | head -40 >&2 || true
	status=1
fi
exit $status
