/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define CELLS_VMODEM_BUS_ADDRESS "unix:path=/run/dbus/system_bus_socket"

#define CELLS_TYPE_VMODEM (cells_vmodem_get_type ())
G_DECLARE_FINAL_TYPE (CellsVmodem, cells_vmodem, CELLS, VMODEM, GObject)

CellsVmodem *cells_vmodem_new (const char           *cell_name,
                               CellsDBusModemBridge *bridge,
                               const char           *bus_address);

G_END_DECLS
