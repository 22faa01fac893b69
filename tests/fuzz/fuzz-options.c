/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The options of CreateCell and Configure (the table of options in
 * cells-definition.c) against any a{sv} a caller may send. They are
 * applied all or nothing: a refusal is an InvalidArgument with a sentence
 * and leaves the definition as it was; what is accepted is a definition
 * that its cell.conf holds exactly (saved, loaded, saved the same).
 *
 * The first byte chooses: bit 0 whether the cell is being created, bit 1
 * whether the rest is the a{sv} in GVariant's text form (as in the seeds)
 * or serialised.
 */
#include "cells-definition.h"
#include "cells-errors.h"
#include "fuzz-stored.h"

#include <glib.h>

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static GVariant *
options_from (const uint8_t *data, size_t size, gboolean text)
{
  g_autofree char *copy = NULL;

  if (!text) {
    g_autoptr(GBytes) bytes = g_bytes_new (data, size);
    g_autoptr(GVariant) v =
        g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));

    /* What GDBus hands a handler: a value in normal form. */
    return g_variant_get_normal_form (v);
  }
  /* GDBus lets no string through that is not UTF-8; GLib's parser
   * complains of one. */
  copy = g_strndup ((const char *) data, size);
  if (!g_utf8_validate (copy, -1, NULL))
    return NULL;
  return g_variant_parse (G_VARIANT_TYPE_VARDICT, copy, NULL, NULL, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GVariant) options = NULL;
  g_autoptr(CellsDefinition) def = cells_definition_new ("fuzz");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gboolean creating;

  if (size == 0)
    return 0;
  creating = data[0] & 1;
  options = options_from (data + 1, size - 1, data[0] & 2);
  if (options == NULL)
    return 0;
  if (!creating)
    def->image = (g_free (def->image), g_strdup ("busybox"));
  before = cells_definition_to_data (def);
  if (!cells_definition_apply (def, options, creating, &error)) {
    after = cells_definition_to_data (def);
    if (!g_error_matches (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT) ||
        !g_utf8_validate (error->message, -1, NULL) || *error->message == '\0' ||
        !g_str_equal (before, after))
      abort ();
    return 0;
  }
  if (creating && *def->image == '\0')
    abort ();
  fuzz_check_stored (def);
  return 0;
}
