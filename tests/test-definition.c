/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cells-definition.h"
#include "cells-devices.h"
#include "cells-errors.h"
#include "cells-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <string.h>

static void
test_names (void)
{
  const char *good[] = { "a", "work", "cell-2", "a0-b1", NULL };
  const char *bad[] = { "", "A", "1a", "-a", "a/b", "../x", "a b", "a_b", "café", "a.b", NULL };
  g_autofree char *long_name = g_strnfill (65, 'a');
  g_autofree char *max_name = g_strnfill (64, 'a');
  g_autofree char *huge = g_strnfill (10240, 'x');
  g_autofree char *path = NULL;

  for (guint i = 0; good[i]; i++)
    g_assert_true (cells_name_validate (good[i], "cell", NULL));
  for (guint i = 0; bad[i]; i++) {
    g_autoptr(GError) error = NULL;

    g_assert_false (cells_name_validate (bad[i], "cell", &error));
    g_assert_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "cell"));
  }
  g_assert_false (cells_name_validate (NULL, "cell", NULL));
  g_assert_true (cells_name_validate (max_name, "cell", NULL));
  g_assert_false (cells_name_validate (long_name, "cell", NULL));
  g_assert_false (cells_name_validate (huge, "cell", NULL));

  path = cells_name_to_object_path ("my-work-2");
  g_assert_cmpstr (path, ==, "/org/cells/Cells1/cell/my_work_2");
  g_assert_true (g_variant_is_object_path (path));
}

static void
test_error_names (void)
{
  g_autoptr(GError) error = g_error_new (CELLS_ERROR, CELLS_ERROR_NOT_AUTHORIZED, "no");
  g_autofree char *name = g_dbus_error_encode_gerror (error);

  g_assert_cmpstr (name, ==, "org.cells.Cells1.Error.NotAuthorized");
}

static GVariant *
parse (const char *text)
{
  return g_variant_ref_sink (g_variant_new_parsed (text));
}

static void
test_apply (void)
{
  g_autoptr(CellsDefinition) def = cells_definition_new ("work");
  g_autoptr(GVariant) good = parse ("{'image': <'base'>, 'init': <['/bin/sh', '-c', 'x']>, "
                                    "'display-name': <'Work phone'>, 'color': <'#3584e4'>, "
                                    "'autostart': <true>, 'memory-max': <uint64 67108864>, "
                                    "'pids-max': <uint64 100>, 'cpu-weight': <uint32 50>}");

  g_assert_true (cells_definition_apply (def, good, TRUE, NULL));
  g_assert_cmpstr (def->image, ==, "base");
  g_assert_cmpstr (def->init[2], ==, "x");
  g_assert_cmpstr (def->display_name, ==, "Work phone");
  g_assert_cmpstr (def->color, ==, "#3584e4");
  g_assert_true (def->autostart);
  g_assert_cmpuint (def->memory_max, ==, 67108864);
  g_assert_cmpuint (def->pids_max, ==, 100);
  g_assert_cmpuint (def->cpu_weight, ==, 50);
}

static void
test_apply_all_or_nothing (void)
{
  const char *bad[] = {
    "{'image': <'base'>, 'color': <'blue'>}",
    "{'image': <'base'>, 'init': <['sbin/init']>}",
    "{'image': <'base'>, 'init': <@as []>}",
    "{'image': <'../x'>}",
    "{'image': <42>}",
    "{'image': <'base'>, 'cpu-weight': <uint32 0>}",
    "{'image': <'base'>, 'memory-max': <uint64 1000>}",
    "{'image': <'base'>, 'display-name': <''>}",
    "{'image': <'base'>, 'display-name': <'a\\nb'>}",
    "{'image': <'base'>, 'frobnicate': <true>}",
    "{'image': <'base'>, 'stop-signal': <'SIGKILL'>}",
    "{'image': <'base'>, 'stop-signal': <'TERM'>}",
    "@a{sv} {}",
    NULL
  };

  for (guint i = 0; bad[i]; i++) {
    g_autoptr(CellsDefinition) def = cells_definition_new ("work");
    g_autoptr(GVariant) options = parse (bad[i]);
    g_autoptr(GError) error = NULL;

    g_assert_false (cells_definition_apply (def, options, TRUE, &error));
    g_assert_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT);
    g_assert_cmpstr (def->image, ==, "");
    g_assert_cmpstr (def->init[0], ==, "/sbin/init");
    g_assert_cmpstr (def->display_name, ==, "work");
    g_assert_cmpuint (def->cpu_weight, ==, CELLS_CPU_WEIGHT_DEFAULT);
    g_assert_cmpstr (def->stop_signal, ==, "SIGTERM");
  }
}

static void
test_image_fixed (void)
{
  g_autoptr(CellsDefinition) def = cells_definition_new ("work");
  g_autoptr(GVariant) create = parse ("{'image': <'base'>}");
  g_autoptr(GVariant) change = parse ("{'image': <'other'>}");
  g_autoptr(GError) error = NULL;

  g_assert_true (cells_definition_apply (def, create, TRUE, NULL));
  g_assert_false (cells_definition_apply (def, change, FALSE, &error));
  g_assert_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (def->image, ==, "base");
}

static void
test_devices (void)
{
  g_autoptr(CellsDefinition) def = cells_definition_new ("work");
  g_autoptr(GVariant) options = parse ("{'devices': <{'camera': 'none', 'modem': 'exclusive'}>}");
  const char *bad[] = {
    "{'devices': <{'display': 'shared'}>}",
    "{'devices': <{'camera': 'none', 'teleporter': 'shared'}>}",
    "{'devices': <{'camera': 'sometimes'}>}",
    "{'devices': <['camera']>}",
    NULL
  };
  g_autoptr(GVariant) rights = NULL;
  const char *access;

  g_assert_cmpint (def->devices[CELLS_DEVICE_DISPLAY], ==, CELLS_ACCESS_EXCLUSIVE);
  g_assert_cmpint (def->devices[CELLS_DEVICE_CAMERA], ==, CELLS_ACCESS_EXCLUSIVE);
  g_assert_cmpint (def->devices[CELLS_DEVICE_NETWORK], ==, CELLS_ACCESS_SHARED);
  g_assert_true (cells_definition_apply (def, options, FALSE, NULL));
  g_assert_cmpint (def->devices[CELLS_DEVICE_CAMERA], ==, CELLS_ACCESS_NONE);
  g_assert_cmpint (def->devices[CELLS_DEVICE_MODEM], ==, CELLS_ACCESS_EXCLUSIVE);

  for (guint i = 0; bad[i]; i++) {
    g_autoptr(GVariant) o = parse (bad[i]);
    g_autoptr(GError) error = NULL;

    g_assert_false (cells_definition_apply (def, o, FALSE, &error));
    g_assert_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT);
    /* Nothing changed, not even the valid part. */
    g_assert_cmpint (def->devices[CELLS_DEVICE_CAMERA], ==, CELLS_ACCESS_NONE);
    g_assert_cmpint (def->devices[CELLS_DEVICE_DISPLAY], ==, CELLS_ACCESS_EXCLUSIVE);
  }

  rights = g_variant_ref_sink (cells_definition_devices (def));
  g_assert_cmpuint (g_variant_n_children (rights), ==, CELLS_N_DEVICE_CLASSES);
  g_assert_true (g_variant_lookup (rights, "camera", "&s", &access));
  g_assert_cmpstr (access, ==, "none");
}

static void
test_device_nodes (void)
{
  CellsDeviceClass klass;

  g_assert_true (cells_device_class_for_path ("/dev/dri/card0", &klass));
  g_assert_cmpint (klass, ==, CELLS_DEVICE_DISPLAY);
  g_assert_true (cells_device_class_for_path ("/dev/input/event12", &klass));
  g_assert_cmpint (klass, ==, CELLS_DEVICE_INPUT);
  g_assert_true (cells_device_class_for_path ("/dev/snd/pcmC0D0c", &klass));
  g_assert_cmpint (klass, ==, CELLS_DEVICE_MICROPHONE);
  g_assert_true (cells_device_class_for_path ("/dev/snd/pcmC0D0p", &klass));
  g_assert_cmpint (klass, ==, CELLS_DEVICE_AUDIO_OUTPUT);
  g_assert_true (cells_device_class_for_path ("/dev/video2", &klass));
  g_assert_cmpint (klass, ==, CELLS_DEVICE_CAMERA);
  g_assert_true (cells_device_class_for_path ("/dev/cdc-wdm0", &klass));
  g_assert_cmpint (klass, ==, CELLS_DEVICE_MODEM);
  g_assert_false (cells_device_class_for_path ("/dev/dri/renderD128", &klass));
  g_assert_false (cells_device_class_for_path ("/dev/sda", &klass));
  g_assert_false (cells_device_class_for_path ("/dev/null", &klass));
  g_assert_false (cells_device_class_for_path ("/etc/passwd", &klass));
}

static void
test_round_trip (void)
{
  g_autoptr(CellsDefinition) def = cells_definition_new ("work");
  g_autoptr(CellsDefinition) back = NULL;
  g_autoptr(GVariant) options =
      parse ("{'image': <'base'>, 'init': <['/bin/sh', '-c', 'a; b=\"c d\"']>, "
             "'display-name': <'Wörk; [x]=y'>, 'autostart': <true>, "
             "'stop-signal': <'SIGRTMIN+3'>, "
             "'devices': <{'camera': 'none'}>}");
  g_autofree char *dir = g_dir_make_tmp ("cells-def-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cell.conf", NULL);

  g_assert_true (cells_definition_apply (def, options, TRUE, NULL));
  def->uid_base = 1065536;
  def->gid_base = 2065536;
  def->created_at = 1795331901;
  g_assert_true (cells_definition_save (def, path, NULL));
  back = cells_definition_load ("work", path, NULL);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->image, ==, "base");
  g_assert_cmpstrv (back->init, def->init);
  g_assert_cmpstr (back->display_name, ==, "Wörk; [x]=y");
  g_assert_true (back->autostart);
  g_assert_cmpstr (back->stop_signal, ==, "SIGRTMIN+3");
  g_assert_cmpint (back->devices[CELLS_DEVICE_CAMERA], ==, CELLS_ACCESS_NONE);
  g_assert_cmpint (back->devices[CELLS_DEVICE_INPUT], ==, CELLS_ACCESS_EXCLUSIVE);
  g_assert_cmpuint (back->uid_base, ==, 1065536);
  g_assert_cmpuint (back->gid_base, ==, 2065536);
  g_assert_cmpuint (back->created_at, ==, 1795331901);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_load_broken (void)
{
  const char *broken[] = {
    "",
    "[Cell]\nImage=../etc\nInit=/sbin/init;\n",
    "[Cell]\nImage=base\n",
    "[Cell]\nImage=base\nInit=/sbin/init;\nUidBase=-5\n",
    "[Cell]\nImage=base\nInit=/sbin/init;\nCpuWeight=99999\nUidBase=0\nGidBase=0\n",
    "not a key file",
    "[Cell]\nImage=base\nInit=/sbin/init;\n[Devices]\ndisplay=shared\n",
    NULL
  };

  for (guint i = 0; broken[i]; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(CellsDefinition) def = cells_definition_from_data ("work", broken[i], &error);

    g_assert_null (def);
    g_assert_nonnull (error);
  }
}

static void
test_phone_line (void)
{
  g_autoptr(CellsDefinition) def = cells_definition_new ("home");
  g_autoptr(CellsDefinition) back = NULL;
  g_autoptr(GVariant) good = parse ("{'phone-line': <'sim'>, 'phone-number': <'+4915112345678'>}");
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  const char *bad_numbers[] = { "+", "12a", "+1 555", "++1", "123456789012345678901", "-1", NULL };

  g_assert_cmpstr (def->phone_line, ==, "");
  g_assert_cmpstr (def->phone_number, ==, "");
  g_assert_true (cells_definition_apply (def, good, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (def->phone_line, ==, "sim");
  g_assert_cmpstr (def->phone_number, ==, "+4915112345678");

  for (guint i = 0; bad_numbers[i]; i++) {
    g_autoptr(GVariant) bad = g_variant_ref_sink (g_variant_new_parsed ("{'phone-number': <%s>}",
                                                                        bad_numbers[i]));
    g_autoptr(GError) e = NULL;

    g_assert_false (cells_definition_apply (def, bad, FALSE, &e));
    g_assert_error (e, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (e->message, "phone number"));
    g_assert_cmpstr (def->phone_number, ==, "+4915112345678");
  }
  {
    g_autoptr(GVariant) bad = parse ("{'phone-line': <'sip'>}");
    g_autoptr(GVariant) bad_host =
        parse ("{'phone-line': <'sip'>, 'sip-registrar': <'a b'>, 'sip-user': <'u'>}");
    g_autoptr(GVariant) sip = parse ("{'phone-line': <'sip'>, 'sip-registrar': <'127.0.0.1:5060'>, "
                                     "'sip-user': <'2001'>, 'sip-password': <'s3cret'>}");
    g_autoptr(GError) e = NULL;
    g_autoptr(GError) e2 = NULL;
    g_autoptr(CellsDefinition) copy = cells_definition_copy (def);
    g_autofree char *dir = g_dir_make_tmp ("cells-secret-XXXXXX", NULL);
    g_autofree char *secret = NULL;
    g_autofree char *kf = NULL;

    g_assert_false (cells_definition_apply (def, bad, FALSE, &e));
    g_assert_error (e, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (e->message, "sip-registrar"));
    g_assert_false (cells_definition_apply (def, bad_host, FALSE, &e2));
    g_assert_cmpstr (def->phone_line, ==, "sim");
    g_assert_true (cells_definition_apply (copy, sip, FALSE, NULL));
    /* The password goes to a root-only file, not to cell.conf. */
    kf = cells_definition_to_data (copy);
    g_assert_null (strstr (kf, "s3cret"));
    g_assert_true (cells_definition_save_secret (copy, dir, NULL));
    g_assert_null (copy->sip_password);
    secret = cells_definition_load_secret (dir);
    g_assert_cmpstr (secret, ==, "s3cret");
    cells_remove_tree (dir, NULL);
  }

  g_free (def->image);
  def->image = g_strdup ("base");
  data = cells_definition_to_data (def);
  back = cells_definition_from_data ("home", data, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->phone_line, ==, "sim");
  g_assert_cmpstr (back->phone_number, ==, "+4915112345678");
  g_assert_true (cells_phone_number_is_valid (""));
  g_assert_true (cells_phone_number_is_valid ("112"));
}

/* Every option of the table is applied, stored and loaded as it says;
 * what cellsd keeps for itself is refused to clients. */
static void
test_options_table (void)
{
  g_autoptr(CellsDefinition) def = cells_definition_new ("work");
  g_autoptr(CellsDefinition) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  guint n;
  const CellsOption *table = cells_options (&n);

  g_assert_cmpuint (n, >, 10);
  for (guint i = 0; i < n; i++) {
    const CellsOption *o = &table[i];
    g_autoptr(GVariant) options = NULL;
    g_autoptr(GError) e = NULL;

    g_assert_true (cells_option_lookup (o->key) == o);
    g_assert_nonnull (o->help);
    options = g_variant_ref_sink (g_variant_new_parsed ("{%s: <@mv nothing>}", o->key));
    /* The wrong type is refused, with the type named. */
    g_assert_false (cells_definition_apply (def, options, TRUE, &e));
    g_assert_error (e, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT);
    if (o->flags & CELLS_OPTION_INTERNAL)
      g_assert_nonnull (strstr (e->message, "Unknown option"));
    else
      g_assert_nonnull (
          strstr (e->message, g_variant_type_peek_string (cells_option_variant_type (o))));
  }
  g_assert_null (cells_option_lookup ("frobnicate"));

  g_assert_true (
      cells_definition_apply (def,
                              parse ("{'image': <'base'>, 'memory-max': <uint64 8388608>, "
                                     "'pids-max': <uint64 7>, 'cpu-weight': <uint32 9>, "
                                     "'seat-dialect': <'0.9'>, 'seat-open': <'at-once'>, "
                                     "'color': <'#00ff00'>, "
                                     "'sip-user': <'u1'>, 'sip-registrar': <'h:1'>}"),
                              TRUE, &error));
  g_assert_no_error (error);
  def->uid_base = 65536 * 3;
  def->gid_base = 65536 * 4;
  data = cells_definition_to_data (def);
  back = cells_definition_from_data ("work", data, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++) {
    g_auto(GValue) a = G_VALUE_INIT;
    g_auto(GValue) b = G_VALUE_INIT;
    g_autofree char *sa = NULL;
    g_autofree char *sb = NULL;

    if (table[i].flags & CELLS_OPTION_SECRET)
      continue;
    cells_definition_get_value (def, &table[i], &a);
    cells_definition_get_value (back, &table[i], &b);
    sa = g_strdup_value_contents (&a);
    sb = g_strdup_value_contents (&b);
    g_assert_cmpstr (sa, ==, sb);
  }
  g_assert_cmpuint (back->gid_base, ==, 65536 * 4);
  g_assert_cmpstr (back->seat_dialect, ==, "0.9");
  g_assert_cmpstr (back->seat_open, ==, "at-once");
}

/* Clients may clear an option back to its default, but not a required one. */
static void
test_back_to_default (void)
{
  g_autoptr(CellsDefinition) def = cells_definition_new ("work");
  g_autoptr(GError) error = NULL;

  g_assert_true (
      cells_definition_apply (def, parse ("{'image': <'base'>, 'sip-user': <'u1'>}"), TRUE, NULL));
  g_assert_true (
      cells_definition_apply (def, parse ("{'sip-user': <''>, 'color': <''>}"), FALSE, NULL));
  g_assert_cmpstr (def->sip_user, ==, "");
  g_assert_false (cells_definition_apply (def, parse ("{'image': <''>}"), TRUE, &error));
  g_assert_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT);
  g_assert_null (cells_definition_from_data ("work", "[Cell]\nImage=\nInit=/sbin/init;\n"
                                             "UidBase=65536\nGidBase=65536\n", NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/definition/names", test_names);
  g_test_add_func ("/definition/error-names", test_error_names);
  g_test_add_func ("/definition/apply", test_apply);
  g_test_add_func ("/definition/apply-all-or-nothing", test_apply_all_or_nothing);
  g_test_add_func ("/definition/image-fixed", test_image_fixed);
  g_test_add_func ("/definition/devices", test_devices);
  g_test_add_func ("/definition/device-nodes", test_device_nodes);
  g_test_add_func ("/definition/round-trip", test_round_trip);
  g_test_add_func ("/definition/load-broken", test_load_broken);
  g_test_add_func ("/definition/phone-line", test_phone_line);
  g_test_add_func ("/definition/options-table", test_options_table);
  g_test_add_func ("/definition/back-to-default", test_back_to_default);
  return g_test_run ();
}
