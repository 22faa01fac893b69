/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A real libseat client for the tests: it opens the seat through the
 * seatd socket that SEATD_SOCK names (or /run/seatd.sock) and then takes
 * commands, one a line, on stdin, answering on stdout:
 *
 *   open PATH      → "opened ID" or "error ERRNO-NAME"
 *   close ID       → "closed" or "error …"
 *   modeset ID     → "modeset ok" or "modeset EACCES": a mode-set request
 *                    (DRM_IOCTL_MODE_SETCRTC) on a CRTC that does not exist;
 *                    the kernel checks DRM master before the arguments, so
 *                    EACCES means "not master" and anything else "master"
 *   read ID        → "read ok" (events were read, all that were queued), "read none" or
 *                    "read ERRNO-NAME"
 *   switch N       → "switch ok" or "switch ERRNO-NAME"
 *   quit
 *
 * Seat events are printed as they come: "enabled", "disabled" (after which
 * it acknowledges with libseat_disable_seat). Plain C in the style of seatd.
 */
#include <drm.h>
#include <drm_mode.h>
#include <errno.h>
#include <fcntl.h>
#include <libseat.h>
#include <linux/input.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_DEVICES 16

struct device {
  int id;
  int fd;
};

static struct device devices[MAX_DEVICES];
static int n_devices;
static int disabled;

static void
on_enable (struct libseat *seat, void *data)
{
  (void) seat;
  (void) data;
  printf ("enabled\n");
}

static void
on_disable (struct libseat *seat, void *data)
{
  (void) data;
  printf ("disabled\n");
  disabled = 1;
  libseat_disable_seat (seat);
}

static const struct libseat_seat_listener listener = {
  .enable_seat = on_enable,
  .disable_seat = on_disable,
};

static int
device_fd (int id)
{
  for (int i = 0; i < n_devices; i++) {
    if (devices[i].id == id)
      return devices[i].fd;
  }
  return -1;
}

static void
command (struct libseat *seat, char *line)
{
  char arg[256];
  int id, fd;

  if (sscanf (line, "open %255s", arg) == 1) {
    id = n_devices < MAX_DEVICES ? libseat_open_device (seat, arg, &fd) : (errno = EMFILE, -1);
    if (id < 0) {
      printf ("error %s\n", strerrorname_np (errno));
    } else {
      devices[n_devices++] = (struct device) { id, fd };
      printf ("opened %d\n", id);
    }
  } else if (sscanf (line, "close %d", &id) == 1) {
    if (libseat_close_device (seat, id) < 0) {
      printf ("error %s\n", strerrorname_np (errno));
    } else {
      /* The fd is the client's to close, as libinput does. */
      for (int i = 0; i < n_devices; i++) {
        if (devices[i].id == id) {
          close (devices[i].fd);
          devices[i] = devices[--n_devices];
          break;
        }
      }
      printf ("closed\n");
    }
  } else if (sscanf (line, "modeset %d", &id) == 1) {
    struct drm_mode_crtc crtc = { .crtc_id = 0 };

    fd = device_fd (id);
    if (fd < 0)
      printf ("modeset EBADF\n");
    else if (ioctl (fd, DRM_IOCTL_MODE_SETCRTC, &crtc) < 0 && errno == EACCES)
      printf ("modeset EACCES\n");
    else
      printf ("modeset ok\n");
  } else if (sscanf (line, "read %d", &id) == 1) {
    struct input_event ev[64];
    bool got = false;
    ssize_t n;

    /* Everything queued, so that the next read sees only what is new. */
    fd = device_fd (id);
    while ((n = fd < 0 ? -1 : read (fd, ev, sizeof ev)) > 0)
      got = true;
    if (got)
      printf ("read ok\n");
    else if (n < 0 && errno == EAGAIN)
      printf ("read none\n");
    else
      printf ("read %s\n", n < 0 ? strerrorname_np (errno) : "short");
  } else if (sscanf (line, "switch %d", &id) == 1) {
    if (libseat_switch_session (seat, id) < 0)
      printf ("switch %s\n", strerrorname_np (errno));
    else
      printf ("switch ok\n");
  } else {
    printf ("unknown command\n");
  }
}

int
main (void)
{
  struct libseat *seat;
  char line[512];
  size_t used = 0;
  int ret = 0;

  setvbuf (stdout, NULL, _IOLBF, 0);
  seat = libseat_open_seat (&listener, NULL);
  if (seat == NULL) {
    printf ("open-seat %s\n", strerrorname_np (errno));
    return 1;
  }
  printf ("seat %s\n", libseat_seat_name (seat));
  /* libseat 0.7 may hold an event in its buffer: dispatch before polling. */
  libseat_dispatch (seat, 0);

  for (;;) {
    struct pollfd fds[2] = {
      { .fd = libseat_get_fd (seat), .events = POLLIN },
      { .fd = STDIN_FILENO, .events = POLLIN },
    };

    if (poll (fds, 2, -1) < 0 && errno != EINTR) {
      ret = 1;
      break;
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      if (libseat_dispatch (seat, 0) < 0) {
        printf ("connection %s\n", strerrorname_np (errno));
        ret = 1;
        break;
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      ssize_t n = read (STDIN_FILENO, line + used, sizeof line - 1 - used);
      char *nl;

      if (n <= 0)
        break;
      used += n;
      line[used] = '\0';
      while ((nl = strchr (line, '\n')) != NULL) {
        *nl = '\0';
        if (strcmp (line, "quit") == 0)
          goto out;
        command (seat, line);
        libseat_dispatch (seat, 0);
        used -= nl + 1 - line;
        memmove (line, nl + 1, used + 1);
      }
    }
  }
out:
  (void) disabled;
  libseat_close_seat (seat);
  return ret;
}
