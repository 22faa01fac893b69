/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the definition and options targets ask of a definition they got:
 * that its cell.conf holds it exactly.
 */
#include "fuzz-stored.h"

#include <glib.h>

#include <stdlib.h>

void
fuzz_check_stored (const CellsDefinition *def)
{
  g_autofree char *saved = cells_definition_to_data (def);
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDefinition) back = cells_definition_from_data (def->name, saved, &error);
  g_autofree char *again = NULL;

  if (back == NULL) {
    g_printerr ("Saved, but not loaded again: %s\n%s", error->message, saved);
    abort ();
  }
  again = cells_definition_to_data (back);
  if (!g_str_equal (saved, again)) {
    g_printerr ("Not stored as it was:\n%s\n--\n%s", saved, again);
    abort ();
  }
}
