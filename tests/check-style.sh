#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The project's own files follow .editorconfig and carry an SPDX line:
# no trailing white space, a final newline, spaces (not tabs) in C, XML and
# meson files, C lines of at most 100 characters, and
# SPDX-License-Identifier near the top of every source.
set -u

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files --cached --others --exclude-standard)
else
	files=$(find . -type f ! -path './.git/*' ! -path './_build/*' | sed 's|^\./||')
fi

status=0
complain() {
	echo "$1: $2"
	status=1
}

for f in $files; do
	[ -f "$f" ] || continue
	case "$f" in
	COPYING | po/*.po | *.png | *.svg | kernel/patches/*.patch) continue ;;   # patches: checkpatch.pl
	esac
	if [ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
		complain "$f" "no newline at the end"
	fi
	case "$f" in
	*.md) ;;
	*)
		grep -n '[[:blank:]]$' "$f" | head -3 | while IFS=: read -r line _; do
			echo "$f:$line: trailing white space"
		done
		grep -q '[[:blank:]]$' "$f" && status=1
		;;
	esac
	case "$f" in
	*.c | *.h | *.xml | *.xml.in | *.policy.in | */meson.build | meson.build | *.conf | *.its | *.loc)
		if grep -n "$(printf '\t')" "$f" | head -3 | grep -q .; then
			complain "$f" "tab characters (indent with spaces)"
		fi
		;;
	esac
	case "$f" in
	*.c | *.h)
		# .editorconfig: max_line_length = 100 (characters, not bytes).
		long=$(python3 -c 'import sys
long = [n for n, l in enumerate(open(sys.argv[1], encoding="utf-8"), 1) if len(l.rstrip("\n")) > 100]
print(" ".join(map(str, long[:3])))' "$f")
		for line in $long; do
			complain "$f:$line" "longer than 100 characters"
		done
		;;
	esac
	case "$f" in
	*.md | .gitignore | po/LINGUAS | po/POTFILES.in) ;;
	*)
		head -n 5 "$f" | grep -q 'SPDX-License-Identifier: GPL-3.0-or-later' ||
			complain "$f" "no SPDX-License-Identifier line in its first lines"
		;;
	esac
done

[ $status = 0 ] && echo "style: all files follow .editorconfig and carry an SPDX line"
exit $status
