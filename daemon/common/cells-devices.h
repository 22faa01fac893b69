/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CellsDeviceClass:
 *
 * The kinds of device a cell may be given.
 */
typedef enum {
  CELLS_DEVICE_DISPLAY,
  CELLS_DEVICE_INPUT,
  CELLS_DEVICE_AUDIO_OUTPUT,
  CELLS_DEVICE_MICROPHONE,
  CELLS_DEVICE_CAMERA,
  CELLS_DEVICE_MODEM,
  CELLS_DEVICE_LOCATION,
  CELLS_DEVICE_SENSORS,
  CELLS_DEVICE_VIBRATOR,
  CELLS_DEVICE_LEDS,
  CELLS_DEVICE_BACKLIGHT,
  CELLS_DEVICE_NETWORK,
  CELLS_N_DEVICE_CLASSES
} CellsDeviceClass;

/**
 * CellsAccess:
 * @CELLS_ACCESS_NONE: the cell never sees the devices of the class
 * @CELLS_ACCESS_SHARED: any cell with the right may use them (display and
 *   input: while it is in the foreground)
 * @CELLS_ACCESS_EXCLUSIVE: one cell at a time holds them
 */
typedef enum {
  CELLS_ACCESS_NONE,
  CELLS_ACCESS_SHARED,
  CELLS_ACCESS_EXCLUSIVE,
} CellsAccess;

const char *cells_device_class_to_string (CellsDeviceClass   klass);
gboolean    cells_device_class_from_string (const char      *name,
                                          CellsDeviceClass  *out);
const char *cells_access_to_string       (CellsAccess        access);
gboolean    cells_access_from_string     (const char        *name,
                                          CellsAccess       *out);
CellsAccess cells_access_default         (CellsDeviceClass   klass);
gboolean    cells_device_class_for_path  (const char        *path,
                                          CellsDeviceClass  *out);
gboolean    cells_access_check           (const char        *klass,
                                          const char        *access,
                                          CellsDeviceClass  *out_class,
                                          CellsAccess       *out_access,
                                          GError           **error);

G_END_DECLS
