/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The bridge between cellsd and the virtual modem of a cell: a
 * peer-to-peer D-Bus connection over a socket pair, on no bus, serving
 * org.cells.Cells1.ModemBridge (dbus/org.cells.Cells1.ModemBridge.xml)
 * at this path. cellsd exports it; the virtual modem calls it.
 */
#define CELLS_MODEM_BRIDGE_PATH "/org/cells/Cells1/ModemBridge"
