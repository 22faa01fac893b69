/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-chord.h"
#include "cells-image.h"
#include "cells-network.h"

#include <glib.h>

G_BEGIN_DECLS

/**
 * CellsSettings:
 * @state_dir: where images and cells are kept
 * @switcher_seat_dir: where the switcher's seatd socket goes
 * @switcher_user: (nullable): a user whose processes may be the switcher
 *   seat's clients, besides root
 * @switcher_group: (nullable): a group whose members may be
 *   (the switcher seat accepts no uid of a cell, whatever its groups)
 * @input_dir: where the input devices are (the chord's keys)
 * @vmodem_path: the virtual modem program started in cells
 * @lxc_start_path: the helper that starts containers (cells-lxc-start)
 * @pipewire_dir: (nullable): the directory of the phone user's PipeWire
 *   socket, for the audio of SIP calls
 * @chord: the keys of the secure switch chord
 * @n_chord: how many
 * @device_namespaces: whether kernel device namespaces are used where
 *   the kernel has them
 * @verbose: whether debug messages are logged (by cellsd, LXC and the
 *   virtual modems)
 * @image_limits: what an imported image may hold
 * @network: the cells' network
 *
 * How cellsd runs: `/etc/cells/cellsd.conf` and the command line. Read
 * once at start; every part gets what it needs of it as parameters.
 */
typedef struct {
  char     *state_dir;
  char     *switcher_seat_dir;
  char     *switcher_user;
  char     *switcher_group;
  char     *input_dir;
  char     *vmodem_path;
  char     *lxc_start_path;
  char     *pipewire_dir;
  guint16   chord[CELLS_CHORD_MAX_KEYS];
  guint     n_chord;
  gboolean  device_namespaces;
  gboolean  verbose;
  CellsImageLimits image_limits;
  CellsNetworkSettings network;
} CellsSettings;

void     cells_settings_init  (CellsSettings  *settings);
gboolean cells_settings_load  (CellsSettings  *settings,
                               const char     *path,
                               GError        **error);
void     cells_settings_clear (CellsSettings  *settings);

G_END_DECLS
