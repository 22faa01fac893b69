/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem-modem-3gpp"

#include "cells-vmodem-modem-3gpp.h"
#include "cells-vmodem-util.h"

/**
 * CellsVmodemModem3gpp:
 *
 * The modem's `org.freedesktop.ModemManager1.Modem.Modem3gpp`
 *
 * The line's identity (IMEI), registration and network as cellsd's
 * bridge tells them. It has no methods of its own: registering and
 * scanning are cellsd's to do, so no one handles them.
 */

struct _CellsVmodemModem3gpp {
  MmGdbusModem3gppSkeleton parent;
};

G_DEFINE_TYPE (CellsVmodemModem3gpp, cells_vmodem_modem_3gpp, MM_GDBUS_TYPE_MODEM3GPP_SKELETON)

/* The line as cellsd tells it: IMEI, registration, network. */
static void
show_line (CellsDBusModemBridge *bridge, GParamSpec *pspec, gpointer object)
{
  MmGdbusModem3gpp *modem3gpp = MM_GDBUS_MODEM3GPP (object);
  gboolean registered = cells_dbus_modem_bridge_get_registered (bridge);

  mm_gdbus_modem3gpp_set_imei (modem3gpp, cells_dbus_modem_bridge_get_imei (bridge));
  mm_gdbus_modem3gpp_set_registration_state (modem3gpp, registered ?
                                             MM_MODEM_3GPP_REGISTRATION_STATE_HOME :
                                             MM_MODEM_3GPP_REGISTRATION_STATE_SEARCHING);
  mm_gdbus_modem3gpp_set_operator_name (modem3gpp,
                                        cells_dbus_modem_bridge_get_operator_name (bridge));
  mm_gdbus_modem3gpp_set_operator_code (modem3gpp,
                                        cells_dbus_modem_bridge_get_operator_code (bridge));
}

static void
cells_vmodem_modem_3gpp_class_init (CellsVmodemModem3gppClass *klass)
{
}

static void
cells_vmodem_modem_3gpp_init (CellsVmodemModem3gpp *self)
{
  MmGdbusModem3gpp *modem3gpp = MM_GDBUS_MODEM3GPP (self);

  mm_gdbus_modem3gpp_set_enabled_facility_locks (modem3gpp, MM_MODEM_3GPP_FACILITY_NONE);
  mm_gdbus_modem3gpp_set_pco (modem3gpp, g_variant_new_parsed ("@a(ubay) []"));
  mm_gdbus_modem3gpp_set_initial_eps_bearer (modem3gpp, "/");
  mm_gdbus_modem3gpp_set_initial_eps_bearer_settings (modem3gpp,
                                                      g_variant_new_parsed ("@a{sv} {}"));
}

/**
 * cells_vmodem_modem_3gpp_new:
 * @bridge: cellsd's bridge
 *
 * Returns: (transfer full): the 3GPP interface of the cell's modem,
 *   showing the bridge's line
 */
CellsVmodemModem3gpp *
cells_vmodem_modem_3gpp_new (CellsDBusModemBridge *bridge)
{
  CellsVmodemModem3gpp *self;

  g_return_val_if_fail (CELLS_DBUS_IS_MODEM_BRIDGE (bridge), NULL);

  self = g_object_new (CELLS_TYPE_VMODEM_MODEM_3GPP, NULL);
  cells_vmodem_util_follow_bridge (self, bridge, show_line);
  return self;
}
