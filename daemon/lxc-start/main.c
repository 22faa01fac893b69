/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cells-lxc-start: starts one cell's container for cellsd and ends.
 *
 *   cells-lxc-start LXCPATH NAME -- INIT [ARG…]
 *   cells-lxc-start --mount-hook SOURCE TARGET [LXC's arguments]
 *   cells-lxc-start --mask-hook EMPTY_FILE TARGET… -- [LXC's arguments]
 *   cells-lxc-start --uevent          (a pidfd of the cell's init as fd 3)
 *
 * prints the host pid of the cell's init on success, or the reason on
 * stderr and exits 1. liblxc moves the process that starts a container
 * into the container's monitor cgroup for the time of the start; this
 * short-lived process takes that move, so that cellsd stays in its own
 * cgroup and the monitor can remove its cgroup when the cell stops (as
 * lxc-start's front end and LXD's forkstart do). cellsd runs it with
 * nothing of its own but stdout and stderr. With --mount-hook it is the
 * cell's lxc.hook.mount instead (mount-hook.c); with --uevent it hands a
 * udev message to the cell's libudev monitors (uevent.c).
 */
#include "mount-hook.h"
#include "uevent.h"

#include <lxc/lxccontainer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main (int argc, char **argv)
{
  struct lxc_container *c;
  pid_t leader;

  if (argc >= 4 && strcmp (argv[1], "--mount-hook") == 0)
    return cells_mount_hook (argv[2], argv[3]);
  if (argc >= 3 && strcmp (argv[1], "--mask-hook") == 0)
    return cells_mask_hook (argv[2], &argv[3]);
  if (argc == 2 && strcmp (argv[1], "--uevent") == 0)
    return cells_uevent_send (3);
  if (argc < 5 || strcmp (argv[3], "--") != 0) {
    fprintf (stderr, "Usage: cells-lxc-start LXCPATH NAME -- INIT [ARG…]\n");
    return 2;
  }
  c = lxc_container_new (argv[2], argv[1]);
  if (c == NULL) {
    fprintf (stderr, "LXC could not load the configuration of cell “%s”.\n", argv[2]);
    return 1;
  }
  /* A cell whose init just ended may still be cleaned up by its monitor. */
  if (!c->is_running (c) || c->init_pid (c) <= 0)
    c->wait (c, "STOPPED", 5);
  c->want_daemonize (c, true);
  c->want_close_all_fds (c, true);
  if (!c->start (c, 0, &argv[4])) {
    lxc_container_put (c);
    return 1;
  }
  leader = c->init_pid (c);
  lxc_container_put (c);
  if (leader <= 0) {
    fprintf (stderr, "it stopped right after it started; see its console.log\n");
    return 1;
  }
  printf ("%d\n", (int) leader);
  return fflush (stdout) == 0 ? 0 : 1;
}
