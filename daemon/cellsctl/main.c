/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cellsctl"

#include "cells-config.h"
#include "cells-dbus.h"
#include "cells-definition.h"
#include "cells-util.h"

#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <lxc/lxccontainer.h>
#include <lxc/attach_options.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/**
 * SECTION:cellsctl
 *
 * The command-line client of cellsd. Every command is a call on
 * org.cells.Cells1; errors go to stderr with exit status 1 (2 for usage).
 */

#define BUS_NAME "org.cells.Cells1"
#define MANAGER_PATH "/org/cells/Cells1"
#define LONG_CALL_MS (10 * 60 * 1000)

static gboolean opt_json;

/* The settings that `set` and `create` take, from the table of options. */
static void
print_settings (void)
{
  guint n;
  const CellsOption *options = cells_options (&n);

  for (guint i = 0; i < n; i++) {
    const CellsOption *o = &options[i];
    g_autofree char *word = NULL;

    if (o->flags & CELLS_OPTION_INTERNAL)
      continue;
    if (o->type == CELLS_OPTION_DEVICES)
      word = g_strdup ("device.CLASS=none|shared|exclusive");
    else
      word = g_strdup_printf ("%s=%s", o->key, o->value_help);
    g_printerr ("  %-28s %s\n", word, o->help);
  }
  g_printerr ("  device classes:");
  for (int c = 0; c < CELLS_N_DEVICE_CLASSES; c++)
    g_printerr ("%s %s", c == 0 || c % 6 ? "" : "\n                ",
                cells_device_class_to_string (c));
  g_printerr ("\n");
}

static int
usage (void)
{
  g_printerr (_("Usage: cellsctl [--json] COMMAND [ARGS]\n"
                "\n"
                "Commands:\n"
                "  list                          List the cells\n"
                "  show NAME                     Show everything about a cell\n"
                "  create NAME --image IMAGE [--KEY VALUE…] [-- INIT…]\n"
                "                                Create a cell from a base image\n"
                "  set NAME KEY=VALUE…           Change settings\n"
                "  start NAME | stop NAME        Start or stop a cell\n"
                "  freeze NAME | thaw NAME       Freeze or thaw a running cell\n"
                "  destroy NAME                  Remove a stopped cell and its files\n"
                "  switch NAME | switch --none   Bring a cell (or no cell) to the foreground\n"
                "  exec NAME -- CMD…             Run a command in a running cell (root only)\n"
                "  image import NAME TARBALL     Make a base image of a rootfs tarball\n"
                "  image list                    List the base images\n"
                "  monitor                       Print every change as it happens\n"
                "\n"
                "Settings (set KEY=VALUE, create --KEY VALUE; --autostart alone means yes):\n"));
  print_settings ();
  return 2;
}

static int
fail (GError *error)
{
  g_dbus_error_strip_remote_error (error);
  g_printerr ("cellsctl: %s\n", error->message);
  return 1;
}

static CellsDBusManager *
get_manager (GError **error)
{
  CellsDBusManager *manager;

  manager = cells_dbus_manager_proxy_new_for_bus_sync (G_BUS_TYPE_SYSTEM, G_DBUS_PROXY_FLAGS_NONE,
                                                       BUS_NAME, MANAGER_PATH, NULL, error);
  if (manager != NULL)
    g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (manager), LONG_CALL_MS);
  return manager;
}

static CellsDBusCell *
get_cell_full (const char *name, GDBusProxyFlags flags, GError **error)
{
  g_autoptr(CellsDBusManager) manager = get_manager (error);
  g_autofree char *path = NULL;
  CellsDBusCell *cell;

  if (manager == NULL || !cells_dbus_manager_call_get_cell_sync (manager, name, &path, NULL, error))
    return NULL;
  cell = cells_dbus_cell_proxy_new_for_bus_sync (G_BUS_TYPE_SYSTEM, flags, BUS_NAME, path, NULL,
                                                 error);
  if (cell != NULL)
    g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (cell), LONG_CALL_MS);
  return cell;
}

static CellsDBusCell *
get_cell (const char *name, GError **error)
{
  return get_cell_full (name, G_DBUS_PROXY_FLAGS_NONE, error);
}

/* Calls a method that may need polkit: with an authentication agent
 * running, the user is asked for a password instead of being refused. */
static GVariant *
call_authorized (gpointer proxy, const char *method, GVariant *parameters, GError **error)
{
  return g_dbus_proxy_call_sync (G_DBUS_PROXY (proxy), method, parameters,
                                 G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, -1, NULL,
                                 error);
}

/* JSON output of GVariants of the few types the API uses. */

static void
json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++) {
    guchar c = *p;

    if (c == '"' || c == '\\')
      g_string_append_printf (out, "\\%c", c);
    else if (c < 0x20)
      g_string_append_printf (out, "\\u%04x", c);
    else
      g_string_append_c (out, c);
  }
  g_string_append_c (out, '"');
}

static void
json_value (GString *out, GVariant *v)
{
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING) ||
      g_variant_is_of_type (v, G_VARIANT_TYPE_OBJECT_PATH)) {
    json_string (out, g_variant_get_string (v, NULL));
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN)) {
    g_string_append (out, g_variant_get_boolean (v) ? "true" : "false");
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_UINT32)) {
    g_string_append_printf (out, "%u", g_variant_get_uint32 (v));
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_UINT64)) {
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, g_variant_get_uint64 (v));
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE ("a{ss}"))) {
    GVariantIter iter;
    const char *key, *value;
    gboolean first = TRUE;

    g_string_append_c (out, '{');
    g_variant_iter_init (&iter, v);
    while (g_variant_iter_next (&iter, "{&s&s}", &key, &value)) {
      g_string_append (out, first ? "" : ", ");
      json_string (out, key);
      g_string_append (out, ": ");
      json_string (out, value);
      first = FALSE;
    }
    g_string_append_c (out, '}');
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_ARRAY)) {
    g_string_append_c (out, '[');
    for (gsize i = 0; i < g_variant_n_children (v); i++) {
      g_autoptr(GVariant) child = g_variant_get_child_value (v, i);

      if (i > 0)
        g_string_append (out, ", ");
      json_value (out, child);
    }
    g_string_append_c (out, ']');
  } else {
    g_autofree char *text = g_variant_print (v, FALSE);

    json_string (out, text);
  }
}

/* The Cell's properties, in the order of its interface description. */
static GDBusPropertyInfo **
cell_properties (void)
{
  return cells_dbus_cell_interface_info ()->properties;
}

static void
json_cell (GString *out, CellsDBusCell *cell)
{
  GDBusPropertyInfo **props = cell_properties ();
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; props[i] != NULL; i++) {
    g_autoptr(GVariant) v = g_dbus_proxy_get_cached_property (G_DBUS_PROXY (cell), props[i]->name);

    if (v == NULL)
      continue;
    if (!first)
      g_string_append (out, ", ");
    first = FALSE;
    json_string (out, props[i]->name);
    g_string_append (out, ": ");
    json_value (out, v);
  }
  g_string_append_c (out, '}');
}

static GPtrArray *
get_all_cells (GError **error)
{
  g_autoptr(CellsDBusManager) manager = get_manager (error);
  g_auto(GStrv) paths = NULL;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_object_unref);

  if (manager == NULL || !cells_dbus_manager_call_list_cells_sync (manager, &paths, NULL, error))
    return NULL;
  for (guint i = 0; paths[i] != NULL; i++) {
    CellsDBusCell *cell = cells_dbus_cell_proxy_new_for_bus_sync (G_BUS_TYPE_SYSTEM,
                                                                  G_DBUS_PROXY_FLAGS_NONE, BUS_NAME,
                                                                  paths[i], NULL, error);
    if (cell == NULL)
      return NULL;
    g_ptr_array_add (cells, cell);
  }
  return g_steal_pointer (&cells);
}

static int
cmd_list (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cells = get_all_cells (&error);
  g_autoptr(GString) out = g_string_new (NULL);

  if (cells == NULL)
    return fail (error);
  if (opt_json) {
    g_string_append_c (out, '[');
    for (guint i = 0; i < cells->len; i++) {
      if (i > 0)
        g_string_append (out, ", ");
      json_cell (out, cells->pdata[i]);
    }
    g_print ("%s]\n", out->str);
    return 0;
  }
  g_print ("%-20s %-9s %-16s %-8s %-10s %s\n", "NAME", "STATE", "IMAGE", "LEADER", "FOREGROUND",
           "DISPLAY NAME");
  for (guint i = 0; i < cells->len; i++) {
    CellsDBusCell *c = cells->pdata[i];
    g_autofree char *leader = cells_dbus_cell_get_leader (c) ?
      g_strdup_printf ("%u", cells_dbus_cell_get_leader (c)) : g_strdup ("-");

    g_print ("%-20s %-9s %-16s %-8s %-10s %s\n", cells_dbus_cell_get_name (c),
             cells_dbus_cell_get_state (c), cells_dbus_cell_get_image (c), leader,
             cells_dbus_cell_get_foreground (c) ? "yes" : "no",
             cells_dbus_cell_get_display_name (c));
  }
  if (cells->len == 0)
    g_print ("(no cells; create one with “cellsctl create NAME --image IMAGE”)\n");
  return 0;
}

static int
cmd_show (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDBusCell) cell = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (argc != 2)
    return usage ();
  cell = get_cell (argv[1], &error);
  if (cell == NULL)
    return fail (error);
  if (opt_json) {
    json_cell (out, cell);
    g_print ("%s\n", out->str);
    return 0;
  }
  for (GDBusPropertyInfo **p = cell_properties (); *p != NULL; p++) {
    const char *name = (*p)->name;
    g_autoptr(GVariant) v = g_dbus_proxy_get_cached_property (G_DBUS_PROXY (cell), name);
    g_autofree char *text = NULL;

    if (v == NULL)
      continue;
    if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
      text = g_variant_dup_string (v, NULL);
    else if (g_str_equal (name, "CreatedAt")) {
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (g_variant_get_uint64 (v));

      text = t ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
    } else if (g_str_equal (name, "Devices")) {
      GVariantIter iter;
      const char *key, *value;
      GString *line = g_string_new (NULL);

      g_variant_iter_init (&iter, v);
      while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
        g_string_append_printf (line, "%s%s=%s", line->len ? " " : "", key, value);
      text = g_string_free (line, FALSE);
    } else if (g_str_has_prefix (name, "Memory") || g_str_equal (name, "BackgroundMemory")) {
      guint64 bytes = g_variant_get_uint64 (v);
      g_autofree char *size = cells_format_size (bytes);

      text = bytes != 0 ? g_strdup_printf ("%s (%" G_GUINT64_FORMAT " bytes)", size, bytes)
                        : g_strdup ("0");
    } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING_ARRAY)) {
      g_autofree const char **words = g_variant_get_strv (v, NULL);

      text = g_strjoinv (" ", (char **) words);
    } else
      text = g_variant_print (v, FALSE);
    g_print ("%12s: %s\n", name, text);
  }
  return 0;
}

static gboolean
parse_boolean (const char *key, const char *value, gboolean *out, GError **error)
{
  const char *const yes[] = { "yes", "true", "1", "on", NULL };
  const char *const no[] = { "no", "false", "0", "off", NULL };

  *out = g_strv_contains (yes, value);
  if (*out || g_strv_contains (no, value))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s takes yes or no, not “%s”.",
               key, value);
  return FALSE;
}

/* One KEY=VALUE word as a Configure/CreateCell option, typed by the table. */
static gboolean
parse_setting (GVariantBuilder *b, const char *key, const char *value, GError **error)
{
  const CellsOption *o = cells_option_lookup (key);
  g_auto(GStrv) words = NULL;
  gboolean on;
  guint64 n;

  if (o == NULL || (o->flags & CELLS_OPTION_INTERNAL) || o->type == CELLS_OPTION_DEVICES) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                 "Unknown setting “%s”; “cellsctl --help” lists them.", key);
    return FALSE;
  }
  switch (o->type) {
  case CELLS_OPTION_STRING:
    g_variant_builder_add (b, "{sv}", key, g_variant_new_string (value));
    return TRUE;
  case CELLS_OPTION_STRV:
    if (!g_shell_parse_argv (value, NULL, &words, error))
      return FALSE;
    g_variant_builder_add (b, "{sv}", key, g_variant_new_strv ((const char *const *) words, -1));
    return TRUE;
  case CELLS_OPTION_BOOLEAN:
    if (!parse_boolean (key, value, &on, error))
      return FALSE;
    g_variant_builder_add (b, "{sv}", key, g_variant_new_boolean (on));
    return TRUE;
  default:
    if (!g_ascii_string_to_unsigned (
            value, 10, 0, o->type == CELLS_OPTION_UINT32 ? G_MAXUINT32 : G_MAXUINT64, &n, error))
      return FALSE;
    g_variant_builder_add (b, "{sv}", key, o->type == CELLS_OPTION_UINT32 ?
                           g_variant_new_uint32 (n) : g_variant_new_uint64 (n));
    return TRUE;
  }
}

/* Splits argv at "--": what follows is the init command. */
static char **
split_init (int *argc, char **argv)
{
  for (int i = 0; i < *argc; i++) {
    if (g_str_equal (argv[i], "--")) {
      argv[i] = NULL;
      *argc = i;
      return &argv[i + 1];
    }
  }
  return NULL;
}

/* create NAME --KEY VALUE…: any setting of the table, as an option. */
static gboolean
parse_create_options (int argc, char **argv, GVariantBuilder *b, GError **error)
{
  for (int i = 2; i < argc; i++) {
    const char *key = g_str_has_prefix (argv[i], "--") ? argv[i] + 2 : NULL;
    g_auto(GStrv) kv = key ? g_strsplit (key, "=", 2) : NULL;
    const CellsOption *o = key ? cells_option_lookup (kv[0]) : NULL;
    const char *value = kv && kv[1] ? kv[1] : NULL;

    if (o != NULL && o->type == CELLS_OPTION_BOOLEAN && value == NULL)
      value = "yes";
    else if (o != NULL && value == NULL && i + 1 < argc)
      value = argv[++i];
    if (o == NULL || value == NULL) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   key ? "“%s” needs a value, or is not a setting." : "Unexpected “%s”.", argv[i]);
      return FALSE;
    }
    if (!parse_setting (b, kv[0], value, error))
      return FALSE;
  }
  return TRUE;
}

static int
cmd_create (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDBusManager) manager = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *path = NULL;
  char **rest = split_init (&argc, argv);
  GVariantBuilder b;

  if (argc < 2 || g_str_has_prefix (argv[1], "-"))
    return usage ();
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (!parse_create_options (argc, argv, &b, &error)) {
    g_variant_builder_clear (&b);
    return fail (error);
  }
  if (rest != NULL && rest[0] != NULL) {
    for (int i = 2; i < argc; i++) {
      if (g_str_equal (argv[i], "--init") || g_str_has_prefix (argv[i], "--init=")) {
        g_variant_builder_clear (&b);
        return usage ();
      }
    }
    g_variant_builder_add (&b, "{sv}", "init", g_variant_new_strv ((const char *const *) rest, -1));
  }

  manager = get_manager (&error);
  if (manager == NULL) {
    g_variant_builder_clear (&b);
    return fail (error);
  }
  reply =
      call_authorized (manager, "CreateCell",
                       g_variant_new ("(s@a{sv})", argv[1], g_variant_builder_end (&b)), &error);
  if (reply == NULL)
    return fail (error);
  g_variant_get (reply, "(o)", &path);
  g_print ("%s\n", path);
  return 0;
}

static int
cmd_set (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDBusCell) cell = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder b, devices;
  guint n_devices = 0;

  if (argc < 3)
    return usage ();
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_init (&devices, G_VARIANT_TYPE ("a{ss}"));
  for (int i = 2; i < argc; i++) {
    g_auto(GStrv) kv = g_strsplit (argv[i], "=", 2);

    if (kv[1] != NULL && g_str_has_prefix (kv[0], "device.")) {
      g_variant_builder_add (&devices, "{ss}", kv[0] + strlen ("device."), kv[1]);
      n_devices++;
      continue;
    }
    if (kv[1] == NULL || !parse_setting (&b, kv[0], kv[1], &error)) {
      g_variant_builder_clear (&b);
      g_variant_builder_clear (&devices);
      if (error == NULL)
        g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "Settings are written KEY=VALUE, not “%s”.", argv[i]);
      return fail (error);
    }
  }
  if (n_devices > 0)
    g_variant_builder_add (&b, "{sv}", "devices", g_variant_builder_end (&devices));
  else
    g_variant_builder_clear (&devices);
  cell = get_cell (argv[1], &error);
  if (cell == NULL) {
    g_variant_builder_clear (&b);
    return fail (error);
  }
  reply = call_authorized (cell, "Configure",
                           g_variant_new ("(@a{sv})", g_variant_builder_end (&b)), &error);
  if (reply == NULL)
    return fail (error);
  return 0;
}

static int
cmd_cell_call (int argc, char **argv, const char *method)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDBusCell) cell = NULL;
  g_autoptr(GVariant) reply = NULL;

  if (argc != 2)
    return usage ();
  /* Only a call: no properties to load, no signals to follow. */
  cell = get_cell_full (argv[1], G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                        G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS, &error);
  if (cell == NULL || (reply = call_authorized (cell, method, NULL, &error)) == NULL)
    return fail (error);
  return 0;
}

static int
cmd_switch (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDBusManager) manager = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *name;

  if (argc != 2)
    return usage ();
  name = g_str_equal (argv[1], "--none") ? "" : argv[1];
  manager = get_manager (&error);
  if (manager == NULL ||
      (reply = call_authorized (manager, "SwitchTo", g_variant_new ("(s)", name), &error)) == NULL)
    return fail (error);
  return 0;
}

/* In the cell, as the attached process, before the command: a session of
 * its own (no controlling terminal of the host's, so no TIOCSTI into the
 * caller's shell) and no descriptor but 0, 1 and 2. */
static int
exec_in_cell (void *payload)
{
  char **argv = payload;

  if (setsid () < 0 && getpgrp () != getpid ())
    _exit (126);
  if (syscall (SYS_close_range, 3U, ~0U, 0U) < 0) {
    for (int fd = 3; fd < 65536; fd++)
      close (fd);
  }
  execvp (argv[0], argv);
  fprintf (stderr, "cellsctl: cannot run %s in the cell: %s\n", argv[0], strerror (errno));
  _exit (127);
}

/* Everything cellsctl holds but 0, 1 and 2 (the bus connection, what the
 * caller left open) is closed on exec: nothing of it reaches the cell. */
static void
close_on_exec_all (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL) {
    int fd = atoi (entry);

    if (fd > 2)
      fcntl (fd, F_SETFD, FD_CLOEXEC);
  }
}

static int
attach (const char *lxcpath, const char *name, char **command)
{
  lxc_attach_options_t options = LXC_ATTACH_OPTIONS_DEFAULT;
  char *env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "HOME=/root", "TERM=linux", NULL };
  struct lxc_container *c = lxc_container_new (name, lxcpath);
  pid_t pid = -1;
  int status = -1;

  if (c == NULL) {
    g_printerr ("cellsctl: cannot reach cell “%s” through LXC at %s.\n", name, lxcpath);
    return 1;
  }
  options.env_policy = LXC_ATTACH_CLEAR_ENV;
  options.extra_env_vars = env;
  /* On a terminal the command gets a terminal of the cell's, never the
   * caller's: LXC passes the bytes between the two. */
  if (isatty (STDIN_FILENO) || isatty (STDOUT_FILENO) || isatty (STDERR_FILENO))
    options.attach_flags |= LXC_ATTACH_TERMINAL;
  if (c->attach (c, exec_in_cell, command, &options, &pid) < 0 ||
      waitpid (pid, &status, 0) != pid) {
    lxc_container_put (c);
    g_printerr ("cellsctl: could not run %s in cell “%s”.\n", command[0], name);
    return 1;
  }
  lxc_container_put (c);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}

static int
cmd_exec (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDBusCell) cell = NULL;
  g_autoptr(CellsDBusManager) manager = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autofree char *lxcpath = NULL;

  if (argc < 4 || !g_str_equal (argv[2], "--"))
    return usage ();
  if (geteuid () != 0) {
    g_printerr ("cellsctl: exec needs root: it joins the cell's namespaces.\n");
    return 1;
  }
  manager = get_manager (&error);
  cell = manager ? get_cell (argv[1], &error) : NULL;
  if (cell == NULL)
    return fail (error);
  if (!g_str_equal (cells_dbus_cell_get_state (cell), "running")) {
    g_printerr ("cellsctl: cell “%s” is not running; start it first.\n", argv[1]);
    return 1;
  }
  lxcpath = g_build_filename (cells_dbus_manager_get_state_directory (manager), "cells", NULL);
  /* The bus connection ends here; what joins the cell cannot be traced
   * (not dumpable) and takes no descriptor of cellsctl's along. */
  bus = g_object_ref (g_dbus_proxy_get_connection (G_DBUS_PROXY (manager)));
  g_clear_object (&cell);
  g_clear_object (&manager);
  g_dbus_connection_close_sync (bus, NULL, NULL);
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
    g_printerr ("cellsctl: cannot make itself undumpable: %s\n", g_strerror (errno));
    return 1;
  }
  close_on_exec_all ();
  return attach (lxcpath, argv[1], &argv[3]);
}

/* image import */

typedef struct {
  GMainLoop  *loop;
  GError     *error;
  const char *name;
  gboolean    tty;
  int         last_percent;
} ImportState;

static void
on_import_progress (CellsDBusManager *manager, const char *name, guint64 done, guint64 total,
                    ImportState *s)
{
  g_autofree char *done_s = cells_format_size (done);
  g_autofree char *total_s = cells_format_size (total);
  int percent = total ? (int) (done * 100 / total) : -1;

  if (!g_str_equal (name, s->name))
    return;
  if (s->tty) {
    if (percent >= 0)
      g_printerr ("\rImporting %s: %3d%% (%s of %s)   ", name, percent, done_s, total_s);
    else
      g_printerr ("\rImporting %s: %s   ", name, done_s);
  } else if (percent >= 0 && (percent >= s->last_percent + 25 ||
                               (percent == 100 && s->last_percent != 100))) {
    g_printerr ("Importing %s: %d%% (%s of %s)\n", name, percent, done_s, total_s);
    s->last_percent = percent;
  }
}

static void
on_import_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportState *s = user_data;

  g_autoptr(GVariant) reply =
      g_dbus_proxy_call_with_unix_fd_list_finish (G_DBUS_PROXY (source), NULL, result, &s->error);

  g_main_loop_quit (s->loop);
}

static int
cmd_image_import (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDBusManager) manager = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  ImportState s = { .loop = loop, .tty = isatty (STDERR_FILENO), .last_percent = -25,
                    .name = argc > 1 ? argv[1] : "" };
  int fd;

  if (argc != 3)
    return usage ();
  fd = open (argv[2], O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    g_printerr ("cellsctl: cannot open %s: %s\n", argv[2], g_strerror (errno));
    return 1;
  }
  fds = g_unix_fd_list_new_from_array (&fd, 1);
  manager = get_manager (&error);
  if (manager == NULL)
    return fail (error);
  g_signal_connect (manager, "import-progress", G_CALLBACK (on_import_progress), &s);
  g_dbus_proxy_call_with_unix_fd_list (G_DBUS_PROXY (manager), "ImportImage",
                                       g_variant_new ("(sh)", argv[1], 0),
                                       G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, -1, fds,
                                       NULL, on_import_ready, &s);
  g_main_loop_run (loop);
  if (s.tty)
    g_printerr ("\n");
  if (s.error != NULL)
    return fail (s.error);
  g_print ("Imported image “%s”.\n", argv[1]);
  return 0;
}

static int
cmd_image (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDBusManager) manager = NULL;
  g_auto(GStrv) images = NULL;

  if (argc >= 2 && g_str_equal (argv[1], "import"))
    return cmd_image_import (argc - 1, argv + 1);
  if (argc != 2 || !g_str_equal (argv[1], "list"))
    return usage ();
  manager = get_manager (&error);
  if (manager == NULL || !cells_dbus_manager_call_list_images_sync (manager, &images, NULL, &error))
    return fail (error);
  if (opt_json) {
    g_autoptr(GString) out = g_string_new (NULL);
    g_autoptr(GVariant) v =
        g_variant_ref_sink (g_variant_new_strv ((const char *const *) images, -1));

    json_value (out, v);
    g_print ("%s\n", out->str);
    return 0;
  }
  for (guint i = 0; images[i] != NULL; i++)
    g_print ("%s\n", images[i]);
  return 0;
}

/* monitor */

static void
on_signal (GDBusConnection *connection, const char *sender, const char *path,
           const char *interface, const char *member, GVariant *parameters, gpointer user_data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S.%f");
  g_autofree char *args = NULL;

  stamp[12] = '\0';
  if (g_str_equal (member, "PropertiesChanged")) {
    g_autoptr(GVariant) changed = g_variant_get_child_value (parameters, 1);
    GVariantIter iter;
    const char *key;
    GVariant *value;
    GString *s = g_string_new (NULL);

    g_variant_iter_init (&iter, changed);
    while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
      g_autofree char *text = g_variant_print (value, FALSE);

      g_string_append_printf (s, " %s=%s", key, text);
      g_variant_unref (value);
    }
    args = g_string_free (s, FALSE);
    g_print ("%s %s%s\n", stamp, path, args);
  } else {
    args = g_variant_print (parameters, FALSE);
    g_print ("%s %s %s %s\n", stamp, path, member, args);
  }
  fflush (stdout);
}

static int
cmd_monitor (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  if (bus == NULL)
    return fail (error);
  g_dbus_connection_signal_subscribe (bus, BUS_NAME, NULL, NULL, NULL, NULL,
                                      G_DBUS_SIGNAL_FLAGS_NONE, on_signal, NULL, NULL);
  g_printerr ("Watching %s; Ctrl+C ends.\n", BUS_NAME);
  g_main_loop_run (loop);
  return 0;
}

int
main (int argc, char **argv)
{
  static const struct {
    const char *name;
    const char *method;
  } cell_calls[] = {
    { "start", "Start" },
    { "stop", "Stop" },
    { "destroy", "Destroy" },
    { "freeze", "Freeze" },
    { "thaw", "Thaw" },
  };
  const char *cmd;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, CELLS_LOCALE_DIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  if (argc > 1 && g_str_equal (argv[1], "--json")) {
    opt_json = TRUE;
    argv++;
    argc--;
  }
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    return usage ();
  if (g_str_equal (argv[1], "--version")) {
    g_print ("cellsctl %s\n", PACKAGE_VERSION);
    return 0;
  }
  cmd = argv[1];
  argc--;
  argv++;
  for (int i = 1; i < argc && !g_str_equal (argv[i], "--"); i++) {
    if (g_str_equal (argv[i], "--json")) {
      opt_json = TRUE;
      memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
      argc--;
      break;
    }
  }

  for (guint i = 0; i < G_N_ELEMENTS (cell_calls); i++) {
    if (g_str_equal (cmd, cell_calls[i].name))
      return cmd_cell_call (argc, argv, cell_calls[i].method);
  }
  if (g_str_equal (cmd, "list"))
    return cmd_list (argc, argv);
  if (g_str_equal (cmd, "show"))
    return cmd_show (argc, argv);
  if (g_str_equal (cmd, "create"))
    return cmd_create (argc, argv);
  if (g_str_equal (cmd, "set"))
    return cmd_set (argc, argv);
  if (g_str_equal (cmd, "switch"))
    return cmd_switch (argc, argv);
  if (g_str_equal (cmd, "exec"))
    return cmd_exec (argc, argv);
  if (g_str_equal (cmd, "image"))
    return cmd_image (argc, argv);
  if (g_str_equal (cmd, "monitor"))
    return cmd_monitor (argc, argv);
  g_printerr ("cellsctl: unknown command “%s”.\n", cmd);
  return usage ();
}
