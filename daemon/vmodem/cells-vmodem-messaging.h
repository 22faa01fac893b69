/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <libmm-glib.h>

G_BEGIN_DECLS

#define CELLS_TYPE_VMODEM_MESSAGING (cells_vmodem_messaging_get_type ())
G_DECLARE_FINAL_TYPE (CellsVmodemMessaging, cells_vmodem_messaging, CELLS, VMODEM_MESSAGING,
                      MmGdbusModemMessagingSkeleton)

CellsVmodemMessaging *cells_vmodem_messaging_new           (CellsDBusModemBridge *bridge);
void                  cells_vmodem_messaging_receive       (CellsVmodemMessaging *self,
                                                            const char           *id,
                                                            const char           *number,
                                                            const char           *text,
                                                            const char           *timestamp);
void                  cells_vmodem_messaging_save_received (CellsVmodemMessaging *self,
                                                            GQueue               *queue);

G_END_DECLS
