/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* On the main loop: what the cell uses moved by a step, or its ceiling
 * was put on (@squeezed) or taken off. */
typedef void (*CellsMemoryChanged) (gpointer data, guint64 current, gboolean squeezed);

typedef struct _CellsMemory CellsMemory;

CellsMemory *cells_memory_new         (const char          *lxcpath,
                                       const char          *name,
                                       gboolean             cgroup2,
                                       CellsMemoryChanged   changed,
                                       gpointer             data);
void         cells_memory_free        (CellsMemory         *self);
void         cells_memory_set_ceiling (CellsMemory         *self,
                                       guint64              bytes);

G_END_DECLS
