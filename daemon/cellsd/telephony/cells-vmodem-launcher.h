/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-cell.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define CELLS_TYPE_VMODEM_LAUNCHER (cells_vmodem_launcher_get_type ())
G_DECLARE_FINAL_TYPE (CellsVmodemLauncher, cells_vmodem_launcher, CELLS, VMODEM_LAUNCHER, GObject)

CellsVmodemLauncher *cells_vmodem_launcher_new  (CellsCell           *cell,
                                                 const char          *program,
                                                 gboolean             verbose);
void                 cells_vmodem_launcher_stop (CellsVmodemLauncher *self);

G_END_DECLS
