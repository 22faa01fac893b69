/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * CellsError:
 *
 * The errors of cellsd. On the bus they are named
 * `org.cells.Cells1.Error.<Name>`.
 */
typedef enum {
  CELLS_ERROR_NOT_FOUND,
  CELLS_ERROR_EXISTS,
  CELLS_ERROR_INVALID_ARGUMENT,
  CELLS_ERROR_NOT_AUTHORIZED,
  CELLS_ERROR_BUSY,
  CELLS_ERROR_FAILED,
  CELLS_ERROR_NOT_RUNNING,
} CellsError;

#define CELLS_ERROR (cells_error_quark ())
GQuark cells_error_quark (void);

void   cells_error_return (GDBusMethodInvocation *invocation,
                           const GError          *error);

G_END_DECLS
