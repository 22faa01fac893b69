/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-image"

#include "cells-image.h"
#include "cells-errors.h"
#include "cells-util.h"

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

/**
 * SECTION:cells-image
 *
 * Base images are root file system trees under `STATE_DIR/images/NAME/`,
 * owned by host root and shared read-only by every cell made from them.
 * An import unpacks a tar archive with GNU tar into a hidden directory
 * beside the images and renames it into place when it is complete, so
 * that an image is either whole or absent.
 *
 * What is not a tar archive (plain or compressed) is refused from its
 * first block. While tar unpacks, its listing of every entry (with its
 * size, as tar reads the entry's header, before it writes it) is checked
 * against the limits (CellsImageLimits): too many entries, too large a
 * file (a sparse file counts whole) or too much in all ends tar and the
 * import. So does an archive that stops coming.
 */

#define CHUNK_SIZE (256 * 1024)
#define TAR_BLOCK 512
#define PROGRESS_INTERVAL_US (200 * 1000)

typedef struct {
  char               *images_dir;
  char               *name;
  char               *tmp_dir;
  char               *log_path;
  GInputStream       *input;
  GSubprocess        *tar;
  GOutputStream      *tar_stdin;
  GDataInputStream   *listing;
  guint8             *buffer;
  GByteArray         *head;      /* what was read before tar started */
  gboolean            started;
  gboolean            tar_done;
  gboolean            listing_done;
  GError             *tar_error;
  GError             *refusal;   /* a limit the archive went past */
  CellsImageLimits    limits;
  guint64             entries;
  guint64             bytes;
  guint               stall_id;
  GCancellable       *cancellable; /* of reading and writing; cancelled by a refusal */
  gulong              cancelled_id;
  GCancellable       *caller;      /* the caller's, if any */
  guint64             done;
  guint64             total;
  gint64              last_progress;
  CellsImageProgress  progress;
  gpointer            progress_data;
} ImportData;

static void
import_data_free (ImportData *d)
{
  g_clear_handle_id (&d->stall_id, g_source_remove);
  if (d->caller != NULL)
    g_cancellable_disconnect (d->caller, d->cancelled_id);
  g_clear_object (&d->caller);
  g_clear_object (&d->cancellable);
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
  g_clear_object (&d->listing);
  g_clear_error (&d->tar_error);
  g_clear_error (&d->refusal);
  g_byte_array_unref (d->head);
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

/* Ends tar: the archive went past a limit. */
static void
refuse (ImportData *d, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
refuse (ImportData *d, const char *format, ...)
{
  va_list args;

  if (d->refusal != NULL)
    return;
  va_start (args, format);
  d->refusal = g_error_new_valist (CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT, format, args);
  va_end (args);
  g_cancellable_cancel (d->cancellable);
  if (d->tar != NULL && g_subprocess_get_identifier (d->tar) != NULL)
    g_subprocess_force_exit (d->tar);
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
  refuse (user_data, "The import was given up: its caller went away. No image was created.");
}

/* tar has ended and its listing is read to the end: the image is whole
 * and within its limits, or nothing is left of it. */
static void
finish (GTask *owned)
{
  g_autoptr(GTask) task = owned;
  ImportData *d = g_task_get_task_data (task);
  g_autofree char *target = g_build_filename (d->images_dir, d->name, NULL);

  /* The kernel stopped tar at the file size limit before its listing said so. */
  if (d->tar_error != NULL && g_subprocess_get_if_signaled (d->tar) &&
      g_subprocess_get_term_sig (d->tar) == SIGXFSZ) {
    g_autofree char *limit = g_format_size_full (d->limits.max_file_size, G_FORMAT_SIZE_IEC_UNITS);

    refuse (d, "The archive holds a file larger than %s, the most one file of an image may be "
            "([Images] MaxFileSize in cellsd.conf); no image was created.", limit);
  }
  if (d->refusal != NULL) {
    g_task_return_error (task, g_steal_pointer (&d->refusal));
    return;
  }
  if (d->tar_error != NULL) {
    g_autofree char *why = NULL;

    if (g_file_get_contents (d->log_path, &why, NULL, NULL) && strchr (why, '\n'))
      *strchr (why, '\n') = '\0';
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_FAILED,
                             "The archive could not be unpacked, so no image was created: %s",
                             why && *why ? g_strstrip (why) : d->tar_error->message);
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

static void
on_tar_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ImportData *d = g_task_get_task_data (task);

  g_subprocess_wait_check_finish (d->tar, result, &d->tar_error);
  d->tar_done = TRUE;
  if (d->listing_done)
    finish (g_steal_pointer (&task));
}

/* Reading tar's listing */

#define LISTED_TYPES "-dlhcbpsSCDMV?"
#define LISTED_PERMISSIONS "-rwxsStT"

/* The next word at *@p, after the spaces before it; %NULL at the end. */
static const char *
next_word (const char **p, gsize *len)
{
  const char *word = *p;

  while (*word == ' ')
    word++;
  if (*word == '\0')
    return NULL;
  *len = strcspn (word, " ");
  *p = word + *len;
  return word;
}

static gboolean
made_of (const char *word, gsize len, const char *chars)
{
  for (gsize i = 0; i < len; i++) {
    if (strchr (chars, word[i]) == NULL || word[i] == '\0')
      return FALSE;
  }
  return len > 0;
}

/* "drwxr-xr-x", with a flag of tar's after it when the entry has extended
 * attributes, an SELinux context or ACLs. */
static gboolean
read_mode (const char *word, gsize len, CellsImageEntry *entry)
{
  if ((len != 10 && !(len == 11 && strchr ("*.+", word[10]) != NULL)) ||
      strchr (LISTED_TYPES, word[0]) == NULL || !made_of (word + 1, 9, LISTED_PERMISSIONS))
    return FALSE;
  entry->type = word[0];
  entry->setid = strchr ("sS", word[3]) != NULL || strchr ("sS", word[6]) != NULL;
  return TRUE;
}

/* The size; a device has "MAJOR,MINOR" instead, and no size. */
static gboolean
read_size (const char *word, gsize len, CellsImageEntry *entry)
{
  g_autofree char *text = g_strndup (word, len);
  const char *comma = strchr (text, ',');

  if (entry->type == 'c' || entry->type == 'b')
    return comma != NULL && made_of (text, comma - text, "0123456789") &&
           made_of (comma + 1, strlen (comma + 1), "0123456789");
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &entry->size, NULL);
}

/* "2024-05-01 12:00", or the seconds alone for a time tar cannot show as
 * a date. Leaves *@p on the space before the name. */
static gboolean
read_time (const char **p)
{
  gsize len = 0;
  const char *word = next_word (p, &len);

  if (word == NULL)
    return FALSE;
  if (made_of (word + (*word == '-'), len - (*word == '-'), "0123456789"))
    return TRUE;
  if (!made_of (word, len, "0123456789-") || memchr (word + 1, '-', len - 1) == NULL)
    return FALSE;
  word = next_word (p, &len);
  return word != NULL && made_of (word, len, "0123456789:.") && memchr (word, ':', len) != NULL;
}

/* Whether the first @n bytes of @s have a ".." component: components end
 * at '/' and, when @sep is given, where @sep begins (it may run on past
 * @n: the name "./.." of "./.. -> -> x" ends at the first " -> "). */
static gboolean
leads_out (const char *s, gsize n, const char *sep)
{
  gsize sep_len = sep != NULL ? strlen (sep) : 0;
  gsize total = strlen (s);
  gsize start = 0;

  for (gsize i = 0; i <= n; i++) {
    gsize skip;

    if (i == n || s[i] == '/')
      skip = 1;
    else if (sep_len > 0 && total - i >= sep_len && memcmp (s + i, sep, sep_len) == 0)
      skip = sep_len;
    else
      continue;
    if (i - start == 2 && s[start] == '.' && s[start + 1] == '.')
      return TRUE;
    i += skip - 1;
    start = i + 1;
  }
  return FALSE;
}

/* The name and what it must not lead out of: a symbolic link's target
 * may point anywhere (it is read inside the cell), a hard link's must stay
 * in the image. A name that holds the separator itself is checked at every
 * place it could end. */
static CellsImageVerdict
read_name (const char *rest, CellsImageEntry *entry)
{
  const char *sep = entry->type == 'l' ? " -> " : entry->type == 'h' ? " link to " : NULL;
  gsize n = strlen (rest);
  gsize checked = n;

  if (n == 0)
    return CELLS_IMAGE_ENTRY_UNREADABLE;
  entry->name = rest;
  entry->name_length = n;
  if (sep != NULL) {
    const char *first = strstr (rest, sep);
    const char *last = first;

    if (first == NULL || first == rest)
      return CELLS_IMAGE_ENTRY_UNREADABLE;
    entry->name_length = first - rest;
    for (const char *p = first; p != NULL; p = strstr (p + 1, sep))
      last = p;
    if (entry->type == 'l')
      checked = last - rest;
  }
  return leads_out (rest, checked, sep) ? CELLS_IMAGE_ENTRY_TRAVERSAL : CELLS_IMAGE_ENTRY_OK;
}

/**
 * cells_image_check_entry:
 * @line: one line of `tar --extract --verbose --verbose --quoting-style=escape`:
 *   "MODE OWNER/GROUP SIZE DATE TIME NAME", as tar reads the entry's header
 *   and before it writes it
 * @max_file_size: the most one file may be
 * @entry: (out): what the line says, for %CELLS_IMAGE_ENTRY_OK and the
 *   refusals after %CELLS_IMAGE_ENTRY_UNREADABLE
 *
 * The verdict of the importer on one entry. Device nodes and set-ID files
 * are allowed (a cell sees its image with nodev and nosuid); an absolute
 * name or hard link target is made relative by tar; a sparse file counts
 * with its whole size.
 *
 * Returns: the verdict
 */
CellsImageVerdict
cells_image_check_entry (const char *line, guint64 max_file_size, CellsImageEntry *entry)
{
  const char *p = line;
  const char *word;
  gsize len = 0;
  CellsImageVerdict verdict;

  memset (entry, 0, sizeof *entry);
  word = next_word (&p, &len);
  if (word == NULL || word != line || !read_mode (word, len, entry))
    return CELLS_IMAGE_ENTRY_UNREADABLE;
  /* A directory tar creates on the way: "MODE   Creating directory: NAME". */
  word = next_word (&p, &len);
  if (word != NULL && memchr (word, '/', len) == NULL)
    return entry->type == 'd' ? CELLS_IMAGE_ENTRY_NOTE : CELLS_IMAGE_ENTRY_UNREADABLE;
  if (word == NULL || (word = next_word (&p, &len)) == NULL || !read_size (word, len, entry) ||
      !read_time (&p) || *p != ' ')
    return CELLS_IMAGE_ENTRY_UNREADABLE;
  verdict = read_name (p + 1, entry);
  if (verdict == CELLS_IMAGE_ENTRY_OK && entry->size > max_file_size)
    return CELLS_IMAGE_ENTRY_TOO_LARGE;
  return verdict;
}

/* One line of tar's listing, against the limits. */
static void
check_entry (ImportData *d, const char *line)
{
  CellsImageEntry entry;
  g_autofree char *limit = NULL;
  g_autofree char *name = NULL;

  switch (cells_image_check_entry (line, d->limits.max_file_size, &entry)) {
  case CELLS_IMAGE_ENTRY_OK:
  case CELLS_IMAGE_ENTRY_NOTE:
    break;
  case CELLS_IMAGE_ENTRY_UNREADABLE:
    name = g_utf8_make_valid (line, -1);
    refuse (d, "tar listed an entry that cellsd cannot read (“%s”); no image was created.", name);
    return;
  case CELLS_IMAGE_ENTRY_TRAVERSAL:
    name = g_utf8_make_valid (entry.name, entry.name_length);
    refuse (d, "The archive holds an entry that leads out of the image (“%s”); no image was "
            "created.", name);
    return;
  case CELLS_IMAGE_ENTRY_TOO_LARGE:
  default:
    limit = g_format_size_full (d->limits.max_file_size, G_FORMAT_SIZE_IEC_UNITS);
    refuse (d, "The archive holds a file larger than %s, the most one file of an image may be "
            "([Images] MaxFileSize in cellsd.conf); no image was created.", limit);
    return;
  }
  d->entries++;
  if (d->entries > d->limits.max_files) {
    refuse (d, "The archive holds more than %" G_GUINT64_FORMAT " entries, the most an image may "
            "have ([Images] MaxFiles in cellsd.conf); no image was created.", d->limits.max_files);
    return;
  }
  d->bytes += entry.size;
  if (d->bytes > d->limits.max_bytes) {
    limit = g_format_size_full (d->limits.max_bytes, G_FORMAT_SIZE_IEC_UNITS);
    refuse (d, "The archive unpacks to more than %s, the most an image may hold "
            "([Images] MaxSize in cellsd.conf); no image was created.", limit);
  }
}

static void
on_listing_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ImportData *d = g_task_get_task_data (task);
  g_autofree char *line = g_data_input_stream_read_line_finish (d->listing, result, NULL, NULL);

  if (line == NULL) {
    d->listing_done = TRUE;
    if (d->tar_done)
      finish (g_steal_pointer (&task));
    return;
  }
  check_entry (d, line);
  g_data_input_stream_read_line_async (d->listing, G_PRIORITY_LOW, NULL, on_listing_line,
                                       g_steal_pointer (&task));
}

/* In tar, before exec: no one file larger than the limit, whatever tar
 * says of it. Only async-signal-safe calls. */
static void
limit_file_size (gpointer user_data)
{
  const guint64 *max = user_data;
  struct rlimit limit = { .rlim_cur = *max, .rlim_max = *max };

  setrlimit (RLIMIT_FSIZE, &limit);
}

static gboolean
spawn_tar (GTask *task, const char *compression, GError **error)
{
  ImportData *d = g_task_get_task_data (task);
  const char *argv[] = { "tar", "--extract", "--file=-", "--numeric-owner", "--same-permissions",
                         "--same-owner", "--xattrs", "--xattrs-include=*", "--verbose", "--verbose",
                         "--quoting-style=escape", "--directory", d->tmp_dir, compression, NULL };
  g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_set_stderr_file_path (launcher, d->log_path);
  g_subprocess_launcher_set_child_setup (launcher, limit_file_size, &d->limits.max_file_size, NULL);
  d->tar = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (d->tar == NULL)
    return FALSE;
  d->tar_stdin = g_subprocess_get_stdin_pipe (d->tar);
  d->listing = g_data_input_stream_new (g_subprocess_get_stdout_pipe (d->tar));
  /* GSubprocess's pipes block: a write of a whole chunk to tar would wait
   * until tar took it all, while tar waits for its listing to be read,
   * which only this thread does. Non-blocking, a write takes what fits. */
  if (!g_unix_set_fd_nonblocking (
          g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (d->tar_stdin)), TRUE, error) ||
      !g_unix_set_fd_nonblocking (
          g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (d->tar))),
          TRUE, error))
    return FALSE;
  g_data_input_stream_read_line_async (d->listing, G_PRIORITY_LOW, NULL, on_listing_line,
                                       g_object_ref (task));
  g_subprocess_wait_check_async (d->tar, NULL, on_tar_ready, g_object_ref (task));
  return TRUE;
}

/* What tar is given must be a tar archive from its first block: plain
 * (the "ustar" magic of its first header) or compressed. Returns the tar
 * flag of the compression ("" for none). */
static const char *
archive_kind (GByteArray *head, GError **error)
{
  const char *compression = compression_flag (head->data, head->len);

  if (compression != NULL)
    return compression;
  if (head->len >= TAR_BLOCK && memcmp (head->data + 257, "ustar", 5) == 0)
    return "";
  g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
               "The archive could not be unpacked, so no image was created: it is not a tar "
               "archive (plain, or compressed with gzip, xz, bzip2 or zstd).");
  return NULL;
}

/* Once tar runs, every error ends it, and finish () answers. */
static void
on_write_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ImportData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error)) {
    read_next (g_steal_pointer (&task));
    return;
  }
  /* tar ending early (a broken archive) shows as EPIPE; its exit tells why. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    g_output_stream_close (d->tar_stdin, NULL, NULL);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    refuse (d, "Could not give tar the archive: %s", error->message);
}

static gboolean
on_stall (gpointer user_data)
{
  ImportData *d = user_data;

  d->stall_id = 0;
  refuse (d, "The archive stopped coming for %u s; the import was given up and no image was "
          "created.", d->limits.stall_s);
  return G_SOURCE_REMOVE;
}

/* Reading waits for the first block, then starts tar and gives it that. */
static gboolean
start_when_known (GTask *task, gssize n, GError **error)
{
  ImportData *d = g_task_get_task_data (task);
  const char *compression;

  g_byte_array_append (d->head, d->buffer, n);
  if (n > 0 && d->head->len < TAR_BLOCK)
    return TRUE;
  if (d->head->len == 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT, "The archive is empty.");
    return FALSE;
  }
  compression = archive_kind (d->head, error);
  if (compression == NULL || !spawn_tar (task, *compression ? compression : NULL, error))
    return FALSE;
  d->started = TRUE;
  return TRUE;
}

static void
give_tar (GTask *task, const guint8 *data, gsize n)
{
  ImportData *d = g_task_get_task_data (task);

  g_output_stream_write_all_async (d->tar_stdin, data, n, G_PRIORITY_LOW, d->cancellable,
                                   on_write_ready, task);
}

static void
on_read_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ImportData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (d->input, result, &error);
  gboolean was_started = d->started;

  g_clear_handle_id (&d->stall_id, g_source_remove);
  if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    refuse (d, "Could not read the archive: %s", error->message);
  if (n < 0 || d->refusal != NULL) {
    /* Before tar, the answer is given here; after, finish () gives it. */
    if (!d->started)
      g_task_return_error (task, g_steal_pointer (&d->refusal));
    return;
  }
  if (!d->started && !start_when_known (task, n, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  d->done += n;
  report (d, FALSE);
  if (!d->started)
    read_next (g_steal_pointer (&task));
  else if (!was_started)
    give_tar (g_steal_pointer (&task), d->head->data, d->head->len);
  else if (n == 0)
    g_output_stream_close (d->tar_stdin, NULL, NULL);
  else
    give_tar (g_steal_pointer (&task), d->buffer, n);
}

static void
read_next (GTask *task)
{
  ImportData *d = g_task_get_task_data (task);

  if (d->limits.stall_s > 0)
    d->stall_id = g_timeout_add_seconds (d->limits.stall_s, on_stall, d);
  g_input_stream_read_async (d->input, d->buffer, CHUNK_SIZE, G_PRIORITY_LOW, d->cancellable,
                             on_read_ready, task);
}

/**
 * cells_image_import_async:
 * @fd: an open archive; the call takes ownership
 * @limits: what the image may hold
 * @progress: (nullable): called with bytes read and the archive size
 *
 * Unpacks the archive on @fd into the image @name. Fails with Exists when
 * the image exists or is being imported.
 */
void
cells_image_import_async (const char *images_dir, const char *name, int fd,
                          const CellsImageLimits *limits,
                          CellsImageProgress progress, gpointer progress_data,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  /* The caller's cancellable ends the import with a sentence of ours. */
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);
  ImportData *d = g_new0 (ImportData, 1);
  g_autofree char *tmp_dir = g_strdup_printf ("%s/.import-%s", images_dir, name);
  struct stat st;

  g_task_set_source_tag (task, cells_image_import_async);
  g_task_set_task_data (task, d, (GDestroyNotify) import_data_free);
  d->images_dir = g_strdup (images_dir);
  d->name = g_strdup (name);
  d->input = g_unix_input_stream_new (fd, TRUE);
  d->buffer = g_malloc (CHUNK_SIZE);
  d->head = g_byte_array_new ();
  d->limits = *limits;
  d->cancellable = g_cancellable_new ();
  if (cancellable != NULL) {
    d->caller = g_object_ref (cancellable);
    d->cancelled_id =
        g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled), d, NULL);
  }
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
