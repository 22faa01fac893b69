/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <libmm-glib.h>

G_BEGIN_DECLS

#define CELLS_TYPE_VMODEM_MODEM_3GPP (cells_vmodem_modem_3gpp_get_type ())
G_DECLARE_FINAL_TYPE (CellsVmodemModem3gpp, cells_vmodem_modem_3gpp, CELLS, VMODEM_MODEM_3GPP,
                      MmGdbusModem3gppSkeleton)

CellsVmodemModem3gpp *cells_vmodem_modem_3gpp_new (CellsDBusModemBridge *bridge);

G_END_DECLS
