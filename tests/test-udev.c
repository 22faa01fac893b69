/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cells-udev.h"

#include <endian.h>
#include <string.h>

static void
test_hash (void)
{
  /* The values libudev's socket filters compare with (its MurmurHash2);
   * the device tier proves them against the real libudev in a cell. */
  g_assert_cmphex (cells_udev_hash ("input"), ==, 0xc1a28470);
  g_assert_cmphex (cells_udev_hash ("drm"), ==, 0x16664179);
  g_assert_cmphex (cells_udev_hash (""), ==, 0);
}

static void
test_derive (void)
{
  /* A keyboard (EV_SYN, EV_KEY, EV_MSC, EV_LED, EV_REP; keys 1-127). */
  g_autofree char *kbd =
      cells_udev_derive_input ("120013", "0 0 ffffffffffffffff ffffffffffffffff", "0", "0", "0");
  /* A touchscreen: BTN_TOUCH, ABS_X/Y, ABS_MT_POSITION_X/Y, INPUT_PROP_DIRECT. */
  g_autofree char *touch =
      cells_udev_derive_input ("b", "400 0 0 0 0 0", "0", "60000000000003", "2");
  /* A mouse: EV_REL with REL_X/Y, BTN_LEFT. */
  g_autofree char *mouse = cells_udev_derive_input ("7", "10000 0 0 0 0", "3", "0", "0");
  /* A power button: KEY_POWER alone. */
  g_autofree char *power = cells_udev_derive_input ("3", "10000000000000 0", "0", "0", "0");

  g_assert_cmpstr (kbd, ==, "ID_INPUT=1\nID_INPUT_KEYBOARD=1\nID_INPUT_KEY=1\n");
  g_assert_cmpstr (touch, ==, "ID_INPUT=1\nID_INPUT_TOUCHSCREEN=1\n");
  g_assert_cmpstr (mouse, ==, "ID_INPUT=1\nID_INPUT_MOUSE=1\n");
  g_assert_cmpstr (power, ==, "ID_INPUT=1\nID_INPUT_KEY=1\n");
}

static void
test_message (void)
{
  const char *props[] = { "DEVPATH=/devices/virtual/input/input3/event3", "ID_INPUT=1", NULL };
  const char *tags[] = { "seat", "uaccess", NULL };
  g_autoptr(GBytes) m = cells_udev_message ("add", 7, "input", NULL, props, tags);
  gsize len;
  const guint8 *data = g_bytes_get_data (m, &len);
  const guint32 *words = (const guint32 *) (data + 8);
  g_autoptr(GString) body = g_string_new (NULL);

  g_assert_cmpuint (len, >, 40);
  g_assert_cmpmem (data, 8, "libudev", 8);
  g_assert_cmphex (be32toh (words[0]), ==, 0xfeedcafe);
  g_assert_cmpuint (words[1], ==, 40);          /* header size */
  g_assert_cmpuint (words[2], ==, 40);          /* properties offset */
  g_assert_cmpuint (words[3], ==, len - 40);    /* properties length */
  g_assert_cmphex (be32toh (words[4]), ==, cells_udev_hash ("input"));
  g_assert_cmphex (words[5], ==, 0);            /* no devtype */
  g_assert_true (words[6] != 0 || words[7] != 0);   /* the tags' bloom filter */
  for (gsize pos = 40; pos < len; pos += strlen ((const char *) data + pos) + 1)
    g_string_append_printf (body, "%s|", (const char *) data + pos);
  g_assert_true (g_str_has_prefix (body->str, "ACTION=add|SUBSYSTEM=input|DEVPATH=/devices/"
                                              "virtual/input/input3/event3|ID_INPUT=1|SEQNUM=7|"
                                              "USEC_INITIALIZED="));
  g_assert_true (g_str_has_suffix (body->str, "|TAGS=:seat:uaccess:|CURRENT_TAGS=:seat:uaccess:|"));
}

/* What cellsd reads of the host's events: udevd's, in libudev's format
 * (as cells_udev_message writes it, which libudev in the cells reads),
 * and the kernel's. */
static void
test_parse (void)
{
  const char *props[] = { "DEVPATH=/devices/virtual/input/input3/event3", "ID_INPUT=1", NULL };
  g_autoptr(GBytes) m = cells_udev_message ("remove", 8, "input", NULL, props, NULL);
  static const char kernel[] = "add@/devices/virtual/input/input4/event4\0ACTION=add\0"
                               "DEVPATH=/devices/virtual/input/input4/event4\0SUBSYSTEM=input\0"
                               "MAJOR=13\0MINOR=68\0";
  const char *action, *subsystem, *devpath;
  gsize len;
  const guint8 *data = g_bytes_get_data (m, &len);
  g_autofree char *buf = g_malloc (len + 1);

  memcpy (buf, data, len);
  buf[len] = '\0';
  g_assert_true (cells_udev_parse_event (buf, len, TRUE, &action, &subsystem, &devpath));
  g_assert_cmpstr (action, ==, "remove");
  g_assert_cmpstr (subsystem, ==, "input");
  g_assert_cmpstr (devpath, ==, "/devices/virtual/input/input3/event3");
  /* Not udevd's: a kernel message, or a header that points outside. */
  g_assert_false (cells_udev_parse_event (kernel, sizeof kernel - 1, TRUE, &action, &subsystem,
                                          &devpath));
  ((guint32 *) (buf + 8))[2] = len;
  g_assert_false (cells_udev_parse_event (buf, len, TRUE, &action, &subsystem, &devpath));
  ((guint32 *) (buf + 8))[2] = 4;
  g_assert_false (cells_udev_parse_event (buf, len, TRUE, &action, &subsystem, &devpath));

  g_assert_true (cells_udev_parse_event (kernel, sizeof kernel - 1, FALSE, &action, &subsystem,
                                         &devpath));
  g_assert_cmpstr (action, ==, "add");
  g_assert_cmpstr (subsystem, ==, "input");
  g_assert_cmpstr (devpath, ==, "/devices/virtual/input/input4/event4");
  /* Cut short: no DEVPATH. */
  g_assert_false (cells_udev_parse_event (kernel, 52, FALSE, &action, &subsystem, &devpath));
}

/* udevd's header byte for byte, as sd-device writes it on a little-endian
 * machine (a phone's): the magic big-endian, the sizes and the offset of
 * the properties in the machine's own order. */
static void
test_parse_udevd_bytes (void)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  static const char message[] =
    "libudev\0"
    "\xfe\xed\xca\xfe"          /* magic */
    "\x28\0\0\0"                /* header size: 40 */
    "\x28\0\0\0"                /* properties at 40 */
    "\x29\0\0\0"                /* 41 bytes of them */
    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"  /* filters */
    "ACTION=add\0SUBSYSTEM=input\0DEVPATH=/d/e5\0";
  const char *action, *subsystem, *devpath;

  g_assert_cmpuint (sizeof message - 1, ==, 40 + 41);
  g_assert_true (cells_udev_parse_event (message, sizeof message - 1, TRUE, &action, &subsystem,
                                         &devpath));
  g_assert_cmpstr (action, ==, "add");
  g_assert_cmpstr (subsystem, ==, "input");
  g_assert_cmpstr (devpath, ==, "/d/e5");
#else
  g_test_skip ("written for little-endian machines");
#endif
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/udev/hash", test_hash);
  g_test_add_func ("/udev/derive", test_derive);
  g_test_add_func ("/udev/message", test_message);
  g_test_add_func ("/udev/parse", test_parse);
  g_test_add_func ("/udev/parse-udevd-bytes", test_parse_udevd_bytes);
  return g_test_run ();
}
