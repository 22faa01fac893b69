/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem"

#include "cells-vmodem.h"
#include "cells-vmodem-manager.h"
#include "cells-vmodem-messaging.h"
#include "cells-vmodem-modem-3gpp.h"
#include "cells-vmodem-modem.h"
#include "cells-vmodem-sim.h"
#include "cells-vmodem-util.h"
#include "cells-vmodem-voice.h"

#include <libmm-glib.h>

/**
 * CellsVmodem:
 *
 * The virtual ModemManager of one cell
 *
 * It owns `org.freedesktop.ModemManager1` on the cell's own system bus
 * and exports what an unmodified phone app (GNOME Calls, Chatty, mmcli)
 * looks for: the ObjectManager at `/org/freedesktop/ModemManager1` with
 * one modem (#CellsVmodemModem, #CellsVmodemModem3gpp, #CellsVmodemVoice,
 * #CellsVmodemMessaging), its SIM (#CellsVmodemSim), and a Call or Sms
 * object per call and message. It holds no line of its own: every call
 * and message goes to cellsd over the bridge (a peer-to-peer D-Bus
 * connection, see org.cells.Cells1.ModemBridge), and what cellsd says of
 * the line, its calls and messages shows on these objects.
 *
 * The modem is shown while the bridge says the line is present; the
 * cell's bus may come and go (the cell's dbus-daemon starts after cellsd
 * starts this), and is connected again when it does. Received messages
 * outlive the modem: they are shown again with the next.
 */

#define MODEM_PATH MM_DBUS_MODEM_PREFIX "/0"
#define RETRY_MS 250

struct _CellsVmodem {
  GObject                   parent;

  char                     *bus_address;   /* the cell's system bus */
  CellsDBusModemBridge     *bridge;        /* the proxy of cellsd's bridge */
  GDBusConnection          *bus;
  GCancellable             *cancellable;
  guint                     retry_id;
  guint                     owner_id;
  guint                     attempts;
  GDBusObjectManagerServer *om;
  CellsVmodemManager       *manager;
  MmGdbusObjectSkeleton    *object;        /* the modem, while shown */
  CellsVmodemMessaging     *messaging;     /* its messages */
  CellsVmodemSim           *sim;
  GQueue                    pending_sms;   /* GVariant (ssss) received while hidden */
};

G_DEFINE_TYPE (CellsVmodem, cells_vmodem, G_TYPE_OBJECT)

static void try_connect (CellsVmodem *self);

/* The modem */

static void
show_pending_sms (CellsVmodem *self)
{
  while (!g_queue_is_empty (&self->pending_sms)) {
    g_autoptr(GVariant) sms = g_queue_pop_head (&self->pending_sms);
    const char *id, *number, *text, *timestamp;

    g_variant_get (sms, "(&s&s&s&s)", &id, &number, &text, &timestamp);
    cells_vmodem_messaging_receive (self->messaging, id, number, text, timestamp);
  }
}

static void
show_modem (CellsVmodem *self)
{
  g_autoptr(CellsVmodemModem) modem = cells_vmodem_modem_new (self->bridge);
  g_autoptr(CellsVmodemModem3gpp) modem3gpp = cells_vmodem_modem_3gpp_new (self->bridge);
  g_autoptr(CellsVmodemVoice) voice = cells_vmodem_voice_new (self->bridge);

  self->messaging = cells_vmodem_messaging_new (self->bridge);
  self->sim = cells_vmodem_sim_new (self->bridge);
  self->object = mm_gdbus_object_skeleton_new (MODEM_PATH);
  mm_gdbus_object_skeleton_set_modem (self->object, MM_GDBUS_MODEM (modem));
  mm_gdbus_object_skeleton_set_modem3gpp (self->object, MM_GDBUS_MODEM3GPP (modem3gpp));
  mm_gdbus_object_skeleton_set_modem_voice (self->object, MM_GDBUS_MODEM_VOICE (voice));
  mm_gdbus_object_skeleton_set_modem_messaging (self->object,
                                                MM_GDBUS_MODEM_MESSAGING (self->messaging));
  cells_vmodem_util_export (self->sim, self->bus, CELLS_VMODEM_SIM_PATH);
  g_dbus_object_manager_server_export (self->om, G_DBUS_OBJECT_SKELETON (self->object));
  g_message ("Cell “%s”: modem shown, own number “%s”", cells_vmodem_util_get_cell (),
             cells_dbus_modem_bridge_get_own_number (self->bridge));
  show_pending_sms (self);
}

static void
hide_modem (CellsVmodem *self)
{
  if (self->object == NULL)
    return;
  /* Received messages are the cell's: shown again with the modem. */
  cells_vmodem_messaging_save_received (self->messaging, &self->pending_sms);
  g_dbus_object_manager_server_unexport (self->om, MODEM_PATH);
  g_clear_pointer (&self->sim, cells_vmodem_util_unexport_and_unref);
  /* The calls and messages go with their interfaces. */
  g_clear_object (&self->object);
  g_clear_object (&self->messaging);
  g_message ("Cell “%s”: modem hidden", cells_vmodem_util_get_cell ());
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
on_present_changed (CellsDBusModemBridge *bridge, GParamSpec *pspec, CellsVmodem *self)
{
  sync_presence (self);
}

static void
on_sms_received (CellsDBusModemBridge *bridge, const char *id, const char *number,
                 const char *text, const char *timestamp, CellsVmodem *self)
{
  if (self->object == NULL) {
    /* Shown as soon as the cell's bus is there. */
    g_queue_push_tail (&self->pending_sms,
                       g_variant_ref_sink (g_variant_new ("(ssss)", id, number, text, timestamp)));
    return;
  }
  cells_vmodem_messaging_receive (self->messaging, id, number, text, timestamp);
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
  g_clear_pointer (&self->manager, cells_vmodem_util_unexport_and_unref);
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
on_bus_closed (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error,
               CellsVmodem *self)
{
  g_message ("Cell “%s”: its system bus went away; waiting for it to come back",
             cells_vmodem_util_get_cell ());
  drop_bus (self);
  self->attempts = 0;
  self->retry_id = g_timeout_add (RETRY_MS, on_retry, self);
}

static void
on_name_acquired (GDBusConnection *bus, const char *name, gpointer user_data)
{
  g_message ("Cell “%s”: %s is on the cell's bus", cells_vmodem_util_get_cell (), name);
}

static void
on_name_lost (GDBusConnection *bus, const char *name, gpointer user_data)
{
  if (bus != NULL && !g_dbus_connection_is_closed (bus))
    g_warning ("Cell “%s”: the cell's bus does not let the virtual modem own %s "
               "(is its bus policy there? it is mounted at the cell's start) or another "
               "ModemManager runs there", cells_vmodem_util_get_cell (), name);
}

static void
export_manager (CellsVmodem *self)
{
  self->om = g_dbus_object_manager_server_new (MM_DBUS_PATH);
  g_dbus_object_manager_server_set_connection (self->om, self->bus);
  self->manager = cells_vmodem_manager_new ();
  cells_vmodem_util_export (self->manager, self->bus, MM_DBUS_PATH);
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
      g_message ("Cell “%s”: no system bus in the cell yet (%s); still trying",
                 cells_vmodem_util_get_cell (), error->message);
    self->retry_id = g_timeout_add (MIN (RETRY_MS * (1 + self->attempts / 20), 2000), on_retry,
                                    self);
    return;
  }
  self->bus = bus;
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  g_signal_connect (bus, "closed", G_CALLBACK (on_bus_closed), self);
  export_manager (self);
  sync_presence (self);
  self->owner_id = g_bus_own_name_on_connection (bus, MM_DBUS_SERVICE, G_BUS_NAME_OWNER_FLAGS_NONE,
                                                 on_name_acquired, on_name_lost, NULL, NULL);
}

static void
try_connect (CellsVmodem *self)
{
  g_dbus_connection_new_for_address (self->bus_address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, self->cancellable, on_bus_ready, self);
}

static void
cells_vmodem_dispose (GObject *object)
{
  CellsVmodem *self = CELLS_VMODEM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->bridge != NULL)
    g_signal_handlers_disconnect_by_data (self->bridge, self);
  drop_bus (self);
  g_queue_clear_full (&self->pending_sms, (GDestroyNotify) g_variant_unref);
  g_clear_object (&self->bridge);

  G_OBJECT_CLASS (cells_vmodem_parent_class)->dispose (object);
}

static void
cells_vmodem_finalize (GObject *object)
{
  CellsVmodem *self = CELLS_VMODEM (object);

  g_object_unref (self->cancellable);
  g_free (self->bus_address);

  G_OBJECT_CLASS (cells_vmodem_parent_class)->finalize (object);
}

static void
cells_vmodem_class_init (CellsVmodemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cells_vmodem_dispose;
  object_class->finalize = cells_vmodem_finalize;
}

static void
cells_vmodem_init (CellsVmodem *self)
{
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->pending_sms);
}

/**
 * cells_vmodem_new:
 * @cell_name: the cell's name, for the log and the modem's identity
 * @bridge: the proxy of cellsd's bridge
 * @bus_address: the cell's system bus
 *
 * Starts the virtual modem: it connects to the cell's bus (again and again
 * until there is one) and shows the modem there while the line is present.
 * A process has one, for one cell (cells_vmodem_util_set_cell()).
 *
 * Returns: (transfer full): the virtual modem
 */
CellsVmodem *
cells_vmodem_new (const char *cell_name, CellsDBusModemBridge *bridge, const char *bus_address)
{
  CellsVmodem *self;

  g_return_val_if_fail (cell_name != NULL, NULL);
  g_return_val_if_fail (CELLS_DBUS_IS_MODEM_BRIDGE (bridge), NULL);
  g_return_val_if_fail (bus_address != NULL, NULL);

  cells_vmodem_util_set_cell (cell_name);
  self = g_object_new (CELLS_TYPE_VMODEM, NULL);
  self->bridge = g_object_ref (bridge);
  self->bus_address = g_strdup (bus_address);
  g_signal_connect (bridge, "sms-received", G_CALLBACK (on_sms_received), self);
  g_signal_connect (bridge, "notify::present", G_CALLBACK (on_present_changed), self);
  try_connect (self);
  return self;
}
