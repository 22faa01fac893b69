/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the targets on GLib share: a critical or a warning (a failed
 * precondition, a broken invariant GLib saw) ends the run as a finding.
 */
#include <glib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}
