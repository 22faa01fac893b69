/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cells-config.h"
#include "cells-errors.h"
#include "cells-settings.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static void
load (const char *text, CellsSettings *settings, GError **error, gboolean expect)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("cellsd-XXXXXX.conf", &path, NULL);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  cells_settings_init (settings);
  g_assert_cmpint (cells_settings_load (settings, path, error), ==, expect);
  g_unlink (path);
}

static void
test_network (void)
{
  g_autoptr(GError) error = NULL;
  CellsSettings s;
  g_autofree char *net = NULL;

  load ("", &s, &error, TRUE);
  g_assert_true (s.network.enabled);
  net = cells_subnet_address (&s.network.subnet, 0);
  g_assert_cmpstr (net, ==, "10.87.0.0");
  g_assert_cmpuint (s.network.subnet.prefix, ==, 24);
  g_assert_null (s.network.uplink);
  g_assert_null (s.network.dns);
  cells_settings_clear (&s);

  load ("[Network]\nEnabled=false\nSubnet=172.30.4.0/22\nUplink=wwan0\nDNS=9.9.9.9;1.1.1.1\n",
        &s, &error, TRUE);
  g_assert_false (s.network.enabled);
  g_assert_cmpuint (s.network.subnet.prefix, ==, 22);
  g_assert_cmpstr (s.network.uplink, ==, "wwan0");
  g_assert_cmpuint (g_strv_length (s.network.dns), ==, 2);
  g_assert_cmpstr (s.network.dns[1], ==, "1.1.1.1");
  cells_settings_clear (&s);

  load ("[Network]\nSubnet=10.87.0.0/32\n", &s, &error, FALSE);
  g_assert_nonnull (strstr (error->message, "[Network] Subnet"));
  cells_settings_clear (&s);
  g_clear_error (&error);
  load ("[Network]\nEnabled=perhaps\n", &s, &error, FALSE);
  cells_settings_clear (&s);
}

/* [Switcher] User and Group: who may be the switcher seat's client. */
static void
test_switcher (void)
{
  g_autoptr(GError) error = NULL;
  CellsSettings s;

  load ("", &s, &error, TRUE);
  g_assert_null (s.switcher_user);
  if (*CELLS_SWITCH_GROUP != '\0')
    g_assert_cmpstr (s.switcher_group, ==, CELLS_SWITCH_GROUP);
  else
    g_assert_null (s.switcher_group);
  cells_settings_clear (&s);

  load ("[Switcher]\nUser=phone\nGroup= cells-switcher \n", &s, &error, TRUE);
  g_assert_cmpstr (s.switcher_user, ==, "phone");
  g_assert_cmpstr (s.switcher_group, ==, "cells-switcher");
  cells_settings_clear (&s);

  /* Empty: nobody but root. */
  load ("[Switcher]\nGroup=\n", &s, &error, TRUE);
  g_assert_null (s.switcher_group);
  cells_settings_clear (&s);

  load ("[Switcher]\nUser=phone user\n", &s, &error, FALSE);
  g_assert_nonnull (strstr (error->message, "[Switcher] User"));
  g_assert_nonnull (strstr (error->message, "not a user or group name"));
  cells_settings_clear (&s);
  g_clear_error (&error);
  load ("[Switcher]\nGroup=-rf\n", &s, &error, FALSE);
  g_assert_nonnull (strstr (error->message, "[Switcher] Group"));
  cells_settings_clear (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/settings/network", test_network);
  g_test_add_func ("/settings/switcher", test_switcher);
  return g_test_run ();
}
