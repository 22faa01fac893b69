/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the tests that run real cells share: one private bus with cellsd
 * and the busybox image per test process, commands run on the host, the
 * properties of cells, and a fixture that leaves no cell behind.
 */
#pragma once

#include "cells-dbus.h"

#include <gio/gio.h>

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

typedef struct {
  GPid   polkit;        /* the polkit mock this test started, or 0 */
  gint64 started;       /* monotonic µs at setup: each test's time is logged */
} Fixture;

int       run_argv            (char **out, char **err, const char *const *argv);
int       run                 (char **out, char **err, const char *format, ...)
                               G_GNUC_PRINTF (3, 4);

#define assert_ok(...) G_STMT_START {                                   \
    g_autofree char *err_ = NULL;                                       \
    int rc_ = run (NULL, &err_, __VA_ARGS__);                           \
    if (rc_ != 0)                                                       \
      g_error ("“%s” failed (%d): %s", #__VA_ARGS__, rc_, err_);        \
  } G_STMT_END

char     *get_property        (const char *path, const char *iface, const char *prop);
char     *cell_property       (const char *cell, const char *prop);
guint     cell_leader         (const char *cell);
gboolean  wait_for            (gboolean (*cond) (gpointer), gpointer data);
gboolean  session_has         (gboolean present, const char *what);
char     *cgroup_read         (guint leader, const char *controller, const char *v1_file,
                               const char *v2_file);

const char *session_script    (void);
void      session_up          (void);
void      ensure_image        (void);
void      start_cellsd        (const char *args);
gboolean  process_gone        (gpointer data);
int       cellsd_pid          (void);
void      kill_cellsd         (int sig);
gboolean  cellsd_answers      (void);
gboolean  image_listed        (const char *name);
CellsDBusManager *manager_proxy (void);
char    **list_cells          (void);
void      create_cell         (const char *name);
void      create_running_cell (const char *name);

gboolean  is_mountpoint       (const char *path);
guint     count_cgroups       (const char *needle);

void      fixture_setup       (Fixture *f, gconstpointer data);
void      fixture_teardown    (Fixture *f, gconstpointer data);

#define add_test(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int       session_main        (int argc, char **argv, const char *what,
                               const char *const *more_tools, void (*add_tests) (void));
