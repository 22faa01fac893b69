/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem-messaging"

#include "cells-vmodem-messaging.h"
#include "cells-vmodem-sms.h"
#include "cells-vmodem-util.h"

#include <string.h>

/* What a cell can make its virtual modem hold; ModemManager has limits too. */
#define MAX_MESSAGES 1000
#define MAX_TEXT 4096

/**
 * CellsVmodemMessaging:
 *
 * The modem's `org.freedesktop.ModemManager1.Modem.Messaging` and its
 * messages
 *
 * It holds the cell's text messages, each a #CellsVmodemSms exported
 * beside the modem on the bus the messaging interface is on: the ones the
 * cell's apps create and the ones received. A received message is shown
 * first, then cellsd is told it may forget it (TakeSms). As ModemManager
 * does, the Messages property changes (and is sent) before Added and
 * Deleted.
 */

struct _CellsVmodemMessaging {
  MmGdbusModemMessagingSkeleton  parent;

  CellsDBusModemBridge          *bridge;     /* sends, and forgets the received */
  GHashTable                    *messages;   /* path → CellsVmodemSms */
};

static void cells_vmodem_messaging_iface_init (MmGdbusModemMessagingIface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsVmodemMessaging, cells_vmodem_messaging,
                         MM_GDBUS_TYPE_MODEM_MESSAGING_SKELETON,
                         G_IMPLEMENT_INTERFACE (MM_GDBUS_TYPE_MODEM_MESSAGING,
                                                cells_vmodem_messaging_iface_init))

static void
sync_message_list (CellsVmodemMessaging *self)
{
  g_auto(GStrv) paths = cells_vmodem_util_sorted_paths (self->messages);

  mm_gdbus_modem_messaging_set_messages (MM_GDBUS_MODEM_MESSAGING (self),
                                         (const char *const *) paths);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self));
}

static CellsVmodemSms *
add_sms (CellsVmodemMessaging *self, MMSmsPduType type, MMSmsState state, const char *number,
         const char *text, const char *timestamp)
{
  GDBusInterfaceSkeleton *skeleton = G_DBUS_INTERFACE_SKELETON (self);
  CellsVmodemSms *sms = cells_vmodem_sms_new (self->bridge, type, state, number, text, timestamp);
  const char *path = cells_vmodem_sms_get_path (sms);

  /* Beside the modem, on the cell's bus. */
  cells_vmodem_util_export (sms, g_dbus_interface_skeleton_get_connection (skeleton), path);
  g_hash_table_insert (self->messages, g_strdup (path), sms);
  sync_message_list (self);
  mm_gdbus_modem_messaging_emit_added (MM_GDBUS_MODEM_MESSAGING (self), path,
                                       type == MM_SMS_PDU_TYPE_DELIVER);
  return sms;
}

static gboolean
handle_create (MmGdbusModemMessaging *messaging, GDBusMethodInvocation *invocation,
               GVariant *args)
{
  CellsVmodemMessaging *self = CELLS_VMODEM_MESSAGING (messaging);
  const char *number = NULL, *text = NULL;
  CellsVmodemSms *sms;

  if (!g_variant_lookup (args, "number", "&s", &number) ||
      !cells_vmodem_util_number_is_dialable (number) ||
      !g_variant_lookup (args, "text", "&s", &text)) {
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
  mm_gdbus_modem_messaging_complete_create (messaging, invocation, cells_vmodem_sms_get_path (sms));
  return TRUE;
}

static gboolean
handle_list (MmGdbusModemMessaging *messaging, GDBusMethodInvocation *invocation)
{
  CellsVmodemMessaging *self = CELLS_VMODEM_MESSAGING (messaging);
  g_auto(GStrv) paths = cells_vmodem_util_sorted_paths (self->messages);

  mm_gdbus_modem_messaging_complete_list (messaging, invocation, (const char *const *) paths);
  return TRUE;
}

static gboolean
handle_delete (MmGdbusModemMessaging *messaging, GDBusMethodInvocation *invocation,
               const char *path)
{
  CellsVmodemMessaging *self = CELLS_VMODEM_MESSAGING (messaging);

  if (!g_hash_table_remove (self->messages, path)) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_NOT_FOUND,
                                           "There is no message %s.", path);
    return TRUE;
  }
  sync_message_list (self);
  mm_gdbus_modem_messaging_emit_deleted (messaging, path);
  mm_gdbus_modem_messaging_complete_delete (messaging, invocation);
  return TRUE;
}

static void
cells_vmodem_messaging_iface_init (MmGdbusModemMessagingIface *iface)
{
  iface->handle_create = handle_create;
  iface->handle_list = handle_list;
  iface->handle_delete = handle_delete;
}

static void
cells_vmodem_messaging_dispose (GObject *object)
{
  CellsVmodemMessaging *self = CELLS_VMODEM_MESSAGING (object);

  /* The messages go with the modem, without a word on the bus. */
  g_hash_table_remove_all (self->messages);
  g_clear_object (&self->bridge);

  G_OBJECT_CLASS (cells_vmodem_messaging_parent_class)->dispose (object);
}

static void
cells_vmodem_messaging_finalize (GObject *object)
{
  CellsVmodemMessaging *self = CELLS_VMODEM_MESSAGING (object);

  g_hash_table_unref (self->messages);

  G_OBJECT_CLASS (cells_vmodem_messaging_parent_class)->finalize (object);
}

static void
cells_vmodem_messaging_class_init (CellsVmodemMessagingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cells_vmodem_messaging_dispose;
  object_class->finalize = cells_vmodem_messaging_finalize;
}

static void
cells_vmodem_messaging_init (CellsVmodemMessaging *self)
{
  MmGdbusModemMessaging *messaging = MM_GDBUS_MODEM_MESSAGING (self);
  GVariant *storages = g_variant_new_parsed ("@au [%u]", (guint32) MM_SMS_STORAGE_ME);

  self->messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          cells_vmodem_util_unexport_and_unref);
  mm_gdbus_modem_messaging_set_supported_storages (messaging, storages);
  mm_gdbus_modem_messaging_set_default_storage (messaging, MM_SMS_STORAGE_ME);
}

/**
 * cells_vmodem_messaging_new:
 * @bridge: cellsd's bridge
 *
 * Returns: (transfer full): the messaging interface of the cell's modem,
 *   with no messages
 */
CellsVmodemMessaging *
cells_vmodem_messaging_new (CellsDBusModemBridge *bridge)
{
  CellsVmodemMessaging *self;

  g_return_val_if_fail (CELLS_DBUS_IS_MODEM_BRIDGE (bridge), NULL);

  self = g_object_new (CELLS_TYPE_VMODEM_MESSAGING, NULL);
  self->bridge = g_object_ref (bridge);
  return self;
}

/**
 * cells_vmodem_messaging_receive:
 * @self: the messaging interface, on the bus
 * @id: cellsd's id of the message, or empty for one it keeps no more
 * @number: the sender
 * @text: the message
 * @timestamp: when the network took it, ISO 8601, or empty
 *
 * Shows a received message, then lets cellsd forget it.
 */
void
cells_vmodem_messaging_receive (CellsVmodemMessaging *self,
                                const char           *id,
                                const char           *number,
                                const char           *text,
                                const char           *timestamp)
{
  g_return_if_fail (CELLS_IS_VMODEM_MESSAGING (self));

  add_sms (self, MM_SMS_PDU_TYPE_DELIVER, MM_SMS_STATE_RECEIVED, number, text, timestamp);
  g_message ("Cell “%s”: message from %s", cells_vmodem_util_get_cell (), number);
  if (*id != '\0')
    cells_dbus_modem_bridge_call_take_sms (self->bridge, id, NULL, NULL, NULL);
}

/**
 * cells_vmodem_messaging_save_received:
 * @self: the messaging interface
 * @queue: where the received messages go, each a `(ssss)` #GVariant as
 *   cells_vmodem_messaging_receive() takes them, with no id
 *
 * Keeps the received messages of a modem that goes away, to be shown
 * again with the next: they are the cell's.
 */
void
cells_vmodem_messaging_save_received (CellsVmodemMessaging *self, GQueue *queue)
{
  GHashTableIter iter;
  MmGdbusSms *sms;

  g_return_if_fail (CELLS_IS_VMODEM_MESSAGING (self));

  g_hash_table_iter_init (&iter, self->messages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sms)) {
    GVariant *saved;

    if (mm_gdbus_sms_get_pdu_type (sms) != MM_SMS_PDU_TYPE_DELIVER)
      continue;
    saved = g_variant_new ("(ssss)", "", mm_gdbus_sms_get_number (sms),
                           mm_gdbus_sms_get_text (sms), mm_gdbus_sms_get_timestamp (sms));
    g_queue_push_tail (queue, g_variant_ref_sink (saved));
  }
}
