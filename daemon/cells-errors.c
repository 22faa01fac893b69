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
