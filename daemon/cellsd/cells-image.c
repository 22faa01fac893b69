/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-image"

#include "cells-image.h"
#include "cells-errors.h"
#include "cells-util.h"

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/**
 * SECTION:cells-image
 *
 * Base images are root file system trees under `STATE_DIR/images/NAME/`,
 * owned by host root and shared read-only by every cell made from them.
 * An import unpacks a tar archive with GNU tar into a hidden directory
 * beside the images and renames it into place when it is complete, so
 * that an image is either whole or absent.
 */

#define CHUNK_SIZE (256 * 1024)
#define PROGRESS_INTERVAL_US (200 * 1000)

typedef struct {
  char               *images_dir;
  char               *name;
  char               *tmp_dir;
  char               *log_path;
  GInputStream       *input;
  GSubprocess        *tar;
  GOutputStream      *tar_stdin;
  guint8             *buffer;
  gboolean            started;
  guint64             done;
  guint64             total;
  gint64              last_progress;
  CellsImageProgress  progress;
  gpointer            progress_data;
} ImportData;

static void
import_data_free (ImportData *d)
{
  /* A failed import may leave tar running: end it before removing its work. */
  if (d->tar != NULL && g_subprocess_get_identifier (d->tar) != NULL) {
    g_subprocess_force_exit (d->tar);
    g_subprocess_wait (d->tar, NULL, NULL);
  }
  if (d->tmp_dir != NULL)
    cells_remove_tree (d->tmp_dir, NULL);
  g_free (d->images_dir);
  g_free (d->name);
  g_free (d->tmp_dir);
  if (d->log_path != NULL)
    g_unlink (d->log_path);
  g_free (d->log_path);
  g_clear_object (&d->input);
  g_clear_object (&d->tar);
  g_free (d->buffer);
  g_free (d);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char **) a, *(char **) b);
}

GStrv
cells_image_list (const char *images_dir)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (images_dir, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL) {
    if (cells_name_validate (entry, "image", NULL) && cells_image_exists (images_dir, entry))
      g_ptr_array_add (names, g_strdup (entry));
  }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

gboolean
cells_image_exists (const char *images_dir, const char *name)
{
  g_autofree char *path = g_build_filename (images_dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_IS_DIR);
}

/* The tar flag for the compression whose magic starts @buf. */
static const char *
compression_flag (const guint8 *buf, gsize len)
{
  if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
    return "--gzip";
  if (len >= 6 && memcmp (buf, "\xfd" "7zXZ\0", 6) == 0)
    return "--xz";
  if (len >= 3 && memcmp (buf, "BZh", 3) == 0)
    return "--bzip2";
  if (len >= 4 && memcmp (buf, "\x28\xb5\x2f\xfd", 4) == 0)
    return "--zstd";
  return NULL;
}

static void read_next (GTask *task);

static void
report (ImportData *d, gboolean force)
{
  gint64 now = g_get_monotonic_time ();

  if (d->progress == NULL || (!force && now - d->last_progress < PROGRESS_INTERVAL_US))
    return;
  d->last_progress = now;
  d->progress (d->done, d->total, d->progress_data);
}

static void
on_tar_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ImportData *d = g_task_get_task_data (task);
  g_autofree char *target = g_build_filename (d->images_dir, d->name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_check_finish (d->tar, result, &error)) {
    g_autofree char *why = NULL;

    if (g_file_get_contents (d->log_path, &why, NULL, NULL) && strchr (why, '\n'))
      *strchr (why, '\n') = '\0';
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_FAILED,
                             "The archive could not be unpacked, so no image was created: %s",
                             why && *why ? g_strstrip (why) : error->message);
    return;
  }
  if (g_file_test (target, G_FILE_TEST_EXISTS)) {
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_EXISTS,
                             "An image named “%s” appeared meanwhile; nothing was changed.",
                             d->name);
    return;
  }
  if (g_chmod (d->tmp_dir, 0755) < 0 || g_rename (d->tmp_dir, target) < 0) {
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_FAILED,
                             "Could not put the image in place at %s: %s", target,
                             g_strerror (errno));
    return;
  }
  g_clear_pointer (&d->tmp_dir, g_free);
  report (d, TRUE);
  g_task_return_boolean (task, TRUE);
}

static gboolean
spawn_tar (ImportData *d, const guint8 *first, gsize len, GError **error)
{
  const char *compression = compression_flag (first, len);
  const char *argv[] = { "tar", "--extract", "--file=-", "--numeric-owner", "--same-permissions",
                         "--same-owner", "--xattrs", "--xattrs-include=*", "--directory",
                         d->tmp_dir, compression, NULL };

  g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);

  g_subprocess_launcher_set_stderr_file_path (launcher, d->log_path);
  d->tar = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (d->tar == NULL)
    return FALSE;
  d->tar_stdin = g_subprocess_get_stdin_pipe (d->tar);
  return TRUE;
}

static void
on_write_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* tar ending early (a broken archive) shows as EPIPE; its exit tells why. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (error != NULL) {
    ImportData *d = g_task_get_task_data (task);
    GCancellable *cancellable = g_task_get_cancellable (task);

    g_output_stream_close (d->tar_stdin, NULL, NULL);
    g_subprocess_wait_check_async (d->tar, cancellable, on_tar_ready, g_steal_pointer (&task));
    return;
  }
  read_next (g_steal_pointer (&task));
}

static void
on_read_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ImportData *d = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (d->input, result, &error);

  if (n < 0) {
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_FAILED,
                             "Could not read the archive: %s", error->message);
    return;
  }
  if (!d->started) {
    if (n == 0) {
      g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                               "The archive is empty.");
      return;
    }
    if (!spawn_tar (d, d->buffer, n, &error)) {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
    d->started = TRUE;
  }
  if (n == 0) {
    g_output_stream_close (d->tar_stdin, NULL, NULL);
    g_subprocess_wait_check_async (d->tar, cancellable, on_tar_ready, g_steal_pointer (&task));
    return;
  }
  d->done += n;
  report (d, FALSE);
  g_output_stream_write_all_async (d->tar_stdin, d->buffer, n, G_PRIORITY_LOW,
                                   cancellable, on_write_ready, g_steal_pointer (&task));
}

static void
read_next (GTask *task)
{
  ImportData *d = g_task_get_task_data (task);

  g_input_stream_read_async (d->input, d->buffer, CHUNK_SIZE, G_PRIORITY_LOW,
                             g_task_get_cancellable (task), on_read_ready, task);
}

/**
 * cells_image_import_async:
 * @fd: an open archive; the call takes ownership
 * @progress: (nullable): called with bytes read and the archive size
 *
 * Unpacks the archive on @fd into the image @name. Fails with Exists when
 * the image exists or is being imported.
 */
void
cells_image_import_async (const char *images_dir, const char *name, int fd,
                          CellsImageProgress progress, gpointer progress_data,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ImportData *d = g_new0 (ImportData, 1);
  g_autofree char *tmp_dir = g_strdup_printf ("%s/.import-%s", images_dir, name);
  struct stat st;

  g_task_set_source_tag (task, cells_image_import_async);
  g_task_set_task_data (task, d, (GDestroyNotify) import_data_free);
  d->images_dir = g_strdup (images_dir);
  d->name = g_strdup (name);
  d->input = g_unix_input_stream_new (fd, TRUE);
  d->buffer = g_malloc (CHUNK_SIZE);
  d->progress = progress;
  d->progress_data = progress_data;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    d->total = st.st_size;

  if (cells_image_exists (images_dir, name)) {
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_EXISTS,
                             "An image named “%s” exists already.", name);
    return;
  }
  if (g_mkdir_with_parents (images_dir, 0700) < 0 || g_mkdir (tmp_dir, 0700) < 0) {
    int saved = errno;

    if (saved == EEXIST)
      g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_BUSY,
                               "Image “%s” is being imported already.", name);
    else
      g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_FAILED,
                               "Could not create the image “%s”: %s", name, g_strerror (saved));
    return;
  }
  d->log_path = g_strconcat (tmp_dir, ".log", NULL);
  d->tmp_dir = g_steal_pointer (&tmp_dir);
  read_next (g_steal_pointer (&task));
}

gboolean
cells_image_import_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
