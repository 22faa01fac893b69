/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <libmm-glib.h>

G_BEGIN_DECLS

#define CELLS_TYPE_VMODEM_CALL (cells_vmodem_call_get_type ())
G_DECLARE_FINAL_TYPE (CellsVmodemCall, cells_vmodem_call, CELLS, VMODEM_CALL, MmGdbusCallSkeleton)

CellsVmodemCall *cells_vmodem_call_new      (CellsDBusModemBridge *bridge,
                                             guint                 id,
                                             MMCallDirection       direction,
                                             const char           *number,
                                             MMCallState           state,
                                             MMCallStateReason     reason);
const char      *cells_vmodem_call_get_path (CellsVmodemCall      *self);
guint            cells_vmodem_call_get_id   (CellsVmodemCall      *self);
gboolean         cells_vmodem_call_is_over  (CellsVmodemCall      *self);
void             cells_vmodem_call_update   (CellsVmodemCall      *self,
                                             const char           *number,
                                             int                   state,
                                             MMCallStateReason     reason);
void             cells_vmodem_call_end      (CellsVmodemCall      *self);

G_END_DECLS
