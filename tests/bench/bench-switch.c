/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Switch latency, run in the qemu guest by guest-bench-switch.sh: from the
 * SwitchTo call to the new foreground cell's libseat client seeing
 * enable-seat, with each cell's client holding the DRM card, over N
 * switches; beside the floor, the same drop-master / revoke / set-master
 * syscalls done directly. Prints medians, p99 and their ratio.
 *
 * It also measures until the new cell's keyboard works again. Where
 * cellsd revokes input (no kernel device namespaces), the client then
 * reopens its keyboard, as libinput does on resume, having closed the
 * revoked one when its seat was disabled; with device namespaces the fd
 * it kept works as soon as the seat is enabled. The last line,
 * "input-back MEDIAN P99" in µs, is for scripts.
 *
 *   bench-switch CELLSCTL SEAT-CLIENT N
 */
#include "seat-driver.h"

#include <gio/gio.h>

#include <fcntl.h>
#include <locale.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define DRM_IOCTL_SET_MASTER _IO ('d', 0x1e)
#define DRM_IOCTL_DROP_MASTER _IO ('d', 0x1f)

static void
wait_for_line (SeatDriver *c, const char *expected)
{
  for (;;) {
    g_autofree char *line = seat_driver_line (c);

    if (line == NULL)
      g_error ("seat client went quiet, waiting for “%s”", expected);
    if (g_str_equal (line, expected))
      return;
    if (!g_str_equal (line, "enabled") && !g_str_equal (line, "disabled"))
      g_printerr ("seat client: %s (waiting for “%s”)\n", line, expected);
  }
}

static SeatDriver *
client_start (const char *cellsctl, const char *cell)
{
  const char *argv[] = { cellsctl, "exec", cell, "--", "env", "LIBSEAT_BACKEND=seatd",
                         "/usr/local/bin/seat-client", NULL };
  SeatDriver *c = seat_driver_spawn (argv);

  wait_for_line (c, "seat seat0");
  return c;
}


static gboolean
uses_device_namespaces (GDBusConnection *bus)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_sync (bus, "org.cells.Cells1", "/org/cells/Cells1",
                                 "org.freedesktop.DBus.Properties", "Get",
                                 g_variant_new ("(ss)", "org.cells.Cells1.Manager",
                                                "KernelDeviceNamespaces"),
                                 G_VARIANT_TYPE ("(v)"), 0, -1, NULL, &error);
  g_autoptr(GVariant) value = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return g_variant_get_boolean (value);
}



static char *
make_keyboard (int *fd)
{
  struct uinput_setup setup = { .id = { .bustype = BUS_USB, .vendor = 2, .product = 2 } };
  char sysname[64] = "", *node = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GDir) d = NULL;
  const char *entry;

  *fd = open ("/dev/uinput", O_WRONLY | O_CLOEXEC);
  ioctl (*fd, UI_SET_EVBIT, EV_KEY);
  ioctl (*fd, UI_SET_KEYBIT, KEY_A);
  strcpy (setup.name, "bench keyboard");
  ioctl (*fd, UI_DEV_SETUP, &setup);
  ioctl (*fd, UI_DEV_CREATE);
  ioctl (*fd, UI_GET_SYSNAME (sizeof sysname), sysname);
  dir = g_strdup_printf ("/sys/devices/virtual/input/%s", sysname);
  g_usleep (200 * 1000);
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (entry = g_dir_read_name (d)) != NULL && node == NULL) {
    if (g_str_has_prefix (entry, "event"))
      node = g_strdup_printf ("/dev/input/%s", entry);
  }
  g_assert_nonnull (node);
  return node;
}

int
main (int argc, char **argv)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autofree gint64 *measured = NULL, *input_back = NULL, *floor_ = NULL;
  g_autofree char *keyboard = NULL, *open_key = NULL;
  const char *cells[2] = { "one", "two" };
  SeatDriver *clients[2];
  double m_med, m_p99, i_med, i_p99, f_med, f_p99;
  gboolean devns;
  int n, kbd, card[2], *revoked;

  setlocale (LC_ALL, "");
  if (argc != 4)
    return 2;
  n = atoi (argv[3]);
  measured = g_new0 (gint64, n);
  input_back = g_new0 (gint64, n);
  floor_ = g_new0 (gint64, n);
  revoked = g_new0 (int, n);
  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, NULL);
  devns = uses_device_namespaces (bus);
  keyboard = make_keyboard (&kbd);
  open_key = g_strdup_printf ("open %s", keyboard);

  /* Each cell's client holds the card and the keyboard. */
  for (int i = 0; i < 2; i++) {
    bench_switch_to (bus, cells[i]);
    clients[i] = client_start (argv[1], cells[i]);
    wait_for_line (clients[i], "enabled");
    seat_driver_say (clients[i], "open /dev/dri/card0");
    wait_for_line (clients[i], "opened 1");
    seat_driver_say (clients[i], open_key);
    wait_for_line (clients[i], "opened 2");
  }
  if (!devns) {
    /* One's keyboard was revoked when two came to the front. */
    wait_for_line (clients[0], "disabled");
    seat_driver_say (clients[0], "close 2");
    wait_for_line (clients[0], "closed");
  }
  for (int i = 0; i < n; i++) {
    SeatDriver *to = clients[i % 2], *from = clients[(i + 1) % 2];
    gint64 t0 = g_get_monotonic_time () * 1000;

    bench_switch_to (bus, cells[i % 2]);
    wait_for_line (to, "enabled");
    measured[i] = g_get_monotonic_time () * 1000 - t0;
    if (!devns) {
      seat_driver_say (to, open_key);
      wait_for_line (to, "opened 2");
    }
    input_back[i] = g_get_monotonic_time () * 1000 - t0;
    wait_for_line (from, "disabled");
    if (!devns) {
      seat_driver_say (from, "close 2");
      wait_for_line (from, "closed");
    }
  }
  for (int i = 0; i < 2; i++)
    seat_driver_free (clients[i]);
  bench_switch_to (bus, "");
  g_usleep (300 * 1000);

  /* The floor: the same syscalls, directly, with a fresh evdev fd each time. */
  card[0] = open ("/dev/dri/card0", O_RDWR | O_CLOEXEC);
  card[1] = open ("/dev/dri/card0", O_RDWR | O_CLOEXEC);
  ioctl (card[1], DRM_IOCTL_DROP_MASTER, 0);
  ioctl (card[0], DRM_IOCTL_SET_MASTER, 0);
  for (int i = 0; i < n; i++) {
    struct timespec a, b;

    revoked[i] = open (keyboard, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    clock_gettime (CLOCK_MONOTONIC, &a);
    ioctl (card[i % 2], DRM_IOCTL_DROP_MASTER, 0);
    ioctl (revoked[i], EVIOCREVOKE, NULL);
    if (ioctl (card[(i + 1) % 2], DRM_IOCTL_SET_MASTER, 0) < 0)
      g_error ("floor: set master failed");
    clock_gettime (CLOCK_MONOTONIC, &b);
    floor_[i] = (b.tv_sec - a.tv_sec) * G_GINT64_CONSTANT (1000000000) + (b.tv_nsec - a.tv_nsec);
  }
  /* The last close of a revoked evdev fd waits for RCU: out of the loop. */
  for (int i = 0; i < n; i++)
    close (revoked[i]);

  bench_stats (measured, n, 1000.0, &m_med, &m_p99);
  bench_stats (input_back, n, 1000.0, &i_med, &i_p99);
  bench_stats (floor_, n, 1000.0, &f_med, &f_p99);
  g_print ("switch latency over %d switches (µs)    median      p99\n", n);
  g_print ("  SwitchTo → enable-seat in the client  %8.1f %8.1f\n", m_med, m_p99);
  g_print ("  SwitchTo → keyboard usable (%s) %8.1f %8.1f\n",
           devns ? "kept fd " : "reopened", i_med, i_p99);
  g_print ("  floor (drop/revoke/set syscalls)      %8.1f %8.1f\n", f_med, f_p99);
  g_print ("  ratio                                 %8.1f %8.1f\n", m_med / f_med, m_p99 / f_p99);
  g_print ("input-back %.1f %.1f\n", i_med, i_p99);
  close (kbd);
  return 0;
}
