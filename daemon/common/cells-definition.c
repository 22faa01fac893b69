/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-definition"

#include "cells-definition.h"
#include "cells-errors.h"
#include "cells-util.h"

#include <string.h>

/**
 * SECTION:cells-definition
 *
 * The definition of a cell and its key file. Options from D-Bus are
 * applied all or nothing: cells_definition_apply() checks every option
 * before it changes anything.
 */

#define GROUP "Cell"
#define DEVICES_GROUP "Devices"
#define INIT_MAX_ARGS 256
#define DISPLAY_NAME_MAX 128
#define PHONE_DIGITS_MAX 20

#define SIP_SECRET "sip.secret"

/* How a cell's calls and messages reach it: "" for no phone line,
 * "sim" for the phone's own modem and SIM, "sip" for a SIP account. */
static const char *const phone_lines[] = { "", "sim", "sip", NULL };

static const char *const default_init[] = { "/sbin/init", NULL };

/* What the inits of the cells' systems take as "power off": SIGTERM for a
 * plain program, SIGUSR2 for busybox init (postmarketOS, Alpine), SIGPWR
 * for sysvinit, SIGRTMIN+3 for systemd. */
static const char *const stop_signals[] = {
  "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGPWR", "SIGRTMIN+3", NULL
};

CellsDefinition *
cells_definition_new (const char *name)
{
  CellsDefinition *def = g_new0 (CellsDefinition, 1);

  def->name = g_strdup (name);
  def->display_name = g_strdup (name);
  def->color = g_strdup ("");
  def->image = g_strdup ("");
  def->init = g_strdupv ((char **) default_init);
  def->cpu_weight = CELLS_CPU_WEIGHT_DEFAULT;
  def->stop_signal = g_strdup ("SIGTERM");
  def->seat_dialect = g_strdup ("0.7");
  def->phone_line = g_strdup ("");
  def->phone_number = g_strdup ("");
  def->sip_registrar = g_strdup ("");
  def->sip_user = g_strdup ("");
  for (int i = 0; i < CELLS_N_DEVICE_CLASSES; i++)
    def->devices[i] = cells_access_default (i);
  return def;
}

CellsDefinition *
cells_definition_copy (const CellsDefinition *def)
{
  CellsDefinition *copy = g_memdup2 (def, sizeof *def);

  copy->name = g_strdup (def->name);
  copy->display_name = g_strdup (def->display_name);
  copy->color = g_strdup (def->color);
  copy->image = g_strdup (def->image);
  copy->init = g_strdupv (def->init);
  copy->stop_signal = g_strdup (def->stop_signal);
  copy->seat_dialect = g_strdup (def->seat_dialect);
  copy->phone_line = g_strdup (def->phone_line);
  copy->phone_number = g_strdup (def->phone_number);
  copy->sip_registrar = g_strdup (def->sip_registrar);
  copy->sip_user = g_strdup (def->sip_user);
  copy->sip_password = g_strdup (def->sip_password);
  return copy;
}

void
cells_definition_free (CellsDefinition *def)
{
  if (def == NULL)
    return;
  g_free (def->name);
  g_free (def->display_name);
  g_free (def->color);
  g_free (def->image);
  g_strfreev (def->init);
  g_free (def->stop_signal);
  g_free (def->seat_dialect);
  g_free (def->phone_line);
  g_free (def->phone_number);
  g_free (def->sip_registrar);
  g_free (def->sip_user);
  if (def->sip_password != NULL)
    memset (def->sip_password, 0, strlen (def->sip_password));
  g_free (def->sip_password);
  g_free (def);
}

static gboolean
word_is (const char *s, const char *allowed, gsize max)
{
  gsize n = strlen (s);

  return n >= 1 && n <= max && strspn (s, allowed) == n;
}

#define HOST_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:"
#define USER_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+._-"


/**
 * cells_phone_number_is_valid:
 *
 * Returns: whether @number is empty or a phone number as a modem dials
 * it: an optional “+” and 1 to 20 digits.
 */
gboolean
cells_phone_number_is_valid (const char *number)
{
  const char *p = number;
  guint n = 0;

  if (*p == '\0')
    return TRUE;
  if (*p == '+')
    p++;
  for (; *p; p++, n++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
  }
  return n >= 1 && n <= PHONE_DIGITS_MAX;
}

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static gboolean
color_is_valid (const char *color)
{
  if (*color == '\0')
    return TRUE;
  if (strlen (color) != 7 || color[0] != '#')
    return FALSE;
  for (int i = 1; i < 7; i++) {
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;
  }
  return TRUE;
}

static gboolean
init_is_valid (const char *const *argv, GError **error)
{
  guint n = g_strv_length ((char **) argv);

  if (n == 0 || n > INIT_MAX_ARGS)
    return invalid (error, "The init command must have 1 to %d words.", INIT_MAX_ARGS);
  if (argv[0][0] != '/')
    return invalid (error, "The init command must start with an absolute path "
                    "inside the cell, such as /sbin/init.");
  for (guint i = 0; i < n; i++) {
    if (!g_utf8_validate (argv[i], -1, NULL))
      return invalid (error, "The init command is not valid UTF-8.");
  }
  return TRUE;
}

static gboolean
check_type (const char *key, GVariant *value, const GVariantType *type, GError **error)
{
  if (g_variant_is_of_type (value, type))
    return TRUE;
  return invalid (error, "The option “%s” must be of type %s, not %s.",
                  key, g_variant_type_peek_string (type),
                  g_variant_get_type_string (value));
}

static gboolean
apply_one (CellsDefinition *def, const char *key, GVariant *value,
           gboolean creating, GError **error)
{
  if (g_str_equal (key, "image")) {
    if (!creating)
      return invalid (error, "The image of a cell cannot be changed; create a new cell instead.");
    if (!check_type (key, value, G_VARIANT_TYPE_STRING, error) ||
        !cells_name_validate (g_variant_get_string (value, NULL), "image", error))
      return FALSE;
    g_free (def->image);
    def->image = g_variant_dup_string (value, NULL);
  } else if (g_str_equal (key, "init")) {
    g_autofree const char **argv = NULL;

    if (!check_type (key, value, G_VARIANT_TYPE_STRING_ARRAY, error))
      return FALSE;
    argv = g_variant_get_strv (value, NULL);
    if (!init_is_valid (argv, error))
      return FALSE;
    g_strfreev (def->init);
    def->init = g_strdupv ((char **) argv);
  } else if (g_str_equal (key, "display-name")) {
    const char *s;

    if (!check_type (key, value, G_VARIANT_TYPE_STRING, error))
      return FALSE;
    s = g_variant_get_string (value, NULL);
    if (*s == '\0' || strlen (s) > DISPLAY_NAME_MAX || !g_utf8_validate (s, -1, NULL))
      return invalid (error, "The display name must be 1 to %d bytes of UTF-8.", DISPLAY_NAME_MAX);
    for (const char *p = s; *p; p++) {
      if ((guchar) *p < 0x20)
        return invalid (error, "The display name may not hold control characters.");
    }
    g_free (def->display_name);
    def->display_name = g_strdup (s);
  } else if (g_str_equal (key, "color")) {
    if (!check_type (key, value, G_VARIANT_TYPE_STRING, error))
      return FALSE;
    if (!color_is_valid (g_variant_get_string (value, NULL)))
      return invalid (error, "The colour must be written #rrggbb, such as #3584e4.");
    g_free (def->color);
    def->color = g_variant_dup_string (value, NULL);
  } else if (g_str_equal (key, "autostart")) {
    if (!check_type (key, value, G_VARIANT_TYPE_BOOLEAN, error))
      return FALSE;
    def->autostart = g_variant_get_boolean (value);
  } else if (g_str_equal (key, "memory-max")) {
    if (!check_type (key, value, G_VARIANT_TYPE_UINT64, error))
      return FALSE;
    def->memory_max = g_variant_get_uint64 (value);
    if (def->memory_max != 0 && def->memory_max < 4 * 1024 * 1024)
      return invalid (error, "The memory limit must be 0 (none) or at least 4 MiB.");
  } else if (g_str_equal (key, "pids-max")) {
    if (!check_type (key, value, G_VARIANT_TYPE_UINT64, error))
      return FALSE;
    def->pids_max = g_variant_get_uint64 (value);
    if (def->pids_max > G_MAXINT32)
      return invalid (error, "The task limit is too large.");
  } else if (g_str_equal (key, "cpu-weight")) {
    if (!check_type (key, value, G_VARIANT_TYPE_UINT32, error))
      return FALSE;
    def->cpu_weight = g_variant_get_uint32 (value);
    if (def->cpu_weight < 1 || def->cpu_weight > 10000)
      return invalid (error, "The CPU weight must be from 1 to 10000.");
  } else if (g_str_equal (key, "devices")) {
    GVariantIter iter;
    const char *klass, *access;

    if (!check_type (key, value, G_VARIANT_TYPE ("a{ss}"), error))
      return FALSE;
    g_variant_iter_init (&iter, value);
    while (g_variant_iter_next (&iter, "{&s&s}", &klass, &access)) {
      CellsDeviceClass c;
      CellsAccess a;

      if (!cells_access_check (klass, access, &c, &a, error))
        return FALSE;
      def->devices[c] = a;
    }
  } else if (g_str_equal (key, "seat-dialect")) {
    const char *d;

    if (!check_type (key, value, G_VARIANT_TYPE_STRING, error))
      return FALSE;
    d = g_variant_get_string (value, NULL);
    if (!g_str_equal (d, "0.7") && !g_str_equal (d, "0.9"))
      return invalid (error, "The seat dialect must be 0.7 (libseat 0.7 and 0.8) or 0.9 "
                      "(libseat 0.9 and later).");
    g_free (def->seat_dialect);
    def->seat_dialect = g_strdup (d);
  } else if (g_str_equal (key, "phone-line")) {
    if (!check_type (key, value, G_VARIANT_TYPE_STRING, error))
      return FALSE;
    if (!g_strv_contains (phone_lines, g_variant_get_string (value, NULL)))
      return invalid (error, "The phone line must be “sim” (the phone's own modem and SIM), "
                      "“sip” (a SIP account) or empty (none).");
    g_free (def->phone_line);
    def->phone_line = g_variant_dup_string (value, NULL);
  } else if (g_str_equal (key, "phone-number")) {
    if (!check_type (key, value, G_VARIANT_TYPE_STRING, error))
      return FALSE;
    if (!cells_phone_number_is_valid (g_variant_get_string (value, NULL)))
      return invalid (error, "The phone number must be written as digits with an optional "
                      "leading +, such as +4915112345678.");
    g_free (def->phone_number);
    def->phone_number = g_variant_dup_string (value, NULL);
  } else if (g_str_equal (key, "sip-registrar")) {
    if (!check_type (key, value, G_VARIANT_TYPE_STRING, error))
      return FALSE;
    if (!word_is (g_variant_get_string (value, NULL), HOST_CHARS, 255))
      return invalid (error, "The SIP registrar must be a host name or address with an optional "
                      ":port, such as sip.example.org or 192.0.2.1:5060.");
    g_free (def->sip_registrar);
    def->sip_registrar = g_variant_dup_string (value, NULL);
  } else if (g_str_equal (key, "sip-user")) {
    if (!check_type (key, value, G_VARIANT_TYPE_STRING, error))
      return FALSE;
    if (!word_is (g_variant_get_string (value, NULL), USER_CHARS, 64))
      return invalid (error, "The SIP user must be 1 to 64 letters, digits or + . _ -.");
    g_free (def->sip_user);
    def->sip_user = g_variant_dup_string (value, NULL);
  } else if (g_str_equal (key, "sip-password")) {
    const char *p;

    if (!check_type (key, value, G_VARIANT_TYPE_STRING, error))
      return FALSE;
    p = g_variant_get_string (value, NULL);
    if (strlen (p) > 256 || strpbrk (p, "\n\r") != NULL || !g_utf8_validate (p, -1, NULL))
      return invalid (error, "The SIP password must be one line of at most 256 bytes.");
    g_free (def->sip_password);
    def->sip_password = g_strdup (p);
  } else if (g_str_equal (key, "stop-signal")) {
    if (!check_type (key, value, G_VARIANT_TYPE_STRING, error))
      return FALSE;
    if (!g_strv_contains (stop_signals, g_variant_get_string (value, NULL))) {
      g_autofree char *list = g_strjoinv (", ", (char **) stop_signals);

      return invalid (error, "The stop signal must be one of %s.", list);
    }
    g_free (def->stop_signal);
    def->stop_signal = g_variant_dup_string (value, NULL);
  } else {
    return invalid (error, "Unknown option “%s”.", key);
  }
  return TRUE;
}

/**
 * cells_definition_apply:
 * @def: a definition
 * @options: an a{sv} of options (see CreateCell in the D-Bus API)
 * @creating: whether the cell is being created (only then is `image` allowed)
 * @error: return location for a %CELLS_ERROR_INVALID_ARGUMENT
 *
 * Applies @options to @def. On error @def is left as it was.
 */
gboolean
cells_definition_apply (CellsDefinition *def, GVariant *options,
                        gboolean creating, GError **error)
{
  g_autoptr(CellsDefinition) next = cells_definition_copy (def);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_val_if_fail (g_variant_is_of_type (options, G_VARIANT_TYPE_VARDICT), FALSE);

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autoptr(GVariant) owned = value;

    if (!apply_one (next, key, value, creating, error))
      return FALSE;
  }

  if (creating && *next->image == '\0')
    return invalid (error, "The option “image” is required: name the base image of the cell.");
  if (g_str_equal (next->phone_line, "sip") && (*next->sip_registrar == '\0' || *next->sip_user == '\0'))
    return invalid (error, "A SIP line needs its account: sip-registrar and sip-user "
                    "(and sip-password, when the registrar asks for one).");

  g_free (def->display_name);
  g_free (def->color);
  g_free (def->image);
  g_strfreev (def->init);
  g_free (def->stop_signal);
  g_free (def->seat_dialect);
  g_free (def->phone_line);
  g_free (def->phone_number);
  g_free (def->sip_registrar);
  g_free (def->sip_user);
  g_free (def->sip_password);
  g_free (next->name);
  next->name = def->name;
  *def = *next;
  g_free (next);
  next = NULL;
  return TRUE;
}

char *
cells_definition_to_data (const CellsDefinition *def)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  g_key_file_set_string (kf, GROUP, "DisplayName", def->display_name);
  g_key_file_set_string (kf, GROUP, "Color", def->color);
  g_key_file_set_string (kf, GROUP, "Image", def->image);
  g_key_file_set_string_list (kf, GROUP, "Init", (const char *const *) def->init,
                              g_strv_length (def->init));
  g_key_file_set_boolean (kf, GROUP, "Autostart", def->autostart);
  g_key_file_set_uint64 (kf, GROUP, "CreatedAt", def->created_at);
  g_key_file_set_uint64 (kf, GROUP, "MemoryMax", def->memory_max);
  g_key_file_set_uint64 (kf, GROUP, "PidsMax", def->pids_max);
  g_key_file_set_uint64 (kf, GROUP, "CpuWeight", def->cpu_weight);
  g_key_file_set_string (kf, GROUP, "StopSignal", def->stop_signal);
  g_key_file_set_string (kf, GROUP, "SeatDialect", def->seat_dialect);
  g_key_file_set_string (kf, GROUP, "PhoneLine", def->phone_line);
  g_key_file_set_string (kf, GROUP, "PhoneNumber", def->phone_number);
  g_key_file_set_string (kf, GROUP, "SipRegistrar", def->sip_registrar);
  g_key_file_set_string (kf, GROUP, "SipUser", def->sip_user);
  for (int i = 0; i < CELLS_N_DEVICE_CLASSES; i++)
    g_key_file_set_string (kf, DEVICES_GROUP, cells_device_class_to_string (i),
                           cells_access_to_string (def->devices[i]));
  g_key_file_set_uint64 (kf, GROUP, "UidBase", def->uid_base);
  g_key_file_set_uint64 (kf, GROUP, "GidBase", def->gid_base);
  return g_key_file_to_data (kf, NULL, NULL);
}

static gboolean
get_uint (GKeyFile *kf, const char *key, guint64 max, guint64 *out, GError **error)
{
  g_autoptr(GError) local = NULL;
  guint64 v = g_key_file_get_uint64 (kf, GROUP, key, &local);

  if (local != NULL) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  if (v > max) {
    g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                 "%s is out of range", key);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

static gboolean
load_phone (GKeyFile *kf, CellsDefinition *def, GError **error)
{
  g_autofree char *line = g_key_file_get_string (kf, GROUP, "PhoneLine", NULL);
  g_autofree char *number = g_key_file_get_string (kf, GROUP, "PhoneNumber", NULL);

  if (line != NULL && !g_strv_contains (phone_lines, line)) {
    g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                 "PhoneLine must be empty, sim or sip");
    return FALSE;
  }
  if (number != NULL && !cells_phone_number_is_valid (number)) {
    g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                 "PhoneNumber is not a phone number");
    return FALSE;
  }
  if (line != NULL) {
    g_free (def->phone_line);
    def->phone_line = g_steal_pointer (&line);
  }
  if (g_key_file_has_key (kf, GROUP, "SipRegistrar", NULL)) {
    g_free (def->sip_registrar);
    def->sip_registrar = g_key_file_get_string (kf, GROUP, "SipRegistrar", NULL);
  }
  if (g_key_file_has_key (kf, GROUP, "SipUser", NULL)) {
    g_free (def->sip_user);
    def->sip_user = g_key_file_get_string (kf, GROUP, "SipUser", NULL);
  }
  if (number != NULL) {
    g_free (def->phone_number);
    def->phone_number = g_steal_pointer (&number);
  }
  return TRUE;
}

CellsDefinition *
cells_definition_from_data (const char *name, const char *data, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(CellsDefinition) def = cells_definition_new (name);
  g_autofree char *image = NULL;
  g_auto(GStrv) init = NULL;
  guint64 weight, uid_base, gid_base;

  if (!g_key_file_load_from_data (kf, data, -1, G_KEY_FILE_NONE, error))
    return NULL;

  image = g_key_file_get_string (kf, GROUP, "Image", error);
  if (image == NULL || !cells_name_validate (image, "image", error))
    return NULL;
  init = g_key_file_get_string_list (kf, GROUP, "Init", NULL, error);
  if (init == NULL || !init_is_valid ((const char *const *) init, error))
    return NULL;

  g_free (def->image);
  def->image = g_steal_pointer (&image);
  g_strfreev (def->init);
  def->init = g_steal_pointer (&init);
  if (g_key_file_has_key (kf, GROUP, "DisplayName", NULL)) {
    g_free (def->display_name);
    def->display_name = g_key_file_get_string (kf, GROUP, "DisplayName", NULL);
  }
  if (g_key_file_has_key (kf, GROUP, "Color", NULL)) {
    g_free (def->color);
    def->color = g_key_file_get_string (kf, GROUP, "Color", NULL);
  }
  if (g_key_file_has_key (kf, GROUP, "StopSignal", NULL)) {
    g_autofree char *sig = g_key_file_get_string (kf, GROUP, "StopSignal", NULL);

    if (sig == NULL || !g_strv_contains (stop_signals, sig)) {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "StopSignal is not a signal cellsd knows");
      return NULL;
    }
    g_free (def->stop_signal);
    def->stop_signal = g_steal_pointer (&sig);
  }
  for (int i = 0; i < CELLS_N_DEVICE_CLASSES; i++) {
    const char *klass = cells_device_class_to_string (i);
    g_autofree char *access = g_key_file_get_string (kf, DEVICES_GROUP, klass, NULL);
    CellsDeviceClass c;

    /* Classes added after the cell was made get their default. */
    if (access != NULL && !cells_access_check (klass, access, &c, &def->devices[i], error))
      return NULL;
  }
  if (g_key_file_has_key (kf, GROUP, "SeatDialect", NULL)) {
    g_autofree char *d = g_key_file_get_string (kf, GROUP, "SeatDialect", NULL);

    if (g_strcmp0 (d, "0.7") != 0 && g_strcmp0 (d, "0.9") != 0) {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "SeatDialect must be 0.7 or 0.9");
      return NULL;
    }
    g_free (def->seat_dialect);
    def->seat_dialect = g_steal_pointer (&d);
  }
  if (!load_phone (kf, def, error))
    return NULL;
  def->autostart = g_key_file_get_boolean (kf, GROUP, "Autostart", NULL);
  def->created_at = g_key_file_get_uint64 (kf, GROUP, "CreatedAt", NULL);
  def->memory_max = g_key_file_get_uint64 (kf, GROUP, "MemoryMax", NULL);
  def->pids_max = g_key_file_get_uint64 (kf, GROUP, "PidsMax", NULL);
  if (!get_uint (kf, "CpuWeight", 10000, &weight, error) ||
      !get_uint (kf, "UidBase", G_MAXUINT32 - CELLS_IDS_PER_CELL, &uid_base, error) ||
      !get_uint (kf, "GidBase", G_MAXUINT32 - CELLS_IDS_PER_CELL, &gid_base, error))
    return NULL;
  def->cpu_weight = weight ? weight : CELLS_CPU_WEIGHT_DEFAULT;
  def->uid_base = uid_base;
  def->gid_base = gid_base;
  return g_steal_pointer (&def);
}

/**
 * cells_definition_devices:
 *
 * Returns: (transfer floating): the access rights as an a{ss}, class → right.
 */
GVariant *
cells_definition_devices (const CellsDefinition *def)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{ss}"));
  for (int i = 0; i < CELLS_N_DEVICE_CLASSES; i++)
    g_variant_builder_add (&b, "{ss}", cells_device_class_to_string (i),
                           cells_access_to_string (def->devices[i]));
  return g_variant_builder_end (&b);
}

gboolean
cells_definition_save (const CellsDefinition *def, const char *path, GError **error)
{
  g_autofree char *data = cells_definition_to_data (def);

  return cells_write_file_atomic (path, data, -1, 0600, error);
}

CellsDefinition *
cells_definition_load (const char *name, const char *path, GError **error)
{
  g_autofree char *data = NULL;

  if (!g_file_get_contents (path, &data, NULL, error))
    return NULL;
  return cells_definition_from_data (name, data, error);
}

/**
 * cells_definition_save_secret:
 * @cell_dir: the cell's directory
 *
 * Stores the SIP password that Configure set, if any, in a file of its
 * own that only root reads (never in cell.conf, never in a property), and
 * forgets it.
 */
gboolean
cells_definition_save_secret (CellsDefinition *def, const char *cell_dir, GError **error)
{
  g_autofree char *path = g_build_filename (cell_dir, SIP_SECRET, NULL);
  gboolean ok;

  if (def->sip_password == NULL)
    return TRUE;
  ok = cells_write_file_atomic (path, def->sip_password, -1, 0600, error);
  memset (def->sip_password, 0, strlen (def->sip_password));
  g_clear_pointer (&def->sip_password, g_free);
  return ok;
}

/**
 * cells_definition_load_secret:
 *
 * Returns: (nullable): the cell's SIP password, or %NULL when it has none
 */
char *
cells_definition_load_secret (const char *cell_dir)
{
  g_autofree char *path = g_build_filename (cell_dir, SIP_SECRET, NULL);
  char *secret = NULL;

  if (!g_file_get_contents (path, &secret, NULL, NULL))
    return NULL;
  return secret;
}
