/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem-util"

#include "cells-vmodem-util.h"

#include <libmm-glib.h>

#include <string.h>

/*
 * What the objects of the virtual modem share: the cell they serve, the
 * bridge they follow, ModemManager's errors, the numbers it dials, the
 * order in which it lists its objects and how they go on and off the bus.
 */

/* One virtual modem a process, for one cell. */
static char *cell_name;

/**
 * cells_vmodem_util_set_cell:
 * @name: the cell's name
 *
 * Says which cell this process serves: its objects name it in the log,
 * and the modem and SIM take their identity from it.
 */
void
cells_vmodem_util_set_cell (const char *name)
{
  g_return_if_fail (name != NULL);

  g_free (cell_name);
  cell_name = g_strdup (name);
}

/**
 * cells_vmodem_util_get_cell:
 *
 * Returns: the name of the cell this process serves, for the log
 */
const char *
cells_vmodem_util_get_cell (void)
{
  return cell_name;
}

/**
 * cells_vmodem_util_device_id:
 *
 * Returns: (transfer full): the identifier of the cell's modem and SIM,
 *   the same on every start
 */
char *
cells_vmodem_util_device_id (void)
{
  g_autofree char *device = g_strdup_printf ("cells:%s", cell_name);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA1, device, -1);
}

/**
 * cells_vmodem_util_follow_bridge:
 * @object: an object of the virtual modem
 * @bridge: cellsd's bridge
 * @show_line: shows the line on @object
 *
 * Calls @show_line now and whenever cellsd changes a property of the
 * bridge, until @object is disposed.
 */
void
cells_vmodem_util_follow_bridge (gpointer              object,
                                 CellsDBusModemBridge *bridge,
                                 CellsVmodemLineFunc   show_line)
{
  show_line (bridge, NULL, object);
  g_signal_connect_object (bridge, "notify", G_CALLBACK (show_line), object, 0);
}

/**
 * cells_vmodem_util_return_unsupported:
 * @invocation: a call of a method the cell's modem does not have
 *
 * Answers it with ModemManager's Unsupported error.
 *
 * Returns: %TRUE, for a method handler to return
 */
gboolean
cells_vmodem_util_return_unsupported (GDBusMethodInvocation *invocation)
{
  g_dbus_method_invocation_return_error (invocation, MM_CORE_ERROR, MM_CORE_ERROR_UNSUPPORTED,
                                         "%s is not supported by this cell's modem.",
                                         g_dbus_method_invocation_get_method_name (invocation));
  return TRUE;
}

/**
 * cells_vmodem_util_return_error:
 * @invocation: a call that cellsd refused
 * @error: cellsd's error
 *
 * Answers it with ModemManager's Failed error and cellsd's sentence:
 * phone apps know ModemManager's error names, not cellsd's.
 */
void
cells_vmodem_util_return_error (GDBusMethodInvocation *invocation, GError *error)
{
  g_dbus_error_strip_remote_error (error);
  g_dbus_method_invocation_return_error_literal (invocation, MM_CORE_ERROR, MM_CORE_ERROR_FAILED,
                                                 error->message);
}

/**
 * cells_vmodem_util_number_is_dialable:
 * @number: (nullable): a number a cell's app gave
 *
 * Returns: whether it is a number to call or write to: digits, `+`, `*`,
 *   `#` and the pause characters, at most 40
 */
gboolean
cells_vmodem_util_number_is_dialable (const char *number)
{
  if (number == NULL || *number == '\0' || strlen (number) > 40)
    return FALSE;
  for (const char *p = number; *p; p++) {
    if (!g_ascii_isdigit (*p) && !strchr ("+*#,pPwW", *p))
      return FALSE;
  }
  return TRUE;
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

/**
 * cells_vmodem_util_sorted_paths:
 * @table: a table whose keys are object paths
 *
 * Returns: (transfer full): its paths, oldest first, as ModemManager lists them
 */
GStrv
cells_vmodem_util_sorted_paths (GHashTable *table)
{
  g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (table, NULL);
  GStrv paths = g_strdupv ((char **) keys);

  g_qsort_with_data (paths, g_strv_length (paths), sizeof (char *), compare_paths, NULL);
  return paths;
}

/**
 * cells_vmodem_util_export:
 * @skeleton: a #GDBusInterfaceSkeleton
 * @bus: the cell's bus
 * @path: where it goes
 *
 * Puts it on the bus, or says in the log that it cannot.
 */
void
cells_vmodem_util_export (gpointer skeleton, GDBusConnection *bus, const char *path)
{
  g_autoptr(GError) error = NULL;

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (skeleton), bus, path, &error))
    g_warning ("Cell “%s”: cannot export %s: %s", cell_name, path, error->message);
}

/**
 * cells_vmodem_util_is_exported:
 * @skeleton: a #GDBusInterfaceSkeleton
 *
 * Returns: whether it is on the bus (a deleted call or message, or the
 *   interface of a hidden modem, is not)
 */
gboolean
cells_vmodem_util_is_exported (gpointer skeleton)
{
  return g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (skeleton)) != NULL;
}

/**
 * cells_vmodem_util_unexport_and_unref:
 * @skeleton: (transfer full): a #GDBusInterfaceSkeleton
 *
 * Takes it off the bus, if it is there, and drops the reference: for
 * g_clear_pointer() and tables of exported objects.
 */
void
cells_vmodem_util_unexport_and_unref (gpointer skeleton)
{
  if (cells_vmodem_util_is_exported (skeleton))
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (skeleton));
  g_object_unref (skeleton);
}
