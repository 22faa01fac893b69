/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-cell.h"
#include "cells-claims.h"
#include "cells-settings.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define CELLS_TYPE_TELEPHONY (cells_telephony_get_type ())
G_DECLARE_FINAL_TYPE (CellsTelephony, cells_telephony, CELLS, TELEPHONY, GObject)

CellsTelephony *cells_telephony_new         (GDBusConnection     *system_bus,
                                             const CellsSettings *settings,
                                             CellsClaims         *claims);
void            cells_telephony_update_cell (CellsTelephony  *self,
                                             CellsCell       *cell);
void            cells_telephony_remove_cell (CellsTelephony  *self,
                                             CellsCell       *cell);
guint           cells_telephony_decline     (CellsTelephony  *self,
                                             const char      *cell);

G_END_DECLS
