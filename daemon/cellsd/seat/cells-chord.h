/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CELLS_CHORD_MAX_KEYS 4
#define CELLS_CHORD_DEFAULT "KEY_POWER+KEY_VOLUMEUP"

typedef void (*CellsChordFunc) (gpointer data);

typedef struct _CellsChord CellsChord;

gboolean    cells_chord_parse    (const char      *text,
                                  guint16         *keys,
                                  guint           *n_keys,
                                  GError         **error);
CellsChord *cells_chord_new      (const char      *input_dir,
                                  const guint16   *keys,
                                  guint            n_keys,
                                  CellsChordFunc   func,
                                  gpointer         data);
void        cells_chord_free     (CellsChord      *chord);

G_END_DECLS
