/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Crash recovery: cellsd killed with SIGKILL at random points of create,
 * start, stop, switch, configure, import and destroy, and started again.
 * After every restart: no cell lost or duplicated, running cells adopted
 * with the same leader, no definition half written, no mount or cgroup of
 * a cell that is gone, no half-imported image listed, the foreground
 * consistent, and a call that had its answer before the kill has its
 * effect; at the end every stopped cell starts.
 *
 * The delays are random; the seed is printed, and CELLS_CRASH_SEED and
 * CELLS_CRASH_ROUNDS (200) repeat a run.
 */
#include "cells-dbus.h"
#include "session-helpers.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_CELLS 4
#define ROUNDS_DEFAULT 200

typedef enum {
  OP_CREATE,
  OP_START,
  OP_STOP,
  OP_SWITCH,
  OP_CONFIGURE,
  OP_IMPORT,
  OP_DESTROY,
  N_OPS,
} Op;

static const char *const op_names[] = {
  "create", "start", "stop", "switch", "configure", "import", "destroy",
};

/* How long each call takes here, about: the kill falls anywhere in it,
 * or shortly before it starts or after it ends. */
static const guint op_max_ms[] = { 40, 160, 70, 30, 35, 400, 50 };

/* What the test knows of a cell: what the last restart showed. */
typedef struct {
  char     name[16];
  gboolean exists;
  gboolean running;
  guint    leader;
  char    *display_name;
} Cell;

static struct {
  Cell       cells[N_CELLS];
  GPtrArray *images;        /* listed, in order of import */
  guint      imports;
  guint      image_entries; /* of a whole busybox image */
  GRand     *rand;
  GDBusConnection *bus;     /* one connection for the whole run */
  guint      kills[N_OPS];
  guint      answered[N_OPS];
  guint      answer_ms[N_OPS]; /* their sum, over the calls answered */
} t;

/* What the restarted cellsd shows of one cell. */
typedef struct {
  gboolean listed;
  char    *state;
  guint    leader;
  gboolean foreground;
  char    *display_name;
} Seen;

static void
seen_clear (Seen *s)
{
  g_clear_pointer (&s->state, g_free);
  g_clear_pointer (&s->display_name, g_free);
  s->listed = FALSE;
}

static char *
cell_dir (const Cell *c)
{
  return g_build_filename (env.state_dir, "cells", c->name, NULL);
}

/* The call */

static char **
call_argv (Op op, const Cell *c, const char *value)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autofree char *tarball = g_strdup_printf ("%s/busybox.tar.gz", env.dir);

  g_strv_builder_add (b, env.cellsctl);
  switch (op) {
  case OP_CREATE:
    g_strv_builder_addv (b, (const char *[]) { "create", c->name, "--image", "busybox",
                                               "--init", CELL_INIT, NULL });
    break;
  case OP_CONFIGURE:
    g_strv_builder_add_many (b, "set", c->name, value, NULL);
    break;
  case OP_SWITCH:
    if (c == NULL)
      g_strv_builder_add_many (b, "switch", "--none", NULL);
    else
      g_strv_builder_add_many (b, "switch", c->name, NULL);
    break;
  case OP_IMPORT:
    g_strv_builder_add_many (b, "image", "import", value, tarball, NULL);
    break;
  default:
    g_strv_builder_add_many (b, op_names[op], c->name, NULL);
    break;
  }
  return g_strv_builder_end (b);
}

/* What cellsctl says when cellsd went away under the call, or was not
 * there yet to take it. */
static gboolean
cut_short (const char *err)
{
  static const char *const signs[] = {
    "NoReply", "disconnected", "ServiceUnknown", "was not provided", "Connection closed",
    "vanished", "Remote peer",
  };

  for (guint i = 0; i < G_N_ELEMENTS (signs); i++) {
    if (strstr (err, signs[i]) != NULL)
      return TRUE;
  }
  return FALSE;
}

/* Anywhere in the call, or (as often) close before its answer, where a
 * call writes what it does: the last answers tell when that is. */
static guint
pick_delay (Op op)
{
  guint usual = t.answered[op] > 0 ? t.answer_ms[op] / t.answered[op] : op_max_ms[op] / 2;

  if (g_rand_boolean (t.rand))
    return g_rand_int_range (t.rand, 0, op_max_ms[op] + 1);
  return g_rand_int_range (t.rand, usual * 7 / 10, usual * 21 / 20 + 2);
}

static gboolean
child_done (gpointer data)
{
  int *status = data;
  pid_t pid = status[0];

  return waitpid (pid, &status[1], WNOHANG) == pid;
}

/* Issues the call, kills cellsd after a random delay, and returns whether
 * the call was answered with success before (in @answer_ms; 0 when it
 * was not). A call refused for another reason than the kill fails the
 * test. */
static gboolean
call_and_kill (Op op, const Cell *c, const char *value, guint *delay_ms, guint *answer_ms)
{
  g_auto(GStrv) argv = call_argv (op, c, value);
  g_autofree char *err_path = g_build_filename (env.dir, "call.err", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int err_fd = open (err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int status[2] = { 0, 0 };
  GPid pid;

  g_assert_cmpint (err_fd, >=, 0);
  *delay_ms = pick_delay (op);
  g_assert_true (g_spawn_async_with_fds (NULL, argv, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                         NULL, NULL, &pid, -1, -1, err_fd, &error));
  g_assert_no_error (error);
  close (err_fd);
  status[0] = pid;
  /* Until the kill: when the call ends before, how long it took. */
  for (gint64 start = g_get_monotonic_time (), now = start;
       now - start < *delay_ms * 1000; now = g_get_monotonic_time ()) {
    if (*answer_ms == 0 && child_done (status))
      *answer_ms = MAX ((now - start) / 1000, 1);
    g_usleep (500);
  }
  kill_cellsd (SIGKILL);
  if (*answer_ms == 0 && !wait_for (child_done, status))
    g_error ("cellsctl %s did not end after cellsd was killed", op_names[op]);
  t.kills[op]++;
  if (WIFEXITED (status[1]) && WEXITSTATUS (status[1]) == 0) {
    t.answered[op]++;
    t.answer_ms[op] += *answer_ms;
    return TRUE;
  }
  g_assert_true (g_file_get_contents (err_path, &err, NULL, NULL));
  if (!cut_short (err))
    g_test_fail_printf ("cellsctl %s %s was refused, not cut short: %s", op_names[op],
                        c != NULL ? c->name : value ? value : "", err);
  return FALSE;
}

/* What the restarted cellsd shows */

static void
look (Seen seen[N_CELLS], char **foreground)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusObjectManager) om = cells_dbus_object_manager_client_new_for_bus_sync (
      G_BUS_TYPE_SYSTEM, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, "org.cells.Cells1",
      "/org/cells/Cells1", NULL, &error);
  g_autoptr(CellsDBusManager) m = manager_proxy ();
  GList *objects;

  g_assert_no_error (error);
  *foreground = g_strdup (cells_dbus_manager_get_foreground (m));
  objects = g_dbus_object_manager_get_objects (om);
  for (GList *l = objects; l != NULL; l = l->next) {
    g_autoptr(CellsDBusCell) cell = cells_dbus_object_get_cell (l->data);
    guint i;

    if (cell == NULL)
      continue;
    for (i = 0; i < N_CELLS; i++) {
      if (g_str_equal (t.cells[i].name, cells_dbus_cell_get_name (cell)))
        break;
    }
    if (i == N_CELLS)
      g_error ("cellsd lists a cell that was never made: %s", cells_dbus_cell_get_name (cell));
    /* One object a name: a second one would be a duplicate. */
    g_assert_false (seen[i].listed);
    seen[i].listed = TRUE;
    seen[i].state = g_strdup (cells_dbus_cell_get_state (cell));
    seen[i].leader = cells_dbus_cell_get_leader (cell);
    seen[i].foreground = cells_dbus_cell_get_foreground (cell);
    seen[i].display_name = g_strdup (cells_dbus_cell_get_display_name (cell));
  }
  g_list_free_full (objects, g_object_unref);
}

/* Checks */

static gboolean
no_cgroups_of (gpointer name)
{
  return count_cgroups (name) == 0;
}

/* Nothing of a cell mounted: its image mount is under its directory. */
static gboolean
nothing_mounted_under (const char *dir)
{
  g_autofree char *mounts = NULL;
  g_autofree char *prefix = g_strconcat (" ", dir, "/", NULL);

  g_assert_true (g_file_get_contents ("/proc/self/mountinfo", &mounts, NULL, NULL));
  return strstr (mounts, prefix) == NULL;
}

/* No temporary definition left beside the cell's (cell.conf.XXXXXX). */
static void
assert_no_temporaries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  g_assert_nonnull (d);
  while ((entry = g_dir_read_name (d)) != NULL)
    g_assert_false (g_str_has_prefix (entry, "cell.conf."));
}

static guint
count_entries (const char *dir)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run (&out, NULL, "sh -c 'find %s | wc -l'", dir), ==, 0);
  return atoi (out);
}

/* The cell was running and stays running, by the same init, with one
 * monitor: adopted, not started again. */
/* What cellsd logged of a cell, for a failure's message. */
static char *
log_of (const Cell *c)
{
  g_autofree char *path = g_build_filename (env.dir, "cellsd.log", NULL);
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *quoted = g_strdup_printf ("“%s”", c->name);

  g_assert_true (g_file_get_contents (path, &log, NULL, NULL));
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    if (strstr (lines[i], quoted) != NULL && strstr (lines[i], "DEBUG") == NULL)
      g_string_append_printf (s, "%s\n", lines[i]);
  }
  return g_strdup (s->str + (s->len > 3000 ? s->len - 3000 : 0));
}

static void
assert_adopted (const Cell *c, const Seen *s)
{
  g_autofree char *out = NULL;

  if (!g_str_equal (s->state, "running")) {
    g_autofree char *log = log_of (c);

    g_error ("%s was running (init %u), and is %s after the restart; its init is %s. "
             "cellsd's log of it:\n%s", c->name, c->leader, s->state,
             kill (c->leader, 0) == 0 ? "still there" : "gone", log);
  }
  g_assert_cmpuint (s->leader, ==, c->leader);
  g_assert_cmpint (kill (c->leader, 0), ==, 0);
  g_assert_cmpint (run (&out, NULL, "pgrep -c -f '%s/cells %s$'", env.state_dir, c->name), ==, 0);
  g_assert_cmpstr (out, ==, "1\n");
}

static void
assert_gone (const Cell *c)
{
  g_autofree char *dir = cell_dir (c);

  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_true (nothing_mounted_under (dir));
  if (!wait_for (no_cgroups_of, (gpointer) c->name))
    g_error ("cgroups of the destroyed cell %s are left", c->name);
}

static void
assert_stopped_clean (const Cell *c, const Seen *s)
{
  g_autofree char *dir = cell_dir (c);

  g_assert_cmpstr (s->state, ==, "stopped");
  g_assert_cmpuint (s->leader, ==, 0);
  g_assert_true (nothing_mounted_under (dir));
  if (!wait_for (no_cgroups_of, (gpointer) c->name))
    g_error ("cgroups of the stopped cell %s are left", c->name);
}

/* One cell after a restart, against what it was and what the round did
 * to it (@op, or N_OPS when the round was not about it). */
static void
check_cell (Cell *c, const Seen *s, Op op, gboolean answered, const char *value)
{
  g_autofree char *dir = cell_dir (c);

  if (s->listed) {
    assert_no_temporaries (dir);
    if (g_str_equal (s->state, "running"))
      g_assert_cmpuint (s->leader, >, 0);
    else
      assert_stopped_clean (c, s);
  } else {
    assert_gone (c);
  }
  switch (op) {
  case OP_CREATE:
    g_assert_true (s->listed || !answered);
    if (s->listed)
      g_assert_cmpstr (s->state, ==, "stopped");
    break;
  case OP_DESTROY:
    g_assert_true (!s->listed || !answered);
    break;
  case OP_START:
    g_assert_true (s->listed);
    g_assert_true (g_str_equal (s->state, "running") || !answered);
    break;
  case OP_STOP:
    g_assert_true (s->listed);
    if (answered)
      g_assert_cmpstr (s->state, ==, "stopped");
    else if (g_str_equal (s->state, "running"))
      assert_adopted (c, s);
    break;
  case OP_CONFIGURE:
    g_assert_true (s->listed);
    if (answered)
      g_assert_cmpstr (s->display_name, ==, value);
    else if (g_strcmp0 (s->display_name, c->display_name) != 0)
      g_assert_cmpstr (s->display_name, ==, value);
    /* and the state is as it was */
    G_GNUC_FALLTHROUGH;
  default:
    g_assert_true (s->listed == c->exists);
    if (c->running)
      assert_adopted (c, s);
    else if (s->listed)
      g_assert_cmpstr (s->state, ==, "stopped");
    break;
  }
  c->exists = s->listed;
  c->running = s->listed && g_str_equal (s->state, "running");
  c->leader = s->leader;
  g_free (c->display_name);
  c->display_name = g_strdup (s->display_name);
}

/* At most one cell in the foreground: the Manager's, and running. */
static void
check_foreground (const Seen seen[N_CELLS], const char *foreground)
{
  gboolean found = *foreground == '\0';

  for (guint i = 0; i < N_CELLS; i++) {
    gboolean is_it = seen[i].listed && g_str_equal (t.cells[i].name, foreground);

    g_assert_true (seen[i].foreground == is_it);
    if (is_it) {
      g_assert_cmpstr (seen[i].state, ==, "running");
      found = TRUE;
    }
  }
  g_assert_true (found);
}

/* Only whole images listed, nothing of an import left. */
static void
check_images (const char *imported, gboolean answered)
{
  g_autofree char *images_dir = g_build_filename (env.state_dir, "images", NULL);
  g_autoptr(GDir) d = g_dir_open (images_dir, 0, NULL);
  const char *entry;

  while ((entry = g_dir_read_name (d)) != NULL)
    g_assert_false (g_str_has_prefix (entry, ".import-"));
  if (imported != NULL && answered)
    g_assert_true (image_listed (imported));
  if (imported != NULL && image_listed (imported)) {
    g_autofree char *dir = g_build_filename (images_dir, imported, NULL);

    g_assert_cmpuint (count_entries (dir), ==, t.image_entries);
    g_ptr_array_add (t.images, g_strdup (imported));
  }
  for (guint i = 0; i < t.images->len; i++)
    g_assert_true (image_listed (t.images->pdata[i]));
}

/* A round */

/* A call that makes sense for the cell as it is. */
static Op
pick_op (Cell *c)
{
  static const Op when_stopped[] = { OP_START, OP_START, OP_CONFIGURE, OP_DESTROY, OP_DESTROY };
  static const Op when_running[] = { OP_STOP, OP_SWITCH, OP_SWITCH, OP_CONFIGURE };

  if (g_rand_int_range (t.rand, 0, 10) == 0)
    return OP_IMPORT;
  if (!c->exists)
    return OP_CREATE;
  if (c->running)
    return when_running[g_rand_int_range (t.rand, 0, G_N_ELEMENTS (when_running))];
  return when_stopped[g_rand_int_range (t.rand, 0, G_N_ELEMENTS (when_stopped))];
}

static void
round_once (guint round)
{
  Cell *c = &t.cells[g_rand_int_range (t.rand, 0, N_CELLS)];
  Op op = pick_op (c);
  g_autofree char *value = NULL;
  g_autofree char *foreground = NULL;
  Seen seen[N_CELLS] = { { 0 } };
  gboolean answered;
  guint delay_ms, answer_ms = 0;

  if (op == OP_IMPORT)
    value = g_strdup_printf ("img%u", ++t.imports);
  else if (op == OP_CONFIGURE)
    value = g_strdup_printf ("display-name=%s round %u", c->name, round);
  answered = call_and_kill (op, op == OP_IMPORT ? NULL : c, value, &delay_ms, &answer_ms);
  if (answered)
    g_test_message ("round %u: %s %s, answered in %u ms, cellsd killed after %u ms", round,
                    op_names[op], op == OP_IMPORT ? value : c->name, answer_ms, delay_ms);
  else
    g_test_message ("round %u: %s %s, cellsd killed after %u ms, before its answer", round,
                    op_names[op], op == OP_IMPORT ? value : c->name, delay_ms);
  start_cellsd ("");

  look (seen, &foreground);
  for (guint i = 0; i < N_CELLS; i++) {
    Cell *other = &t.cells[i];
    const char *new_name = op == OP_CONFIGURE ? value + strlen ("display-name=") : NULL;

    check_cell (other, &seen[i], other == c && op != OP_IMPORT ? op : N_OPS, answered, new_name);
  }
  check_foreground (seen, foreground);
  for (guint i = 0; i < N_CELLS; i++)
    seen_clear (&seen[i]);
  check_images (op == OP_IMPORT ? value : NULL, answered);
}

/* The end: every stopped cell starts, then every cell goes, and nothing
 * of them stays. */
static void
start_every_stopped_cell (void)
{
  for (guint i = 0; i < N_CELLS; i++) {
    Cell *c = &t.cells[i];
    g_autofree char *state = NULL;

    if (!c->exists)
      continue;
    if (!c->running)
      assert_ok ("cellsctl start %s", c->name);
    state = cell_property (c->name, "State");
    g_assert_cmpstr (state, ==, "s \"running\"");
    assert_ok ("cellsctl stop %s", c->name);
    assert_ok ("cellsctl destroy %s", c->name);
    assert_gone (c);
  }
}

static guint
rounds (void)
{
  const char *text = g_getenv ("CELLS_CRASH_ROUNDS");

  return text != NULL ? (guint) atoi (text) : ROUNDS_DEFAULT;
}

static void
test_crash (void)
{
  const char *seed_text = g_getenv ("CELLS_CRASH_SEED");
  guint32 seed = seed_text != NULL ? (guint32) strtoul (seed_text, NULL, 10) : g_random_int ();
  g_autofree char *image = g_build_filename (env.state_dir, "images", "busybox", NULL);
  gint64 began = g_get_monotonic_time ();
  guint n = rounds ();

  g_test_message ("seed %u (CELLS_CRASH_SEED=%u repeats this run)", seed, seed);
  t.rand = g_rand_new_with_seed (seed);
  t.images = g_ptr_array_new_with_free_func (g_free);
  session_up ();
  t.bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, NULL);
  ensure_image ();
  g_ptr_array_add (t.images, g_strdup ("busybox"));
  t.image_entries = count_entries (image);
  for (guint i = 0; i < N_CELLS; i++)
    g_snprintf (t.cells[i].name, sizeof t.cells[i].name, "crash-%c", 'a' + i);

  for (guint r = 1; r <= n && !g_test_failed (); r++)
    round_once (r);
  start_every_stopped_cell ();
  for (guint op = 0; op < N_OPS; op++)
    g_test_message ("%s: killed %u times, %u of them after the answer", op_names[op],
                    t.kills[op], t.answered[op]);
  g_test_message ("%u rounds in %.0f s", n, (g_get_monotonic_time () - began) / 1e6);
}

static void
add_tests (void)
{
  g_test_add_func ("/crash/random-kills", test_crash);
}

int
main (int argc, char **argv)
{
  return session_main (argc, argv, "crash tests", NULL, add_tests);
}
