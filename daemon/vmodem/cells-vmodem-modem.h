/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <libmm-glib.h>

G_BEGIN_DECLS

#define CELLS_TYPE_VMODEM_MODEM (cells_vmodem_modem_get_type ())
G_DECLARE_FINAL_TYPE (CellsVmodemModem, cells_vmodem_modem, CELLS, VMODEM_MODEM,
                      MmGdbusModemSkeleton)

CellsVmodemModem *cells_vmodem_modem_new (CellsDBusModemBridge *bridge);

G_END_DECLS
