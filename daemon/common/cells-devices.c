/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-devices"

#include "cells-devices.h"
#include "cells-errors.h"

/**
 * SECTION:cells-devices
 *
 * Access rights of cells to classes of devices. The defaults give a new
 * cell what a phone's system expects: the screen, touch and keys, the
 * microphone and the camera one cell at a time, the rest shared.
 */

static const char *const class_names[CELLS_N_DEVICE_CLASSES] = {
  [CELLS_DEVICE_DISPLAY] = "display",
  [CELLS_DEVICE_INPUT] = "input",
  [CELLS_DEVICE_AUDIO_OUTPUT] = "audio-output",
  [CELLS_DEVICE_MICROPHONE] = "microphone",
  [CELLS_DEVICE_CAMERA] = "camera",
  [CELLS_DEVICE_MODEM] = "modem",
  [CELLS_DEVICE_LOCATION] = "location",
  [CELLS_DEVICE_SENSORS] = "sensors",
  [CELLS_DEVICE_VIBRATOR] = "vibrator",
  [CELLS_DEVICE_LEDS] = "leds",
  [CELLS_DEVICE_BACKLIGHT] = "backlight",
  [CELLS_DEVICE_NETWORK] = "network",
};

static const char *const access_names[] = {
  [CELLS_ACCESS_NONE] = "none",
  [CELLS_ACCESS_SHARED] = "shared",
  [CELLS_ACCESS_EXCLUSIVE] = "exclusive",
};

static const CellsAccess defaults[CELLS_N_DEVICE_CLASSES] = {
  [CELLS_DEVICE_DISPLAY] = CELLS_ACCESS_EXCLUSIVE,
  [CELLS_DEVICE_INPUT] = CELLS_ACCESS_EXCLUSIVE,
  [CELLS_DEVICE_AUDIO_OUTPUT] = CELLS_ACCESS_SHARED,
  [CELLS_DEVICE_MICROPHONE] = CELLS_ACCESS_EXCLUSIVE,
  [CELLS_DEVICE_CAMERA] = CELLS_ACCESS_EXCLUSIVE,
  [CELLS_DEVICE_MODEM] = CELLS_ACCESS_SHARED,
  [CELLS_DEVICE_LOCATION] = CELLS_ACCESS_SHARED,
  [CELLS_DEVICE_SENSORS] = CELLS_ACCESS_SHARED,
  [CELLS_DEVICE_VIBRATOR] = CELLS_ACCESS_SHARED,
  [CELLS_DEVICE_LEDS] = CELLS_ACCESS_SHARED,
  [CELLS_DEVICE_BACKLIGHT] = CELLS_ACCESS_SHARED,
  [CELLS_DEVICE_NETWORK] = CELLS_ACCESS_SHARED,
};

const char *
cells_device_class_to_string (CellsDeviceClass klass)
{
  g_return_val_if_fail (klass < CELLS_N_DEVICE_CLASSES, NULL);
  return class_names[klass];
}

gboolean
cells_device_class_from_string (const char *name, CellsDeviceClass *out)
{
  for (int i = 0; i < CELLS_N_DEVICE_CLASSES; i++) {
    if (g_strcmp0 (name, class_names[i]) == 0) {
      *out = i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
cells_access_to_string (CellsAccess access)
{
  g_return_val_if_fail (access <= CELLS_ACCESS_EXCLUSIVE, NULL);
  return access_names[access];
}

gboolean
cells_access_from_string (const char *name, CellsAccess *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (access_names); i++) {
    if (g_strcmp0 (name, access_names[i]) == 0) {
      *out = i;
      return TRUE;
    }
  }
  return FALSE;
}

CellsAccess
cells_access_default (CellsDeviceClass klass)
{
  g_return_val_if_fail (klass < CELLS_N_DEVICE_CLASSES, CELLS_ACCESS_NONE);
  return defaults[klass];
}

/**
 * cells_access_check:
 *
 * Parses and checks one right: a known class, a known right, no "shared"
 * display (two cells cannot drive one screen at once) and no "exclusive"
 * network (the uplink is shared by nature).
 */
gboolean
cells_access_check (const char *klass, const char *access, CellsDeviceClass *out_class,
                    CellsAccess *out_access, GError **error)
{
  if (!cells_device_class_from_string (klass, out_class)) {
    g_autoptr(GString) known = g_string_new (NULL);

    for (int i = 0; i < CELLS_N_DEVICE_CLASSES; i++)
      g_string_append_printf (known, "%s%s", i ? ", " : "", class_names[i]);
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                 "“%s” is not a device class; the classes are %s.", klass, known->str);
    return FALSE;
  }
  if (!cells_access_from_string (access, out_access)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                 "“%s” is not an access right; give none, shared or exclusive.", access);
    return FALSE;
  }
  if (*out_class == CELLS_DEVICE_DISPLAY && *out_access == CELLS_ACCESS_SHARED) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                 "The display cannot be shared: one cell at a time shows on the screen; "
                 "give it exclusive or none.");
    return FALSE;
  }
  if (*out_class == CELLS_DEVICE_NETWORK && *out_access == CELLS_ACCESS_EXCLUSIVE) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                 "The network cannot be exclusive: every cell with the right shares the "
                 "phone's uplink; give it shared or none.");
    return FALSE;
  }
  return TRUE;
}

/* Device nodes by class, as cells ask for them through their seat. */
static const struct {
  const char      *prefix;
  const char      *suffix;
  CellsDeviceClass klass;
} node_classes[] = {
  { "/dev/dri/card", NULL, CELLS_DEVICE_DISPLAY },
  { "/dev/input/event", NULL, CELLS_DEVICE_INPUT },
  { "/dev/video", NULL, CELLS_DEVICE_CAMERA },
  { "/dev/snd/pcmC", "c", CELLS_DEVICE_MICROPHONE },
  { "/dev/snd/pcmC", "p", CELLS_DEVICE_AUDIO_OUTPUT },
  { "/dev/snd/controlC", NULL, CELLS_DEVICE_AUDIO_OUTPUT },
  { "/dev/wwan", NULL, CELLS_DEVICE_MODEM },
  { "/dev/cdc-wdm", NULL, CELLS_DEVICE_MODEM },
  { "/dev/ttyUSB", NULL, CELLS_DEVICE_MODEM },
  { "/dev/iio:device", NULL, CELLS_DEVICE_SENSORS },
};

/**
 * cells_device_class_for_path:
 * @path: a resolved device node path
 *
 * Returns: whether @path is a node cells may be given, and its class.
 */
gboolean
cells_device_class_for_path (const char *path, CellsDeviceClass *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (node_classes); i++) {
    if (g_str_has_prefix (path, node_classes[i].prefix) &&
        (node_classes[i].suffix == NULL || g_str_has_suffix (path, node_classes[i].suffix))) {
      *out = node_classes[i].klass;
      return TRUE;
    }
  }
  return FALSE;
}
