/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem-call"

#include "cells-vmodem-call.h"
#include "cells-vmodem-util.h"

#define CALL_PATH_PREFIX MM_DBUS_PATH "/Call/"

/**
 * CellsVmodemCall:
 *
 * A call of the cell's modem, `org.freedesktop.ModemManager1.Call`
 *
 * An outgoing call is made by Voice.CreateCall and placed on the line by
 * Start (cellsd's Dial); an incoming one is made when cellsd tells of it.
 * From then on cellsd has the call's id and every method goes to cellsd,
 * whose CallChanged signals move the call's state. A terminated call
 * changes no more.
 */

struct _CellsVmodemCall {
  MmGdbusCallSkeleton    parent;

  CellsDBusModemBridge  *bridge;  /* carries the call */
  char                  *path;
  guint                  id;      /* the bridge's, 0 before Start */
  GDBusMethodInvocation *start;   /* Start, while cellsd dials */
};

static void cells_vmodem_call_iface_init (MmGdbusCallIface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsVmodemCall, cells_vmodem_call, MM_GDBUS_TYPE_CALL_SKELETON,
                         G_IMPLEMENT_INTERFACE (MM_GDBUS_TYPE_CALL, cells_vmodem_call_iface_init))

/* Numbered as ModemManager numbers them: once per process, never again. */
static guint next_call_number;

static void
set_state (CellsVmodemCall *self, MMCallState state, MMCallStateReason reason)
{
  MmGdbusCall *call = MM_GDBUS_CALL (self);
  MMCallState old = mm_gdbus_call_get_state (call);

  if (old == state)
    return;
  mm_gdbus_call_set_state (call, state);
  mm_gdbus_call_set_state_reason (call, reason);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self));
  mm_gdbus_call_emit_state_changed (call, old, state, reason);
  g_debug ("Cell “%s”: call %s %s → %s", cells_vmodem_util_get_cell (), self->path,
           mm_call_state_get_string (old), mm_call_state_get_string (state));
}

static void
on_bridge_call_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ret = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);

  if (ret == NULL) {
    cells_vmodem_util_return_error (invocation, error);
    return;
  }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

/* Passes a method on to cellsd and answers when it does. */
static void
forward (CellsVmodemCall *self, GDBusMethodInvocation *invocation, const char *method,
         GVariant *args)
{
  g_dbus_proxy_call (G_DBUS_PROXY (self->bridge), method, args, G_DBUS_CALL_FLAGS_NONE, -1,
                     NULL, on_bridge_call_ready, g_object_ref (invocation));
}

static void
on_dial_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CellsVmodemCall) self = user_data;
  g_autoptr(GDBusMethodInvocation) invocation = g_steal_pointer (&self->start);
  g_autoptr(GError) error = NULL;
  CellsDBusModemBridge *bridge = CELLS_DBUS_MODEM_BRIDGE (source);
  guint id = 0;

  if (!cells_dbus_modem_bridge_call_dial_finish (bridge, &id, result, &error)) {
    if (cells_vmodem_util_is_exported (self))
      set_state (self, MM_CALL_STATE_TERMINATED, MM_CALL_STATE_REASON_ERROR);
    cells_vmodem_util_return_error (invocation, error);
    return;
  }
  if (!cells_vmodem_util_is_exported (self) || cells_vmodem_call_is_over (self)) {
    /* Deleted or hung up while it was being placed: end it. */
    cells_dbus_modem_bridge_call_hangup (bridge, id, NULL, NULL, NULL);
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_ABORTED,
                                           "The call was ended while it was being placed.");
    return;
  }
  self->id = id;
  if (mm_gdbus_call_get_state (MM_GDBUS_CALL (self)) == MM_CALL_STATE_UNKNOWN)
    set_state (self, MM_CALL_STATE_DIALING, MM_CALL_STATE_REASON_OUTGOING_STARTED);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
handle_start (MmGdbusCall *call, GDBusMethodInvocation *invocation)
{
  CellsVmodemCall *self = CELLS_VMODEM_CALL (call);

  if (self->id != 0 || self->start != NULL ||
      mm_gdbus_call_get_state (call) != MM_CALL_STATE_UNKNOWN ||
      mm_gdbus_call_get_direction (call) != MM_CALL_DIRECTION_OUTGOING) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE,
                                           "This call has been started already.");
    return TRUE;
  }
  /* Held by the dial: a call deleted meanwhile is ended when cellsd answers. */
  self->start = g_object_ref (invocation);
  cells_dbus_modem_bridge_call_dial (self->bridge, mm_gdbus_call_get_number (call), NULL,
                                     on_dial_ready, g_object_ref (self));
  return TRUE;
}

static gboolean
handle_accept (MmGdbusCall *call, GDBusMethodInvocation *invocation)
{
  CellsVmodemCall *self = CELLS_VMODEM_CALL (call);
  MMCallState state = mm_gdbus_call_get_state (call);

  if (mm_gdbus_call_get_direction (call) != MM_CALL_DIRECTION_INCOMING ||
      (state != MM_CALL_STATE_RINGING_IN && state != MM_CALL_STATE_WAITING)) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE,
                                           "Only a ringing incoming call can be accepted.");
    return TRUE;
  }
  forward (self, invocation, "Accept", g_variant_new ("(u)", self->id));
  return TRUE;
}

static gboolean
handle_hangup (MmGdbusCall *call, GDBusMethodInvocation *invocation)
{
  CellsVmodemCall *self = CELLS_VMODEM_CALL (call);

  if (cells_vmodem_call_is_over (self)) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE,
                                           "The call is over already.");
    return TRUE;
  }
  if (self->id == 0) {
    set_state (self, MM_CALL_STATE_TERMINATED, MM_CALL_STATE_REASON_TERMINATED);
    mm_gdbus_call_complete_hangup (call, invocation);
    return TRUE;
  }
  forward (self, invocation, "Hangup", g_variant_new ("(u)", self->id));
  return TRUE;
}

static gboolean
handle_send_dtmf (MmGdbusCall *call, GDBusMethodInvocation *invocation, const char *tones)
{
  CellsVmodemCall *self = CELLS_VMODEM_CALL (call);

  if (mm_gdbus_call_get_state (call) != MM_CALL_STATE_ACTIVE) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE,
                                           "Tones can be sent only on an active call.");
    return TRUE;
  }
  forward (self, invocation, "SendDtmf", g_variant_new ("(us)", self->id, tones));
  return TRUE;
}

static gboolean
handle_deflect (MmGdbusCall *call, GDBusMethodInvocation *invocation, const char *number)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_join_multiparty (MmGdbusCall *call, GDBusMethodInvocation *invocation)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_leave_multiparty (MmGdbusCall *call, GDBusMethodInvocation *invocation)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static void
cells_vmodem_call_iface_init (MmGdbusCallIface *iface)
{
  iface->handle_start = handle_start;
  iface->handle_accept = handle_accept;
  iface->handle_hangup = handle_hangup;
  iface->handle_send_dtmf = handle_send_dtmf;
  iface->handle_deflect = handle_deflect;
  iface->handle_join_multiparty = handle_join_multiparty;
  iface->handle_leave_multiparty = handle_leave_multiparty;
}

static void
cells_vmodem_call_finalize (GObject *object)
{
  CellsVmodemCall *self = CELLS_VMODEM_CALL (object);

  g_clear_object (&self->start);
  g_clear_object (&self->bridge);
  g_free (self->path);

  G_OBJECT_CLASS (cells_vmodem_call_parent_class)->finalize (object);
}

static void
cells_vmodem_call_class_init (CellsVmodemCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cells_vmodem_call_finalize;
}

static void
cells_vmodem_call_init (CellsVmodemCall *self)
{
  mm_gdbus_call_set_audio_port (MM_GDBUS_CALL (self), "");
}

/**
 * cells_vmodem_call_new:
 * @bridge: cellsd's bridge
 * @id: cellsd's id of the call, or 0 for a call the cell makes
 * @direction: incoming or outgoing
 * @number: the other party's number
 * @state: the first state
 * @reason: why the call is in it
 *
 * Returns: (transfer full): a call with the next call path, not on the
 *   bus yet
 */
CellsVmodemCall *
cells_vmodem_call_new (CellsDBusModemBridge *bridge,
                       guint                 id,
                       MMCallDirection       direction,
                       const char           *number,
                       MMCallState           state,
                       MMCallStateReason     reason)
{
  CellsVmodemCall *self;

  g_return_val_if_fail (CELLS_DBUS_IS_MODEM_BRIDGE (bridge), NULL);

  self = g_object_new (CELLS_TYPE_VMODEM_CALL,
                       "direction", (int) direction,
                       "number", number,
                       "state", (int) state,
                       "state-reason", (int) reason,
                       NULL);
  self->bridge = g_object_ref (bridge);
  self->id = id;
  self->path = g_strdup_printf (CALL_PATH_PREFIX "%u", next_call_number++);
  return self;
}

const char *
cells_vmodem_call_get_path (CellsVmodemCall *self)
{
  g_return_val_if_fail (CELLS_IS_VMODEM_CALL (self), NULL);

  return self->path;
}

guint
cells_vmodem_call_get_id (CellsVmodemCall *self)
{
  g_return_val_if_fail (CELLS_IS_VMODEM_CALL (self), 0);

  return self->id;
}

gboolean
cells_vmodem_call_is_over (CellsVmodemCall *self)
{
  g_return_val_if_fail (CELLS_IS_VMODEM_CALL (self), TRUE);

  return mm_gdbus_call_get_state (MM_GDBUS_CALL (self)) == MM_CALL_STATE_TERMINATED;
}

/**
 * cells_vmodem_call_update:
 * @self: a call
 * @number: (nullable): the other party's number, if cellsd tells it
 * @state: the new state, or -1 for none
 * @reason: why the call is in it
 *
 * Shows what cellsd says of the call; a call that is over stays so.
 */
void
cells_vmodem_call_update (CellsVmodemCall  *self,
                          const char       *number,
                          int               state,
                          MMCallStateReason reason)
{
  MmGdbusCall *call = MM_GDBUS_CALL (self);

  g_return_if_fail (CELLS_IS_VMODEM_CALL (self));

  if (cells_vmodem_call_is_over (self))
    return;
  if (number != NULL && g_strcmp0 (number, mm_gdbus_call_get_number (call)) != 0)
    mm_gdbus_call_set_number (call, number);
  if (state >= 0)
    set_state (self, state, reason);
}

/**
 * cells_vmodem_call_end:
 * @self: a call that is not over
 *
 * Ends the call for the cell: cellsd hangs up one it has; one it has not
 * seen yet ends at once.
 */
void
cells_vmodem_call_end (CellsVmodemCall *self)
{
  g_return_if_fail (CELLS_IS_VMODEM_CALL (self));

  if (self->id != 0)
    cells_dbus_modem_bridge_call_hangup (self->bridge, self->id, NULL, NULL, NULL);
  else
    set_state (self, MM_CALL_STATE_TERMINATED, MM_CALL_STATE_REASON_TERMINATED);
}
