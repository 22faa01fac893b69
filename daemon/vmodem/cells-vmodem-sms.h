/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <libmm-glib.h>

G_BEGIN_DECLS

#define CELLS_TYPE_VMODEM_SMS (cells_vmodem_sms_get_type ())
G_DECLARE_FINAL_TYPE (CellsVmodemSms, cells_vmodem_sms, CELLS, VMODEM_SMS, MmGdbusSmsSkeleton)

CellsVmodemSms *cells_vmodem_sms_new      (CellsDBusModemBridge *bridge,
                                           MMSmsPduType          type,
                                           MMSmsState            state,
                                           const char           *number,
                                           const char           *text,
                                           const char           *timestamp);
const char     *cells_vmodem_sms_get_path (CellsVmodemSms       *self);

G_END_DECLS
