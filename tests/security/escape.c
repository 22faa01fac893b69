/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * escape: one attempt of a cell's root to reach out of its cell. Runs
 * inside the cell and prints one verdict line:
 *
 *   refused ERRNO    the call that would have done it failed so (EPERM…)
 *   allowed          it went through (what for depends on the attempt)
 *   closed           a socket's far end hung up on us
 *   open             a socket's far end kept us
 *   count N          how many of something it got (fds, forks)
 *   killed SIGNAL    the child that tried was killed
 *
 * and exits 0, or prints "error WHAT" and exits 2 when the attempt could
 * not even be set up. tests/security/README.md lists the attempts.
 *
 * Each attempt runs in a mount namespace of its own (but link-dir, which
 * changes the cell), after the preparations given before it:
 *
 *   escape [--umount PATH] [--remount-rw PATH] [--mount-proc PATH] ATTEMPT [ARG…]
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/mount.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#endif
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define SCRATCH "/tmp/escape-mnt"

static int
verdict (long ret)
{
  if (ret < 0)
    printf ("refused %s\n", strerrorname_np (errno));
  else
    printf ("allowed\n");
  return 0;
}

static int
fail (const char *what)
{
  printf ("error %s: %s\n", what, strerror (errno));
  return 2;
}

static int
scratch (void)
{
  if (mkdir (SCRATCH, 0700) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

static int
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = write (fd, text, strlen (text));
  close (fd);
  return n < 0 ? -1 : 0;
}

/* Device nodes */

static int
try_mknod (int argc, char **argv)
{
  mode_t type;

  if (argc < 4)
    return fail ("usage: mknod PATH b|c MAJOR MINOR");
  type = argv[1][0] == 'b' ? S_IFBLK : S_IFCHR;
  return verdict (mknod (argv[0], type | 0600, makedev (atoi (argv[2]), atoi (argv[3]))));
}

static int
try_open_node (int argc, char **argv)
{
  int fd;

  if (argc < 1)
    return fail ("usage: open-node PATH");
  fd = open (argv[0], O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    close (fd);
  return verdict (fd);
}

/* Mounts */

static int
try_mount (int argc, char **argv)
{
  if (argc < 2 || scratch () < 0)
    return fail ("usage: mount SOURCE FSTYPE [DATA]");
  return verdict (mount (argv[0], SCRATCH, argv[1], MS_NOSUID, argc > 2 ? argv[2] : NULL));
}

/* A bind mount of the cell's own "/" is still the cell: up past its top
 * is the cell's root again, no host file in sight. */
static int
try_bind_dotdot (int argc, char **argv)
{
  char path[512];

  if (argc < 1 || scratch () < 0)
    return fail ("usage: bind-dotdot HOST-PATH");
  if (mount ("/", SCRATCH, NULL, MS_BIND | MS_REC, NULL) < 0)
    return verdict (-1);
  snprintf (path, sizeof path, SCRATCH "/../../../../..%s", argv[0]);
  return verdict (open (path, O_RDONLY | O_CLOEXEC));
}

/* The overlay takes its redirects and metacopy from trusted.overlay.*
 * xattrs: forged, they would point a file of the cell at any file of the
 * lower or upper directory's file system. */
static int
try_overlay_xattr (int argc, char **argv)
{
  static const char to[] = "/../../../../../../etc";

  if (argc < 1)
    return fail ("usage: overlay-xattr PATH");
  if (mkdir (argv[0], 0755) < 0 && errno != EEXIST)
    return fail ("mkdir");
  return verdict (setxattr (argv[0], "trusted.overlay.redirect", to, sizeof to - 1, 0));
}

/* Appends to a file of the base image: it must land in the cell's layer. */
static int
try_append (int argc, char **argv)
{
  int fd;

  if (argc < 1)
    return fail ("usage: append PATH");
  fd = open (argv[0], O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0)
    return verdict (-1);
  if (write (fd, "x", 1) != 1) {
    close (fd);
    return verdict (-1);
  }
  close (fd);
  return verdict (0);
}

/* chroot into a subdirectory, then up past it: still the cell's "/". */
static int
try_chroot_dotdot (int argc, char **argv)
{
  struct stat before, after;

  if (argc < 1)
    return fail ("usage: chroot-dotdot HOST-PATH");
  if (stat ("/", &before) < 0 || scratch () < 0)
    return fail ("stat /");
  if (chdir ("/") < 0 || chroot (SCRATCH) < 0)
    return verdict (-1);
  for (int i = 0; i < 64; i++)
    if (chdir ("..") < 0)
      return fail ("chdir ..");
  if (chroot (".") < 0 || stat ("/", &after) < 0)
    return fail ("chroot .");
  if (after.st_ino != before.st_ino || after.st_dev != before.st_dev)
    return verdict (0);
  return verdict (open (argv[0], O_RDONLY | O_CLOEXEC));
}

/* Writes: /proc/sys, /sys, the cgroups */

static int
try_write (int argc, char **argv)
{
  if (argc < 2)
    return fail ("usage: write PATH TEXT");
  return verdict (write_file (argv[0], argv[1]));
}

/* Mounts the cell's own view of a cgroup hierarchy (its cgroup namespace
 * allows that) and writes FILE of the cell's own cgroup there. */
static int
try_cgroup_write (int argc, char **argv)
{
  char path[256];
  int v2;

  if (argc < 3 || scratch () < 0)
    return fail ("usage: cgroup-write CONTROLLER|unified FILE TEXT");
  v2 = strcmp (argv[0], "unified") == 0;
  if (mount ("cgroup", SCRATCH, v2 ? "cgroup2" : "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC,
             v2 ? NULL : argv[0]) < 0)
    return fail ("mount cgroup");
  snprintf (path, sizeof path, SCRATCH "/%s", argv[1]);
  return verdict (write_file (path, argv[2]));
}

/* Other processes: host pids mean nothing in the cell's pid namespace */

static int
try_signal (int argc, char **argv)
{
  if (argc < 1)
    return fail ("usage: kill PID");
  return verdict (kill (atoi (argv[0]), SIGKILL));
}

static int
try_ptrace (int argc, char **argv)
{
  if (argc < 1)
    return fail ("usage: ptrace PID");
  return verdict (ptrace (PTRACE_ATTACH, atoi (argv[0]), 0, 0));
}

static int
try_vm_readv (int argc, char **argv)
{
  char buf[64];
  struct iovec local = { buf, sizeof buf }, remote = { (void *) 0x400000, sizeof buf };

  if (argc < 1)
    return fail ("usage: vm-readv PID");
  return verdict (process_vm_readv (atoi (argv[0]), &local, 1, &remote, 1, 0));
}

static int
try_pidfd (int argc, char **argv)
{
  if (argc < 1)
    return fail ("usage: pidfd PID");
  return verdict (syscall (SYS_pidfd_open, atoi (argv[0]), 0));
}

static int
try_proc_root (int argc, char **argv)
{
  char path[256];

  if (argc < 2)
    return fail ("usage: proc-root PID PATH");
  snprintf (path, sizeof path, "/proc/%s/root%s", argv[0], argv[1]);
  return verdict (open (path, O_RDONLY | O_CLOEXEC));
}

/* A handle for inode 2 of ext4, the root of the host's file system, as
 * the "shocker" escape forged them. */
static int
try_open_by_handle (int argc, char **argv)
{
  struct {
    struct file_handle fh;
    unsigned char      body[8];
  } h = { .fh = { .handle_bytes = 8, .handle_type = 1 } };
  uint32_t ino = 2;

  memcpy (h.body, &ino, sizeof ino);
  return verdict (syscall (SYS_open_by_handle_at, AT_FDCWD, &h.fh, O_RDONLY));
}

/* Sockets: seats and the bus */

static int
connect_unix (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  snprintf (addr.sun_path, sizeof addr.sun_path, "%s", path);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
    close (fd);
    return -1;
  }
  return fd;
}

/* Connects and waits a second for the server to hang up. */
static int
try_seat (int argc, char **argv)
{
  struct timeval tv = { .tv_sec = 1 };
  char c;
  ssize_t n;
  int fd;

  if (argc < 1)
    return fail ("usage: seat PATH");
  fd = connect_unix (argv[0]);
  if (fd < 0)
    return verdict (-1);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  n = read (fd, &c, 1);
  printf (n == 0 || (n < 0 && errno == ECONNRESET) ? "closed\n" : "open\n");
  close (fd);
  return 0;
}

/* The D-Bus handshake as root of the cell: the bus must turn it away. */
static int
try_bus (int argc, char **argv)
{
  static const char auth[] = "AUTH EXTERNAL 30\r\n";
  char reply[256] = "";
  ssize_t n;
  int fd;

  if (argc < 1)
    return fail ("usage: bus PATH");
  fd = connect_unix (argv[0]);
  if (fd < 0)
    return verdict (-1);
  if (write (fd, "", 1) != 1 || write (fd, auth, sizeof auth - 1) != sizeof auth - 1) {
    printf ("closed\n");
    return 0;
  }
  n = read (fd, reply, sizeof reply - 1);
  close (fd);
  if (n <= 0)
    printf ("closed\n");
  else
    printf (strncmp (reply, "OK", 2) == 0 ? "allowed\n" : "closed\n");
  return 0;
}

static int
try_create (int argc, char **argv)
{
  if (argc < 1)
    return fail ("usage: create PATH");
  return verdict (open (argv[0], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
}

static int
try_unlink (int argc, char **argv)
{
  if (argc < 1)
    return fail ("usage: unlink PATH");
  return verdict (unlink (argv[0]));
}

/* What the kernel does not namespace */

static int
try_add_key (int argc, char **argv)
{
  return verdict (syscall (SYS_add_key, "user", "escape", "x", 1, KEY_SPEC_USER_KEYRING));
}

static int
try_keyctl (int argc, char **argv)
{
  return verdict (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
}

static int
try_request_key (int argc, char **argv)
{
  return verdict (syscall (SYS_request_key, "user", "escape", NULL, KEY_SPEC_USER_KEYRING));
}

static int
try_bpf (int argc, char **argv)
{
  union bpf_attr attr = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4,
                          .max_entries = 1 };

  return verdict (syscall (SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
}

static int
try_perf (int argc, char **argv)
{
  struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof attr,
                                  .config = PERF_COUNT_SW_CPU_CLOCK };

  /* Every process on one CPU: what only the host may watch. */
  return verdict (syscall (SYS_perf_event_open, &attr, -1, 0, -1, 0));
}

static int
try_userfaultfd (int argc, char **argv)
{
  return verdict (syscall (SYS_userfaultfd, O_CLOEXEC));
}

static int
try_init_module (int argc, char **argv)
{
  static const char not_elf[] = "not a module";

  return verdict (syscall (SYS_init_module, not_elf, sizeof not_elf, ""));
}

static int
try_finit_module (int argc, char **argv)
{
  int fd = open ("/bin/busybox", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return fail ("open /bin/busybox");
  return verdict (syscall (SYS_finit_module, fd, "", 0));
}

static int
try_delete_module (int argc, char **argv)
{
  if (argc < 1)
    return fail ("usage: delete-module NAME");
  return verdict (syscall (SYS_delete_module, argv[0], O_NONBLOCK));
}

static int
try_kexec (int argc, char **argv)
{
  return verdict (syscall (SYS_kexec_load, 0, 0, NULL, 0));
}

static int
try_swapon (int argc, char **argv)
{
  static char page[4096];
  int fd = open ("/tmp/escape-swap", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0)
    return fail ("open /tmp/escape-swap");
  for (int i = 0; i < 16; i++)
    if (write (fd, page, sizeof page) != sizeof page)
      return fail ("write /tmp/escape-swap");
  close (fd);
  return verdict (swapon ("/tmp/escape-swap", 0));
}

/* A day ahead: whoever gets through moves the phone's clock. */
static int
try_clock_settime (int argc, char **argv)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  ts.tv_sec += 86400;
  return verdict (clock_settime (CLOCK_REALTIME, &ts));
}

static int
try_settimeofday (int argc, char **argv)
{
  struct timeval tv;

  gettimeofday (&tv, NULL);
  tv.tv_sec += 86400;
  return verdict (settimeofday (&tv, NULL));
}

static int
try_adjtimex (int argc, char **argv)
{
  struct timex tx = { .modes = ADJ_OFFSET_SINGLESHOT, .offset = 500000 };

  return verdict (adjtimex (&tx));
}

static int
try_sethostname (int argc, char **argv)
{
  if (argc < 1)
    return fail ("usage: sethostname NAME");
  return verdict (sethostname (argv[0], strlen (argv[0])));
}

static int
try_reboot (int argc, char **argv)
{
  /* Harmless even where allowed: only switches Ctrl-Alt-Del's meaning. */
  return verdict (syscall (SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
                           LINUX_REBOOT_CMD_CAD_OFF, NULL));
}

static int
try_iopl (int argc, char **argv)
{
#if defined(__x86_64__) || defined(__i386__)
  return verdict (iopl (3));
#else
  /* Port I/O is x86's; elsewhere there is no such call to refuse. */
  errno = ENOSYS;
  return verdict (-1);
#endif
}

static int
try_syslog (int argc, char **argv)
{
  char buf[256];

  return verdict (klogctl (3, buf, sizeof buf));
}

/* User namespaces: a new one maps only ids the cell has. */

static int
write_maps (const char *uid_map)
{
  if (write_file ("/proc/self/uid_map", uid_map) < 0)
    return -1;
  if (write_file ("/proc/self/setgroups", "deny") < 0)
    return -1;
  return write_file ("/proc/self/gid_map", "0 0 1");
}

static int
try_userns (int argc, char **argv)
{
  int fd;

  if (argc < 2)
    return fail ("usage: userns UID-MAP FILE");
  if (unshare (CLONE_NEWUSER) < 0)
    return verdict (-1);
  if (write_maps (argv[0]) < 0)
    return verdict (-1);
  fd = open (argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail ("create FILE");
  close (fd);
  return verdict (0);
}

/* Resources */

static int
try_rlimit (int argc, char **argv)
{
  struct rlimit rl;
  int resource;

  if (argc < 1)
    return fail ("usage: rlimit nofile|memlock");
  resource = strcmp (argv[0], "nofile") == 0 ? RLIMIT_NOFILE : RLIMIT_MEMLOCK;
  if (getrlimit (resource, &rl) < 0)
    return fail ("usage: rlimit nofile|memlock");
  if (rl.rlim_max == RLIM_INFINITY)
    return fail ("the hard limit is already infinite");
  rl.rlim_max += 1;
  return verdict (setrlimit (resource, &rl));
}

/* Forks children that wait until the cell's task limit stops a fork;
 * prints how many it made, then ends them all. */
static int
try_fork_bomb (int argc, char **argv)
{
  int max = argc > 0 ? atoi (argv[0]) : 4096;
  int gate[2], n = 0, err = 0;

  if (pipe2 (gate, O_CLOEXEC) < 0)
    return fail ("pipe");
  for (; n < max; n++) {
    pid_t pid = fork ();
    char c;

    if (pid == 0) {
      close (gate[1]);
      if (read (gate[0], &c, 1) < 0)
        _exit (1);
      _exit (0);
    }
    if (pid < 0) {
      err = errno;
      break;
    }
  }
  close (gate[1]);
  while (wait (NULL) > 0)
    ;
  errno = err;
  if (err != 0)
    printf ("refused %s after %d\n", strerrorname_np (err), n);
  else
    printf ("count %d\n", n);
  return 0;
}

/* A child touches MEGABYTES of memory; the cell's memory limit must kill
 * it before it is done. */
static int
try_memory_hog (int argc, char **argv)
{
  size_t size = (size_t) (argc > 0 ? atoi (argv[0]) : 512) << 20;
  int status;
  pid_t pid;

  pid = fork ();
  if (pid == 0) {
    char *p = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
      _exit (3);
    for (size_t i = 0; i < size; i += 4096)
      p[i] = 1;
    _exit (0);
  }
  if (pid < 0 || waitpid (pid, &status, 0) < 0)
    return fail ("fork");
  if (WIFSIGNALED (status))
    printf ("killed %s\n", sigabbrev_np (WTERMSIG (status)));
  else
    printf ("exited %d\n", WEXITSTATUS (status));
  return 0;
}

/* What `cellsctl exec` brings in */

/* Descriptors beyond 0, 1 and 2 that this process holds. */
static int
try_fds (int argc, char **argv)
{
  int n = 0;

  for (int fd = 3; fd < 1024; fd++)
    if (fcntl (fd, F_GETFD) >= 0) {
      char path[64], target[256] = "";

      snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
      if (readlink (path, target, sizeof target - 1) < 0)
        strcpy (target, "?");
      fprintf (stderr, "fd %d -> %s\n", fd, target);
      n++;
    }
  printf ("count %d\n", n);
  return 0;
}

/* Types TEXT into the terminal on stdin, as the TIOCSTI escape did. */
static int
try_tiocsti (int argc, char **argv)
{
  char name[64];

  if (argc < 1)
    return fail ("usage: tiocsti TEXT");
  if (ttyname_r (0, name, sizeof name) != 0)
    return verdict (-1);
  fprintf (stderr, "terminal %s\n", name);
  for (const char *p = argv[0]; *p != '\0'; p++)
    if (ioctl (0, TIOCSTI, p) < 0)
      return verdict (-1);
  return verdict (0);
}

/* Replaces DIR (unmounting what is on it first) with a link to TARGET. */
static int
try_link_dir (int argc, char **argv)
{
  char cmd[512];

  if (argc < 2)
    return fail ("usage: link-dir DIR TARGET");
  umount2 (argv[0], MNT_DETACH);
  snprintf (cmd, sizeof cmd, "umount -l %s/* 2>/dev/null; rm -rf %s", argv[0], argv[0]);
  if (system (cmd) != 0)
    return fail ("rm");
  return verdict (symlink (argv[1], argv[0]));
}

/* Preparations: what a cell's root may do to its own mounts before an
 * attempt (they are the cell's, not the host's). */
static int
prepare (const char *what, const char *path)
{
  if (strcmp (what, "--umount") == 0)
    return umount2 (path, MNT_DETACH);
  if (strcmp (what, "--remount-rw") == 0) {
    if (mount (NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL) < 0)
      return -1;
    /* The file system too, where the cell may: else the mount alone. */
    if (mount (NULL, path, NULL, MS_REMOUNT, NULL) < 0)
      fprintf (stderr, "escape: remounting %s's file system: %s\n", path, strerror (errno));
    return 0;
  }
  if (strcmp (what, "--mount-proc") == 0)
    return mount ("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  errno = EINVAL;
  return -1;
}

static const struct {
  const char *name;
  int       (*try) (int argc, char **argv);
  int         in_cell_mounts;   /* acts on the cell's own mount namespace */
} attempts[] = {
  { "mknod", try_mknod, 0 },
  { "open-node", try_open_node, 0 },
  { "mount", try_mount, 0 },
  { "bind-dotdot", try_bind_dotdot, 0 },
  { "overlay-xattr", try_overlay_xattr, 0 },
  { "append", try_append, 0 },
  { "chroot-dotdot", try_chroot_dotdot, 0 },
  { "write", try_write, 0 },
  { "cgroup-write", try_cgroup_write, 0 },
  { "kill", try_signal, 0 },
  { "ptrace", try_ptrace, 0 },
  { "vm-readv", try_vm_readv, 0 },
  { "pidfd", try_pidfd, 0 },
  { "proc-root", try_proc_root, 0 },
  { "open-by-handle", try_open_by_handle, 0 },
  { "seat", try_seat, 0 },
  { "bus", try_bus, 0 },
  { "create", try_create, 0 },
  { "unlink", try_unlink, 0 },
  { "add-key", try_add_key, 0 },
  { "keyctl", try_keyctl, 0 },
  { "request-key", try_request_key, 0 },
  { "bpf", try_bpf, 0 },
  { "perf-event-open", try_perf, 0 },
  { "userfaultfd", try_userfaultfd, 0 },
  { "init-module", try_init_module, 0 },
  { "finit-module", try_finit_module, 0 },
  { "delete-module", try_delete_module, 0 },
  { "kexec", try_kexec, 0 },
  { "swapon", try_swapon, 0 },
  { "clock-settime", try_clock_settime, 0 },
  { "settimeofday", try_settimeofday, 0 },
  { "adjtimex", try_adjtimex, 0 },
  { "sethostname", try_sethostname, 0 },
  { "reboot", try_reboot, 0 },
  { "iopl", try_iopl, 0 },
  { "syslog", try_syslog, 0 },
  { "userns", try_userns, 0 },
  { "rlimit", try_rlimit, 0 },
  { "fork-bomb", try_fork_bomb, 0 },
  { "memory-hog", try_memory_hog, 0 },
  { "fds", try_fds, 0 },
  { "tiocsti", try_tiocsti, 0 },
  { "link-dir", try_link_dir, 1 },
};

int
main (int argc, char **argv)
{
  int first = 1;

  setvbuf (stdout, NULL, _IOLBF, 0);
  while (first + 1 < argc && strncmp (argv[first], "--", 2) == 0)
    first += 2;
  for (size_t i = 0; first < argc && i < sizeof attempts / sizeof attempts[0]; i++) {
    if (strcmp (argv[first], attempts[i].name) != 0)
      continue;
    /* Mounts an attempt makes stay its own: the cell is as it was. */
    if (!attempts[i].in_cell_mounts &&
        (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0))
      return fail ("a mount namespace of its own");
    for (int p = 1; p < first; p += 2)
      if (prepare (argv[p], argv[p + 1]) < 0)
        return fail (argv[p]);
    return attempts[i].try (argc - first - 1, argv + first + 1);
  }
  fprintf (stderr, "usage: escape [--PREPARATION PATH…] ATTEMPT [ARG…]\n");
  return 2;
}
