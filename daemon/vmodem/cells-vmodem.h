/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define CELLS_VMODEM_BUS_ADDRESS "unix:path=/run/dbus/system_bus_socket"

typedef struct _CellsVmodem CellsVmodem;

CellsVmodem *cells_vmodem_new        (const char           *cell_name,
                                      CellsDBusModemBridge *bridge,
                                      const char           *bus_address);
void         cells_vmodem_free       (CellsVmodem          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CellsVmodem, cells_vmodem_free)

G_END_DECLS
