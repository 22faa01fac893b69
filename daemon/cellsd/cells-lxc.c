/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-lxc"

#include "cells-lxc.h"
#include "cells-errors.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <lxc/lxccontainer.h>

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/**
 * SECTION:cells-lxc
 *
 * Everything cellsd asks of LXC: the configuration it writes for a cell,
 * the id-mapped view of the base image that the cell's overlay sits on,
 * and the blocking liblxc calls (run in worker threads by CellsCell).
 *
 * The base image belongs to host root and is shared by every cell; each
 * cell sees it through its own id-mapped bind mount (host 0 → the cell's
 * root), so the files of the image are root's inside every cell while the
 * cells keep distinct id ranges. The cell's writable layer holds its
 * files under the cell's own ids.
 */

/* Device nodes a cell may use: null, zero, full, random, urandom, tty,
 * console, ptmx and its own ptys. Everything else is denied. */
static const char *const allowed_devices[] = {
  "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
  "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
};

/* What a cell with the modem right runs instead of its image's own
 * ModemManager: masked, where the image has it. */
static const char *const masked_for_modem[] = {
  "usr/share/dbus-1/system-services/org.freedesktop.ModemManager1.service",
  "usr/lib/systemd/system/ModemManager.service",
  "lib/systemd/system/ModemManager.service",
  "etc/init.d/modemmanager",
};

/* Capabilities dropped even inside the cell's user namespace. */
static const char dropped_caps[] =
  "mknod sys_module sys_rawio sys_time sys_boot mac_admin mac_override syslog wake_alarm";

static gboolean
file_exists (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
controller_listed (const char *controllers, const char *name)
{
  g_auto(GStrv) words = g_strsplit_set (controllers, " \n", -1);

  return g_strv_contains ((const char *const *) words, name);
}

static void
warn_missing (gboolean present, const char *controller, const char *what)
{
  if (!present)
    g_message ("cgroup controller “%s” is not available: %s of cells are not enforced",
               controller, what);
}

/**
 * cells_host_probe:
 * @cgroup_root: where cgroups are mounted, normally /sys/fs/cgroup
 *
 * Finds which cgroup controllers cells can use and says once in the log
 * which are missing.
 */
void
cells_host_probe (CellsHost *host, const char *cgroup_root)
{
  g_autofree char *controllers_path = g_build_filename (cgroup_root, "cgroup.controllers", NULL);
  g_autofree char *controllers = NULL;
  g_autofree char *aa = NULL;

  if (g_file_get_contents (controllers_path, &controllers, NULL, NULL)) {
    host->cgroup2 = TRUE;
    host->has_memory = controller_listed (controllers, "memory");
    host->has_pids = controller_listed (controllers, "pids");
    host->has_cpu = controller_listed (controllers, "cpu");
    host->has_devices = TRUE;   /* a BPF program in cgroup v2 */
    host->has_freezer = TRUE;   /* built into the cgroup v2 core */
  } else {
    host->cgroup2 = FALSE;
    host->has_memory = file_exists (cgroup_root, "memory");
    host->has_pids = file_exists (cgroup_root, "pids");
    host->has_cpu = file_exists (cgroup_root, "cpu");
    host->has_devices = file_exists (cgroup_root, "devices");
    host->has_freezer = file_exists (cgroup_root, "freezer");
  }

  warn_missing (host->has_memory, "memory", "memory limits");
  warn_missing (host->has_pids, "pids", "task limits");
  warn_missing (host->has_cpu, "cpu", "CPU weights");
  warn_missing (host->has_devices, "devices", "device policies");
  warn_missing (host->has_freezer, "freezer", "freezing");

  host->apparmor =
      g_file_get_contents ("/sys/module/apparmor/parameters/enabled", &aa, NULL, NULL) &&
      aa[0] == 'Y' && g_find_program_in_path ("apparmor_parser") != NULL;
}

static void
add_limits (GString *s, const CellsDefinition *def, const CellsHost *host)
{
  const char *prefix = host->cgroup2 ? "lxc.cgroup2" : "lxc.cgroup";

  if (def->memory_max && host->has_memory)
    g_string_append_printf (s, "%s.%s = %" G_GUINT64_FORMAT "\n", prefix,
                            host->cgroup2 ? "memory.max" : "memory.limit_in_bytes",
                            def->memory_max);
  if (def->pids_max && host->has_pids)
    g_string_append_printf (s, "%s.pids.max = %" G_GUINT64_FORMAT "\n", prefix, def->pids_max);
  if (def->cpu_weight != CELLS_CPU_WEIGHT_DEFAULT && host->has_cpu) {
    if (host->cgroup2)
      g_string_append_printf (s, "lxc.cgroup2.cpu.weight = %u\n", def->cpu_weight);
    else
      g_string_append_printf (s, "lxc.cgroup.cpu.shares = %u\n",
                              MAX (2u, def->cpu_weight * 1024 / 100));
  }
  if (host->has_devices) {
    g_string_append_printf (s, "%s.devices.deny = a\n", prefix);
    for (guint i = 0; i < G_N_ELEMENTS (allowed_devices); i++)
      g_string_append_printf (s, "%s.devices.allow = %s\n", prefix, allowed_devices[i]);
  }
}

/**
 * cells_lxc_config:
 * @def: the cell
 * @cell_dir: `STATE_DIR/cells/NAME`
 * @host: what the host offers
 * @helper: the cells-lxc-start program, for the mount hooks
 * @link: (nullable): the cell's network link, or %NULL for loopback only
 *
 * Returns: (transfer full): the LXC configuration of the cell. The init
 * command is not in it: cellsd passes it to liblxc at start.
 */
/* A veth pair in router mode: the host side routes the cell's one
 * address to it, and the cell's default route goes to the gateway. The
 * cell's resolv.conf names the gateway, where the DNS forwarder is. */
static void
add_link (GString *s, const CellsNetLink *link, const char *cell_dir, const char *helper)
{
  g_string_append_printf (s,
                          "lxc.net.0.type = veth\n"
                          "lxc.net.0.veth.mode = router\n"
                          "lxc.net.0.veth.pair = %s\n"
                          "lxc.net.0.name = eth0\n"
                          "lxc.net.0.flags = up\n"
                          "lxc.net.0.ipv4.address = %s/32\n"
                          "lxc.net.0.ipv4.gateway = %s\n",
                          link->host_side, link->address, link->gateway);
  g_string_append_printf (s, "lxc.hook.mount = %s --mount-hook %s/" CELLS_LXC_RESOLV_CONF
                          " etc/resolv.conf\n", helper, cell_dir);
}

char *
cells_lxc_config (const CellsDefinition *def, const char *cell_dir, const CellsHost *host,
                  const char *helper, const CellsNetLink *link)
{
  GString *s =
      g_string_new ("# Written by cellsd from cell.conf at every start; edits here are lost.\n");

  g_string_append_printf (s, "lxc.uts.name = %s\n", def->name);
  g_string_append_printf (s, "lxc.rootfs.path = overlay:%s/lower:%s/upper\n", cell_dir, cell_dir);
  g_string_append_printf (s, "lxc.idmap = u 0 %u %u\n", def->uid_base, CELLS_IDS_PER_CELL);
  g_string_append_printf (s, "lxc.idmap = g 0 %u %u\n", def->gid_base, CELLS_IDS_PER_CELL);
  /* Loopback, up, at least: what runs in a cell may talk to itself. */
  if (link != NULL)
    add_link (s, link, cell_dir, helper);
  else
    g_string_append (s, "lxc.net.0.type = empty\nlxc.net.0.flags = up\n");
  g_string_append (s, "lxc.mount.auto = proc:mixed sys:ro\n");
  g_string_append (s, "lxc.autodev = 1\n");
  /* /run is a tmpfs from the start, so that an init that would mount one
   * (systemd, OpenRC) finds it there and keeps what follows: the seatd
   * socket's directory (a directory, so that a new cellsd's socket shows)
   * and /run/seatd.sock leading into it. */
  g_string_append (s,
                   "lxc.mount.entry = tmpfs run tmpfs rw,nosuid,nodev,mode=755,create=dir 0 0\n");
  g_string_append_printf (s, "lxc.mount.entry = %s/seat run/cells-seat none bind,create=dir 0 0\n",
                          cell_dir);
  /* The cell's view of udev (cells-udev.c), read-only. */
  g_string_append_printf (s, "lxc.mount.entry = %s/udev run/udev none bind,ro,create=dir 0 0\n",
                          cell_dir);
  /* The names of its cards, as libdrm looks for them (cells-udev.c). */
  g_string_append_printf (s, "lxc.mount.entry = %s/dri dev/dri none "
                          "bind,ro,nodev,nosuid,noexec,create=dir 0 0\n", cell_dir);
  /* Shared memory, as every Linux system has it (wlroots' keymaps). */
  g_string_append (s, "lxc.mount.entry = tmpfs dev/shm tmpfs rw,nosuid,nodev,mode=1777,"
                      "create=dir 0 0\n");
  /* LXC appends the cell's name and the hook's kind: they land in $0… */
  g_string_append (s, "lxc.hook.mount = sh -c 'ln -sf cells-seat/seatd.sock "
                      "\"$LXC_ROOTFS_MOUNT/run/seatd.sock\"'\n");
  /* A cell with the modem right: its bus lets the virtual modem own
   * ModemManager's name (the cell's dbus-daemon reads it at its start),
   * so that a phone line given to the running cell works at once. */
  /* The path is in the cell's own tree: not a mount entry (LXC would
   * follow a symlink the cell made there), but the helper's hook, which
   * follows none. */
  if (def->devices[CELLS_DEVICE_MODEM] != CELLS_ACCESS_NONE) {
    g_string_append_printf (s, "lxc.hook.mount = %s --mount-hook %s/" CELLS_LXC_MODEM_POLICY " "
                            "etc/dbus-1/system.d/org.cells.VirtualModem.conf\n", helper, cell_dir);
    /* The image's own ModemManager (GNOME Calls depends on it) would own
     * the name first and see no modem: its D-Bus activation, its systemd
     * unit and its OpenRC service are masked with an empty file. */
    g_string_append_printf (s, "lxc.hook.mount = %s --mask-hook %s/" CELLS_LXC_EMPTY, helper,
                            cell_dir);
    for (guint i = 0; i < G_N_ELEMENTS (masked_for_modem); i++)
      g_string_append_printf (s, " %s", masked_for_modem[i]);
    g_string_append (s, " --\n");
  }
  if (g_strcmp0 (def->seccomp, "none") != 0)
    g_string_append_printf (s, "lxc.seccomp.profile = %s/" CELLS_LXC_SECCOMP_PROFILE "\n",
                            cell_dir);
  g_string_append (s, "lxc.pty.max = 64\n");
  g_string_append (s, "lxc.tty.max = 0\n");
  g_string_append_printf (s, "lxc.cap.drop = %s\n", dropped_caps);
  g_string_append_printf (s, "lxc.apparmor.profile = %s\n",
                          host->apparmor ? "generated" : "unconfined");
  g_string_append_printf (s, "lxc.signal.halt = %s\n", def->stop_signal);
  g_string_append_printf (s, "lxc.console.logfile = %s/console.log\n", cell_dir);
  g_string_append_printf (s, "lxc.log.file = %s/lxc.log\n", cell_dir);
  g_string_append_printf (s, "lxc.log.level = %s\n", host->verbose ? "INFO" : "WARN");
  add_limits (s, def, host);
  return g_string_free (s, FALSE);
}

/**
 * cells_lxc_wants_modem:
 *
 * Returns: whether the cell gets a virtual modem while it runs: it has a
 * phone line and the modem right.
 */
gboolean
cells_lxc_wants_modem (const CellsDefinition *def)
{
  return *def->phone_line != '\0' && def->devices[CELLS_DEVICE_MODEM] != CELLS_ACCESS_NONE;
}

/* The policy for the cell's system bus: root (the virtual modem, with no
 * capabilities) owns ModemManager's name and everyone may call it, as
 * ModemManager's own policy allows. */
const char cells_lxc_modem_policy[] =
  "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN\"\n"
  " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
  "<!-- Mounted by cellsd: the cell's virtual ModemManager. -->\n"
  "<busconfig>\n"
  "  <policy user=\"root\">\n"
  "    <allow own=\"org.freedesktop.ModemManager1\"/>\n"
  "  </policy>\n"
  "  <policy context=\"default\">\n"
  "    <allow send_destination=\"org.freedesktop.ModemManager1\"/>\n"
  "  </policy>\n"
  "</busconfig>\n";

/* The system calls a phone cell never needs and the kernel's user
 * namespace surface offers (LXC's own profile, Docker's and Incus's
 * defaults): what is denied, and why.
 *  - kexec_load, kexec_file_load: a new kernel.
 *  - init_module, finit_module, delete_module: kernel modules.
 *  - open_by_handle_at: opens files by handle, around every path check
 *    (the "shocker" escape of containers).
 *  - add_key, keyctl, request_key: the kernel keyrings are not namespaced;
 *    ENOSYS, so that programs fall back as on a kernel without them.
 *  - bpf, perf_event_open, userfaultfd: large kernel surface for exploits,
 *    no use to a phone's apps.
 *  - swapon, swapoff, acct, quotactl, lookup_dcookie: the host's swap,
 *    accounting, quotas and profiling.
 *  - settimeofday, clock_settime, clock_adjtime, adjtimex: the phone's
 *    clock belongs to the host.
 *  - umount2 with MNT_FORCE (reject_force_umount): forced unmounts.
 * Cells that need more (nesting, their own BPF) get seccomp=none. */
const char cells_lxc_seccomp_profile[] =
  "2\n"
  "denylist\n"
  "reject_force_umount\n"
  "[all]\n"
  "kexec_load errno 1\n"
  "kexec_file_load errno 1\n"
  "init_module errno 1\n"
  "finit_module errno 1\n"
  "delete_module errno 1\n"
  "open_by_handle_at errno 1\n"
  "add_key errno 38\n"
  "keyctl errno 38\n"
  "request_key errno 38\n"
  "bpf errno 1\n"
  "perf_event_open errno 1\n"
  "userfaultfd errno 1\n"
  "swapon errno 1\n"
  "swapoff errno 1\n"
  "acct errno 1\n"
  "quotactl errno 1\n"
  "lookup_dcookie errno 1\n"
  "settimeofday errno 1\n"
  "clock_settime errno 1\n"
  "clock_adjtime errno 1\n"
  "adjtimex errno 1\n";

static int
open_userns (guint32 uid_base, guint32 gid_base, GError **error)
{
  g_autofree char *map_path = NULL;
  g_autofree char *ns_path = NULL;
  int ready[2], hold[2];
  int nsfd = -1;
  pid_t pid;
  char c;

  if (pipe2 (ready, O_CLOEXEC) < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "pipe: %s", g_strerror (errno));
    return -1;
  }
  if (pipe2 (hold, O_CLOEXEC) < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "pipe: %s", g_strerror (errno));
    close (ready[0]);
    close (ready[1]);
    return -1;
  }

  pid = fork ();
  if (pid == 0) {
    /* Only async-signal-safe calls here: cellsd has threads. */
    close (hold[1]);
    close (ready[0]);
    if (unshare (CLONE_NEWUSER) < 0)
      _exit (1);
    if (write (ready[1], "r", 1) != 1)
      _exit (1);
    if (read (hold[0], &c, 1) < 0)
      _exit (1);
    _exit (0);
  }
  close (ready[1]);
  close (hold[0]);
  if (pid < 0 || read (ready[0], &c, 1) != 1) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "Could not create a user namespace for the cell's view of its image.");
    goto out;
  }

  for (int i = 0; i < 2; i++) {
    g_autofree char *map =
        g_strdup_printf ("0 %u %u\n", i ? gid_base : uid_base, CELLS_IDS_PER_CELL);
    g_autoptr(GError) local = NULL;

    g_free (map_path);
    map_path = g_strdup_printf ("/proc/%d/%s", pid, i ? "gid_map" : "uid_map");
    if (!g_file_set_contents_full (map_path, map, -1, G_FILE_SET_CONTENTS_NONE, 0, &local)) {
      g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not write %s: %s",
                   map_path, local->message);
      goto out;
    }
  }

  ns_path = g_strdup_printf ("/proc/%d/ns/user", pid);
  nsfd = open (ns_path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0)
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "%s: %s", ns_path, g_strerror (errno));

out:
  /* A byte, not end-of-file, lets the child go: a child forked meanwhile by
   * another thread holds a copy of hold[1] until it ends. */
  if (pid > 0 && write (hold[1], "x", 1) != 1)
    kill (pid, SIGKILL);
  close (hold[1]);
  close (ready[0]);
  if (pid > 0)
    waitpid (pid, NULL, 0);
  return nsfd;
}

/**
 * cells_lxc_mount_lower:
 * @image_dir: the base image, owned by host root
 * @target: `STATE_DIR/cells/NAME/lower`
 *
 * Mounts @image_dir read-only at @target with its ids shifted by the
 * cell's bases, replacing whatever was mounted there.
 */
gboolean
cells_lxc_mount_lower (const char *image_dir, const char *target,
                       guint32 uid_base, guint32 gid_base, GError **error)
{
  struct mount_attr attr = { 0 };
  int nsfd, tree = -1;
  gboolean ok = FALSE;

  cells_lxc_unmount_lower (target);

  nsfd = open_userns (uid_base, gid_base, error);
  if (nsfd < 0)
    return FALSE;

  tree = syscall (SYS_open_tree, AT_FDCWD, image_dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not open image %s: %s",
                 image_dir, g_strerror (errno));
    goto out;
  }
  attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID;
  attr.userns_fd = nsfd;
  if (syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "The kernel refused an id-mapped mount of %s (%s); cells need Linux 5.19 or later "
                 "and a file system that supports id-mapped mounts.",
                 image_dir, g_strerror (errno));
    goto out;
  }
  if (syscall (SYS_move_mount, tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not mount the image at %s: %s",
                 target, g_strerror (errno));
    goto out;
  }
  ok = TRUE;

out:
  if (tree >= 0)
    close (tree);
  close (nsfd);
  return ok;
}

guint
cells_lxc_unmount_lower (const char *target)
{
  guint n = 0;

  while (umount2 (target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
    n++;
  return n;
}

static struct lxc_container *
open_container (const char *lxcpath, const char *name, GError **error)
{
  struct lxc_container *c = lxc_container_new (name, lxcpath);

  if (c == NULL)
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "LXC could not load the configuration of cell “%s”.", name);
  return c;
}

static char *
last_lxc_error (const char *lxcpath, const char *name)
{
  g_autofree char *log_path = g_build_filename (lxcpath, name, "lxc.log", NULL);
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  const char *found = NULL;

  if (!g_file_get_contents (log_path, &log, NULL, NULL))
    return NULL;
  lines = g_strsplit (log, "\n", -1);
  /* The first error is the cause; the later ones are its echoes. */
  for (guint i = 0; lines[i] != NULL && found == NULL; i++) {
    if (strstr (lines[i], " ERROR ") != NULL)
      found = lines[i];
  }
  return found ? g_strdup (strstr (found, " - ") ? strstr (found, " - ") + 3 : found) : NULL;
}

/**
 * cells_lxc_start:
 * @helper: the cells-lxc-start program
 *
 * Starts the cell's container through @helper, so that liblxc's move of
 * the starting process into the cell's monitor cgroup happens to that
 * short-lived process and never to cellsd. Blocks: for a worker thread.
 * The reason of a failure is the first error of this start's LXC log.
 */
gboolean
cells_lxc_start (const char *lxcpath, const char *name, char *const *argv, const char *helper,
                 pid_t *out_leader, GError **error)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *why = NULL;
  guint64 leader = 0;

  g_ptr_array_add (args, (char *) helper);
  g_ptr_array_add (args, (char *) lxcpath);
  g_ptr_array_add (args, (char *) name);
  g_ptr_array_add (args, "--");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  /* Its stdin is /dev/null: nothing of cellsd's but what it answers on. */
  process = g_subprocess_newv ((const char *const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, error))
    return FALSE;
  if (g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0 &&
      g_ascii_string_to_unsigned (g_strstrip (out), 10, 1, G_MAXINT32, &leader, NULL)) {
    *out_leader = leader;
    return TRUE;
  }
  why = last_lxc_error (lxcpath, name);
  if (why == NULL && err != NULL && *g_strstrip (err) != '\0')
    why = g_strdup (err);
  g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
               "Cell “%s” did not start: %s (see %s/%s/lxc.log).", name,
               why ? why : "LXC gave no reason", lxcpath, name);
  return FALSE;
}

/**
 * cells_lxc_stop:
 * @timeout_s: how long init has to end after its stop signal (lxc.signal.halt)
 *   before it is killed
 *
 * Blocking.
 */
gboolean
cells_lxc_stop (const char *lxcpath, const char *name, int timeout_s, GError **error)
{
  struct lxc_container *c = open_container (lxcpath, name, error);
  gboolean ok = TRUE;

  if (c == NULL)
    return FALSE;
  /* A frozen init cannot answer SIGTERM. */
  if (c->is_running (c) && g_strcmp0 (c->state (c), "FROZEN") == 0)
    c->unfreeze (c);
  if (c->is_running (c) && !c->shutdown (c, timeout_s)) {
    g_message ("Cell “%s” did not end within %d s of its stop signal; killing it", name,
               timeout_s);
    if (!c->stop (c) && c->is_running (c)) {
      g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Cell “%s” could not be stopped.", name);
      ok = FALSE;
    }
  }
  if (ok)
    c->wait (c, "STOPPED", 5);
  lxc_container_put (c);
  return ok;
}

/**
 * cells_lxc_running_leader:
 *
 * Returns: the host pid of the running cell's init, or 0.
 */
pid_t
cells_lxc_running_leader (const char *lxcpath, const char *name)
{
  struct lxc_container *c = lxc_container_new (name, lxcpath);
  pid_t pid = 0;

  if (c == NULL)
    return 0;
  if (c->is_running (c))
    pid = MAX (c->init_pid (c), 0);
  lxc_container_put (c);
  return pid;
}

gboolean
cells_lxc_freeze (const char *lxcpath, const char *name, gboolean freeze, GError **error)
{
  struct lxc_container *c = open_container (lxcpath, name, error);
  gboolean ok;

  if (c == NULL)
    return FALSE;
  ok = freeze ? c->freeze (c) : c->unfreeze (c);
  if (!ok)
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Cell “%s” could not be %s.",
                 name, freeze ? "frozen" : "thawed");
  lxc_container_put (c);
  return ok;
}

/**
 * cells_lxc_set_memory_ceiling:
 * @bytes: the ceiling, 0 for none
 *
 * The running cell's memory.high (cgroup v2: above it the kernel reclaims
 * the cell's memory and slows its allocations) or, with cgroup v1, its
 * memory.soft_limit_in_bytes (reclaimed first under memory pressure).
 * Set on the cell's own cgroup through its LXC monitor: the cell may
 * not write its cgroup's limits, and cannot move them elsewhere.
 */
gboolean
cells_lxc_set_memory_ceiling (const char *lxcpath, const char *name, gboolean cgroup2,
                              guint64 bytes, GError **error)
{
  struct lxc_container *c = open_container (lxcpath, name, error);
  g_autofree char *value = NULL;
  const char *key = cgroup2 ? "memory.high" : "memory.soft_limit_in_bytes";
  gboolean ok;

  if (c == NULL)
    return FALSE;
  value = bytes != 0 ? g_strdup_printf ("%" G_GUINT64_FORMAT, bytes)
                     : g_strdup (cgroup2 ? "max" : "-1");
  ok = c->set_cgroup_item (c, key, value);
  if (!ok)
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "The memory ceiling of cell “%s” could not be set (%s=%s).", name, key, value);
  lxc_container_put (c);
  return ok;
}

/**
 * cells_lxc_memory_current:
 *
 * The memory the running cell uses: its cgroup's memory.current, or
 * memory.usage_in_bytes with cgroup v1.
 */
gboolean
cells_lxc_memory_current (const char *lxcpath, const char *name, gboolean cgroup2,
                          guint64 *out, GError **error)
{
  struct lxc_container *c = open_container (lxcpath, name, error);
  const char *key = cgroup2 ? "memory.current" : "memory.usage_in_bytes";
  char buf[64];
  int n;

  if (c == NULL)
    return FALSE;
  n = c->get_cgroup_item (c, key, buf, sizeof buf);
  lxc_container_put (c);
  if (n <= 0 || n >= (int) sizeof buf) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "The memory use of cell “%s” could not be read (%s).", name, key);
    return FALSE;
  }
  buf[n] = '\0';
  if (!g_ascii_string_to_unsigned (g_strstrip (buf), 10, 0, G_MAXUINT64, out, NULL)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "The memory use of cell “%s” could not be read (%s is “%s”).", name, key, buf);
    return FALSE;
  }
  return TRUE;
}

int
cells_pidfd_open (pid_t pid)
{
  return syscall (SYS_pidfd_open, pid, 0);
}
