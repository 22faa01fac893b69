/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem-manager"

#include "cells-vmodem-manager.h"
#include "cells-vmodem-util.h"

/* The ModemManager whose interfaces the virtual modem speaks. */
#define EMULATED_MM_VERSION "1.20.4"

/**
 * CellsVmodemManager:
 *
 * `org.freedesktop.ModemManager1` of the cell's ModemManager
 *
 * Its version says which ModemManager clients talk to; scanning, logging,
 * kernel events and inhibiting are cellsd's, not the cell's.
 */

struct _CellsVmodemManager {
  MmGdbusOrgFreedesktopModemManager1Skeleton parent;
};

static void cells_vmodem_manager_iface_init (MmGdbusOrgFreedesktopModemManager1Iface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsVmodemManager, cells_vmodem_manager,
                         MM_GDBUS_TYPE_ORG_FREEDESKTOP_MODEM_MANAGER1_SKELETON,
                         G_IMPLEMENT_INTERFACE (MM_GDBUS_TYPE_ORG_FREEDESKTOP_MODEM_MANAGER1,
                                                cells_vmodem_manager_iface_init))

static gboolean
handle_scan_devices (MmGdbusOrgFreedesktopModemManager1 *manager,
                     GDBusMethodInvocation              *invocation)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_set_logging (MmGdbusOrgFreedesktopModemManager1 *manager,
                    GDBusMethodInvocation              *invocation,
                    const char                         *level)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_report_kernel_event (MmGdbusOrgFreedesktopModemManager1 *manager,
                            GDBusMethodInvocation              *invocation,
                            GVariant                           *properties)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static gboolean
handle_inhibit_device (MmGdbusOrgFreedesktopModemManager1 *manager,
                       GDBusMethodInvocation              *invocation,
                       const char                         *uid,
                       gboolean                            inhibit)
{
  return cells_vmodem_util_return_unsupported (invocation);
}

static void
cells_vmodem_manager_iface_init (MmGdbusOrgFreedesktopModemManager1Iface *iface)
{
  iface->handle_scan_devices = handle_scan_devices;
  iface->handle_set_logging = handle_set_logging;
  iface->handle_report_kernel_event = handle_report_kernel_event;
  iface->handle_inhibit_device = handle_inhibit_device;
}

static void
cells_vmodem_manager_class_init (CellsVmodemManagerClass *klass)
{
}

static void
cells_vmodem_manager_init (CellsVmodemManager *self)
{
  mm_gdbus_org_freedesktop_modem_manager1_set_version (
    MM_GDBUS_ORG_FREEDESKTOP_MODEM_MANAGER1 (self), EMULATED_MM_VERSION);
}

CellsVmodemManager *
cells_vmodem_manager_new (void)
{
  return g_object_new (CELLS_TYPE_VMODEM_MANAGER, NULL);
}
