/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CELLS_STATE_STOPPED,
  CELLS_STATE_STARTING,
  CELLS_STATE_RUNNING,
  CELLS_STATE_STOPPING,
  CELLS_STATE_FAILED,
} CellsState;

typedef enum {
  CELLS_OP_START,
  CELLS_OP_STOP,
  CELLS_OP_DESTROY,
  CELLS_OP_FREEZE,
  CELLS_OP_SWITCH,
} CellsOp;

/* What a request does in a given state. */
typedef enum {
  CELLS_VERDICT_PROCEED,
  CELLS_VERDICT_NOTHING,
  CELLS_VERDICT_REFUSE,
} CellsVerdict;

const char   *cells_state_to_string (CellsState   state);
CellsVerdict  cells_state_check     (CellsState   state,
                                     CellsOp      op,
                                     const char  *name,
                                     GError     **error);

G_END_DECLS
