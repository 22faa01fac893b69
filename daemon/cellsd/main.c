/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cellsd"

#include "cells-config.h"
#include "cells-auth.h"
#include "cells-chord.h"
#include "cells-devns.h"
#include "cells-errors.h"
#include "cells-lxc.h"
#include "cells-manager.h"
#include "cells-settings.h"

#include <gio/gio.h>
#include <glib-unix.h>

#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

/**
 * SECTION:cellsd
 *
 * The cells daemon: owns org.cells.Cells1 on the system bus (or the bus
 * that DBUS_SYSTEM_BUS_ADDRESS names) and serves the manager. Cells keep
 * running when it ends; the next cellsd adopts them.
 */

typedef struct {
  GMainLoop    *loop;
  CellsManager *manager;
  CellsChord   *chord;
  const CellsSettings *settings;
  GDBusConnection *connection;
  int           status;
  gboolean      stopped;   /* by a signal, not replaced by another cellsd */
  gboolean      lost;      /* the name: another cellsd has it, nothing to release */
} Daemon;

static void
on_chord (gpointer data)
{
  Daemon *d = data;

  cells_manager_switch_to_switcher (d->manager);
}

static void
on_bus_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *d = user_data;
  g_autoptr(GError) error = NULL;

  g_set_object (&d->connection, connection);
  if (!cells_manager_export (d->manager, connection, &error)) {
    g_warning ("Could not export the manager: %s", error->message);
    d->status = EXIT_FAILURE;
    g_main_loop_quit (d->loop);
  }
}

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *d = user_data;
  g_autoptr(GError) error = NULL;

  /* Nothing that another cellsd may be using is touched before now. */
  if (!cells_manager_take_over (d->manager, &error)) {
    g_warning ("%s", error->message);
    d->status = EXIT_FAILURE;
    g_main_loop_quit (d->loop);
    return;
  }
  cells_auth_set_serving (TRUE);
  if (d->chord == NULL)
    d->chord = cells_chord_new (d->settings->input_dir, d->settings->chord,
                                d->settings->n_chord, on_chord, d);
  g_message ("cellsd %s ready as %s", PACKAGE_VERSION, name);
  cells_manager_start_telephony (d->manager);
  cells_manager_start_network (d->manager);
  cells_manager_autostart (d->manager);
}

static void
on_name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *d = user_data;

  cells_auth_set_serving (FALSE);
  if (connection == NULL)
    g_warning ("Could not connect to the system bus");
  else
    g_message ("Lost the name %s (another cellsd took it, or it was never ours); exiting", name);
  d->status = EXIT_FAILURE;
  d->lost = TRUE;
  g_main_loop_quit (d->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  Daemon *d = user_data;

  g_message ("Stopping; cells keep running");
  d->stopped = TRUE;
  g_main_loop_quit (d->loop);
  return G_SOURCE_REMOVE;
}

/* Command-line values replace the defaults they were given. */
static void
take (char **setting, char *value)
{
  if (value == NULL)
    return;
  g_free (*setting);
  *setting = value;
}

int
main (int argc, char **argv)
{
  char *state_dir = NULL, *input_dir = NULL, *switcher_seat = NULL, *vmodem = NULL;
  char *lxc_start = NULL;
  g_autofree char *config = NULL;
  gboolean verbose = FALSE, replace = FALSE, version = FALSE, no_network = FALSE;
  GOptionEntry entries[] = {
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
      "Where images and cells are kept (default " CELLS_STATE_DIR ")", "DIR" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config,
      "Configuration file (default " CELLS_SYSCONF_DIR "/cellsd.conf)", "FILE" },
    { "input-dir", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &input_dir,
      "Where input devices are (default /dev/input)", "DIR" },
    { "switcher-seat", 0, 0, G_OPTION_ARG_FILENAME, &switcher_seat,
      "Directory of the switcher's seatd socket (default /run/cells/switcher)", "DIR" },
    { "vmodem", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &vmodem,
      "The virtual modem program (default " CELLS_LIBEXEC_DIR "/cells-vmodem)", "FILE" },
    { "lxc-start", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &lxc_start,
      "The helper that starts containers (default " CELLS_LIBEXEC_DIR "/cells-lxc-start)", "FILE" },
    { "no-network", 0, 0, G_OPTION_ARG_NONE, &no_network,
      "Give cells loopback only, whatever cellsd.conf says (no links, NAT or DNS)", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log debug messages", NULL },
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &replace, "Replace a running cellsd", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the cells daemon");
  g_autoptr(GError) error = NULL;
  Daemon d = { .status = EXIT_SUCCESS };
  CellsSettings settings;
  CellsHost host = { 0 };
  guint owner;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("cellsd: %s\n", error->message);
    return EXIT_FAILURE;
  }
  if (version) {
    g_print ("cellsd %s\n", PACKAGE_VERSION);
    return EXIT_SUCCESS;
  }
  if (verbose)
    g_log_set_debug_enabled (TRUE);
  if (geteuid () != 0) {
    g_printerr ("cellsd: must run as root: it mounts images and runs containers.\n");
    return EXIT_FAILURE;
  }

  /* Register the error names before any reply. */
  (void) CELLS_ERROR;
  cells_settings_init (&settings);
  take (&settings.state_dir, state_dir);
  take (&settings.switcher_seat_dir, switcher_seat);
  take (&settings.input_dir, input_dir);
  /* Absolute: LXC runs the helper's hooks from elsewhere. */
  take (&settings.vmodem_path, vmodem ? g_canonicalize_filename (vmodem, NULL) : NULL);
  take (&settings.lxc_start_path, lxc_start ? g_canonicalize_filename (lxc_start, NULL) : NULL);
  g_free (vmodem);
  g_free (lxc_start);
  settings.verbose = verbose;
  if (!cells_settings_load (&settings, config ? config : CELLS_SYSCONF_DIR "/cellsd.conf",
                            &error)) {
    g_printerr ("cellsd: %s\n", error->message);
    cells_settings_clear (&settings);
    return EXIT_FAILURE;
  }
  if (no_network)
    settings.network.enabled = FALSE;
  /* GStreamer's plugin registry (the audio of SIP calls) where cellsd may
   * write it, before any thread: its home is read-only under systemd
   * (ProtectHome), and without one GStreamer scans every plugin at each
   * start. */
  if (g_getenv ("GST_REGISTRY_1_0") == NULL && g_getenv ("GST_REGISTRY") == NULL) {
    g_autofree char *state = g_canonicalize_filename (settings.state_dir, NULL);
    g_autofree char *registry =
        g_build_filename (state, "gstreamer-registry.bin", NULL);

    g_setenv ("GST_REGISTRY_1_0", registry, TRUE);
  }
  host.verbose = verbose;
  cells_host_probe (&host, "/sys/fs/cgroup");
  host.dev_ns = settings.device_namespaces && cells_devns_probe ();
  d.manager = cells_manager_new (&settings, &host, &error);
  if (d.manager == NULL) {
    g_printerr ("cellsd: %s\n", error->message);
    cells_settings_clear (&settings);
    return EXIT_FAILURE;
  }

  d.settings = &settings;
  d.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_signal, &d);
  g_unix_signal_add (SIGINT, on_signal, &d);
  owner = g_bus_own_name (G_BUS_TYPE_SYSTEM, "org.cells.Cells1",
                          G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT |
                          (replace ? G_BUS_NAME_OWNER_FLAGS_REPLACE : 0) |
                          G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                          on_bus_acquired, on_name_acquired, on_name_lost, &d, NULL);
  g_main_loop_run (d.loop);

  /* GLib would still release a name taken over by --replace, and warn of
   * the bus's "not the owner". */
  if (!d.lost)
    g_bus_unown_name (owner);
  cells_chord_free (d.chord);
  if (d.stopped)
    cells_manager_shutdown_network (d.manager);
  g_clear_object (&d.manager);
  /* Closed here, not by GDBus's worker thread while the process exits. */
  if (d.connection != NULL)
    g_dbus_connection_close_sync (d.connection, NULL, NULL);
  g_clear_object (&d.connection);
  g_main_loop_unref (d.loop);
  cells_settings_clear (&settings);
  return d.status;
}
