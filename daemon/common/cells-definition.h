/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-devices.h"

#include <glib-object.h>

G_BEGIN_DECLS

#define CELLS_CPU_WEIGHT_DEFAULT 100
#define CELLS_IDS_PER_CELL 65536

/**
 * CellsDefinition:
 *
 * What a cell is, as stored in `STATE_DIR/cells/NAME/cell.conf`. Its
 * fields are described, once, by the table of options (CellsOption).
 */
typedef struct {
  char     *name;
  char     *display_name;
  char     *color;
  char     *image;
  char    **init;
  gboolean  autostart;
  guint64   created_at;
  guint64   memory_max;
  guint64   background_memory;
  guint64   pids_max;
  guint     cpu_weight;
  char     *stop_signal;
  char     *seat_dialect;
  char     *seat_open;      /* "foreground" or "at-once" */
  char     *seccomp;        /* "default" or "none" */
  char     *phone_line;     /* "" (none), "sim" or "sip" */
  char     *phone_number;   /* "" or +digits */
  char     *sip_registrar;  /* host[:port] */
  char     *sip_user;
  char     *sip_password;   /* only between Configure and cells_definition_save_secret */
  CellsAccess devices[CELLS_N_DEVICE_CLASSES];
  guint     uid_base;
  guint     gid_base;
} CellsDefinition;

/**
 * CellsOptionType:
 * @CELLS_OPTION_STRING: a string (D-Bus `s`)
 * @CELLS_OPTION_STRV: a list of strings (`as`)
 * @CELLS_OPTION_BOOLEAN: yes or no (`b`)
 * @CELLS_OPTION_UINT32: a number (`u`)
 * @CELLS_OPTION_UINT64: a number (`t`)
 * @CELLS_OPTION_DEVICES: access rights per device class (`a{ss}`)
 */
typedef enum {
  CELLS_OPTION_STRING,
  CELLS_OPTION_STRV,
  CELLS_OPTION_BOOLEAN,
  CELLS_OPTION_UINT32,
  CELLS_OPTION_UINT64,
  CELLS_OPTION_DEVICES,
} CellsOptionType;

/**
 * CellsOptionFlags:
 * @CELLS_OPTION_CREATE_ONLY: given when the cell is created, never changed
 * @CELLS_OPTION_INTERNAL: kept by cellsd, never set by a client
 * @CELLS_OPTION_SECRET: written, never read back: not in cell.conf, no property
 * @CELLS_OPTION_REQUIRED: a cell.conf without it is broken
 * @CELLS_OPTION_OWN_PROPERTY: the Cell sets its property itself (it is
 *   more than the stored value), or has none
 */
typedef enum {
  CELLS_OPTION_CREATE_ONLY  = 1 << 0,
  CELLS_OPTION_INTERNAL     = 1 << 1,
  CELLS_OPTION_SECRET       = 1 << 2,
  CELLS_OPTION_REQUIRED     = 1 << 3,
  CELLS_OPTION_OWN_PROPERTY = 1 << 4,
} CellsOptionFlags;

/**
 * CellsOption:
 * @key: the option's name in CreateCell and Configure, in `cellsctl set`,
 *   and the name of the Cell's GObject property (`display-name`)
 * @file_key: its key in cell.conf (`DisplayName`), or %NULL
 * @type: its type
 * @offset: its field in CellsDefinition
 * @flags: #CellsOptionFlags
 * @value_help: what `cellsctl` shows for its value (`TEXT`)
 * @help: what it is, for `cellsctl`'s usage and the manual
 *
 * One option of a cell. The table of them (cells_options()) is the one
 * place that lists a cell's settings: the definition is created, copied,
 * freed, applied, loaded, saved and exported as properties from it, and
 * `cellsctl` offers and documents them from it.
 */
typedef struct _CellsOption CellsOption;
struct _CellsOption {
  const char       *key;
  const char       *file_key;
  CellsOptionType   type;
  gsize             offset;
  CellsOptionFlags  flags;
  const char       *value_help;
  const char       *help;
  /*< private >*/
  union {
    const char         *string;
    const char *const  *strv;
    guint64             number;
  } fallback;
  gboolean        (*check) (const CellsOption *option, gconstpointer value, GError **error);
};

const CellsOption *cells_options              (guint                  *n_options);
const CellsOption *cells_option_lookup        (const char             *key);
const GVariantType *cells_option_variant_type (const CellsOption      *option);

gboolean         cells_phone_number_is_valid (const char           *number);
CellsDefinition *cells_definition_new        (const char             *name);
CellsDefinition *cells_definition_copy       (const CellsDefinition  *def);
void             cells_definition_free       (CellsDefinition        *def);
gboolean         cells_definition_apply      (CellsDefinition        *def,
                                              GVariant               *options,
                                              gboolean                creating,
                                              GError                **error);
void             cells_definition_get_value  (const CellsDefinition  *def,
                                              const CellsOption      *option,
                                              GValue                 *value);
char            *cells_definition_to_data    (const CellsDefinition  *def);
CellsDefinition *cells_definition_from_data  (const char             *name,
                                              const char             *data,
                                              GError                **error);
GVariant        *cells_definition_devices    (const CellsDefinition  *def);
gboolean         cells_definition_save       (const CellsDefinition  *def,
                                              const char             *path,
                                              GError                **error);
gboolean         cells_definition_save_secret (CellsDefinition       *def,
                                              const char             *cell_dir,
                                              GError                **error);
char            *cells_definition_load_secret (const char            *cell_dir);
CellsDefinition *cells_definition_load       (const char             *name,
                                              const char             *path,
                                              GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CellsDefinition, cells_definition_free)

G_END_DECLS
