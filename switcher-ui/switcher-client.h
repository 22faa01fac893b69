/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define SWITCHER_TYPE_CLIENT (switcher_client_get_type ())
G_DECLARE_FINAL_TYPE (SwitcherClient, switcher_client, SWITCHER, CLIENT, GObject)

SwitcherClient   *switcher_client_new           (void);
gboolean          switcher_client_get_connected (SwitcherClient *self);
CellsDBusManager *switcher_client_get_manager   (SwitcherClient *self);
GListModel       *switcher_client_get_cells     (SwitcherClient *self);
CellsDBusCell    *switcher_client_lookup        (SwitcherClient *self,
                                                 const char     *name);

G_END_DECLS
