/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem"

#include "cells-config.h"
#include "cells-vmodem.h"

#include <libmm-glib.h>

#include <string.h>

/**
 * SECTION:cells-vmodem
 *
 * The virtual ModemManager of one cell. It owns
 * `org.freedesktop.ModemManager1` on the cell's own system bus and
 * exports what an unmodified phone app (GNOME Calls, Chatty, mmcli) looks
 * for: the ObjectManager at `/org/freedesktop/ModemManager1` with one
 * modem (Modem, Modem3gpp, Voice, Messaging), its SIM, and a Call or Sms
 * object per call and message. It holds no line of its own: every call
 * and message goes to cellsd over the bridge (a peer-to-peer D-Bus
 * connection, see org.cells.Cells1.ModemBridge), and what cellsd says of
 * the line, its calls and messages shows on these objects.
 *
 * The modem is shown while the bridge says the line is present; the
 * cell's bus may come and go (the cell's dbus-daemon starts after cellsd
 * starts this), and is connected again when it does.
 */

#define MODEM_PATH MM_DBUS_MODEM_PREFIX "/0"
#define SIM_PATH MM_DBUS_PATH "/SIM/0"
#define CALL_PREFIX MM_DBUS_PATH "/Call/"
#define SMS_PATH_PREFIX MM_DBUS_PATH "/SMS/"
#define RETRY_MS 250
/* What a cell can make its virtual modem hold; ModemManager has limits too. */
#define MAX_CALLS 8
#define MAX_MESSAGES 1000
#define MAX_TEXT 4096
#define EMULATED_MM_VERSION "1.20.4"

static const char *const emergency_numbers[] = { "112", "911", NULL };

struct _CellsVmodem {
  char                               *cell;
  char                               *bus_address;
  CellsDBusModemBridge               *bridge;
  GDBusConnection                    *bus;
  GCancellable                       *cancellable;
  guint                               retry_id;
  guint                               owner_id;
  guint                               attempts;
  GDBusObjectManagerServer           *om;
  MmGdbusOrgFreedesktopModemManager1 *manager;
  MmGdbusObjectSkeleton              *object;      /* the modem, while shown */
  MmGdbusModem                       *modem;
  MmGdbusModem3gpp                   *modem3gpp;
  MmGdbusModemVoice                  *voice;
  MmGdbusModemMessaging              *messaging;
  MmGdbusSim                         *sim;
  GHashTable                         *calls;      /* path → VCall */
  GHashTable                         *messages;   /* path → MmGdbusSms */
  GQueue                              pending_sms; /* GVariant (ssss) received while hidden */
  guint                               next_call;
  guint                               next_sms;
};

typedef struct {
  CellsVmodem *vm;
  char        *path;
  MmGdbusCall *skeleton;
  guint        id;        /* the bridge's, 0 before Start */
  gboolean     starting;  /* Start waits for cellsd's Dial */
} VCall;

/* A call into cellsd on behalf of one object, which may be gone when it returns. */
typedef struct {
  CellsVmodem           *vm;
  char                  *path;
  GDBusMethodInvocation *invocation;
} Pending;

static void try_connect (CellsVmodem *self);

static Pending *
pending_new (CellsVmodem *vm, const char *path, GDBusMethodInvocation *invocation)
{
  Pending *p = g_new0 (Pending, 1);

  p->vm = vm;
  p->path = g_strdup (path);
  p->invocation = g_object_ref (invocation);
  return p;
}

static void
pending_free (Pending *p)
{
  g_free (p->path);
  g_object_unref (p->invocation);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static void
vcall_free (VCall *call)
{
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (call->skeleton));
  g_signal_handlers_disconnect_by_data (call->skeleton, call);
  g_object_unref (call->skeleton);
  g_free (call->path);
  g_free (call);
}

static void
unexport_and_unref (gpointer data)
{
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (data));
  g_object_unref (data);
}

static int
compare_paths (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const char *pa = *(const char *const *) a, *pb = *(const char *const *) b;

  /* By number: Call/10 comes after Call/9. */
  if (strlen (pa) != strlen (pb))
    return strlen (pa) < strlen (pb) ? -1 : 1;
  return strcmp (pa, pb);
}

static GStrv
hash_paths (GHashTable *table)
{
  g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (table, NULL);
  GStrv paths = g_strdupv ((char **) keys);

  /* Oldest first, as ModemManager lists them. */
  g_qsort_with_data (paths, g_strv_length (paths), sizeof (char *), compare_paths, NULL);
  return paths;
}

static gboolean
call_is_over (VCall *call)
{
  return mm_gdbus_call_get_state (call->skeleton) == MM_CALL_STATE_TERMINATED;
}

static VCall *
find_call_by_id (CellsVmodem *self, guint id)
{
  GHashTableIter iter;
  VCall *call;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call)) {
    if (call->id == id && id != 0)
      return call;
  }
  return NULL;
}

static void
return_mm_error (GDBusMethodInvocation *invocation, GError *error)
{
  /* cellsd's errors carry a sentence; phone apps know ModemManager's names. */
  g_dbus_error_strip_remote_error (error);
  g_dbus_method_invocation_return_error_literal (invocation, MM_CORE_ERROR, MM_CORE_ERROR_FAILED,
                                                 error->message);
}

static gboolean
unsupported (gpointer object, GDBusMethodInvocation *invocation)
{
  g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_UNSUPPORTED,
                                         "%s is not supported by this cell's modem.",
                                         g_dbus_method_invocation_get_method_name (invocation));
  return TRUE;
}

/* Calls */

static void
set_call_state (VCall *call, MMCallState state, MMCallStateReason reason)
{
  MMCallState old = mm_gdbus_call_get_state (call->skeleton);

  if (old == state)
    return;
  mm_gdbus_call_set_state (call->skeleton, state);
  mm_gdbus_call_set_state_reason (call->skeleton, reason);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (call->skeleton));
  mm_gdbus_call_emit_state_changed (call->skeleton, old, state, reason);
  g_debug ("Cell “%s”: call %s %s → %s", call->vm->cell, call->path,
           mm_call_state_get_string (old), mm_call_state_get_string (state));
}

static void
sync_call_list (CellsVmodem *self)
{
  g_auto(GStrv) paths = hash_paths (self->calls);

  mm_gdbus_modem_voice_set_calls (self->voice, (const char *const *) paths);
  /* Clients rely on the Calls property changing before CallAdded. */
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->voice));
}

static void
on_bridge_call_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  GVariant *ret = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);

  if (ret == NULL) {
    return_mm_error (invocation, error);
    return;
  }
  g_variant_unref (ret);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

/* Passes a call's method on to cellsd and answers when it does. */
static void
forward_call (VCall *call, GDBusMethodInvocation *invocation, const char *method, GVariant *args)
{
  g_dbus_proxy_call (G_DBUS_PROXY (call->vm->bridge), method, args, G_DBUS_CALL_FLAGS_NONE, -1,
                     NULL, on_bridge_call_ready, g_object_ref (invocation));
}

static void
on_dial_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Pending) p = user_data;
  GDBusMethodInvocation *invocation = p->invocation;
  VCall *call = g_hash_table_lookup (p->vm->calls, p->path);
  g_autoptr(GError) error = NULL;
  guint id = 0;

  if (!cells_dbus_modem_bridge_call_dial_finish (CELLS_DBUS_MODEM_BRIDGE (source), &id, result, &error)) {
    if (call != NULL)
      set_call_state (call, MM_CALL_STATE_TERMINATED, MM_CALL_STATE_REASON_ERROR);
    return_mm_error (invocation, error);
    return;
  }
  if (call != NULL)
    call->starting = FALSE;
  if (call == NULL || call_is_over (call)) {
    /* Deleted or hung up while it was being placed: end it. */
    cells_dbus_modem_bridge_call_hangup (CELLS_DBUS_MODEM_BRIDGE (source), id, NULL, NULL, NULL);
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_ABORTED,
                                           "The call was ended while it was being placed.");
    return;
  }
  call->id = id;
  if (mm_gdbus_call_get_state (call->skeleton) == MM_CALL_STATE_UNKNOWN)
    set_call_state (call, MM_CALL_STATE_DIALING, MM_CALL_STATE_REASON_OUTGOING_STARTED);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
handle_call_start (MmGdbusCall *skeleton, GDBusMethodInvocation *invocation, VCall *call)
{
  if (call->id != 0 || call->starting || mm_gdbus_call_get_state (skeleton) != MM_CALL_STATE_UNKNOWN ||
      mm_gdbus_call_get_direction (skeleton) != MM_CALL_DIRECTION_OUTGOING) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE,
                                           "This call has been started already.");
    return TRUE;
  }
  call->starting = TRUE;
  cells_dbus_modem_bridge_call_dial (call->vm->bridge, mm_gdbus_call_get_number (skeleton), NULL,
                                     on_dial_ready, pending_new (call->vm, call->path, invocation));
  return TRUE;
}

static gboolean
handle_call_accept (MmGdbusCall *skeleton, GDBusMethodInvocation *invocation, VCall *call)
{
  MMCallState state = mm_gdbus_call_get_state (skeleton);

  if (mm_gdbus_call_get_direction (skeleton) != MM_CALL_DIRECTION_INCOMING ||
      (state != MM_CALL_STATE_RINGING_IN && state != MM_CALL_STATE_WAITING)) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE,
                                           "Only a ringing incoming call can be accepted.");
    return TRUE;
  }
  forward_call (call, invocation, "Accept", g_variant_new ("(u)", call->id));
  return TRUE;
}

static gboolean
handle_call_hangup (MmGdbusCall *skeleton, GDBusMethodInvocation *invocation, VCall *call)
{
  if (call_is_over (call)) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE,
                                           "The call is over already.");
    return TRUE;
  }
  if (call->id == 0) {
    set_call_state (call, MM_CALL_STATE_TERMINATED, MM_CALL_STATE_REASON_TERMINATED);
    mm_gdbus_call_complete_hangup (skeleton, invocation);
    return TRUE;
  }
  forward_call (call, invocation, "Hangup", g_variant_new ("(u)", call->id));
  return TRUE;
}

static gboolean
handle_call_send_dtmf (MmGdbusCall *skeleton, GDBusMethodInvocation *invocation,
                       const char *tones, VCall *call)
{
  if (mm_gdbus_call_get_state (skeleton) != MM_CALL_STATE_ACTIVE) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE,
                                           "Tones can be sent only on an active call.");
    return TRUE;
  }
  forward_call (call, invocation, "SendDtmf", g_variant_new ("(us)", call->id, tones));
  return TRUE;
}

static VCall *
add_call (CellsVmodem *self, MMCallDirection direction, const char *number, MMCallState state,
          MMCallStateReason reason)
{
  VCall *call = g_new0 (VCall, 1);
  g_autoptr(GError) error = NULL;

  call->vm = self;
  call->path = g_strdup_printf (CALL_PREFIX "%u", self->next_call++);
  call->skeleton = mm_gdbus_call_skeleton_new ();
  mm_gdbus_call_set_direction (call->skeleton, direction);
  mm_gdbus_call_set_number (call->skeleton, number);
  mm_gdbus_call_set_state (call->skeleton, state);
  mm_gdbus_call_set_state_reason (call->skeleton, reason);
  mm_gdbus_call_set_audio_port (call->skeleton, "");
  g_signal_connect (call->skeleton, "handle-start", G_CALLBACK (handle_call_start), call);
  g_signal_connect (call->skeleton, "handle-accept", G_CALLBACK (handle_call_accept), call);
  g_signal_connect (call->skeleton, "handle-hangup", G_CALLBACK (handle_call_hangup), call);
  g_signal_connect (call->skeleton, "handle-send-dtmf", G_CALLBACK (handle_call_send_dtmf), call);
  g_signal_connect (call->skeleton, "handle-deflect", G_CALLBACK (unsupported), NULL);
  g_signal_connect (call->skeleton, "handle-join-multiparty", G_CALLBACK (unsupported), NULL);
  g_signal_connect (call->skeleton, "handle-leave-multiparty", G_CALLBACK (unsupported), NULL);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (call->skeleton), self->bus,
                                         call->path, &error))
    g_warning ("Cell “%s”: cannot export %s: %s", self->cell, call->path, error->message);
  g_hash_table_insert (self->calls, call->path, call);
  sync_call_list (self);
  mm_gdbus_modem_voice_emit_call_added (self->voice, call->path);
  g_message ("Cell “%s”: %s call %s %s %s", self->cell, mm_call_direction_get_string (direction),
             call->path, direction == MM_CALL_DIRECTION_INCOMING ? "from" : "to", number);
  return call;
}

static void
remove_call (CellsVmodem *self, VCall *call)
{
  g_autofree char *path = g_strdup (call->path);

  g_hash_table_remove (self->calls, path);
  sync_call_list (self);
  mm_gdbus_modem_voice_emit_call_deleted (self->voice, path);
}

/* What cellsd says of a call of the line. */
static void
on_call_changed (CellsDBusModemBridge *bridge, guint id, GVariant *props, CellsVmodem *self)
{
  VCall *call = find_call_by_id (self, id);
  const char *number = NULL;
  guint direction = MM_CALL_DIRECTION_UNKNOWN, reason = MM_CALL_STATE_REASON_UNKNOWN;
  gint state = -1;

  g_variant_lookup (props, "number", "&s", &number);
  g_variant_lookup (props, "direction", "u", &direction);
  g_variant_lookup (props, "state", "i", &state);
  g_variant_lookup (props, "state-reason", "u", &reason);
  if (self->object == NULL)
    return;
  if (call == NULL) {
    if (direction != MM_CALL_DIRECTION_INCOMING || state == MM_CALL_STATE_TERMINATED)
      return;   /* not (or no longer) ours to show */
    call = add_call (self, direction, number ? number : "", state < 0 ? MM_CALL_STATE_RINGING_IN : state,
                     reason ? reason : MM_CALL_STATE_REASON_INCOMING_NEW);
    call->id = id;
    return;
  }
  if (call_is_over (call))
    return;   /* over is over */
  if (number != NULL && g_strcmp0 (number, mm_gdbus_call_get_number (call->skeleton)) != 0)
    mm_gdbus_call_set_number (call->skeleton, number);
  if (state >= 0)
    set_call_state (call, state, reason);
}

/* Voice */

static gboolean
number_is_dialable (const char *number)
{
  if (number == NULL || *number == '\0' || strlen (number) > 40)
    return FALSE;
  for (const char *p = number; *p; p++) {
    if (!g_ascii_isdigit (*p) && !strchr ("+*#,pPwW", *p))
      return FALSE;
  }
  return TRUE;
}

static gboolean
handle_create_call (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation, GVariant *props,
                    CellsVmodem *self)
{
  const char *number = NULL;
  VCall *call;

  if (!g_variant_lookup (props, "number", "&s", &number) || !number_is_dialable (number)) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_INVALID_ARGS,
                                           "A call needs a number to dial: digits, +, * and #.");
    return TRUE;
  }
  if (g_hash_table_size (self->calls) >= MAX_CALLS) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_TOO_MANY,
                                           "Too many calls; delete some first.");
    return TRUE;
  }
  call = add_call (self, MM_CALL_DIRECTION_OUTGOING, number, MM_CALL_STATE_UNKNOWN,
                   MM_CALL_STATE_REASON_UNKNOWN);
  mm_gdbus_modem_voice_complete_create_call (voice, invocation, call->path);
  return TRUE;
}

static gboolean
handle_list_calls (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation, CellsVmodem *self)
{
  g_auto(GStrv) paths = hash_paths (self->calls);

  mm_gdbus_modem_voice_complete_list_calls (voice, invocation, (const char *const *) paths);
  return TRUE;
}

static gboolean
handle_delete_call (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation, const char *path,
                    CellsVmodem *self)
{
  VCall *call = g_hash_table_lookup (self->calls, path);

  if (call == NULL) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_NOT_FOUND,
                                           "There is no call %s.", path);
    return TRUE;
  }
  if (!call_is_over (call) && call->id != 0)
    cells_dbus_modem_bridge_call_hangup (self->bridge, call->id, NULL, NULL, NULL);
  remove_call (self, call);
  mm_gdbus_modem_voice_complete_delete_call (voice, invocation);
  return TRUE;
}

static void
hang_up_all (CellsVmodem *self, gboolean only_active)
{
  GHashTableIter iter;
  VCall *call;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call)) {
    MMCallState state = mm_gdbus_call_get_state (call->skeleton);

    if (call_is_over (call) || (only_active && state != MM_CALL_STATE_ACTIVE))
      continue;
    if (call->id != 0)
      cells_dbus_modem_bridge_call_hangup (self->bridge, call->id, NULL, NULL, NULL);
    else
      set_call_state (call, MM_CALL_STATE_TERMINATED, MM_CALL_STATE_REASON_TERMINATED);
  }
}

static gboolean
handle_hangup_all (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation, CellsVmodem *self)
{
  hang_up_all (self, FALSE);
  mm_gdbus_modem_voice_complete_hangup_all (voice, invocation);
  return TRUE;
}

/* Call waiting as the app decides: end the active call, take the waiting one. */
static gboolean
handle_hangup_and_accept (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation,
                          CellsVmodem *self)
{
  GHashTableIter iter;
  VCall *call;

  hang_up_all (self, TRUE);
  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call)) {
    if (mm_gdbus_call_get_state (call->skeleton) == MM_CALL_STATE_WAITING)
      cells_dbus_modem_bridge_call_accept (self->bridge, call->id, NULL, NULL, NULL);
  }
  mm_gdbus_modem_voice_complete_hangup_and_accept (voice, invocation);
  return TRUE;
}

static gboolean
handle_call_waiting_query (MmGdbusModemVoice *voice, GDBusMethodInvocation *invocation,
                           CellsVmodem *self)
{
  /* A second call reaches the cell as a waiting call; it is always on. */
  mm_gdbus_modem_voice_complete_call_waiting_query (voice, invocation, TRUE);
  return TRUE;
}

/* Messages */

static MmGdbusSms *
add_sms (CellsVmodem *self, MMSmsPduType type, MMSmsState state, const char *number,
         const char *text, const char *timestamp)
{
  g_autofree char *path = g_strdup_printf (SMS_PATH_PREFIX "%u", self->next_sms++);
  MmGdbusSms *sms = mm_gdbus_sms_skeleton_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;

  mm_gdbus_sms_set_pdu_type (sms, type);
  mm_gdbus_sms_set_state (sms, state);
  mm_gdbus_sms_set_number (sms, number);
  mm_gdbus_sms_set_text (sms, text);
  mm_gdbus_sms_set_timestamp (sms, timestamp);
  mm_gdbus_sms_set_storage (sms, type == MM_SMS_PDU_TYPE_DELIVER ? MM_SMS_STORAGE_ME : MM_SMS_STORAGE_UNKNOWN);
  mm_gdbus_sms_set_smsc (sms, "");
  mm_gdbus_sms_set_class (sms, -1);
  mm_gdbus_sms_set_data (sms, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1));
  mm_gdbus_sms_set_validity (sms, g_variant_new ("(uv)", MM_SMS_VALIDITY_TYPE_UNKNOWN,
                                                 g_variant_new_uint32 (0)));
  g_object_set_data (G_OBJECT (sms), "cells-vmodem", self);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (sms), self->bus, path, &error))
    g_warning ("Cell “%s”: cannot export %s: %s", self->cell, path, error->message);
  g_hash_table_insert (self->messages, g_strdup (path), sms);
  paths = hash_paths (self->messages);
  mm_gdbus_modem_messaging_set_messages (self->messaging, (const char *const *) paths);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->messaging));
  mm_gdbus_modem_messaging_emit_added (self->messaging, path, type == MM_SMS_PDU_TYPE_DELIVER);
  return sms;
}

static void
on_send_sms_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Pending) p = user_data;
  MmGdbusSms *sms = g_hash_table_lookup (p->vm->messages, p->path);
  g_autoptr(GError) error = NULL;

  if (!cells_dbus_modem_bridge_call_send_sms_finish (CELLS_DBUS_MODEM_BRIDGE (source), result, &error)) {
    if (sms != NULL)
      mm_gdbus_sms_set_state (sms, MM_SMS_STATE_STORED);
    return_mm_error (p->invocation, error);
    return;
  }
  if (sms != NULL)
    mm_gdbus_sms_set_state (sms, MM_SMS_STATE_SENT);
  g_dbus_method_invocation_return_value (p->invocation, NULL);
}

static gboolean
handle_sms_send (MmGdbusSms *sms, GDBusMethodInvocation *invocation, gpointer user_data)
{
  CellsVmodem *self = g_object_get_data (G_OBJECT (sms), "cells-vmodem");
  MMSmsState state = mm_gdbus_sms_get_state (sms);

  if (mm_gdbus_sms_get_pdu_type (sms) != MM_SMS_PDU_TYPE_SUBMIT ||
      (state != MM_SMS_STATE_UNKNOWN && state != MM_SMS_STATE_STORED)) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE,
                                           "This message cannot be sent (it was received or sent already).");
    return TRUE;
  }
  mm_gdbus_sms_set_state (sms, MM_SMS_STATE_SENDING);
  cells_dbus_modem_bridge_call_send_sms (self->bridge, mm_gdbus_sms_get_number (sms),
                                         mm_gdbus_sms_get_text (sms), NULL, on_send_sms_ready,
                                         pending_new (self, g_dbus_interface_skeleton_get_object_path (G_DBUS_INTERFACE_SKELETON (sms)),
                                                      invocation));
  return TRUE;
}

static gboolean
handle_sms_store (MmGdbusSms *sms, GDBusMethodInvocation *invocation, guint storage, gpointer user_data)
{
  /* Kept in the cell's modem until deleted, as on a phone's own storage. */
  mm_gdbus_sms_set_storage (sms, MM_SMS_STORAGE_ME);
  if (mm_gdbus_sms_get_state (sms) == MM_SMS_STATE_UNKNOWN)
    mm_gdbus_sms_set_state (sms, MM_SMS_STATE_STORED);
  mm_gdbus_sms_complete_store (sms, invocation);
  return TRUE;
}

static gboolean
handle_messaging_create (MmGdbusModemMessaging *messaging, GDBusMethodInvocation *invocation,
                         GVariant *props, CellsVmodem *self)
{
  const char *number = NULL, *text = NULL;
  MmGdbusSms *sms;

  if (!g_variant_lookup (props, "number", "&s", &number) || !number_is_dialable (number) ||
      !g_variant_lookup (props, "text", "&s", &text)) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_INVALID_ARGS,
                                           "A message needs a number and a text; "
                                           "data messages are not supported.");
    return TRUE;
  }
  if (strlen (text) > MAX_TEXT || !g_utf8_validate (text, -1, NULL) ||
      g_hash_table_size (self->messages) >= MAX_MESSAGES) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_TOO_MANY,
                                           "The message is too long, or there are too many "
                                           "messages; delete some first.");
    return TRUE;
  }
  sms = add_sms (self, MM_SMS_PDU_TYPE_SUBMIT, MM_SMS_STATE_UNKNOWN, number, text, "");
  g_signal_connect (sms, "handle-send", G_CALLBACK (handle_sms_send), NULL);
  g_signal_connect (sms, "handle-store", G_CALLBACK (handle_sms_store), NULL);
  mm_gdbus_modem_messaging_complete_create (messaging, invocation,
                                            g_dbus_interface_skeleton_get_object_path (G_DBUS_INTERFACE_SKELETON (sms)));
  return TRUE;
}

static gboolean
handle_messaging_list (MmGdbusModemMessaging *messaging, GDBusMethodInvocation *invocation,
                       CellsVmodem *self)
{
  g_auto(GStrv) paths = hash_paths (self->messages);

  mm_gdbus_modem_messaging_complete_list (messaging, invocation, (const char *const *) paths);
  return TRUE;
}

static gboolean
handle_messaging_delete (MmGdbusModemMessaging *messaging, GDBusMethodInvocation *invocation,
                         const char *path, CellsVmodem *self)
{
  g_auto(GStrv) paths = NULL;

  if (!g_hash_table_remove (self->messages, path)) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_NOT_FOUND,
                                           "There is no message %s.", path);
    return TRUE;
  }
  paths = hash_paths (self->messages);
  mm_gdbus_modem_messaging_set_messages (messaging, (const char *const *) paths);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (messaging));
  mm_gdbus_modem_messaging_emit_deleted (messaging, path);
  mm_gdbus_modem_messaging_complete_delete (messaging, invocation);
  return TRUE;
}

/* Shows a received message, then lets cellsd forget it. */
static void
show_sms (CellsVmodem *self, GVariant *sms)
{
  const char *id, *number, *text, *timestamp;

  g_variant_get (sms, "(&s&s&s&s)", &id, &number, &text, &timestamp);
  add_sms (self, MM_SMS_PDU_TYPE_DELIVER, MM_SMS_STATE_RECEIVED, number, text, timestamp);
  g_message ("Cell “%s”: message from %s", self->cell, number);
  if (*id != '\0')
    cells_dbus_modem_bridge_call_take_sms (self->bridge, id, NULL, NULL, NULL);
}

static void
on_sms_received (CellsDBusModemBridge *bridge, const char *id, const char *number, const char *text,
                 const char *timestamp, CellsVmodem *self)
{
  g_autoptr(GVariant) sms = g_variant_ref_sink (g_variant_new ("(ssss)", id, number, text, timestamp));

  if (self->object == NULL) {
    /* Shown as soon as the cell's bus is there. */
    g_queue_push_tail (&self->pending_sms, g_steal_pointer (&sms));
    return;
  }
  show_sms (self, sms);
}

/* The modem */

static void
sync_line (CellsVmodem *self)
{
  CellsDBusModemBridge *b = self->bridge;
  const char *number = cells_dbus_modem_bridge_get_own_number (b);
  const char *numbers[] = { number, NULL };
  gboolean registered = cells_dbus_modem_bridge_get_registered (b);
  guint quality = cells_dbus_modem_bridge_get_signal_quality (b);

  if (self->object == NULL)
    return;
  mm_gdbus_modem_set_own_numbers (self->modem, number && *number ? numbers : numbers + 1);
  mm_gdbus_modem_set_state (self->modem, registered ? MM_MODEM_STATE_REGISTERED : MM_MODEM_STATE_SEARCHING);
  mm_gdbus_modem_set_signal_quality (self->modem, g_variant_new ("(ub)", MIN (quality, 100u), TRUE));
  mm_gdbus_modem_set_equipment_identifier (self->modem, cells_dbus_modem_bridge_get_imei (b));
  mm_gdbus_modem3gpp_set_imei (self->modem3gpp, cells_dbus_modem_bridge_get_imei (b));
  mm_gdbus_modem3gpp_set_registration_state (self->modem3gpp, registered ?
                                             MM_MODEM_3GPP_REGISTRATION_STATE_HOME :
                                             MM_MODEM_3GPP_REGISTRATION_STATE_SEARCHING);
  mm_gdbus_modem3gpp_set_operator_name (self->modem3gpp, cells_dbus_modem_bridge_get_operator_name (b));
  mm_gdbus_modem3gpp_set_operator_code (self->modem3gpp, cells_dbus_modem_bridge_get_operator_code (b));
  mm_gdbus_sim_set_imsi (self->sim, cells_dbus_modem_bridge_get_imsi (b));
  mm_gdbus_sim_set_operator_name (self->sim, cells_dbus_modem_bridge_get_operator_name (b));
  mm_gdbus_sim_set_operator_identifier (self->sim, cells_dbus_modem_bridge_get_operator_code (b));
}

static void
fill_modem (CellsVmodem *self)
{
  static const guint caps[] = { MM_MODEM_CAPABILITY_GSM_UMTS | MM_MODEM_CAPABILITY_LTE };
  static const char *const drivers[] = { "cells", NULL };
  g_autofree char *device = g_strdup_printf ("cells:%s", self->cell);
  g_autofree char *device_id = g_compute_checksum_for_string (G_CHECKSUM_SHA1, device, -1);
  GVariantBuilder modes;

  mm_gdbus_modem_set_sim (self->modem, SIM_PATH);
  mm_gdbus_modem_set_sim_slots (self->modem, (const char *const[]) { SIM_PATH, NULL });
  mm_gdbus_modem_set_primary_sim_slot (self->modem, 1);
  mm_gdbus_modem_set_manufacturer (self->modem, "Cells");
  mm_gdbus_modem_set_model (self->modem, "Virtual modem");
  mm_gdbus_modem_set_revision (self->modem, PACKAGE_VERSION);
  mm_gdbus_modem_set_hardware_revision (self->modem, "");
  mm_gdbus_modem_set_carrier_configuration (self->modem, "");
  mm_gdbus_modem_set_carrier_configuration_revision (self->modem, "");
  mm_gdbus_modem_set_device (self->modem, device);
  mm_gdbus_modem_set_device_identifier (self->modem, device_id);
  mm_gdbus_modem_set_drivers (self->modem, drivers);
  mm_gdbus_modem_set_plugin (self->modem, "cells");
  mm_gdbus_modem_set_primary_port (self->modem, "cells0");
  mm_gdbus_modem_set_ports (self->modem, g_variant_new_parsed ("[(%s, %u)]", "cells0",
                                                               (guint32) MM_MODEM_PORT_TYPE_AT));
  mm_gdbus_modem_set_bearers (self->modem, (const char *const[]) { NULL });
  mm_gdbus_modem_set_supported_capabilities (self->modem,
                                             g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, caps, 1, sizeof caps[0]));
  mm_gdbus_modem_set_current_capabilities (self->modem, caps[0]);
  mm_gdbus_modem_set_unlock_required (self->modem, MM_MODEM_LOCK_NONE);
  mm_gdbus_modem_set_unlock_retries (self->modem, g_variant_new_parsed ("@a{uu} {}"));
  mm_gdbus_modem_set_power_state (self->modem, MM_MODEM_POWER_STATE_ON);
  mm_gdbus_modem_set_access_technologies (self->modem, MM_MODEM_ACCESS_TECHNOLOGY_LTE);
  g_variant_builder_init (&modes, G_VARIANT_TYPE ("a(uu)"));
  g_variant_builder_add (&modes, "(uu)", MM_MODEM_MODE_2G | MM_MODEM_MODE_3G | MM_MODEM_MODE_4G,
                         MM_MODEM_MODE_4G);
  mm_gdbus_modem_set_supported_modes (self->modem, g_variant_builder_end (&modes));
  mm_gdbus_modem_set_current_modes (self->modem, g_variant_new ("(uu)", MM_MODEM_MODE_2G | MM_MODEM_MODE_3G |
                                                                MM_MODEM_MODE_4G, MM_MODEM_MODE_4G));
  mm_gdbus_modem_set_supported_bands (self->modem, g_variant_new_parsed ("@au []"));
  mm_gdbus_modem_set_current_bands (self->modem, g_variant_new_parsed ("@au []"));
  mm_gdbus_modem_set_supported_ip_families (self->modem, MM_BEARER_IP_FAMILY_IPV4);

  mm_gdbus_modem3gpp_set_enabled_facility_locks (self->modem3gpp, MM_MODEM_3GPP_FACILITY_NONE);
  mm_gdbus_modem3gpp_set_pco (self->modem3gpp, g_variant_new_parsed ("@a(ubay) []"));
  mm_gdbus_modem3gpp_set_initial_eps_bearer (self->modem3gpp, "/");
  mm_gdbus_modem3gpp_set_initial_eps_bearer_settings (self->modem3gpp, g_variant_new_parsed ("@a{sv} {}"));

  mm_gdbus_modem_messaging_set_supported_storages (self->messaging,
                                                   g_variant_new_parsed ("@au [%u]", (guint32) MM_SMS_STORAGE_ME));
  mm_gdbus_modem_messaging_set_default_storage (self->messaging, MM_SMS_STORAGE_ME);

  mm_gdbus_sim_set_active (self->sim, TRUE);
  mm_gdbus_sim_set_sim_identifier (self->sim, device_id);
  mm_gdbus_sim_set_emergency_numbers (self->sim, emergency_numbers);
  mm_gdbus_sim_set_sim_type (self->sim, MM_SIM_TYPE_PHYSICAL);
  mm_gdbus_sim_set_preferred_networks (self->sim, g_variant_new_parsed ("@a(su) []"));
  mm_gdbus_sim_set_gid1 (self->sim, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1));
  mm_gdbus_sim_set_gid2 (self->sim, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1));
}

static void
connect_modem_handlers (CellsVmodem *self)
{
  g_signal_connect (self->voice, "handle-create-call", G_CALLBACK (handle_create_call), self);
  g_signal_connect (self->voice, "handle-list-calls", G_CALLBACK (handle_list_calls), self);
  g_signal_connect (self->voice, "handle-delete-call", G_CALLBACK (handle_delete_call), self);
  g_signal_connect (self->voice, "handle-hangup-all", G_CALLBACK (handle_hangup_all), self);
  g_signal_connect (self->voice, "handle-hangup-and-accept", G_CALLBACK (handle_hangup_and_accept), self);
  g_signal_connect (self->voice, "handle-call-waiting-query", G_CALLBACK (handle_call_waiting_query), self);
  g_signal_connect (self->voice, "handle-hold-and-accept", G_CALLBACK (unsupported), NULL);
  g_signal_connect (self->voice, "handle-transfer", G_CALLBACK (unsupported), NULL);
  g_signal_connect (self->voice, "handle-call-waiting-setup", G_CALLBACK (unsupported), NULL);
  g_signal_connect (self->messaging, "handle-create", G_CALLBACK (handle_messaging_create), self);
  g_signal_connect (self->messaging, "handle-list", G_CALLBACK (handle_messaging_list), self);
  g_signal_connect (self->messaging, "handle-delete", G_CALLBACK (handle_messaging_delete), self);
  /* Enabling and the like: the line is cellsd's to manage, not the cell's. */
  g_signal_connect (self->modem, "handle-enable", G_CALLBACK (unsupported), NULL);
  g_signal_connect (self->modem, "handle-reset", G_CALLBACK (unsupported), NULL);
  g_signal_connect (self->modem, "handle-factory-reset", G_CALLBACK (unsupported), NULL);
  g_signal_connect (self->modem, "handle-create-bearer", G_CALLBACK (unsupported), NULL);
  g_signal_connect (self->modem, "handle-command", G_CALLBACK (unsupported), NULL);
}

static void
show_modem (CellsVmodem *self)
{
  g_autoptr(GError) error = NULL;

  self->object = mm_gdbus_object_skeleton_new (MODEM_PATH);
  self->modem = mm_gdbus_modem_skeleton_new ();
  self->modem3gpp = mm_gdbus_modem3gpp_skeleton_new ();
  self->voice = mm_gdbus_modem_voice_skeleton_new ();
  self->messaging = mm_gdbus_modem_messaging_skeleton_new ();
  self->sim = mm_gdbus_sim_skeleton_new ();
  fill_modem (self);
  sync_line (self);
  connect_modem_handlers (self);
  mm_gdbus_object_skeleton_set_modem (self->object, self->modem);
  mm_gdbus_object_skeleton_set_modem3gpp (self->object, self->modem3gpp);
  mm_gdbus_object_skeleton_set_modem_voice (self->object, self->voice);
  mm_gdbus_object_skeleton_set_modem_messaging (self->object, self->messaging);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->sim), self->bus, SIM_PATH, &error))
    g_warning ("Cell “%s”: cannot export the SIM: %s", self->cell, error->message);
  g_dbus_object_manager_server_export (self->om, G_DBUS_OBJECT_SKELETON (self->object));
  g_message ("Cell “%s”: modem shown, own number “%s”", self->cell,
             cells_dbus_modem_bridge_get_own_number (self->bridge));

  while (!g_queue_is_empty (&self->pending_sms)) {
    g_autoptr(GVariant) sms = g_queue_pop_head (&self->pending_sms);

    show_sms (self, sms);
  }
}

static void
hide_modem (CellsVmodem *self)
{
  GHashTableIter iter;
  MmGdbusSms *sms;

  if (self->object == NULL)
    return;
  g_hash_table_remove_all (self->calls);
  /* Received messages are the cell's: shown again with the modem. */
  g_hash_table_iter_init (&iter, self->messages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sms)) {
    if (mm_gdbus_sms_get_pdu_type (sms) == MM_SMS_PDU_TYPE_DELIVER)
      g_queue_push_tail (&self->pending_sms,
                         g_variant_ref_sink (g_variant_new ("(ssss)", "", mm_gdbus_sms_get_number (sms),
                                                            mm_gdbus_sms_get_text (sms),
                                                            mm_gdbus_sms_get_timestamp (sms))));
  }
  g_hash_table_remove_all (self->messages);
  g_dbus_object_manager_server_unexport (self->om, MODEM_PATH);
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->sim));
  g_clear_object (&self->object);
  g_clear_object (&self->modem);
  g_clear_object (&self->modem3gpp);
  g_clear_object (&self->voice);
  g_clear_object (&self->messaging);
  g_clear_object (&self->sim);
  g_message ("Cell “%s”: modem hidden", self->cell);
}

static void
sync_presence (CellsVmodem *self)
{
  gboolean want = self->om != NULL && cells_dbus_modem_bridge_get_present (self->bridge);

  if (want && self->object == NULL)
    show_modem (self);
  else if (!want)
    hide_modem (self);
}

static void
on_bridge_notify (GObject *object, GParamSpec *pspec, CellsVmodem *self)
{
  if (g_str_equal (pspec->name, "present"))
    sync_presence (self);
  else
    sync_line (self);
}

/* The cell's bus */

static void
drop_bus (CellsVmodem *self)
{
  hide_modem (self);
  if (self->owner_id != 0) {
    g_bus_unown_name (self->owner_id);
    self->owner_id = 0;
  }
  if (self->manager != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->manager));
  g_clear_object (&self->manager);
  g_clear_object (&self->om);
  if (self->bus != NULL)
    g_signal_handlers_disconnect_by_data (self->bus, self);
  g_clear_object (&self->bus);
}

static gboolean
on_retry (gpointer user_data)
{
  CellsVmodem *self = user_data;

  self->retry_id = 0;
  try_connect (self);
  return G_SOURCE_REMOVE;
}

static void
on_bus_closed (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error, CellsVmodem *self)
{
  g_message ("Cell “%s”: its system bus went away; waiting for it to come back", self->cell);
  drop_bus (self);
  self->attempts = 0;
  self->retry_id = g_timeout_add (RETRY_MS, on_retry, self);
}

static void
on_name_acquired (GDBusConnection *bus, const char *name, gpointer user_data)
{
  CellsVmodem *self = user_data;

  g_message ("Cell “%s”: %s is on the cell's bus", self->cell, name);
}

static void
on_name_lost (GDBusConnection *bus, const char *name, gpointer user_data)
{
  CellsVmodem *self = user_data;

  if (bus != NULL && !g_dbus_connection_is_closed (bus))
    g_warning ("Cell “%s”: the cell's bus does not let the virtual modem own %s "
               "(is its bus policy there? it is mounted at the cell's start) or another "
               "ModemManager runs there", self->cell, name);
}

static void
export_manager (CellsVmodem *self)
{
  g_autoptr(GError) error = NULL;

  self->om = g_dbus_object_manager_server_new (MM_DBUS_PATH);
  g_dbus_object_manager_server_set_connection (self->om, self->bus);
  self->manager = mm_gdbus_org_freedesktop_modem_manager1_skeleton_new ();
  mm_gdbus_org_freedesktop_modem_manager1_set_version (self->manager, EMULATED_MM_VERSION);
  g_signal_connect (self->manager, "handle-scan-devices", G_CALLBACK (unsupported), NULL);
  g_signal_connect (self->manager, "handle-set-logging", G_CALLBACK (unsupported), NULL);
  g_signal_connect (self->manager, "handle-report-kernel-event", G_CALLBACK (unsupported), NULL);
  g_signal_connect (self->manager, "handle-inhibit-device", G_CALLBACK (unsupported), NULL);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->manager), self->bus,
                                         MM_DBUS_PATH, &error))
    g_warning ("Cell “%s”: %s", self->cell, error->message);
}

static void
on_bus_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CellsVmodem *self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_dbus_connection_new_for_address_finish (result, &error);

  if (bus == NULL) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    /* Said once: the cell's dbus-daemon may just not be up yet. */
    if (self->attempts++ == 20)
      g_message ("Cell “%s”: no system bus in the cell yet (%s); still trying", self->cell,
                 error->message);
    self->retry_id = g_timeout_add (MIN (RETRY_MS * (1 + self->attempts / 20), 2000), on_retry, self);
    return;
  }
  self->bus = bus;
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  g_signal_connect (bus, "closed", G_CALLBACK (on_bus_closed), self);
  export_manager (self);
  sync_presence (self);
  self->owner_id = g_bus_own_name_on_connection (bus, MM_DBUS_SERVICE, G_BUS_NAME_OWNER_FLAGS_NONE,
                                                 on_name_acquired, on_name_lost, self, NULL);
}

static void
try_connect (CellsVmodem *self)
{
  g_dbus_connection_new_for_address (self->bus_address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, self->cancellable, on_bus_ready, self);
}

/**
 * cells_vmodem_new:
 * @cell_name: the cell's name, for the log
 * @bridge: the proxy of cellsd's bridge
 * @bus_address: the cell's system bus
 *
 * Starts the virtual modem: it connects to the cell's bus (again and again
 * until there is one) and shows the modem there while the line is present.
 */
CellsVmodem *
cells_vmodem_new (const char *cell_name, CellsDBusModemBridge *bridge, const char *bus_address)
{
  CellsVmodem *self = g_new0 (CellsVmodem, 1);

  self->cell = g_strdup (cell_name);
  self->bus_address = g_strdup (bus_address);
  self->bridge = g_object_ref (bridge);
  self->cancellable = g_cancellable_new ();
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) vcall_free);
  self->messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unexport_and_unref);
  g_queue_init (&self->pending_sms);
  g_signal_connect (bridge, "call-changed", G_CALLBACK (on_call_changed), self);
  g_signal_connect (bridge, "sms-received", G_CALLBACK (on_sms_received), self);
  g_signal_connect (bridge, "notify", G_CALLBACK (on_bridge_notify), self);
  try_connect (self);
  return self;
}

void
cells_vmodem_free (CellsVmodem *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->bridge, self);
  drop_bus (self);
  g_hash_table_unref (self->calls);
  g_hash_table_unref (self->messages);
  g_queue_clear_full (&self->pending_sms, (GDestroyNotify) g_variant_unref);
  g_object_unref (self->bridge);
  g_object_unref (self->cancellable);
  g_free (self->bus_address);
  g_free (self->cell);
  g_free (self);
}
