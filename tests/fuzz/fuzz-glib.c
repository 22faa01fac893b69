/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the targets on GLib share: a critical (a failed precondition) or
 * a warning of our own code ends the run as a finding, with SIGABRT so
 * that libFuzzer keeps the input (GLib's own fatal logs raise SIGTRAP).
 * GLib's warnings are only logged: GKeyFile of GLib 2.74 warns of a
 * GError it sets twice on a value with a bad escape and a backslash at
 * its end ("Image=\x\"), whoever reads it.
 */
#include <glib.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);

static GLogWriterOutput
writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *domain = "";

  for (gsize i = 0; i < n_fields; i++) {
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
      domain = fields[i].value;
  }
  g_log_writer_standard_streams (level, fields, n_fields, user_data);
  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) ||
      ((level & G_LOG_LEVEL_WARNING) && strncmp (domain, "cells", 5) == 0))
    abort ();
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (writer, NULL, NULL);
  return 0;
}
