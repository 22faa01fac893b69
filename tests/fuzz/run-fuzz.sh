#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A short run of one libFuzzer target, as the fuzz suite makes it:
#
#   run-fuzz.sh TARGET SEEDS WORK [LIBFUZZER-OPTION…]
#
# starts from the committed seeds (never written to), keeps what it finds
# in WORK/corpus and a crashing input in WORK/; CELLS_FUZZ_SECONDS (10)
# bounds the run. A crash, a leak, a timeout or an out-of-memory fails it.
set -eu

target=$1
seeds=$2
work=$3
shift 3

mkdir -p "$work/corpus"
# libFuzzer exits 77 (a skip to meson) on a finding unless told otherwise.
exec "$target" -max_total_time="${CELLS_FUZZ_SECONDS:-10}" -timeout=10 -rss_limit_mb=2048 \
	-error_exitcode=1 -timeout_exitcode=1 \
	-print_final_stats=1 -artifact_prefix="$work/" "$@" "$work/corpus" "$seeds"
