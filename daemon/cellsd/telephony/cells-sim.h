/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-line-backend.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define CELLS_TYPE_SIM (cells_sim_get_type ())
G_DECLARE_FINAL_TYPE (CellsSim, cells_sim, CELLS, SIM, GObject)

CellsSim *cells_sim_new (GDBusConnection *system_bus);

G_END_DECLS
