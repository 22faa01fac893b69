/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void         cells_vmodem_util_set_cell            (const char            *name);
const char  *cells_vmodem_util_get_cell            (void);
char        *cells_vmodem_util_device_id           (void);
gboolean     cells_vmodem_util_return_unsupported  (GDBusMethodInvocation *invocation);
void         cells_vmodem_util_return_error        (GDBusMethodInvocation *invocation,
                                                    GError                *error);
gboolean     cells_vmodem_util_number_is_dialable  (const char            *number);
GStrv        cells_vmodem_util_sorted_paths        (GHashTable            *table);
void         cells_vmodem_util_unexport_and_unref  (gpointer               skeleton);

G_END_DECLS
