/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-settings"

#include "cells-config.h"
#include "cells-settings.h"
#include "cells-errors.h"

#include <string.h>

/**
 * SECTION:cells-settings
 *
 * cellsd's configuration file, `/etc/cells/cellsd.conf`:
 *
 *   [Switcher] Chord=KEY_POWER+KEY_VOLUMEUP User=NAME Group=NAME
 *   [Devices]  KernelDeviceNamespaces=true
 *   [Audio]    PipeWire=DIR
 *   [Images]   MaxSize=BYTES MaxFiles=N MaxFileSize=BYTES StallSeconds=N
 *   [Network]  Enabled=true Subnet=10.87.0.0/24 Uplink=LINK DNS=ADDRESS;…
 *
 * A missing file means the defaults.
 */

void
cells_settings_init (CellsSettings *settings)
{
  *settings = (CellsSettings) {
    .state_dir = g_strdup (CELLS_STATE_DIR),
    .switcher_seat_dir = g_strdup ("/run/cells/switcher"),
    .switcher_group = *CELLS_SWITCH_GROUP != '\0' ? g_strdup (CELLS_SWITCH_GROUP) : NULL,
    .input_dir = g_strdup ("/dev/input"),
    .vmodem_path = g_build_filename (CELLS_LIBEXEC_DIR, "cells-vmodem", NULL),
    .lxc_start_path = g_build_filename (CELLS_LIBEXEC_DIR, "cells-lxc-start", NULL),
    .device_namespaces = TRUE,
    .image_limits = {
      .max_bytes = CELLS_IMAGE_MAX_BYTES_DEFAULT,
      .max_files = CELLS_IMAGE_MAX_FILES_DEFAULT,
      .max_file_size = CELLS_IMAGE_MAX_FILE_SIZE_DEFAULT,
      .stall_s = CELLS_IMAGE_STALL_S_DEFAULT,
    },
    .network = {
      .enabled = TRUE,
    },
  };
  cells_subnet_parse (CELLS_NET_SUBNET_DEFAULT, &settings->network.subnet, NULL);
  cells_chord_parse (CELLS_CHORD_DEFAULT, settings->chord, &settings->n_chord, NULL);
}

static gboolean
fail (GError **error, const char *path, GError *local)
{
  g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "%s: %s", path, local->message);
  g_error_free (local);
  return FALSE;
}

/* [Switcher] User or Group, if the file has it: a user or group name as
 * useradd takes it; empty means none. Whether it exists is asked at each
 * connection, so a user made after cellsd started is seen. */
static gboolean
load_name (GKeyFile *kf, const char *key, char **out, GError **error)
{
  g_autofree char *name = g_key_file_get_string (kf, "Switcher", key, NULL);

  if (name == NULL)
    return TRUE;
  g_strstrip (name);
  for (const char *p = name; *p != '\0'; p++) {
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.' &&
        !(*p == '$' && p[1] == '\0')) {
      g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                   "[Switcher] %s: “%s” is not a user or group name", key, name);
      return FALSE;
    }
  }
  if (*name == '-' || strlen (name) > 32) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "[Switcher] %s: “%s” is not a user or group name", key, name);
    return FALSE;
  }
  g_free (*out);
  *out = *name != '\0' ? g_steal_pointer (&name) : NULL;
  return TRUE;
}

/* A number of [Images], if the file has it: 1 or more. */
static gboolean
load_limit (GKeyFile *kf, const char *key, guint64 max, guint64 *out, GError **error)
{
  g_autofree char *text = g_key_file_get_value (kf, "Images", key, NULL);

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (g_strstrip (text), 10, 1, max, out, NULL)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "[Images] %s must be a number from 1 to %" G_GUINT64_FORMAT, key, max);
    return FALSE;
  }
  return TRUE;
}

static gboolean
load_image_limits (GKeyFile *kf, CellsImageLimits *limits, GError **error)
{
  guint64 stall = limits->stall_s;

  if (!load_limit (kf, "MaxSize", G_MAXUINT64, &limits->max_bytes, error) ||
      !load_limit (kf, "MaxFiles", G_MAXUINT64, &limits->max_files, error) ||
      !load_limit (kf, "MaxFileSize", G_MAXUINT64, &limits->max_file_size, error) ||
      !load_limit (kf, "StallSeconds", 86400, &stall, error))
    return FALSE;
  limits->stall_s = stall;
  return TRUE;
}

static gboolean
load_network (GKeyFile *kf, CellsNetworkSettings *network, GError **error)
{
  g_autofree char *subnet = g_key_file_get_string (kf, "Network", "Subnet", NULL);
  g_autofree char *uplink = g_key_file_get_string (kf, "Network", "Uplink", NULL);
  g_auto(GStrv) dns = g_key_file_get_string_list (kf, "Network", "DNS", NULL, NULL);

  if (g_key_file_has_key (kf, "Network", "Enabled", NULL)) {
    network->enabled = g_key_file_get_boolean (kf, "Network", "Enabled", error);
    if (*error != NULL)
      return FALSE;
  }
  if (subnet != NULL && !cells_subnet_parse (subnet, &network->subnet, error)) {
    g_prefix_error (error, "[Network] Subnet: ");
    return FALSE;
  }
  if (uplink != NULL && *g_strstrip (uplink) != '\0') {
    g_free (network->uplink);
    network->uplink = g_steal_pointer (&uplink);
  }
  if (dns != NULL && dns[0] != NULL) {
    g_strfreev (network->dns);
    network->dns = g_steal_pointer (&dns);
  }
  return TRUE;
}

gboolean
cells_settings_load (CellsSettings *settings, const char *path, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *chord = NULL;
  g_autofree char *pipewire = NULL;
  GError *local = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local)) {
    if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return fail (error, path, local);
    g_clear_error (&local);
  }
  chord = g_key_file_get_string (kf, "Switcher", "Chord", NULL);
  if (chord != NULL && !cells_chord_parse (chord, settings->chord, &settings->n_chord, &local))
    return fail (error, path, local);
  if (!load_name (kf, "User", &settings->switcher_user, &local) ||
      !load_name (kf, "Group", &settings->switcher_group, &local))
    return fail (error, path, local);
  pipewire = g_key_file_get_string (kf, "Audio", "PipeWire", NULL);
  if (pipewire != NULL && *pipewire != '\0') {
    g_free (settings->pipewire_dir);
    settings->pipewire_dir = g_steal_pointer (&pipewire);
  }
  if (g_key_file_has_key (kf, "Devices", "KernelDeviceNamespaces", NULL)) {
    settings->device_namespaces = g_key_file_get_boolean (kf, "Devices", "KernelDeviceNamespaces",
                                                          &local);
    if (local != NULL)
      return fail (error, path, local);
  }
  if (!load_image_limits (kf, &settings->image_limits, &local) ||
      !load_network (kf, &settings->network, &local))
    return fail (error, path, local);
  return TRUE;
}

void
cells_settings_clear (CellsSettings *settings)
{
  g_clear_pointer (&settings->state_dir, g_free);
  g_clear_pointer (&settings->switcher_seat_dir, g_free);
  g_clear_pointer (&settings->switcher_user, g_free);
  g_clear_pointer (&settings->switcher_group, g_free);
  g_clear_pointer (&settings->input_dir, g_free);
  g_clear_pointer (&settings->vmodem_path, g_free);
  g_clear_pointer (&settings->lxc_start_path, g_free);
  g_clear_pointer (&settings->pipewire_dir, g_free);
  g_clear_pointer (&settings->network.uplink, g_free);
  g_clear_pointer (&settings->network.dns, g_strfreev);
}
