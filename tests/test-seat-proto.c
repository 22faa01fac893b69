/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cells-seat-proto.h"

#include <glib.h>
#include <string.h>

static gsize
message (guint8 *buf, guint16 opcode, const void *body, guint16 size)
{
  memcpy (buf, &opcode, 2);
  memcpy (buf + 2, &size, 2);
  if (size > 0)
    memcpy (buf + 4, body, size);
  return 4 + size;
}

static gsize
open_device (guint8 *buf, const char *path, guint16 path_len, guint16 size)
{
  guint8 body[600] = { 0 };

  memcpy (body, &path_len, 2);
  memcpy (body + 2, path, MIN (strlen (path) + 1, sizeof body - 2));
  return message (buf, SEAT_CLIENT_OPEN_DEVICE, body, size);
}

static void
test_parse_valid (void)
{
  guint8 buf[1024];
  struct seat_request req;
  gint32 id = 7;
  gsize n;

  n = message (buf, SEAT_CLIENT_OPEN_SEAT, NULL, 0);
  g_assert_cmpint (seat_proto_parse (buf, n, &req), ==, 4);
  g_assert_cmpuint (req.opcode, ==, SEAT_CLIENT_OPEN_SEAT);

  n = open_device (buf, "/dev/dri/card0", 15, 17);
  g_assert_cmpint (seat_proto_parse (buf, n, &req), ==, (int) n);
  g_assert_cmpstr (req.path, ==, "/dev/dri/card0");

  n = message (buf, SEAT_CLIENT_CLOSE_DEVICE, &id, 4);
  g_assert_cmpint (seat_proto_parse (buf, n, &req), ==, 8);
  g_assert_cmpint (req.arg, ==, 7);

  /* Two requests in one read: one at a time. */
  n = message (buf, SEAT_CLIENT_PING, NULL, 0);
  n += message (buf + n, SEAT_CLIENT_CLOSE_SEAT, NULL, 0);
  g_assert_cmpint (seat_proto_parse (buf, n, &req), ==, 4);
  g_assert_cmpuint (req.opcode, ==, SEAT_CLIENT_PING);
  g_assert_cmpint (seat_proto_parse (buf + 4, n - 4, &req), ==, 4);
  g_assert_cmpuint (req.opcode, ==, SEAT_CLIENT_CLOSE_SEAT);
}

static void
test_parse_incomplete (void)
{
  guint8 buf[64];
  struct seat_request req;
  gsize n = open_device (buf, "/dev/input/event3", 18, 20);

  for (gsize i = 0; i < n; i++)
    g_assert_cmpint (seat_proto_parse (buf, i, &req), ==, 0);
  g_assert_cmpint (seat_proto_parse (buf, n, &req), ==, (int) n);
}

static void
test_parse_invalid (void)
{
  guint8 buf[1024];
  struct seat_request req;
  gint32 id = 1;
  char big[300];

  memset (big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';

  /* Unknown opcode, a body where none belongs, wrong int sizes. */
  g_assert_cmpint (seat_proto_parse (buf, message (buf, 99, NULL, 0), &req), ==, -1);
  g_assert_cmpint (seat_proto_parse (buf, message (buf, SEAT_CLIENT_OPEN_SEAT, &id, 4), &req), ==,
                   -1);
  g_assert_cmpint (seat_proto_parse (buf, message (buf, SEAT_CLIENT_CLOSE_DEVICE, &id, 2), &req),
                   ==, -1);
  g_assert_cmpint (seat_proto_parse (buf, message (buf, SEAT_SERVER_ENABLE_SEAT, NULL, 0), &req),
                   ==, -1);
  /* Paths: length disagreeing with the body, no NUL, a NUL inside, too long. */
  g_assert_cmpint (seat_proto_parse (buf, open_device (buf, "/dev/dri/card0", 20, 17), &req), ==,
                   -1);
  g_assert_cmpint (seat_proto_parse (buf, open_device (buf, "/dev/dri/card0", 14, 16), &req), ==,
                   -1);
  g_assert_cmpint (seat_proto_parse (buf, open_device (buf, "/dev/dri/card0", 0, 2), &req), ==, -1);
  g_assert_cmpint (seat_proto_parse (buf, open_device (buf, "/dev\0/dri", 10, 12), &req), ==, -1);
  g_assert_cmpint (seat_proto_parse (buf, open_device (buf, big, 300, 302), &req), ==, -1);
}

static void
test_build (void)
{
  guint8 buf[SEAT_PROTO_MAX_MSG];
  guint16 opcode, size, len;
  gint32 value;
  gsize n;

  n = seat_proto_seat_opened (buf, "seat0");
  memcpy (&opcode, buf, 2);
  memcpy (&size, buf + 2, 2);
  memcpy (&len, buf + 4, 2);
  g_assert_cmpuint (opcode, ==, SEAT_SERVER_SEAT_OPENED);
  g_assert_cmpuint (len, ==, 6);
  g_assert_cmpuint (size, ==, 2 + 6);
  g_assert_cmpuint (n, ==, 4 + 2 + 6);
  g_assert_cmpstr ((char *) buf + 6, ==, "seat0");

  n = seat_proto_int (buf, SEAT_SERVER_ERROR, 13);
  memcpy (&opcode, buf, 2);
  memcpy (&size, buf + 2, 2);
  memcpy (&value, buf + 4, 4);
  g_assert_cmpuint (n, ==, 8);
  g_assert_cmpuint (opcode, ==, 0xffff);
  g_assert_cmpuint (size, ==, 4);
  g_assert_cmpint (value, ==, 13);

  n = seat_proto_empty (buf, SEAT_SERVER_ENABLE_SEAT);
  memcpy (&size, buf + 2, 2);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (size, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seat-proto/parse-valid", test_parse_valid);
  g_test_add_func ("/seat-proto/parse-incomplete", test_parse_incomplete);
  g_test_add_func ("/seat-proto/parse-invalid", test_parse_invalid);
  g_test_add_func ("/seat-proto/build", test_build);
  return g_test_run ();
}
