/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _CellsMedia CellsMedia;

gboolean    cells_media_payload_supported (guint          payload);
CellsMedia *cells_media_new               (const char    *cell,
                                           GSocket       *socket,
                                           const char    *remote_host,
                                           guint16        remote_port,
                                           guint          payload,
                                           GError       **error);
void        cells_media_free              (CellsMedia    *media);

G_END_DECLS
