/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-chord"

#include "cells-chord.h"
#include "cells-errors.h"

#include <gio/gio.h>
#include <glib-unix.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/**
 * SECTION:cells-chord
 *
 * The secure switch chord. cellsd opens every input device that has the
 * chord's keys itself and reads it: its own open files, which are never
 * handed to a cell nor revoked, so whichever cell is in the foreground,
 * holding the keys of the chord together brings up the switcher. Cells
 * have no uinput and no access to these files, so no cell can fake it.
 * Devices that appear later (hotplug) are picked up by watching the input
 * directory.
 */

static const struct {
  const char *name;
  guint16     code;
} key_names[] = {
  { "KEY_POWER", KEY_POWER }, { "KEY_VOLUMEUP", KEY_VOLUMEUP },
  { "KEY_VOLUMEDOWN", KEY_VOLUMEDOWN }, { "KEY_HOME", KEY_HOME },
  { "KEY_HOMEPAGE", KEY_HOMEPAGE }, { "KEY_MENU", KEY_MENU }, { "KEY_BACK", KEY_BACK },
  { "KEY_LEFTMETA", KEY_LEFTMETA }, { "KEY_LEFTCTRL", KEY_LEFTCTRL },
  { "KEY_LEFTALT", KEY_LEFTALT }, { "KEY_ESC", KEY_ESC }, { "KEY_CAMERA", KEY_CAMERA },
};

typedef struct {
  CellsChord *chord;
  char       *path;
  int         fd;
  guint       watch;
} Input;

struct _CellsChord {
  char           *input_dir;
  guint16         keys[CELLS_CHORD_MAX_KEYS];
  guint           n_keys;
  /* Keys may sit on different devices (a phone's power key and volume
   * keys usually do), so what is held is tracked across all of them. */
  gboolean        down[CELLS_CHORD_MAX_KEYS];
  CellsChordFunc  func;
  gpointer        data;
  GHashTable     *inputs;    /* path → Input */
  GFileMonitor   *monitor;
};

/**
 * cells_chord_parse:
 * @text: keys joined by "+", by name (KEY_POWER) or by code (116)
 */
gboolean
cells_chord_parse (const char *text, guint16 *keys, guint *n_keys, GError **error)
{
  g_auto(GStrv) words = g_strsplit (text, "+", -1);
  guint n = g_strv_length (words);

  if (n < 1 || n > CELLS_CHORD_MAX_KEYS) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                 "A switch chord has 1 to %d keys joined by “+”, such as %s.",
                 CELLS_CHORD_MAX_KEYS, CELLS_CHORD_DEFAULT);
    return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    const char *w = g_strstrip (words[i]);
    guint64 code;
    gboolean found = FALSE;

    for (guint k = 0; k < G_N_ELEMENTS (key_names) && !found; k++) {
      if (g_str_equal (w, key_names[k].name)) {
        keys[i] = key_names[k].code;
        found = TRUE;
      }
    }
    if (!found && g_ascii_string_to_unsigned (w, 10, 1, KEY_MAX, &code, NULL)) {
      keys[i] = code;
      found = TRUE;
    }
    if (!found) {
      g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a key cellsd knows; give a name such as KEY_POWER or a key code.",
                   w);
      return FALSE;
    }
  }
  *n_keys = n;
  return TRUE;
}

static void
input_free (Input *in)
{
  g_clear_handle_id (&in->watch, g_source_remove);
  close (in->fd);
  g_free (in->path);
  g_free (in);
}

static gboolean
on_input (int fd, GIOCondition condition, gpointer user_data)
{
  Input *in = user_data;
  CellsChord *chord = in->chord;
  struct input_event ev[16];
  ssize_t n = read (fd, ev, sizeof ev);

  if (n < 0 && errno == EAGAIN)
    return G_SOURCE_CONTINUE;
  if (n <= 0) {
    g_debug ("Input %s is gone", in->path);
    in->watch = 0;
    g_hash_table_remove (chord->inputs, in->path);
    return G_SOURCE_REMOVE;
  }
  for (gsize i = 0; i < n / sizeof ev[0]; i++) {
    gboolean all = TRUE;

    if (ev[i].type != EV_KEY)
      continue;
    for (guint k = 0; k < chord->n_keys; k++) {
      if (ev[i].code == chord->keys[k])
        chord->down[k] = ev[i].value != 0;
      all = all && chord->down[k];
    }
    if (all && ev[i].value == 1) {
      g_message ("Switch chord pressed (last key on %s)", in->path);
      memset (chord->down, 0, sizeof chord->down);
      chord->func (chord->data);
    }
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
has_keys (int fd, const guint16 *keys, guint n_keys)
{
  guint8 bits[KEY_MAX / 8 + 1] = { 0 };

  if (ioctl (fd, EVIOCGBIT (EV_KEY, sizeof bits), bits) < 0)
    return FALSE;
  for (guint k = 0; k < n_keys; k++) {
    if (bits[keys[k] / 8] & (1 << (keys[k] % 8)))
      return TRUE;
  }
  return FALSE;
}

static void
add_input (CellsChord *chord, const char *path)
{
  Input *in;
  int fd;

  if (g_hash_table_contains (chord->inputs, path))
    return;
  fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return;
  if (!has_keys (fd, chord->keys, chord->n_keys)) {
    close (fd);
    return;
  }
  in = g_new0 (Input, 1);
  in->chord = chord;
  in->path = g_strdup (path);
  in->fd = fd;
  in->watch = g_unix_fd_add (fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_input, in);
  g_hash_table_insert (chord->inputs, in->path, in);
  g_message ("Watching %s for the switch chord", path);
}

static void
on_input_dir_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
                      gpointer user_data)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *base = g_file_get_basename (file);

  if ((event == G_FILE_MONITOR_EVENT_CREATED || event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED) &&
      g_str_has_prefix (base, "event"))
    add_input (user_data, path);
}

static void
scan (CellsChord *chord)
{
  g_autoptr(GDir) dir = g_dir_open (chord->input_dir, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (chord->input_dir, entry, NULL);

    if (g_str_has_prefix (entry, "event"))
      add_input (chord, path);
  }
}

/**
 * cells_chord_new:
 * @input_dir: normally /dev/input
 * @func: called when every key of the chord is down at once
 */
CellsChord *
cells_chord_new (const char *input_dir, const guint16 *keys, guint n_keys, CellsChordFunc func,
                 gpointer data)
{
  CellsChord *chord = g_new0 (CellsChord, 1);
  g_autoptr(GFile) dir = g_file_new_for_path (input_dir);

  g_return_val_if_fail (n_keys >= 1 && n_keys <= CELLS_CHORD_MAX_KEYS, NULL);

  chord->input_dir = g_strdup (input_dir);
  memcpy (chord->keys, keys, n_keys * sizeof keys[0]);
  chord->n_keys = n_keys;
  chord->func = func;
  chord->data = data;
  chord->inputs =
      g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) input_free);
  chord->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_NONE, NULL, NULL);
  if (chord->monitor != NULL)
    g_signal_connect (chord->monitor, "changed", G_CALLBACK (on_input_dir_changed), chord);
  scan (chord);
  return chord;
}

void
cells_chord_free (CellsChord *chord)
{
  if (chord == NULL)
    return;
  g_clear_object (&chord->monitor);
  g_hash_table_unref (chord->inputs);
  g_free (chord->input_dir);
  g_free (chord);
}
