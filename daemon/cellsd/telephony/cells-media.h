/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-claims.h"

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _CellsMedia CellsMedia;

gboolean    cells_media_payload_supported (guint          payload);
void        cells_media_warm_up           (void);
GStrv       cells_media_claim_microphones (CellsClaims   *claims,
                                           const char    *snd_dir,
                                           const char    *cell);
void        cells_media_release_microphones (CellsClaims *claims,
                                           GStrv          microphones,
                                           const char    *cell);
CellsMedia *cells_media_new               (const char    *cell,
                                           CellsClaims   *claims,
                                           const char    *pipewire_dir,
                                           GSocket       *socket,
                                           const char    *remote_host,
                                           guint16        remote_port,
                                           guint          payload,
                                           GError       **error);
void        cells_media_free              (CellsMedia    *media);

G_END_DECLS
