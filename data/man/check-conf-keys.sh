#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every key of cellsd.conf that cellsd reads (cells-settings.c) is in the
# shipped cellsd.conf and in cellsd.conf(5), and neither names a key that
# cellsd does not read. Prints the keys as "[Group] Key".
set -u
settings=$1 conf=$2 page=$3

dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT

# g_key_file_get_*/has_key (kf, "Group", "Key" ...), the [Images]
# numbers read through load_limit (kf, "Key", ...) and the [Switcher]
# names read through load_name (kf, "Key", ...).
tr '\n' ' ' <"$settings" |
	grep -o 'g_key_file_[a-z_]* *(kf, *"[A-Za-z]*", *"[A-Za-z]*"' |
	sed 's/.*"\([A-Za-z]*\)", *"\([A-Za-z]*\)"$/[\1] \2/' >"$dir/code"
grep -o 'load_limit (kf, "[A-Za-z]*"' "$settings" |
	sed 's/.*"\([A-Za-z]*\)"$/[Images] \1/' >>"$dir/code"
grep -o 'load_name (kf, "[A-Za-z]*"' "$settings" |
	sed 's/.*"\([A-Za-z]*\)"$/[Switcher] \1/' >>"$dir/code"
sort -u -o "$dir/code" "$dir/code"

awk '/^\[[A-Za-z]*\]$/ { group = $0; next }
	/^#?[A-Za-z]+=/ { sub(/^#/, ""); sub(/=.*/, ""); print group " " $0 }' "$conf" |
	sort -u >"$dir/conf"

awk '/^# / { group = "" }
	/^## \[[A-Za-z]*\]$/ { group = $2; next }
	group != "" && /^\*[A-Za-z]+=\*/ { key = $0; sub(/^\*/, "", key); sub(/=.*/, "", key);
		print group " " key }' "$page" |
	sort -u >"$dir/page"

if [ ! -s "$dir/code" ]; then
	echo "found no keys in $settings: the way it reads them changed, change this test too"
	exit 1
fi
status=0
for other in conf page; do
	case $other in conf) name=$conf ;; page) name=$page ;; esac
	comm -23 "$dir/code" "$dir/$other" | sed "s|^|$name does not describe |"
	comm -13 "$dir/code" "$dir/$other" | sed "s|^|$name names a key cellsd does not read: |"
	cmp -s "$dir/code" "$dir/$other" || status=1
done
sed 's/^/ok: /' "$dir/code"
exit $status
