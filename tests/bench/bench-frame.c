/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * From a switch to the new foreground's first frame on the screen, run in
 * the qemu guest by guest-bench-frame.sh: cellsd switching two cells, each
 * with a libseat client holding the card, against Debian's seatd switching
 * two sessions of the same client in the same guest (SEATD_VTBOUND=0,
 * libseat_switch_session from the session in front). Each client, once
 * enabled, sets its mode with a buffer of its own colour (seat-client's
 * "show": DRM_IOCTL_MODE_SETCRTC returns once the frame is scanned out);
 * the time is from the switch asked for to that answer. Blocks of switches
 * in the order cellsd, seatd, seatd, cellsd, so that what drifts in the
 * guest weighs on both alike. Prints medians, p99 and their ratio; the
 * last line, "frame-ratio MEDIAN P99", is for scripts.
 *
 *   bench-frame CELLSCTL SEAT-CLIENT N
 */
#include "seat-driver.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#define COLOURS 4
static const char *const colour[COLOURS] = { "ff0000", "0000ff", "00ff00", "ffff00" };

/* The next line of @c that is @expected; what the switches leave
 * ("enabled" after a show, "disabled", "switch ok") is passed over. */
static void
expect (SeatDriver *c, const char *expected)
{
  for (;;) {
    g_autofree char *line = seat_driver_line (c);

    if (line == NULL)
      g_error ("a seat client went quiet, waiting for “%s”", expected);
    if (g_str_equal (line, expected))
      return;
    if (!g_str_equal (line, "enabled") && !g_str_equal (line, "disabled") &&
        !g_str_equal (line, "switch ok"))
      g_error ("a seat client said “%s”, waiting for “%s”", line, expected);
  }
}

static void
say (SeatDriver *c, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
say (SeatDriver *c, const char *format, ...)
{
  va_list args;
  g_autofree char *line = NULL;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  seat_driver_say (c, line);
}

/* Enabled: the card opened, once, and its colour shown. */
static void
take_card (SeatDriver *c, int i)
{
  expect (c, "enabled");
  say (c, "open /dev/dri/card0");
  expect (c, "opened 1");
  say (c, "show 1 %s", colour[i]);
  expect (c, "shown");
}


typedef struct {
  GDBusConnection *bus;
  gint64          *replied;        /* cellsd: until SwitchTo returned */
  gint64          *enabled;        /* until the client said "enabled" */
  SeatDriver      *cells[2];       /* in cells "one" and "two" */
  SeatDriver      *seatd[4];       /* seatd's: first, parking, a, b */
  int              session[4];     /* their sessions */
} Bench;

/* One round trip to cellsd that asks for nothing: a property read. */
static void
get_foreground (GDBusConnection *bus)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_sync (bus, "org.cells.Cells1", "/org/cells/Cells1",
                                 "org.freedesktop.DBus.Properties", "Get",
                                 g_variant_new ("(ss)", "org.cells.Cells1.Manager", "Foreground"),
                                 NULL, 0, -1, NULL, &error);

  g_assert_no_error (error);
}

static gint64
now_ns (void)
{
  return g_get_monotonic_time () * 1000;
}

/* @n switches between the cells, from no cell in front back to none. */
static void
cellsd_block (Bench *b, gint64 *out, int n, int at)
{
  static const char *const names[2] = { "one", "two" };

  bench_switch_to (b->bus, names[1]);
  expect (b->cells[1], "enabled");
  for (int i = 0; i < n; i++) {
    SeatDriver *to = b->cells[i % 2];
    gint64 t0 = now_ns ();

    bench_switch_to (b->bus, names[i % 2]);
    b->replied[at + i] = now_ns () - t0;
    expect (to, "enabled");
    b->enabled[at + i] = now_ns () - t0;
    say (to, "show 1 %s", colour[i % 2]);
    expect (to, "shown");
    out[i] = now_ns () - t0;
  }
  bench_switch_to (b->bus, "");
}

/* @n switches between seatd's sessions a and b, from the parking
 * session (which holds no device, so no DRM master is left to seatd's
 * side) back to it. */
static void
seatd_block (Bench *b, gint64 *out, int n, gint64 *enabled)
{
  SeatDriver *front;

  say (b->seatd[1], "switch %d", b->session[3]);
  expect (b->seatd[3], "enabled");
  front = b->seatd[3];
  for (int i = 0; i < n; i++) {
    SeatDriver *to = b->seatd[2 + i % 2];
    gint64 t0 = now_ns ();

    say (front, "switch %d", b->session[2 + i % 2]);
    expect (to, "enabled");
    enabled[i] = now_ns () - t0;
    say (to, "show 1 %s", colour[2 + i % 2]);
    expect (to, "shown");
    out[i] = now_ns () - t0;
    front = to;
  }
  say (front, "switch %d", b->session[1]);
  expect (b->seatd[1], "enabled");
}



int
main (int argc, char **argv)
{
  const char *cell_argv[] = { argv[1], "exec", NULL, "--", "env", "LIBSEAT_BACKEND=seatd",
                              "/usr/local/bin/seat-client", NULL };
  const char *seatd_argv[] = { "env", "LIBSEAT_BACKEND=seatd", "SEATD_SOCK=/run/seatd.sock",
                               argv[2], NULL };
  g_autofree gint64 *cellsd = NULL, *seatd = NULL, *replied = NULL, *enabled = NULL;
  g_autofree gint64 *seatd_enabled = NULL, *get = NULL;
  double c_med, c_p99, s_med, s_p99, r_med, r_p99, e_med, e_p99, se_med, se_p99, g_med, g_p99;
  Bench b = { 0 };
  g_autofree char *line = NULL;
  int n, half;

  setlocale (LC_ALL, "");
  if (argc != 4 || (n = atoi (argv[3])) < 4)
    return 2;
  half = n / 2;
  n = half * 2;
  cellsd = g_new0 (gint64, n);
  seatd = g_new0 (gint64, n);
  b.replied = replied = g_new0 (gint64, n);
  b.enabled = enabled = g_new0 (gint64, n);
  seatd_enabled = g_new0 (gint64, n);
  get = g_new0 (gint64, n);
  b.bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, NULL);

  /* Each cell's client holds the card and has shown its colour once. */
  for (int i = 0; i < 2; i++) {
    cell_argv[2] = i == 0 ? "one" : "two";
    bench_switch_to (b.bus, cell_argv[2]);
    b.cells[i] = seat_driver_spawn (cell_argv);
    expect (b.cells[i], "seat seat0");
    take_card (b.cells[i], i);
  }
  bench_switch_to (b.bus, "");

  /* seatd numbers its sessions from 0 or 1 (by version) and cannot switch
   * to 0: the first is only there to be switched away from. */
  for (int i = 0; i < 4; i++) {
    b.seatd[i] = seat_driver_spawn (seatd_argv);
    expect (b.seatd[i], "seat seat0");
  }
  expect (b.seatd[0], "enabled");
  say (b.seatd[0], "switch 1");
  expect (b.seatd[0], "switch ok");
  line = seat_driver_line (b.seatd[1]);
  for (int i = 0; i < 4; i++)
    b.session[i] = i + (line != NULL && g_str_equal (line, "enabled") ? 0 : 1);
  if (b.session[0] == 1) {
    say (b.seatd[0], "switch %d", b.session[1]);
    expect (b.seatd[1], "enabled");
  }
  for (int i = 2; i < 4; i++) {
    say (b.seatd[i - 1], "switch %d", b.session[i]);
    take_card (b.seatd[i], i);
  }
  say (b.seatd[3], "switch %d", b.session[1]);
  expect (b.seatd[1], "enabled");

  cellsd_block (&b, cellsd, half / 2, 0);
  seatd_block (&b, seatd, half / 2, seatd_enabled);
  seatd_block (&b, seatd + half / 2, half - half / 2, seatd_enabled + half / 2);
  cellsd_block (&b, cellsd + half / 2, half - half / 2, half / 2);

  for (int i = 0; i < half; i++) {
    gint64 t0 = now_ns ();

    get_foreground (b.bus);
    get[i] = now_ns () - t0;
  }
  for (int i = 0; i < 2; i++)
    seat_driver_free (b.cells[i]);
  for (int i = 0; i < 4; i++)
    seat_driver_free (b.seatd[i]);
  bench_stats (cellsd, half, 1e6, &c_med, &c_p99);
  bench_stats (seatd, half, 1e6, &s_med, &s_p99);
  bench_stats (replied, half, 1e6, &r_med, &r_p99);
  bench_stats (enabled, half, 1e6, &e_med, &e_p99);
  bench_stats (seatd_enabled, half, 1e6, &se_med, &se_p99);
  bench_stats (get, half, 1e6, &g_med, &g_p99);
  g_print ("first frame after a switch, %d switches each (ms)         median      p99\n", half);
  g_print ("  cellsd: SwitchTo → the cell's client has set its mode  %8.2f %8.2f\n", c_med,
           c_p99);
  g_print ("    SwitchTo returned                                   %8.2f %8.2f\n", r_med, r_p99);
  g_print ("    the client said it is enabled                       %8.2f %8.2f\n", e_med, e_p99);
  g_print ("  seatd: libseat_switch_session → the same in session   %8.2f %8.2f\n", s_med,
           s_p99);
  g_print ("    the client said it is enabled                       %8.2f %8.2f\n", se_med,
           se_p99);
  g_print ("  a property read from cellsd (one D-Bus round trip)    %8.2f %8.2f\n", g_med,
           g_p99);
  g_print ("  ratio cellsd / seatd                                  %8.2f %8.2f\n",
           c_med / s_med, c_p99 / s_p99);
  g_print ("frame-ratio %.2f %.2f\n", c_med / s_med, c_p99 / s_p99);
  return 0;
}
