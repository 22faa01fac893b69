/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem-voice"

#include "cells-vmodem-call.h"
#include "cells-vmodem-util.h"
#include "cells-vmodem-voice.h"

/* What a cell can make its virtual modem hold; ModemManager has limits too. */
#define MAX_CALLS 8

/**
 * CellsVmodemVoice:
 *
 * The modem's `org.freedesktop.ModemManager1.Modem.Voice` and its calls
 *
 * It holds the cell's calls: the ones its apps create and the incoming
 * ones cellsd tells of (CallChanged), each a #CellsVmodemCall exported
 * beside the modem on the bus the voice is on. As ModemManager does, it
 * changes the Calls property (and has it sent) before CallAdded and
 * CallDeleted: clients rely on it.
 */

struct _CellsVmodemVoice {
  MmGdbusModemVoiceSkeleton  parent;

  CellsDBusModemBridge      *bridge;  /* places the calls, tells of incoming ones */
  GHashTable                *calls;   /* path → CellsVmodemCall */
};

static void cells_vmodem_voice_iface_init (MmGdbusModemVoiceIface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsVmodemVoice, cells_vmodem_voice,
                         MM_GDBUS_TYPE_MODEM_VOICE_SKELETON,
                         G_IMPLEMENT_INTERFACE (MM_GDBUS_TYPE_MODEM_VOICE,
                                                cells_vmodem_voice_iface_init))

static CellsVmodemCall *
find_call_by_id (CellsVmodemVoice *self, guint id)
{
  GHashTableIter iter;
  CellsVmodemCall *call;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call)) {
    if (cells_vmodem_call_get_id (call) == id && id != 0)
      return call;
  }
  return NULL;
}

static void
sync_call_list (CellsVmodemVoice *self)
{
  g_auto(GStrv) paths = cells_vmodem_util_sorted_paths (self->calls);

  mm_gdbus_modem_voice_set_calls (MM_GDBUS_MODEM_VOICE (self), (const char *const *) paths);
  /* Clients rely on the Calls property changing before CallAdded. */
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self));
}

static CellsVmodemCall *
add_call (CellsVmodemVoice *self, guint id, MMCallDirection direction, const char *number,
          MMCallState state, MMCallStateReason reason)
{
  GDBusInterfaceSkeleton *skeleton = G_DBUS_INTERFACE_SKELETON (self);
  CellsVmodemCall *call = cells_vmodem_call_new (self->bridge, id, direction, number, state,
                                                 reason);
  const char *path = cells_vmodem_call_get_path (call);

  /* Beside the modem, on the cell's bus. */
  cells_vmodem_util_export (call, g_dbus_interface_skeleton_get_connection (skeleton), path);
  g_hash_table_insert (self->calls, (gpointer) path, call);
  sync_call_list (self);
  mm_gdbus_modem_voice_emit_call_added (MM_GDBUS_MODEM_VOICE (self), path);
  g_message ("Cell “%s”: %s call %s %s %s", cells_vmodem_util_get_cell (),
             mm_call_direction_get_string (direction), path,
             direction == MM_CALL_DIRECTION_INCOMING ? "from" : "to", number);
  return call;
}

static void
remove_call (CellsVmodemVoice *self, CellsVmodemCall *call)
{
  g_autofree char *path = g_strdup (cells_vmodem_call_get_path (call));

  g_hash_table_remove (self->calls, path);
  sync_call_list (self);
  mm_gdbus_modem_voice_emit_call_deleted (MM_GDBUS_MODEM_VOICE (self), path);
}

/* What cellsd says of a call of the line. */
static void
on_call_changed (CellsDBusModemBridge *bridge, guint id, GVariant *changes,
                 CellsVmodemVoice *self)
{
  CellsVmodemCall *call = find_call_by_id (self, id);
  const char *number = NULL;
  guint direction = MM_CALL_DIRECTION_UNKNOWN, reason = MM_CALL_STATE_REASON_UNKNOWN;
  gint state = -1;

  g_variant_lookup (changes, "number", "&s", &number);
  g_variant_lookup (changes, "direction", "u", &direction);
  g_variant_lookup (changes, "state", "i", &state);
  g_variant_lookup (changes, "state-reason", "u", &reason);
  if (!cells_vmodem_util_is_exported (self))
    return;   /* the modem is not shown */
  if (call != NULL) {
    cells_vmodem_call_update (call, number, state, reason);
    return;
  }
  if (direction != MM_CALL_DIRECTION_INCOMING || state == MM_CALL_STATE_TERMINATED)
    return;   /* not (or no longer) ours to show */
  add_call (self, id, direction, number ? number : "",
            state < 0 ? MM_CALL_STATE_RINGING_IN : state,
            reason ? reason : MM_CALL_STATE_REASON_INCOMING_NEW);
}

static gboolean
handle_create_call (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation, GVariant *args)
{
  CellsVmodemVoice *self = CELLS_VMODEM_VOICE (voice);
  const char *number = NULL;
  CellsVmodemCall *call;

  if (!g_variant_lookup (args, "number", "&s", &number) ||
      !cells_vmodem_util_number_is_dialable (number)) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_INVALID_ARGS,
                                           "A call needs a number to dial: digits, +, * and #.");
    return TRUE;
  }
  if (g_hash_table_size (self->calls) >= MAX_CALLS) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_TOO_MANY,
                                           "Too many calls; delete some first.");
    return TRUE;
  }
  call = add_call (self, 0, MM_CALL_DIRECTION_OUTGOING, number, MM_CALL_STATE_UNKNOWN,
                   MM_CALL_STATE_REASON_UNKNOWN);
  mm_gdbus_modem_voice_complete_create_call (voice, invocation, cells_vmodem_call_get_path (call));
  return TRUE;
}

static gboolean
handle_list_calls (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation)
{
  CellsVmodemVoice *self = CELLS_VMODEM_VOICE (voice);
  g_auto(GStrv) paths = cells_vmodem_util_sorted_paths (self->calls);

  mm_gdbus_modem_voice_complete_list_calls (voice, invocation, (const char *const *) paths);
  return TRUE;
}

static gboolean
handle_delete_call (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation, const char *path)
{
  CellsVmodemVoice *self = CELLS_VMODEM_VOICE (voice);
  CellsVmodemCall *call = g_hash_table_lookup (self->calls, path);
  guint id;

  if (call == NULL) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_NOT_FOUND,
                                           "There is no call %s.", path);
    return TRUE;
  }
  id = cells_vmodem_call_get_id (call);
  if (!cells_vmodem_call_is_over (call) && id != 0)
    cells_dbus_modem_bridge_call_hangup (self->bridge, id, NULL, NULL, NULL);
  remove_call (self, call);
  mm_gdbus_modem_voice_complete_delete_call (voice, invocation);
  return TRUE;
}

static void
hang_up_all (CellsVmodemVoice *self, gboolean only_active)
{
  GHashTableIter iter;
  CellsVmodemCall *call;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call)) {
    MMCallState state = mm_gdbus_call_get_state (MM_GDBUS_CALL (call));

    if (cells_vmodem_call_is_over (call) || (only_active && state != MM_CALL_STATE_ACTIVE))
      continue;
    cells_vmodem_call_end (call);
  }
}

static gboolean
handle_hangup_all (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation)
{
  hang_up_all (CELLS_VMODEM_VOICE (voice), FALSE);
  mm_gdbus_modem_voice_complete_hangup_all (voice, invocation);
  return TRUE;
}

/* Call waiting as the app decides: end the active call, take the waiting one. */
static gboolean
handle_hangup_and_accept (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation)
{
  CellsVmodemVoice *self = CELLS_VMODEM_VOICE (voice);
  GHashTableIter iter;
  CellsVmodemCall *call;

  hang_up_all (self, TRUE);
  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call)) {
    if (mm_gdbus_call_get_state (MM_GDBUS_CALL (call)) == MM_CALL_STATE_WAITING)
      cells_dbus_modem_bridge_call_accept (self->bridge, cells_vmodem_call_get_id (call),
                                           NULL, NULL, NULL);
  }
  mm_gdbus_modem_voice_complete_hangup_and_accept (voice, invocation);
  return TRUE;
}

static gboolean
handle_call_waiting_query (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation)
{
  /* A second call reaches the cell as a waiting call; it is always on. */
  mm_gdbus_modem_voice_complete_call_waiting_query (voice, invocation, TRUE);
  return TRUE;
}

static gboolean
handle_call_waiting_setup (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation,
                           gboolean enable)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_hold_and_accept (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_transfer (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static void
cells_vmodem_voice_iface_init (MmGdbusModemVoiceIface *iface)
{
  iface->handle_create_call = handle_create_call;
  iface->handle_list_calls = handle_list_calls;
  iface->handle_delete_call = handle_delete_call;
  iface->handle_hangup_all = handle_hangup_all;
  iface->handle_hangup_and_accept = handle_hangup_and_accept;
  iface->handle_call_waiting_query = handle_call_waiting_query;
  iface->handle_call_waiting_setup = handle_call_waiting_setup;
  iface->handle_hold_and_accept = handle_hold_and_accept;
  iface->handle_transfer = handle_transfer;
}

static void
cells_vmodem_voice_dispose (GObject *object)
{
  CellsVmodemVoice *self = CELLS_VMODEM_VOICE (object);

  if (self->bridge != NULL)
    g_signal_handlers_disconnect_by_data (self->bridge, self);
  g_clear_object (&self->bridge);
  /* The calls go with the modem, without a word on the bus. */
  g_hash_table_remove_all (self->calls);

  G_OBJECT_CLASS (cells_vmodem_voice_parent_class)->dispose (object);
}

static void
cells_vmodem_voice_finalize (GObject *object)
{
  CellsVmodemVoice *self = CELLS_VMODEM_VOICE (object);

  g_hash_table_unref (self->calls);

  G_OBJECT_CLASS (cells_vmodem_voice_parent_class)->finalize (object);
}

static void
cells_vmodem_voice_class_init (CellsVmodemVoiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cells_vmodem_voice_dispose;
  object_class->finalize = cells_vmodem_voice_finalize;
}

static void
cells_vmodem_voice_init (CellsVmodemVoice *self)
{
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       cells_vmodem_util_unexport_and_unref);
}

/**
 * cells_vmodem_voice_new:
 * @bridge: cellsd's bridge
 *
 * Returns: (transfer full): the voice interface of the cell's modem, with
 *   no calls
 */
CellsVmodemVoice *
cells_vmodem_voice_new (CellsDBusModemBridge *bridge)
{
  CellsVmodemVoice *self;

  g_return_val_if_fail (CELLS_DBUS_IS_MODEM_BRIDGE (bridge), NULL);

  self = g_object_new (CELLS_TYPE_VMODEM_VOICE, NULL);
  self->bridge = g_object_ref (bridge);
  g_signal_connect (bridge, "call-changed", G_CALLBACK (on_call_changed), self);
  return self;
}
