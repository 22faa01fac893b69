/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-devices.h"

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/**
 * CellsSeatDialect:
 * @CELLS_SEAT_DIALECT_0_7: libseat 0.7 and 0.8 (Debian 12, older Alpine):
 *   no replies to disable-seat and switch-session
 * @CELLS_SEAT_DIALECT_0_9: libseat 0.9 and later: seat-disabled and
 *   session-switched replies
 */
typedef enum {
  CELLS_SEAT_DIALECT_0_7,
  CELLS_SEAT_DIALECT_0_9,
} CellsSeatDialect;

/* Returns 0 when the cell may open @path of @klass (and now holds it),
 * else an errno. */
typedef int (*CellsSeatMayOpen) (gpointer data, CellsDeviceClass klass, const char *path);
/* The cell no longer holds @path. */
typedef void (*CellsSeatReleased) (gpointer data, CellsDeviceClass klass, const char *path);

/* Asked when a process connects, in place of the seat's uid range: NULL
 * when it may be a client, else why not (freed by the seat). @gids holds
 * its primary group first, then its supplementary groups. */
typedef char *(*CellsSeatMayConnect) (gpointer data, uid_t uid, const gid_t *gids, guint n_gids);

/* Called when a client connects or leaves. */
typedef void (*CellsSeatChanged) (gpointer data);

/* Called once a client has opened its input devices again after the seat
 * came back (no further open for a moment); @path is the last of them. */
typedef void (*CellsSeatReopened) (gpointer data, const char *path);

typedef struct _CellsSeat CellsSeat;

CellsSeat *cells_seat_new            (const char        *cell_name,
                                      const char        *dir,
                                      guint32            uid_first,
                                      guint32            uid_count,
                                      CellsSeatDialect   dialect,
                                      CellsSeatMayOpen   may_open,
                                      CellsSeatReleased  released,
                                      CellsSeatChanged   changed,
                                      gpointer           data,
                                      GError           **error);
void       cells_seat_free           (CellsSeat         *seat);
void       cells_seat_set_may_connect (CellsSeat        *seat,
                                      CellsSeatMayConnect may_connect);
void       cells_seat_set_reopened   (CellsSeat         *seat,
                                      CellsSeatReopened  reopened);
void       cells_seat_set_active     (CellsSeat         *seat,
                                      gboolean           active);
void       cells_seat_set_open_waits (CellsSeat         *seat,
                                      gboolean           waits);
void       cells_seat_set_device_namespace (CellsSeat   *seat,
                                      int                nsfd);
guint      cells_seat_get_n_clients  (CellsSeat         *seat);
GStrv      cells_seat_dup_devices    (CellsSeat         *seat);
gboolean   cells_seat_dialect_from_string (const char   *s,
                                      CellsSeatDialect  *out);

G_END_DECLS
