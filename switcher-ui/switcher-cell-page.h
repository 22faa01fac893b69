/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define SWITCHER_TYPE_CELL_PAGE (switcher_cell_page_get_type ())
G_DECLARE_FINAL_TYPE (SwitcherCellPage, switcher_cell_page, SWITCHER, CELL_PAGE, AdwBin)

GtkWidget     *switcher_cell_page_new      (void);
void           switcher_cell_page_set_cell (SwitcherCellPage *self,
                                            CellsDBusCell    *cell);
CellsDBusCell *switcher_cell_page_get_cell (SwitcherCellPage *self);

G_END_DECLS
