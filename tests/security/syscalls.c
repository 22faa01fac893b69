/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * syscalls: tries system calls a cell's seccomp policy decides on and
 * prints "NAME ERRNO" for each (0 when the call went through).
 *
 *   syscalls
 */
#include <errno.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <unistd.h>

static void
report (const char *name, long ret)
{
  printf ("%s %d\n", name, ret < 0 ? errno : 0);
}

int
main (void)
{
  struct timex tx = { .modes = 0 };  /* only reads the clock's state: anyone may */

  report ("add_key",
          syscall (SYS_add_key, "user", "cells-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
  report ("keyctl", syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 0));
  report ("kexec_load", syscall (SYS_kexec_load, 0, 0, NULL, 0));
  report ("adjtimex", syscall (SYS_adjtimex, &tx));
  report ("getpid", syscall (SYS_getpid));
  return 0;
}
