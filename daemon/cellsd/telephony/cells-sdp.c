/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-sdp"

#include "cells-sdp.h"

#include <gio/gio.h>

/**
 * SECTION:cells-sdp
 *
 * The little of SDP (RFC 4566) that a SIP call's audio needs: our offer
 * (one audio stream, G.711 both laws and telephone events) and, from the
 * far end's description, where it takes audio and in which of our codecs.
 * What the far end writes comes from the network: only an IPv4 address,
 * a port and a payload number of ours are taken from it, nothing that
 * could reach a GStreamer pipeline as text.
 */

/**
 * cells_sdp_offer_audio:
 * @address: our IPv4 address
 * @port: our RTP port
 *
 * Returns: (transfer full): the session description of our audio
 */
char *
cells_sdp_offer_audio (const char *address, guint16 port)
{
  return g_strdup_printf ("v=0\r\no=cells 0 0 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\n"
                          "t=0 0\r\nm=audio %u RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
                          "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n",
                          address, address, port);
}

/* c=IN IP4 ADDRESS: only a literal IPv4 address is taken. */
static gboolean
take_address (char **words, char **host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (words[2]);

  if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    return FALSE;
  *host = g_strdup (words[2]);
  return TRUE;
}

/* m=audio PORT PROTO FMT…: the port and the first format of ours. */
static gboolean
take_media (char **words, guint n, CellsSdpPayloadFunc supported, guint16 *port, guint *payload,
            gboolean *found)
{
  guint64 p = 0;

  if (!g_ascii_string_to_unsigned (words[1], 10, 1, 65535, &p, NULL))
    return FALSE;
  *port = p;
  for (guint j = 3; j < n && !*found; j++) {
    guint64 pt;

    if (g_ascii_string_to_unsigned (words[j], 10, 0, 127, &pt, NULL) && supported (pt)) {
      *payload = pt;
      *found = TRUE;
    }
  }
  return TRUE;
}

/**
 * cells_sdp_parse_audio:
 * @sdp: the far end's session description
 * @supported: whether we speak a payload type
 * @host: (out) (transfer full): the address of the first `c=` line, or %NULL
 *   when there is none
 * @port: (out): the port of the first audio stream
 * @payload: (out): the first of its payload types that @supported takes
 *
 * Returns: whether @sdp has an audio stream in a codec of ours; %FALSE
 * also when a connection address is not an IPv4 address or a port is not
 * a port (@host is then %NULL)
 */
gboolean
cells_sdp_parse_audio (const char *sdp, CellsSdpPayloadFunc supported, char **host, guint16 *port,
                       guint *payload)
{
  g_auto(GStrv) lines = g_strsplit_set (sdp, "\r\n", -1);
  gboolean found = FALSE;
  gboolean ok = TRUE;

  *host = NULL;
  *port = 0;
  for (guint i = 0; ok && lines[i] != NULL; i++) {
    g_auto(GStrv) words = g_strsplit (lines[i], " ", -1);
    guint n = g_strv_length (words);

    if (g_str_has_prefix (lines[i], "c=IN IP4 ") && n == 3 && *host == NULL)
      ok = take_address (words, host);
    else if (g_str_has_prefix (lines[i], "m=audio ") && n >= 4 && !found)
      ok = take_media (words, n, supported, port, payload, &found);
  }
  if (!ok || !found || *port == 0) {
    g_clear_pointer (host, g_free);
    return FALSE;
  }
  return TRUE;
}
