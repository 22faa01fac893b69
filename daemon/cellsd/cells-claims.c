/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-claims"

#include "cells-claims.h"

/**
 * SECTION:cells-claims
 *
 * Which cell holds which device node, for the classes that are claimed
 * rather than handed over by the switch (audio, camera, modem…): a cell's
 * seat claims what its clients open, and a SIP call claims the
 * microphone while its audio runs. The manager owns the one table and
 * gives it to both.
 */

/* Who holds one node. */
typedef struct {
  GHashTable *holders;     /* cell name → count */
  char       *exclusive;   /* the cell holding it exclusively, or NULL */
} Claim;

struct _CellsClaims {
  GHashTable *nodes;       /* path → Claim */
};

static void
claim_free (Claim *c)
{
  g_hash_table_unref (c->holders);
  g_free (c->exclusive);
  g_free (c);
}

CellsClaims *
cells_claims_new (void)
{
  CellsClaims *self = g_new0 (CellsClaims, 1);

  self->nodes =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) claim_free);
  return self;
}

void
cells_claims_free (CellsClaims *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->nodes);
  g_free (self);
}

/**
 * cells_claims_take:
 * @holder: the cell that opens @path
 * @exclusive: whether it holds the class exclusively
 *
 * Records that @holder opened @path, unless another cell holds it so that
 * this is not allowed (either side exclusive).
 *
 * Returns: %NULL when claimed, else the name of a cell in the way.
 */
const char *
cells_claims_take (CellsClaims *self, const char *path, const char *holder, gboolean exclusive)
{
  Claim *c = g_hash_table_lookup (self->nodes, path);
  GHashTableIter iter;
  const char *other;
  guint n;

  if (c == NULL) {
    c = g_new0 (Claim, 1);
    c->holders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_insert (self->nodes, g_strdup (path), c);
  }
  if (c->exclusive != NULL && !g_str_equal (c->exclusive, holder))
    return c->exclusive;
  g_hash_table_iter_init (&iter, c->holders);
  while (exclusive && g_hash_table_iter_next (&iter, (gpointer *) &other, NULL)) {
    if (!g_str_equal (other, holder))
      return other;
  }
  n = GPOINTER_TO_UINT (g_hash_table_lookup (c->holders, holder));
  g_hash_table_insert (c->holders, g_strdup (holder), GUINT_TO_POINTER (n + 1));
  if (exclusive && c->exclusive == NULL)
    c->exclusive = g_strdup (holder);
  return NULL;
}

/**
 * cells_claims_release:
 *
 * @holder closed @path once.
 */
void
cells_claims_release (CellsClaims *self, const char *path, const char *holder)
{
  Claim *c = g_hash_table_lookup (self->nodes, path);
  guint n;

  if (c == NULL)
    return;
  n = GPOINTER_TO_UINT (g_hash_table_lookup (c->holders, holder));
  if (n > 1) {
    g_hash_table_insert (c->holders, g_strdup (holder), GUINT_TO_POINTER (n - 1));
    return;
  }
  g_hash_table_remove (c->holders, holder);
  if (g_strcmp0 (c->exclusive, holder) == 0)
    g_clear_pointer (&c->exclusive, g_free);
  if (g_hash_table_size (c->holders) == 0)
    g_hash_table_remove (self->nodes, path);
}
