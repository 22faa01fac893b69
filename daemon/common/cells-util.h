/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CELLS_NAME_MAX 64

gboolean  cells_name_validate        (const char  *name,
                                      const char  *what,
                                      GError     **error);
char     *cells_name_to_object_path  (const char  *name);
gboolean  cells_write_file_atomic    (const char  *path,
                                      const char  *contents,
                                      gssize       length,
                                      int          mode,
                                      GError     **error);
gboolean  cells_remove_tree          (const char  *path,
                                      GError     **error);
char     *cells_format_size          (guint64      bytes);

G_END_DECLS
