/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-definition"

#include "cells-definition.h"
#include "cells-errors.h"
#include "cells-util.h"

#include <string.h>

/**
 * SECTION:cells-definition
 *
 * The definition of a cell, its key file and the table of its options.
 * Options from D-Bus are applied all or nothing: cells_definition_apply()
 * checks every option before it changes anything, and a key file is
 * checked with the same rules when it is loaded.
 */

#define GROUP "Cell"
#define DEVICES_GROUP "Devices"
#define INIT_MAX_ARGS 256
#define DISPLAY_NAME_MAX 128
#define PHONE_DIGITS_MAX 20

#define SIP_SECRET "sip.secret"

#define HOST_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:"
#define USER_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+._-"

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

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

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

/* Checks, one per option that has rules. A string option's value is the
 * string, a list's the strv, a number's a guint64 *. */

static gboolean
word_is (const char *s, const char *allowed, gsize max)
{
  gsize n = strlen (s);

  return n >= 1 && n <= max && strspn (s, allowed) == n;
}

static gboolean
check_image (const CellsOption *o, gconstpointer value, GError **error)
{
  return cells_name_validate (value, "image", error);
}

static gboolean
check_init (const CellsOption *o, gconstpointer value, GError **error)
{
  const char *const *argv = value;
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
check_display_name (const CellsOption *o, gconstpointer value, GError **error)
{
  const char *s = value;

  if (*s == '\0' || strlen (s) > DISPLAY_NAME_MAX || !g_utf8_validate (s, -1, NULL))
    return invalid (error, "The display name must be 1 to %d bytes of UTF-8.", DISPLAY_NAME_MAX);
  for (const char *p = s; *p; p++) {
    if ((guchar) *p < 0x20)
      return invalid (error, "The display name may not hold control characters.");
  }
  return TRUE;
}

static gboolean
check_color (const CellsOption *o, gconstpointer value, GError **error)
{
  const char *color = value;
  gboolean ok = strlen (color) == 7 && color[0] == '#';

  for (int i = 1; ok && i < 7; i++)
    ok = g_ascii_isxdigit (color[i]);
  if (*color != '\0' && !ok)
    return invalid (error, "The colour must be written #rrggbb, such as #3584e4.");
  return TRUE;
}

static gboolean
check_memory_max (const CellsOption *o, gconstpointer value, GError **error)
{
  guint64 n = *(const guint64 *) value;

  if (n != 0 && n < 4 * 1024 * 1024)
    return invalid (error, "The memory limit must be 0 (none) or at least 4 MiB.");
  return TRUE;
}

static gboolean
check_background_memory (const CellsOption *o, gconstpointer value, GError **error)
{
  guint64 n = *(const guint64 *) value;

  if (n != 0 && n < 4 * 1024 * 1024)
    return invalid (error, "The memory of a cell in the background must be 0 (no ceiling) or "
                           "at least 4 MiB.");
  return TRUE;
}

static gboolean
check_pids_max (const CellsOption *o, gconstpointer value, GError **error)
{
  if (*(const guint64 *) value > G_MAXINT32)
    return invalid (error, "The task limit is too large.");
  return TRUE;
}

static gboolean
check_cpu_weight (const CellsOption *o, gconstpointer value, GError **error)
{
  guint64 n = *(const guint64 *) value;

  if (n < 1 || n > 10000)
    return invalid (error, "The CPU weight must be from 1 to 10000.");
  return TRUE;
}

static gboolean
check_id_base (const CellsOption *o, gconstpointer value, GError **error)
{
  if (*(const guint64 *) value > G_MAXUINT32 - CELLS_IDS_PER_CELL)
    return invalid (error, "%s is out of range.", o->file_key);
  return TRUE;
}

static gboolean
check_stop_signal (const CellsOption *o, gconstpointer value, GError **error)
{
  g_autofree char *list = NULL;

  if (g_strv_contains (stop_signals, value))
    return TRUE;
  list = g_strjoinv (", ", (char **) stop_signals);
  return invalid (error, "The stop signal must be one of %s.", list);
}

static gboolean
check_seat_dialect (const CellsOption *o, gconstpointer value, GError **error)
{
  if (g_str_equal (value, "0.7") || g_str_equal (value, "0.9"))
    return TRUE;
  return invalid (error, "The seat dialect must be 0.7 (libseat 0.7 and 0.8) or 0.9 "
                  "(libseat 0.9 and later).");
}

static gboolean
check_seat_open (const CellsOption *o, gconstpointer value, GError **error)
{
  if (g_str_equal (value, "foreground") || g_str_equal (value, "at-once"))
    return TRUE;
  return invalid (error, "The seat must open in the foreground (foreground) or at once "
                  "(at-once).");
}

static gboolean
check_seccomp (const CellsOption *o, gconstpointer value, GError **error)
{
  if (g_str_equal (value, "default") || g_str_equal (value, "none"))
    return TRUE;
  return invalid (error, "The seccomp policy must be “default” (what a phone cell needs) or "
                  "“none” (for images that need more, such as nested containers).");
}

static gboolean
check_phone_line (const CellsOption *o, gconstpointer value, GError **error)
{
  if (g_strv_contains (phone_lines, value))
    return TRUE;
  return invalid (error, "The phone line must be “sim” (the phone's own modem and SIM), "
                  "“sip” (a SIP account) or empty (none).");
}

static gboolean
check_phone_number (const CellsOption *o, gconstpointer value, GError **error)
{
  if (cells_phone_number_is_valid (value))
    return TRUE;
  return invalid (error, "The phone number must be written as digits with an optional "
                  "leading +, such as +4915112345678.");
}

static gboolean
check_sip_registrar (const CellsOption *o, gconstpointer value, GError **error)
{
  if (word_is (value, HOST_CHARS, 255))
    return TRUE;
  return invalid (error, "The SIP registrar must be a host name or address with an optional "
                  ":port, such as sip.example.org or 192.0.2.1:5060.");
}

static gboolean
check_sip_user (const CellsOption *o, gconstpointer value, GError **error)
{
  if (word_is (value, USER_CHARS, 64))
    return TRUE;
  return invalid (error, "The SIP user must be 1 to 64 letters, digits or + . _ -.");
}

static gboolean
check_sip_password (const CellsOption *o, gconstpointer value, GError **error)
{
  const char *p = value;

  if (strlen (p) > 256 || strpbrk (p, "\n\r") != NULL || !g_utf8_validate (p, -1, NULL))
    return invalid (error, "The SIP password must be one line of at most 256 bytes.");
  return TRUE;
}

#define FIELD(f) G_STRUCT_OFFSET (CellsDefinition, f)

/* The one list of a cell's settings; see CellsOption. */
static const CellsOption options[] = {
  { "image",
    "Image",
    CELLS_OPTION_STRING,
    FIELD (image),
    CELLS_OPTION_CREATE_ONLY | CELLS_OPTION_REQUIRED,
    "IMAGE",
    "the base image, given when the cell is created",
    { .string = "" },
    check_image },
  { "init",
    "Init",
    CELLS_OPTION_STRV,
    FIELD (init),
    CELLS_OPTION_REQUIRED,
    "CMD",
    "the cell's init command, inside it (default /sbin/init)",
    { .strv = default_init },
    check_init },
  { "display-name",
    "DisplayName",
    CELLS_OPTION_STRING,
    FIELD (display_name),
    0,
    "TEXT",
    "the name people see (default the cell's name)",
    { .string = NULL },
    check_display_name },
  { "color",
    "Color",
    CELLS_OPTION_STRING,
    FIELD (color),
    0,
    "#RRGGBB",
    "the cell's colour, or empty",
    { .string = "" },
    check_color },
  { "autostart",
    "Autostart",
    CELLS_OPTION_BOOLEAN,
    FIELD (autostart),
    0,
    "yes|no",
    "whether cellsd starts the cell when it starts",
    { .number = FALSE },
    NULL },
  { "memory-max",
    "MemoryMax",
    CELLS_OPTION_UINT64,
    FIELD (memory_max),
    0,
    "BYTES",
    "memory limit, 0 for none (at least 4 MiB)",
    { .number = 0 },
    check_memory_max },
  { "background-memory",
    "BackgroundMemory",
    CELLS_OPTION_UINT64,
    FIELD (background_memory),
    0,
    "BYTES",
    "memory above which a cell in the background is reclaimed first, 0 for no ceiling "
    "(at least 4 MiB)",
    { .number = 0 },
    check_background_memory },
  { "pids-max",
    "PidsMax",
    CELLS_OPTION_UINT64,
    FIELD (pids_max),
    0,
    "N",
    "limit of tasks, 0 for none",
    { .number = 0 },
    check_pids_max },
  { "cpu-weight",
    "CpuWeight",
    CELLS_OPTION_UINT32,
    FIELD (cpu_weight),
    0,
    "N",
    "share of the CPU, 1 to 10000 (default 100)",
    { .number = CELLS_CPU_WEIGHT_DEFAULT },
    check_cpu_weight },
  { "stop-signal",
    "StopSignal",
    CELLS_OPTION_STRING,
    FIELD (stop_signal),
    0,
    "SIGNAL",
    "how init is asked to end: SIGTERM, SIGUSR2 (busybox), SIGRTMIN+3 (systemd)…",
    { .string = "SIGTERM" },
    check_stop_signal },
  { "devices",
    NULL,
    CELLS_OPTION_DEVICES,
    FIELD (devices),
    0,
    "CLASS=none|shared|exclusive",
    "the cell's right to a class of devices",
    { .number = 0 },
    NULL },
  { "seat-dialect",
    "SeatDialect",
    CELLS_OPTION_STRING,
    FIELD (seat_dialect),
    0,
    "0.7|0.9",
    "the cell's libseat: 0.7 (libseat 0.7, 0.8) or 0.9",
    { .string = "0.7" },
    check_seat_dialect },
  { "seat-open",
    "SeatOpen",
    CELLS_OPTION_STRING,
    FIELD (seat_open),
    0,
    "foreground|at-once",
    "when the cell's seat answers a client that opens it: once the cell is in the "
    "foreground (a compositor started in the background waits), or at once, as seatd does",
    { .string = "foreground" },
    check_seat_open },
  { "seccomp",
    "Seccomp",
    CELLS_OPTION_STRING,
    FIELD (seccomp),
    0,
    "default|none",
    "the system calls the cell is denied: default, or none",
    { .string = "default" },
    check_seccomp },
  { "phone-line",
    "PhoneLine",
    CELLS_OPTION_STRING,
    FIELD (phone_line),
    0,
    "sim|sip|",
    "the cell's phone line: the SIM, a SIP account, or none",
    { .string = "" },
    check_phone_line },
  { "phone-number",
    "PhoneNumber",
    CELLS_OPTION_STRING,
    FIELD (phone_number),
    CELLS_OPTION_OWN_PROPERTY,
    "NUMBER",
    "the cell's own number (+ and digits), shown before its line's",
    { .string = "" },
    check_phone_number },
  { "sip-registrar",
    "SipRegistrar",
    CELLS_OPTION_STRING,
    FIELD (sip_registrar),
    0,
    "HOST[:PORT]",
    "the SIP line's registrar, also its outbound proxy",
    { .string = "" },
    check_sip_registrar },
  { "sip-user",
    "SipUser",
    CELLS_OPTION_STRING,
    FIELD (sip_user),
    0,
    "USER",
    "the SIP line's account",
    { .string = "" },
    check_sip_user },
  { "sip-password",
    NULL,
    CELLS_OPTION_STRING,
    FIELD (sip_password),
    CELLS_OPTION_SECRET,
    "PASSWORD",
    "its password (kept root-only, never shown)",
    { .string = NULL },
    check_sip_password },
  { "created-at",
    "CreatedAt",
    CELLS_OPTION_UINT64,
    FIELD (created_at),
    CELLS_OPTION_INTERNAL,
    NULL,
    "when the cell was created (Unix seconds)",
    { .number = 0 },
    NULL },
  { "uid-base",
    "UidBase",
    CELLS_OPTION_UINT32,
    FIELD (uid_base),
    CELLS_OPTION_INTERNAL | CELLS_OPTION_REQUIRED,
    NULL,
    "the first host uid of the cell's range",
    { .number = 0 },
    check_id_base },
  { "gid-base",
    "GidBase",
    CELLS_OPTION_UINT32,
    FIELD (gid_base),
    CELLS_OPTION_INTERNAL | CELLS_OPTION_REQUIRED | CELLS_OPTION_OWN_PROPERTY,
    NULL,
    "the first host gid of the cell's range",
    { .number = 0 },
    check_id_base },
};

/**
 * cells_options:
 * @n_options: (out): how many there are
 *
 * Returns: the table of a cell's options, in the order people see them
 */
const CellsOption *
cells_options (guint *n_options)
{
  *n_options = G_N_ELEMENTS (options);
  return options;
}

/**
 * cells_option_lookup:
 *
 * Returns: (nullable): the option named @key
 */
const CellsOption *
cells_option_lookup (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (options); i++) {
    if (g_str_equal (options[i].key, key))
      return &options[i];
  }
  return NULL;
}

const GVariantType *
cells_option_variant_type (const CellsOption *option)
{
  switch (option->type) {
  case CELLS_OPTION_STRING:
    return G_VARIANT_TYPE_STRING;
  case CELLS_OPTION_STRV:
    return G_VARIANT_TYPE_STRING_ARRAY;
  case CELLS_OPTION_BOOLEAN:
    return G_VARIANT_TYPE_BOOLEAN;
  case CELLS_OPTION_UINT32:
    return G_VARIANT_TYPE_UINT32;
  case CELLS_OPTION_UINT64:
    return G_VARIANT_TYPE_UINT64;
  case CELLS_OPTION_DEVICES:
  default:
    return G_VARIANT_TYPE ("a{ss}");
  }
}

/* Fields */

#define AT(def, o, type) ((type *) ((guint8 *) (def) + (o)->offset))

static void
set_number (CellsDefinition *def, const CellsOption *o, guint64 n)
{
  if (o->type == CELLS_OPTION_BOOLEAN)
    *AT (def, o, gboolean) = n != 0;
  else if (o->type == CELLS_OPTION_UINT32)
    *AT (def, o, guint) = n;
  else
    *AT (def, o, guint64) = n;
}

static guint64
get_number (const CellsDefinition *def, const CellsOption *o)
{
  if (o->type == CELLS_OPTION_BOOLEAN)
    return *AT (def, o, gboolean);
  if (o->type == CELLS_OPTION_UINT32)
    return *AT (def, o, guint);
  return *AT (def, o, guint64);
}

static void
set_string (CellsDefinition *def, const CellsOption *o, const char *s)
{
  char **field = AT (def, o, char *);

  if (*field != NULL && (o->flags & CELLS_OPTION_SECRET))
    memset (*field, 0, strlen (*field));
  g_free (*field);
  *field = g_strdup (s);
}

static void
set_strv (CellsDefinition *def, const CellsOption *o, const char *const *strv)
{
  char ***field = AT (def, o, char **);

  g_strfreev (*field);
  *field = g_strdupv ((char **) strv);
}

/* A string option may always go back to its default (an empty SIP user
 * on a cell without a SIP line). */
static gboolean
check (const CellsOption *o, gconstpointer value, GError **error)
{
  if (o->type == CELLS_OPTION_STRING && !(o->flags & CELLS_OPTION_REQUIRED) &&
      o->fallback.string != NULL && g_str_equal (value, o->fallback.string))
    return TRUE;
  return o->check == NULL || o->check (o, value, error);
}

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

CellsDefinition *
cells_definition_new (const char *name)
{
  CellsDefinition *def = g_new0 (CellsDefinition, 1);

  def->name = g_strdup (name);
  for (guint i = 0; i < G_N_ELEMENTS (options); i++) {
    const CellsOption *o = &options[i];

    if (o->type == CELLS_OPTION_STRING)
      set_string (def, o, o->fallback.string);
    else if (o->type == CELLS_OPTION_STRV)
      set_strv (def, o, o->fallback.strv);
    else if (o->type != CELLS_OPTION_DEVICES)
      set_number (def, o, o->fallback.number);
  }
  set_string (def, cells_option_lookup ("display-name"), name);
  for (int i = 0; i < CELLS_N_DEVICE_CLASSES; i++)
    def->devices[i] = cells_access_default (i);
  return def;
}

CellsDefinition *
cells_definition_copy (const CellsDefinition *def)
{
  CellsDefinition *copy = g_memdup2 (def, sizeof *def);

  copy->name = g_strdup (def->name);
  for (guint i = 0; i < G_N_ELEMENTS (options); i++) {
    const CellsOption *o = &options[i];

    if (o->type == CELLS_OPTION_STRING)
      *AT (copy, o, char *) = g_strdup (*AT (def, o, char *));
    else if (o->type == CELLS_OPTION_STRV)
      *AT (copy, o, char **) = g_strdupv (*AT (def, o, char **));
  }
  return copy;
}

/* The fields that are allocated, freed; a secret wiped first. */
static void
clear_fields (CellsDefinition *def)
{
  for (guint i = 0; i < G_N_ELEMENTS (options); i++) {
    const CellsOption *o = &options[i];

    if (o->type == CELLS_OPTION_STRING)
      set_string (def, o, NULL);
    else if (o->type == CELLS_OPTION_STRV)
      set_strv (def, o, NULL);
  }
}

void
cells_definition_free (CellsDefinition *def)
{
  if (def == NULL)
    return;
  clear_fields (def);
  g_free (def->name);
  g_free (def);
}

/* Applying D-Bus options */

static gboolean
apply_devices (CellsDefinition *def, GVariant *value, GError **error)
{
  GVariantIter iter;
  const char *klass, *access;

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "{&s&s}", &klass, &access)) {
    CellsDeviceClass c;
    CellsAccess a;

    if (!cells_access_check (klass, access, &c, &a, error))
      return FALSE;
    def->devices[c] = a;
  }
  return TRUE;
}

static gboolean
apply_one (CellsDefinition *def, const char *key, GVariant *value, gboolean creating,
           GError **error)
{
  const CellsOption *o = cells_option_lookup (key);
  const GVariantType *type;

  if (o == NULL || (o->flags & CELLS_OPTION_INTERNAL))
    return invalid (error, "Unknown option “%s”.", key);
  if ((o->flags & CELLS_OPTION_CREATE_ONLY) && !creating)
    return invalid (error, "The %s of a cell cannot be changed; create a new cell instead.", key);
  type = cells_option_variant_type (o);
  if (!g_variant_is_of_type (value, type))
    return invalid (error, "The option “%s” must be of type %s, not %s.", key,
                    g_variant_type_peek_string (type), g_variant_get_type_string (value));
  switch (o->type) {
  case CELLS_OPTION_STRING: {
    const char *s = g_variant_get_string (value, NULL);

    if (!check (o, s, error))
      return FALSE;
    set_string (def, o, s);
    return TRUE;
  }
  case CELLS_OPTION_STRV: {
    g_autofree const char **strv = g_variant_get_strv (value, NULL);

    if (!check (o, strv, error))
      return FALSE;
    set_strv (def, o, strv);
    return TRUE;
  }
  case CELLS_OPTION_DEVICES:
    return apply_devices (def, value, error);
  default: {
    guint64 n = o->type == CELLS_OPTION_BOOLEAN ? (guint64) g_variant_get_boolean (value) :
                o->type == CELLS_OPTION_UINT32 ? g_variant_get_uint32 (value) :
                g_variant_get_uint64 (value);

    if (!check (o, &n, error))
      return FALSE;
    set_number (def, o, n);
    return TRUE;
  }
  }
}

/* What one option alone cannot tell. */
static gboolean
check_whole (const CellsDefinition *def, gboolean creating, GError **error)
{
  if (creating && *def->image == '\0')
    return invalid (error, "The option “image” is required: name the base image of the cell.");
  if (g_str_equal (def->phone_line, "sip") &&
      (*def->sip_registrar == '\0' || *def->sip_user == '\0'))
    return invalid (error, "A SIP line needs its account: sip-registrar and sip-user "
                    "(and sip-password, when the registrar asks for one).");
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
cells_definition_apply (CellsDefinition *def, GVariant *options_v, gboolean creating,
                        GError **error)
{
  g_autoptr(CellsDefinition) next = cells_definition_copy (def);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_val_if_fail (g_variant_is_of_type (options_v, G_VARIANT_TYPE_VARDICT), FALSE);

  g_variant_iter_init (&iter, options_v);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autoptr(GVariant) owned = value;

    if (!apply_one (next, key, value, creating, error))
      return FALSE;
  }
  if (!check_whole (next, creating, error))
    return FALSE;

  /* @def takes @next's fields, @next @def's old ones (freed with it). */
  {
    CellsDefinition old = *def;

    *def = *next;
    def->name = old.name;
    old.name = next->name;
    *next = old;
  }
  return TRUE;
}

/**
 * cells_definition_get_value:
 * @value: (out caller-allocates): an unset GValue
 *
 * The option's value as the Cell's GObject property of the same name
 * holds it.
 */
void
cells_definition_get_value (const CellsDefinition *def, const CellsOption *o, GValue *value)
{
  switch (o->type) {
  case CELLS_OPTION_STRING:
    g_value_init (value, G_TYPE_STRING);
    g_value_set_string (value, *AT (def, o, char *));
    break;
  case CELLS_OPTION_STRV:
    g_value_init (value, G_TYPE_STRV);
    g_value_set_boxed (value, *AT (def, o, char **));
    break;
  case CELLS_OPTION_BOOLEAN:
    g_value_init (value, G_TYPE_BOOLEAN);
    g_value_set_boolean (value, get_number (def, o));
    break;
  case CELLS_OPTION_UINT32:
    g_value_init (value, G_TYPE_UINT);
    g_value_set_uint (value, get_number (def, o));
    break;
  case CELLS_OPTION_UINT64:
    g_value_init (value, G_TYPE_UINT64);
    g_value_set_uint64 (value, get_number (def, o));
    break;
  case CELLS_OPTION_DEVICES:
  default:
    g_value_init (value, G_TYPE_VARIANT);
    g_value_set_variant (value, cells_definition_devices (def));
    break;
  }
}

/* The key file */

static gboolean
stored (const CellsOption *o)
{
  return o->file_key != NULL && !(o->flags & CELLS_OPTION_SECRET);
}

char *
cells_definition_to_data (const CellsDefinition *def)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  for (guint i = 0; i < G_N_ELEMENTS (options); i++) {
    const CellsOption *o = &options[i];
    char **strv;

    if (!stored (o))
      continue;
    switch (o->type) {
    case CELLS_OPTION_STRING:
      g_key_file_set_string (kf, GROUP, o->file_key, *AT (def, o, char *));
      break;
    case CELLS_OPTION_STRV:
      strv = *AT (def, o, char **);
      g_key_file_set_string_list (kf, GROUP, o->file_key, (const char *const *) strv,
                                  g_strv_length (strv));
      break;
    case CELLS_OPTION_BOOLEAN:
      g_key_file_set_boolean (kf, GROUP, o->file_key, get_number (def, o));
      break;
    default:
      g_key_file_set_uint64 (kf, GROUP, o->file_key, get_number (def, o));
      break;
    }
  }
  for (int i = 0; i < CELLS_N_DEVICE_CLASSES; i++)
    g_key_file_set_string (kf, DEVICES_GROUP, cells_device_class_to_string (i),
                           cells_access_to_string (def->devices[i]));
  return g_key_file_to_data (kf, NULL, NULL);
}

static gboolean
load_number (GKeyFile *kf, CellsDefinition *def, const CellsOption *o, GError **error)
{
  g_autofree char *text = g_key_file_get_value (kf, GROUP, o->file_key, NULL);
  guint64 n = 0;

  if (o->type == CELLS_OPTION_BOOLEAN) {
    g_autoptr(GError) local = NULL;

    n = g_key_file_get_boolean (kf, GROUP, o->file_key, &local);
    if (local != NULL)
      return invalid (error, "%s is not true or false.", o->file_key);
  } else if (!g_ascii_string_to_unsigned (
                 text, 10, 0, o->type == CELLS_OPTION_UINT32 ? G_MAXUINT32 : G_MAXUINT64, &n,
                 NULL)) {
    return invalid (error, "%s is not a number.", o->file_key);
  }
  if (!check (o, &n, error))
    return FALSE;
  set_number (def, o, n);
  return TRUE;
}

static gboolean
load_option (GKeyFile *kf, CellsDefinition *def, const CellsOption *o, GError **error)
{
  if (!g_key_file_has_key (kf, GROUP, o->file_key, NULL)) {
    if (o->flags & CELLS_OPTION_REQUIRED)
      return invalid (error, "%s is missing.", o->file_key);
    return TRUE;
  }
  if (o->type == CELLS_OPTION_STRING) {
    g_autofree char *s = g_key_file_get_string (kf, GROUP, o->file_key, NULL);

    if (s == NULL)
      return invalid (error, "%s is not text.", o->file_key);
    if (!check (o, s, error))
      return FALSE;
    set_string (def, o, s);
  } else if (o->type == CELLS_OPTION_STRV) {
    g_auto(GStrv) strv = g_key_file_get_string_list (kf, GROUP, o->file_key, NULL, NULL);

    if (strv == NULL)
      return invalid (error, "%s is not a list.", o->file_key);
    if (!check (o, strv, error))
      return FALSE;
    set_strv (def, o, (const char *const *) strv);
  } else {
    return load_number (kf, def, o, error);
  }
  return TRUE;
}

static gboolean
load_devices (GKeyFile *kf, CellsDefinition *def, GError **error)
{
  for (int i = 0; i < CELLS_N_DEVICE_CLASSES; i++) {
    const char *klass = cells_device_class_to_string (i);
    g_autofree char *access = g_key_file_get_string (kf, DEVICES_GROUP, klass, NULL);
    CellsDeviceClass c;

    /* Classes added after the cell was made get their default. */
    if (access != NULL && !cells_access_check (klass, access, &c, &def->devices[i], error))
      return FALSE;
  }
  return TRUE;
}

CellsDefinition *
cells_definition_from_data (const char *name, const char *data, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(CellsDefinition) def = cells_definition_new (name);

  if (!g_key_file_load_from_data (kf, data, -1, G_KEY_FILE_NONE, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (options); i++) {
    if (stored (&options[i]) && !load_option (kf, def, &options[i], error))
      return NULL;
  }
  if (!load_devices (kf, def, error))
    return NULL;
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
  set_string (def, cells_option_lookup ("sip-password"), NULL);
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
