/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SDP of SIP calls: what cellsd takes from a far end's description
 * (input from the network) and what it offers.
 */
#include "cells-media.h"
#include "cells-sdp.h"

#include <glib.h>

#include <string.h>

static gboolean
parse (const char *sdp, char **host, guint16 *port, guint *payload)
{
  *payload = 999;
  return cells_sdp_parse_audio (sdp, cells_media_payload_supported, host, port, payload);
}

static void
test_good (void)
{
  g_autofree char *host = NULL;
  guint16 port;
  guint payload;

  g_assert_true (parse ("v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\n"
                        "t=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n",
                        &host, &port, &payload));
  g_assert_cmpstr (host, ==, "192.0.2.7");
  g_assert_cmpuint (port, ==, 4000);
  g_assert_cmpuint (payload, ==, 0);
}

/* The first of the far end's codecs that we speak; lines ending in \n only. */
static void
test_codec_choice (void)
{
  g_autofree char *host = NULL;
  guint16 port;
  guint payload;

  g_assert_true (parse ("v=0\nc=IN IP4 10.1.2.3\nm=audio 5004 RTP/AVP 9 18 8 0\n",
                        &host, &port, &payload));
  g_assert_cmpuint (payload, ==, 8);
  g_assert_cmpuint (port, ==, 5004);
}

/* No address line: the stream's port is known, the host comes from elsewhere. */
static void
test_no_connection_line (void)
{
  g_autofree char *host = NULL;
  guint16 port;
  guint payload;

  g_assert_true (parse ("v=0\r\nm=audio 6000 RTP/AVP 8\r\n", &host, &port, &payload));
  g_assert_null (host);
  g_assert_cmpuint (port, ==, 6000);
}

/* What is refused, with nothing given back. */
static void
test_refused (void)
{
  const char *bad[] = {
    "",
    "v=0\r\n",
    "c=IN IP4 192.0.2.7\r\nm=audio 4000 RTP/AVP 9 18\r\n",           /* no codec of ours */
    "c=IN IP4 192.0.2.7\r\nm=video 4000 RTP/AVP 0\r\n",              /* no audio */
    "c=IN IP4 192.0.2.7\r\nm=audio 0 RTP/AVP 0\r\n",                 /* port 0 */
    "c=IN IP4 192.0.2.7\r\nm=audio 70000 RTP/AVP 0\r\n",             /* no port */
    "c=IN IP4 192.0.2.7\r\nm=audio -1 RTP/AVP 0\r\n",
    "c=IN IP4 192.0.2.7\r\nm=audio 4000x RTP/AVP 0\r\n",
    "c=IN IP4 host.example\r\nm=audio 4000 RTP/AVP 0\r\n",           /* not an address */
    "c=IN IP4 ::1\r\nm=audio 4000 RTP/AVP 0\r\n",                    /* not IPv4 */
    "c=IN IP4 1.2.3.4\"\r\nm=audio 4000 RTP/AVP 0\r\n",
    "c=IN IP4 192.0.2.7\r\nm=audio 4000 RTP/AVP 0x0 8a\r\n",         /* not payload numbers */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *host = NULL;
    guint16 port = 1;
    guint payload;
    gboolean ok = parse (bad[i], &host, &port, &payload);

    if (ok)
      g_error ("SDP %u taken: %s", i, bad[i]);
    /* A refused description gives no host; a malformed address line may
     * make a later valid one count for nothing. */
    g_assert_null (host);
  }
}

/* An address line of more than one word is no address line: nothing of
 * it is taken, the stream is. */
static void
test_address_not_one_word (void)
{
  g_autofree char *host = NULL;
  guint16 port;
  guint payload;

  g_assert_true (parse ("c=IN IP4 1.2.3.4 ! fakesink\r\nm=audio 4000 RTP/AVP 0\r\n",
                        &host, &port, &payload));
  g_assert_null (host);
  g_assert_cmpuint (port, ==, 4000);
}

static void
test_huge (void)
{
  g_autoptr(GString) sdp = g_string_new ("c=IN IP4 192.0.2.7\r\nm=audio 4000 RTP/AVP");
  g_autofree char *host = NULL;
  guint16 port;
  guint payload;

  for (guint i = 0; i < 20000; i++)
    g_string_append (sdp, " 96");
  g_string_append (sdp, " 0\r\n");
  g_assert_true (parse (sdp->str, &host, &port, &payload));
  g_assert_cmpuint (payload, ==, 0);
}

/* Our offer reads back as what it offers. */
static void
test_offer_round_trip (void)
{
  g_autofree char *offer = cells_sdp_offer_audio ("198.51.100.4", 40000);
  g_autofree char *host = NULL;
  guint16 port;
  guint payload;

  g_assert_true (g_str_has_prefix (offer, "v=0\r\n"));
  g_assert_nonnull (strstr (offer, "a=rtpmap:8 PCMA/8000\r\n"));
  g_assert_true (parse (offer, &host, &port, &payload));
  g_assert_cmpstr (host, ==, "198.51.100.4");
  g_assert_cmpuint (port, ==, 40000);
  g_assert_cmpuint (payload, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sdp/good", test_good);
  g_test_add_func ("/sdp/codec-choice", test_codec_choice);
  g_test_add_func ("/sdp/no-connection-line", test_no_connection_line);
  g_test_add_func ("/sdp/refused", test_refused);
  g_test_add_func ("/sdp/address-not-one-word", test_address_not_one_word);
  g_test_add_func ("/sdp/huge", test_huge);
  g_test_add_func ("/sdp/offer-round-trip", test_offer_round_trip);
  return g_test_run ();
}
