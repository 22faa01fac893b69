/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CELLS_ACTION_MANAGE "org.cells.Cells1.manage"
#define CELLS_ACTION_SWITCH "org.cells.Cells1.switch"

void     cells_auth_check_async     (GDBusMethodInvocation  *invocation,
                                     const char             *action,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data);
gboolean cells_auth_check_finish    (GAsyncResult           *result,
                                     GError                **error);
gboolean cells_auth_pid_in_cell     (guint32                 pid);
void     cells_auth_set_serving     (gboolean                serving);

/* Called with the object and the invocation once the caller is authorized. */
typedef void (*CellsAuthorizedFunc) (gpointer               object,
                                     GDBusMethodInvocation *invocation);

gboolean cells_auth_run             (gpointer                object,
                                     GDBusMethodInvocation  *invocation,
                                     const char             *action,
                                     CellsAuthorizedFunc     func);

G_END_DECLS
