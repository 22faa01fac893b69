/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * call-watch: prints a line "NANOSECONDS PATH" (CLOCK_MONOTONIC) for every
 * ModemManager CallAdded signal on the system bus, as it arrives. Run on
 * the host's bus it sees the real ModemManager; run inside a cell it sees
 * the cell's virtual one. Both clocks are the same (no time namespaces).
 *
 *   call-watch                 watch the bus of DBUS_SYSTEM_BUS_ADDRESS (or the default)
 *   call-watch --now           print the clock and exit
 */
#include <gio/gio.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

static long long
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
on_call_added (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
               const char *signal, GVariant *params, gpointer user_data)
{
  const char *call;

  g_variant_get (params, "(&o)", &call);
  printf ("%lld %s\n", now_ns (), call);
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  if (argc > 1 && strcmp (argv[1], "--now") == 0) {
    printf ("%lld\n", now_ns ());
    return 0;
  }
  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (bus == NULL) {
    fprintf (stderr, "call-watch: %s\n", error->message);
    return 1;
  }
  g_dbus_connection_signal_subscribe (
      bus, "org.freedesktop.ModemManager1", "org.freedesktop.ModemManager1.Modem.Voice",
      "CallAdded", NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_call_added, NULL, NULL);
  /* Subscribed once the bus has the match: the caller may start now. */
  g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                               "org.freedesktop.DBus", "GetId", NULL, NULL, 0, -1, NULL, NULL);
  printf ("ready\n");
  fflush (stdout);
  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  return 0;
}
