/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-idmap"

#include "cells-idmap.h"
#include "cells-definition.h"
#include "cells-errors.h"

#include <stdlib.h>

/**
 * SECTION:cells-idmap
 *
 * Each cell maps root inside to its own block of 65536 host ids, taken
 * from root's subordinate ranges in /etc/subuid and /etc/subgid.
 */

static gboolean
parse_u32 (const char *s, guint32 *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT32, &v, NULL))
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

/**
 * cells_idmap_parse:
 * @contents: the text of a subuid or subgid file
 * @user: the user name whose ranges are wanted
 * @uid: the same user's numeric id (lines may name either)
 *
 * Returns: (transfer full): the #CellsIdRange s of @user, in file order;
 * malformed lines are skipped.
 */
GArray *
cells_idmap_parse (const char *contents, const char *user, guint32 uid)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (CellsIdRange));
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autofree char *uid_str = g_strdup_printf ("%u", uid);

  for (guint i = 0; lines[i] != NULL; i++) {
    g_auto(GStrv) f = g_strsplit (g_strstrip (lines[i]), ":", -1);
    CellsIdRange r;

    if (g_strv_length (f) != 3 || f[0][0] == '#')
      continue;
    if (!g_str_equal (f[0], user) && !g_str_equal (f[0], uid_str))
      continue;
    if (!parse_u32 (f[1], &r.start) || !parse_u32 (f[2], &r.count) || r.count == 0)
      continue;
    /* Never hand a cell the host's own root. */
    if (r.start == 0)
      continue;
    if ((guint64) r.start + r.count > (guint64) G_MAXUINT32 + 1)
      continue;
    g_array_append_val (ranges, r);
  }
  return g_steal_pointer (&ranges);
}

static gboolean
overlaps_used (guint32 base, guint32 block, const guint32 *used, guint n_used)
{
  for (guint i = 0; i < n_used; i++) {
    if ((guint64) base < (guint64) used[i] + block &&
        (guint64) used[i] < (guint64) base + block)
      return TRUE;
  }
  return FALSE;
}

/**
 * cells_idmap_allocate:
 *
 * Finds the lowest block of @block ids inside one of @ranges that overlaps
 * none of the blocks starting at @used.
 */
gboolean
cells_idmap_allocate (GArray *ranges, const guint32 *used, guint n_used,
                      guint32 block, guint32 *out_base)
{
  for (guint i = 0; i < ranges->len; i++) {
    CellsIdRange *r = &g_array_index (ranges, CellsIdRange, i);
    guint64 end = (guint64) r->start + r->count;

    for (guint64 base = r->start; base + block <= end; base += block) {
      if (!overlaps_used ((guint32) base, block, used, n_used)) {
        *out_base = (guint32) base;
        return TRUE;
      }
    }
  }
  return FALSE;
}

/**
 * cells_idmap_pick:
 * @subid_file: /etc/subuid or /etc/subgid
 *
 * Picks a free block of ids for a new cell from root's ranges.
 */
gboolean
cells_idmap_pick (const char *subid_file, const guint32 *used, guint n_used,
                  guint32 *out_base, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents (subid_file, &contents, NULL, &local)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "Cannot read %s (%s): cells need subordinate ids for root; "
                 "add a line such as “root:1000000:1000000000”.",
                 subid_file, local->message);
    return FALSE;
  }
  ranges = cells_idmap_parse (contents, "root", 0);
  if (ranges->len == 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "%s gives root no subordinate ids; add a line such as "
                 "“root:1000000:1000000000”.", subid_file);
    return FALSE;
  }
  if (!cells_idmap_allocate (ranges, used, n_used, CELLS_IDS_PER_CELL, out_base)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "Root's subordinate ids in %s are all taken by other cells; "
                 "give root a larger range.", subid_file);
    return FALSE;
  }
  return TRUE;
}
