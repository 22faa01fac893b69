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
 *   show ID RRGGBB → "shown" or "show ERRNO-NAME": the card's first connected
 *                    connector lit, in its preferred mode, with a buffer of
 *                    that colour (made at the first show), the mode set
 *                    (DRM_IOCTL_MODE_SETCRTC returns once it is on the screen)
 *   quit
 *
 * Seat events are printed as they come: "enabled", "disabled" (after which
 * it acknowledges with libseat_disable_seat). Plain C in the style of seatd.
 */
#include <drm.h>
#include <drm_mode.h>
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <xf86drm.h>
#include <xf86drmMode.h>
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

/* What "show" lights: found and made once. */
static struct {
  uint32_t connector, crtc, fb;
  drmModeModeInfo mode;
} shown;

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

/* The first connected connector, a CRTC for it and its preferred mode. */
static int
find_output (int fd)
{
  drmModeRes *res = drmModeGetResources (fd);
  int err = ENODEV;

  for (int i = 0; res != NULL && i < res->count_connectors && err == ENODEV; i++) {
    drmModeConnector *conn = drmModeGetConnector (fd, res->connectors[i]);

    if (conn != NULL && conn->connection == DRM_MODE_CONNECTED && conn->count_modes > 0) {
      drmModeEncoder *enc = drmModeGetEncoder (fd, conn->encoder_id ? conn->encoder_id
                                                                       : conn->encoders[0]);

      for (int c = 0; enc != NULL && c < res->count_crtcs; c++) {
        if (enc->possible_crtcs & (1u << c)) {
          shown.connector = conn->connector_id;
          shown.crtc = res->crtcs[c];
          shown.mode = conn->modes[0];
          for (int m = 0; m < conn->count_modes; m++) {
            if (conn->modes[m].type & DRM_MODE_TYPE_PREFERRED) {
              shown.mode = conn->modes[m];
              break;
            }
          }
          err = 0;
          break;
        }
      }
      drmModeFreeEncoder (enc);
    }
    drmModeFreeConnector (conn);
  }
  drmModeFreeResources (res);
  return err;
}

/* A dumb buffer of the mode's size, filled with @rgb. */
static int
make_buffer (int fd, uint32_t rgb)
{
  struct drm_mode_create_dumb create = {
    .width = shown.mode.hdisplay, .height = shown.mode.vdisplay, .bpp = 32,
  };
  struct drm_mode_map_dumb map = { 0 };
  uint32_t *pixels;

  if (drmIoctl (fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
    return errno;
  map.handle = create.handle;
  if (drmIoctl (fd, DRM_IOCTL_MODE_MAP_DUMB, &map) < 0)
    return errno;
  pixels = mmap (NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
  if (pixels == MAP_FAILED)
    return errno;
  for (uint64_t i = 0; i < create.size / 4; i++)
    pixels[i] = rgb;
  munmap (pixels, create.size);
  if (drmModeAddFB (fd, create.width, create.height, 24, 32, create.pitch, create.handle,
                    &shown.fb) < 0)
    return errno;
  return 0;
}

static int
show (int fd, uint32_t rgb)
{
  int err;

  if (shown.fb == 0 && ((err = find_output (fd)) != 0 || (err = make_buffer (fd, rgb)) != 0))
    return err;
  if (drmModeSetCrtc (fd, shown.crtc, shown.fb, 0, 0, &shown.connector, 1, &shown.mode) < 0)
    return errno;
  return 0;
}

static void
command (struct libseat *seat, char *line)
{
  char arg[256];
  unsigned rgb;
  int id, fd, err;

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
  } else if (sscanf (line, "show %d %x", &id, &rgb) == 2) {
    fd = device_fd (id);
    err = fd < 0 ? EBADF : show (fd, rgb);
    if (err != 0)
      printf ("show %s\n", strerrorname_np (err));
    else
      printf ("shown\n");
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
