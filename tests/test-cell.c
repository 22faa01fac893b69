/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A Cell's D-Bus properties come from its definition through the table of
 * options; the phone number is the cell's own, or else its line's.
 */
#include "cells-cell.h"
#include "cells-claims.h"
#include "cells-definition.h"

#include <glib.h>

static CellsCell *
make_cell (CellsClaims *claims, const char *options)
{
  CellsDefinition *def = cells_definition_new ("work");
  g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_new_parsed (options));
  static CellsSettings settings;
  CellsHost host = { 0 };

  g_assert_true (cells_definition_apply (def, v, TRUE, NULL));
  def->uid_base = 65536 * 7;
  return cells_cell_new (def, "/nonexistent", &host, &settings, claims, NULL, NULL);
}

static void
test_properties_from_table (void)
{
  g_autoptr(CellsClaims) claims = cells_claims_new ();
  g_autoptr(CellsCell) cell = make_cell (claims, "{'image': <'base'>, 'display-name': <'Work'>, "
                                                 "'color': <'#112233'>, 'cpu-weight': <uint32 7>, "
                                                 "'memory-max': <uint64 8388608>, "
                                                 "'devices': <{'camera': 'none'}>, "
                                                 "'sip-password': <'hidden'>}");
  CellsDBusCell *iface = CELLS_DBUS_CELL (cell);
  const CellsDefinition *def = cells_cell_get_definition (cell);
  guint n;
  const CellsOption *options = cells_options (&n);
  const char *access;

  /* Every option with a property shows what the definition holds. */
  for (guint i = 0; i < n; i++) {
    g_auto(GValue) want = G_VALUE_INIT;
    g_auto(GValue) have = G_VALUE_INIT;
    g_autofree char *w = NULL;
    g_autofree char *h = NULL;

    if (options[i].flags & (CELLS_OPTION_SECRET | CELLS_OPTION_OWN_PROPERTY))
      continue;
    cells_definition_get_value (def, &options[i], &want);
    g_value_init (&have, G_VALUE_TYPE (&want));
    g_object_get_property (G_OBJECT (cell), options[i].key, &have);
    w = g_strdup_value_contents (&want);
    h = g_strdup_value_contents (&have);
    g_assert_cmpstr (h, ==, w);
  }
  g_assert_cmpstr (cells_dbus_cell_get_display_name (iface), ==, "Work");
  g_assert_cmpuint (cells_dbus_cell_get_cpu_weight (iface), ==, 7);
  g_assert_cmpuint (cells_dbus_cell_get_uid_base (iface), ==, 65536 * 7);
  g_assert_true (g_variant_lookup (cells_dbus_cell_get_devices (iface), "camera", "&s", &access));
  g_assert_cmpstr (access, ==, "none");
  g_assert_cmpstr (cells_dbus_cell_get_state (iface), ==, "stopped");
}

static void
test_phone_number (void)
{
  g_autoptr(CellsClaims) claims = cells_claims_new ();
  g_autoptr(CellsCell) plain =
      make_cell (claims, "{'image': <'base'>, 'phone-number': <'+4930123'>}");
  g_autoptr(CellsCell) line = make_cell (claims, "{'image': <'base'>, 'phone-line': <'sim'>}");
  g_autoptr(CellsCell) own = make_cell (claims, "{'image': <'base'>, 'phone-line': <'sim'>, "
                                                "'phone-number': <'+111'>}");

  g_assert_cmpstr (cells_dbus_cell_get_phone_number (CELLS_DBUS_CELL (plain)), ==, "+4930123");
  g_assert_cmpstr (cells_dbus_cell_get_phone_number (CELLS_DBUS_CELL (line)), ==, "");
  cells_cell_set_line_status (line, "+4915100", "registered", 2);
  cells_cell_set_line_status (own, "+4915100", "registered", 0);
  g_assert_cmpstr (cells_dbus_cell_get_phone_number (CELLS_DBUS_CELL (line)), ==, "+4915100");
  g_assert_cmpstr (cells_dbus_cell_get_phone_line_state (CELLS_DBUS_CELL (line)), ==, "registered");
  g_assert_cmpuint (cells_dbus_cell_get_calls (CELLS_DBUS_CELL (line)), ==, 2);
  g_assert_cmpstr (cells_dbus_cell_get_phone_number (CELLS_DBUS_CELL (own)), ==, "+111");
}

static void
test_missed_calls (void)
{
  g_autoptr(CellsClaims) claims = cells_claims_new ();
  g_autoptr(CellsCell) cell = make_cell (claims, "{'image': <'base'>, 'phone-line': <'sim'>}");

  cells_cell_add_missed_call (cell);
  cells_cell_add_missed_call (cell);
  g_assert_cmpuint (cells_dbus_cell_get_missed_calls (CELLS_DBUS_CELL (cell)), ==, 2);
  /* The user looks at the cell: nothing is missed any more. */
  cells_cell_set_foreground (cell, TRUE);
  g_assert_cmpuint (cells_dbus_cell_get_missed_calls (CELLS_DBUS_CELL (cell)), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cell/properties-from-table", test_properties_from_table);
  g_test_add_func ("/cell/phone-number", test_phone_number);
  g_test_add_func ("/cell/missed-calls", test_missed_calls);
  return g_test_run ();
}
