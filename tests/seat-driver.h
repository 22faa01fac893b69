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
