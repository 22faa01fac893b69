/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-line"

#include "cells-line.h"
#include "cells-errors.h"
#include "cells-modem-bridge.h"
#include "cells-vmodem-launcher.h"

#include <string.h>

/**
 * CellsLine:
 *
 * The phone line of one running cell, as the cell's virtual modem sees
 * it: the `org.cells.Cells1.ModemBridge` object on the peer connection to
 * that modem (started by a CellsVmodemLauncher), and the line backend
 * that carries the cell's calls and messages. The bridge's methods are
 * checked here (the call is the cell's, the number a number) and go to
 * the backend; what the backend reports reaches the bridge through the
 * router (CellsTelephony), which owns the table of calls.
 *
 * "calls-changed" tells the router that a call of the cell's was added;
 * "modem-ended", that the cell's virtual modem ended (its calls are then
 * hung up).
 */

struct _CellsLine {
  CellsDBusModemBridgeSkeleton parent;

  CellsCell           *cell;
  char                *name;
  char                *account;     /* what the line was made from */
  CellsLineBackend    *backend;
  CellsCalls          *calls;       /* the router's */
  CellsVmodemLauncher *launcher;
  GDBusConnection     *peer;
  gboolean             attached;    /* the virtual modem hears signals */
};

static void cells_line_bridge_init (CellsDBusModemBridgeIface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsLine, cells_line, CELLS_DBUS_TYPE_MODEM_BRIDGE_SKELETON,
                         G_IMPLEMENT_INTERFACE (CELLS_DBUS_TYPE_MODEM_BRIDGE,
                                                cells_line_bridge_init))

enum {
  CALLS_CHANGED,
  MODEM_ENDED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* The virtual modem */

static void
on_connected (CellsVmodemLauncher *launcher, GDBusConnection *peer, CellsLine *self)
{
  g_autoptr(GError) error = NULL;

  self->peer = peer;
  cells_line_sync (self);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self), peer,
                                         CELLS_MODEM_BRIDGE_PATH, &error))
    g_warning ("Cell “%s”: %s", self->name, error->message);
}

static void
on_disconnected (CellsVmodemLauncher *launcher, GDBusConnection *peer, CellsLine *self)
{
  self->attached = FALSE;
  g_dbus_interface_skeleton_unexport_from_connection (G_DBUS_INTERFACE_SKELETON (self), peer);
  if (self->peer == peer)
    self->peer = NULL;
}

static void
on_modem_ended (CellsVmodemLauncher *launcher, CellsLine *self)
{
  g_signal_emit (self, signals[MODEM_ENDED], 0);
}

/* The bridge's methods */

static gboolean
owns_call (CellsLine *self, guint id, GDBusMethodInvocation *invocation)
{
  if (cells_calls_is_owner (self->calls, id, self->name))
    return TRUE;
  g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_NOT_FOUND,
                                         "Cell “%s” has no call %u.", self->name, id);
  return FALSE;
}

static void
on_op_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (!cells_line_backend_op_finish (CELLS_LINE_BACKEND (source), result, &error))
    cells_error_return (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
on_dial_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(CellsLine) self = g_object_steal_data (G_OBJECT (invocation), "cells-line");
  g_autoptr(GError) error = NULL;
  guint id = cells_line_backend_dial_finish (CELLS_LINE_BACKEND (source), result, &error);

  if (id == 0) {
    cells_error_return (invocation, error);
    return;
  }
  if (self->peer == NULL || self->peer != g_dbus_method_invocation_get_connection (invocation)) {
    /* The cell stopped, lost its line or its virtual modem meanwhile. */
    cells_line_backend_hangup_async (CELLS_LINE_BACKEND (source), id, NULL, NULL);
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_NOT_RUNNING,
                                           "Cell “%s” lost its line while calling.", self->name);
    return;
  }
  /* The cell learns the call's id before its first state. */
  cells_calls_set_owner (self->calls, id, self->name);
  cells_dbus_modem_bridge_complete_dial (CELLS_DBUS_MODEM_BRIDGE (self), invocation, id);
  g_signal_emit (self, signals[CALLS_CHANGED], 0);
}

static gboolean
handle_dial (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, const char *number)
{
  CellsLine *self = CELLS_LINE (bridge);

  if (!cells_phone_number_is_valid (number) || *number == '\0') {
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                                           "“%s” is not a number the modem can dial.", number);
    return TRUE;
  }
  g_message ("Cell “%s” calls “%s”", self->name, number);
  g_object_set_data_full (G_OBJECT (invocation), "cells-line", g_object_ref (self), g_object_unref);
  cells_line_backend_dial_async (self->backend, number, on_dial_ready, g_object_ref (invocation));
  return TRUE;
}

static gboolean
handle_accept (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, guint id)
{
  CellsLine *self = CELLS_LINE (bridge);

  if (owns_call (self, id, invocation))
    cells_line_backend_accept_async (self->backend, id, on_op_ready, g_object_ref (invocation));
  return TRUE;
}

static gboolean
handle_hangup (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, guint id)
{
  CellsLine *self = CELLS_LINE (bridge);

  if (owns_call (self, id, invocation))
    cells_line_backend_hangup_async (self->backend, id, on_op_ready, g_object_ref (invocation));
  return TRUE;
}

static gboolean
handle_send_dtmf (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, guint id,
                  const char *tones)
{
  CellsLine *self = CELLS_LINE (bridge);

  if (*tones == '\0' || strspn (tones, "0123456789ABCD*#") != strlen (tones)) {
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                                           "DTMF tones are 0-9, A-D, * and #.");
    return TRUE;
  }
  if (owns_call (self, id, invocation))
    cells_line_backend_send_dtmf_async (self->backend, id, tones, on_op_ready,
                                        g_object_ref (invocation));
  return TRUE;
}

static gboolean
handle_send_sms (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation,
                 const char *number, const char *text)
{
  CellsLine *self = CELLS_LINE (bridge);

  if (!cells_phone_number_is_valid (number) || *number == '\0' || *text == '\0') {
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                                           "A message needs a number and some text.");
    return TRUE;
  }
  g_message ("Cell “%s” sends a message to “%s”", self->name, number);
  cells_line_backend_send_message_async (self->backend, number, text, on_op_ready,
                                         g_object_ref (invocation));
  return TRUE;
}

static gboolean
handle_take_sms (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, const char *id)
{
  CellsLine *self = CELLS_LINE (bridge);

  cells_line_backend_take_message (self->backend, id);
  cells_dbus_modem_bridge_complete_take_sms (bridge, invocation);
  return TRUE;
}

static gboolean
handle_attach (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation)
{
  CellsLine *self = CELLS_LINE (bridge);

  self->attached = TRUE;
  g_debug ("Cell “%s”: the virtual modem listens", self->name);
  cells_dbus_modem_bridge_complete_attach (bridge, invocation);
  cells_line_backend_attached (self->backend);
  return TRUE;
}

static void
cells_line_bridge_init (CellsDBusModemBridgeIface *iface)
{
  iface->handle_dial = handle_dial;
  iface->handle_accept = handle_accept;
  iface->handle_hangup = handle_hangup;
  iface->handle_send_dtmf = handle_send_dtmf;
  iface->handle_send_sms = handle_send_sms;
  iface->handle_take_sms = handle_take_sms;
  iface->handle_attach = handle_attach;
}

static void
cells_line_dispose (GObject *object)
{
  CellsLine *self = CELLS_LINE (object);

  cells_line_close (self);
  g_clear_object (&self->launcher);
  g_clear_object (&self->backend);
  g_clear_object (&self->cell);
  G_OBJECT_CLASS (cells_line_parent_class)->dispose (object);
}

static void
cells_line_finalize (GObject *object)
{
  CellsLine *self = CELLS_LINE (object);

  g_free (self->name);
  g_free (self->account);
  G_OBJECT_CLASS (cells_line_parent_class)->finalize (object);
}

static void
cells_line_class_init (CellsLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cells_line_dispose;
  object_class->finalize = cells_line_finalize;

  /**
   * CellsLine::calls-changed:
   *
   * A call the cell placed became the cell's.
   */
  signals[CALLS_CHANGED] = g_signal_new ("calls-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CellsLine::modem-ended:
   *
   * The cell's virtual modem ended (it is started again); the cell's
   * calls end with it.
   */
  signals[MODEM_ENDED] = g_signal_new ("modem-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cells_line_init (CellsLine *self)
{
}

/**
 * cells_line_new:
 * @cell: a running cell
 * @backend: the line that carries its calls
 * @account: what the line was made from (a new one makes a new line)
 * @calls: the router's table of calls, which outlives the line
 * @vmodem: the virtual modem program
 * @verbose: whether it logs debug messages
 *
 * Starts the cell's virtual modem and serves its bridge.
 */
CellsLine *
cells_line_new (CellsCell *cell, CellsLineBackend *backend, const char *account, CellsCalls *calls,
                const char *vmodem, gboolean verbose)
{
  CellsLine *self = g_object_new (CELLS_TYPE_LINE, NULL);

  self->cell = g_object_ref (cell);
  self->name = g_strdup (cells_cell_get_name (cell));
  self->backend = g_object_ref (backend);
  self->account = g_strdup (account);
  self->calls = calls;
  cells_line_sync (self);
  self->launcher = cells_vmodem_launcher_new (cell, vmodem, verbose);
  g_signal_connect (self->launcher, "connected", G_CALLBACK (on_connected), self);
  g_signal_connect (self->launcher, "disconnected", G_CALLBACK (on_disconnected), self);
  g_signal_connect (self->launcher, "ended", G_CALLBACK (on_modem_ended), self);
  return self;
}

/**
 * cells_line_close:
 *
 * Ends the cell's virtual modem and its bridge.
 */
void
cells_line_close (CellsLine *self)
{
  g_return_if_fail (CELLS_IS_LINE (self));
  if (self->launcher != NULL)
    cells_vmodem_launcher_stop (self->launcher);
}

const char *
cells_line_get_name (CellsLine *self)
{
  g_return_val_if_fail (CELLS_IS_LINE (self), NULL);
  return self->name;
}

CellsCell *
cells_line_get_cell (CellsLine *self)
{
  g_return_val_if_fail (CELLS_IS_LINE (self), NULL);
  return self->cell;
}

CellsLineBackend *
cells_line_get_backend (CellsLine *self)
{
  g_return_val_if_fail (CELLS_IS_LINE (self), NULL);
  return self->backend;
}

const char *
cells_line_get_account (CellsLine *self)
{
  g_return_val_if_fail (CELLS_IS_LINE (self), NULL);
  return self->account;
}

/**
 * cells_line_is_attached:
 *
 * Returns: whether the cell's virtual modem listens to the bridge's signals
 */
gboolean
cells_line_is_attached (CellsLine *self)
{
  g_return_val_if_fail (CELLS_IS_LINE (self), FALSE);
  return self->attached;
}

/**
 * cells_line_sync:
 *
 * Shows the backend's line on the bridge; the cell's own number, if it
 * has one, before the line's.
 */
void
cells_line_sync (CellsLine *self)
{
  CellsDBusModemBridge *b = CELLS_DBUS_MODEM_BRIDGE (self);
  const char *number = cells_cell_get_definition (self->cell)->phone_number;
  CellsLineInfo info;

  g_return_if_fail (CELLS_IS_LINE (self));
  cells_line_backend_get_info (self->backend, &info);
  cells_dbus_modem_bridge_set_own_number (b, *number ? number : info.own_number);
  cells_dbus_modem_bridge_set_registered (b, info.registered);
  cells_dbus_modem_bridge_set_operator_name (b, info.operator_name);
  cells_dbus_modem_bridge_set_operator_code (b, info.operator_code);
  cells_dbus_modem_bridge_set_imei (b, info.imei);
  cells_dbus_modem_bridge_set_imsi (b, info.imsi);
  cells_dbus_modem_bridge_set_signal_quality (b, info.signal_quality);
  cells_dbus_modem_bridge_set_present (b, info.present);
}
