/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-devices.h"

#include <glib.h>

G_BEGIN_DECLS

#define CELLS_CPU_WEIGHT_DEFAULT 100
#define CELLS_IDS_PER_CELL 65536

/**
 * CellsDefinition:
 *
 * What a cell is, as stored in `STATE_DIR/cells/NAME/cell.conf`.
 */
typedef struct {
  char     *name;
  char     *display_name;
  char     *color;
  char     *image;
  char    **init;
  gboolean  autostart;
  guint64   created_at;
  guint64   memory_max;
  guint64   pids_max;
  guint     cpu_weight;
  char     *stop_signal;
  char     *seat_dialect;
  char     *phone_line;     /* "" (none), "sim" or "sip" */
  char     *phone_number;   /* "" or +digits */
  char     *sip_registrar;  /* host[:port] */
  char     *sip_user;
  char     *sip_password;   /* only between Configure and cells_definition_save_secret */
  CellsAccess devices[CELLS_N_DEVICE_CLASSES];
  guint     uid_base;
  guint     gid_base;
} CellsDefinition;

gboolean         cells_phone_number_is_valid (const char           *number);
CellsDefinition *cells_definition_new        (const char             *name);
CellsDefinition *cells_definition_copy       (const CellsDefinition  *def);
void             cells_definition_free       (CellsDefinition        *def);
gboolean         cells_definition_apply      (CellsDefinition        *def,
                                              GVariant               *options,
                                              gboolean                creating,
                                              GError                **error);
char            *cells_definition_to_data    (const CellsDefinition  *def);
CellsDefinition *cells_definition_from_data  (const char             *name,
                                              const char             *data,
                                              GError                **error);
GVariant        *cells_definition_devices    (const CellsDefinition  *def);
gboolean         cells_definition_save       (const CellsDefinition  *def,
                                              const char             *path,
                                              GError                **error);
gboolean         cells_definition_save_secret (CellsDefinition       *def,
                                              const char             *cell_dir,
                                              GError                **error);
char            *cells_definition_load_secret (const char            *cell_dir);
CellsDefinition *cells_definition_load       (const char             *name,
                                              const char             *path,
                                              GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CellsDefinition, cells_definition_free)

G_END_DECLS
