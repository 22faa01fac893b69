/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * What the tests that run cellsd share: a private system bus, the built
 * cellsd and cellsctl, the busybox image (tests/cells-session.sh), and
 * running commands against them.
 */

#include "cells-dbus.h"

#include <glib.h>

G_BEGIN_DECLS

#define CELL_INIT "/bin/sh -c 'trap \"exit 0\" TERM; sleep 100000 & wait'"

/* One session per process: a private bus, cellsd and the busybox image,
 * made when the first test needs them. Each test makes the cells it uses,
 * under names of its own, and the fixture removes every cell after it. */
typedef struct {
  char    *dir;
  char    *state_dir;
  char    *cellsctl;    /* the built one, for root */
  char    *bin_dir;     /* copies that any uid may run, wherever the build is */
  gboolean session_up;
} SessionEnv;

extern SessionEnv env;

#define assert_ok(...) G_STMT_START {                                   \
    g_autofree char *err_ = NULL;                                       \
    int rc_ = run (NULL, &err_, __VA_ARGS__);                           \
    if (rc_ != 0)                                                       \
      g_error ("“%s” failed (%d): %s", #__VA_ARGS__, rc_, err_);        \
  } G_STMT_END

const char       *missing_requirement (void);
int               session_main        (int                 argc,
                                       char              **argv,
                                       const char         *what,
                                       void              (*add_tests) (void),
                                       void              (*teardown) (void));
void              session_init        (void);
void              session_up          (void);
void              session_down        (void);
const char       *session_script      (void);

int               run_argv            (char              **out,
                                       char              **err,
                                       const char *const  *argv);
int               run                 (char              **out,
                                       char              **err,
                                       const char         *format,
                                       ...) G_GNUC_PRINTF (3, 4);
gboolean          wait_for            (gboolean         (*cond) (gpointer),
                                       gpointer            data);

void              start_cellsd        (const char         *args);
int               cellsd_pid          (void);
void              kill_cellsd         (int                 sig);
gboolean          cellsd_answers      (void);
gboolean          process_gone        (gpointer            pid);

char             *get_property        (const char         *path,
                                       const char         *iface,
                                       const char         *prop);
char             *cell_property       (const char         *cell,
                                       const char         *prop);
guint             cell_leader         (const char         *cell);
CellsDBusManager *manager_proxy       (void);
char            **list_cells          (void);
void              create_cell         (const char         *name);
void              create_running_cell (const char         *name);
gboolean          image_listed        (const char         *name);
void              ensure_image        (void);

gboolean          is_mountpoint       (const char         *path);
guint             count_cgroups       (const char         *needle);

G_END_DECLS
