/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-dbus.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * CellsVmodemLineFunc:
 * @bridge: cellsd's bridge
 * @pspec: (nullable): the property that changed, or %NULL at first
 * @object: an object of the virtual modem
 *
 * Shows on @object what the bridge says of the line: a handler of the
 * bridge's #GObject::notify.
 */
typedef void (*CellsVmodemLineFunc) (CellsDBusModemBridge *bridge,
                                     GParamSpec           *pspec,
                                     gpointer              object);

void         cells_vmodem_util_set_cell            (const char            *name);
const char  *cells_vmodem_util_get_cell            (void);
char        *cells_vmodem_util_device_id           (void);
void         cells_vmodem_util_follow_bridge       (gpointer               object,
                                                    CellsDBusModemBridge  *bridge,
                                                    CellsVmodemLineFunc    show_line);
gboolean     cells_vmodem_util_return_unsupported  (GDBusMethodInvocation *invocation);
void         cells_vmodem_util_return_error        (GDBusMethodInvocation *invocation,
                                                    GError                *error);
gboolean     cells_vmodem_util_number_is_dialable  (const char            *number);
GStrv        cells_vmodem_util_sorted_paths        (GHashTable            *table);
void         cells_vmodem_util_export              (gpointer               skeleton,
                                                    GDBusConnection       *bus,
                                                    const char            *path);
gboolean     cells_vmodem_util_is_exported         (gpointer               skeleton);
void         cells_vmodem_util_unexport_and_unref  (gpointer               skeleton);

G_END_DECLS
