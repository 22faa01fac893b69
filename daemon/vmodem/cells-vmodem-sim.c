/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem-sim"

#include "cells-vmodem-sim.h"
#include "cells-vmodem-util.h"

/**
 * CellsVmodemSim:
 *
 * The SIM of the cell's modem, `org.freedesktop.ModemManager1.Sim`
 *
 * Always active and unlocked, with the line's subscriber identity and
 * operator as cellsd's bridge tells them. Its PIN methods are no one's to
 * handle: the real SIM's PIN is cellsd's.
 */

struct _CellsVmodemSim {
  MmGdbusSimSkeleton parent;
};

G_DEFINE_TYPE (CellsVmodemSim, cells_vmodem_sim, MM_GDBUS_TYPE_SIM_SKELETON)

static const char *const emergency_numbers[] = { "112", "911", NULL };

/* The line's subscriber and operator, as cellsd tells them. */
static void
show_line (CellsDBusModemBridge *bridge, GParamSpec *pspec, gpointer object)
{
  MmGdbusSim *sim = MM_GDBUS_SIM (object);

  mm_gdbus_sim_set_imsi (sim, cells_dbus_modem_bridge_get_imsi (bridge));
  mm_gdbus_sim_set_operator_name (sim, cells_dbus_modem_bridge_get_operator_name (bridge));
  mm_gdbus_sim_set_operator_identifier (sim, cells_dbus_modem_bridge_get_operator_code (bridge));
}

static void
cells_vmodem_sim_class_init (CellsVmodemSimClass *klass)
{
}

static void
cells_vmodem_sim_init (CellsVmodemSim *self)
{
  MmGdbusSim *sim = MM_GDBUS_SIM (self);

  mm_gdbus_sim_set_active (sim, TRUE);
  mm_gdbus_sim_set_emergency_numbers (sim, emergency_numbers);
  mm_gdbus_sim_set_sim_type (sim, MM_SIM_TYPE_PHYSICAL);
  mm_gdbus_sim_set_preferred_networks (sim, g_variant_new_parsed ("@a(su) []"));
  mm_gdbus_sim_set_gid1 (sim, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1));
  mm_gdbus_sim_set_gid2 (sim, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1));
}

/**
 * cells_vmodem_sim_new:
 * @bridge: cellsd's bridge
 *
 * Returns: (transfer full): the SIM of the cell's modem, to be exported
 *   at %CELLS_VMODEM_SIM_PATH
 */
CellsVmodemSim *
cells_vmodem_sim_new (CellsDBusModemBridge *bridge)
{
  g_autofree char *device_id = cells_vmodem_util_device_id ();
  CellsVmodemSim *self;

  g_return_val_if_fail (CELLS_DBUS_IS_MODEM_BRIDGE (bridge), NULL);

  self = g_object_new (CELLS_TYPE_VMODEM_SIM, NULL);
  mm_gdbus_sim_set_sim_identifier (MM_GDBUS_SIM (self), device_id);
  cells_vmodem_util_follow_bridge (self, bridge, show_line);
  return self;
}
