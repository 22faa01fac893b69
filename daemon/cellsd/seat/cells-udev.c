/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-udev"

#include "cells-udev.h"
#include "cells-errors.h"
#include "cells-util.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/**
 * SECTION:cells-udev
 *
 * Each cell's view of udev: what libudev in the cell reads to find its
 * screen and input devices, and the hotplug events it would otherwise
 * never get. Compositors (wlroots) and libinput enumerate devices through
 * libudev: libinput takes only devices that udev has initialized (a
 * database entry in /run/udev/data) and tagged as input, and libudev
 * listens for events only where udev runs (/run/udev/control exists).
 *
 * A cell's view is a directory of cellsd's, bound at the cell's
 * /run/udev (host root's files: the cell reads them, and cannot change
 * them): `control`, and `data/` and `tags/` entries for exactly the DRM
 * cards and evdev devices its display and input rights allow. A device
 * the cell may not use has no entry: libinput and wlroots skip it, and
 * the seat refuses to open it anyway. The sysfs the cell sees is the
 * host's, read-only: it lists every device, the rights are enforced at
 * open and by the view.
 *
 * The properties of a device are the host's udev database's where the
 * host runs udevd, else derived from the evdev capabilities as udev's
 * input_id does (keyboard, key, mouse, touchpad, touchscreen, switch).
 *
 * The cell's /dev/dri is a second directory of cellsd's, bound read-only
 * and nodev: an empty file named after each card in the view. libdrm
 * (2.4.117 and later; wlroots 0.18 through it) finds the kind of a DRM
 * node by looking for its name there, and refuses dumb buffers on a card
 * it cannot name; the card itself is opened through the seat, and a name
 * that is a plain file gives the cell nothing to open.
 *
 * Events: cellsd listens to the host's (udevd's where it runs, else the
 * kernel's), updates every view and sends each running cell whose view
 * changed a libudev message (`libudev` header, magic 0xfeedcafe,
 * MurmurHash2 of subsystem and devtype, bloom filter of the tags) into
 * its network namespace, from the cell's root: libudev drops messages of
 * any other sender. cells-lxc-start --uevent does the sending, one
 * message at a time per cell, in order.
 */

#define UDEV_MONITOR_MAGIC 0xfeedcafe

/* The header of a libudev netlink message, as libudev reads it. */
typedef struct {
  char    prefix[8];
  guint32 magic;
  guint32 header_size;
  guint32 properties_off;
  guint32 properties_len;
  guint32 filter_subsystem_hash;
  guint32 filter_devtype_hash;
  guint32 filter_tag_bloom_hi;
  guint32 filter_tag_bloom_lo;
} MonitorHeader;

typedef struct {
  char      *id;          /* c13:64 */
  char      *subsystem;   /* input or drm */
  char      *devtype;     /* or NULL */
  gboolean   display;     /* a DRM card, else an evdev device */
  char      *node;        /* a card's name in /dev/dri (card0), else NULL */
  GPtrArray *kernel;      /* DEVPATH=, DEVNAME=, MAJOR=, MINOR=, DEVTYPE= */
  GPtrArray *props;       /* udev's: ID_INPUT=1, … */
  GPtrArray *tags;        /* seat, uaccess, … */
} Device;

struct _CellsUdev {
  char       *sys_dir;
  char       *host_udev_dir;
  char       *helper;
  GHashTable *devices;    /* id → Device */
  GList      *views;
  guint64     seqnum;
  int         nl_fd;
  guint       nl_watch;
  gboolean    from_udevd;
};

struct _CellsUdevView {
  CellsUdev  *udev;
  char       *dir;
  char       *nodes_dir;  /* the cell's /dev/dri */
  gboolean    pruned;     /* of what an earlier cellsd left there */
  char       *cell;
  gboolean    display;
  gboolean    input;
  GHashTable *shown;      /* id → Device copy as last shown */
  int         pidfd;      /* the running cell's init, or -1 */
  GQueue      outbox;     /* GBytes waiting for the one being sent */
  gboolean    sending;
  gboolean    freed;      /* by its cell, while an event was being sent */
};

static void
device_free (Device *d)
{
  g_free (d->id);
  g_free (d->subsystem);
  g_free (d->devtype);
  g_free (d->node);
  g_ptr_array_unref (d->kernel);
  g_ptr_array_unref (d->props);
  g_ptr_array_unref (d->tags);
  g_free (d);
}

static GPtrArray *
strings_copy (GPtrArray *a)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < a->len; i++)
    g_ptr_array_add (copy, g_strdup (a->pdata[i]));
  return copy;
}

static Device *
device_copy (const Device *d)
{
  Device *c = g_new0 (Device, 1);

  c->id = g_strdup (d->id);
  c->subsystem = g_strdup (d->subsystem);
  c->devtype = g_strdup (d->devtype);
  c->display = d->display;
  c->node = g_strdup (d->node);
  c->kernel = strings_copy (d->kernel);
  c->props = strings_copy (d->props);
  c->tags = strings_copy (d->tags);
  return c;
}

/* Wire format */

/**
 * cells_udev_hash:
 *
 * Returns: MurmurHash2 of @text with seed 0, as libudev's socket filters
 * compute it for subsystems, devtypes and tags.
 */
guint32
cells_udev_hash (const char *text)
{
  const guint32 m = 0x5bd1e995;
  const guchar *p = (const guchar *) text;
  gsize len = strlen (text);
  guint32 h = (guint32) len;

  while (len >= 4) {
    guint32 k = p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);

    k *= m;
    k ^= k >> 24;
    k *= m;
    h *= m;
    h ^= k;
    p += 4;
    len -= 4;
  }
  switch (len) {
  case 3:
    h ^= p[2] << 16;
    G_GNUC_FALLTHROUGH;
  case 2:
    h ^= p[1] << 8;
    G_GNUC_FALLTHROUGH;
  case 1:
    h ^= p[0];
    h *= m;
    break;
  default:
    break;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

static guint64
tag_bloom (const char *tag)
{
  guint32 h = cells_udev_hash (tag);

  return (G_GUINT64_CONSTANT (1) << (h & 63)) | (G_GUINT64_CONSTANT (1) << ((h >> 6) & 63)) |
         (G_GUINT64_CONSTANT (1) << ((h >> 12) & 63)) |
         (G_GUINT64_CONSTANT (1) << ((h >> 18) & 63));
}

static char *
tags_value (const char *const *tags)
{
  GString *s = g_string_new (":");

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    g_string_append_printf (s, "%s:", tags[i]);
  return g_string_free (s, FALSE);
}

/**
 * cells_udev_message:
 * @properties: "KEY=VALUE", beside ACTION, SUBSYSTEM, DEVTYPE and SEQNUM
 *
 * Returns: (transfer full): a libudev netlink message of a device that
 * udev initialized
 */
GBytes *
cells_udev_message (const char *action, guint64 seqnum, const char *subsystem,
                    const char *devtype, const char *const *properties, const char *const *tags)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autofree char *tag_list = tags_value (tags);
  MonitorHeader h = { .prefix = "libudev" };
  guint64 bloom = 0;
  GByteArray *out;

#define ADD(...)                                                        \
  G_STMT_START {                                                        \
    g_autofree char *_p = g_strdup_printf (__VA_ARGS__);                \
    g_byte_array_append (body, (const guint8 *) _p, strlen (_p) + 1);   \
  } G_STMT_END
  ADD ("ACTION=%s", action);
  ADD ("SUBSYSTEM=%s", subsystem);
  if (devtype != NULL)
    ADD ("DEVTYPE=%s", devtype);
  for (guint i = 0; properties != NULL && properties[i] != NULL; i++)
    ADD ("%s", properties[i]);
  ADD ("SEQNUM=%" G_GUINT64_FORMAT, seqnum);
  ADD ("USEC_INITIALIZED=%" G_GINT64_FORMAT, g_get_monotonic_time ());
  if (tags != NULL && tags[0] != NULL) {
    ADD ("TAGS=%s", tag_list);
    ADD ("CURRENT_TAGS=%s", tag_list);
  }
#undef ADD
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    bloom |= tag_bloom (tags[i]);

  h.magic = htobe32 (UDEV_MONITOR_MAGIC);
  h.header_size = sizeof h;
  h.properties_off = sizeof h;
  h.properties_len = body->len;
  h.filter_subsystem_hash = htobe32 (cells_udev_hash (subsystem));
  h.filter_devtype_hash = devtype ? htobe32 (cells_udev_hash (devtype)) : 0;
  h.filter_tag_bloom_hi = htobe32 (bloom >> 32);
  h.filter_tag_bloom_lo = htobe32 (bloom & 0xffffffff);
  out = g_byte_array_sized_new (sizeof h + body->len);
  g_byte_array_append (out, (const guint8 *) &h, sizeof h);
  g_byte_array_append (out, body->data, body->len);
  return g_byte_array_free_to_bytes (out);
}

/* Properties */

/* Whether bit @n is set in a sysfs capability bitmap: hex words of the
 * kernel's long, the highest first. */
static gboolean
bit_set (const char *bitmap, guint n)
{
  g_auto(GStrv) words = g_strsplit (bitmap ? bitmap : "", " ", -1);
  guint n_words = g_strv_length (words);
  guint bits = sizeof (long) * 8;
  guint64 word = 0;

  if (n / bits >= n_words)
    return FALSE;
  g_ascii_string_to_unsigned (g_strstrip (words[n_words - 1 - n / bits]), 16, 0, G_MAXUINT64,
                              &word, NULL);
  return (word >> (n % bits)) & 1;
}

/**
 * cells_udev_derive_input:
 * @ev, @key, @rel, @abs, @props: the device's capabilities/ and
 *   properties, as sysfs has them
 *
 * Returns: (transfer full): udev's input properties of the device, one
 * per line, as its input_id builtin would set them
 */
char *
cells_udev_derive_input (const char *ev, const char *key, const char *rel, const char *abs,
                         const char *props)
{
  GString *s = g_string_new ("ID_INPUT=1\n");
  gboolean keys_low = TRUE, any_key = FALSE;
  gboolean has_abs_xy = (bit_set (abs, ABS_X) && bit_set (abs, ABS_Y)) ||
                        (bit_set (abs, ABS_MT_POSITION_X) && bit_set (abs, ABS_MT_POSITION_Y));
  gboolean direct = bit_set (props, INPUT_PROP_DIRECT);

  /* A keyboard has the first 31 keys (Esc, digits, the top letter row). */
  for (guint k = KEY_ESC; k <= 31; k++)
    keys_low = keys_low && bit_set (key, k);
  for (guint k = KEY_ESC; k < BTN_MISC && !any_key; k++)
    any_key = bit_set (key, k);
  if (bit_set (ev, EV_KEY) && keys_low)
    g_string_append (s, "ID_INPUT_KEYBOARD=1\n");
  if (bit_set (ev, EV_KEY) && any_key)
    g_string_append (s, "ID_INPUT_KEY=1\n");
  if (bit_set (ev, EV_REL) && bit_set (rel, REL_X) && bit_set (rel, REL_Y) &&
      bit_set (key, BTN_LEFT))
    g_string_append (s, "ID_INPUT_MOUSE=1\n");
  if (has_abs_xy && bit_set (key, BTN_TOOL_FINGER) && !bit_set (key, BTN_TOOL_PEN) && !direct)
    g_string_append (s, "ID_INPUT_TOUCHPAD=1\n");
  else if (has_abs_xy && (direct || bit_set (key, BTN_TOUCH)) && !bit_set (key, BTN_TOOL_PEN))
    g_string_append (s, "ID_INPUT_TOUCHSCREEN=1\n");
  if (bit_set (ev, EV_SW))
    g_string_append (s, "ID_INPUT_SWITCH=1\n");
  return g_string_free (s, FALSE);
}

static char *
read_text (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return g_strstrip (text);
}

/* The host's udev database entry: E: properties and G: tags. */
static gboolean
read_host_db (CellsUdev *self, Device *d)
{
  g_autofree char *path = g_build_filename (self->host_udev_dir, "data", d->id, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    const char *value = lines[i] + 2;

    if (strlen (lines[i]) < 3 || lines[i][1] != ':' || strchr (value, '\n') != NULL)
      continue;
    /* The cell's seat is its own seat0. */
    if (lines[i][0] == 'E' && strchr (value, '=') != NULL && !g_str_has_prefix (value, "ID_SEAT="))
      g_ptr_array_add (d->props, g_strdup (value));
    else if (lines[i][0] == 'G')
      g_ptr_array_add (d->tags, g_strdup (value));
  }
  return TRUE;
}

static void
derive_props (Device *d, const char *syspath)
{
  static const char *const input_tags[] = { "seat", "uaccess", NULL };
  static const char *const card_tags[] = { "seat", "master-of-seat", "uaccess", NULL };

  if (!d->display) {
    g_autofree char *caps = g_build_filename (syspath, "device", "capabilities", NULL);
    g_autofree char *dev = g_build_filename (syspath, "device", NULL);
    g_autofree char *ev = read_text (caps, "ev");
    g_autofree char *key = read_text (caps, "key");
    g_autofree char *rel = read_text (caps, "rel");
    g_autofree char *abs = read_text (caps, "abs");
    g_autofree char *props = read_text (dev, "properties");
    g_autofree char *derived = cells_udev_derive_input (ev, key, rel, abs, props);
    g_auto(GStrv) lines = g_strsplit (g_strstrip (derived), "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++)
      g_ptr_array_add (d->props, g_strdup (lines[i]));
  }
  for (const char *const *t = d->display ? card_tags : input_tags; *t; t++)
    g_ptr_array_add (d->tags, g_strdup (*t));
}

/* The device as the host has it now, or NULL if it is not one for cells. */
static Device *
device_read (CellsUdev *self, const char *subsystem, const char *sysname)
{
  g_autofree char *link = g_build_filename (self->sys_dir, "class", subsystem, sysname, NULL);
  g_autofree char *syspath = realpath (link, NULL);
  g_autofree char *uevent = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *major = NULL, *minor = NULL, *devname = NULL, *devtype = NULL;
  Device *d;

  if (syspath == NULL || !g_str_has_prefix (syspath, self->sys_dir))
    return NULL;
  uevent = read_text (syspath, "uevent");
  if (uevent == NULL)
    return NULL;
  lines = g_strsplit (uevent, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    if (g_str_has_prefix (lines[i], "MAJOR="))
      major = g_strdup (lines[i] + 6);
    else if (g_str_has_prefix (lines[i], "MINOR="))
      minor = g_strdup (lines[i] + 6);
    else if (g_str_has_prefix (lines[i], "DEVNAME="))
      devname = g_strdup (lines[i] + 8);
    else if (g_str_has_prefix (lines[i], "DEVTYPE="))
      devtype = g_strdup (lines[i] + 8);
  }
  if (major == NULL || minor == NULL || devname == NULL)
    return NULL;

  d = g_new0 (Device, 1);
  d->id = g_strdup_printf ("c%s:%s", major, minor);
  d->subsystem = g_strdup (subsystem);
  d->devtype = g_steal_pointer (&devtype);
  d->display = g_str_equal (subsystem, "drm");
  if (d->display)
    d->node = g_strdup (sysname);
  d->kernel = g_ptr_array_new_with_free_func (g_free);
  d->props = g_ptr_array_new_with_free_func (g_free);
  d->tags = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (d->kernel, g_strdup_printf ("DEVPATH=%s", syspath + strlen (self->sys_dir)));
  g_ptr_array_add (d->kernel, g_strdup_printf ("DEVNAME=/dev/%s", devname));
  g_ptr_array_add (d->kernel, g_strdup_printf ("MAJOR=%s", major));
  g_ptr_array_add (d->kernel, g_strdup_printf ("MINOR=%s", minor));
  if (!read_host_db (self, d))
    derive_props (d, syspath);
  return d;
}

/* evdev devices and DRM cards: the nodes a cell's seat hands out. */
static gboolean
wanted_name (const char *subsystem, const char *sysname)
{
  const char *digits;

  if (g_str_equal (subsystem, "input"))
    digits = g_str_has_prefix (sysname, "event") ? sysname + 5 : NULL;
  else if (g_str_equal (subsystem, "drm"))
    digits = g_str_has_prefix (sysname, "card") ? sysname + 4 : NULL;
  else
    return FALSE;
  if (digits == NULL || *digits == '\0')
    return FALSE;
  for (const char *p = digits; *p; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
  }
  return TRUE;
}

static void
scan (CellsUdev *self, const char *subsystem)
{
  g_autofree char *class_dir = g_build_filename (self->sys_dir, "class", subsystem, NULL);
  g_autoptr(GDir) dir = g_dir_open (class_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    Device *d;

    if (wanted_name (subsystem, name) && (d = device_read (self, subsystem, name)) != NULL)
      g_hash_table_replace (self->devices, d->id, d);
  }
}

/* Views */

static void on_sent (GObject *source, GAsyncResult *result, gpointer user_data);

static void
view_destroy (CellsUdevView *view)
{
  g_queue_clear_full (&view->outbox, (GDestroyNotify) g_bytes_unref);
  g_hash_table_unref (view->shown);
  g_free (view->dir);
  g_free (view->nodes_dir);
  g_free (view->cell);
  g_free (view);
}

static void
send_next (CellsUdevView *view)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { view->udev->helper, "--uevent", NULL };
  int fd;

  if (view->sending || view->freed || view->pidfd < 0 || g_queue_is_empty (&view->outbox))
    return;
  message = g_queue_pop_head (&view->outbox);
  fd = dup (view->pidfd);
  if (fd < 0)
    return;
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_take_fd (launcher, fd, 3);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL) {
    g_warning ("Cell “%s”: cannot send a device event: %s", view->cell, error->message);
    return;
  }
  view->sending = TRUE;
  g_subprocess_communicate_async (process, message, NULL, on_sent, view);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CellsUdevView *view = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), result, NULL, NULL, &error))
    g_message ("Cell “%s”: a device event was not sent: %s", view->cell, error->message);
  view->sending = FALSE;
  /* A view freed meanwhile left its sender to finish. */
  if (view->freed) {
    view_destroy (view);
    return;
  }
  send_next (view);
}

static void
queue_event (CellsUdevView *view, const Device *d, const char *action)
{
  g_autoptr(GPtrArray) props = g_ptr_array_new ();

  if (view->pidfd < 0)
    return;
  for (guint i = 0; i < d->kernel->len; i++)
    g_ptr_array_add (props, d->kernel->pdata[i]);
  for (guint i = 0; i < d->props->len; i++)
    g_ptr_array_add (props, d->props->pdata[i]);
  g_ptr_array_add (props, NULL);
  g_ptr_array_add (d->tags, NULL);
  g_queue_push_tail (&view->outbox,
                     cells_udev_message (action, ++view->udev->seqnum, d->subsystem, d->devtype,
                                         (const char *const *) props->pdata,
                                         (const char *const *) d->tags->pdata));
  g_ptr_array_remove_index (d->tags, d->tags->len - 1);
  g_debug ("Cell “%s”: %s %s", view->cell, action, d->id);
  send_next (view);
}

static gboolean
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error)) {
    g_warning ("%s", error->message);
    return FALSE;
  }
  return TRUE;
}

static void
set_tag_files (CellsUdevView *view, const Device *d, gboolean present)
{
  for (guint i = 0; i < d->tags->len; i++) {
    g_autofree char *dir = g_build_filename (view->dir, "tags", d->tags->pdata[i], NULL);
    g_autofree char *path = g_build_filename (dir, d->id, NULL);

    if (!present) {
      g_unlink (path);
    } else if (g_mkdir_with_parents (dir, 0755) == 0) {
      write_file (dir, d->id, "");
    }
  }
}

static void
show (CellsUdevView *view, const Device *d, const char *action)
{
  g_autofree char *data = g_build_filename (view->dir, "data", NULL);
  GString *entry = g_string_new (NULL);

  g_string_append_printf (entry, "I:%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  for (guint i = 0; i < d->props->len; i++)
    g_string_append_printf (entry, "E:%s\n", (char *) d->props->pdata[i]);
  for (guint i = 0; i < d->tags->len; i++)
    g_string_append_printf (entry, "G:%s\nQ:%s\n", (char *) d->tags->pdata[i],
                            (char *) d->tags->pdata[i]);
  write_file (data, d->id, entry->str);
  g_string_free (entry, TRUE);
  set_tag_files (view, d, TRUE);
  if (d->node != NULL)
    write_file (view->nodes_dir, d->node, "");
  g_hash_table_replace (view->shown, g_strdup (d->id), device_copy (d));
  queue_event (view, d, action);
}

static void
hide (CellsUdevView *view, const char *id)
{
  g_autofree char *path = g_build_filename (view->dir, "data", id, NULL);
  Device *d = g_hash_table_lookup (view->shown, id);

  if (d == NULL)
    return;
  g_unlink (path);
  set_tag_files (view, d, FALSE);
  if (d->node != NULL) {
    g_autofree char *node = g_build_filename (view->nodes_dir, d->node, NULL);

    g_unlink (node);
  }
  queue_event (view, d, "remove");
  g_hash_table_remove (view->shown, id);
}

static gboolean
strings_equal (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++) {
    if (!g_str_equal (a->pdata[i], b->pdata[i]))
      return FALSE;
  }
  return TRUE;
}

/* The same device, with the same properties and tags. */
static gboolean
device_equal (const Device *a, const Device *b)
{
  return strings_equal (a->kernel, b->kernel) && strings_equal (a->props, b->props) &&
         strings_equal (a->tags, b->tags);
}

static gboolean
view_wants (CellsUdevView *view, const Device *d)
{
  return d->display ? view->display : view->input;
}

/* Once, after the first sync: nothing in the cell's /dev/dri but the
 * names of the cards shown. What an earlier cellsd left goes, what is
 * still shown stays (a running cell that is adopted never finds its
 * card's name missing); from then on show () and hide () keep it so. */
static void
prune_nodes (CellsUdevView *view)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDir) dir = g_dir_open (view->nodes_dir, 0, NULL);
  GHashTableIter iter;
  Device *d;
  const char *name;

  g_hash_table_iter_init (&iter, view->shown);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &d)) {
    if (d->node != NULL)
      g_hash_table_add (wanted, d->node);
  }
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (view->nodes_dir, name, NULL);

    if (!g_hash_table_contains (wanted, name))
      cells_remove_tree (path, NULL);
  }
}

/* The view as the rights and the host's devices say, with an event for
 * each change. */
static void
view_sync (CellsUdevView *view)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  GHashTableIter iter;
  const char *id;
  Device *d, *shown;

  g_hash_table_iter_init (&iter, view->shown);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &shown)) {
    d = g_hash_table_lookup (view->udev->devices, id);
    /* Another device under the same number (a minor used again while
     * events were lost) goes, and comes as itself below. */
    if (d == NULL || !view_wants (view, d) ||
        !g_str_equal (d->kernel->pdata[0], shown->kernel->pdata[0]))
      g_ptr_array_add (gone, g_strdup (id));
    else if (!device_equal (d, shown))
      g_ptr_array_add (changed, d);
  }
  for (guint i = 0; i < gone->len; i++)
    hide (view, gone->pdata[i]);
  for (guint i = 0; i < changed->len; i++)
    show (view, changed->pdata[i], "change");
  g_hash_table_iter_init (&iter, view->udev->devices);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &d)) {
    if (view_wants (view, d) && !g_hash_table_contains (view->shown, id))
      show (view, d, "add");
  }
  if (!view->pruned) {
    prune_nodes (view);
    view->pruned = TRUE;
  }
}

static gboolean
make_dirs (const char *dir, const char *nodes_dir, GError **error)
{
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *tags = g_build_filename (dir, "tags", NULL);

  /* Nothing of an earlier start: the view is written anew, in the same
   * directory (a running cell that is adopted has it mounted). */
  if ((g_file_test (data, G_FILE_TEST_IS_DIR) && !cells_remove_tree (data, error)) ||
      (g_file_test (tags, G_FILE_TEST_IS_DIR) && !cells_remove_tree (tags, error)))
    return FALSE;
  if (g_mkdir_with_parents (data, 0755) < 0 || g_mkdir_with_parents (tags, 0755) < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not create %s: %s", dir,
                 g_strerror (errno));
    return FALSE;
  }
  if (g_mkdir_with_parents (nodes_dir, 0755) < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not create %s: %s", nodes_dir,
                 g_strerror (errno));
    return FALSE;
  }
  /* libudev listens for events only where this exists. */
  return write_file (dir, "control", "");
}

/**
 * cells_udev_view_new:
 * @dir: the directory the cell sees as /run/udev
 * @nodes_dir: the directory the cell sees as /dev/dri
 *
 * A view with no devices until cells_udev_view_set_rights().
 */
CellsUdevView *
cells_udev_view_new (CellsUdev *udev, const char *dir, const char *nodes_dir, const char *cell,
                     GError **error)
{
  CellsUdevView *view;

  if (!make_dirs (dir, nodes_dir, error))
    return NULL;
  view = g_new0 (CellsUdevView, 1);
  view->udev = udev;
  view->dir = g_strdup (dir);
  view->nodes_dir = g_strdup (nodes_dir);
  view->cell = g_strdup (cell);
  view->pidfd = -1;
  view->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) device_free);
  g_queue_init (&view->outbox);
  udev->views = g_list_prepend (udev->views, view);
  return view;
}

void
cells_udev_view_free (CellsUdevView *view)
{
  if (view == NULL)
    return;
  if (view->udev != NULL)
    view->udev->views = g_list_remove (view->udev->views, view);
  cells_udev_view_detach (view);
  view->udev = NULL;
  view->freed = TRUE;
  /* An event being sent finishes first, and frees the rest. */
  if (!view->sending)
    view_destroy (view);
}

/**
 * cells_udev_view_set_rights:
 *
 * The cell's display and input rights (not none), now; a running cell
 * is told of every device that comes or goes.
 */
void
cells_udev_view_set_rights (CellsUdevView *view, gboolean display, gboolean input)
{
  view->display = display;
  view->input = input;
  view_sync (view);
}

/**
 * cells_udev_view_attach:
 * @leader_pidfd: the running cell's init; kept (duplicated)
 *
 * From now on the view's changes reach the cell as events.
 */
void
cells_udev_view_attach (CellsUdevView *view, int leader_pidfd)
{
  cells_udev_view_detach (view);
  view->pidfd = fcntl (leader_pidfd, F_DUPFD_CLOEXEC, 3);
}

void
cells_udev_view_detach (CellsUdevView *view)
{
  if (view->pidfd >= 0)
    close (view->pidfd);
  view->pidfd = -1;
  g_queue_clear_full (&view->outbox, (GDestroyNotify) g_bytes_unref);
}

/* Waking a compositor's libinput */

/**
 * cells_udev_view_wake:
 * @devname: an input device node that a compositor in the cell has just
 *   opened again
 *
 * Sends the cell a "change" of that device. Nothing changed, but libinput
 * reads its udev monitor and so takes the devices it opened when the
 * seat came back: wlroots 0.15 resumes libinput without dispatching, and
 * would add them only at the next key press or tap, which is then lost.
 * libinput ignores a change of an input device.
 */
void
cells_udev_view_wake (CellsUdevView *view, const char *devname)
{
  g_autofree char *wanted = g_strdup_printf ("DEVNAME=%s", devname);
  GHashTableIter iter;
  Device *d;

  g_hash_table_iter_init (&iter, view->shown);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &d)) {
    if (!d->display && g_str_equal (d->kernel->pdata[1], wanted)) {
      queue_event (view, d, "change");
      return;
    }
  }
}

/**
 * cells_udev_wake_host:
 * @devname: an input device node that the switcher's compositor, in the
 *   root namespace, has just opened again
 *
 * What cells_udev_view_wake() does in a cell, done in the root namespace
 * by the host's udevd: the kernel is asked for a "change" of the device
 * (as `udevadm trigger` does), which udevd passes on to libudev's
 * listeners. Cells that see the device are told of the change too.
 * Without udevd nothing in the root namespace listens to libudev.
 */
void
cells_udev_wake_host (CellsUdev *self, const char *devname)
{
  const char *sysname = strrchr (devname, '/');
  g_autofree char *path = NULL;
  int fd;

  if (!self->from_udevd || sysname == NULL || !wanted_name ("input", ++sysname))
    return;
  path = g_build_filename (self->sys_dir, "class", "input", sysname, "uevent", NULL);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, "change", 6) != 6)
    g_message ("Could not ask for a change of %s: %s", devname, g_strerror (errno));
  if (fd >= 0)
    close (fd);
}

/**
 * cells_udev_parse_event:
 * @buf: a message from the uevent netlink socket, with a NUL after its @n bytes
 * @from_udevd: udevd's (libudev's header, then the properties) rather
 *   than the kernel's ("ACTION@DEVPATH", then the properties)
 *
 * Finds ACTION=, SUBSYSTEM= and DEVPATH= in it, pointing into @buf. In
 * libudev's header only the magic and the filter words are big-endian;
 * the sizes and the offset are the sender's own byte order, as libudev
 * (sd-device's device-monitor.c) writes and reads them.
 *
 * Returns: whether it is such a message and has all three
 */
gboolean
cells_udev_parse_event (const char *buf, gsize n, gboolean from_udevd, const char **action,
                        const char **subsystem, const char **devpath)
{
  gsize pos;

  *action = *subsystem = *devpath = NULL;
  if (from_udevd) {
    MonitorHeader h;

    if (n < sizeof h)
      return FALSE;
    memcpy (&h, buf, sizeof h);
    if (memcmp (h.prefix, "libudev", 8) != 0 || be32toh (h.magic) != UDEV_MONITOR_MAGIC ||
        h.properties_off < sizeof h || h.properties_off >= n)
      return FALSE;
    pos = h.properties_off;
  } else {
    pos = strnlen (buf, n) + 1;
  }
  for (; pos < n; pos += strnlen (buf + pos, n - pos) + 1) {
    const char *kv = buf + pos;

    if (g_str_has_prefix (kv, "ACTION="))
      *action = kv + 7;
    else if (g_str_has_prefix (kv, "SUBSYSTEM="))
      *subsystem = kv + 10;
    else if (g_str_has_prefix (kv, "DEVPATH="))
      *devpath = kv + 8;
  }
  return *action != NULL && *subsystem != NULL && *devpath != NULL;
}

/* The host's events */

static void
device_event (CellsUdev *self, const char *action, const char *subsystem, const char *devpath)
{
  const char *sysname = strrchr (devpath, '/');
  Device *d;

  if (sysname == NULL || !wanted_name (subsystem, ++sysname))
    return;
  if (g_str_equal (action, "remove")) {
    GHashTableIter iter;
    const char *id;

    g_hash_table_iter_init (&iter, self->devices);
    while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &d)) {
      g_autofree char *expected = g_strdup_printf ("DEVPATH=%s", devpath);

      if (g_str_equal (d->kernel->pdata[0], expected)) {
        g_hash_table_iter_remove (&iter);
        break;
      }
    }
  } else if ((d = device_read (self, subsystem, sysname)) != NULL) {
    g_hash_table_replace (self->devices, d->id, d);
    /* A change (a display connected, say) is told to cells that see it. */
    if (g_str_equal (action, "change")) {
      for (GList *l = self->views; l != NULL; l = l->next) {
        if (g_hash_table_contains (((CellsUdevView *) l->data)->shown, d->id))
          show (l->data, d, "change");
      }
    }
  }
  for (GList *l = self->views; l != NULL; l = l->next)
    view_sync (l->data);
}

static gboolean
on_uevent (int fd, GIOCondition condition, gpointer user_data)
{
  CellsUdev *self = user_data;
  char buf[8192];
  union {
    struct cmsghdr cmsg;
    char space[CMSG_SPACE (sizeof (struct ucred))];
  } control;
  struct sockaddr_nl from;
  struct iovec iov = { buf, sizeof buf - 1 };
  struct msghdr msg = {
    .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
    .msg_control = &control, .msg_controllen = sizeof control,
  };
  gboolean lost = FALSE;
  ssize_t n;

  /* Events were lost (a burst filled the socket): the kernel says so once,
   * then gives what it had queued, which is older than a look at the
   * devices now and is read and dropped first. */
  while ((n = recvmsg (fd, &msg, 0)) > 0 || (n < 0 && errno == ENOBUFS)) {
    struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
    const char *action, *subsystem, *devpath;

    if (n < 0 || lost) {
      lost = TRUE;
      goto next;
    }
    buf[n] = '\0';
    /* Only the kernel's or host root's udevd. */
    if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
        ((struct ucred *) CMSG_DATA (c))->uid == 0 && !(msg.msg_flags & MSG_TRUNC) &&
        (self->from_udevd || from.nl_pid == 0) &&
        cells_udev_parse_event (buf, n, self->from_udevd, &action, &subsystem, &devpath))
      device_event (self, action, subsystem, devpath);
  next:
    msg.msg_controllen = sizeof control;
    msg.msg_namelen = sizeof from;
  }
  /* The devices as they are now, and the views after them. */
  if (lost) {
    g_message ("Device events were lost; looking at the devices again");
    g_hash_table_remove_all (self->devices);
    scan (self, "drm");
    scan (self, "input");
    for (GList *l = self->views; l != NULL; l = l->next)
      view_sync (l->data);
  }
  return G_SOURCE_CONTINUE;
}

static void
listen_to_host (CellsUdev *self)
{
  g_autofree char *control = g_build_filename (self->host_udev_dir, "control", NULL);
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  int on = 1, rcvbuf = 8 * 1024 * 1024;

  /* Where udevd runs, its events come after it has written its database. */
  self->from_udevd = g_file_test (control, G_FILE_TEST_EXISTS);
  sa.nl_groups = self->from_udevd ? 2 : 1;
  self->nl_fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
                        NETLINK_KOBJECT_UEVENT);
  /* Room for a burst (udevadm trigger at boot), as udevd's own monitors
   * have; the default is a few hundred events. */
  if (self->nl_fd >= 0 &&
      setsockopt (self->nl_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
    setsockopt (self->nl_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (self->nl_fd < 0 ||
      setsockopt (self->nl_fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0 ||
      bind (self->nl_fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
    g_message ("Devices that come later are not seen by cells: %s", g_strerror (errno));
    return;
  }
  self->nl_watch = g_unix_fd_add (self->nl_fd, G_IO_IN, on_uevent, self);
}

/**
 * cells_udev_new:
 * @sys_dir: where sysfs is, normally /sys
 * @host_udev_dir: where the host's udev keeps its state, normally /run/udev
 * @helper: the cells-lxc-start program, which sends events into cells
 */
CellsUdev *
cells_udev_new (const char *sys_dir, const char *host_udev_dir, const char *helper)
{
  CellsUdev *self = g_new0 (CellsUdev, 1);

  self->sys_dir = g_canonicalize_filename (sys_dir, NULL);
  self->host_udev_dir = g_strdup (host_udev_dir);
  self->helper = g_strdup (helper);
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) device_free);
  self->nl_fd = -1;
  listen_to_host (self);
  scan (self, "drm");
  scan (self, "input");
  g_debug ("%u devices for the cells' udev views (%s)", g_hash_table_size (self->devices),
           self->from_udevd ? "the host's udev database" : "derived");
  return self;
}

void
cells_udev_free (CellsUdev *self)
{
  if (self == NULL)
    return;
  for (GList *l = self->views; l != NULL; l = l->next)
    ((CellsUdevView *) l->data)->udev = NULL;
  g_list_free (self->views);
  g_clear_handle_id (&self->nl_watch, g_source_remove);
  if (self->nl_fd >= 0)
    close (self->nl_fd);
  g_hash_table_unref (self->devices);
  g_free (self->sys_dir);
  g_free (self->host_udev_dir);
  g_free (self->helper);
  g_free (self);
}
