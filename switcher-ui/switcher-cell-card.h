/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SWITCHER_TYPE_CELL_CARD (switcher_cell_card_get_type ())
G_DECLARE_FINAL_TYPE (SwitcherCellCard, switcher_cell_card, SWITCHER, CELL_CARD, GtkBox)

GtkWidget     *switcher_cell_card_new         (CellsDBusCell    *cell);
CellsDBusCell *switcher_cell_card_get_cell    (SwitcherCellCard *self);
void           switcher_cell_card_set_ringing (SwitcherCellCard *self,
                                               const char       *number);

G_END_DECLS
