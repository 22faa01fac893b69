/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-sim"

#include "cells-sim.h"
#include "cells-calls.h"
#include "cells-errors.h"

#include <libmm-glib.h>

/**
 * CellsSim:
 *
 * The phone's own modem and SIM, as ModemManager drives it: cellsd is
 * ModemManager's only client. This follows ModemManager coming and going
 * and the modems it shows, takes the first one that can make calls,
 * enables it, and reports its line (state, own number, network). Calls
 * get ids of the one series (cells_call_id_new); each call's states are
 * reported as "call-changed" with ModemManager's values, an outgoing one
 * only after its Dial has been answered. Received messages are offered
 * through "message-received" and deleted from the modem only once the
 * cell's modem shows them (take_message), so a message that arrives while no cell takes
 * it, or that a cell's modem never showed, waits on the modem.
 *
 * When ModemManager or the modem goes away, every call is reported
 * terminated (reason error) and forgotten. A CellsLineBackend: the one
 * SIM line, shared by whichever cell has it.
 */

/**
 * CellsSimState:
 * @CELLS_SIM_NO_MODEM: ModemManager runs no usable modem (or does not run)
 * @CELLS_SIM_LOCKED: the SIM waits for its PIN
 * @CELLS_SIM_SEARCHING: enabled, not registered to a network
 * @CELLS_SIM_REGISTERED: calls and messages go through
 */
typedef enum {
  CELLS_SIM_NO_MODEM,
  CELLS_SIM_LOCKED,
  CELLS_SIM_SEARCHING,
  CELLS_SIM_REGISTERED,
} CellsSimState;

struct _CellsSim {
  GObject           parent;

  GCancellable     *cancellable;
  MMManager        *manager;
  MMObject         *object;
  MMModem          *modem;
  MMModem3gpp      *modem3gpp;
  MMModemVoice     *voice;
  MMModemMessaging *messaging;
  char             *imsi;
  GHashTable       *calls;      /* id → SimCall */
  GHashTable       *taken_sms;  /* paths offered to a cell, not yet deleted */
  gboolean          enabling;
};

typedef struct {
  CellsSim *sim;
  guint     id;
  MMCall   *call;
  gboolean  announced;
} SimCall;

static void cells_sim_backend_init (CellsLineBackendInterface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsSim, cells_sim, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (CELLS_TYPE_LINE_BACKEND, cells_sim_backend_init))

static void sim_call_free (SimCall *c);

static GVariant *
call_properties (MMCall *call, gboolean all)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (all)
    g_variant_builder_add (&b, "{sv}", "direction",
                           g_variant_new_uint32 (mm_call_get_direction (call)));
  g_variant_builder_add (&b, "{sv}", "number",
                         g_variant_new_string (mm_call_get_number (call) ?: ""));
  g_variant_builder_add (&b, "{sv}", "state", g_variant_new_int32 (mm_call_get_state (call)));
  g_variant_builder_add (&b, "{sv}", "state-reason",
                         g_variant_new_uint32 (mm_call_get_state_reason (call)));
  return g_variant_builder_end (&b);
}

static void
emit_call (SimCall *c, GVariant *props)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (props);

  if (c->announced)
    cells_line_backend_emit_call_changed (CELLS_LINE_BACKEND (c->sim), c->id, owned);
}

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!mm_modem_voice_delete_call_finish (MM_MODEM_VOICE (source), result, &error))
    g_debug ("Deleting a call from the modem: %s", error->message);
}

/* A call that ended is reported, then removed from the modem. */
static void
forget_call (CellsSim *self, SimCall *c)
{
  if (self->voice != NULL)
    mm_modem_voice_delete_call (self->voice, mm_call_get_path (c->call), NULL, on_deleted, NULL);
  g_hash_table_remove (self->calls, GUINT_TO_POINTER (c->id));
}

static void
on_call_state_changed (MMCall *call, gint old, gint new, guint reason, SimCall *c)
{
  GVariantBuilder b;

  g_debug ("Call %u: %s → %s (%s)", c->id, mm_call_state_get_string (old),
           mm_call_state_get_string (new), mm_call_state_reason_get_string (reason));
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "state", g_variant_new_int32 (new));
  g_variant_builder_add (&b, "{sv}", "state-reason", g_variant_new_uint32 (reason));
  emit_call (c, g_variant_builder_end (&b));
  if (new == MM_CALL_STATE_TERMINATED)
    forget_call (c->sim, c);
}

static void
on_call_number (MMCall *call, GParamSpec *pspec, SimCall *c)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "number",
                         g_variant_new_string (mm_call_get_number (call) ?: ""));
  emit_call (c, g_variant_builder_end (&b));
}

static SimCall *
track_call (CellsSim *self, MMCall *call, gboolean announced)
{
  SimCall *c = g_new0 (SimCall, 1);

  c->sim = self;
  c->id = cells_call_id_new ();
  c->call = g_object_ref (call);
  c->announced = announced;
  g_signal_connect (call, "state-changed", G_CALLBACK (on_call_state_changed), c);
  g_signal_connect (call, "notify::number", G_CALLBACK (on_call_number), c);
  g_hash_table_insert (self->calls, GUINT_TO_POINTER (c->id), c);
  return c;
}

static void
sim_call_free (SimCall *c)
{
  g_signal_handlers_disconnect_by_data (c->call, c);
  g_object_unref (c->call);
  g_free (c);
}

static SimCall *
find_call_by_path (CellsSim *self, const char *path)
{
  GHashTableIter iter;
  SimCall *c;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &c)) {
    if (g_strcmp0 (mm_call_get_path (c->call), path) == 0)
      return c;
  }
  return NULL;
}

/* Incoming calls */

static void
on_list_calls_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CellsSim) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *calls = mm_modem_voice_list_calls_finish (MM_MODEM_VOICE (source), result, &error);

  if (error != NULL) {
    g_debug ("Listing the modem's calls: %s", error->message);
    return;
  }
  for (GList *l = calls; l != NULL; l = l->next) {
    MMCall *call = l->data;
    SimCall *c;

    /* Outgoing calls are the ones cellsd placed; they are tracked already. */
    if (source != (GObject *) self->voice ||
        find_call_by_path (self, mm_call_get_path (call)) != NULL ||
        mm_call_get_direction (call) != MM_CALL_DIRECTION_INCOMING ||
        mm_call_get_state (call) == MM_CALL_STATE_TERMINATED)
      continue;
    c = track_call (self, call, TRUE);
    g_message ("Incoming call %u from “%s” on the SIM", c->id, mm_call_get_number (call));
    emit_call (c, call_properties (call, TRUE));
  }
  g_list_free_full (calls, g_object_unref);
}

static void
on_call_added (MMModemVoice *voice, const char *path, CellsSim *self)
{
  mm_modem_voice_list_calls (voice, self->cancellable, on_list_calls_ready, g_object_ref (self));
}

/* Received messages */

static void
on_sms_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CellsSim) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mm_modem_messaging_delete_finish (MM_MODEM_MESSAGING (source), result, &error))
    g_warning ("A message handed to a cell could not be deleted from the modem: %s",
               error->message);
}

static void
offer_sms (CellsSim *self, MMSms *sms)
{
  const char *path = mm_sms_get_path (sms);
  gboolean taken;

  if (mm_sms_get_pdu_type (sms) != MM_SMS_PDU_TYPE_DELIVER ||
      mm_sms_get_state (sms) != MM_SMS_STATE_RECEIVED ||
      g_hash_table_contains (self->taken_sms, path))
    return;
  taken = cells_line_backend_emit_message (
      CELLS_LINE_BACKEND (self), path, mm_sms_get_number (sms) ?: "", mm_sms_get_text (sms) ?: "",
      mm_sms_get_timestamp (sms) ?: "");
  if (!taken) {
    g_message ("A message from “%s” waits on the modem: no cell takes the SIM's messages now",
               mm_sms_get_number (sms));
    return;
  }
  g_hash_table_add (self->taken_sms, g_strdup (path));
}

/* The cell shows the message: it is deleted from the modem. */
static void
take_message (CellsLineBackend *backend, const char *path)
{
  CellsSim *self = CELLS_SIM (backend);

  if (self->messaging == NULL || !g_hash_table_contains (self->taken_sms, path))
    return;
  mm_modem_messaging_delete (self->messaging, path, NULL, on_sms_deleted, g_object_ref (self));
}

static void
on_list_sms_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CellsSim) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *list = mm_modem_messaging_list_finish (MM_MODEM_MESSAGING (source), result, &error);

  if (error != NULL) {
    g_debug ("Listing the modem's messages: %s", error->message);
    return;
  }
  for (GList *l = list; l != NULL && source == (GObject *) self->messaging; l = l->next)
    offer_sms (self, l->data);
  g_list_free_full (list, g_object_unref);
}

/* Offers the received messages on the modem through "message-received";
 * @again: also those offered before and not taken (a new virtual modem of
 * the SIM cell has come up). */
static void
deliver_messages (CellsSim *self, gboolean again)
{
  if (again)
    g_hash_table_remove_all (self->taken_sms);
  if (self->messaging != NULL)
    mm_modem_messaging_list (self->messaging, self->cancellable, on_list_sms_ready,
                             g_object_ref (self));
}

static void
on_sms_added (MMModemMessaging *messaging, const char *path, gboolean received, CellsSim *self)
{
  /* Listed when complete: a message in parts shows "receiving" first. */
  if (received)
    deliver_messages (self, FALSE);
}

static void
on_sms_state (MMModemMessaging *messaging, GParamSpec *pspec, CellsSim *self)
{
  deliver_messages (self, FALSE);
}

/* The modem */

static void
changed (CellsSim *self)
{
  cells_line_backend_emit_changed (CELLS_LINE_BACKEND (self));
}

static void
on_sim_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CellsSim) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MMSim) sim = mm_modem_get_sim_finish (MM_MODEM (source), result, &error);

  if (sim == NULL || (MMModem *) source != self->modem)
    return;
  g_free (self->imsi);
  self->imsi = g_strdup (mm_sim_get_imsi (sim));
  changed (self);
}

static void
on_enable_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CellsSim) self = user_data;
  g_autoptr(GError) error = NULL;

  self->enabling = FALSE;
  if (!mm_modem_enable_finish (MM_MODEM (source), result, &error))
    g_warning ("The modem could not be enabled: %s", error->message);
}

static void
on_modem_state (MMModem *modem, GParamSpec *pspec, CellsSim *self)
{
  MMModemState state = mm_modem_get_state (modem);

  g_debug ("Modem state: %s", mm_modem_state_get_string (state));
  /* Nobody else enables it: cellsd is ModemManager's only client. */
  if (state == MM_MODEM_STATE_DISABLED && !self->enabling) {
    self->enabling = TRUE;
    g_message ("Enabling the modem %s", mm_modem_get_path (modem));
    mm_modem_enable (modem, self->cancellable, on_enable_ready, g_object_ref (self));
  }
  if (state >= MM_MODEM_STATE_ENABLED && self->imsi == NULL)
    mm_modem_get_sim (modem, self->cancellable, on_sim_ready, g_object_ref (self));
  changed (self);
}

static void
on_modem_changed (GObject *object, GParamSpec *pspec, CellsSim *self)
{
  changed (self);
}

static void
end_all_calls (CellsSim *self)
{
  GHashTableIter iter;
  SimCall *c;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &c)) {
    GVariantBuilder b;

    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "state", g_variant_new_int32 (MM_CALL_STATE_TERMINATED));
    g_variant_builder_add (&b, "{sv}", "state-reason",
                           g_variant_new_uint32 (MM_CALL_STATE_REASON_ERROR));
    emit_call (c, g_variant_builder_end (&b));
    g_hash_table_iter_remove (&iter);
  }
}

static void
drop_modem (CellsSim *self)
{
  if (self->object == NULL)
    return;
  g_message ("The modem %s is gone", mm_object_get_path (self->object));
  end_all_calls (self);
  g_signal_handlers_disconnect_by_data (self->modem, self);
  if (self->modem3gpp != NULL)
    g_signal_handlers_disconnect_by_data (self->modem3gpp, self);
  g_signal_handlers_disconnect_by_data (self->voice, self);
  if (self->messaging != NULL)
    g_signal_handlers_disconnect_by_data (self->messaging, self);
  g_clear_object (&self->modem);
  g_clear_object (&self->modem3gpp);
  g_clear_object (&self->voice);
  g_clear_object (&self->messaging);
  g_clear_object (&self->object);
  g_clear_pointer (&self->imsi, g_free);
  g_hash_table_remove_all (self->taken_sms);
  self->enabling = FALSE;
  changed (self);
}

static void
take_modem (CellsSim *self, MMObject *object)
{
  self->object = g_object_ref (object);
  self->modem = mm_object_get_modem (object);
  self->modem3gpp = mm_object_get_modem_3gpp (object);
  self->voice = mm_object_get_modem_voice (object);
  self->messaging = mm_object_get_modem_messaging (object);
  g_message ("Using the modem %s (%s %s)", mm_object_get_path (object),
             mm_modem_get_manufacturer (self->modem), mm_modem_get_model (self->modem));
  g_signal_connect (self->modem, "notify::state", G_CALLBACK (on_modem_state), self);
  g_signal_connect (self->modem, "notify::own-numbers", G_CALLBACK (on_modem_changed), self);
  g_signal_connect (self->modem, "notify::signal-quality", G_CALLBACK (on_modem_changed), self);
  g_signal_connect (self->modem, "notify::equipment-identifier", G_CALLBACK (on_modem_changed),
                    self);
  if (self->modem3gpp != NULL) {
    g_signal_connect (self->modem3gpp, "notify::operator-name", G_CALLBACK (on_modem_changed),
                      self);
    g_signal_connect (self->modem3gpp, "notify::operator-code", G_CALLBACK (on_modem_changed),
                      self);
  }
  g_signal_connect (self->voice, "call-added", G_CALLBACK (on_call_added), self);
  if (self->messaging != NULL) {
    g_signal_connect (self->messaging, "added", G_CALLBACK (on_sms_added), self);
    g_signal_connect (self->messaging, "notify::messages", G_CALLBACK (on_sms_state), self);
  }
  on_modem_state (self->modem, NULL, self);
  on_call_added (self->voice, NULL, self);
  deliver_messages (self, FALSE);
}

/* The first modem that can make calls. */
static void
pick_modem (CellsSim *self)
{
  g_autolist(GDBusObject) objects = NULL;

  if (self->object != NULL || self->manager == NULL)
    return;
  objects = g_dbus_object_manager_get_objects (G_DBUS_OBJECT_MANAGER (self->manager));
  for (GList *l = objects; l != NULL; l = l->next) {
    MMObject *object = MM_OBJECT (l->data);

    if (mm_object_peek_modem (object) != NULL && mm_object_peek_modem_voice (object) != NULL) {
      take_modem (self, object);
      return;
    }
  }
}

static void
on_object_added (GDBusObjectManager *manager, GDBusObject *object, CellsSim *self)
{
  pick_modem (self);
}

static void
on_object_removed (GDBusObjectManager *manager, GDBusObject *object, CellsSim *self)
{
  if ((GDBusObject *) self->object == object) {
    drop_modem (self);
    pick_modem (self);
  }
}

static void
on_interface_added (GDBusObjectManager *manager, GDBusObject *object, GDBusInterface *iface,
                    CellsSim *self)
{
  /* A modem shows Voice only once it is enabled enough. */
  pick_modem (self);
}

static void
on_name_owner (GObject *manager, GParamSpec *pspec, CellsSim *self)
{
  g_autofree char *owner =
      g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (manager));

  if (owner == NULL) {
    g_message ("ModemManager is not running");
    drop_modem (self);
  } else {
    g_message ("ModemManager is running (%s)", owner);
    pick_modem (self);
  }
}

static void
on_manager_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CellsSim) self = user_data;
  g_autoptr(GError) error = NULL;
  MMManager *manager = mm_manager_new_finish (result, &error);

  if (manager == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("No ModemManager client: %s; cells get no SIM line", error->message);
    return;
  }
  self->manager = manager;
  g_signal_connect (manager, "object-added", G_CALLBACK (on_object_added), self);
  g_signal_connect (manager, "object-removed", G_CALLBACK (on_object_removed), self);
  g_signal_connect (manager, "interface-added", G_CALLBACK (on_interface_added), self);
  g_signal_connect (manager, "notify::name-owner", G_CALLBACK (on_name_owner), self);
  on_name_owner (G_OBJECT (manager), NULL, self);
}

/* Operations */

static SimCall *
lookup_call (CellsSim *self, guint id, GTask *task)
{
  SimCall *c = g_hash_table_lookup (self->calls, GUINT_TO_POINTER (id));

  if (c == NULL)
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_NOT_FOUND, "There is no call %u.", id);
  return c;
}

static gboolean
check_modem (CellsSim *self, GTask *task)
{
  if (self->voice != NULL)
    return TRUE;
  g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_NOT_RUNNING,
                           "The phone has no modem ModemManager can use right now.");
  return FALSE;
}

static void
return_modem_error (GTask *task, GError *error)
{
  g_dbus_error_strip_remote_error (error);
  g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_FAILED, "The modem refused: %s",
                           error->message);
}

static void
on_start_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CellsSim *self = g_task_get_source_object (task);
  SimCall *c = find_call_by_path (self, mm_call_get_path (MM_CALL (source)));
  g_autoptr(GError) error = NULL;

  if (!mm_call_start_finish (MM_CALL (source), result, &error)) {
    if (c != NULL)
      forget_call (self, c);
    return_modem_error (task, error);
    return;
  }
  if (c == NULL) {
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_FAILED, "The modem went away.");
    return;
  }
  g_task_return_int (task, c->id);
  /* Its id is known now: everything from here on is reported. */
  c->announced = TRUE;
  emit_call (c, call_properties (c->call, TRUE));
}

static void
on_create_call_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CellsSim *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MMCall) call =
      mm_modem_voice_create_call_finish (MM_MODEM_VOICE (source), result, &error);

  if (call == NULL) {
    return_modem_error (task, error);
    return;
  }
  if ((MMModemVoice *) source != self->voice) {
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_FAILED, "The modem went away.");
    return;
  }
  track_call (self, call, FALSE);
  mm_call_start (call, NULL, on_start_ready, g_steal_pointer (&task));
}

static void
dial_async (CellsLineBackend *backend, const char *number, GAsyncReadyCallback callback,
            gpointer user_data)
{
  CellsSim *self = CELLS_SIM (backend);
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(MMCallProperties) props = mm_call_properties_new ();

  if (!check_modem (self, task))
    return;
  mm_call_properties_set_number (props, number);
  g_message ("Calling “%s” on the SIM", number);
  mm_modem_voice_create_call (self->voice, props, NULL, on_create_call_ready,
                              g_steal_pointer (&task));
}

static guint
dial_finish (CellsLineBackend *backend, GAsyncResult *result, GError **error)
{
  gssize id = g_task_propagate_int (G_TASK (result), error);

  return id < 0 ? 0 : id;
}

typedef gboolean (*CallFinish) (MMCall *call, GAsyncResult *result, GError **error);

static void
on_call_op_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CallFinish finish = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!finish (MM_CALL (source), result, &error))
    return_modem_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static GTask *
call_op_task (CellsSim *self, CallFinish finish, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_task_data (task, finish, NULL);
  return task;
}

static void
accept_async (CellsLineBackend *backend, guint id, GAsyncReadyCallback callback, gpointer user_data)
{
  CellsSim *self = CELLS_SIM (backend);
  g_autoptr(GTask) task = call_op_task (self, mm_call_accept_finish, callback, user_data);
  SimCall *c = lookup_call (self, id, task);

  if (c != NULL)
    mm_call_accept (c->call, NULL, on_call_op_ready, g_steal_pointer (&task));
}

static void
hangup_async (CellsLineBackend *backend, guint id, GAsyncReadyCallback callback, gpointer user_data)
{
  CellsSim *self = CELLS_SIM (backend);
  g_autoptr(GTask) task = call_op_task (self, mm_call_hangup_finish, callback, user_data);
  SimCall *c = lookup_call (self, id, task);

  if (c != NULL)
    mm_call_hangup (c->call, NULL, on_call_op_ready, g_steal_pointer (&task));
}

static void
send_dtmf_async (CellsLineBackend *backend, guint id, const char *tones,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  CellsSim *self = CELLS_SIM (backend);
  g_autoptr(GTask) task = call_op_task (self, mm_call_send_dtmf_finish, callback, user_data);
  SimCall *c = lookup_call (self, id, task);

  if (c != NULL)
    mm_call_send_dtmf (c->call, tones, NULL, on_call_op_ready, g_steal_pointer (&task));
}

static gboolean
has_call (CellsLineBackend *backend, guint id)
{
  return g_hash_table_contains (CELLS_SIM (backend)->calls, GUINT_TO_POINTER (id));
}

static void
on_sent_sms_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!mm_modem_messaging_delete_finish (MM_MODEM_MESSAGING (source), result, &error))
    g_debug ("Deleting a sent message from the modem: %s", error->message);
}

static void
on_sms_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CellsSim *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  gboolean ok = mm_sms_send_finish (MM_SMS (source), result, &error);

  if (self->messaging != NULL)
    mm_modem_messaging_delete (self->messaging, mm_sms_get_path (MM_SMS (source)), NULL,
                               on_sent_sms_deleted, NULL);
  if (!ok)
    return_modem_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_sms_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MMSms) sms =
      mm_modem_messaging_create_finish (MM_MODEM_MESSAGING (source), result, &error);

  if (sms == NULL) {
    return_modem_error (task, error);
    return;
  }
  mm_sms_send (sms, NULL, on_sms_sent, g_steal_pointer (&task));
}

static void
send_message_async (CellsLineBackend *backend, const char *number, const char *text,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  CellsSim *self = CELLS_SIM (backend);
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(MMSmsProperties) props = mm_sms_properties_new ();

  if (self->messaging == NULL) {
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_NOT_RUNNING,
                             "The phone has no modem that can send messages right now.");
    return;
  }
  mm_sms_properties_set_number (props, number);
  mm_sms_properties_set_text (props, text);
  g_message ("Sending a message to “%s” on the SIM", number);
  mm_modem_messaging_create (self->messaging, props, NULL, on_sms_created, g_steal_pointer (&task));
}

static gboolean
op_finish (CellsLineBackend *backend, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The line */

static CellsSimState
get_state (CellsSim *self)
{
  MMModemState state;

  if (self->modem == NULL)
    return CELLS_SIM_NO_MODEM;
  state = mm_modem_get_state (self->modem);
  if (state == MM_MODEM_STATE_LOCKED)
    return CELLS_SIM_LOCKED;
  if (state >= MM_MODEM_STATE_REGISTERED)
    return CELLS_SIM_REGISTERED;
  if (state == MM_MODEM_STATE_FAILED || state == MM_MODEM_STATE_UNKNOWN)
    return CELLS_SIM_NO_MODEM;
  return CELLS_SIM_SEARCHING;
}

static const char *
state_to_string (CellsSimState state)
{
  static const char *const names[] = { "no-modem", "locked", "searching", "registered" };

  return names[state];
}

static const char *
own_number (CellsSim *self)
{
  const char *const *numbers = self->modem ? mm_modem_get_own_numbers (self->modem) : NULL;

  return numbers && numbers[0] ? numbers[0] : "";
}

static void
get_info (CellsLineBackend *backend, CellsLineInfo *info)
{
  CellsSim *self = CELLS_SIM (backend);
  CellsSimState state = get_state (self);
  MMModem3gpp *m3gpp = self->modem3gpp;

  *info = (CellsLineInfo) {
    .own_number = own_number (self),
    .state = state_to_string (state),
    .registered = state == CELLS_SIM_REGISTERED,
    .present = state != CELLS_SIM_NO_MODEM,
    .operator_name = m3gpp ? mm_modem_3gpp_get_operator_name (m3gpp) ?: "" : "",
    .operator_code = m3gpp ? mm_modem_3gpp_get_operator_code (m3gpp) ?: "" : "",
    .imei = self->modem ? mm_modem_get_equipment_identifier (self->modem) ?: "" : "",
    .imsi = self->imsi ?: "",
    .signal_quality = self->modem ? mm_modem_get_signal_quality (self->modem, NULL) : 0,
  };
}

/* A new virtual modem of the SIM cell listens: it gets the waiting messages. */
static void
attached (CellsLineBackend *backend)
{
  deliver_messages (CELLS_SIM (backend), TRUE);
}

static void
cells_sim_backend_init (CellsLineBackendInterface *iface)
{
  iface->get_info = get_info;
  iface->has_call = has_call;
  iface->dial_async = dial_async;
  iface->dial_finish = dial_finish;
  iface->accept_async = accept_async;
  iface->hangup_async = hangup_async;
  iface->send_dtmf_async = send_dtmf_async;
  iface->send_message_async = send_message_async;
  iface->op_finish = op_finish;
  iface->attached = attached;
  iface->take_message = take_message;
}

static void
cells_sim_dispose (GObject *object)
{
  CellsSim *self = CELLS_SIM (object);

  g_cancellable_cancel (self->cancellable);
  drop_modem (self);
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (cells_sim_parent_class)->dispose (object);
}

static void
cells_sim_finalize (GObject *object)
{
  CellsSim *self = CELLS_SIM (object);

  g_hash_table_unref (self->calls);
  g_hash_table_unref (self->taken_sms);
  g_object_unref (self->cancellable);
  G_OBJECT_CLASS (cells_sim_parent_class)->finalize (object);
}

static void
cells_sim_class_init (CellsSimClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cells_sim_dispose;
  object_class->finalize = cells_sim_finalize;
}

static void
cells_sim_init (CellsSim *self)
{
  self->cancellable = g_cancellable_new ();
  self->calls = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sim_call_free);
  self->taken_sms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * cells_sim_new:
 * @system_bus: where ModemManager is
 */
CellsSim *
cells_sim_new (GDBusConnection *system_bus)
{
  CellsSim *self = g_object_new (CELLS_TYPE_SIM, NULL);

  mm_manager_new (system_bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                  self->cancellable, on_manager_ready, g_object_ref (self));
  return self;
}
