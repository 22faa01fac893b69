/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cells-chord.h"
#include "cells-errors.h"
#include "cells-idmap.h"
#include "cells-lxc.h"
#include "cells-state.h"

#include <string.h>

#define HELPER "/usr/libexec/cells-lxc-start"

static void
check (CellsState state, CellsOp op, CellsVerdict expected, int code)
{
  g_autoptr(GError) error = NULL;
  CellsVerdict v = cells_state_check (state, op, "work", &error);

  g_assert_cmpint (v, ==, expected);
  if (expected == CELLS_VERDICT_REFUSE) {
    g_assert_error (error, CELLS_ERROR, code);
    g_assert_nonnull (strstr (error->message, "“work”"));
  } else {
    g_assert_no_error (error);
  }
}

static void
test_state_machine (void)
{
  check (CELLS_STATE_STOPPED, CELLS_OP_START, CELLS_VERDICT_PROCEED, 0);
  check (CELLS_STATE_FAILED, CELLS_OP_START, CELLS_VERDICT_PROCEED, 0);
  check (CELLS_STATE_RUNNING, CELLS_OP_START, CELLS_VERDICT_NOTHING, 0);
  check (CELLS_STATE_STARTING, CELLS_OP_START, CELLS_VERDICT_REFUSE, CELLS_ERROR_BUSY);
  check (CELLS_STATE_STOPPING, CELLS_OP_START, CELLS_VERDICT_REFUSE, CELLS_ERROR_BUSY);

  check (CELLS_STATE_RUNNING, CELLS_OP_STOP, CELLS_VERDICT_PROCEED, 0);
  check (CELLS_STATE_STOPPED, CELLS_OP_STOP, CELLS_VERDICT_NOTHING, 0);
  check (CELLS_STATE_STARTING, CELLS_OP_STOP, CELLS_VERDICT_REFUSE, CELLS_ERROR_BUSY);

  check (CELLS_STATE_STOPPED, CELLS_OP_DESTROY, CELLS_VERDICT_PROCEED, 0);
  check (CELLS_STATE_FAILED, CELLS_OP_DESTROY, CELLS_VERDICT_PROCEED, 0);
  check (CELLS_STATE_RUNNING, CELLS_OP_DESTROY, CELLS_VERDICT_REFUSE, CELLS_ERROR_BUSY);

  check (CELLS_STATE_RUNNING, CELLS_OP_SWITCH, CELLS_VERDICT_PROCEED, 0);
  check (CELLS_STATE_STOPPED, CELLS_OP_SWITCH, CELLS_VERDICT_REFUSE, CELLS_ERROR_NOT_RUNNING);
  check (CELLS_STATE_FAILED, CELLS_OP_FREEZE, CELLS_VERDICT_REFUSE, CELLS_ERROR_NOT_RUNNING);

  g_assert_cmpstr (cells_state_to_string (CELLS_STATE_STOPPING), ==, "stopping");
  g_assert_cmpstr (cells_state_to_string (CELLS_STATE_FAILED), ==, "failed");
}

static void
test_idmap (void)
{
  const char *file = "# comment\nalice:100000:65536\nroot:1000000:131072\nbroken line\n"
                     "root:x:5\n0:5000000:65536\nroot:4294967295:10\n";
  g_autoptr(GArray) ranges = cells_idmap_parse (file, "root", 0);
  guint32 used[3];
  guint32 base;

  g_assert_cmpuint (ranges->len, ==, 2);
  g_assert_cmpuint (g_array_index (ranges, CellsIdRange, 0).start, ==, 1000000);
  g_assert_cmpuint (g_array_index (ranges, CellsIdRange, 1).start, ==, 5000000);

  g_assert_true (cells_idmap_allocate (ranges, NULL, 0, 65536, &base));
  g_assert_cmpuint (base, ==, 1000000);
  used[0] = 1000000;
  g_assert_true (cells_idmap_allocate (ranges, used, 1, 65536, &base));
  g_assert_cmpuint (base, ==, 1065536);
  used[1] = 1065536;
  g_assert_true (cells_idmap_allocate (ranges, used, 2, 65536, &base));
  g_assert_cmpuint (base, ==, 5000000);
  used[2] = 5000000;
  g_assert_false (cells_idmap_allocate (ranges, used, 3, 65536, &base));
  /* A freed block is reused. */
  g_assert_true (cells_idmap_allocate (ranges, used + 1, 2, 65536, &base));
  g_assert_cmpuint (base, ==, 1000000);
}

static void
test_lxc_config (void)
{
  CellsDefinition def = { .name = "work", .image = "base", .uid_base = 1065536, .gid_base = 2065536,
                          .memory_max = 1 << 28, .pids_max = 200, .cpu_weight = 50,
                          .stop_signal = "SIGUSR2", .phone_line = "", .seccomp = "default" };
  CellsDefinition phone = { .name = "home",
                            .image = "base",
                            .uid_base = 1065536,
                            .gid_base = 2065536,
                            .stop_signal = "SIGTERM",
                            .seccomp = "none",
                            .phone_line = "sim",
                            .devices = { [CELLS_DEVICE_MODEM] = CELLS_ACCESS_SHARED } };
  CellsHost v1 = { .has_memory = TRUE, .has_pids = TRUE, .has_cpu = TRUE, .has_devices = TRUE };
  CellsHost v2 = { .cgroup2 = TRUE, .has_memory = TRUE, .has_pids = TRUE, .has_cpu = TRUE,
                   .has_devices = TRUE, .apparmor = TRUE };
  CellsHost none = { 0 };
  g_autofree char *c1 = cells_lxc_config (&def, "/var/lib/cells/cells/work", &v1, HELPER, NULL);
  g_autofree char *c2 = cells_lxc_config (&def, "/var/lib/cells/cells/work", &v2, HELPER, NULL);
  g_autofree char *c0 = cells_lxc_config (&def, "/var/lib/cells/cells/work", &none, HELPER, NULL);
  g_autofree char *cp = cells_lxc_config (&phone, "/var/lib/cells/cells/home", &none, HELPER, NULL);
  const char *policy_mount =
      "lxc.hook.mount = " HELPER " --mount-hook /var/lib/cells/cells/home/modem-bus.conf "
      "etc/dbus-1/system.d/org.cells.VirtualModem.conf\n";

  g_assert_nonnull (strstr (c1, "lxc.uts.name = work\n"));
  g_assert_nonnull (strstr (c1, "lxc.rootfs.path = overlay:/var/lib/cells/cells/work/lower:"
                                "/var/lib/cells/cells/work/upper\n"));
  g_assert_nonnull (strstr (c1, "lxc.idmap = u 0 1065536 65536\n"));
  g_assert_nonnull (strstr (c1, "lxc.idmap = g 0 2065536 65536\n"));
  g_assert_nonnull (strstr (c1, "lxc.net.0.type = empty\nlxc.net.0.flags = up\n"));
  g_assert_nonnull (strstr (c1, "lxc.mount.entry = tmpfs run tmpfs "));
  g_assert_nonnull (
      strstr (c1, "lxc.mount.entry = /var/lib/cells/cells/work/seat run/cells-seat none bind"));
  g_assert_nonnull (strstr (c1, "lxc.hook.mount = sh -c 'ln -sf cells-seat/seatd.sock "));
  g_assert_nonnull (strstr (c1, "lxc.cap.drop = mknod "));
  g_assert_nonnull (strstr (c1, "lxc.signal.halt = SIGUSR2\n"));
  g_assert_nonnull (strstr (c1, "lxc.apparmor.profile = unconfined\n"));
  g_assert_nonnull (strstr (c1, "lxc.cgroup.memory.limit_in_bytes = 268435456\n"));
  g_assert_nonnull (strstr (c1, "lxc.cgroup.pids.max = 200\n"));
  g_assert_nonnull (strstr (c1, "lxc.cgroup.cpu.shares = 512\n"));
  g_assert_nonnull (strstr (c1, "lxc.cgroup.devices.deny = a\n"));

  g_assert_nonnull (strstr (c2, "lxc.cgroup2.memory.max = 268435456\n"));
  g_assert_nonnull (strstr (c2, "lxc.cgroup2.cpu.weight = 50\n"));
  g_assert_nonnull (strstr (c2, "lxc.cgroup2.devices.allow = c 1:3 rwm\n"));
  g_assert_nonnull (strstr (c2, "lxc.apparmor.profile = generated\n"));

  g_assert_null (strstr (c0, "cgroup"));
  /* The seccomp policy, unless the cell has none. */
  g_assert_nonnull (strstr (c1, "lxc.seccomp.profile = /var/lib/cells/cells/work/seccomp\n"));
  g_assert_null (strstr (cp, "lxc.seccomp"));

  /* A cell with a phone line: its bus lets the virtual modem in, through
   * the hook that follows no link, never a mount entry that creates. */
  g_assert_null (strstr (cp, "create=file"));
  g_assert_nonnull (strstr (cp, policy_mount));
  /* The image's own ModemManager is masked where the virtual one may run. */
  g_assert_nonnull (strstr (cp, "lxc.hook.mount = " HELPER " --mask-hook "
                                "/var/lib/cells/cells/home/empty "
                                "usr/share/dbus-1/system-services/"
                                "org.freedesktop.ModemManager1.service "
                                "usr/lib/systemd/system/ModemManager.service "));
  g_assert_null (strstr (c1, "modem-bus.conf"));   /* no modem right */
  g_assert_null (strstr (c1, "--mask-hook"));
  phone.devices[CELLS_DEVICE_MODEM] = CELLS_ACCESS_NONE;
  g_clear_pointer (&cp, g_free);
  cp = cells_lxc_config (&phone, "/var/lib/cells/cells/home", &none, HELPER, NULL);
  g_assert_null (strstr (cp, "modem-bus.conf"));
  g_assert_null (strstr (cp, "--mask-hook"));
}

static void
test_chord (void)
{
  const char *bad[] = { "", "KEY_NOPE", "KEY_POWER+", "1+2+3+4+5", "KEY_POWER+99999", NULL };
  guint16 keys[CELLS_CHORD_MAX_KEYS];
  guint n = 0;

  g_assert_true (cells_chord_parse (CELLS_CHORD_DEFAULT, keys, &n, NULL));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (keys[0], ==, 116);
  g_assert_cmpuint (keys[1], ==, 115);
  g_assert_true (cells_chord_parse ("KEY_VOLUMEDOWN + 116", keys, &n, NULL));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (keys[0], ==, 114);
  g_assert_cmpuint (keys[1], ==, 116);
  for (guint i = 0; bad[i]; i++) {
    g_autoptr(GError) error = NULL;

    g_assert_false (cells_chord_parse (bad[i], keys, &n, &error));
    g_assert_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/state/machine", test_state_machine);
  g_test_add_func ("/state/idmap", test_idmap);
  g_test_add_func ("/state/lxc-config", test_lxc_config);
  g_test_add_func ("/state/chord", test_chord);
  return g_test_run ();
}
