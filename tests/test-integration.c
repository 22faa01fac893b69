/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cellsd on a private system bus, as root, with real LXC cells made from a
 * busybox image; driven by cellsctl, busctl and the generated proxies.
 */
#include "seat-driver.h"
#include "session-helpers.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

#include <fcntl.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Tests */

/* No import leftovers: nothing hidden in the image directory. */
static void
assert_no_import_left (void)
{
  g_autofree char *images = g_build_filename (env.state_dir, "images", NULL);
  g_autoptr(GDir) dir = g_dir_open (images, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (entry, ".import-"));
}

static gboolean
no_import_left (gpointer unused)
{
  g_autofree char *images = g_build_filename (env.state_dir, "images", NULL);
  g_autoptr(GDir) dir = g_dir_open (images, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL) {
    if (g_str_has_prefix (entry, ".import-"))
      return FALSE;
  }
  return TRUE;
}

static void
assert_import_refused (const char *name, const char *path, const char *why)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run (NULL, &err, "timeout 30 cellsctl image import %s %s", name, path), ==, 1);
  if (strstr (err, why) == NULL)
    g_error ("importing %s: “%s” is not in: %s", path, why, err);
  g_assert_false (image_listed (name));
  assert_no_import_left ();
}

static void
restart_cellsd_with (const char *config)
{
  g_autofree char *path = g_build_filename (env.dir, "limits.conf", NULL);
  g_autofree char *args = g_strdup_printf ("--config %s", path);

  g_assert_true (g_file_set_contents (path, config, -1, NULL));
  kill_cellsd (SIGTERM);
  start_cellsd (args);
}

/* Imports are bounded: what is no tar archive is refused from its first
 * block (an endless /dev/urandom too), a file over MaxFileSize (sparse,
 * from a tiny archive), more entries than MaxFiles, more than MaxSize in
 * all, an archive that stops coming, a caller that goes away: each gets
 * a sentence and leaves nothing. */
static void
test_image_bounds (Fixture *f, gconstpointer data)
{
  g_autofree char *work = g_build_filename (env.dir, "bounds", NULL);
  g_autofree char *fifo = g_build_filename (env.dir, "bounds.fifo", NULL);
  g_autofree char *cmd = NULL;
  GPid writer, importer;

  assert_import_refused ("zeros", "/dev/zero", "not a tar archive");
  assert_import_refused ("noise", "/dev/urandom", "not a tar archive");

  assert_ok ("mkdir -p %s/sparse %s/many %s/big", work, work, work);
  assert_ok ("truncate -s 5G %s/sparse/huge", work);
  assert_ok ("tar -C %s/sparse --sparse -czf %s/sparse.tar.gz .", work, work);
  assert_ok ("sh -c 'for i in $(seq 30); do echo $i > %s/many/f$i; done'", work);
  assert_ok ("tar -C %s/many -czf %s/many.tar.gz .", work, work);
  assert_ok ("sh -c 'head -c 3000000 /dev/urandom > %s/big/blob'", work);
  assert_ok ("tar -C %s/big -cf %s/big.tar .", work, work);
  assert_ok ("tar -C %s/many -cf %s/one.tar f1", work, work);
  cmd = g_strdup_printf ("%s/sparse.tar.gz", work);
  assert_import_refused ("sparse", cmd, "a file larger than 4.0");

  restart_cellsd_with ("[Images]\nMaxFiles=10\nMaxSize=1000000\nStallSeconds=2\n");
  g_free (cmd);
  cmd = g_strdup_printf ("%s/many.tar.gz", work);
  assert_import_refused ("many", cmd, "more than 10 entries");
  g_free (cmd);
  cmd = g_strdup_printf ("%s/big.tar", work);
  assert_import_refused ("big", cmd, "unpacks to more than 976.6");

  /* A pipe that gives the first header and then nothing. */
  assert_ok ("mkfifo %s", fifo);
  g_free (cmd);
  cmd = g_strdup_printf ("exec sh -c 'head -c 512 %s/one.tar; exec sleep 20' > %s", work, fifo);
  g_assert_true (g_spawn_async (NULL, (char *[]) { "/bin/sh", "-c", cmd, NULL }, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &writer, NULL));
  assert_import_refused ("stalled", fifo, "stopped coming for 2 s");
  kill (writer, SIGKILL);
  waitpid (writer, NULL, 0);

  /* The caller goes away mid-import. */
  g_assert_true (g_spawn_async (NULL, (char *[]) { "/bin/sh", "-c", cmd, NULL }, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &writer, NULL));
  g_assert_true (g_spawn_async (NULL, (char *[]) { env.cellsctl, "image", "import", "gone", fifo,
                                                   NULL }, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                NULL, &importer, NULL));
  g_usleep (500 * 1000);
  kill (importer, SIGKILL);
  waitpid (importer, NULL, 0);
  g_assert_true (wait_for (no_import_left, NULL));
  g_assert_false (image_listed ("gone"));
  kill (writer, SIGKILL);
  waitpid (writer, NULL, 0);

  restart_cellsd_with ("");
  assert_ok ("rm -rf %s %s", work, fifo);
}

static void
test_image_import (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *junk = g_build_filename (env.dir, "junk.tar", NULL);
  g_autofree char *images = g_build_filename (env.state_dir, "images", NULL);
  g_autofree char *imported = g_build_filename (images, "imported", NULL);
  g_autoptr(GDir) dir = NULL;
  const char *entry;

  g_assert_false (image_listed ("imported"));
  g_assert_cmpint (run (&out, &err, "cellsctl image import imported %s/busybox.tar.gz", env.dir),
                   ==, 0);
  g_assert_nonnull (strstr (err, "Importing imported: 100%"));
  g_assert_true (image_listed ("imported"));
  g_assert_true (g_file_test (imported, G_FILE_TEST_IS_DIR));

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "cellsctl image import imported %s/busybox.tar.gz", env.dir),
                   ==, 1);
  g_assert_nonnull (strstr (err, "exists already"));

  g_assert_true (g_file_set_contents (junk, "this is not a tar archive\n", -1, NULL));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "cellsctl image import junk %s", junk), ==, 1);
  g_assert_nonnull (strstr (err, "could not be unpacked"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "cellsctl image import ../x %s", junk), ==, 1);
  g_assert_nonnull (strstr (err, "image name"));

  /* A broken archive leaves nothing behind, not even a hidden directory. */
  g_assert_false (image_listed ("junk"));
  dir = g_dir_open (images, 0, NULL);
  while ((entry = g_dir_read_name (dir)))
    g_assert_true (g_str_equal (entry, "busybox") || g_str_equal (entry, "imported"));

  /* There is no way to remove an image but by hand. */
  assert_ok ("rm -rf --one-file-system %s", imported);
  g_assert_false (image_listed ("imported"));

  /* Thousands of entries, as a phone image has: tar's listing of them
   * fills its pipe while cellsd is still giving tar the archive, and
   * cellsd reads both. */
  assert_ok ("sh -c 'mkdir %s/thousands && cd %s/thousands && for i in $(seq 4000); do "
             ": > an-entry-whose-name-is-long-enough-to-fill-the-listing-of-tar-$i; done'",
             env.dir, env.dir);
  assert_ok ("tar -C %s/thousands -cf %s/thousands.tar .", env.dir, env.dir);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "timeout 60 cellsctl image import thousands %s/thousands.tar",
                        env.dir), ==, 0);
  g_assert_nonnull (strstr (err, "Importing thousands: 100%"));
  g_assert_true (image_listed ("thousands"));
  assert_ok ("rm -rf --one-file-system %s/thousands %s/thousands.tar %s/thousands", images,
             env.dir, env.dir);
}

static void
assert_create_fails (CellsDBusManager *m, const char *name, GVariant *options,
                     const char *error_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *path = NULL;

  g_assert_false (cells_dbus_manager_call_create_cell_sync (m, name, options, &path, NULL, &error));
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, error_name);
  /* A sentence for people, not a code. */
  g_dbus_error_strip_remote_error (error);
  g_assert_cmpuint (strlen (error->message), >, 15);
  g_assert_true (g_str_has_suffix (error->message, "."));
}

static GVariant *
image_option (const char *image)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "image", g_variant_new_string (image));
  return g_variant_builder_end (&b);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  g_autoptr(CellsDBusManager) m = manager_proxy ();
  g_autofree char *huge = g_strnfill (10240, 'a');
  g_autofree char *out = NULL;
  g_autofree char *cells = g_build_filename (env.state_dir, "cells", NULL);
  const char *bad[] = { "../x", "a/b", "", "Work", "1cell", "wörk", "a b", "a_b", "-a", huge };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_create_fails (m, bad[i], image_option ("busybox"),
                         "org.cells.Cells1.Error.InvalidArgument");
  assert_create_fails (m, "ok", image_option ("../busybox"),
                       "org.cells.Cells1.Error.InvalidArgument");
  assert_create_fails (m, "ok", image_option ("nope"), "org.cells.Cells1.Error.NotFound");
  assert_create_fails (m, "ok", g_variant_new_parsed ("@a{sv} {}"),
                       "org.cells.Cells1.Error.InvalidArgument");
  assert_create_fails (m, "ok", g_variant_new_parsed ("{'image': <'busybox'>, 'color': <'red'>}"),
                       "org.cells.Cells1.Error.InvalidArgument");
  assert_create_fails (m, "ok",
                       g_variant_new_parsed ("{'image': <'busybox'>, 'init': <'/sbin/init'>}"),
                       "org.cells.Cells1.Error.InvalidArgument");

  g_assert_false (cells_dbus_manager_call_get_cell_sync (m, "../x", &path, NULL, &error));
  g_assert_true (g_dbus_error_is_remote_error (error));
  g_clear_error (&error);
  g_assert_false (cells_dbus_manager_call_get_cell_sync (m, "ghost", &path, NULL, &error));
  g_assert_cmpstr (g_dbus_error_get_remote_error (error), ==, "org.cells.Cells1.Error.NotFound");

  create_cell ("bad-input");
  assert_create_fails (m, "bad-input", image_option ("busybox"), "org.cells.Cells1.Error.Exists");

  /* Nothing but the one good cell came of it. */
  g_assert_cmpint (run (&out, NULL, "busctl call org.cells.Cells1 /org/cells/Cells1 "
                                    "org.cells.Cells1.Manager ListCells"), ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, "ao 1 \"/org/cells/Cells1/cell/bad_input\"");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "ls -A %s", cells), ==, 0);
  g_assert_cmpstr (out, ==, "bad-input\n");
}

static void
test_start (Fixture *f, gconstpointer data)
{
  g_autofree char *state = NULL;
  g_autofree char *proc = NULL;
  guint leader;

  create_cell ("start-a");
  create_cell ("start-b");
  state = cell_property ("start-a", "State");
  g_assert_cmpstr (state, ==, "s \"stopped\"");
  g_assert_cmpuint (cell_leader ("start-a"), ==, 0);
  assert_ok ("cellsctl start start-a");
  assert_ok ("cellsctl start start-b");
  /* Starting a running cell does nothing. */
  leader = cell_leader ("start-b");
  assert_ok ("cellsctl start start-b");
  g_assert_cmpuint (cell_leader ("start-b"), ==, leader);

  g_clear_pointer (&state, g_free);
  state = cell_property ("start-a", "State");
  g_assert_cmpstr (state, ==, "s \"running\"");
  proc = g_strdup_printf ("/proc/%u", cell_leader ("start-a"));
  g_assert_true (g_file_test (proc, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (cell_leader ("start-a"), !=, cell_leader ("start-b"));
  /* The cell's loopback is up from the start. */
  assert_ok ("cellsctl exec start-a -- ping -c 1 -W 2 127.0.0.1");
}

static void
test_isolation (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *image_file =
      g_build_filename (env.state_dir, "images", "busybox", "root", "secret", NULL);
  g_autofree char *layer_file =
      g_build_filename (env.state_dir, "cells", "iso-a", "upper", "root", "secret", NULL);
  g_auto(GStrv) lines = NULL;
  guint n_procs = 0;
  struct stat st;

  create_running_cell ("iso-a");
  create_running_cell ("iso-b");

  /* Only the cell's own processes, numbered from 1. */
  g_assert_cmpint (run (&out, NULL, "cellsctl exec iso-a -- ps -o pid"), ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  for (guint i = 1; lines[i]; i++) {
    g_assert_cmpint (atoi (lines[i]), <, 100);
    n_procs++;
  }
  g_assert_cmpuint (n_procs, >=, 2);
  g_assert_cmpuint (n_procs, <=, 6);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "cellsctl exec iso-a -- hostname"), ==, 0);
  g_assert_cmpstr (out, ==, "iso-a\n");

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "cellsctl exec iso-a -- cat /proc/self/uid_map"), ==, 0);
  g_assert_cmpuint (g_ascii_strtoull (strchr (g_strstrip (out), ' '), NULL, 10), >=, 65536);

  /* /dev holds the harmless nodes only, shared memory, and the names of
   * the cards (no card here: plain files in any case, see udev-view). */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "cellsctl exec iso-a -- ls -A /dev"), ==, 0);
  g_assert_cmpstr (out, ==, ".lxc-boot-id\nconsole\ndri\nfd\nfull\nnull\nptmx\npts\nrandom\n"
                            "shm\nstderr\nstdin\nstdout\ntty\nurandom\nzero\n");
  assert_ok ("cellsctl exec iso-a -- sh -c 'test -z \"$(find /dev/dri -mindepth 1 ! -type f)\"'");
  /* No CAP_MKNOD (bit 27) even in the cell's bounding set. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "cellsctl exec iso-a -- grep CapBnd /proc/1/status"), ==, 0);
  g_assert_cmpuint (g_ascii_strtoull (strchr (out, ':') + 1, NULL, 16) & (1ull << 27), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec iso-a -- mknod /tmp/sda b 8 0"), !=, 0);
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec iso-a -- test -e /tmp/sda"), ==, 1);
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec iso-a -- test -e /run/dbus/system_bus_socket"),
                   ==, 1);
  /* The exit status of the command comes back. */
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec iso-a -- sh -c 'exit 7'"), ==, 7);

  assert_ok ("cellsctl exec iso-a -- sh -c 'echo hello > /root/secret'");
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec iso-a -- test -e /root/secret"), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec iso-b -- test -e /root/secret"), ==, 1);
  g_assert_false (g_file_test (image_file, G_FILE_TEST_EXISTS));
  /* The layer holds the file under the cell's own ids. */
  g_assert_cmpint (stat (layer_file, &st), ==, 0);
  g_assert_cmpuint (st.st_uid, >=, 65536);
}

typedef struct {
  GPtrArray *states;
  gboolean   stopped;
} StateLog;

static void
on_properties_changed (GDBusConnection *c, const char *sender, const char *path, const char *iface,
                       const char *member, GVariant *params, gpointer user_data)
{
  StateLog *log = user_data;
  g_autoptr(GVariant) changed = g_variant_get_child_value (params, 1);
  const char *state;

  if (g_variant_lookup (changed, "State", "&s", &state)) {
    g_ptr_array_add (log->states, g_strdup (state));
    log->stopped = g_str_equal (state, "stopped");
  }
}

static void
test_signals_and_persistence (Fixture *f, gconstpointer data)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, NULL);
  StateLog log = { g_ptr_array_new_with_free_func (g_free), FALSE };
  guint id;

  create_running_cell ("persist");
  assert_ok ("cellsctl exec persist -- sh -c 'echo hello > /root/secret'");
  id = g_dbus_connection_signal_subscribe (
      bus, "org.cells.Cells1", "org.freedesktop.DBus.Properties", "PropertiesChanged",
      "/org/cells/Cells1/cell/persist", NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_properties_changed, &log,
      NULL);
  assert_ok ("cellsctl stop persist");
  for (int i = 0; i < 500 && !log.stopped; i++)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE);
  g_dbus_connection_signal_unsubscribe (bus, id);

  g_assert_cmpuint (log.states->len, ==, 2);
  g_assert_cmpstr (log.states->pdata[0], ==, "stopping");
  g_assert_cmpstr (log.states->pdata[1], ==, "stopped");
  g_assert_cmpuint (cell_leader ("persist"), ==, 0);
  g_ptr_array_unref (log.states);

  /* The cell's files outlive its processes. */
  assert_ok ("cellsctl start persist");
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec persist -- grep -q hello /root/secret"), ==, 0);
}

static void
assert_foreground (const char *expected)
{
  g_autofree char *fg = get_property ("/org/cells/Cells1", "Manager", "Foreground");
  g_autofree char *quoted = g_strdup_printf ("s \"%s\"", expected);

  g_assert_cmpstr (fg, ==, quoted);
}

#define DECLINE "busctl call org.cells.Cells1 /org/cells/Cells1 org.cells.Cells1.Manager " \
  "DeclineCall s "

static void
test_foreground (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;
  g_autofree char *fg_a = NULL, *fg_b = NULL;

  create_running_cell ("fg-a");
  create_running_cell ("fg-b");
  assert_foreground ("");
  assert_ok ("cellsctl switch fg-a");
  assert_foreground ("fg-a");
  assert_ok ("cellsctl switch fg-b");
  assert_foreground ("fg-b");
  fg_a = cell_property ("fg-a", "Foreground");
  fg_b = cell_property ("fg-b", "Foreground");
  g_assert_cmpstr (fg_a, ==, "b false");
  g_assert_cmpstr (fg_b, ==, "b true");

  assert_ok ("cellsctl switch --none");
  assert_foreground ("");
  g_assert_cmpint (run (NULL, &err, "cellsctl switch ghost"), ==, 1);
  g_assert_nonnull (strstr (err, "no cell named"));

  /* A stopped foreground cell gives the foreground back to none. */
  assert_ok ("cellsctl switch fg-b");
  assert_ok ("cellsctl stop fg-b");
  assert_foreground ("");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "cellsctl switch fg-b"), ==, 1);
  g_assert_nonnull (strstr (err, "not running"));

  /* Declining: the name is checked, and a cell with nothing ringing says so
   * (tests/telephony/ declines a ringing call). */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, DECLINE "'Bad Name'"), ==, 1);
  g_assert_nonnull (strstr (err, "The cell name must start with a lower-case letter"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, DECLINE "ghost"), ==, 1);
  g_assert_nonnull (strstr (err, "no cell named “ghost”"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, DECLINE "fg-a"), ==, 1);
  g_assert_nonnull (strstr (err, "No call is ringing in cell “fg-a”."));
}

static void
test_caller_in_cell (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;
  guint leader;

  create_running_cell ("caller");
  leader = cell_leader ("caller");
  /* The same call from the host works. */
  assert_ok ("cellsctl switch caller");

  /* Host root moved into the cell's pid, uts, ipc, net and cgroup
   * namespaces, with the bus socket in reach on purpose (the host's mount
   * namespace): refused by cellsd. */
  g_assert_cmpint (run (NULL, &err, "timeout 20 nsenter -t %u -p -u -i -n -C -- %s switch --none",
                        leader, env.cellsctl), ==, 1);
  g_assert_nonnull (strstr (err, "Requests from inside a cell are refused."));

  /* A process in another user namespace, even one whose root is host root. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err,
                        "timeout 20 unshare -U --map-root-user %s create sneaky --image busybox",
                        env.cellsctl),
                   ==, 1);
  g_assert_nonnull (strstr (err, "Requests from inside a cell are refused."));

  /* The cell's own root (host uid = the cell's base) is not let on the bus
   * at all: dbus-daemon refuses uids it cannot resolve. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "timeout 20 nsenter -t %u -U -p -- %s/cellsctl switch --none",
                        leader, env.bin_dir), ==, 1);
  g_assert_nonnull (strstr (err, "The connection is closed"));

  assert_foreground ("caller");
  g_assert_cmpint (run (NULL, NULL, "cellsctl show sneaky"), ==, 1);
}

static void
test_devices (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  create_running_cell ("devs");

  assert_ok ("cellsctl set devs device.camera=none device.modem=exclusive");
  g_assert_cmpint (run (&out, NULL, "cellsctl show devs"), ==, 0);
  g_assert_nonnull (strstr (out, "camera=none"));
  g_assert_nonnull (strstr (out, "modem=exclusive"));
  g_assert_nonnull (strstr (out, "display=exclusive"));

  g_assert_cmpint (run (NULL, &err,
                        "busctl call org.cells.Cells1 /org/cells/Cells1/cell/devs "
                        "org.cells.Cells1.Cell SetDeviceAccess ss display shared"),
                   !=, 0);
  g_assert_nonnull (strstr (err, "The display cannot be shared"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "cellsctl set devs device.camera=never"), ==, 1);
  g_assert_nonnull (strstr (err, "give none, shared or exclusive"));

  assert_ok ("busctl call org.cells.Cells1 /org/cells/Cells1/cell/devs org.cells.Cells1.Cell "
             "SetDeviceAccess ss microphone none");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL,
                        "busctl get-property org.cells.Cells1 /org/cells/Cells1/cell/devs "
                        "org.cells.Cells1.Cell Devices"),
                   ==, 0);
  g_assert_nonnull (strstr (out, "\"microphone\" \"none\""));
  g_assert_nonnull (strstr (out, "\"camera\" \"none\""));
}

/* A libseat client outside the cells, at @sock, as @uid. */
static SeatDriver *
seat_client_start_at (const char *sock, guint uid)
{
  g_autofree char *client = g_build_filename (env.bin_dir, "seat-client", NULL);
  g_autofree char *uid_arg = g_strdup_printf ("--reuid=%u", uid);
  g_autofree char *gid_arg = g_strdup_printf ("--regid=%u", uid);
  g_autofree char *sock_env = g_strdup_printf ("SEATD_SOCK=%s", sock);
  const char *argv[] = { "setpriv", uid_arg, gid_arg, "--clear-groups", "env", sock_env,
                         "LIBSEAT_BACKEND=seatd", client, NULL };

  return seat_driver_spawn (argv);
}

/* The client inside the cell, as the cell's root, finding /run/seatd.sock
 * by itself; its pid in the cell in *@pid, if asked for. */
static SeatDriver *
seat_client_start (const char *cell, guint *pid)
{
  const char *argv[] = { env.cellsctl,
                         "exec",
                         cell,
                         "--",
                         "sh",
                         "-c",
                         "echo $$; exec env LIBSEAT_BACKEND=seatd /usr/local/bin/seat-client",
                         NULL };
  SeatDriver *c = seat_driver_spawn (argv);
  g_autofree char *line = seat_driver_line (c);

  g_assert_nonnull (line);
  if (pid != NULL)
    *pid = atoi (line);
  return c;
}

static void
seat_client_expect (SeatDriver *c, const char *expected)
{
  g_autofree char *line = seat_driver_line (c);

  g_assert_cmpstr (line, ==, expected);
}

static gboolean
seat_clients_are (const char *cell, const char *expected)
{
  g_autofree char *v = cell_property (cell, "SeatClients");

  return g_str_equal (v, expected);
}

static gboolean
has_no_clients (gpointer cell)
{
  return seat_clients_are (cell, "u 0");
}

static gboolean
has_one_client (gpointer cell)
{
  return seat_clients_are (cell, "u 1");
}

static gboolean
seat_clients_are_15 (gpointer cell)
{
  return seat_clients_are (cell, "u 15");
}

/* FALSE, with the test skipped (failed in CI), when there is no client. */
static gboolean
have_seat_client (void)
{
  g_autofree char *client = g_build_filename (env.bin_dir, "seat-client", NULL);

  if (g_file_test (client, G_FILE_TEST_IS_EXECUTABLE))
    return TRUE;
  if (g_getenv ("CI") != NULL)
    g_test_fail_printf ("tests/seat-client was not built (libseat-dev missing)");
  else
    g_test_skip ("tests/seat-client was not built (libseat-dev missing)");
  return FALSE;
}

/* Nothing comes within 300 ms. */
static void
raw_silent (int fd)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };

  g_assert_cmpint (poll (&pfd, 1, 300), ==, 0);
}

static void
test_seat (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *duration = NULL, *line = NULL, *clients = NULL;
  g_autofree char *switcher_sock = g_build_filename (env.dir, "switcher", "seatd.sock", NULL);
  g_autofree char *sock =
      g_build_filename (env.state_dir, "cells", "seat-a", "seat", "seatd.sock", NULL);
  SeatDriver *c, *stranger, *switcher;

  if (!have_seat_client ())
    return;
  create_running_cell ("seat-a");

  /* Inside the cell, /run/seatd.sock leads to the cell's own socket, on a
   * /run that is a tmpfs already (an init mounting one would hide it). */
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec seat-a -- test -S /run/seatd.sock"), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec seat-a -- grep -q ' /run tmpfs ' /proc/mounts"),
                   ==, 0);

  assert_ok ("cellsctl switch --none");

  /* The cell's root opens the seat while the cell is in the background:
   * libseat_open_seat waits (a compositor started now would give up after
   * 10 s of an open seat that is not enabled)… */
  c = seat_client_start ("seat-a", NULL);
  g_assert_true (wait_for (has_one_client, "seat-a"));
  g_assert_cmpuint (c->pending->len, ==, 0);
  raw_silent (c->out_fd);

  /* …until the cell is in the foreground: opened and enabled; only DRM
   * and evdev nodes are served. */
  assert_ok ("cellsctl switch seat-a");
  seat_client_expect (c, "seat seat0");
  seat_client_expect (c, "enabled");
  seat_driver_say (c, "open /dev/null");
  seat_client_expect (c, "error ENOENT");
  seat_driver_say (c, "open /dev/null");
  seat_client_expect (c, "error ENOENT");
  seat_driver_say (c, "open /etc/passwd");
  seat_client_expect (c, "error ENOENT");

  /* A cell cannot switch by itself (libseat 0.7 expects no answer). */
  seat_driver_say (c, "switch 2");
  seat_client_expect (c, "switch ok");
  assert_foreground ("seat-a");

  /* Background again: disabled, and the switch was timed. */
  assert_ok ("cellsctl switch --none");
  seat_client_expect (c, "disabled");
  duration = get_property ("/org/cells/Cells1", "Manager", "LastSwitchDuration");
  g_assert_true (g_str_has_prefix (duration, "t "));
  g_assert_cmpuint (g_ascii_strtoull (duration + 2, NULL, 10), >, 0);

  /* A process that is not one of the cell's is turned away. */
  stranger = seat_client_start_at (sock, 65534);
  line = seat_driver_line (stranger);
  g_assert_true (g_str_has_prefix (line, "open-seat "));
  seat_driver_free (stranger);

  seat_driver_say (c, "quit");
  g_assert_true (wait_for (has_no_clients, "seat-a"));
  seat_driver_free (c);

  /* seat-open=at-once: answered in the background, as seatd does, not enabled. */
  assert_ok ("cellsctl set seat-a seat-open=at-once");
  c = seat_client_start ("seat-a", NULL);
  seat_client_expect (c, "seat seat0");
  g_assert_true (seat_clients_are ("seat-a", "u 1"));
  assert_ok ("cellsctl switch seat-a");
  seat_client_expect (c, "enabled");
  assert_ok ("cellsctl switch --none");
  seat_client_expect (c, "disabled");
  seat_driver_free (c);
  assert_ok ("cellsctl set seat-a seat-open=foreground");

  /* The switcher's seat, in the root namespace: enabled while no cell is
   * in the foreground; root only. */
  switcher = seat_client_start_at (switcher_sock, 0);
  seat_client_expect (switcher, "seat seat0");
  seat_client_expect (switcher, "enabled");
  clients = get_property ("/org/cells/Cells1", "Manager", "SwitcherSeatClients");
  g_assert_cmpstr (clients, ==, "u 1");
  assert_ok ("cellsctl switch seat-a");
  seat_client_expect (switcher, "disabled");
  assert_ok ("cellsctl switch --none");
  seat_client_expect (switcher, "enabled");
  seat_driver_free (switcher);
  stranger = seat_client_start_at (switcher_sock, 1000);
  g_free (line);
  line = seat_driver_line (stranger);
  g_assert_true (g_str_has_prefix (line, "open-seat "));
  seat_driver_free (stranger);
}

/* The seatd protocol byte by byte, for what Debian's libseat 0.7 cannot show. */

static int
raw_connect (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_strlcpy (addr.sun_path, path, sizeof addr.sun_path);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  return fd;
}

static void
raw_send (int fd, guint16 opcode, const void *body, guint16 size)
{
  guint8 buf[64];

  memcpy (buf, &opcode, 2);
  memcpy (buf + 2, &size, 2);
  if (size > 0)
    memcpy (buf + 4, body, size);
  g_assert_cmpint (write (fd, buf, 4 + size), ==, 4 + size);
}

/* The opcode of the next message (its int body in *value), 0 on silence. */
static guint16
raw_next (int fd, gint32 *value)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  guint16 head[2];
  guint8 body[256];

  /* Silence or the end of the connection. */
  if (poll (&pfd, 1, 2000) <= 0 || recv (fd, head, 4, MSG_WAITALL) != 4)
    return 0;
  if (head[1] > 0)
    g_assert_cmpint (recv (fd, body, head[1], MSG_WAITALL), ==, head[1]);
  if (value != NULL && head[1] == 4)
    memcpy (value, body, 4);
  return head[0];
}

static void
test_seat_dialects (Fixture *f, gconstpointer data)
{
  g_autofree char *new_sock =
      g_build_filename (env.state_dir, "cells", "dialect-new", "seat", "seatd.sock", NULL);
  g_autofree char *old_sock =
      g_build_filename (env.state_dir, "cells", "dialect-old", "seat", "seatd.sock", NULL);
  g_autofree char *dialect = NULL;
  gint32 value = 0, session = 2;
  int fd;

  create_cell ("dialect-new");
  create_running_cell ("dialect-old");
  dialect = cell_property ("dialect-old", "SeatDialect");
  g_assert_cmpstr (dialect, ==, "s \"0.7\"");

  /* libseat 0.9 and later: disable-seat and switch-session are answered. */
  assert_ok ("cellsctl set dialect-new seat-dialect=0.9");
  g_clear_pointer (&dialect, g_free);
  dialect = cell_property ("dialect-new", "SeatDialect");
  g_assert_cmpstr (dialect, ==, "s \"0.9\"");
  assert_ok ("cellsctl start dialect-new");
  fd = raw_connect (new_sock);
  raw_send (fd, 1, NULL, 0);                       /* open seat */
  raw_silent (fd);                                 /* answered in the foreground */
  assert_ok ("cellsctl switch dialect-new");
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8001); /* seat opened */
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8006); /* enable seat */
  assert_ok ("cellsctl switch --none");
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8005); /* disable seat */
  raw_send (fd, 5, NULL, 0);                       /* acknowledged */
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8009); /* seat disabled */
  raw_send (fd, 6, &session, 4);                   /* switch session */
  g_assert_cmphex (raw_next (fd, &value), ==, 0xffff);
  g_assert_cmpint (value, ==, EPERM);
  raw_send (fd, 7, NULL, 0);
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8007); /* pong */
  raw_send (fd, 2, NULL, 0);
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8002); /* seat closed */
  close (fd);

  /* libseat 0.7 and 0.8: no answers to those two, or the client jams. */
  fd = raw_connect (old_sock);
  raw_send (fd, 1, NULL, 0);
  raw_silent (fd);
  assert_ok ("cellsctl switch dialect-old");
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8001);
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8006);
  assert_ok ("cellsctl switch --none");
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8005);
  raw_send (fd, 5, NULL, 0);
  raw_send (fd, 6, &session, 4);
  raw_send (fd, 7, NULL, 0);
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8007); /* only the pong */
  /* A malformed message ends the connection. */
  raw_send (fd, 3, "\x40\x00", 2);
  g_assert_cmphex (raw_next (fd, NULL), ==, 0);
  close (fd);
}

/* As seatd does: a client switched away and back before it acknowledged
 * disable-seat is enabled once it has. */
/* The CPU time @pid used over the next second, in clock ticks. */
static guint64
cpu_ticks (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  guint64 ticks[2];

  for (int i = 0; i < 2; i++) {
    g_autofree char *stat = NULL;
    g_auto(GStrv) fields = NULL;

    if (i == 1)
      g_usleep (G_USEC_PER_SEC);
    g_assert_true (g_file_get_contents (path, &stat, NULL, NULL));
    fields = g_strsplit (strrchr (stat, ')') + 2, " ", -1);
    ticks[i] = g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
  }
  return ticks[1] - ticks[0];
}

static void
test_seat_enable_after_ack (Fixture *f, gconstpointer data)
{
  g_autofree char *sock =
      g_build_filename (env.state_dir, "cells", "ack-first", "seat", "seatd.sock", NULL);
  g_autofree char *clients = NULL, *fds = NULL;
  struct rlimit limit, old_limit;
  struct pollfd pfd;
  int fd, many[17], pid, open_fds = 0;
  GDir *dir;

  g_autoptr(CellsDBusManager) m = manager_proxy ();
  g_autoptr(GError) error = NULL;

  create_cell ("ack-first");
  assert_ok ("cellsctl set ack-first seat-dialect=0.9");
  assert_ok ("cellsctl start ack-first");
  fd = raw_connect (sock);
  assert_ok ("cellsctl switch ack-first");
  raw_send (fd, 1, NULL, 0);                         /* open seat */
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8001);   /* seat opened */
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8006);   /* enable seat, in the foreground */
  assert_ok ("cellsctl switch --none");
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8005);   /* disable seat */

  /* Back in the foreground, not acknowledged yet: no enable. Switched by
   * D-Bus directly: a cellsctl started under emulation on a loaded machine
   * can take longer than the seat's 1 s for an acknowledgement. */
  g_assert_true (cells_dbus_manager_call_switch_to_sync (m, "ack-first", NULL, &error));
  g_assert_no_error (error);
  pfd = (struct pollfd) { .fd = fd, .events = POLLIN };
  g_assert_cmpint (poll (&pfd, 1, 300), ==, 0);
  raw_send (fd, 5, NULL, 0);                         /* acknowledged */
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8009);   /* seat disabled */
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8006);   /* and enabled again */

  /* Away, back and away again before the acknowledgement: it stays
   * disabled, with no second disable-seat. */
  assert_ok ("cellsctl switch --none");
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8005);
  g_assert_true (cells_dbus_manager_call_switch_to_sync (m, "ack-first", NULL, &error));
  g_assert_true (cells_dbus_manager_call_switch_to_sync (m, "", NULL, &error));
  g_assert_no_error (error);
  raw_send (fd, 5, NULL, 0);
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8009);
  raw_send (fd, 7, NULL, 0);                         /* ping */
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8007);   /* pong, and nothing before it */
  close (fd);

  /* A seat serves 16 clients at most: the 17th is let go at once (a
   * cell's root opening thousands would leave cellsd without fds). */
  for (guint i = 0; i < G_N_ELEMENTS (many); i++) {
    many[i] = raw_connect (sock);
    if (i < 16)
      raw_send (many[i], 7, NULL, 0);
    g_assert_cmphex (raw_next (many[i], NULL), ==, i < 16 ? 0x8007 : 0);
  }
  clients = cell_property ("ack-first", "SeatClients");
  g_assert_cmpstr (clients, ==, "u 16");
  close (many[0]);
  g_assert_true (wait_for (seat_clients_are_15, "ack-first"));
  fd = raw_connect (sock);
  raw_send (fd, 7, NULL, 0);
  g_assert_cmphex (raw_next (fd, NULL), ==, 0x8007);
  close (fd);
  for (guint i = 1; i < G_N_ELEMENTS (many); i++)
    close (many[i]);

  /* cellsd out of fds: the seat pauses instead of spinning on the queued
   * connection, and serves again once it has some. */
  pid = cellsd_pid ();
  g_free (fds);
  fds = g_strdup_printf ("/proc/%d/fd", pid);
  dir = g_dir_open (fds, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    open_fds++;
  g_dir_close (dir);
  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, NULL, &old_limit), ==, 0);
  limit = (struct rlimit) { open_fds, old_limit.rlim_max };
  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, &limit, NULL), ==, 0);
  /* Enough to fill what lower fd numbers are free. */
  for (guint i = 0; i < 8; i++)
    many[i] = raw_connect (sock);
  g_usleep (500 * 1000);
  g_assert_cmpuint (cpu_ticks (pid), <, 50);
  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, &old_limit, NULL), ==, 0);
  raw_send (many[7], 7, NULL, 0);
  g_assert_cmphex (raw_next (many[7], NULL), ==, 0x8007);
  for (guint i = 0; i < 8; i++)
    close (many[i]);
  assert_ok ("cellsctl stop ack-first");
}

/* Device tier (in qemu, with a real KMS card and uinput) */

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static char *
create_input (int *out_fd, guint16 key)
{
  struct uinput_setup setup = { .id = { .bustype = BUS_USB, .vendor = 1, .product = key } };
  char sysname[64] = "";
  g_autofree char *dir = NULL;
  g_autoptr(GDir) d = NULL;
  const char *entry;
  int fd = open ("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ioctl (fd, UI_SET_EVBIT, EV_KEY), ==, 0);
  g_assert_cmpint (ioctl (fd, UI_SET_KEYBIT, key), ==, 0);
  g_snprintf (setup.name, sizeof setup.name, "cells test input %u", key);
  g_assert_cmpint (ioctl (fd, UI_DEV_SETUP, &setup), ==, 0);
  g_assert_cmpint (ioctl (fd, UI_DEV_CREATE), ==, 0);
  g_assert_cmpint (ioctl (fd, UI_GET_SYSNAME (sizeof sysname), sysname), >=, 0);
  dir = g_strdup_printf ("/sys/devices/virtual/input/%s", sysname);
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((entry = g_dir_read_name (d)) != NULL) {
    if (g_str_has_prefix (entry, "event")) {
      char *node = g_strdup_printf ("/dev/input/%s", entry);

      g_assert_true (wait_for (file_exists, node));
      *out_fd = fd;
      return node;
    }
  }
  g_error ("uinput made no event device");
}

/* A keyboard as udev classifies one: the first 31 keys and more. */
static int
create_keyboard (char **out_sysname)
{
  struct uinput_setup setup = { .id = { .bustype = BUS_USB, .vendor = 1, .product = 2 } };
  char sysname[64] = "";
  int fd = open ("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ioctl (fd, UI_SET_EVBIT, EV_KEY), ==, 0);
  for (int k = KEY_ESC; k <= KEY_Z; k++)
    g_assert_cmpint (ioctl (fd, UI_SET_KEYBIT, k), ==, 0);
  g_strlcpy (setup.name, "cells test keyboard", sizeof setup.name);
  g_assert_cmpint (ioctl (fd, UI_DEV_SETUP, &setup), ==, 0);
  g_assert_cmpint (ioctl (fd, UI_DEV_CREATE), ==, 0);
  g_assert_cmpint (ioctl (fd, UI_GET_SYSNAME (sizeof sysname), sysname), >=, 0);
  *out_sysname = g_strdup (sysname);
  return fd;
}

/* The event node's name of the uinput device @sysname (input%d). */
static char *
event_of (const char *sysname)
{
  g_autofree char *dir = g_strdup_printf ("/sys/devices/virtual/input/%s", sysname);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (d != NULL && (entry = g_dir_read_name (d)) != NULL) {
    if (g_str_has_prefix (entry, "event"))
      return g_strdup (entry);
  }
  g_error ("%s has no event device", sysname);
}

/* The next line of @probe starts with @expected. */
static void
probe_expect (SeatDriver *probe, const char *expected)
{
  g_autofree char *line = seat_driver_line (probe);

  g_test_message ("udev-probe: %s", line ? line : "(nothing)");
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, expected));
}

/* What libudev in a cell finds: the cards and input devices its rights
 * allow, initialized and with udev's properties; events as they come and
 * go; nothing of what it may not use. */
static void
test_udev_view (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *sysname = NULL, *event = NULL, *add = NULL, *listed = NULL;
  const char *argv[] = { env.cellsctl, "exec", "udev-a", "--", "udev-probe", "monitor", "20",
                         NULL };
  SeatDriver *probe;
  int kbd = create_keyboard (&sysname);

  event = event_of (sysname);
  create_running_cell ("udev-a");
  create_cell ("udev-none");
  assert_ok ("cellsctl set udev-none device.display=none device.input=none");
  assert_ok ("cellsctl start udev-none");

  g_assert_cmpint (run (&out, NULL, "cellsctl exec udev-a -- udev-probe list"), ==, 0);
  g_test_message ("udev-a sees:\n%s", out);
  g_assert_nonnull (strstr (out, "initialized drm card0"));
  listed = g_strdup_printf ("initialized input %s ID_INPUT=1 ID_INPUT_KEYBOARD=1 ID_INPUT_KEY=1 "
                            "tag:seat\n", event);
  g_assert_nonnull (strstr (out, listed));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "cellsctl exec udev-none -- udev-probe list"), ==, 0);
  g_test_message ("udev-none sees:\n%s", out);
  g_assert_false (g_str_has_prefix (out, "initialized"));
  g_assert_null (strstr (out, "\ninitialized"));
  g_assert_nonnull (strstr (out, "uninitialized drm card0"));
  /* The card's name in /dev/dri, as libdrm looks for it: an empty file the
   * cell cannot change; none where the display right is not given. */
  assert_ok ("cellsctl exec udev-a -- test -f /dev/dri/card0 -a ! -s /dev/dri/card0");
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec udev-a -- sh -c ': > /dev/dri/card0'"), !=, 0);
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec udev-a -- touch /dev/dri/card1"), !=, 0);
  assert_ok ("cellsctl exec udev-none -- test -d /dev/dri -a ! -e /dev/dri/card0");

  /* Hotplug: the keyboard goes, another comes, and goes, while it runs. */
  probe = seat_driver_spawn (argv);
  probe_expect (probe, "ready");
  close (kbd);
  probe_expect (probe, "remove input event");
  kbd = create_keyboard (&sysname);
  g_free (event);
  event = event_of (sysname);
  add = g_strdup_printf ("add input %s ID_INPUT=1 ID_INPUT_KEYBOARD=1", event);
  probe_expect (probe, add);
  close (kbd);
  probe_expect (probe, "remove input event");
  seat_driver_free (probe);

  /* A right taken while it runs: those devices leave the view. */
  kbd = create_keyboard (&sysname);
  assert_ok ("cellsctl set udev-a device.input=none");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "cellsctl exec udev-a -- udev-probe list"), ==, 0);
  g_assert_false (g_str_has_prefix (out, "initialized input"));
  g_assert_null (strstr (out, "\ninitialized input"));
  g_assert_nonnull (strstr (out, "initialized drm card0"));
  close (kbd);
  assert_ok ("cellsctl set udev-a device.display=none");
  assert_ok ("cellsctl exec udev-a -- test ! -e /dev/dri/card0");
  assert_ok ("cellsctl set udev-a device.display=exclusive");
  assert_ok ("cellsctl exec udev-a -- test -f /dev/dri/card0");
  /* What every Linux system has, and libudev checks for. */
  assert_ok ("cellsctl exec udev-a -- test -d /dev/shm -a -e /run/udev/control");
  assert_ok ("cellsctl stop udev-none");
}

static void
key_event (int fd, guint16 key, int value)
{
  struct input_event ev[2] = {
    { .type = EV_KEY, .code = key, .value = value }, { .type = EV_SYN, .code = SYN_REPORT },
  };

  g_assert_cmpint (write (fd, ev, sizeof ev), ==, sizeof ev);
  g_usleep (50 * 1000);
}

static void
press_key (int fd)
{
  key_event (fd, KEY_A, 1);
  key_event (fd, KEY_A, 0);
}

static void
say_expect (SeatDriver *c, const char *command, const char *expected)
{
  seat_driver_say (c, command);
  seat_client_expect (c, expected);
}

static void
test_device_handover (Fixture *f, gconstpointer data)
{
  g_autofree char *keyboard = NULL, *open_key = NULL, *duration = NULL;
  g_autofree char *power_node = NULL, *volume_node = NULL, *held = NULL;
  g_autofree char *switcher_sock = g_build_filename (env.dir, "switcher", "seatd.sock", NULL);
  g_autofree char *devns = get_property ("/org/cells/Cells1", "Manager", "KernelDeviceNamespaces");
  gboolean kernel_devns = g_str_equal (devns, "b true");
  SeatDriver *a, *b, *switcher;
  int kbd, power, volume;
  guint b_pid;

  if (!have_seat_client ())
    return;

  g_test_message ("kernel device namespaces: %s", kernel_devns ? "used" : "no");
  g_assert_cmpstr (devns, ==,
                   g_file_test ("/sys/kernel/dev_ns", G_FILE_TEST_EXISTS) ? "b true" : "b false");
  keyboard = create_input (&kbd, KEY_A);
  open_key = g_strdup_printf ("open %s", keyboard);
  /* hand-a may not use the microphone, to begin with. */
  create_cell ("hand-a");
  assert_ok ("cellsctl set hand-a device.microphone=none");
  assert_ok ("cellsctl start hand-a");
  create_running_cell ("hand-b");
  assert_ok ("cellsctl switch hand-a");

  a = seat_client_start ("hand-a", NULL);
  /* hand-b uses the seat in the background too (its microphone, below). */
  assert_ok ("cellsctl set hand-b seat-open=at-once");
  b = seat_client_start ("hand-b", &b_pid);
  seat_client_expect (a, "seat seat0");
  seat_client_expect (a, "enabled");
  seat_client_expect (b, "seat seat0");

  /* hand-a is in the foreground: it gets the card as master, and the keys. */
  say_expect (a, "open /dev/dri/card0", "opened 1");
  say_expect (a, "modeset 1", "modeset ok");
  say_expect (b, "open /dev/dri/card0", "error EPERM");
  say_expect (a, open_key, "opened 2");
  press_key (kbd);
  say_expect (a, "read 2", "read ok");

  /* Switch: hand-a loses master and its keys, hand-b gets them. */
  assert_ok ("cellsctl switch hand-b");
  seat_client_expect (a, "disabled");
  seat_client_expect (b, "enabled");
  duration = get_property ("/org/cells/Cells1", "Manager", "LastSwitchDuration");
  g_test_message ("switch with a DRM card and a keyboard held: %s µs", duration + 2);
  say_expect (b, "open /dev/dri/card0", "opened 1");
  say_expect (b, "modeset 1", "modeset ok");
  say_expect (a, "modeset 1", "modeset EACCES");
  say_expect (b, open_key, "opened 2");
  press_key (kbd);
  say_expect (b, "read 2", "read ok");
  /* With device namespaces hand-a's keyboard stays open but silent; without,
   * it is revoked. */
  say_expect (a, "read 2", kernel_devns ? "read none" : "read ENODEV");

  /* A cell without the display right never gets the card. */
  assert_ok ("cellsctl set hand-a device.display=none");
  assert_ok ("cellsctl switch hand-a");
  seat_client_expect (b, "disabled");
  seat_client_expect (a, "enabled");
  say_expect (a, "open /dev/dri/card0", "error EACCES");
  if (kernel_devns) {
    /* Back in front, the same fd gets keys again: nothing to reopen. */
    press_key (kbd);
    say_expect (a, "read 2", "read ok");
    say_expect (b, "read 2", "read none");
  }
  say_expect (a, open_key, "opened 3");
  assert_ok ("cellsctl set hand-a device.display=exclusive");

  /* The chord, power on one device and volume-up on another as on a
   * PinePhone, brings up the switcher whichever cell is in front. */
  power_node = create_input (&power, KEY_POWER);
  volume_node = create_input (&volume, KEY_VOLUMEUP);
  g_usleep (300 * 1000);
  assert_foreground ("hand-a");
  /* The switcher's seat, opened while a cell is in front, is answered
   * when the switcher comes up. */
  switcher = seat_client_start_at (switcher_sock, 0);
  g_assert_cmpuint (switcher->pending->len, ==, 0);
  raw_silent (switcher->out_fd);
  key_event (power, KEY_POWER, 1);
  key_event (volume, KEY_VOLUMEUP, 1);
  key_event (volume, KEY_VOLUMEUP, 0);
  key_event (power, KEY_POWER, 0);
  seat_client_expect (a, "disabled");
  seat_client_expect (switcher, "seat seat0");
  seat_client_expect (switcher, "enabled");
  assert_foreground ("");
  /* One key alone does nothing. */
  assert_ok ("cellsctl switch hand-b");
  seat_client_expect (switcher, "disabled");
  seat_client_expect (b, "enabled");
  key_event (power, KEY_POWER, 1);
  key_event (power, KEY_POWER, 0);
  assert_foreground ("hand-b");
  /* And from this cell too. */
  key_event (volume, KEY_VOLUMEUP, 1);
  key_event (power, KEY_POWER, 1);
  key_event (power, KEY_POWER, 0);
  key_event (volume, KEY_VOLUMEUP, 0);
  seat_client_expect (b, "disabled");
  assert_foreground ("");
  seat_client_expect (switcher, "enabled");
  assert_ok ("cellsctl switch hand-b");
  seat_client_expect (b, "enabled");
  seat_driver_free (switcher);
  close (power);
  close (volume);

  /* Other classes do not follow the foreground: the microphone is
   * exclusive (one cell at a time), audio output shared. */
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec hand-a -- test -e /dev/snd"), ==, 1);
  say_expect (a, "open /dev/snd/pcmC0D0c", "error EACCES");   /* none, as set above */
  assert_ok ("cellsctl set hand-a device.microphone=exclusive");
  say_expect (a, "open /dev/snd/pcmC0D0c", "opened 4");
  say_expect (b, "open /dev/snd/pcmC0D0c", "error EBUSY");
  say_expect (a, "open /dev/snd/pcmC0D0p", "opened 5");
  say_expect (b, "open /dev/snd/pcmC0D0p", "opened 3");
  assert_ok ("cellsctl set hand-b device.camera=none");
  say_expect (b, "open /dev/video0", "error EACCES");
  held = cell_property ("hand-a", "HeldDevices");
  g_assert_nonnull (strstr (held, "\"/dev/snd/pcmC0D0c\""));
  say_expect (a, "close 4", "closed");
  say_expect (b, "open /dev/snd/pcmC0D0c", "opened 4");
  say_expect (a, "open /dev/snd/pcmC0D0c", "error EBUSY");

  /* A client that dies frees what it held. */
  assert_ok ("cellsctl exec hand-b -- kill -9 %u", b_pid);
  g_assert_true (wait_for (has_no_clients, "hand-b"));
  say_expect (a, "open /dev/snd/pcmC0D0c", "opened 6");
  seat_driver_free (b);
  seat_driver_free (a);
  g_assert_true (wait_for (has_no_clients, "hand-a"));
  close (kbd);
}

static gboolean
cell_is_stopped (gpointer name)
{
  g_autofree char *state = cell_property (name, "State");

  return g_str_equal (state, "s \"stopped\"");
}

static void
test_init_exits (Fixture *f, gconstpointer data)
{
  /* The cell ends on its own: seen at once, foreground handed back. */
  create_running_cell ("ends");
  assert_ok ("cellsctl switch ends");
  run (NULL, NULL, "cellsctl exec ends -- kill -TERM 1");
  g_assert_true (wait_for (cell_is_stopped, "ends"));
  assert_foreground ("");
  g_assert_cmpuint (cell_leader ("ends"), ==, 0);
}

static void
test_crash_and_adopt (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *state = NULL;
  guint leader;

  create_running_cell ("adopt");
  assert_ok ("cellsctl set adopt device.camera=none");
  assert_ok ("cellsctl exec adopt -- sh -c 'echo hello > /root/secret'");
  leader = cell_leader ("adopt");

  /* SIGTERM ends cellsd, not the cells. */
  kill_cellsd (SIGTERM);
  g_assert_cmpint (kill (leader, 0), ==, 0);
  start_cellsd ("");
  g_assert_cmpuint (cell_leader ("adopt"), ==, leader);

  /* Nor does a crash. */
  kill_cellsd (SIGKILL);
  start_cellsd ("");
  state = cell_property ("adopt", "State");
  g_assert_cmpstr (state, ==, "s \"running\"");
  g_assert_cmpuint (cell_leader ("adopt"), ==, leader);
  g_assert_cmpint (run (&out, NULL, "cellsctl exec adopt -- cat /root/secret"), ==, 0);
  g_assert_cmpstr (out, ==, "hello\n");
  /* Settings made before are still there. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "cellsctl show adopt"), ==, 0);
  g_assert_nonnull (strstr (out, "camera=none"));
  /* Not started twice: still one init with the cell's command. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "pgrep -c -f '%s/cells adopt$'", env.state_dir), ==, 0);
  g_assert_cmpstr (out, ==, "1\n");
}

/* What a cellsd killed at the wrong moment leaves is cleared at its next
 * start: a half-created cell (no definition yet, an empty layer) frees
 * its name, a stopped cell's image mount goes, temporary files go; a cell
 * with data but no definition is kept for its owner. */
static void
test_crash_leftovers (Fixture *f, gconstpointer data)
{
  g_autofree char *half = g_build_filename (env.state_dir, "cells", "half", NULL);
  g_autofree char *kept = g_build_filename (env.state_dir, "cells", "kept", NULL);
  g_autofree char *lower = g_build_filename (env.state_dir, "cells", "mounted", "lower", NULL);
  g_autofree char *temp = g_build_filename (env.state_dir, "cells", "mounted", "cell.conf.Ab12Cd",
                                            NULL);
  g_autofree char *image = g_build_filename (env.state_dir, "images", "busybox", NULL);
  g_autofree char *state = NULL;

  create_cell ("mounted");
  kill_cellsd (SIGKILL);
  /* Killed 15 ms into CreateCell: the directories, a temporary definition. */
  assert_ok ("mkdir -p %s/upper %s/work %s/lower", half, half, half);
  assert_ok ("touch %s/cell.conf.Xy12Zq", half);
  /* A cell's directory with data in its layer but no definition. */
  assert_ok ("mkdir -p %s/upper/root %s/work %s/lower", kept, kept, kept);
  /* Killed during a start: the image mounted on a stopped cell. */
  assert_ok ("mount --bind %s %s", image, lower);
  assert_ok ("touch %s", temp);
  start_cellsd ("");

  g_assert_false (g_file_test (half, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_DIR));
  g_assert_false (is_mountpoint (lower));
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  state = cell_property ("mounted", "State");
  g_assert_cmpstr (state, ==, "s \"stopped\"");
  create_cell ("half");
  assert_ok ("cellsctl start mounted");
  assert_ok ("cellsctl stop mounted");
  assert_ok ("rm -rf %s", kept);
}

/* What cellsd mounts into a cell's own tree follows no symlink the cell
 * made: with its /etc/dbus-1/system.d (or /etc/dbus-1) a link to a host
 * directory its root may write, the next start makes nothing there and
 * the cell still starts; in a cell that left the path alone, the bus
 * policy is mounted read-only. */
static void
test_mount_no_symlink (Fixture *f, gconstpointer data)
{
  g_autofree char *host_dir = g_build_filename (env.dir, "host-writable", NULL);
  g_autofree char *uid = NULL, *out = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *link_dir = NULL, *link_parent = NULL;

  create_running_cell ("links");
  g_assert_cmpint (run (&out, NULL, "cellsctl exec links -- grep -c ModemManager1 "
                                    "/etc/dbus-1/system.d/org.cells.VirtualModem.conf"), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec links -- sh -c "
                                    "'echo x >/etc/dbus-1/system.d/org.cells.VirtualModem.conf'"),
                   !=, 0);
  uid = cell_property ("links", "UidBase");
  g_assert_cmpint (g_mkdir (host_dir, 0755), ==, 0);
  assert_ok ("chown %s:%s %s", uid + 2, uid + 2, host_dir);
  link_dir = g_strdup_printf ("umount /etc/dbus-1/system.d/org.cells.VirtualModem.conf; "
                              "rm -rf /etc/dbus-1/system.d; ln -s %s /etc/dbus-1/system.d",
                              host_dir);
  link_parent = g_strdup_printf ("rm -rf /etc/dbus-1; ln -s %s /etc/dbus-1", host_dir);
  for (guint i = 0; i < 2; i++) {
    g_autofree char *cmd = g_strdup_printf ("cellsctl exec links -- sh -c %s",
                                            g_shell_quote (i == 0 ? link_dir : link_parent));

    assert_ok ("%s", cmd);
    assert_ok ("cellsctl stop links");
    assert_ok ("cellsctl start links");
    dir = g_dir_open (host_dir, 0, NULL);
    g_assert_nonnull (dir);
    g_assert_null (g_dir_read_name (dir));
    g_clear_pointer (&dir, g_dir_close);
  }
  assert_ok ("cellsctl stop links");
  assert_ok ("rm -rf %s", host_dir);
}

static void
test_limits (Fixture *f, gconstpointer data)
{
  g_autofree char *memory = NULL, *pids = NULL, *frozen = NULL, *thawed = NULL, *prop = NULL;
  gboolean v2 = g_file_test ("/sys/fs/cgroup/cgroup.controllers", G_FILE_TEST_EXISTS);
  guint leader;

  create_cell ("limits");
  assert_ok ("cellsctl set limits memory-max=67108864 pids-max=50");
  assert_ok ("cellsctl start limits");
  leader = cell_leader ("limits");
  memory = cgroup_read (leader, "memory", "memory.limit_in_bytes", "memory.max");
  pids = cgroup_read (leader, "pids", "pids.max", "pids.max");
  g_assert_cmpstr (memory, ==, "67108864");
  g_assert_cmpstr (pids, ==, "50");
  /* The cell feels its task limit. */
  g_assert_cmpint (run (NULL, NULL,
                        "cellsctl exec limits -- sh -c "
                        "'for i in $(seq 60); do sleep 1 & done 2>/dev/null; wait'"),
                   !=, 0);

  assert_ok ("cellsctl freeze limits");
  prop = cell_property ("limits", "Frozen");
  g_assert_cmpstr (prop, ==, "b true");
  frozen = cgroup_read (leader, "freezer", "freezer.state", "cgroup.freeze");
  g_assert_cmpstr (frozen, ==, v2 ? "1" : "FROZEN");
  assert_ok ("cellsctl thaw limits");
  thawed = cgroup_read (leader, "freezer", "freezer.state", "cgroup.freeze");
  g_assert_cmpstr (thawed, ==, v2 ? "0" : "THAWED");
  assert_ok ("cellsctl stop limits");
  assert_ok ("cellsctl destroy limits");
}

static gboolean
squeezed (gpointer name)
{
  g_autofree char *prop = cell_property (name, "Squeezed");

  return g_str_equal (prop, "b true");
}

static gboolean
not_squeezed (gpointer name)
{
  return !squeezed (name);
}

static gboolean
memory_counted (gpointer name)
{
  g_autofree char *prop = cell_property (name, "MemoryCurrent");

  return !g_str_equal (prop, "t 0");
}

/* The cell's memory.high (v2) or soft limit (v1), once it is @want or
 * after 10 s. */
static char *
ceiling_of (guint leader, const char *want)
{
  char *high = NULL;

  for (int i = 0; i < 100; i++) {
    g_free (high);
    high = cgroup_read (leader, "memory", "memory.soft_limit_in_bytes", "memory.high");
    if (want == NULL || g_str_equal (high, want))
      break;
    g_usleep (G_USEC_PER_SEC / 10);
  }
  return high;
}

/* A cell in the background is held to its background-memory (memory.high,
 * or the v1 soft limit); in the foreground it has no ceiling. */
static void
test_background_memory (Fixture *f, gconstpointer data)
{
  gboolean v2 = g_file_test ("/sys/fs/cgroup/cgroup.controllers", G_FILE_TEST_EXISTS);
  const char *none = v2 ? "max" : NULL;
  g_autofree char *prop = NULL, *err = NULL, *high = NULL, *out = NULL;
  guint leader;

  create_cell ("squeeze");
  assert_ok ("cellsctl set squeeze background-memory=67108864");
  prop = cell_property ("squeeze", "BackgroundMemory");
  g_assert_cmpstr (prop, ==, "t 67108864");
  g_assert_cmpint (run (NULL, &err, "cellsctl set squeeze background-memory=1000"), ==, 1);
  g_assert_nonnull (strstr (err, "at least 4 MiB"));
  g_clear_pointer (&prop, g_free);
  prop = cell_property ("squeeze", "Squeezed");
  g_assert_cmpstr (prop, ==, "b false");

  /* Started, it is in the background: squeezed. */
  assert_ok ("cellsctl start squeeze");
  leader = cell_leader ("squeeze");
  g_assert_true (wait_for (squeezed, "squeeze"));
  high = ceiling_of (leader, NULL);
  g_assert_cmpstr (high, ==, "67108864");
  g_assert_true (wait_for (memory_counted, "squeeze"));
  g_assert_cmpint (run (&out, NULL, "cellsctl show squeeze"), ==, 0);
  g_assert_true (g_regex_match_simple ("MemoryCurrent: [0-9.]+\\W+[KM]iB \\([0-9]+ bytes\\)", out,
                                       0, 0));
  g_clear_pointer (&out, g_free);

  /* In the foreground it has no ceiling; back in the background it has. */
  assert_ok ("cellsctl switch squeeze");
  g_assert_true (wait_for (not_squeezed, "squeeze"));
  g_clear_pointer (&high, g_free);
  high = ceiling_of (leader, NULL);
  if (none != NULL)
    g_assert_cmpstr (high, ==, none);
  else
    g_assert_cmpuint (g_ascii_strtoull (high, NULL, 10), >, 67108864);
  assert_ok ("cellsctl switch --none");
  g_assert_true (wait_for (squeezed, "squeeze"));

  /* Changed while it runs: the new ceiling at once; 0 takes it away. */
  assert_ok ("cellsctl set squeeze background-memory=33554432");
  g_assert_true (wait_for (squeezed, "squeeze"));
  g_clear_pointer (&high, g_free);
  high = ceiling_of (leader, "33554432");
  g_assert_cmpstr (high, ==, "33554432");
  assert_ok ("cellsctl set squeeze background-memory=0");
  g_assert_true (wait_for (not_squeezed, "squeeze"));

  /* The cell's root cannot lift its ceiling. */
  assert_ok ("cellsctl set squeeze background-memory=67108864");
  g_assert_true (wait_for (squeezed, "squeeze"));
  run (&out, NULL, "cellsctl exec squeeze -- sh -c 'for f in /sys/fs/cgroup/memory.high "
                   "/sys/fs/cgroup/memory/memory.soft_limit_in_bytes; do "
                   "[ -e $f ] && echo max > $f && echo -1 > $f && echo lifted; done'");
  g_assert_null (strstr (out ? out : "", "lifted"));
  g_clear_pointer (&high, g_free);
  high = ceiling_of (leader, NULL);
  g_assert_cmpstr (high, ==, "67108864");

  assert_ok ("cellsctl stop squeeze");
  g_clear_pointer (&prop, g_free);
  prop = cell_property ("squeeze", "MemoryCurrent");
  g_assert_cmpstr (prop, ==, "t 0");
  g_clear_pointer (&prop, g_free);
  prop = cell_property ("squeeze", "Squeezed");
  g_assert_cmpstr (prop, ==, "b false");
  assert_ok ("cellsctl destroy squeeze");
}

static gboolean
no_cgroups_of (gpointer name)
{
  return count_cgroups (name) == 0;
}

static char *
cellsd_cgroups (void)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cgroup", cellsd_pid ());
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* cellsd stays in its own cgroup whatever it starts, and a cell that
 * stopped leaves no cgroup behind. */
static void
test_cgroups (Fixture *f, gconstpointer data)
{
  g_autofree char *before = cellsd_cgroups ();

  create_cell ("cg-cycle");
  for (guint i = 0; i < 20; i++) {
    g_autofree char *during = NULL;

    assert_ok ("cellsctl start cg-cycle");
    during = cellsd_cgroups ();
    g_assert_cmpstr (during, ==, before);
    g_assert_cmpuint (count_cgroups ("cg-cycle"), >, 0);
    assert_ok ("cellsctl stop cg-cycle");
  }
  g_assert_true (wait_for (no_cgroups_of, "cg-cycle"));
  assert_ok ("cellsctl destroy cg-cycle");
}

/* What `cellsctl exec` runs in a cell gets nothing of the host's: no
 * descriptor the caller left open, no controlling terminal of the host's
 * (so no TIOCSTI into the caller's shell); on a terminal, a terminal of
 * the cell's. */
static void
test_exec_safety (Fixture *f, gconstpointer data)
{
  g_autofree char *fds = NULL, *tty = NULL, *script = NULL;
  g_autofree char *cmd = NULL, *quoted = NULL;

  create_running_cell ("exec-a");
  g_assert_cmpint (run (&fds, NULL, "sh -c 'exec 9</etc 8>/dev/null; %s exec exec-a -- sh -c "
                                    "\"ls /proc/\\$\\$/fd; "
                                    "cut -d\\\" \\\" -f7 /proc/\\$\\$/stat\"'",
                       env.cellsctl), ==, 0);
  /* Only 0, 1 and 2; and tty_nr 0: no controlling terminal at all. (No
   * pipeline in that shell: while it sets one up, it holds the pipe.) */
  g_assert_cmpstr (fds, ==, "0\n1\n2\n0\n");

  script = g_find_program_in_path ("script");
  if (!session_has (script != NULL, "script (util-linux)"))
    return;
  /* Run from a terminal: the command's stdin is a terminal of the cell's
   * own devpts (the path it reads in the cell is that very file). */
  cmd = g_strdup_printf ("%s exec exec-a -- sh -c 't=$(readlink /proc/$$/fd/0); "
                         "[ \"$t\" -ef /proc/$$/fd/0 ] && echo own $t'", env.cellsctl);
  quoted = g_shell_quote (cmd);
  g_assert_cmpint (run (&tty, NULL, "script -qec %s /dev/null", quoted), ==, 0);
  g_assert_true (g_str_has_prefix (tty, "own /dev/pts/"));
}

/* The cell's root watches for every new process in the cell and tries to
 * trace it and take its descriptors (the ambush of `cellsctl exec`): it
 * gets none of cellsctl's, not its bus connection, not a host file. */
static void
test_exec_ambush (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;

  create_running_cell ("exec-b");
  assert_ok ("cellsctl exec exec-b -- sh -c '/usr/local/bin/ambush 8 >/tmp/ambush.out 2>&1 &'");
  for (guint i = 0; i < 30; i++)
    assert_ok ("cellsctl exec exec-b -- /bin/true");
  for (guint i = 0; i < 100; i++) {
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run (&out, NULL, "cellsctl exec exec-b -- cat /tmp/ambush.out"), ==, 0);
    if (strstr (out, "seized") != NULL)
      break;
    g_usleep (100 * 1000);
  }
  g_assert_nonnull (strstr (out, "seized"));
  if (strstr (out, "took 0\n") == NULL)
    g_error ("a cell took descriptors of cellsctl exec:\n%s", out);
}

/* A cell runs under its seccomp policy: the keyrings answer ENOSYS and
 * adjtimex, which anyone may call to read the clock's state, EPERM; with
 * seccomp=none, for images that need more, adjtimex works. */
static void
test_seccomp (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *status = NULL;

  create_running_cell ("filtered");
  g_assert_cmpint (run (&out, NULL, "cellsctl exec filtered -- /usr/local/bin/syscalls"), ==, 0);
  g_assert_nonnull (strstr (out, "add_key 38\n"));
  g_assert_nonnull (strstr (out, "keyctl 38\n"));
  g_assert_nonnull (strstr (out, "adjtimex 1\n"));
  g_assert_nonnull (strstr (out, "getpid 0\n"));
  g_assert_cmpint (run (&status, NULL, "cellsctl exec filtered -- grep Seccomp: /proc/1/status"),
                   ==, 0);
  g_assert_cmpstr (status, ==, "Seccomp:\t2\n");

  assert_ok ("cellsctl stop filtered");
  assert_ok ("cellsctl set filtered seccomp=none");
  assert_ok ("cellsctl start filtered");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "cellsctl exec filtered -- /usr/local/bin/syscalls"), ==, 0);
  g_assert_nonnull (strstr (out, "adjtimex 0\n"));
  g_assert_cmpint (run (NULL, NULL, "cellsctl set filtered seccomp=lax"), ==, 1);
  assert_ok ("cellsctl stop filtered");
}

static ino_t
inode_of (const char *path)
{
  struct stat st;

  g_assert_cmpint (lstat (path, &st), ==, 0);
  return st.st_ino;
}

static void
test_replace (Fixture *f, gconstpointer data)
{
  g_autofree char *switcher = g_build_filename (env.dir, "switcher", "seatd.sock", NULL);
  g_autofree char *log = g_build_filename (env.dir, "cellsd.log", NULL);
  g_autofree char *seat = NULL, *view = NULL, *err = NULL, *text = NULL;
  int old = cellsd_pid (), status;
  ino_t switcher_ino, seat_ino, view_ino;
  guint leader;

  create_running_cell ("replace");
  leader = cell_leader ("replace");
  seat = g_build_filename (env.state_dir, "cells", "replace", "seat", "seatd.sock", NULL);
  view = g_build_filename (env.state_dir, "cells", "replace", "udev", "data", NULL);
  switcher_ino = inode_of (switcher);
  seat_ino = inode_of (seat);
  view_ino = inode_of (view);

  /* A second cellsd without --replace leaves the first alone, and all it
   * uses: the seats' sockets stay the first one's, the cell's udev view
   * is not written anew. */
  status = run (NULL, &err,
                "timeout 10 %s/daemon/cellsd/cellsd --state-dir %s "
                "--switcher-seat %s/switcher --no-network",
                g_getenv ("CELLS_BUILD_DIR"), env.state_dir, env.dir);
  if (status != 1)
    g_printerr ("the second cellsd ended with %d:\n%s\n", status, err);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpint (kill (old, 0), ==, 0);
  g_assert_cmpuint (inode_of (switcher), ==, switcher_ino);
  g_assert_cmpuint (inode_of (seat), ==, seat_ino);
  g_assert_cmpuint (inode_of (view), ==, view_ino);
  close (raw_connect (switcher));
  close (raw_connect (seat));

  /* The one replaced leaves the sockets of the one that replaced it. */
  start_cellsd ("--replace");
  g_assert_true (wait_for (process_gone, GINT_TO_POINTER (old)));
  g_assert_cmpint (cellsd_pid (), !=, old);
  g_assert_cmpuint (cell_leader ("replace"), ==, leader);
  close (raw_connect (switcher));
  close (raw_connect (seat));
  /* The one replaced ended without a warning (GLib's release of a name no
   * longer its own was one, and under fatal-warnings a crash). */
  g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
  g_assert_null (strstr (text, "WARNING"));
}

static gboolean
cell_is_running (gpointer name)
{
  g_autofree char *state = cell_property (name, "State");

  return g_str_equal (state, "s \"running\"");
}

static void
test_autostart (Fixture *f, gconstpointer data)
{
  const char *names[] = { "auto-a", "auto-b", "auto-c" };
  g_autofree char *init = g_shell_quote (CELL_INIT);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    assert_ok ("cellsctl create %s --image busybox --autostart --init %s", names[i], init);
  /* The next cellsd starts all three at once. */
  kill_cellsd (SIGTERM);
  start_cellsd ("");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (wait_for (cell_is_running, (gpointer) names[i]));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    assert_ok ("cellsctl stop %s", names[i]);
    assert_ok ("cellsctl destroy %s", names[i]);
  }
}

static void
test_stop_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *out = NULL;

  /* pid 1 without a handler ignores SIGTERM: killed after the timeout. */
  g_assert_cmpint (run (NULL, NULL, "cellsctl create stubborn --image busybox --init 'sleep 1'"),
                   ==, 1);
  create_cell ("stubborn");
  assert_ok ("cellsctl set stubborn init='/bin/sleep 100000' display-name='Stubborn one'");
  g_assert_cmpint (run (&out, NULL, "cellsctl show stubborn"), ==, 0);
  g_assert_nonnull (strstr (out, "DisplayName: Stubborn one\n"));
  g_assert_nonnull (strstr (out, "Init: /bin/sleep 100000\n"));
  assert_ok ("cellsctl start stubborn");
  g_timer_start (timer);
  assert_ok ("cellsctl stop stubborn");
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), >=, 9.0);
  g_assert_true (cell_is_stopped ("stubborn"));
  assert_ok ("cellsctl destroy stubborn");
}

static void
test_real_init (Fixture *f, gconstpointer data)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *out = NULL;

  /* busybox init as pid 1, as on postmarketOS: SIGUSR2 is its power-off. */
  assert_ok ("cellsctl create phone --image busybox --stop-signal SIGUSR2");
  assert_ok ("cellsctl start phone");
  g_assert_cmpint (run (&out, NULL, "cellsctl exec phone -- cat /proc/1/cmdline"), ==, 0);
  g_assert_cmpstr (out, ==, "init");
  g_timer_start (timer);
  assert_ok ("cellsctl stop phone");
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 9.0);
  g_assert_true (cell_is_stopped ("phone"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "pgrep -c -f '%s/cells phone$'", env.state_dir), ==, 1);
  g_assert_cmpstr (out, ==, "0\n");
  assert_ok ("cellsctl destroy phone");
}

static void
test_destroy (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *dir = g_build_filename (env.state_dir, "cells", "doomed", NULL);
  g_autofree char *image_init =
      g_build_filename (env.state_dir, "images", "busybox", "bin", "busybox", NULL);

  create_running_cell ("doomed");
  create_cell ("kept");
  g_assert_cmpint (run (NULL, &err, "cellsctl destroy doomed"), ==, 1);
  g_assert_nonnull (strstr (err, "stop it before destroying it"));
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  assert_ok ("cellsctl stop doomed");
  assert_ok ("cellsctl destroy doomed");
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (image_init, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run (NULL, NULL, "cellsctl show doomed"), ==, 1);
  g_assert_cmpint (run (&out, NULL, "cellsctl --json list"), ==, 0);
  g_assert_null (strstr (out, "\"doomed\""));
  g_assert_nonnull (strstr (out, "\"Name\": \"kept\""));
}

static gboolean
polkit_on_bus (gpointer data)
{
  return run (NULL, NULL, "busctl status org.freedesktop.PolicyKit1") == 0;
}

static void
test_polkit (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;
  const char *argv[] = { "/usr/bin/python3", "-m",      "dbusmock", "--system",
                         "--template",       "polkitd", NULL };
  g_autofree char *nobody = g_strdup_printf (
      "setpriv --reuid=65534 --regid=65534 --clear-groups %s/cellsctl", env.bin_dir);
  g_autofree char *nobody_decline =
      g_strdup_printf ("setpriv --reuid=65534 --regid=65534 --clear-groups " DECLINE "pk");
  g_autofree char *pid_file = g_build_filename (env.dir, "polkit.pid", NULL);
  g_autofree char *pid_text = NULL;

  if (!session_has (run (NULL, NULL, "/usr/bin/python3 -c 'import dbusmock'") == 0,
                    "python3-dbusmock"))
    return;
  create_cell ("pk");
  /* The mock's pid, for the fixture and, should this process die, main. */
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &f->polkit, NULL));
  pid_text = g_strdup_printf ("%d\n", f->polkit);
  g_assert_true (g_file_set_contents (pid_file, pid_text, -1, NULL));
  g_assert_true (wait_for (polkit_on_bus, NULL));

  assert_ok ("cellsctl start pk");
  g_assert_cmpint (run (NULL, &err, "%s switch pk", nobody), ==, 1);
  g_assert_nonnull (strstr (err, "not allowed"));
  assert_foreground ("");

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "%s", nobody_decline), ==, 1);
  g_assert_nonnull (strstr (err, "not allowed"));

  assert_ok ("busctl call org.freedesktop.PolicyKit1 /org/freedesktop/PolicyKit1/Authority "
             "org.freedesktop.DBus.Mock SetAllowed as 1 org.cells.Cells1.switch");
  assert_ok ("%s switch pk", nobody);
  assert_foreground ("pk");
  /* Declining is allowed with switching: past polkit, nothing rings. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "%s", nobody_decline), ==, 1);
  g_assert_nonnull (strstr (err, "No call is ringing"));
  /* Switching is not managing. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, &err, "%s stop pk", nobody), ==, 1);
  g_assert_nonnull (strstr (err, "not allowed"));

  /* Each refusal is in cellsd's log: who, what, and why. */
  {
    g_autofree char *log_path = g_build_filename (env.dir, "cellsd.log", NULL);
    g_autofree char *log = NULL;

    g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
    g_assert_nonnull (
        strstr (log, "Refused org.cells.Cells1.Manager.SwitchTo on /org/cells/Cells1 "));
    g_assert_nonnull (
        strstr (log, "Refused org.cells.Cells1.Cell.Stop on /org/cells/Cells1/cell/pk "));
    g_assert_nonnull (strstr (log, "(uid 65534, pid "));
    g_assert_nonnull (strstr (log, "action org.cells.Cells1.manage): You are not allowed"));
  }
}

static void
add_tests (void)
{
  add_test ("/integration/image-import", test_image_import);
  add_test ("/integration/bad-input", test_bad_input);
  add_test ("/integration/start", test_start);
  add_test ("/integration/isolation", test_isolation);
  add_test ("/integration/signals-and-persistence", test_signals_and_persistence);
  add_test ("/integration/foreground", test_foreground);
  add_test ("/integration/caller-in-cell", test_caller_in_cell);
  add_test ("/integration/devices", test_devices);
  add_test ("/integration/seat", test_seat);
  add_test ("/integration/seat-dialects", test_seat_dialects);
  add_test ("/integration/seat-enable-after-ack", test_seat_enable_after_ack);
  /* Only where there is a KMS card and uinput: the device tier in qemu. */
  if (g_file_test ("/dev/dri/card0", G_FILE_TEST_EXISTS) &&
      g_file_test ("/dev/uinput", G_FILE_TEST_EXISTS))
    add_test ("/integration/device-handover", test_device_handover);
  if (g_file_test ("/dev/uinput", G_FILE_TEST_EXISTS))
    add_test ("/integration/udev-view", test_udev_view);
  add_test ("/integration/init-exits", test_init_exits);
  add_test ("/integration/crash-and-adopt", test_crash_and_adopt);
  add_test ("/integration/limits", test_limits);
  add_test ("/integration/cgroups", test_cgroups);
  add_test ("/integration/exec-safety", test_exec_safety);
  add_test ("/integration/exec-ambush", test_exec_ambush);
  add_test ("/integration/crash-leftovers", test_crash_leftovers);
  add_test ("/integration/image-bounds", test_image_bounds);
  add_test ("/integration/seccomp", test_seccomp);
  add_test ("/integration/mount-no-symlink", test_mount_no_symlink);
  add_test ("/integration/replace", test_replace);
  add_test ("/integration/background-memory", test_background_memory);
  add_test ("/integration/autostart", test_autostart);
  add_test ("/integration/stop-timeout", test_stop_timeout);
  add_test ("/integration/real-init", test_real_init);
  add_test ("/integration/destroy", test_destroy);
  add_test ("/integration/polkit", test_polkit);
}

int
main (int argc, char **argv)
{
  return session_main (argc, argv, "integration tests", NULL, add_tests);
}
