/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean  cells_vmodem_util_return_unsupported  (GDBusMethodInvocation *invocation);
void      cells_vmodem_util_return_error        (GDBusMethodInvocation *invocation,
                                                 GError                *error);
gboolean  cells_vmodem_util_number_is_dialable  (const char            *number);
char     *cells_vmodem_util_device_id           (const char            *cell);
GStrv     cells_vmodem_util_sorted_paths        (GHashTable            *table);
void      cells_vmodem_util_unexport_and_unref  (gpointer               skeleton);

G_END_DECLS
