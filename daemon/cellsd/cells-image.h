/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef void (*CellsImageProgress) (guint64 done, guint64 total, gpointer user_data);

/**
 * CellsImageLimits:
 * @max_bytes: the most an image may hold (the sum of its files' sizes)
 * @max_files: the most entries (files, directories, links) it may hold
 * @max_file_size: the largest one file may be (sparse files count whole)
 * @stall_s: how long the archive may stop coming before the import ends
 *
 * What an import may unpack; checked while it unpacks.
 */
typedef struct {
  guint64 max_bytes;
  guint64 max_files;
  guint64 max_file_size;
  guint   stall_s;
} CellsImageLimits;

#define CELLS_IMAGE_MAX_BYTES_DEFAULT     (G_GUINT64_CONSTANT (8) << 30)
#define CELLS_IMAGE_MAX_FILES_DEFAULT     G_GUINT64_CONSTANT (1000000)
#define CELLS_IMAGE_MAX_FILE_SIZE_DEFAULT (G_GUINT64_CONSTANT (4) << 30)
#define CELLS_IMAGE_STALL_S_DEFAULT       60

/**
 * CellsImageVerdict:
 * @CELLS_IMAGE_ENTRY_OK: an entry within the limit
 * @CELLS_IMAGE_ENTRY_NOTE: a note of tar's own: a directory it creates on
 *   the way, which the archive does not hold (an entry of no size)
 * @CELLS_IMAGE_ENTRY_UNREADABLE: not a listing line this code can read
 * @CELLS_IMAGE_ENTRY_TRAVERSAL: its name, or the target of a hard link,
 *   has a `..` component
 * @CELLS_IMAGE_ENTRY_TOO_LARGE: one file larger than the limit
 *
 * What one line of tar's listing says of the entry it names.
 */
typedef enum {
  CELLS_IMAGE_ENTRY_OK,
  CELLS_IMAGE_ENTRY_NOTE,
  CELLS_IMAGE_ENTRY_UNREADABLE,
  CELLS_IMAGE_ENTRY_TRAVERSAL,
  CELLS_IMAGE_ENTRY_TOO_LARGE,
} CellsImageVerdict;

/**
 * CellsImageEntry:
 * @type: the type letter of tar's listing: `-` file, `d` directory,
 *   `l` symbolic link, `h` hard link, `c` and `b` devices, `p` FIFO…
 * @size: its size in bytes (0 for a device)
 * @setid: whether it is set-user-ID or set-group-ID
 * @name_length: the length of its name (the bytes at @name)
 * @name: where its name starts in the line
 *
 * One entry, as cells_image_check_entry() read it.
 */
typedef struct {
  char        type;
  guint64     size;
  gboolean    setid;
  gsize       name_length;
  const char *name;
} CellsImageEntry;

CellsImageVerdict cells_image_check_entry (const char      *line,
                                           guint64          max_file_size,
                                           CellsImageEntry *entry);

GStrv    cells_image_list          (const char           *images_dir);
gboolean cells_image_exists        (const char           *images_dir,
                                    const char           *name);
void     cells_image_import_async  (const char           *images_dir,
                                    const char           *name,
                                    int                   fd,
                                    const CellsImageLimits *limits,
                                    CellsImageProgress    progress,
                                    gpointer              progress_data,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean cells_image_import_finish (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
