# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=sh
# Sourced by the scripts that keep caches in /var/tmp (phone images, the
# kernel builds, the arm64 sysroot).
#
# own_dir DIR [MODE]
#   DIR is in /var/tmp, where anyone may make it first: made with MODE
#   (default 0700) when missing, it is used only if it is a directory of
#   this user's, no symlink, that no one else may write to.
own_dir() {
	# shellcheck disable=SC2174 # MODE is for DIR, its parents are there
	[ -e "$1" ] || [ -L "$1" ] || mkdir -p -m "${2:-0700}" "$1" || return 1
	[ ! -L "$1" ] && [ -d "$1" ] && [ -O "$1" ] &&
		[ -z "$(find "$1" -maxdepth 0 -perm /022)" ]
}
