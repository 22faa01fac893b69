/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What libudev shows a program inside a cell, as libinput and wlroots ask
 * it: runs in the test image, linked with the system's libudev.
 *
 *   udev-probe list            one line per DRM card and evdev device:
 *                              SUBSYSTEM SYSNAME initialized|uninitialized PROPERTIES…
 *   udev-probe monitor SECONDS "ready", then one line per event of the
 *                              input and drm subsystems: ACTION SUBSYSTEM SYSNAME PROPERTIES…
 */
#include <libudev.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const shown[] = {
  "ID_INPUT", "ID_INPUT_KEYBOARD", "ID_INPUT_KEY", "ID_INPUT_MOUSE", "ID_INPUT_TOUCHSCREEN",
  "ID_INPUT_TOUCHPAD", "ID_SEAT", NULL,
};

static void
print_device (const char *first, struct udev_device *dev)
{
  printf ("%s %s %s", first, udev_device_get_subsystem (dev), udev_device_get_sysname (dev));
  for (int i = 0; shown[i] != NULL; i++) {
    const char *v = udev_device_get_property_value (dev, shown[i]);

    if (v != NULL)
      printf (" %s=%s", shown[i], v);
  }
  if (udev_device_has_tag (dev, "seat"))
    printf (" tag:seat");
  printf ("\n");
  fflush (stdout);
}

static int
wanted (struct udev_device *dev)
{
  const char *name = udev_device_get_sysname (dev);

  return udev_device_get_devnode (dev) != NULL &&
         (strncmp (name, "event", 5) == 0 || strncmp (name, "card", 4) == 0);
}

static int
list (struct udev *udev)
{
  struct udev_enumerate *e = udev_enumerate_new (udev);
  struct udev_list_entry *entry;

  udev_enumerate_add_match_subsystem (e, "input");
  udev_enumerate_add_match_subsystem (e, "drm");
  udev_enumerate_scan_devices (e);
  udev_list_entry_foreach (entry, udev_enumerate_get_list_entry (e)) {
    struct udev_device *dev = udev_device_new_from_syspath (udev, udev_list_entry_get_name (entry));

    if (dev != NULL && wanted (dev))
      print_device (udev_device_get_is_initialized (dev) ? "initialized" : "uninitialized", dev);
    if (dev != NULL)
      udev_device_unref (dev);
  }
  udev_enumerate_unref (e);
  return 0;
}

static int
monitor (struct udev *udev, int seconds)
{
  struct udev_monitor *m = udev_monitor_new_from_netlink (udev, "udev");
  time_t end = time (NULL) + seconds;
  struct pollfd p;

  if (m == NULL || udev_monitor_filter_add_match_subsystem_devtype (m, "input", NULL) < 0 ||
      udev_monitor_filter_add_match_subsystem_devtype (m, "drm", NULL) < 0 ||
      udev_monitor_enable_receiving (m) < 0) {
    fprintf (stderr, "udev-probe: no monitor\n");
    return 1;
  }
  p.fd = udev_monitor_get_fd (m);
  p.events = POLLIN;
  printf ("ready\n");
  fflush (stdout);
  while (time (NULL) < end) {
    struct udev_device *dev;

    if (poll (&p, 1, 200) <= 0)
      continue;
    dev = udev_monitor_receive_device (m);
    if (dev == NULL)
      continue;
    if (wanted (dev))
      print_device (udev_device_get_action (dev), dev);
    udev_device_unref (dev);
  }
  udev_monitor_unref (m);
  return 0;
}

int
main (int argc, char **argv)
{
  struct udev *udev = udev_new ();

  if (udev == NULL)
    return 1;
  if (argc == 2 && strcmp (argv[1], "list") == 0)
    return list (udev);
  if (argc == 3 && strcmp (argv[1], "monitor") == 0)
    return monitor (udev, atoi (argv[2]));
  fprintf (stderr, "usage: udev-probe list | monitor SECONDS\n");
  return 2;
}
