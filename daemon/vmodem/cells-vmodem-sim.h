/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <libmm-glib.h>

G_BEGIN_DECLS

/* The one SIM of the cell's modem. */
#define CELLS_VMODEM_SIM_PATH MM_DBUS_PATH "/SIM/0"

#define CELLS_TYPE_VMODEM_SIM (cells_vmodem_sim_get_type ())
G_DECLARE_FINAL_TYPE (CellsVmodemSim, cells_vmodem_sim, CELLS, VMODEM_SIM, MmGdbusSimSkeleton)

CellsVmodemSim *cells_vmodem_sim_new (CellsDBusModemBridge *bridge);

G_END_DECLS
