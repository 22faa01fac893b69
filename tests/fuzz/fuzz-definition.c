/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The cell definition loader against any cell.conf: what it loads is a
 * definition every check holds for, so it is written out and read back
 * to the very same file.
 */
#include "cells-definition.h"
#include "cells-errors.h"
#include "fuzz-stored.h"

#include <glib.h>

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDefinition) def = cells_definition_from_data ("fuzz", text, &error);

  if (def == NULL) {
    /* Only logged: GKeyFile's messages quote the file as it is. */
    if (error == NULL)
      abort ();
    return 0;
  }
  fuzz_check_stored (def);
  return 0;
}
