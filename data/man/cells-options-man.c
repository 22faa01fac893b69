/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-options-man"

#include "cells-definition.h"
#include "cells-devices.h"

#include <glib-object.h>

#include <stdlib.h>
#include <string.h>

/**
 * SECTION:cells-options-man
 *
 * Writes a manual page from its scdoc source, with what the table of a
 * cell's options says put in where the source has a line of its own:
 * `%CELL_OPTIONS%` (cellsd.conf(5)) becomes one entry per row of the
 * table and the device classes with their defaults; `%CELL_KEYS%` the
 * names of the settings a client sets, and `%DEVICE_CLASSES%` (at the end
 * of a line) the device classes (cellsctl(1)). The pages cannot drift from
 * the code: they are made from it at every build.
 */

static const char *
type_name (CellsOptionType type)
{
  switch (type) {
  case CELLS_OPTION_STRING:
    return "text";
  case CELLS_OPTION_STRV:
    return "a list of words";
  case CELLS_OPTION_BOOLEAN:
    return "yes or no";
  case CELLS_OPTION_UINT32:
  case CELLS_OPTION_UINT64:
    return "a number";
  case CELLS_OPTION_DEVICES:
  default:
    return "rights per device class";
  }
}

/* A default as a person would write it, or NULL where there is none to say. */
static char *
format_default (const CellsOption *o, const GValue *value)
{
  const char *s;
  const char *const *strv;

  switch (o->type) {
  case CELLS_OPTION_STRING:
    s = g_value_get_string (value);
    return s == NULL || *s == '\0' ? NULL : g_strdup_printf ("*%s*", s);
  case CELLS_OPTION_STRV:
    strv = g_value_get_boxed (value);
    return strv == NULL || strv[0] == NULL ? NULL : g_strdup_printf ("*%s*", strv[0]);
  case CELLS_OPTION_BOOLEAN:
    return g_strdup (g_value_get_boolean (value) ? "*yes*" : "*no*");
  case CELLS_OPTION_UINT32:
    return g_strdup_printf ("*%u*", g_value_get_uint (value));
  case CELLS_OPTION_UINT64:
    return g_strdup_printf ("*%" G_GUINT64_FORMAT "*", g_value_get_uint64 (value));
  case CELLS_OPTION_DEVICES:
  default:
    return NULL;
  }
}

static void
print_option (const CellsOption *o, const CellsDefinition *def)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autofree char *fallback = NULL;
  g_autofree char *help = g_strdup (o->help);

  help[0] = g_ascii_toupper (help[0]);
  g_print ("*%s*", o->key);
  if (o->value_help != NULL)
    g_print ("=_%s_", o->value_help);
  g_print ("\n\t%s. Takes %s (D-Bus type _%s_)", help, type_name (o->type),
           g_variant_type_peek_string (cells_option_variant_type (o)));
  if (o->file_key != NULL && !(o->flags & CELLS_OPTION_SECRET))
    g_print ("; in cell.conf *%s=* of [Cell]", o->file_key);
  g_print (".");
  cells_definition_get_value (def, o, &value);
  fallback = g_str_equal (o->key, "display-name") ? g_strdup ("the cell's name")
                                                  : format_default (o, &value);
  if (fallback != NULL && !(o->flags & CELLS_OPTION_INTERNAL))
    g_print (" Default: %s.", fallback);
  if (o->flags & CELLS_OPTION_CREATE_ONLY)
    g_print (" It cannot be changed afterwards.");
  if (o->flags & CELLS_OPTION_INTERNAL)
    g_print (" Kept by cellsd; no client sets it.");
  if (o->flags & CELLS_OPTION_REQUIRED)
    g_print (" A cell.conf without it is refused.");
  if (o->flags & CELLS_OPTION_SECRET)
    g_print (" Kept in _sip.secret_ beside cell.conf, readable by root only; never shown.");
  g_print ("\n\n");
}

static void
print_devices (const CellsOption *o)
{
  g_print ("In *CreateCell* and *Configure* they are the option *%s* (D-Bus type _%s_). ",
           o->key, g_variant_type_peek_string (cells_option_variant_type (o)));
  g_print ("The rights, one per device class, are *none* (the cell never sees the devices "
           "of the class), *shared* (every cell with the right may use them; the display "
           "and input only while the cell is in the foreground) and *exclusive* (one cell "
           "at a time holds them). In cell.conf they are the keys of the group [Devices], "
           "one per class; *cellsctl set* takes them as *device.*_CLASS_=_RIGHT_.\n\n");
  for (int c = 0; c < CELLS_N_DEVICE_CLASSES; c++) {
    const char *name = cells_device_class_to_string (c);
    const char *const rights[] = { "none", "shared", "exclusive" };
    g_autoptr(GString) refused = g_string_new (NULL);

    for (guint r = 0; r < G_N_ELEMENTS (rights); r++) {
      CellsDeviceClass klass;
      CellsAccess access;
      g_autoptr(GError) error = NULL;

      if (!cells_access_check (name, rights[r], &klass, &access, &error))
        g_string_append_printf (refused, "%s*%s*", refused->len ? ", " : "", rights[r]);
    }
    g_print ("*%s*\n\tDefault: *%s*.", name, cells_access_to_string (cells_access_default (c)));
    if (refused->len > 0)
      g_print (" Cannot be %s.", refused->str);
    g_print ("\n\n");
  }
}

static void
print_keys (void)
{
  guint n;
  const CellsOption *options = cells_options (&n);
  gboolean first = TRUE;

  for (guint i = 0; i < n; i++) {
    if (options[i].flags & CELLS_OPTION_INTERNAL || options[i].type == CELLS_OPTION_DEVICES)
      continue;
    g_print ("%s*%s*", first ? "" : ",\n", options[i].key);
    first = FALSE;
  }
  g_print ("\n");
}

static void
print_classes (void)
{
  for (int c = 0; c < CELLS_N_DEVICE_CLASSES; c++)
    g_print ("%s*%s*", c == 0 ? "" : c == CELLS_N_DEVICE_CLASSES - 1 ? " and " : ", ",
             cells_device_class_to_string (c));
}

static void
print_options (void)
{
  g_autoptr(CellsDefinition) def = cells_definition_new ("NAME");
  guint n;
  const CellsOption *options = cells_options (&n);

  const CellsOption *devices = NULL;

  for (guint i = 0; i < n; i++) {
    if (options[i].type == CELLS_OPTION_DEVICES)
      devices = &options[i];
    else
      print_option (&options[i], def);
  }
  if (devices != NULL) {
    g_print ("## Device access\n\n");
    print_devices (devices);
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint found = 0;

  if (argc != 2) {
    g_printerr ("Usage: %s PAGE.scd.in\n", argv[0]);
    return EXIT_FAILURE;
  }
  if (!g_file_get_contents (argv[1], &text, NULL, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    if (g_str_equal (lines[i], "%CELL_OPTIONS%")) {
      print_options ();
      found++;
    } else if (g_str_equal (lines[i], "%CELL_KEYS%")) {
      print_keys ();
      found++;
    } else if (g_str_has_suffix (lines[i], "%DEVICE_CLASSES%.")) {
      g_print ("%.*s", (int) (strlen (lines[i]) - strlen ("%DEVICE_CLASSES%.")), lines[i]);
      print_classes ();
      g_print (".\n");
      found++;
    } else if (lines[i + 1] != NULL || *lines[i] != '\0') {
      g_print ("%s\n", lines[i]);
    }
  }
  if (found == 0) {
    g_printerr ("%s has no line for the options to go in\n", argv[1]);
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
