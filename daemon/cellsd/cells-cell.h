/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-claims.h"
#include "cells-dbus.h"
#include "cells-definition.h"
#include "cells-lxc.h"
#include "cells-settings.h"
#include "cells-state.h"
#include "cells-udev.h"

G_BEGIN_DECLS

#define CELLS_TYPE_CELL (cells_cell_get_type ())
G_DECLARE_FINAL_TYPE (CellsCell, cells_cell, CELLS, CELL, CellsDBusCellSkeleton)

typedef gboolean (*CellsCellValidator) (const CellsDefinition *def, gpointer data, GError **error);

CellsCell       *cells_cell_new             (CellsDefinition     *def,
                                             const char          *state_dir,
                                             const CellsHost     *host,
                                             const CellsSettings *settings,
                                             CellsClaims         *claims,
                                             CellsNetwork        *network,
                                             CellsUdev           *udev);
const char      *cells_cell_get_name        (CellsCell           *self);
const CellsDefinition *cells_cell_get_definition (CellsCell      *self);
const char      *cells_cell_get_directory   (CellsCell           *self);
CellsState       cells_cell_get_state       (CellsCell           *self);
void             cells_cell_adopt           (CellsCell           *self,
                                             CellsUdev           *udev);
int              cells_cell_get_device_namespace (CellsCell      *self);
void             cells_cell_set_foreground  (CellsCell           *self,
                                             gboolean             foreground);
void             cells_cell_start_async     (CellsCell           *self,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void             cells_cell_set_validator   (CellsCell           *self,
                                             CellsCellValidator   validator,
                                             gpointer             data);
gboolean         cells_cell_start_finish    (CellsCell           *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void             cells_cell_set_line_status (CellsCell           *self,
                                             const char          *line_number,
                                             const char          *state,
                                             guint                calls);
void             cells_cell_add_missed_call (CellsCell           *self);
void             cells_cell_set_network     (CellsCell           *self,
                                             CellsNetwork        *network);

G_END_DECLS
