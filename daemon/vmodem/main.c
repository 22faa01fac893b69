/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem"

/*
 * cells-vmodem: the virtual ModemManager of one cell. cellsd starts it
 * with the pidfd of the cell's init on fd 3 and its end of the bridge on
 * fd 4. Before anything else (while it has one thread) it joins all of
 * the cell's namespaces, becomes a child inside the cell's pid namespace
 * and drops every capability, so that what runs the bus code is a process
 * of the cell with no privilege over it or the host. The libraries are
 * the host's, loaded before the join: the cell's image needs nothing.
 */

#include "cells-modem-bridge.h"
#include "cells-vmodem.h"

#include <glib-unix.h>

#include <errno.h>
#include <grp.h>
#include <locale.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PIDFD_FD 3
#define BRIDGE_FD 4
#define CELL_NAMESPACES (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | \
                         CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)

static int
fail (const char *what)
{
  fprintf (stderr, "cells-vmodem: %s: %s\n", what, strerror (errno));
  return -1;
}

static int
drop_capabilities (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };

  for (int cap = 0; prctl (PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
    if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
      return fail ("dropping the capability bounding set");
  }
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return fail ("clearing ambient capabilities");
  if (syscall (SYS_capset, &header, data) < 0)
    return fail ("capset");
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return fail ("no_new_privs");
  return 0;
}

/* Becomes root of the cell (the one user every image has, whom the bus
 * policy lets own ModemManager's name) with no capabilities. */
static int
become_cell_process (void)
{
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    return fail ("PR_SET_PDEATHSIG");
  /* The parent is outside the cell's pid namespace (pid 0 from here);
   * had it died already, the cell's init would be the parent. */
  if (getppid () != 0)
    return -1;
  if (setgroups (0, NULL) < 0)
    return fail ("setgroups");
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    return fail ("becoming the cell's root");
  /* Changing credentials clears the parent-death signal. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    return fail ("PR_SET_PDEATHSIG");
  if (drop_capabilities () < 0)
    return -1;
  if (chdir ("/") < 0)
    return fail ("chdir");
  return 0;
}

/* Joins the cell. Returns in the child, inside the cell's pid namespace;
 * the parent waits for it and exits with its status (and takes it along
 * when cellsd ends it). */
static int
join_cell (void)
{
  pid_t child;
  int status;

  if (setns (PIDFD_FD, CELL_NAMESPACES) < 0)
    return fail ("joining the cell's namespaces");
  close (PIDFD_FD);
  child = fork ();
  if (child < 0)
    return fail ("fork");
  if (child == 0)
    return become_cell_process ();
  close (BRIDGE_FD);
  while (waitpid (child, &status, 0) < 0) {
    if (errno != EINTR)
      _exit (1);
  }
  _exit (WIFEXITED (status) ? WEXITSTATUS (status) : 1);
}

static CellsDBusModemBridge *
connect_bridge (GError **error)
{
  g_autoptr(GSocket) socket = g_socket_new_from_fd (BRIDGE_FD, error);
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GDBusConnection) connection = NULL;

  if (socket == NULL)
    return NULL;
  stream = g_socket_connection_factory_create_connection (socket);
  connection = g_dbus_connection_new_sync (G_IO_STREAM (stream), NULL,
                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                           NULL, NULL, error);
  if (connection == NULL)
    return NULL;
  return cells_dbus_modem_bridge_proxy_new_sync (connection, G_DBUS_PROXY_FLAGS_NONE, NULL,
                                                 CELLS_MODEM_BRIDGE_PATH, NULL, error);
}

static void
on_bridge_closed (GDBusConnection *connection, gboolean vanished, GError *error, GMainLoop *loop)
{
  g_message ("cellsd closed the bridge; the virtual modem ends");
  g_main_loop_quit (loop);
}

static gboolean
on_sigterm (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autofree char *cell = NULL;
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
    { "cell", 0, 0, G_OPTION_ARG_STRING, &cell, "The cell's name", "NAME" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log debug messages", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the virtual ModemManager of a cell");
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDBusModemBridge) bridge = NULL;
  g_autoptr(CellsVmodem) vmodem = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  /* The host's locale, loaded before the cell's files are all there is. */
  setlocale (LC_ALL, "");

  /* First, while this process has one thread: user namespaces refuse others. */
  if (join_cell () < 0)
    return 1;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || cell == NULL) {
    g_printerr ("cells-vmodem: %s\n", error ? error->message : "--cell NAME is needed");
    return 2;
  }
  if (verbose)
    g_log_set_debug_enabled (TRUE);

  bridge = connect_bridge (&error);
  if (bridge == NULL) {
    g_printerr ("cells-vmodem: cell “%s”: no bridge to cellsd: %s\n", cell, error->message);
    return 1;
  }
  loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (g_dbus_proxy_get_connection (G_DBUS_PROXY (bridge)), "closed",
                    G_CALLBACK (on_bridge_closed), loop);
  g_unix_signal_add (SIGTERM, on_sigterm, loop);
  vmodem = cells_vmodem_new (cell, bridge, CELLS_VMODEM_BUS_ADDRESS);
  /* Subscribed to the bridge's signals: cellsd may send them now. */
  if (!cells_dbus_modem_bridge_call_attach_sync (bridge, NULL, &error)) {
    g_printerr ("cells-vmodem: cell “%s”: cellsd refused the bridge: %s\n", cell, error->message);
    return 1;
  }
  g_main_loop_run (loop);
  return 0;
}
