#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The include rule of daemon/ and switcher-ui/ (HACKING.md): which folder's code may
# include which folder's headers. A quoted include is looked up among the
# project's own headers; one from a folder the rule does not allow fails.
set -u

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top/daemon" || exit 1

# folder: the folders its code may include (besides itself)
allowed() {
	case "$1" in
	common) echo "common" ;;
	cellsd/seat | cellsd/network) echo "common" ;;
	cellsd/telephony) echo "common cellsd" ;;
	cellsd) echo "common cellsd/network cellsd/seat cellsd/telephony" ;;
	vmodem | cellsctl) echo "common" ;;
	lxc-start) echo "" ;;
	*) echo "" ;;
	esac
}

status=0
for src in $(find . -name '*.[ch]' | sed 's|^\./||' | sort); do
	folder=$(dirname "$src")
	ok="$folder $(allowed "$folder")"
	for header in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$src"); do
		where=$(find . -name "$header" | sed 's|^\./||' | head -1)
		# Generated (cells-dbus.h) or the build's (cells-config.h): not a folder's.
		[ -n "$where" ] || continue
		from=$(dirname "$where")
		case " $ok " in
		*" $from "*) ;;
		*)
			echo "daemon/$src includes $header from daemon/$from, which daemon/$folder may not"
			status=1
			;;
		esac
	done
done

# The switcher includes its own headers and the generated D-Bus code only:
# nothing of cellsd's, nothing of the code that runs in cells.
cd "$top/switcher-ui" || exit 1
for src in $(find . -name '*.[ch]' | sed 's|^\./||' | sort); do
	for header in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$src"); do
		[ "$header" = cells-dbus.h ] && continue
		[ -f "$header" ] && continue
		echo "switcher-ui/$src includes $header, which is not the switcher's own nor cells-dbus.h"
		status=1
	done
done
[ $status = 0 ] && echo "includes: every folder of daemon/ and switcher-ui/ keeps the include rule"
exit $status
