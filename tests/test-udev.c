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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/udev/hash", test_hash);
  g_test_add_func ("/udev/derive", test_derive);
  g_test_add_func ("/udev/message", test_message);
  return g_test_run ();
}
