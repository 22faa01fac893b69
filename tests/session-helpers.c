/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session of the tests that run real cells: see session-helpers.h.
 */
#include "session-helpers.h"

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

/* Stops and destroys a cell, whatever state a test left it in. */
static void
remove_cell (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CellsDBusCell) cell = cells_dbus_cell_proxy_new_for_bus_sync (G_BUS_TYPE_SYSTEM, 0,
                                                                          "org.cells.Cells1", path,
                                                                          NULL, &error);
  const char *name;

  g_assert_no_error (error);
  name = cells_dbus_cell_get_name (cell);
  if (cells_dbus_cell_get_frozen (cell))
    assert_ok ("cellsctl thaw %s", name);
  if (!g_str_equal (cells_dbus_cell_get_state (cell), "stopped") &&
      !g_str_equal (cells_dbus_cell_get_state (cell), "failed"))
    assert_ok ("cellsctl stop %s", name);
  assert_ok ("cellsctl destroy %s", name);
}

void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->started = g_get_monotonic_time ();
  session_up ();
  if (!cellsd_answers ())
    g_error ("cellsd is not running (see %s/cellsd.log)", env.dir);
  ensure_image ();
}

/* Kills the polkit mock the test started: by its pid, never by name. */
static void
stop_polkit_mock (Fixture *f)
{
  g_autofree char *pid_file = g_build_filename (env.dir, "polkit.pid", NULL);

  if (f->polkit == 0)
    return;
  kill (f->polkit, SIGTERM);
  waitpid (f->polkit, NULL, 0);
  f->polkit = 0;
  g_unlink (pid_file);
}

/* The next test starts with no cells, none in the foreground, no mock. */
void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_auto(GStrv) paths = list_cells ();
  g_auto(GStrv) left = NULL;

  stop_polkit_mock (f);
  for (guint i = 0; paths[i] != NULL; i++)
    remove_cell (paths[i]);
  left = list_cells ();
  g_assert_cmpuint (g_strv_length (left), ==, 0);
  g_test_message ("%s took %.1f s", g_test_get_path (),
                  (g_get_monotonic_time () - f->started) / 1e6);
}

/* Runs in the parent process after the tests, whatever became of them:
 * a polkit mock whose test aborted is killed by the pid it left. */
static void
teardown_environment (void)
{
  g_autofree char *pid_file = g_build_filename (env.dir, "polkit.pid", NULL);
  g_autofree char *pid_text = NULL;

  if (g_file_get_contents (pid_file, &pid_text, NULL, NULL)) {
    int pid = atoi (pid_text);
    g_autofree char *cmdline_path = g_strdup_printf ("/proc/%d/cmdline", pid);
    g_autofree char *cmdline = NULL;
    gsize len = 0;

    /* Still that mock, not a process that took its number since. */
    if (pid > 1 && g_file_get_contents (cmdline_path, &cmdline, &len, NULL)) {
      for (gsize i = 0; i + 1 < len; i++)
        cmdline[i] = cmdline[i] == '\0' ? ' ' : cmdline[i];
      if (strstr (cmdline, "dbusmock") != NULL)
        kill (pid, SIGTERM);
    }
  }
  if (g_getenv ("CELLS_TEST_KEEP") == NULL)
    run (NULL, NULL, "%s stop %s", session_script (), env.dir);
  else
    g_printerr ("Kept %s\n", env.dir);
}

/**
 * session_has:
 * @present: whether the test's requirement is there
 * @what: the requirement, for the message
 *
 * Returns: @present; when it is not, the test is skipped, or fails in CI,
 * which installs everything.
 */
gboolean
session_has (gboolean present, const char *what)
{
  if (present)
    return TRUE;
  if (g_getenv ("CI") != NULL)
    g_test_fail_printf ("%s is not installed", what);
  else
    g_test_skip_printf ("%s is not installed", what);
  return FALSE;
}

/* Cells */

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

/* A cgroup file of a cell's init, on a cgroup v1 or v2 host. */
char *
cgroup_read (guint leader, const char *controller, const char *v1_file, const char *v2_file)
{
  g_autofree char *proc = g_strdup_printf ("/proc/%u/cgroup", leader);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean v2 = g_file_test ("/sys/fs/cgroup/cgroup.controllers", G_FILE_TEST_EXISTS);
  g_autofree char *v1_tag = g_strdup_printf (":%s:", controller);

  g_assert_true (g_file_get_contents (proc, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    const char *path = strrchr (lines[i], ':');
    g_autofree char *file = NULL;
    char *value = NULL;

    if (path == NULL ||
        !(v2 ? g_str_has_prefix (lines[i], "0::") : strstr (lines[i], v1_tag) != NULL))
      continue;
    file = v2 ? g_strdup_printf ("/sys/fs/cgroup%s/%s", path + 1, v2_file)
              : g_strdup_printf ("/sys/fs/cgroup/%s%s/%s", controller, path + 1, v1_file);
    g_assert_true (g_file_get_contents (file, &value, NULL, NULL));
    return g_strstrip (value);
  }
  g_error ("No %s cgroup for pid %u", controller, leader);
}

static const char *
missing_requirement (const char *const *more_tools)
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
  for (guint i = 0; more_tools != NULL && more_tools[i] != NULL; i++) {
    g_autofree char *path = g_find_program_in_path (more_tools[i]);

    if (path == NULL)
      return more_tools[i];
  }
  if (!g_file_test ("/bin/busybox", G_FILE_TEST_IS_EXECUTABLE))
    return "/bin/busybox (package busybox-static)";
  if (!g_file_get_contents ("/etc/subuid", &subuid, NULL, NULL) || !strstr (subuid, "root:"))
    return "subordinate ids for root in /etc/subuid and /etc/subgid (run tests/setup-host.sh)";
  return NULL;
}

/**
 * session_main:
 * @what: what is skipped when a requirement is missing ("integration tests")
 * @more_tools: (nullable): programs these tests need beyond the session's
 * @add_tests: adds the tests
 *
 * Runs the tests in a child, so that cells, cellsd and the bus are
 * cleaned up here even when an assertion aborts them. Only the child
 * writes to stdout: the TAP stream.
 */
int
session_main (int argc, char **argv, const char *what, const char *const *more_tools,
              void (*add_tests) (void))
{
  const char *missing = missing_requirement (more_tools);
  int status = 0;
  pid_t child;

  if (missing != NULL) {
    /* Under TAP a skip is a plan of none; else exit status 77. */
    if (g_strv_contains ((const char *const *) argv, "--tap")) {
      printf ("1..0 # SKIP %s need %s\n", what, missing);
      return 0;
    }
    g_printerr ("SKIP: %s need %s\n", what, missing);
    return 77;
  }
  env.dir = g_dir_make_tmp ("cells-test-XXXXXX", NULL);
  g_assert_nonnull (env.dir);
  /* Cells reach their layers through here with their own uids. */
  g_chmod (env.dir, 0711);
  env.state_dir = g_build_filename (env.dir, "state", NULL);
  env.cellsctl =
      g_build_filename (g_getenv ("CELLS_BUILD_DIR"), "daemon", "cellsctl", "cellsctl", NULL);

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
  teardown_environment ();
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
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
