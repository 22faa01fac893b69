/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-devns"

#include "cells-devns.h"
#include "cells-errors.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <unistd.h>

/**
 * SECTION:cells-devns
 *
 * Device namespaces, on kernels with the series in kernel/patches
 * (CONFIG_DEV_NS): each cell's pid namespace has one, and the kernel
 * delivers input events only to the active one and to the initial one
 * (cellsd's). cellsd activates the foreground cell's namespace on every
 * switch instead of revoking the background cells' evdev fds, and gives
 * each evdev fd it opens for a cell to that cell's namespace.
 *
 * Handles are pid namespace fds, which cannot come to mean another cell
 * while they are held; the one of a cell is taken from its init's pidfd.
 */

#define DEVNS_SYSFS "/sys/kernel/dev_ns/active"
#define NSIO 0xb7
#define NS_SET_ACTIVE_DEVNS _IO (NSIO, 0x40)
#ifndef EVIOCSDEVNS
#define EVIOCSDEVNS _IOW ('E', 0x94, int)
#endif
#define PIDFD_GET_PID_NAMESPACE _IO (0xFF, 5)

/**
 * cells_devns_probe:
 *
 * Returns: whether the running kernel has device namespaces.
 */
gboolean
cells_devns_probe (void)
{
  return g_file_test (DEVNS_SYSFS, G_FILE_TEST_EXISTS);
}

/**
 * cells_devns_open:
 * @pidfd: a pidfd of the cell's init
 *
 * Returns: an fd of the init's pid namespace, or -1 with errno set (ESRCH
 * when the init has exited).
 */
int
cells_devns_open (int pidfd)
{
  return ioctl (pidfd, PIDFD_GET_PID_NAMESPACE, 0);
}

/* The initial namespace, active while no cell is in the foreground. */
int
cells_devns_open_initial (void)
{
  return open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
}

gboolean
cells_devns_activate (int nsfd, GError **error)
{
  if (ioctl (nsfd, NS_SET_ACTIVE_DEVNS) < 0) {
    int saved = errno;

    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "The kernel did not switch device namespaces: %s", g_strerror (saved));
    return FALSE;
  }
  return TRUE;
}

/**
 * cells_devns_give:
 * @evdev_fd: an evdev fd cellsd opened for a cell
 * @nsfd: the cell's pid namespace
 *
 * Makes @evdev_fd receive events only while the cell is in the foreground,
 * as if the cell had opened it.
 */
gboolean
cells_devns_give (int evdev_fd, int nsfd, GError **error)
{
  if (ioctl (evdev_fd, EVIOCSDEVNS, &nsfd) < 0) {
    int saved = errno;

    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "The kernel did not give the input device to the cell: %s", g_strerror (saved));
    return FALSE;
  }
  return TRUE;
}
