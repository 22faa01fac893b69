/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The escape battery: a running cell's root tries to get out, one attempt
 * at a time (tests/security/escape.c, run in the cell with `cellsctl
 * exec`); each test asserts the exact refusal and looks on the host for
 * what the attempt would have done. tests/security/README.md lists the
 * attempts and what stops each.
 */
#include "session-helpers.h"

#include <glib/gstdio.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define ESCAPE "/usr/local/bin/escape"

static guint n_attempts;

/* Runs `escape ARGS` in @cell as its root; returns its verdict line. */
static char *
attempt (const char *cell, const char *args)
{
  g_autofree char *out = NULL, *err = NULL;
  int rc = run (&out, &err, "cellsctl exec %s -- " ESCAPE " %s", cell, args);

  if (rc != 0)
    g_error ("escape %s in %s could not be tried (%d): %s%s", args, cell, rc, out, err);
  return g_strdup (g_strstrip (out));
}

static void expect (const char *cell, const char *verdict, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

/* Tries an attempt and asserts its verdict: "refused EPERM", "allowed"…
 * (several, separated by '|', where kernels differ). */
static void
expect (const char *cell, const char *verdict, const char *format, ...)
{
  g_autofree char *args = NULL, *got = NULL;
  g_auto(GStrv) allowed = g_strsplit (verdict, "|", -1);
  va_list ap;

  va_start (ap, format);
  args = g_strdup_vprintf (format, ap);
  va_end (ap);
  got = attempt (cell, args);
  g_test_message ("attempt %u: %s → %s", ++n_attempts, args, got);
  if (!g_strv_contains ((const char *const *) allowed, got))
    g_error ("escape %s: “%s”, not “%s”", args, got, verdict);
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("(none)");
  return text;
}

/* An attempt on what @host_file shows of the host: the verdict, and the
 * file as it was. */
static void
expect_kept (const char *cell, const char *verdict, const char *host_file, const char *args)
{
  g_autofree char *before = read_text (host_file);
  g_autofree char *after = NULL;

  expect (cell, verdict, "%s", args);
  after = read_text (host_file);
  g_assert_cmpstr (after, ==, before);
}

static char *
cell_dir (const char *cell, const char *sub)
{
  return g_build_filename (env.state_dir, "cells", cell, sub, NULL);
}

static gboolean
in_layer (const char *cell, const char *path)
{
  g_autofree char *upper = cell_dir (cell, "upper");
  g_autofree char *file = g_build_filename (upper, path, NULL);
  struct stat st;

  return lstat (file, &st) == 0;
}

static void
assert_running (const char *cell)
{
  g_autofree char *state = cell_property (cell, "State");

  g_assert_cmpstr (state, ==, "s \"running\"");
}

/* A host file no cell may read: what a way out would reach. */
static char *
host_secret (void)
{
  char *path = g_build_filename (env.dir, "host-secret", NULL);

  g_assert_true (g_file_set_contents (path, "host only\n", -1, NULL));
  g_chmod (path, 0600);
  return path;
}

/* Device nodes: made in the cell, or made by the host in a directory
 * bound into the cell (its seat directory). */
static void
test_device_nodes (Fixture *f, gconstpointer data)
{
  g_autofree char *seat = cell_dir ("nodes", "seat");
  g_autofree char *mem = g_build_filename (seat, "mem", NULL);
  g_autofree char *disk = g_build_filename (seat, "disk", NULL);
  struct stat st;

  create_running_cell ("nodes");
  expect ("nodes", "refused EPERM", "mknod /tmp/mem c 1 1");
  g_assert_false (in_layer ("nodes", "tmp/mem"));
  expect ("nodes", "refused EPERM", "mknod /tmp/sda b 8 0");
  g_assert_false (in_layer ("nodes", "tmp/sda"));
  expect ("nodes", "refused EPERM", "mknod /dev/sda b 8 0");

  /* /dev/mem and the disk this state directory is on. */
  g_assert_cmpint (stat (env.state_dir, &st), ==, 0);
  g_assert_cmpint (mknod (mem, S_IFCHR | 0666, makedev (1, 1)), ==, 0);
  g_assert_cmpint (mknod (disk, S_IFBLK | 0666, st.st_dev), ==, 0);
  expect ("nodes", "refused EPERM", "open-node /run/cells-seat/mem");
  expect ("nodes", "refused EPERM", "open-node /run/cells-seat/disk");
  expect ("nodes", "refused EPERM", "mount /run/cells-seat/disk %s", "ext4");
  g_unlink (mem);
  g_unlink (disk);
}

/* Mounts: a cell's root may mount what its namespaces own (a proc of its
 * pids, a tmpfs), nothing of the host's, and gets nothing from it. */
static void
test_mounts (Fixture *f, gconstpointer data)
{
  g_autofree char *secret = host_secret ();
  g_autofree char *image_passwd =
      g_build_filename (env.state_dir, "images", "busybox", "etc", "passwd", NULL);
  g_autofree char *passwd_before = NULL, *passwd_after = NULL;

  create_running_cell ("mounts");
  create_running_cell ("mounts-b");
  g_assert_true (g_file_get_contents (image_passwd, &passwd_before, NULL, NULL));
  expect ("mounts", "allowed", "mount proc proc");
  expect_kept ("mounts", "refused EACCES", "/proc/sys/kernel/core_pattern",
               "--mount-proc /proc write /proc/sys/kernel/core_pattern '|/tmp/x'");
  expect ("mounts", "refused EPERM", "mount sysfs sysfs");
  expect ("mounts", "refused EPERM", "mount cgroup cgroup none,name=escape");
  expect ("mounts", "refused ENOENT", "bind-dotdot %s", secret);
  expect ("mounts", "refused ENOENT", "chroot-dotdot %s", secret);
  expect ("mounts", "refused EPERM", "overlay-xattr /tmp/redirect");
  /* The image through the overlay: the write lands in the cell's layer. */
  expect ("mounts", "allowed", "append /etc/passwd");
  g_assert_true (in_layer ("mounts", "etc/passwd"));
  g_assert_true (g_file_get_contents (image_passwd, &passwd_after, NULL, NULL));
  g_assert_cmpstr (passwd_after, ==, passwd_before);
  g_assert_cmpint (run (NULL, NULL, "cellsctl exec mounts-b -- grep -q x$ /etc/passwd"), ==, 1);
  g_unlink (secret);
}

/* The limits of a cell's cgroup, as the cell would write them. */
static void
expect_cgroup_write (const char *cell, const char *controller, const char *v1_file,
                     const char *v2_file, const char *text)
{
  gboolean v2 = g_file_test ("/sys/fs/cgroup/cgroup.controllers", G_FILE_TEST_EXISTS);
  guint leader = cell_leader (cell);
  g_autofree char *before = cgroup_read (leader, controller, v1_file, v2_file);
  g_autofree char *after = NULL;

  expect (cell, "refused EACCES", "cgroup-write %s %s %s", v2 ? "unified" : controller,
          v2 ? v2_file : v1_file, text);
  after = cgroup_read (leader, controller, v1_file, v2_file);
  g_assert_cmpstr (after, ==, before);
}

/* /proc/sys, /sys and the cgroups: read-only where they are the host's,
 * and the kernel's own checks behind that when the cell unmounts the
 * read-only views or mounts its own. */
static void
test_proc_sys (Fixture *f, gconstpointer data)
{
  create_cell ("sysctl");
  assert_ok ("cellsctl set sysctl memory-max=134217728 pids-max=50");
  assert_ok ("cellsctl start sysctl");
  expect_kept ("sysctl", "refused EACCES", "/proc/sys/kernel/core_pattern",
               "write /proc/sys/kernel/core_pattern x");
  expect_kept ("sysctl", "refused EACCES", "/proc/sys/vm/drop_caches",
               "--umount /proc/sys write /proc/sys/vm/drop_caches 3");
  expect_kept ("sysctl", "refused EACCES", "/proc/sys/vm/swappiness",
               "--umount /proc/sys write /proc/sys/vm/swappiness 0");
  /* The cell's own network namespace's: its own, not the host's. */
  expect_kept ("sysctl", "allowed", "/proc/sys/net/ipv4/ip_forward",
               "--mount-proc /proc write /proc/sys/net/ipv4/ip_forward 1");
  expect_kept ("sysctl", "refused EROFS", "/sys/kernel/mm/ksm/run",
               "--remount-rw /sys write /sys/kernel/mm/ksm/run 1");
  expect_cgroup_write ("sysctl", "pids", "pids.max", "pids.max", "max");
  expect_cgroup_write ("sysctl", "memory", "memory.limit_in_bytes", "memory.max", "-1");
}

/* Host processes: their pids mean nothing in the cell's pid namespace. */
static void
test_processes (Fixture *f, gconstpointer data)
{
  const char *argv[] = { "sleep", "600", NULL };
  GPid sleeper;
  int status;

  create_running_cell ("procs");
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &sleeper, NULL));
  expect ("procs", "refused ESRCH", "kill %d", sleeper);
  expect ("procs", "refused ESRCH", "kill %d", cellsd_pid ());
  expect ("procs", "refused ESRCH", "ptrace %d", sleeper);
  expect ("procs", "refused ESRCH", "vm-readv %d", sleeper);
  expect ("procs", "refused ESRCH", "pidfd %d", sleeper);
  expect ("procs", "refused ENOENT", "proc-root %d /etc/shadow", sleeper);
  expect ("procs", "refused EPERM", "open-by-handle");
  g_assert_cmpint (waitpid (sleeper, &status, WNOHANG), ==, 0);
  g_assert_true (cellsd_answers ());
  kill (sleeper, SIGTERM);
  waitpid (sleeper, &status, 0);
}

/* Puts a host socket into @cell's seat directory, as a careless host
 * might: the cell sees it at /run/cells-seat/@name. */
static void
hand_in (const char *cell, const char *socket, const char *name)
{
  g_autofree char *seat = cell_dir (cell, "seat");
  g_autofree char *path = g_build_filename (seat, name, NULL);

  g_assert_cmpint (link (socket, path), ==, 0);
}

/* Other cells' seats, the switcher's seat and the bus, handed in: each
 * turns the cell's root away; its own seat keeps it. */
static void
test_sockets (Fixture *f, gconstpointer data)
{
  g_autofree char *other = cell_dir ("seat-b", "seat/seatd.sock");
  g_autofree char *switcher = g_build_filename (env.dir, "switcher", "seatd.sock", NULL);
  g_autofree char *bus = g_build_filename (env.dir, "bus", NULL);
  g_autofree char *log_path = g_build_filename (env.dir, "cellsd.log", NULL);
  g_autofree char *clients = NULL, *log = NULL, *refusal = NULL, *uid = NULL;
  g_autofree char *own = cell_dir ("seat-a", "seat/seatd.sock");

  create_running_cell ("seat-a");
  create_running_cell ("seat-b");
  hand_in ("seat-a", other, "other.sock");
  hand_in ("seat-a", switcher, "switcher.sock");
  hand_in ("seat-a", bus, "bus");
  expect ("seat-a", "open", "seat /run/seatd.sock");
  expect ("seat-a", "closed", "seat /run/cells-seat/other.sock");
  clients = cell_property ("seat-b", "SeatClients");
  g_assert_cmpstr (clients, ==, "u 0");
  g_clear_pointer (&clients, g_free);
  expect ("seat-a", "closed", "seat /run/cells-seat/switcher.sock");
  clients = get_property ("/org/cells/Cells1", "Manager", "SwitcherSeatClients");
  g_assert_cmpstr (clients, ==, "u 0");
  uid = cell_property ("seat-a", "UidBase");
  refusal = g_strdup_printf ("seat connection from uid %s refused", uid + 2);
  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, refusal));
  expect ("seat-a", "closed", "bus /run/cells-seat/bus");
  expect ("seat-a", "refused EACCES", "create /run/cells-seat/x");
  expect ("seat-a", "refused EACCES", "unlink /run/cells-seat/seatd.sock");
  g_assert_true (g_file_test (own, G_FILE_TEST_EXISTS));
}

/* Calls every method of the Manager and of the cell "bus", with valid
 * arguments, and prints each method's error (or that it answered). */
static const char every_method[] =
  "import sys, dbus\n"
  "bus = dbus.SystemBus()\n"
  "m = dbus.Interface(bus.get_object('org.cells.Cells1', '/org/cells/Cells1'),\n"
  "                   'org.cells.Cells1.Manager')\n"
  "c = dbus.Interface(bus.get_object('org.cells.Cells1', '/org/cells/Cells1/cell/bus'),\n"
  "                   'org.cells.Cells1.Cell')\n"
  "tarball = dbus.types.UnixFd(open(sys.argv[1], 'rb'))\n"
  "for name, call in [\n"
  "    ('CreateCell', lambda: m.CreateCell('sneaky', dbus.Dictionary({}, signature='sv'))),\n"
  "    ('SwitchTo', lambda: m.SwitchTo('bus')),\n"
  "    ('ImportImage', lambda: m.ImportImage('sneaky', tarball)),\n"
  "    ('Start', c.Start), ('Stop', c.Stop), ('Destroy', c.Destroy),\n"
  "    ('Freeze', c.Freeze), ('Thaw', c.Thaw),\n"
  "    ('Configure', lambda: c.Configure({'pids-max': dbus.UInt64(5)})),\n"
  "    ('SetDeviceAccess', lambda: c.SetDeviceAccess('camera', 'none')),\n"
  "    ('ListCells', m.ListCells), ('GetCell', lambda: m.GetCell('bus')),\n"
  "    ('ListImages', m.ListImages)]:\n"
  "    try:\n"
  "        call()\n"
  "        print(name, 'answered')\n"
  "    except dbus.DBusException as e:\n"
  "        print(name, e.get_dbus_name().replace('org.cells.Cells1.Error.', ''))\n";

/* cellsd's bus in a cell's namespaces, with the host root's very
 * credentials (what a way into `cellsctl exec` would give): every call
 * that changes something is NotAuthorized; lookups answer. */
static void
test_bus (Fixture *f, gconstpointer data)
{
  static const char *const calls[] = {
    "/org/cells/Cells1 org.cells.Cells1.Manager CreateCell sa{sv} sneaky 0",
    "/org/cells/Cells1 org.cells.Cells1.Manager SwitchTo s bus",
    "/org/cells/Cells1/cell/bus org.cells.Cells1.Cell Start",
    "/org/cells/Cells1/cell/bus org.cells.Cells1.Cell Stop",
    "/org/cells/Cells1/cell/bus org.cells.Cells1.Cell Destroy",
    "/org/cells/Cells1/cell/bus org.cells.Cells1.Cell Freeze",
    "/org/cells/Cells1/cell/bus org.cells.Cells1.Cell Thaw",
    "/org/cells/Cells1/cell/bus org.cells.Cells1.Cell Configure a{sv} 1 pids-max t 5",
    "/org/cells/Cells1/cell/bus org.cells.Cells1.Cell SetDeviceAccess ss camera none",
  };
  static const char *const lookups[] = {
    "/org/cells/Cells1 org.cells.Cells1.Manager ListCells",
    "/org/cells/Cells1 org.cells.Cells1.Manager GetCell s bus",
    "/org/cells/Cells1 org.cells.Cells1.Manager ListImages",
  };
  g_autofree char *leader = NULL, *show = NULL, *names = NULL, *script = NULL;

  if (!session_has (run (NULL, NULL, "/usr/bin/python3 -I -c 'import dbus'") == 0,
                    "python3-dbus"))
    return;
  create_running_cell ("bus");
  leader = g_strdup_printf ("%u", cell_leader ("bus"));
  /* Host root in the cell's pid namespace only: every method, ImportImage
   * with a real archive, and the exact error names. */
  script = g_shell_quote (every_method);
  g_assert_cmpint (run (&names, NULL, "timeout 60 nsenter -t %s -p -- /usr/bin/python3 -I -c %s "
                                      "%s/busybox.tar.gz", leader, script, env.dir), ==, 0);
  g_test_message ("attempt %u: every method from the cell's pid namespace →\n%s", ++n_attempts,
                  names);
  g_assert_cmpstr (names, ==, "CreateCell NotAuthorized\nSwitchTo NotAuthorized\n"
                              "ImportImage NotAuthorized\nStart NotAuthorized\n"
                              "Stop NotAuthorized\nDestroy NotAuthorized\n"
                              "Freeze NotAuthorized\nThaw NotAuthorized\n"
                              "Configure NotAuthorized\nSetDeviceAccess NotAuthorized\n"
                              "ListCells answered\nGetCell answered\nListImages answered\n");
  /* Host root's credentials in the cell's user and pid namespaces. */
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++) {
    g_autofree char *err = NULL;

    g_assert_cmpint (run (NULL, &err, "timeout 20 nsenter -t %s -U -p --preserve-credentials -- "
                                      "busctl call org.cells.Cells1 %s", leader, calls[i]),
                     ==, 1);
    g_test_message ("attempt %u: %s → %s", ++n_attempts, calls[i], g_strstrip (err));
    g_assert_cmpstr (err, ==, "Call failed: Requests from inside a cell are refused.");
  }
  for (guint i = 0; i < G_N_ELEMENTS (lookups); i++)
    g_assert_cmpint (run (NULL, NULL, "timeout 20 nsenter -t %s -U -p --preserve-credentials -- "
                                      "busctl call org.cells.Cells1 %s", leader, lookups[i]),
                     ==, 0);
  /* Nothing changed. */
  assert_running ("bus");
  g_assert_false (image_listed ("sneaky"));
  g_assert_cmpint (run (&show, NULL, "cellsctl show bus"), ==, 0);
  g_assert_nonnull (strstr (show, "Frozen: false\n"));
  g_assert_nonnull (strstr (show, "PidsMax: 0\n"));
  g_assert_nonnull (strstr (show, "camera=exclusive"));
  g_assert_cmpint (run (NULL, NULL, "cellsctl show sneaky"), ==, 1);
  g_clear_pointer (&show, g_free);
  show = get_property ("/org/cells/Cells1", "Manager", "Foreground");
  g_assert_cmpstr (show, ==, "s \"\"");
}

static gboolean
module_loaded (const char *name)
{
  g_autofree char *modules = read_text ("/proc/modules");
  g_autofree char *line = g_strdup_printf ("%s ", name);

  return g_str_has_prefix (modules, line) || strstr (modules, line) != NULL;
}

/* What the kernel keeps for the whole machine: the cell's seccomp policy
 * and the capabilities it lacks outside its user namespace. */
static void
test_syscalls (Fixture *f, gconstpointer data)
{
  g_autofree char *module = NULL, *host_name = NULL, *cell_name = NULL;
  gint64 before = g_get_real_time ();

  create_running_cell ("calls");
  expect ("calls", "refused ENOSYS", "add-key");
  expect ("calls", "refused ENOSYS", "keyctl");
  expect ("calls", "refused ENOSYS", "request-key");
  expect ("calls", "refused EPERM", "bpf");
  expect ("calls", "refused EPERM", "perf-event-open");
  expect ("calls", "refused EPERM", "userfaultfd");
  expect ("calls", "refused EPERM", "init-module");
  expect ("calls", "refused EPERM", "finit-module");
  /* A module the host has loaded, where it has modules at all. */
  if (g_file_get_contents ("/proc/modules", &module, NULL, NULL) && *module != '\0') {
    *strchr (module, ' ') = '\0';
    expect ("calls", "refused EPERM", "delete-module %s", module);
    g_assert_true (module_loaded (module));
  } else {
    expect ("calls", "refused EPERM", "delete-module loop");
  }
  expect ("calls", "refused EPERM", "kexec");
  expect_kept ("calls", "refused EPERM", "/proc/swaps", "swapon");
  expect ("calls", "refused EPERM", "clock-settime");
  expect ("calls", "refused EPERM", "settimeofday");
  expect ("calls", "refused EPERM", "adjtimex");
  /* The clock did not move a day. */
  g_assert_cmpint (g_get_real_time () - before, <, (gint64) 3600 * G_USEC_PER_SEC);
  expect ("calls", "refused EPERM", "reboot");
  assert_running ("calls");
  /* No port I/O at all on kernels without CONFIG_X86_IOPL_IOPERM. */
  expect ("calls", "refused EPERM|refused ENOSYS", "iopl");
  expect ("calls", "refused EPERM", "syslog");
  /* The cell's own UTS namespace: its name, not the host's. */
  host_name = g_strdup (g_get_host_name ());
  expect ("calls", "allowed", "sethostname escaped");
  g_assert_cmpint (run (&cell_name, NULL, "cellsctl exec calls -- hostname"), ==, 0);
  g_assert_cmpstr (cell_name, ==, "escaped\n");
  g_clear_pointer (&cell_name, g_free);
  g_assert_cmpint (run (&cell_name, NULL, "hostname"), ==, 0);
  g_assert_cmpstr (g_strstrip (cell_name), ==, host_name);
}

/* A user namespace made in the cell maps only ids the cell has: its root
 * is the cell's root, host uid UidBase, never host root. */
static void
test_user_namespaces (Fixture *f, gconstpointer data)
{
  g_autofree char *uid = NULL, *file = NULL;
  struct stat st;

  create_running_cell ("userns");
  uid = cell_property ("userns", "UidBase");
  expect ("userns", "refused EPERM", "userns '0 0 65537' /tmp/wide");
  expect ("userns", "refused EPERM", "userns '0 1 1' /tmp/other");
  expect ("userns", "allowed", "userns '0 0 1' /tmp/nested");
  file = cell_dir ("userns", "upper/tmp/nested");
  g_assert_cmpint (stat (file, &st), ==, 0);
  g_assert_cmpuint (st.st_uid, ==, g_ascii_strtoull (uid + 2, NULL, 10));
  g_assert_false (in_layer ("userns", "tmp/wide"));
  g_assert_false (in_layer ("userns", "tmp/other"));
}

/* Hard limits stay where the host set them. */
static void
test_rlimits (Fixture *f, gconstpointer data)
{
  create_running_cell ("rlimits");
  expect ("rlimits", "refused EPERM", "rlimit nofile");
  expect ("rlimits", "refused EPERM", "rlimit memlock");
}

/* A fork bomb and a memory hog against the cell's pids-max and
 * memory-max: the cell's own children fail or die, the limits hold, the
 * cell goes on. */
static void
test_resource_limits (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *pids = NULL, *memory = NULL;
  guint leader;
  int made;

  create_cell ("hog");
  assert_ok ("cellsctl set hog memory-max=67108864 pids-max=64");
  assert_ok ("cellsctl start hog");
  out = attempt ("hog", "fork-bomb 4096");
  g_test_message ("attempt %u: fork-bomb 4096 → %s", ++n_attempts, out);
  g_assert_true (g_str_has_prefix (out, "refused EAGAIN after "));
  made = atoi (out + strlen ("refused EAGAIN after "));
  g_assert_cmpint (made, >, 0);
  g_assert_cmpint (made, <, 64);
  expect ("hog", "killed KILL", "memory-hog 256");
  leader = cell_leader ("hog");
  pids = cgroup_read (leader, "pids", "pids.max", "pids.max");
  memory = cgroup_read (leader, "memory", "memory.limit_in_bytes", "memory.max");
  g_assert_cmpstr (pids, ==, "64");
  g_assert_cmpstr (memory, ==, "67108864");
  assert_running ("hog");
}

/* The four escapes found before: cellsctl exec ambushed, TIOCSTI,
 * inherited descriptors, and the symlink that LXC's create=file followed. */
static void
test_exec (Fixture *f, gconstpointer data)
{
  g_autofree char *secret = host_secret ();
  g_autofree char *marker = g_build_filename (env.dir, "typed-by-the-cell", NULL);
  g_autofree char *out = NULL, *fg = NULL, *cmd = NULL, *quoted = NULL;

  create_running_cell ("exec");
  /* Ambush: every process that appears is traced and its fds taken. */
  assert_ok ("cellsctl exec exec -- sh -c '/usr/local/bin/ambush 6 >/tmp/ambush.out 2>&1 &'");
  for (guint i = 0; i < 20; i++)
    assert_ok ("cellsctl exec exec -- /bin/true");
  for (guint i = 0; i < 100 && (out == NULL || strstr (out, "seized") == NULL); i++) {
    g_clear_pointer (&out, g_free);
    g_usleep (100 * 1000);
    g_assert_cmpint (run (&out, NULL, "cellsctl exec exec -- cat /tmp/ambush.out"), ==, 0);
  }
  g_test_message ("attempt %u: ambush of cellsctl exec → %s", ++n_attempts, g_strstrip (out));
  g_assert_true (g_str_has_prefix (out, "seized ") && g_str_has_suffix (out, " took 0"));
  fg = get_property ("/org/cells/Cells1", "Manager", "Foreground");
  g_assert_cmpstr (fg, ==, "s \"\"");

  /* Descriptors the caller left open stay outside. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "sh -c 'exec 9<%s 8<%s; %s exec exec -- " ESCAPE " fds'",
                        env.dir, secret, env.cellsctl), ==, 0);
  g_test_message ("attempt %u: fds of cellsctl exec's caller → %s", ++n_attempts,
                  g_strstrip (out));
  g_assert_cmpstr (out, ==, "count 0");

  /* Typed into the terminal: the cell's own, which no host shell reads. */
  cmd = g_strdup_printf ("%s exec exec -- " ESCAPE " tiocsti 'touch %s\n'", env.cellsctl, marker);
  quoted = g_shell_quote (cmd);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "script -qec %s /dev/null", quoted), ==, 0);
  g_test_message ("attempt %u: TIOCSTI → %s", ++n_attempts, g_strstrip (out));
  /* The probe's stderr names its terminal (one of the cell's), and the
   * cell's terminal echoes what was typed into it. */
  g_assert_true (g_str_has_prefix (out, "terminal /dev/pts/"));
  g_assert_true (g_str_has_suffix (out, "\nallowed"));
  g_usleep (200 * 1000);
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_unlink (secret);
}

static gboolean
dir_empty (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  g_assert_nonnull (dir);
  return g_dir_read_name (dir) == NULL;
}

/* LXC's create=file and the mount hook: the cell's /etc/dbus-1/system.d
 * made a link to a host directory its root may write, by the cell or by
 * its image; the next start makes nothing there. */
static void
test_create_file_symlink (Fixture *f, gconstpointer data)
{
  g_autofree char *host_dir = g_build_filename (env.dir, "cell-writable", NULL);
  g_autofree char *root = g_build_filename (env.dir, "linked-rootfs", NULL);
  g_autofree char *init = g_shell_quote (CELL_INIT);
  g_autofree char *uid = NULL;

  create_running_cell ("linker");
  uid = cell_property ("linker", "UidBase");
  g_assert_cmpint (g_mkdir (host_dir, 0755), ==, 0);
  assert_ok ("chown %s:%s %s", uid + 2, uid + 2, host_dir);
  expect ("linker", "allowed", "link-dir /etc/dbus-1/system.d %s", host_dir);
  assert_ok ("cellsctl stop linker");
  assert_ok ("cellsctl start linker");
  g_assert_true (dir_empty (host_dir));

  /* The same link in an imported image. */
  g_assert_cmpint (g_mkdir (root, 0755), ==, 0);
  assert_ok ("tar -C %s -xzf %s/busybox.tar.gz", root, env.dir);
  assert_ok ("rm -rf %s/etc/dbus-1", root);
  assert_ok ("ln -s %s %s/etc/dbus-1", host_dir, root);
  assert_ok ("tar -C %s -czf %s/linked.tar.gz .", root, env.dir);
  assert_ok ("cellsctl image import linked %s/linked.tar.gz", env.dir);
  assert_ok ("cellsctl create linked --image linked --init %s", init);
  assert_ok ("cellsctl start linked");
  g_test_message ("attempt %u: /etc/dbus-1 of an image linked to a host directory → "
                  "nothing made there", ++n_attempts);
  g_assert_true (dir_empty (host_dir));
  assert_running ("linked");
  assert_ok ("rm -rf %s %s", root, host_dir);
}

static void
add_tests (void)
{
  add_test ("/security/device-nodes", test_device_nodes);
  add_test ("/security/mounts", test_mounts);
  add_test ("/security/proc-sys", test_proc_sys);
  add_test ("/security/processes", test_processes);
  add_test ("/security/sockets", test_sockets);
  add_test ("/security/bus", test_bus);
  add_test ("/security/syscalls", test_syscalls);
  add_test ("/security/user-namespaces", test_user_namespaces);
  add_test ("/security/rlimits", test_rlimits);
  add_test ("/security/resource-limits", test_resource_limits);
  add_test ("/security/exec", test_exec);
  add_test ("/security/create-file-symlink", test_create_file_symlink);
}

int
main (int argc, char **argv)
{
  static const char *const tools[] = { "script", "hostname", NULL };

  return session_main (argc, argv, "security tests", tools, add_tests);
}
