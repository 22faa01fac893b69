/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SDP parser against a far end's session description (input from
 * the network): what it takes is a literal IPv4 address, a port and one
 * of our payload types, or nothing. The first two bytes are also a port
 * for our own offer, which must read back as it was written.
 */
#include "cells-sdp.h"

#include <gio/gio.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
supported (guint payload)
{
  return payload == 0 || payload == 8;
}

static void
check_offer (const uint8_t *data, size_t size)
{
  guint16 port = size >= 2 ? (guint16) (data[0] | data[1] << 8) : 0;
  g_autofree char *offer = cells_sdp_offer_audio ("192.0.2.1", port);
  g_autofree char *host = NULL;
  guint16 back = 0;
  guint payload = 999;
  gboolean ok = cells_sdp_parse_audio (offer, supported, &host, &back, &payload);

  if (ok != (port != 0) || (ok && (back != port || payload != 0 || g_strcmp0 (host, "192.0.2.1"))))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *sdp = g_strndup ((const char *) data, size);
  g_autofree char *host = NULL;
  guint16 port = 0;
  guint payload = 999;

  check_offer (data, size);
  if (!cells_sdp_parse_audio (sdp, supported, &host, &port, &payload)) {
    if (host != NULL)
      abort ();
    return 0;
  }
  if (port == 0 || !supported (payload))
    abort ();
  if (host != NULL) {
    g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

    if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4 ||
        strchr (host, ' ') != NULL)
      abort ();
  }
  return 0;
}
