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
