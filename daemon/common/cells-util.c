/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-util"

#include "cells-util.h"
#include "cells-errors.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/**
 * cells_name_validate:
 * @name: (nullable): a cell or image name
 * @what: what the name names, for the message ("cell", "image")
 * @error: return location for a %CELLS_ERROR_INVALID_ARGUMENT
 *
 * Names are 1 to 64 characters of a-z, 0-9 and '-', starting with a
 * letter, so that they are safe as file names, host names and (with '-'
 * written as '_') D-Bus object path elements.
 */
gboolean
cells_name_validate (const char *name, const char *what, GError **error)
{
  size_t len;

  if (name == NULL || *name == '\0') {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                 "The %s name is empty; give a name of 1 to %d characters.",
                 what, CELLS_NAME_MAX);
    return FALSE;
  }

  len = strnlen (name, CELLS_NAME_MAX + 1);
  if (len > CELLS_NAME_MAX) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                 "The %s name is too long; it may have at most %d characters.",
                 what, CELLS_NAME_MAX);
    return FALSE;
  }

  if (!g_ascii_islower (name[0])) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                 "The %s name must start with a lower-case letter (a-z).", what);
    return FALSE;
  }

  for (size_t i = 0; i < len; i++) {
    char c = name[i];

    if (!g_ascii_islower (c) && !g_ascii_isdigit (c) && c != '-') {
      g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                   "The %s name may hold only a-z, 0-9 and \"-\".", what);
      return FALSE;
    }
  }

  return TRUE;
}

/**
 * cells_name_to_object_path:
 * @name: a valid cell name
 *
 * Returns: (transfer full): the object path of the cell, with each '-'
 * written as '_' (D-Bus path elements allow no '-').
 */
char *
cells_name_to_object_path (const char *name)
{
  g_autofree char *element = g_strdup (name);

  g_strdelimit (element, "-", '_');
  return g_strconcat ("/org/cells/Cells1/cell/", element, NULL);
}

/**
 * cells_write_file_atomic:
 *
 * Writes @contents to a temporary file beside @path, fsyncs it and renames
 * it over @path, so that a crash leaves either the old or the new file.
 */
gboolean
cells_write_file_atomic (const char *path, const char *contents, gssize length,
                         int mode, GError **error)
{
  return g_file_set_contents_full (path, contents, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   G_FILE_SET_CONTENTS_DURABLE,
                                   mode, error);
}

static int
remove_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  if (remove (path) < 0 && errno != ENOENT)
    return -1;
  return 0;
}

/**
 * cells_remove_tree:
 *
 * Removes @path and everything below it, never crossing into another
 * file system (a mount left below @path is an error, not a victim).
 */
gboolean
cells_remove_tree (const char *path, GError **error)
{
  if (nftw (path, remove_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0 &&
      errno != ENOENT) {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 "Could not remove %s: %s", path, g_strerror (saved));
    return FALSE;
  }
  return TRUE;
}

char *
cells_format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}
