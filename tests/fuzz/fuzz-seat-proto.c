/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The seatd-protocol codec against what a cell's client may send: a
 * stream of requests, read as cellsd's seat reads it (one request at a
 * time from the front of what has come). A request taken is whole and
 * within the stream; a path is a C string that fits (the seat resolves
 * it and opens only the devices of its classes). The first bytes
 * also name a seat for the one server message with a string in it.
 */
#include "cells-seat-proto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_seat_opened (const uint8_t *data, size_t size)
{
  char name[SEAT_PROTO_MAX_SEAT + 8];
  uint8_t out[SEAT_PROTO_MAX_MSG];
  size_t n = size < sizeof name - 1 ? size : sizeof name - 1;
  size_t len;
  uint16_t body, name_len;

  memcpy (name, data, n);
  name[n] = '\0';
  len = seat_proto_seat_opened (out, name);
  memcpy (&body, out + 2, sizeof body);
  memcpy (&name_len, out + 4, sizeof name_len);
  if (len > sizeof out || len != 4u + body || body != 2u + name_len || name_len == 0 ||
      name_len > SEAT_PROTO_MAX_SEAT || out[len - 1] != '\0' ||
      strlen ((char *) out + 6) != (size_t) name_len - 1)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  size_t at = 0;

  check_seat_opened (data, size);
  while (at < size) {
    struct seat_request req;
    int n = seat_proto_parse (data + at, size - at, &req);

    if (n <= 0)
      break;
    if ((size_t) n < 4 || (size_t) n > size - at || n > SEAT_PROTO_MAX_MSG)
      abort ();
    if (req.opcode == SEAT_CLIENT_OPEN_DEVICE && memchr (req.path, '\0', sizeof req.path) == NULL)
      abort ();
    at += n;
  }
  return 0;
}
