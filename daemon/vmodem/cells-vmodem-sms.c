/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem-sms"

#include "cells-vmodem-sms.h"
#include "cells-vmodem-util.h"

#define SMS_PATH_PREFIX MM_DBUS_PATH "/SMS/"

/**
 * CellsVmodemSms:
 *
 * A text message of the cell's modem, `org.freedesktop.ModemManager1.Sms`
 *
 * A message the cell's apps write (Messaging.Create) is sent with Send,
 * through cellsd's SendSms, and kept with Store. A received one only
 * shows what came: it has neither method, as if no one handled them.
 */

struct _CellsVmodemSms {
  MmGdbusSmsSkeleton     parent;

  CellsDBusModemBridge  *bridge; /* sends the message */
  char                  *path;
  GDBusMethodInvocation *send;   /* Send, while cellsd sends it */
};

static void cells_vmodem_sms_iface_init (MmGdbusSmsIface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsVmodemSms, cells_vmodem_sms, MM_GDBUS_TYPE_SMS_SKELETON,
                         G_IMPLEMENT_INTERFACE (MM_GDBUS_TYPE_SMS, cells_vmodem_sms_iface_init))

/* Numbered as ModemManager numbers them: once per process, never again. */
static guint next_sms_number;

static void
on_send_sms_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CellsVmodemSms) self = user_data;
  g_autoptr(GDBusMethodInvocation) invocation = g_steal_pointer (&self->send);
  g_autoptr(GError) error = NULL;
  CellsDBusModemBridge *bridge = CELLS_DBUS_MODEM_BRIDGE (source);

  /* A message deleted meanwhile changes no more. */
  if (!cells_dbus_modem_bridge_call_send_sms_finish (bridge, result, &error)) {
    if (cells_vmodem_util_is_exported (self))
      mm_gdbus_sms_set_state (MM_GDBUS_SMS (self), MM_SMS_STATE_STORED);
    cells_vmodem_util_return_error (invocation, error);
    return;
  }
  if (cells_vmodem_util_is_exported (self))
    mm_gdbus_sms_set_state (MM_GDBUS_SMS (self), MM_SMS_STATE_SENT);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
handle_send (MmGdbusSms *sms, GDBusMethodInvocation *invocation)
{
  CellsVmodemSms *self = CELLS_VMODEM_SMS (sms);
  MMSmsState state = mm_gdbus_sms_get_state (sms);

  if (mm_gdbus_sms_get_pdu_type (sms) != MM_SMS_PDU_TYPE_SUBMIT)
    return FALSE;   /* a received message: "not implemented" */
  if (state != MM_SMS_STATE_UNKNOWN && state != MM_SMS_STATE_STORED) {
    g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_WRONG_STATE,
                                           "This message cannot be sent (it was received or "
                                           "sent already).");
    return TRUE;
  }
  mm_gdbus_sms_set_state (sms, MM_SMS_STATE_SENDING);
  self->send = g_object_ref (invocation);
  cells_dbus_modem_bridge_call_send_sms (self->bridge, mm_gdbus_sms_get_number (sms),
                                         mm_gdbus_sms_get_text (sms), NULL, on_send_sms_ready,
                                         g_object_ref (self));
  return TRUE;
}

static gboolean
handle_store (MmGdbusSms *sms, GDBusMethodInvocation *invocation, guint storage)
{
  if (mm_gdbus_sms_get_pdu_type (sms) != MM_SMS_PDU_TYPE_SUBMIT)
    return FALSE;   /* a received message: "not implemented" */
  /* Kept in the cell's modem until deleted, as on a phone's own storage. */
  mm_gdbus_sms_set_storage (sms, MM_SMS_STORAGE_ME);
  if (mm_gdbus_sms_get_state (sms) == MM_SMS_STATE_UNKNOWN)
    mm_gdbus_sms_set_state (sms, MM_SMS_STATE_STORED);
  mm_gdbus_sms_complete_store (sms, invocation);
  return TRUE;
}

static void
cells_vmodem_sms_iface_init (MmGdbusSmsIface *iface)
{
  iface->handle_send = handle_send;
  iface->handle_store = handle_store;
}

static void
cells_vmodem_sms_finalize (GObject *object)
{
  CellsVmodemSms *self = CELLS_VMODEM_SMS (object);

  g_clear_object (&self->send);
  g_clear_object (&self->bridge);
  g_free (self->path);

  G_OBJECT_CLASS (cells_vmodem_sms_parent_class)->finalize (object);
}

static void
cells_vmodem_sms_class_init (CellsVmodemSmsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cells_vmodem_sms_finalize;
}

static void
cells_vmodem_sms_init (CellsVmodemSms *self)
{
  MmGdbusSms *sms = MM_GDBUS_SMS (self);

  mm_gdbus_sms_set_smsc (sms, "");
  mm_gdbus_sms_set_class (sms, -1);
  mm_gdbus_sms_set_data (sms, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1));
  mm_gdbus_sms_set_validity (sms, g_variant_new ("(uv)", MM_SMS_VALIDITY_TYPE_UNKNOWN,
                                                 g_variant_new_uint32 (0)));
}

/**
 * cells_vmodem_sms_new:
 * @bridge: cellsd's bridge
 * @type: %MM_SMS_PDU_TYPE_SUBMIT for one to send, %MM_SMS_PDU_TYPE_DELIVER
 *   for one received
 * @state: its first state
 * @number: the recipient or the sender
 * @text: the message
 * @timestamp: when the network took it, ISO 8601, or empty
 *
 * Returns: (transfer full): a message with the next message path, not on
 *   the bus yet
 */
CellsVmodemSms *
cells_vmodem_sms_new (CellsDBusModemBridge *bridge,
                      MMSmsPduType          type,
                      MMSmsState            state,
                      const char           *number,
                      const char           *text,
                      const char           *timestamp)
{
  /* A received message is kept in the cell's modem; one to send is not, until stored. */
  MMSmsStorage storage = type == MM_SMS_PDU_TYPE_DELIVER ? MM_SMS_STORAGE_ME :
                         MM_SMS_STORAGE_UNKNOWN;
  CellsVmodemSms *self;

  g_return_val_if_fail (CELLS_DBUS_IS_MODEM_BRIDGE (bridge), NULL);

  self = g_object_new (CELLS_TYPE_VMODEM_SMS,
                       "pdu-type", (guint) type,
                       "state", (guint) state,
                       "number", number,
                       "text", text,
                       "timestamp", timestamp,
                       "storage", (guint) storage,
                       NULL);
  self->bridge = g_object_ref (bridge);
  self->path = g_strdup_printf (SMS_PATH_PREFIX "%u", next_sms_number++);
  return self;
}

const char *
cells_vmodem_sms_get_path (CellsVmodemSms *self)
{
  g_return_val_if_fail (CELLS_IS_VMODEM_SMS (self), NULL);

  return self->path;
}
