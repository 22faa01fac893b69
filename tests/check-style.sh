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
	# Not the project's: build directories (a meson-private/ in them) and
	# the debian/ a packager copies into an unpacked tarball.
	prune=$(find . -mindepth 1 -maxdepth 1 -type d \( -name debian -o -name .git \) -print)
	for d in $(find . -mindepth 1 -maxdepth 1 -type d); do
		[ -d "$d/meson-private" ] && prune="$prune $d"
	done
	files=$(find . -type f | sed 's|^\./||')
	for d in $prune; do
		files=$(echo "$files" | grep -v "^${d#./}/")
	done
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
	tests/fuzz/corpus/*) continue ;;   # fuzz seeds: inputs as they come, bytes and all
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
	*.md | .gitignore | po/LINGUAS | po/POTFILES.in) ;;
	# Debian's formats leave no place for the line.
	data/packaging/debian/changelog | data/packaging/debian/copyright | \
		data/packaging/debian/source/format) ;;
	*)
		head -n 5 "$f" | grep -q 'SPDX-License-Identifier: GPL-3.0-or-later' ||
			complain "$f" "no SPDX-License-Identifier line in its first lines"
		;;
	esac
done

# .editorconfig: max_line_length = 100 for C (characters, not bytes).
c_files=$(for f in $files; do case "$f" in *.c | *.h) [ -f "$f" ] && echo "$f" ;; esac; done)
# shellcheck disable=SC2086
python3 - $c_files <<'PY' || status=1
import sys
bad = False
for name in sys.argv[1:]:
    for n, line in enumerate(open(name, encoding="utf-8"), 1):
        if len(line.rstrip("\n")) > 100:
            print("%s:%d: longer than 100 characters" % (name, n))
            bad = True
sys.exit(1 if bad else 0)
PY

[ $status = 0 ] && echo "style: all files follow .editorconfig and carry an SPDX line"
exit $status
