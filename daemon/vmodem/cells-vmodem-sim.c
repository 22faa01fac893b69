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
  MmGdbusSimSkeleton    parent;

  CellsDBusModemBridge *bridge;
};

G_DEFINE_TYPE (CellsVmodemSim, cells_vmodem_sim, MM_GDBUS_TYPE_SIM_SKELETON)

static const char *const emergency_numbers[] = { "112", "911", NULL };

static void
sync_line (CellsVmodemSim *self)
{
  MmGdbusSim *sim = MM_GDBUS_SIM (self);
  CellsDBusModemBridge *b = self->bridge;

  mm_gdbus_sim_set_imsi (sim, cells_dbus_modem_bridge_get_imsi (b));
  mm_gdbus_sim_set_operator_name (sim, cells_dbus_modem_bridge_get_operator_name (b));
  mm_gdbus_sim_set_operator_identifier (sim, cells_dbus_modem_bridge_get_operator_code (b));
}

static void
on_bridge_notify (CellsDBusModemBridge *bridge, GParamSpec *pspec, CellsVmodemSim *self)
{
  sync_line (self);
}

static void
cells_vmodem_sim_dispose (GObject *object)
{
  CellsVmodemSim *self = CELLS_VMODEM_SIM (object);

  if (self->bridge != NULL)
    g_signal_handlers_disconnect_by_data (self->bridge, self);
  g_clear_object (&self->bridge);

  G_OBJECT_CLASS (cells_vmodem_sim_parent_class)->dispose (object);
}

static void
cells_vmodem_sim_class_init (CellsVmodemSimClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cells_vmodem_sim_dispose;
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
  self->bridge = g_object_ref (bridge);
  mm_gdbus_sim_set_sim_identifier (MM_GDBUS_SIM (self), device_id);
  sync_line (self);
  g_signal_connect (bridge, "notify", G_CALLBACK (on_bridge_notify), self);
  return self;
}
