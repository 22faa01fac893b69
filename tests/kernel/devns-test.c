/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * In the qemu guest: what device namespaces (kernel/patches) do, seen
 * from userspace, as TAP.
 *
 *   devns-test          on a kernel with CONFIG_DEV_NS=y
 *   devns-test --off    on the same sources with CONFIG_DEV_NS=n: evdev
 *                       and the LED class behave as upstream
 *
 * Cells are pid namespaces under the initial one, each with an init that
 * waits on a pipe. Work "in a cell" is done by a child forked after
 * setns(CLONE_NEWPID) into the cell's namespace. A uinput keyboard is the
 * input device and a uleds LED the LED, so the test reads what reaches
 * the "hardware".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <linux/nsfs.h>
#include <linux/uinput.h>
#include <linux/uleds.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef NS_SET_ACTIVE_DEVNS
#define NS_SET_ACTIVE_DEVNS _IO (NSIO, 0x40)
#endif
#ifndef EVIOCSDEVNS
#define EVIOCSDEVNS _IOW ('E', 0x94, int)
#endif

#define LED_NAME "devns:test"

struct cell {
  pid_t init;   /* in the initial namespace */
  int nsfd;     /* its pid namespace */
  int hold;     /* closing it ends the cell */
  unsigned long inum;
};

static int test_number;
static int failures;
static int self_nsfd = -1;

static void
die (const char *what)
{
  printf ("Bail out! %s: %s\n", what, strerror (errno));
  exit (1);
}

static void
check (bool ok, const char *format, ...)
{
  va_list ap;

  printf ("%s %d - ", ok ? "ok" : "not ok", ++test_number);
  va_start (ap, format);
  vprintf (format, ap);
  va_end (ap);
  printf ("\n");
  fflush (stdout);
  if (!ok)
    failures++;
}

static unsigned long
inode_of (const char *path)
{
  struct stat st;

  if (stat (path, &st) < 0)
    die (path);
  return st.st_ino;
}

static void
cell_start (struct cell *c)
{
  char path[64];
  int p[2];

  if (pipe2 (p, O_CLOEXEC) < 0)
    die ("pipe");
  c->init = syscall (SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, NULL);
  if (c->init < 0)
    die ("clone");
  if (c->init == 0) {
    char byte;

    /* Only this cell's pipe: the others must see their end closed. */
    close_range (3, p[0] - 1, 0);
    close_range (p[0] + 1, ~0U, 0);
    while (read (p[0], &byte, 1) < 0 && errno == EINTR)
      ;
    _exit (0);
  }
  close (p[0]);
  c->hold = p[1];
  snprintf (path, sizeof path, "/proc/%d/ns/pid", c->init);
  c->nsfd = open (path, O_RDONLY | O_CLOEXEC);
  if (c->nsfd < 0)
    die (path);
  c->inum = inode_of (path);
}

static void
cell_stop (struct cell *c)
{
  close (c->hold);
  if (waitpid (c->init, NULL, 0) < 0)
    die ("waitpid");
}

/* Runs fn(arg) in a child in the cell's pid namespace (NULL: the initial
 * one); returns what it returns, or -1. */
static int
run_in (struct cell *c, int (*fn) (void *), void *arg)
{
  int status;
  pid_t pid;

  if (c && setns (c->nsfd, CLONE_NEWPID) < 0)
    die ("setns");
  pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    _exit (fn (arg));
  if (c && setns (self_nsfd, CLONE_NEWPID) < 0)
    die ("setns back");
  if (waitpid (pid, &status, 0) < 0)
    die ("waitpid");
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* Opening a file in a cell: the child sends the descriptor back. */
struct open_args {
  const char *path;
  int sock;
};

static int
open_child (void *data)
{
  struct open_args *a = data;
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  char byte = 0;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  int fd = open (a->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    return 1;
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof fd);
  return sendmsg (a->sock, &msg, 0) == 1 ? 0 : 1;
}

static int
open_in (struct cell *c, const char *path)
{
  char control[CMSG_SPACE (sizeof (int))];
  char byte;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = control, .msg_controllen = sizeof control };
  struct open_args a = { .path = path };
  int sv[2], fd;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    die ("socketpair");
  a.sock = sv[1];
  if (run_in (c, open_child, &a) != 0 || recvmsg (sv[0], &msg, 0) != 1 ||
      CMSG_FIRSTHDR (&msg) == NULL)
    die (path);
  memcpy (&fd, CMSG_DATA (CMSG_FIRSTHDR (&msg)), sizeof fd);
  close (sv[0]);
  close (sv[1]);
  return fd;
}

/* Input */

static int
keyboard_create (char *node, size_t size)
{
  struct uinput_setup setup = { .id = { .bustype = BUS_VIRTUAL, .vendor = 1, .product = 1 } };
  char sysname[64] = "", dir[128];
  int fd = open ("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    die ("/dev/uinput");
  strcpy (setup.name, "devns test keyboard");
  if (ioctl (fd, UI_SET_EVBIT, EV_KEY) < 0 || ioctl (fd, UI_SET_KEYBIT, KEY_A) < 0 ||
      ioctl (fd, UI_DEV_SETUP, &setup) < 0 || ioctl (fd, UI_DEV_CREATE) < 0 ||
      ioctl (fd, UI_GET_SYSNAME (sizeof sysname), sysname) < 0)
    die ("uinput");
  for (int i = 0; i < 64; i++) {
    snprintf (dir, sizeof dir, "/sys/devices/virtual/input/%s/event%d", sysname, i);
    if (access (dir, F_OK) == 0) {
      snprintf (node, size, "/dev/input/event%d", i);
      for (int tries = 0; tries < 100 && access (node, F_OK) < 0; tries++)
        usleep (10000);
      return fd;
    }
  }
  errno = ENOENT;
  die ("no event device for the uinput keyboard");
  return -1;
}

static void
key (int keyboard, int value)
{
  struct input_event ev[2] = {
    { .type = EV_KEY, .code = KEY_A, .value = value },
    { .type = EV_SYN, .code = SYN_REPORT },
  };

  if (write (keyboard, ev, sizeof ev) != sizeof ev)
    die ("uinput write");
}

static void
press (int keyboard)
{
  key (keyboard, 1);
  key (keyboard, 0);
}

/* What a reader has received since the last look. */
struct received {
  bool key_a;
  bool syn_dropped;
  bool hangup;
};

static struct received
drain (int fd)
{
  struct received r = { 0 };
  struct input_event ev;
  ssize_t n;

  while ((n = read (fd, &ev, sizeof ev)) == sizeof ev) {
    if (ev.type == EV_KEY && ev.code == KEY_A)
      r.key_a = true;
    if (ev.type == EV_SYN && ev.code == SYN_DROPPED)
      r.syn_dropped = true;
  }
  if (n < 0 && errno != EAGAIN)
    r.hangup = true;
  return r;
}

static bool
gets_key (int fd)
{
  struct received r = drain (fd);

  return r.key_a && !r.hangup;
}

static bool
key_a_down (int fd)
{
  unsigned char bits[KEY_MAX / 8 + 1] = { 0 };

  if (ioctl (fd, EVIOCGKEY (sizeof bits), bits) < 0)
    die ("EVIOCGKEY");
  return bits[KEY_A / 8] & (1 << (KEY_A % 8));
}

/* Device namespaces */

static int
activate (struct cell *c)
{
  return ioctl (c ? c->nsfd : self_nsfd, NS_SET_ACTIVE_DEVNS) < 0 ? errno : 0;
}

static unsigned long
sys_number (const char *path, int field)
{
  unsigned long long v[2] = { 0, 0 };
  FILE *f = fopen (path, "re");

  if (!f)
    die (path);
  if (fscanf (f, "%llu %llu", &v[0], &v[1]) < 1)
    die (path);
  fclose (f);
  return v[field];
}

struct ioctl_args {
  int fd;
  unsigned long request;
  int arg;
};

static int
ioctl_child (void *data)
{
  struct ioctl_args *a = data;

  return ioctl (a->fd, a->request, &a->arg) < 0 ? errno : 0;
}

static int
ioctl_child_unprivileged (void *data)
{
  if (setresuid (65534, 65534, 65534) < 0)
    return 255;
  return ioctl_child (data);
}

/* LEDs */

static int
led_create (void)
{
  struct uleds_user_dev dev = { .name = LED_NAME, .max_brightness = 255 };
  int fd = open ("/dev/uleds", O_RDWR | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    die ("/dev/uleds");
  if (write (fd, &dev, sizeof dev) != sizeof dev)
    die ("uleds");
  return fd;
}

/* The brightness the LED "hardware" was last set to, or -1 if unchanged. */
static int
led_changed (int led)
{
  struct pollfd p = { .fd = led, .events = POLLIN };
  int value = -1, v;

  while (poll (&p, 1, 200) == 1 && read (led, &v, sizeof v) == sizeof v)
    value = v;
  return value;
}

static int
led_write_child (void *data)
{
  int fd = open ("/sys/class/leds/" LED_NAME "/brightness", O_WRONLY | O_CLOEXEC);
  const char *value = data;

  if (fd < 0)
    return 1;
  if (write (fd, value, strlen (value)) != (ssize_t) strlen (value))
    return 2;
  close (fd);
  return 0;
}

static int
led_read_child (void *data)
{
  FILE *f = fopen ("/sys/class/leds/" LED_NAME "/brightness", "re");
  int v = -1;

  (void) data;
  if (!f || fscanf (f, "%d", &v) != 1)
    return 255;
  fclose (f);
  return v;
}

static void
test_on (int keyboard, const char *node, struct cell *a, struct cell *b)
{
  const char *active = "/sys/kernel/dev_ns/active", *changed = "/sys/kernel/dev_ns/changed";
  int r0 = open (node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  int ra = open_in (a, node), rb = open_in (b, node);
  unsigned long count, when;
  struct ioctl_args args;
  struct cell stale;
  int led, tagged;

  if (r0 < 0)
    die (node);

  check (sys_number (active, 0) == inode_of ("/proc/self/ns/pid"),
         "at boot the initial namespace is active");
  count = sys_number (changed, 1);
  press (keyboard);
  check (gets_key (r0) && !gets_key (ra) && !gets_key (rb),
         "with the initial namespace active, only its readers get keys");

  check (activate (a) == 0, "the initial namespace activates cell A");
  check (sys_number (active, 0) == a->inum, "%s names cell A", active);
  check (sys_number (changed, 1) == count + 1, "%s counts the activation", changed);
  when = sys_number (changed, 0);
  press (keyboard);
  check (gets_key (r0) && gets_key (ra) && !gets_key (rb),
         "cell A active: A's reader and the initial one get keys, B's does not");

  check (activate (b) == 0 && sys_number (active, 0) == b->inum, "switch to cell B");
  check (sys_number (changed, 0) > when, "%s tells when it changed", changed);
  press (keyboard);
  check (gets_key (rb) && gets_key (r0) && !gets_key (ra),
         "cell B active: B's reader gets keys on the same fd, A's gets nothing");
  check (activate (b) == 0 && sys_number (changed, 1) == count + 2,
         "activating the active namespace again changes nothing");

  /* Back in front, a reader learns it missed events, as after an overflow. */
  check (activate (a) == 0 && drain (ra).syn_dropped && !drain (rb).syn_dropped,
         "a reader whose namespace comes back gets SYN_DROPPED at once");
  check (activate (b) == 0, "switch to cell B again");

  /* Key state is hidden from the background. */
  key (keyboard, 1);
  check (key_a_down (rb) && !key_a_down (ra) && key_a_down (r0),
         "EVIOCGKEY shows a held key to B and the initial namespace, not to A");
  key (keyboard, 0);
  drain (r0), drain (ra), drain (rb);

  /* Grabs. */
  check (ioctl (ra, EVIOCGRAB, 1) == 0, "A's reader grabs the keyboard from the background");
  press (keyboard);
  check (gets_key (rb) && gets_key (r0) && !gets_key (ra),
         "a grab from the background does not starve the active cell");
  check (ioctl (ra, EVIOCGRAB, 0) == 0 && ioctl (rb, EVIOCGRAB, 1) == 0,
         "B's reader grabs the keyboard in front");
  press (keyboard);
  check (gets_key (rb) && gets_key (r0) && !gets_key (ra),
         "B's grab holds against A; the initial namespace still sees the keys");
  ioctl (rb, EVIOCGRAB, 0);

  /* Only the initial namespace with CAP_SYS_ADMIN chooses. */
  args = (struct ioctl_args) { .fd = b->nsfd, .request = NS_SET_ACTIVE_DEVNS };
  check (run_in (a, ioctl_child, &args) == EPERM,
         "root in cell A cannot activate a namespace (EPERM)");
  args.fd = a->nsfd;
  check (run_in (NULL, ioctl_child_unprivileged, &args) == EPERM,
         "the initial namespace without CAP_SYS_ADMIN cannot either (EPERM)");
  args = (struct ioctl_args) { .fd = ra, .request = EVIOCSDEVNS, .arg = b->nsfd };
  check (run_in (a, ioctl_child, &args) == EPERM,
         "root in cell A cannot move a reader to another namespace (EPERM)");
  check (sys_number (active, 0) == b->inum, "cell B is still active");

  /* A seat manager opens for a cell and says whose the reader is. */
  tagged = open (node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  check (ioctl (tagged, EVIOCSDEVNS, &a->nsfd) == 0,
         "the initial namespace gives a reader it opened to cell A");
  press (keyboard);
  check (!gets_key (tagged), "that reader gets nothing while B is active");
  activate (a);
  drain (tagged);
  press (keyboard);
  check (gets_key (tagged), "and gets keys once A is active");

  /* A stale handle: the cell's init has exited. */
  cell_start (&stale);
  cell_stop (&stale);
  check (activate (&stale) == ESRCH, "a namespace whose init has exited is refused (ESRCH)");
  check (ioctl (tagged, EVIOCSDEVNS, &stale.nsfd) < 0 && errno == ESRCH,
         "and cannot be given readers (ESRCH)");
  check (sys_number (active, 0) == a->inum, "cell A is still active");
  close (stale.nsfd);

  /* LEDs: a write from the background is kept until its namespace is active. */
  led = led_create ();
  led_changed (led);
  check (activate (b) == 0, "switch to cell B for the LED");
  check (run_in (a, led_write_child, "100") == 0 && led_changed (led) == -1,
         "brightness written from background cell A does not reach the LED");
  check (run_in (a, led_read_child, NULL) == 100 && run_in (NULL, led_read_child, NULL) == 0,
         "A reads back its 100, the initial namespace reads the LED's 0");
  check (run_in (b, led_write_child, "7") == 0 && led_changed (led) == 7,
         "brightness written from active cell B reaches the LED at once");
  check (activate (a) == 0 && led_changed (led) == 100,
         "activating A applies the 100 it wrote");
  check (activate (b) == 0 && led_changed (led) == 7, "and B's 7 comes back with B");
  check (run_in (NULL, led_write_child, "42") == 0 && led_changed (led) == 42,
         "the initial namespace writes through whatever is active");
  check (activate (NULL) == 0 && sys_number (active, 0) == inode_of ("/proc/self/ns/pid"),
         "the initial namespace can be activated again");

  close (led);
  close (tagged);
  close (r0);
  close (ra);
  close (rb);
}

static void
test_off (int keyboard, const char *node, struct cell *a, struct cell *b)
{
  int r0 = open (node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  int ra = open_in (a, node), rb = open_in (b, node);
  int led;

  if (r0 < 0)
    die (node);
  check (access ("/sys/kernel/dev_ns", F_OK) < 0, "there is no /sys/kernel/dev_ns");
  check (activate (a) == ENOTTY, "NS_SET_ACTIVE_DEVNS is unknown (ENOTTY)");
  check (ioctl (r0, EVIOCSDEVNS, &a->nsfd) < 0 && errno == EINVAL,
         "EVIOCSDEVNS is unknown to evdev (EINVAL, as upstream)");
  press (keyboard);
  check (gets_key (r0) && gets_key (ra) && gets_key (rb), "every reader gets the keys");
  key (keyboard, 1);
  check (key_a_down (ra) && key_a_down (rb), "every reader sees a held key");
  key (keyboard, 0);
  drain (r0), drain (ra), drain (rb);
  check (ioctl (ra, EVIOCGRAB, 1) == 0, "A's reader grabs the keyboard");
  press (keyboard);
  check (gets_key (ra) && !gets_key (rb) && !gets_key (r0), "the grab is exclusive");
  ioctl (ra, EVIOCGRAB, 0);

  led = led_create ();
  led_changed (led);
  check (run_in (a, led_write_child, "100") == 0 && led_changed (led) == 100,
         "brightness written from a cell reaches the LED at once");
  check (run_in (b, led_read_child, NULL) == 100, "and every cell reads it back");
  close (led);
  close (r0);
  close (ra);
  close (rb);
}

int
main (int argc, char **argv)
{
  bool off = argc > 1 && strcmp (argv[1], "--off") == 0;
  struct cell a, b;
  char node[64];
  int keyboard;

  setvbuf (stdout, NULL, _IOLBF, 0);
  printf ("TAP version 13\n");
  self_nsfd = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  if (self_nsfd < 0)
    die ("/proc/self/ns/pid");
  keyboard = keyboard_create (node, sizeof node);
  cell_start (&a);
  cell_start (&b);

  if (off)
    test_off (keyboard, node, &a, &b);
  else
    test_on (keyboard, node, &a, &b);

  cell_stop (&a);
  cell_stop (&b);
  close (keyboard);
  printf ("1..%d\n", test_number);
  return failures ? 1 : 0;
}
