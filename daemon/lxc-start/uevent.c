/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The uevent mode of cells-lxc-start: hands one udev message (read from
 * stdin, as cellsd made it) to the libudev monitors of a running cell.
 *
 * A cell has its own network namespace, so the host's uevents never
 * reach it, and libudev takes a message only from root of the receiver's
 * user namespace. So this process joins the network and user namespaces
 * of the cell's init (through the pidfd cellsd passes as fd 3), becomes
 * the cell's root there, and sends the message to the udev multicast
 * group of the cell's uevent socket. It never joins the cell's pid or
 * mount namespace: no process of the cell can see, trace or signal it,
 * and it is not dumpable anyway; what it holds of the host is the
 * message and cellsd's log.
 */
#include "uevent.h"

#include <errno.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_MESSAGE 8192

int
cells_uevent_send (int pidfd)
{
  struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_groups = 2 };
  static char message[MAX_MESSAGE];
  size_t len = 0;
  ssize_t n;
  int sock;

  prctl (PR_SET_DUMPABLE, 0);
  while (len < sizeof message && (n = read (STDIN_FILENO, message + len, sizeof message - len)) > 0)
    len += n;
  if (len < 32 || len == sizeof message || memcmp (message, "libudev", 8) != 0) {
    fprintf (stderr, "cells-lxc-start: the uevent is not a udev message\n");
    return 1;
  }
  if (setns (pidfd, CLONE_NEWNET | CLONE_NEWUSER) < 0) {
    fprintf (stderr, "cells-lxc-start: cannot join the cell: %s\n", strerror (errno));
    return 1;
  }
  close (pidfd);
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0) {
    fprintf (stderr, "cells-lxc-start: cannot be the cell's root: %s\n", strerror (errno));
    return 1;
  }
  sock = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
  if (sock < 0) {
    fprintf (stderr, "cells-lxc-start: uevent socket: %s\n", strerror (errno));
    return 1;
  }
  /* Without a listener in the group the kernel answers ECONNREFUSED. */
  if (sendto (sock, message, len, 0, (struct sockaddr *) &to, sizeof to) < 0 &&
      errno != ECONNREFUSED) {
    fprintf (stderr, "cells-lxc-start: sending the uevent: %s\n", strerror (errno));
    return 1;
  }
  return 0;
}
