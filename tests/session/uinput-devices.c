/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Input devices for the session tests, made through uinput: a keyboard
 * (with the chord's keys) and a touchscreen of WIDTH×HEIGHT. One command
 * a line on stdin:
 *   press CODE…   presses the keys together, then lets them go
 *   tap X Y       touches the screen at X, Y and lifts the finger
 *   plug          adds a second keyboard ("cells plugged keyboard")
 *   plugged CODE… presses the keys on it
 *   unplug        removes it
 * Each is answered on stdout ("pressed CODE…", "tapped X Y", "plugged",
 * "pressed on plugged CODE…", "unplugged"). The devices go when stdin
 * ends.
 *
 *   uinput-devices WIDTH HEIGHT
 */
#include <fcntl.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static void
emit (int fd, int type, int code, int value)
{
  struct input_event ev = { .type = type, .code = code, .value = value };

  if (write (fd, &ev, sizeof ev) != sizeof ev)
    perror ("uinput-devices: write");
}

static void
pause_ms (long ms)
{
  struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

  nanosleep (&t, NULL);
}

static int
create (const char *name, int product, void (*setup_bits) (int fd, int w, int h), int w, int h)
{
  struct uinput_setup setup = { .id = { .bustype = BUS_USB, .vendor = 1, .product = product } };
  int fd = open ("/dev/uinput", O_WRONLY | O_CLOEXEC);

  if (fd < 0) {
    perror ("uinput-devices: /dev/uinput");
    exit (1);
  }
  setup_bits (fd, w, h);
  strcpy (setup.name, name);
  if (ioctl (fd, UI_DEV_SETUP, &setup) < 0 || ioctl (fd, UI_DEV_CREATE) < 0) {
    perror ("uinput-devices: create");
    exit (1);
  }
  return fd;
}

static void
keyboard_bits (int fd, int w, int h)
{
  static const int extra[] = { KEY_POWER, KEY_VOLUMEUP, KEY_VOLUMEDOWN, KEY_TAB, KEY_ENTER };

  ioctl (fd, UI_SET_EVBIT, EV_KEY);
  for (int k = KEY_ESC; k <= KEY_SPACE; k++)
    ioctl (fd, UI_SET_KEYBIT, k);
  for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
    ioctl (fd, UI_SET_KEYBIT, extra[i]);
}

static void
abs_axis (int fd, int code, int max)
{
  /* 10 units a millimetre: a phone-sized screen for libinput. */
  struct uinput_abs_setup abs = { .code = code, .absinfo = { .maximum = max, .resolution = 10 } };

  ioctl (fd, UI_SET_ABSBIT, code);
  ioctl (fd, UI_ABS_SETUP, &abs);
}

static void
touch_bits (int fd, int w, int h)
{
  struct uinput_abs_setup slots = { .code = ABS_MT_SLOT, .absinfo = { .maximum = 1 } };
  struct uinput_abs_setup ids = { .code = ABS_MT_TRACKING_ID, .absinfo = { .maximum = 65535 } };

  ioctl (fd, UI_SET_EVBIT, EV_KEY);
  ioctl (fd, UI_SET_KEYBIT, BTN_TOUCH);
  ioctl (fd, UI_SET_EVBIT, EV_ABS);
  ioctl (fd, UI_SET_PROPBIT, INPUT_PROP_DIRECT);
  abs_axis (fd, ABS_X, w - 1);
  abs_axis (fd, ABS_Y, h - 1);
  abs_axis (fd, ABS_MT_POSITION_X, w - 1);
  abs_axis (fd, ABS_MT_POSITION_Y, h - 1);
  ioctl (fd, UI_SET_ABSBIT, ABS_MT_SLOT);
  ioctl (fd, UI_ABS_SETUP, &slots);
  ioctl (fd, UI_SET_ABSBIT, ABS_MT_TRACKING_ID);
  ioctl (fd, UI_ABS_SETUP, &ids);
}

/* Held together: down one after the other, then up. */
static void
press (int fd, const int *codes, int n)
{
  for (int i = 0; i < n; i++) {
    emit (fd, EV_KEY, codes[i], 1);
    emit (fd, EV_SYN, SYN_REPORT, 0);
  }
  pause_ms (n > 1 ? 200 : 0);
  for (int i = n - 1; i >= 0; i--) {
    emit (fd, EV_KEY, codes[i], 0);
    emit (fd, EV_SYN, SYN_REPORT, 0);
  }
}

int
main (int argc, char **argv)
{
  char line[256];
  int keys, touch, plugged = -1, tracking = 1;
  int w, h;

  if (argc != 3 || (w = atoi (argv[1])) < 2 || (h = atoi (argv[2])) < 2) {
    fprintf (stderr, "usage: uinput-devices WIDTH HEIGHT\n");
    return 2;
  }
  keys = create ("cells session keyboard", 3, keyboard_bits, w, h);
  touch = create ("cells session touchscreen", 4, touch_bits, w, h);
  printf ("ready\n");
  fflush (stdout);
  while (fgets (line, sizeof line, stdin) != NULL) {
    int codes[8], n = 0, x, y, used;
    char *p = line;

    if (sscanf (line, "tap %d %d", &x, &y) == 2) {
      emit (touch, EV_ABS, ABS_MT_SLOT, 0);
      emit (touch, EV_ABS, ABS_MT_TRACKING_ID, tracking++);
      emit (touch, EV_ABS, ABS_MT_POSITION_X, x);
      emit (touch, EV_ABS, ABS_MT_POSITION_Y, y);
      emit (touch, EV_ABS, ABS_X, x);
      emit (touch, EV_ABS, ABS_Y, y);
      emit (touch, EV_KEY, BTN_TOUCH, 1);
      emit (touch, EV_SYN, SYN_REPORT, 0);
      pause_ms (80);
      emit (touch, EV_ABS, ABS_MT_TRACKING_ID, -1);
      emit (touch, EV_KEY, BTN_TOUCH, 0);
      emit (touch, EV_SYN, SYN_REPORT, 0);
      printf ("tapped %d %d\n", x, y);
      fflush (stdout);
      continue;
    }
    if (strcmp (line, "plug\n") == 0 && plugged < 0) {
      plugged = create ("cells plugged keyboard", 5, keyboard_bits, w, h);
      printf ("plugged\n");
      fflush (stdout);
      continue;
    }
    if (strcmp (line, "unplug\n") == 0 && plugged >= 0) {
      ioctl (plugged, UI_DEV_DESTROY);
      close (plugged);
      plugged = -1;
      printf ("unplugged\n");
      fflush (stdout);
      continue;
    }
    if (strncmp (line, "press ", 6) == 0)
      p += 6;
    else if (strncmp (line, "plugged ", 8) == 0 && plugged >= 0)
      p += 8;
    else
      continue;
    while (n < 8 && sscanf (p, "%d%n", &codes[n], &used) == 1) {
      p += used;
      n++;
    }
    if (n == 0)
      continue;
    press (line[1] == 'r' ? keys : plugged, codes, n);
    printf (line[1] == 'r' ? "pressed" : "pressed on plugged");
    for (int i = 0; i < n; i++)
      printf (" %d", codes[i]);
    printf ("\n");
    fflush (stdout);
  }
  ioctl (keys, UI_DEV_DESTROY);
  ioctl (touch, UI_DEV_DESTROY);
  return 0;
}
