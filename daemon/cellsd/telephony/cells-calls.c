/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-calls"

#include "cells-calls.h"

/**
 * SECTION:cells-calls
 *
 * Calls and whose they are. Every call of every line (the SIM's and each
 * SIP account's) has an id from one series, so that a cell's virtual
 * modem and cellsd name it alike whichever line carries it. The table
 * maps a call to the cell it belongs to ("" for a SIM call that rings in
 * no cell); the router fills it, the lines ask it.
 */

struct _CellsCalls {
  GHashTable *owners;   /* id → cell name */
};

/**
 * cells_call_id_new:
 *
 * Returns: an id for a call, unique among the calls of every line
 */
guint
cells_call_id_new (void)
{
  static guint last;

  return ++last;
}

CellsCalls *
cells_calls_new (void)
{
  CellsCalls *self = g_new0 (CellsCalls, 1);

  self->owners = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  return self;
}

void
cells_calls_free (CellsCalls *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->owners);
  g_free (self);
}

/**
 * cells_calls_get_owner:
 *
 * Returns: (nullable): the cell of call @id, "" for none, %NULL for a
 * call not known
 */
const char *
cells_calls_get_owner (CellsCalls *self, guint id)
{
  return g_hash_table_lookup (self->owners, GUINT_TO_POINTER (id));
}

gboolean
cells_calls_is_owner (CellsCalls *self, guint id, const char *cell)
{
  return g_strcmp0 (cells_calls_get_owner (self, id), cell) == 0;
}

void
cells_calls_set_owner (CellsCalls *self, guint id, const char *cell)
{
  g_hash_table_insert (self->owners, GUINT_TO_POINTER (id), g_strdup (cell));
}

void
cells_calls_forget (CellsCalls *self, guint id)
{
  g_hash_table_remove (self->owners, GUINT_TO_POINTER (id));
}

guint
cells_calls_count (CellsCalls *self, const char *cell)
{
  g_autoptr(GArray) ids = cells_calls_of (self, cell);

  return ids->len;
}

/**
 * cells_calls_of:
 *
 * Returns: (transfer full): the ids (guint) of @cell's calls
 */
GArray *
cells_calls_of (CellsCalls *self, const char *cell)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint));
  GHashTableIter iter;
  gpointer id;
  const char *owner;

  g_hash_table_iter_init (&iter, self->owners);
  while (g_hash_table_iter_next (&iter, &id, (gpointer *) &owner)) {
    if (g_strcmp0 (owner, cell) == 0) {
      guint n = GPOINTER_TO_UINT (id);

      g_array_append_val (ids, n);
    }
  }
  return ids;
}
