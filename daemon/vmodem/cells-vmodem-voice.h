/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <libmm-glib.h>

G_BEGIN_DECLS

#define CELLS_TYPE_VMODEM_VOICE (cells_vmodem_voice_get_type ())
G_DECLARE_FINAL_TYPE (CellsVmodemVoice, cells_vmodem_voice, CELLS, VMODEM_VOICE,
                      MmGdbusModemVoiceSkeleton)

CellsVmodemVoice *cells_vmodem_voice_new (CellsDBusModemBridge *bridge);

G_END_DECLS
