/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A keyboard for the session tests: made through uinput, it presses a key
 * for each line on stdin ("press CODE") and goes when stdin ends.
 */
#include <fcntl.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void
emit (int fd, int type, int code, int value)
{
  struct input_event ev = { .type = type, .code = code, .value = value };

  if (write (fd, &ev, sizeof ev) != sizeof ev)
    perror ("uinput-key: write");
}

int
main (void)
{
  struct uinput_setup setup = { .id = { .bustype = BUS_USB, .vendor = 1, .product = 3 } };
  char line[64];
  int fd = open ("/dev/uinput", O_WRONLY | O_CLOEXEC);

  if (fd < 0) {
    perror ("uinput-key: /dev/uinput");
    return 1;
  }
  ioctl (fd, UI_SET_EVBIT, EV_KEY);
  for (int k = KEY_ESC; k <= KEY_Z; k++)
    ioctl (fd, UI_SET_KEYBIT, k);
  strcpy (setup.name, "cells session keyboard");
  if (ioctl (fd, UI_DEV_SETUP, &setup) < 0 || ioctl (fd, UI_DEV_CREATE) < 0) {
    perror ("uinput-key: create");
    return 1;
  }
  printf ("ready\n");
  fflush (stdout);
  while (fgets (line, sizeof line, stdin) != NULL) {
    int code;

    if (sscanf (line, "press %d", &code) != 1)
      continue;
    emit (fd, EV_KEY, code, 1);
    emit (fd, EV_SYN, SYN_REPORT, 0);
    emit (fd, EV_KEY, code, 0);
    emit (fd, EV_SYN, SYN_REPORT, 0);
    printf ("pressed %d\n", code);
    fflush (stdout);
  }
  ioctl (fd, UI_DEV_DESTROY);
  return 0;
}
