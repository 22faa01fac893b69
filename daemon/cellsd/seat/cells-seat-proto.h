/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The seatd wire protocol, as libseat's seatd backend speaks it: a header
 * of two native-endian u16 (opcode, body size) and a packed body. Plain C,
 * no GLib, so that it can be fuzzed and reused.
 */

#include <stddef.h>
#include <stdint.h>

#define SEAT_PROTO_MAX_PATH 256
#define SEAT_PROTO_MAX_SEAT 64
#define SEAT_PROTO_MAX_MSG 256

enum seat_proto_opcode {
  SEAT_CLIENT_OPEN_SEAT = 1,
  SEAT_CLIENT_CLOSE_SEAT = 2,
  SEAT_CLIENT_OPEN_DEVICE = 3,
  SEAT_CLIENT_CLOSE_DEVICE = 4,
  SEAT_CLIENT_DISABLE_SEAT = 5,
  SEAT_CLIENT_SWITCH_SESSION = 6,
  SEAT_CLIENT_PING = 7,

  SEAT_SERVER_SEAT_OPENED = 0x8001,
  SEAT_SERVER_SEAT_CLOSED = 0x8002,
  SEAT_SERVER_DEVICE_OPENED = 0x8003,
  SEAT_SERVER_DEVICE_CLOSED = 0x8004,
  SEAT_SERVER_DISABLE_SEAT = 0x8005,
  SEAT_SERVER_ENABLE_SEAT = 0x8006,
  SEAT_SERVER_PONG = 0x8007,
  /* libseat 0.9 and later only */
  SEAT_SERVER_SESSION_SWITCHED = 0x8008,
  SEAT_SERVER_SEAT_DISABLED = 0x8009,
  SEAT_SERVER_ERROR = 0xffff,
};

/* One request from a client. */
struct seat_request {
  uint16_t opcode;
  int32_t arg;                     /* device id or session */
  char path[SEAT_PROTO_MAX_PATH];  /* open-device */
};

/* Returns the bytes one request takes from buf, 0 when more are needed,
 * -1 when the bytes are not a valid request (the client is dropped). */
int seat_proto_parse(const uint8_t *buf, size_t len, struct seat_request *req);

/* Write a server message into out (at least SEAT_PROTO_MAX_MSG bytes);
 * return its length. */
size_t seat_proto_empty(uint8_t *out, uint16_t opcode);
size_t seat_proto_int(uint8_t *out, uint16_t opcode, int32_t value);
size_t seat_proto_seat_opened(uint8_t *out, const char *seat_name);
