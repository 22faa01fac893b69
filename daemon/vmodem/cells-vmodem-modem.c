/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem-modem"

#include "cells-config.h"
#include "cells-vmodem-modem.h"
#include "cells-vmodem-sim.h"
#include "cells-vmodem-util.h"

/**
 * CellsVmodemModem:
 *
 * The cell's modem, `org.freedesktop.ModemManager1.Modem`
 *
 * An LTE modem with one SIM, always on, whose state, own number, signal
 * and identity are the line's as cellsd's bridge tells them. Enabling,
 * resetting and the like are cellsd's to do, not the cell's.
 */

struct _CellsVmodemModem {
  MmGdbusModemSkeleton parent;
};

static void cells_vmodem_modem_iface_init (MmGdbusModemIface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsVmodemModem, cells_vmodem_modem, MM_GDBUS_TYPE_MODEM_SKELETON,
                         G_IMPLEMENT_INTERFACE (MM_GDBUS_TYPE_MODEM, cells_vmodem_modem_iface_init))

/* The line as cellsd tells it: number, registration, signal, IMEI. */
static void
show_line (CellsDBusModemBridge *bridge, GParamSpec *pspec, gpointer object)
{
  MmGdbusModem *modem = MM_GDBUS_MODEM (object);
  const char *number = cells_dbus_modem_bridge_get_own_number (bridge);
  const char *numbers[] = { number, NULL };
  gboolean registered = cells_dbus_modem_bridge_get_registered (bridge);
  guint quality = cells_dbus_modem_bridge_get_signal_quality (bridge);

  mm_gdbus_modem_set_own_numbers (modem, number && *number ? numbers : numbers + 1);
  mm_gdbus_modem_set_state (modem, registered ? MM_MODEM_STATE_REGISTERED :
                            MM_MODEM_STATE_SEARCHING);
  mm_gdbus_modem_set_signal_quality (modem, g_variant_new ("(ub)", MIN (quality, 100u), TRUE));
  mm_gdbus_modem_set_equipment_identifier (modem, cells_dbus_modem_bridge_get_imei (bridge));
}

/* What the modem is and where it sits. */
static void
fill_device (CellsVmodemModem *self)
{
  static const char *const drivers[] = { "cells", NULL };
  MmGdbusModem *modem = MM_GDBUS_MODEM (self);
  g_autofree char *device = g_strdup_printf ("cells:%s", cells_vmodem_util_get_cell ());
  g_autofree char *device_id = cells_vmodem_util_device_id ();
  GVariant *ports = g_variant_new_parsed ("[(%s, %u)]", "cells0", (guint32) MM_MODEM_PORT_TYPE_AT);

  mm_gdbus_modem_set_sim (modem, CELLS_VMODEM_SIM_PATH);
  mm_gdbus_modem_set_sim_slots (modem, (const char *const[]) { CELLS_VMODEM_SIM_PATH, NULL });
  mm_gdbus_modem_set_primary_sim_slot (modem, 1);
  mm_gdbus_modem_set_manufacturer (modem, "Cells");
  mm_gdbus_modem_set_model (modem, "Virtual modem");
  mm_gdbus_modem_set_revision (modem, PACKAGE_VERSION);
  mm_gdbus_modem_set_hardware_revision (modem, "");
  mm_gdbus_modem_set_carrier_configuration (modem, "");
  mm_gdbus_modem_set_carrier_configuration_revision (modem, "");
  mm_gdbus_modem_set_device (modem, device);
  mm_gdbus_modem_set_device_identifier (modem, device_id);
  mm_gdbus_modem_set_drivers (modem, drivers);
  mm_gdbus_modem_set_plugin (modem, "cells");
  mm_gdbus_modem_set_primary_port (modem, "cells0");
  mm_gdbus_modem_set_ports (modem, ports);
  mm_gdbus_modem_set_bearers (modem, (const char *const[]) { NULL });
}

/* What it can do: everything a phone app looks for, data aside. */
static void
fill_radio (CellsVmodemModem *self)
{
  static const guint caps[] = { MM_MODEM_CAPABILITY_GSM_UMTS | MM_MODEM_CAPABILITY_LTE };
  const guint all_modes = MM_MODEM_MODE_2G | MM_MODEM_MODE_3G | MM_MODEM_MODE_4G;
  MmGdbusModem *modem = MM_GDBUS_MODEM (self);
  GVariantBuilder modes;

  mm_gdbus_modem_set_supported_capabilities (modem,
                                             g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, caps,
                                                                        1, sizeof caps[0]));
  mm_gdbus_modem_set_current_capabilities (modem, caps[0]);
  mm_gdbus_modem_set_unlock_required (modem, MM_MODEM_LOCK_NONE);
  mm_gdbus_modem_set_unlock_retries (modem, g_variant_new_parsed ("@a{uu} {}"));
  mm_gdbus_modem_set_power_state (modem, MM_MODEM_POWER_STATE_ON);
  mm_gdbus_modem_set_access_technologies (modem, MM_MODEM_ACCESS_TECHNOLOGY_LTE);
  g_variant_builder_init (&modes, G_VARIANT_TYPE ("a(uu)"));
  g_variant_builder_add (&modes, "(uu)", all_modes, MM_MODEM_MODE_4G);
  mm_gdbus_modem_set_supported_modes (modem, g_variant_builder_end (&modes));
  mm_gdbus_modem_set_current_modes (modem, g_variant_new ("(uu)", all_modes, MM_MODEM_MODE_4G));
  mm_gdbus_modem_set_supported_bands (modem, g_variant_new_parsed ("@au []"));
  mm_gdbus_modem_set_current_bands (modem, g_variant_new_parsed ("@au []"));
  mm_gdbus_modem_set_supported_ip_families (modem, MM_BEARER_IP_FAMILY_IPV4);
}

/* Enabling and the like: the line is cellsd's to manage, not the cell's. */

static gboolean
handle_enable (MmGdbusModem *modem, GDBusMethodInvocation *invocation, gboolean enable)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_reset (MmGdbusModem *modem, GDBusMethodInvocation *invocation)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_factory_reset (MmGdbusModem *modem, GDBusMethodInvocation *invocation, const char *code)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_create_bearer (MmGdbusModem *modem, GDBusMethodInvocation *invocation, GVariant *properties)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_command (MmGdbusModem *modem, GDBusMethodInvocation *invocation, const char *cmd,
                guint timeout)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static void
cells_vmodem_modem_iface_init (MmGdbusModemIface *iface)
{
  iface->handle_enable = handle_enable;
  iface->handle_reset = handle_reset;
  iface->handle_factory_reset = handle_factory_reset;
  iface->handle_create_bearer = handle_create_bearer;
  iface->handle_command = handle_command;
}

static void
cells_vmodem_modem_class_init (CellsVmodemModemClass *klass)
{
}

static void
cells_vmodem_modem_init (CellsVmodemModem *self)
{
}

/**
 * cells_vmodem_modem_new:
 * @bridge: cellsd's bridge
 *
 * Returns: (transfer full): the modem interface of the cell's modem,
 *   showing the bridge's line
 */
CellsVmodemModem *
cells_vmodem_modem_new (CellsDBusModemBridge *bridge)
{
  CellsVmodemModem *self;

  g_return_val_if_fail (CELLS_DBUS_IS_MODEM_BRIDGE (bridge), NULL);

  self = g_object_new (CELLS_TYPE_VMODEM_MODEM, NULL);
  fill_device (self);
  fill_radio (self);
  cells_vmodem_util_follow_bridge (self, bridge, show_line);
  return self;
}
