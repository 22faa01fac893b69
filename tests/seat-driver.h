/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Drives tests/seat-client (a real libseat client) line by line, for the
 * integration tests and the switch benchmark. */

#include <gio/gio.h>

typedef struct {
  GSubprocess *process;
  int          out_fd;
  GString     *pending;
} SeatDriver;

SeatDriver *seat_driver_spawn (const char *const *argv);
char       *seat_driver_line  (SeatDriver *c);
void        seat_driver_say   (SeatDriver *c,
                               const char *command);
void        seat_driver_free  (SeatDriver *c);

/* For the switch benchmarks. */
void        bench_switch_to   (GDBusConnection *bus,
                               const char      *cell);
void        bench_stats       (gint64          *v,
                               int              n,
                               double           unit,
                               double          *median,
                               double          *p99);
