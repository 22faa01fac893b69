/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The image importer's verdict on a line of tar's listing (the names and
 * sizes come from the archive). The first byte chooses:
 *
 * - even: the rest is the line as it is. An entry let through fits the
 *   limit, its name lies in the line, and neither it nor a hard link's
 *   target has a ".." component.
 * - odd: the rest makes an entry (its type, a size, a name) that is
 *   written as GNU tar lists it; the verdict must give back that type,
 *   size and name, and must refuse it exactly when the name leads out or
 *   the size is past the limit.
 */
#include "cells-image.h"

#include <glib.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT (G_GUINT64_CONSTANT (1) << 32)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* An independent reading: a ".." between slashes. */
static gboolean
has_dotdot (const char *name, gsize n)
{
  g_autofree char *copy = g_strndup (name, n);
  g_auto(GStrv) parts = g_strsplit (copy, "/", -1);

  return g_strv_contains ((const char *const *) parts, "..");
}

static void
check_raw (const char *line)
{
  CellsImageEntry e;
  CellsImageVerdict v = cells_image_check_entry (line, LIMIT, &e);
  gsize len = strlen (line);

  if (v == CELLS_IMAGE_ENTRY_TOO_LARGE && e.size <= LIMIT)
    abort ();
  if (v != CELLS_IMAGE_ENTRY_OK)
    return;
  if (e.size > LIMIT || e.name < line || e.name_length == 0 ||
      e.name + e.name_length > line + len || has_dotdot (e.name, e.name_length))
    abort ();
  if (e.type == 'h') {
    const char *target = strstr (e.name + e.name_length, " link to ");

    if (target == NULL || has_dotdot (target + 9, strlen (target + 9)))
      abort ();
  }
}

static void
check_made (const uint8_t *data, size_t size)
{
  static const char types[] = "-dpcbS";
  g_autofree char *line = NULL;
  g_autofree char *name = NULL;
  guint64 entry_size = 0;
  CellsImageEntry e;
  CellsImageVerdict v, expected;
  char type;

  if (size < 9)
    return;
  type = types[data[0] % (sizeof types - 1)];
  memcpy (&entry_size, data + 1, sizeof entry_size);
  entry_size >>= data[0] >> 3;
  /* Names as tar's escape quoting writes them: no newline, no NUL. */
  name = g_strndup ((const char *) data + 9, size - 9);
  g_strdelimit (name, "\n", '_');
  if (type == 'c' || type == 'b')
    line = g_strdup_printf ("%crwsrw-rw-  0/0 %6u,%u 2026-12-02 06:25 %s", type, data[1], data[2],
                            name);
  else
    line = g_strdup_printf ("%crwsr-xr-x  0/0 %15" G_GUINT64_FORMAT " 2026-12-02 06:25 %s", type,
                            entry_size, name);
  if (type == 'c' || type == 'b')
    entry_size = 0;
  v = cells_image_check_entry (line, LIMIT, &e);
  expected = *name == '\0' ? CELLS_IMAGE_ENTRY_UNREADABLE :
             has_dotdot (name, strlen (name)) ? CELLS_IMAGE_ENTRY_TRAVERSAL :
             entry_size > LIMIT ? CELLS_IMAGE_ENTRY_TOO_LARGE : CELLS_IMAGE_ENTRY_OK;
  if (v != expected) {
    g_printerr ("“%s”: verdict %d, not %d\n", line, v, expected);
    abort ();
  }
  if (v == CELLS_IMAGE_ENTRY_OK &&
      (e.type != type || e.size != entry_size || !e.setid || e.name_length != strlen (name) ||
       memcmp (e.name, name, e.name_length) != 0))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *line = NULL;

  if (size == 0)
    return 0;
  if (data[0] & 1) {
    check_made (data + 1, size - 1);
    return 0;
  }
  line = g_strndup ((const char *) data + 1, size - 1);
  check_raw (line);
  return 0;
}
