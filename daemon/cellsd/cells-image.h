/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef void (*CellsImageProgress) (guint64 done, guint64 total, gpointer user_data);

GStrv    cells_image_list          (const char           *images_dir);
gboolean cells_image_exists        (const char           *images_dir,
                                    const char           *name);
void     cells_image_import_async  (const char           *images_dir,
                                    const char           *name,
                                    int                   fd,
                                    CellsImageProgress    progress,
                                    gpointer              progress_data,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean cells_image_import_finish (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
