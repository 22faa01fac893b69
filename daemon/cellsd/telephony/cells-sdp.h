/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*CellsSdpPayloadFunc) (guint payload);

char     *cells_sdp_offer_audio (const char           *address,
                                 guint16               port);
gboolean  cells_sdp_parse_audio (const char           *sdp,
                                 CellsSdpPayloadFunc   supported,
                                 char                **host,
                                 guint16              *port,
                                 guint                *payload);

G_END_DECLS
