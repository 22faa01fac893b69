/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CellsCalls CellsCalls;

guint        cells_call_id_new        (void);

CellsCalls  *cells_calls_new          (void);
void         cells_calls_free         (CellsCalls  *self);
const char  *cells_calls_get_owner    (CellsCalls  *self,
                                       guint        id);
gboolean     cells_calls_is_owner     (CellsCalls  *self,
                                       guint        id,
                                       const char  *cell);
void         cells_calls_set_owner    (CellsCalls  *self,
                                       guint        id,
                                       const char  *cell);
void         cells_calls_forget       (CellsCalls  *self,
                                       guint        id);
guint        cells_calls_count        (CellsCalls  *self,
                                       const char  *cell);
GArray      *cells_calls_of           (CellsCalls  *self,
                                       const char  *cell);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CellsCalls, cells_calls_free)

G_END_DECLS
