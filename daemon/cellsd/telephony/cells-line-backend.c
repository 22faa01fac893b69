/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-line-backend"

#include "cells-line-backend.h"

/**
 * SECTION:cells-line-backend
 *
 * The one interface of phone lines. The router and the cells' bridges
 * call it and never ask which kind of line they hold.
 */

G_DEFINE_INTERFACE (CellsLineBackend, cells_line_backend, G_TYPE_OBJECT)

enum {
  CHANGED,
  CALL_CHANGED,
  MESSAGE_RECEIVED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
cells_line_backend_default_init (CellsLineBackendInterface *iface)
{
  /**
   * CellsLineBackend::changed:
   *
   * What cells_line_backend_get_info() tells changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CellsLineBackend::call-changed:
   * @id: the call
   * @props: its properties (a{sv}: number, direction, state, state-reason)
   *
   * A call of the line is new or changed, as the bridge's CallChanged.
   */
  signals[CALL_CHANGED] = g_signal_new ("call-changed", G_TYPE_FROM_INTERFACE (iface),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_UINT, G_TYPE_VARIANT);
  /**
   * CellsLineBackend::message-received:
   * @id: the message, for cells_line_backend_take_message(), or ""
   * @number: the sender
   * @text: the text
   * @timestamp: when it was sent, as ModemManager writes it, or ""
   *
   * Returns: whether a cell took the message
   */
  signals[MESSAGE_RECEIVED] = g_signal_new ("message-received", G_TYPE_FROM_INTERFACE (iface),
                                            G_SIGNAL_RUN_LAST, 0, g_signal_accumulator_true_handled,
                                            NULL, NULL, G_TYPE_BOOLEAN, 4, G_TYPE_STRING,
                                            G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

void
cells_line_backend_get_info (CellsLineBackend *self, CellsLineInfo *info)
{
  g_return_if_fail (CELLS_IS_LINE_BACKEND (self));
  CELLS_LINE_BACKEND_GET_IFACE (self)->get_info (self, info);
}

gboolean
cells_line_backend_has_call (CellsLineBackend *self, guint id)
{
  g_return_val_if_fail (CELLS_IS_LINE_BACKEND (self), FALSE);
  return CELLS_LINE_BACKEND_GET_IFACE (self)->has_call (self, id);
}

void
cells_line_backend_dial_async (CellsLineBackend *self, const char *number,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CELLS_IS_LINE_BACKEND (self));
  CELLS_LINE_BACKEND_GET_IFACE (self)->dial_async (self, number, callback, user_data);
}

/**
 * cells_line_backend_dial_finish:
 *
 * Returns: the new call's id, or 0 with @error set
 */
guint
cells_line_backend_dial_finish (CellsLineBackend *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (CELLS_IS_LINE_BACKEND (self), 0);
  return CELLS_LINE_BACKEND_GET_IFACE (self)->dial_finish (self, result, error);
}

void
cells_line_backend_accept_async (CellsLineBackend *self, guint id, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (CELLS_IS_LINE_BACKEND (self));
  CELLS_LINE_BACKEND_GET_IFACE (self)->accept_async (self, id, callback, user_data);
}

void
cells_line_backend_hangup_async (CellsLineBackend *self, guint id, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (CELLS_IS_LINE_BACKEND (self));
  CELLS_LINE_BACKEND_GET_IFACE (self)->hangup_async (self, id, callback, user_data);
}

void
cells_line_backend_send_dtmf_async (CellsLineBackend *self, guint id, const char *tones,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CELLS_IS_LINE_BACKEND (self));
  CELLS_LINE_BACKEND_GET_IFACE (self)->send_dtmf_async (self, id, tones, callback, user_data);
}

void
cells_line_backend_send_message_async (CellsLineBackend *self, const char *number, const char *text,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CELLS_IS_LINE_BACKEND (self));
  CELLS_LINE_BACKEND_GET_IFACE (self)->send_message_async (self, number, text, callback, user_data);
}

gboolean
cells_line_backend_op_finish (CellsLineBackend *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (CELLS_IS_LINE_BACKEND (self), FALSE);
  return CELLS_LINE_BACKEND_GET_IFACE (self)->op_finish (self, result, error);
}

/**
 * cells_line_backend_attached:
 *
 * A cell's virtual modem listens to the line now: what waits for it (the
 * messages on the SIM) is offered again.
 */
void
cells_line_backend_attached (CellsLineBackend *self)
{
  g_return_if_fail (CELLS_IS_LINE_BACKEND (self));
  if (CELLS_LINE_BACKEND_GET_IFACE (self)->attached != NULL)
    CELLS_LINE_BACKEND_GET_IFACE (self)->attached (self);
}

void
cells_line_backend_take_message (CellsLineBackend *self, const char *id)
{
  g_return_if_fail (CELLS_IS_LINE_BACKEND (self));
  if (CELLS_LINE_BACKEND_GET_IFACE (self)->take_message != NULL)
    CELLS_LINE_BACKEND_GET_IFACE (self)->take_message (self, id);
}

void
cells_line_backend_emit_changed (CellsLineBackend *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

void
cells_line_backend_emit_call_changed (CellsLineBackend *self, guint id, GVariant *props)
{
  g_signal_emit (self, signals[CALL_CHANGED], 0, id, props);
}

gboolean
cells_line_backend_emit_message (CellsLineBackend *self, const char *id, const char *number,
                                 const char *text, const char *timestamp)
{
  gboolean taken = FALSE;

  g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, id, number, text, timestamp, &taken);
  return taken;
}
