/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A Wayland client for the session tests: one toplevel filled with one
 * colour, and a line on stdout for what it is told and what reaches it.
 *
 *   wl-fill RRGGBB       "configured W H", "drawn", "key CODE PRESSED",
 *                        "touch down X Y", "pointer button CODE"
 *
 * Runs in a cell under an unmodified compositor (cage): what the screen
 * shows is read from outside the machine.
 */
#include "xdg-shell-client-protocol.h"

#include <wayland-client.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct {
  struct wl_compositor *compositor;
  struct wl_shm        *shm;
  struct xdg_wm_base   *wm_base;
  struct wl_seat       *seat;
  struct wl_surface    *surface;
  struct xdg_surface   *xdg_surface;
  struct xdg_toplevel  *toplevel;
  uint32_t              color;
  int                   width, height;
  int                   running;
} Client;

static void
say (const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  vprintf (format, ap);
  va_end (ap);
  putchar ('\n');
  fflush (stdout);
}

static struct wl_buffer *
make_buffer (Client *c)
{
  int stride = c->width * 4, size = stride * c->height;
  int fd = memfd_create ("wl-fill", MFD_CLOEXEC);
  struct wl_shm_pool *pool;
  struct wl_buffer *buffer;
  uint32_t *pixels;

  if (fd < 0 || ftruncate (fd, size) < 0)
    return NULL;
  pixels = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (pixels == MAP_FAILED) {
    close (fd);
    return NULL;
  }
  for (int i = 0; i < c->width * c->height; i++)
    pixels[i] = 0xff000000u | c->color;
  munmap (pixels, size);
  pool = wl_shm_create_pool (c->shm, fd, size);
  buffer = wl_shm_pool_create_buffer (pool, 0, c->width, c->height, stride,
                                      WL_SHM_FORMAT_XRGB8888);
  wl_shm_pool_destroy (pool);
  close (fd);
  return buffer;
}

static void
on_xdg_surface_configure (void *data, struct xdg_surface *s, uint32_t serial)
{
  Client *c = data;
  struct wl_buffer *buffer;

  xdg_surface_ack_configure (s, serial);
  if (c->width <= 0 || c->height <= 0) {
    c->width = 640;
    c->height = 480;
  }
  buffer = make_buffer (c);
  if (buffer == NULL) {
    say ("error no buffer");
    c->running = 0;
    return;
  }
  wl_surface_attach (c->surface, buffer, 0, 0);
  wl_surface_damage_buffer (c->surface, 0, 0, c->width, c->height);
  wl_surface_commit (c->surface);
  say ("drawn %d %d", c->width, c->height);
}

static const struct xdg_surface_listener xdg_surface_listener = {
  .configure = on_xdg_surface_configure,
};

static void
on_toplevel_configure (void *data, struct xdg_toplevel *t, int32_t w, int32_t h,
                       struct wl_array *states)
{
  Client *c = data;

  if (w > 0 && h > 0) {
    c->width = w;
    c->height = h;
  }
  say ("configured %d %d", w, h);
}

static void
on_toplevel_close (void *data, struct xdg_toplevel *t)
{
  ((Client *) data)->running = 0;
}

static const struct xdg_toplevel_listener toplevel_listener = {
  .configure = on_toplevel_configure,
  .close = on_toplevel_close,
};

static void
on_ping (void *data, struct xdg_wm_base *base, uint32_t serial)
{
  xdg_wm_base_pong (base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = { .ping = on_ping };

static void
on_keymap (void *data, struct wl_keyboard *k, uint32_t format, int32_t fd, uint32_t size)
{
  close (fd);
}

static void
on_enter (void *data, struct wl_keyboard *k, uint32_t serial, struct wl_surface *s,
          struct wl_array *keys)
{
  say ("keyboard focus");
}

static void
on_leave (void *data, struct wl_keyboard *k, uint32_t serial, struct wl_surface *s)
{
}

static void
on_key (void *data, struct wl_keyboard *k, uint32_t serial, uint32_t time, uint32_t key,
        uint32_t state)
{
  say ("key %u %u", key, state);
}

static void
on_modifiers (void *data, struct wl_keyboard *k, uint32_t serial, uint32_t depressed,
              uint32_t latched, uint32_t locked, uint32_t group)
{
}

static void
on_repeat_info (void *data, struct wl_keyboard *k, int32_t rate, int32_t delay)
{
}

static const struct wl_keyboard_listener keyboard_listener = {
  .keymap = on_keymap, .enter = on_enter, .leave = on_leave, .key = on_key,
  .modifiers = on_modifiers, .repeat_info = on_repeat_info,
};

static void
on_touch_down (void *data, struct wl_touch *t, uint32_t serial, uint32_t time,
               struct wl_surface *s, int32_t id, wl_fixed_t x, wl_fixed_t y)
{
  say ("touch down %d %d", wl_fixed_to_int (x), wl_fixed_to_int (y));
}

static void
on_touch_up (void *data, struct wl_touch *t, uint32_t serial, uint32_t time, int32_t id)
{
}

static void
on_touch_motion (void *data, struct wl_touch *t, uint32_t time, int32_t id, wl_fixed_t x,
                 wl_fixed_t y)
{
}

static void
on_touch_frame (void *data, struct wl_touch *t)
{
}

static void
on_touch_cancel (void *data, struct wl_touch *t)
{
}

static const struct wl_touch_listener touch_listener = {
  .down = on_touch_down, .up = on_touch_up, .motion = on_touch_motion,
  .frame = on_touch_frame, .cancel = on_touch_cancel,
};

static void
on_capabilities (void *data, struct wl_seat *seat, uint32_t caps)
{
  static struct wl_keyboard *keyboard;
  static struct wl_touch *touch;

  say ("seat%s%s", (caps & WL_SEAT_CAPABILITY_KEYBOARD) ? " keyboard" : "",
       (caps & WL_SEAT_CAPABILITY_TOUCH) ? " touch" : "");
  if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && keyboard == NULL) {
    keyboard = wl_seat_get_keyboard (seat);
    wl_keyboard_add_listener (keyboard, &keyboard_listener, data);
  }
  /* A touchscreen goes when the seat is disabled and comes back with it:
   * the old wl_touch is dead then, and a new one is asked for. */
  if ((caps & WL_SEAT_CAPABILITY_TOUCH) && touch == NULL) {
    touch = wl_seat_get_touch (seat);
    wl_touch_add_listener (touch, &touch_listener, data);
  } else if (!(caps & WL_SEAT_CAPABILITY_TOUCH) && touch != NULL) {
    wl_touch_release (touch);
    touch = NULL;
  }
}

static void
on_seat_name (void *data, struct wl_seat *seat, const char *name)
{
}

static const struct wl_seat_listener seat_listener = {
  .capabilities = on_capabilities, .name = on_seat_name,
};

static void
on_global (void *data, struct wl_registry *r, uint32_t name, const char *iface, uint32_t version)
{
  Client *c = data;

  if (strcmp (iface, wl_compositor_interface.name) == 0)
    c->compositor = wl_registry_bind (r, name, &wl_compositor_interface, 4);
  else if (strcmp (iface, wl_shm_interface.name) == 0)
    c->shm = wl_registry_bind (r, name, &wl_shm_interface, 1);
  else if (strcmp (iface, xdg_wm_base_interface.name) == 0)
    c->wm_base = wl_registry_bind (r, name, &xdg_wm_base_interface, 1);
  else if (strcmp (iface, wl_seat_interface.name) == 0 && c->seat == NULL)
    c->seat = wl_registry_bind (r, name, &wl_seat_interface, 5);
}

static void
on_global_remove (void *data, struct wl_registry *r, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
  .global = on_global, .global_remove = on_global_remove,
};

int
main (int argc, char **argv)
{
  Client c = { .running = 1 };
  struct wl_display *display;
  struct wl_registry *registry;

  if (argc != 2) {
    fprintf (stderr, "usage: wl-fill RRGGBB\n");
    return 2;
  }
  c.color = strtoul (argv[1], NULL, 16) & 0xffffff;
  display = wl_display_connect (NULL);
  if (display == NULL) {
    fprintf (stderr, "wl-fill: no Wayland display: %s\n", strerror (errno));
    return 1;
  }
  registry = wl_display_get_registry (display);
  wl_registry_add_listener (registry, &registry_listener, &c);
  wl_display_roundtrip (display);
  if (c.compositor == NULL || c.shm == NULL || c.wm_base == NULL) {
    fprintf (stderr, "wl-fill: the compositor lacks wl_compositor, wl_shm or xdg_wm_base\n");
    return 1;
  }
  xdg_wm_base_add_listener (c.wm_base, &wm_base_listener, &c);
  if (c.seat != NULL)
    wl_seat_add_listener (c.seat, &seat_listener, &c);
  c.surface = wl_compositor_create_surface (c.compositor);
  c.xdg_surface = xdg_wm_base_get_xdg_surface (c.wm_base, c.surface);
  xdg_surface_add_listener (c.xdg_surface, &xdg_surface_listener, &c);
  c.toplevel = xdg_surface_get_toplevel (c.xdg_surface);
  xdg_toplevel_add_listener (c.toplevel, &toplevel_listener, &c);
  xdg_toplevel_set_title (c.toplevel, "wl-fill");
  wl_surface_commit (c.surface);
  while (c.running && wl_display_dispatch (display) != -1)
    ;
  wl_display_disconnect (display);
  return 0;
}
