/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"
#include "cells-lxc.h"
#include "cells-settings.h"

G_BEGIN_DECLS

#define CELLS_TYPE_MANAGER (cells_manager_get_type ())
G_DECLARE_FINAL_TYPE (CellsManager, cells_manager, CELLS, MANAGER, CellsDBusManagerSkeleton)

CellsManager *cells_manager_new     (const CellsSettings *settings,
                                     const CellsHost  *host,
                                     GError          **error);
gboolean      cells_manager_export  (CellsManager     *self,
                                     GDBusConnection  *connection,
                                     GError          **error);
gboolean      cells_manager_take_over (CellsManager   *self,
                                       GError        **error);
void          cells_manager_autostart (CellsManager   *self);
void          cells_manager_switch_to_switcher (CellsManager *self);
void          cells_manager_start_telephony (CellsManager *self);
void          cells_manager_start_network (CellsManager *self);
void          cells_manager_shutdown_network (CellsManager *self);

G_END_DECLS
