/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libmm-glib.h>

G_BEGIN_DECLS

#define CELLS_TYPE_VMODEM_MANAGER (cells_vmodem_manager_get_type ())
G_DECLARE_FINAL_TYPE (CellsVmodemManager, cells_vmodem_manager, CELLS, VMODEM_MANAGER,
                      MmGdbusOrgFreedesktopModemManager1Skeleton)

CellsVmodemManager *cells_vmodem_manager_new (void);

G_END_DECLS
