/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-state"

#include "cells-state.h"
#include "cells-errors.h"

/**
 * SECTION:cells-state
 *
 * The life of a cell: stopped → starting → running → stopping → stopped,
 * with failed when a start fails. Starting and stopping are transient:
 * any other request meanwhile is Busy. Start on a running cell and Stop
 * on a stopped one do nothing, so scripts can call them blindly.
 */

const char *
cells_state_to_string (CellsState state)
{
  switch (state) {
  case CELLS_STATE_STOPPED:
    return "stopped";
  case CELLS_STATE_STARTING:
    return "starting";
  case CELLS_STATE_RUNNING:
    return "running";
  case CELLS_STATE_STOPPING:
    return "stopping";
  case CELLS_STATE_FAILED:
    return "failed";
  default:
    g_assert_not_reached ();
  }
}

static CellsVerdict
refuse (GError **error, CellsError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static CellsVerdict
refuse (GError **error, CellsError code, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CELLS_ERROR, code, message);
  return CELLS_VERDICT_REFUSE;
}

CellsVerdict
cells_state_check (CellsState state, CellsOp op, const char *name, GError **error)
{
  gboolean down = state == CELLS_STATE_STOPPED || state == CELLS_STATE_FAILED;

  if (state == CELLS_STATE_STARTING)
    return refuse (error, CELLS_ERROR_BUSY, "Cell “%s” is starting; try again in a moment.", name);
  if (state == CELLS_STATE_STOPPING)
    return refuse (error, CELLS_ERROR_BUSY, "Cell “%s” is stopping; try again in a moment.", name);

  switch (op) {
  case CELLS_OP_START:
    return down ? CELLS_VERDICT_PROCEED : CELLS_VERDICT_NOTHING;
  case CELLS_OP_STOP:
    return down ? CELLS_VERDICT_NOTHING : CELLS_VERDICT_PROCEED;
  case CELLS_OP_DESTROY:
    if (!down)
      return refuse (error, CELLS_ERROR_BUSY,
                     "Cell “%s” is running; stop it before destroying it.", name);
    return CELLS_VERDICT_PROCEED;
  case CELLS_OP_FREEZE:
  case CELLS_OP_SWITCH:
    if (down)
      return refuse (error, CELLS_ERROR_NOT_RUNNING,
                     "Cell “%s” is not running; start it first.", name);
    return CELLS_VERDICT_PROCEED;
  default:
    g_assert_not_reached ();
  }
}
