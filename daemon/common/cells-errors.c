/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-errors"

#include "cells-errors.h"

#include <gio/gio.h>

static const GDBusErrorEntry cells_error_entries[] = {
  { CELLS_ERROR_NOT_FOUND, "org.cells.Cells1.Error.NotFound" },
  { CELLS_ERROR_EXISTS, "org.cells.Cells1.Error.Exists" },
  { CELLS_ERROR_INVALID_ARGUMENT, "org.cells.Cells1.Error.InvalidArgument" },
  { CELLS_ERROR_NOT_AUTHORIZED, "org.cells.Cells1.Error.NotAuthorized" },
  { CELLS_ERROR_BUSY, "org.cells.Cells1.Error.Busy" },
  { CELLS_ERROR_FAILED, "org.cells.Cells1.Error.Failed" },
  { CELLS_ERROR_NOT_RUNNING, "org.cells.Cells1.Error.NotRunning" },
};

GQuark
cells_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("cells-error-quark", &quark,
                                      cells_error_entries,
                                      G_N_ELEMENTS (cells_error_entries));
  return (GQuark) quark;
}

/**
 * cells_error_return:
 * @invocation: the call to answer
 * @error: why it failed
 *
 * Answers @invocation with @error as an `org.cells.Cells1.Error.*`: errors
 * of other domains (files, processes) become Failed with their message,
 * so that clients never see an unregistered GLib error name.
 */
void
cells_error_return (GDBusMethodInvocation *invocation, const GError *error)
{
  g_return_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation));
  g_return_if_fail (error != NULL);

  if (error->domain == CELLS_ERROR)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_FAILED,
                                           "%s", error->message);
}
