/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-calls.h"
#include "cells-cell.h"
#include "cells-dbus.h"
#include "cells-line-backend.h"

G_BEGIN_DECLS

#define CELLS_TYPE_LINE (cells_line_get_type ())
G_DECLARE_FINAL_TYPE (CellsLine, cells_line, CELLS, LINE, CellsDBusModemBridgeSkeleton)

CellsLine        *cells_line_new          (CellsCell         *cell,
                                           CellsLineBackend  *backend,
                                           const char        *account,
                                           CellsCalls        *calls,
                                           const char        *vmodem,
                                           gboolean           verbose);
void              cells_line_close        (CellsLine         *self);
const char       *cells_line_get_name     (CellsLine         *self);
CellsCell        *cells_line_get_cell     (CellsLine         *self);
CellsLineBackend *cells_line_get_backend  (CellsLine         *self);
const char       *cells_line_get_account  (CellsLine         *self);
gboolean          cells_line_is_attached  (CellsLine         *self);
void              cells_line_sync         (CellsLine         *self);

G_END_DECLS
