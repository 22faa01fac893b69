/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session of the tests that run cellsd: see session-helpers.h.
 */
#include "session-helpers.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

SessionEnv env;

/* Running commands */

int
run_argv (char **out, char **err, const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL, *e = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &o, &e,
                     &status, &error))
    g_error ("Cannot run %s: %s", argv[0], error->message);
  if (g_test_verbose ())
    g_printerr ("$ %s\n%s%s", g_strjoinv (" ", (char **) argv), o, e);
  if (out)
    *out = g_steal_pointer (&o);
  if (err)
    *err = g_steal_pointer (&e);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}

/* Runs a shell-quoted command line; "cellsctl" is the built one. */
int
run (char **out, char **err, const char *format, ...)
{
  g_autofree char *line = NULL;
  g_auto(GStrv) argv = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_assert_true (g_shell_parse_argv (line, NULL, &argv, NULL));
  for (guint i = 0; argv[i]; i++) {
    if (g_str_equal (argv[i], "cellsctl")) {
      g_free (argv[i]);
      argv[i] = g_strdup (env.cellsctl);
    }
  }
  return run_argv (out, err, (const char *const *) argv);
}


char *
get_property (const char *path, const char *iface, const char *prop)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run (&out, NULL,
                        "busctl get-property org.cells.Cells1 %s org.cells.Cells1.%s %s", path,
                        iface, prop),
                   ==, 0);
  return g_strdup (g_strstrip (out));
}

char *
cell_property (const char *cell, const char *prop)
{
  g_autofree char *path = g_strdup_printf ("/org/cells/Cells1/cell/%s", cell);

  /* D-Bus paths have no '-': the API writes it '_'. */
  g_strdelimit (path, "-", '_');
  return get_property (path, "Cell", prop);
}

guint
cell_leader (const char *cell)
{
  g_autofree char *v = cell_property (cell, "Leader");

  g_assert_true (g_str_has_prefix (v, "u "));
  return atoi (v + 2);
}

gboolean
wait_for (gboolean (*cond) (gpointer), gpointer data)
{
  for (int i = 0; i < 500; i++) {
    if (cond (data))
      return TRUE;
    g_usleep (20 * 1000);
  }
  return FALSE;
}

/* The environment: a private bus and cellsd */

const char *
session_script (void)
{
  static char *path;

  if (path == NULL)
    path = g_build_filename (g_getenv ("CELLS_SOURCE_DIR"), "tests", "cells-session.sh", NULL);
  return path;
}

void
start_cellsd (const char *args)
{
  assert_ok ("%s cellsd %s %s %s", session_script (), env.dir, g_getenv ("CELLS_BUILD_DIR"), args);
}

gboolean
process_gone (gpointer data)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", GPOINTER_TO_INT (data));
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return TRUE;
  end = strrchr (stat, ')');
  return end != NULL && end[2] == 'Z';
}

int
cellsd_pid (void)
{
  g_autofree char *pid_path = g_build_filename (env.dir, "cellsd.pid", NULL);
  g_autofree char *pid_text = NULL;

  g_assert_true (g_file_get_contents (pid_path, &pid_text, NULL, NULL));
  g_assert_cmpint (atoi (pid_text), >, 1);
  return atoi (pid_text);
}

void
kill_cellsd (int sig)
{
  int pid = cellsd_pid ();

  g_assert_cmpint (kill (pid, sig), ==, 0);
  g_assert_true (wait_for (process_gone, GINT_TO_POINTER (pid)));
}

gboolean
cellsd_answers (void)
{
  return run (NULL, NULL, "busctl get-property org.cells.Cells1 /org/cells/Cells1 "
                          "org.cells.Cells1.Manager Version") == 0;
}

/* The programs that a cell's uids or nobody run, copied out of the build
 * tree: a checkout may sit where they cannot reach it (/root is 0700). */
static void
copy_programs (void)
{
  g_autofree char *client =
      g_build_filename (g_getenv ("CELLS_BUILD_DIR"), "tests", "seat-client", NULL);

  env.bin_dir = g_build_filename (env.dir, "bin", NULL);
  g_assert_cmpint (g_mkdir (env.bin_dir, 0755), ==, 0);
  assert_ok ("cp %s %s/cellsctl", env.cellsctl, env.bin_dir);
  if (g_file_test (client, G_FILE_TEST_IS_EXECUTABLE))
    assert_ok ("cp %s %s/seat-client", client, env.bin_dir);
}

/* The bus, cellsd and the image tarball, once per process. */
void
session_up (void)
{
  g_autofree char *address = NULL;

  if (env.session_up)
    return;
  address = g_strdup_printf ("unix:path=%s/bus", env.dir);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  copy_programs ();
  assert_ok ("%s image %s %s", session_script (), env.dir, g_getenv ("CELLS_BUILD_DIR"));
  assert_ok ("%s bus %s", session_script (), env.dir);
  start_cellsd ("");
  env.session_up = TRUE;
}

gboolean
image_listed (const char *name)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run (&out, NULL, "cellsctl image list"), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  return g_strv_contains ((const char *const *) lines, name);
}

/* The busybox image the tests' cells are made of; imported once. */
void
ensure_image (void)
{
  if (!image_listed ("busybox"))
    assert_ok ("cellsctl image import busybox %s/busybox.tar.gz", env.dir);
}

CellsDBusManager *
manager_proxy (void)
{
  g_autoptr(GError) error = NULL;
  CellsDBusManager *m = cells_dbus_manager_proxy_new_for_bus_sync (
      G_BUS_TYPE_SYSTEM, 0, "org.cells.Cells1", "/org/cells/Cells1", NULL, &error);
  g_assert_no_error (error);
  return m;
}

char **
list_cells (void)
{
  g_autoptr(CellsDBusManager) m = manager_proxy ();
  g_autoptr(GError) error = NULL;
  char **paths = NULL;

  g_assert_true (cells_dbus_manager_call_list_cells_sync (m, &paths, NULL, &error));
  g_assert_no_error (error);
  return paths;
}

void
create_cell (const char *name)
{
  g_autofree char *init = g_shell_quote (CELL_INIT);

  assert_ok ("cellsctl create %s --image busybox --init %s", name, init);
}

void
create_running_cell (const char *name)
{
  create_cell (name);
  assert_ok ("cellsctl start %s", name);
}

gboolean
is_mountpoint (const char *path)
{
  return run (NULL, NULL, "mountpoint -q %s", path) == 0;
}

/* Every cgroup of a hierarchy root that holds @needle in its name. */
guint
count_cgroups (const char *needle)
{
  g_autoptr(GDir) root = g_dir_open ("/sys/fs/cgroup", 0, NULL);
  const char *hierarchy;
  guint n = 0;

  while (root != NULL && (hierarchy = g_dir_read_name (root)) != NULL) {
    g_autofree char *dir = g_build_filename ("/sys/fs/cgroup", hierarchy, NULL);
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *entry;

    /* On a pure cgroup v2 host the entries are the cgroups themselves. */
    if (strstr (hierarchy, needle) != NULL && g_file_test (dir, G_FILE_TEST_IS_DIR))
      n++;
    while (d != NULL && (entry = g_dir_read_name (d)) != NULL) {
      g_autofree char *path = g_build_filename (dir, entry, NULL);

      if (strstr (entry, needle) != NULL && g_file_test (path, G_FILE_TEST_IS_DIR))
        n++;
    }
  }
  return n;
}

const char *
missing_requirement (void)
{
  static const char *tools[] = { "dbus-daemon", "busctl",  "tar",   "nsenter",
                                 "unshare",     "setpriv", "pgrep", "timeout" };
  g_autofree char *subuid = NULL;

  if (geteuid () != 0)
    return "root (they run containers)";
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++) {
    g_autofree char *path = g_find_program_in_path (tools[i]);

    if (path == NULL)
      return tools[i];
  }
  if (!g_file_test ("/bin/busybox", G_FILE_TEST_IS_EXECUTABLE))
    return "/bin/busybox (package busybox-static)";
  if (!g_file_get_contents ("/etc/subuid", &subuid, NULL, NULL) || !strstr (subuid, "root:"))
    return "subordinate ids for root in /etc/subuid and /etc/subgid (run tests/setup-host.sh)";
  return NULL;
}


/* The session's directory, made by the process that runs the tests. */
void
session_init (void)
{
  env.dir = g_dir_make_tmp ("cells-test-XXXXXX", NULL);
  g_assert_nonnull (env.dir);
  /* Cells reach their layers through here with their own uids. */
  g_chmod (env.dir, 0711);
  env.state_dir = g_build_filename (env.dir, "state", NULL);
  env.cellsctl =
      g_build_filename (g_getenv ("CELLS_BUILD_DIR"), "daemon", "cellsctl", "cellsctl", NULL);
}

/* Every cell, cellsd and the bus stopped, the directory gone (kept with
 * CELLS_TEST_KEEP set). */
void
session_down (void)
{
  if (g_getenv ("CELLS_TEST_KEEP") == NULL)
    run (NULL, NULL, "%s stop %s", session_script (), env.dir);
  else
    g_printerr ("Kept %s\n", env.dir);
}

/**
 * session_main:
 * @what: what the tests are, for the message of a skip ("crash tests")
 * @add_tests: adds the tests, after g_test_init ()
 * @teardown: (nullable): what ends the session after them; session_down ()
 *   when %NULL
 *
 * The main () of a test program on the session: skipped (exit 77, or a
 * TAP plan of none with --tap) where something it needs is missing. The
 * tests run in a child, so that cells, cellsd and the bus are cleaned up
 * here even when an assertion aborts them. Only the child writes to
 * stdout: the TAP stream.
 */
int
session_main (int argc, char **argv, const char *what, void (*add_tests) (void),
              void (*teardown) (void))
{
  const char *missing = missing_requirement ();
  int status = 0;
  pid_t child;

  if (missing != NULL) {
    if (g_strv_contains ((const char *const *) argv, "--tap")) {
      printf ("1..0 # SKIP %s need %s\n", what, missing);
      return 0;
    }
    g_printerr ("SKIP: %s need %s\n", what, missing);
    return 77;
  }
  session_init ();
  fflush (stdout);
  child = fork ();
  if (child == 0) {
    /* A seat client that was turned away may be gone before it is told
     * to quit: EPIPE, not the end of the tests. */
    signal (SIGPIPE, SIG_IGN);
    g_test_init (&argc, &argv, NULL);
    add_tests ();
    status = g_test_run ();
    fflush (stdout);
    _exit (status);
  }
  waitpid (child, &status, 0);
  if (teardown != NULL)
    teardown ();
  else
    session_down ();
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}
