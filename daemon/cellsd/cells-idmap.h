/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint32 start;
  guint32 count;
} CellsIdRange;

GArray  *cells_idmap_parse     (const char    *contents,
                                const char    *user,
                                guint32        uid);
gboolean cells_idmap_allocate  (GArray        *ranges,
                                const guint32 *used,
                                guint          n_used,
                                guint32        block,
                                guint32       *out_base);
gboolean cells_idmap_pick      (const char    *subid_file,
                                const guint32 *used,
                                guint          n_used,
                                guint32       *out_base,
                                GError       **error);

G_END_DECLS
