/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cells-seat-proto.h"

#include <string.h>

struct header {
  uint16_t opcode;
  uint16_t size;
};

static int
parse_int(const uint8_t *body, uint16_t size, struct seat_request *req)
{
  if (size != sizeof(int32_t))
    return -1;
  memcpy(&req->arg, body, sizeof req->arg);
  return 0;
}

static int
parse_path(const uint8_t *body, uint16_t size, struct seat_request *req)
{
  uint16_t path_len;

  if (size < sizeof path_len)
    return -1;
  memcpy(&path_len, body, sizeof path_len);
  /* The path with its NUL, and nothing else. */
  if (path_len == 0 || path_len > SEAT_PROTO_MAX_PATH || path_len != size - sizeof path_len)
    return -1;
  if (body[sizeof path_len + path_len - 1] != '\0')
    return -1;
  memcpy(req->path, body + sizeof path_len, path_len);
  if (strlen(req->path) != (size_t)path_len - 1)
    return -1;
  return 0;
}

int
seat_proto_parse(const uint8_t *buf, size_t len, struct seat_request *req)
{
  struct header h;
  const uint8_t *body = buf + sizeof h;
  int ret = -1;

  if (len < sizeof h)
    return 0;
  memcpy(&h, buf, sizeof h);
  if (h.size > SEAT_PROTO_MAX_MSG - sizeof h)
    return -1;
  if (len < sizeof h + h.size)
    return 0;

  memset(req, 0, sizeof *req);
  req->opcode = h.opcode;
  switch (h.opcode) {
  case SEAT_CLIENT_OPEN_SEAT:
  case SEAT_CLIENT_CLOSE_SEAT:
  case SEAT_CLIENT_DISABLE_SEAT:
  case SEAT_CLIENT_PING:
    ret = h.size == 0 ? 0 : -1;
    break;
  case SEAT_CLIENT_OPEN_DEVICE:
    ret = parse_path(body, h.size, req);
    break;
  case SEAT_CLIENT_CLOSE_DEVICE:
  case SEAT_CLIENT_SWITCH_SESSION:
    ret = parse_int(body, h.size, req);
    break;
  default:
    break;
  }
  return ret < 0 ? -1 : (int)(sizeof h + h.size);
}

static size_t
put_header(uint8_t *out, uint16_t opcode, uint16_t size)
{
  struct header h = { .opcode = opcode, .size = size };

  memcpy(out, &h, sizeof h);
  return sizeof h;
}

size_t
seat_proto_empty(uint8_t *out, uint16_t opcode)
{
  return put_header(out, opcode, 0);
}

size_t
seat_proto_int(uint8_t *out, uint16_t opcode, int32_t value)
{
  size_t n = put_header(out, opcode, sizeof value);

  memcpy(out + n, &value, sizeof value);
  return n + sizeof value;
}

size_t
seat_proto_seat_opened(uint8_t *out, const char *seat_name)
{
  /* The name with its NUL: both libseat 0.7 and 0.9 read it so. */
  uint16_t name_len = (uint16_t)strnlen(seat_name, SEAT_PROTO_MAX_SEAT - 1) + 1;
  size_t n = put_header(out, SEAT_SERVER_SEAT_OPENED, sizeof name_len + name_len);

  memcpy(out + n, &name_len, sizeof name_len);
  n += sizeof name_len;
  memcpy(out + n, seat_name, name_len - 1);
  out[n + name_len - 1] = '\0';
  return n + name_len;
}
