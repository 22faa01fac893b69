/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-telephony"

#include "cells-telephony.h"
#include "cells-calls.h"
#include "cells-line.h"
#include "cells-lxc.h"
#include "cells-sim.h"
#include "cells-sip.h"

#include <libmm-glib.h>

#include <string.h>

/**
 * CellsTelephony:
 *
 * Phone lines of the cells, and the router between them. Every running
 * cell with a phone line and the `modem` right gets a CellsLine: its
 * virtual ModemManager (started inside the cell) and the bridge to it,
 * over a line backend. The SIM line is the phone's own modem (CellsSim,
 * one for the phone, shared by whichever cell has the SIM line); a SIP
 * line a SIP account that cellsd registers while the cell runs
 * (CellsSip, one per cell). Calls and messages of a backend go to the
 * cell whose line it carries; a SIM call that arrives while no cell has
 * the SIM line rings nowhere. A call for a cell that is not in the
 * foreground is announced ("incoming-call") so that the switcher can
 * offer it.
 *
 * The router owns the table of calls (CellsCalls); each Cell owns its
 * properties and is told its line's number, state and calls.
 *
 * A cell that stops, loses its line or its virtual modem has its calls
 * hung up.
 */

#define ANNOUNCE_WAIT_MS 1000

struct _CellsTelephony {
  GObject          parent;

  char            *vmodem_path;
  char            *pipewire_dir;
  gboolean         verbose;
  CellsClaims     *claims;
  CellsSim        *sim;
  GHashTable      *cells;      /* name → CellsCell, every cell with a phone line */
  GHashTable      *lines;      /* name → CellsLine, cells that have a virtual modem now */
  CellsCalls      *calls;
  GHashTable      *announces;  /* call id → Announce */
  GHashTable      *unanswered; /* ids of incoming calls not (yet) answered */
};

typedef struct {
  CellsTelephony *tel;
  char           *cell;
  guint           timeout_id;
} Announce;

G_DEFINE_TYPE (CellsTelephony, cells_telephony, G_TYPE_OBJECT)

enum {
  INCOMING_CALL,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void on_backend_changed (CellsLineBackend *backend, CellsTelephony *self);
static void on_backend_call_changed (CellsLineBackend *backend, guint id, GVariant *props,
                                     CellsTelephony *self);
static gboolean on_backend_message (CellsLineBackend *backend, const char *id, const char *number,
                                    const char *text, const char *timestamp, CellsTelephony *self);

static gboolean
wants_modem (CellsCell *cell)
{
  return cells_lxc_wants_modem (cells_cell_get_definition (cell));
}

/* Backends: the one SIM, and a SIP account per cell. */

static void
connect_backend (CellsTelephony *self, gpointer backend)
{
  g_signal_connect (backend, "changed", G_CALLBACK (on_backend_changed), self);
  g_signal_connect (backend, "call-changed", G_CALLBACK (on_backend_call_changed), self);
  g_signal_connect (backend, "message-received", G_CALLBACK (on_backend_message), self);
}

/* What a line is made from: a new password makes a new line too. */
static char *
account_key (CellsCell *cell)
{
  const CellsDefinition *def = cells_cell_get_definition (cell);
  g_autofree char *secret = NULL;
  g_autofree char *sum = NULL;

  if (!g_str_equal (def->phone_line, "sip"))
    return g_strdup (def->phone_line);
  secret = cells_definition_load_secret (cells_cell_get_directory (cell));
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret ? secret : "", -1);
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  return g_strdup_printf ("sip|%s|%s|%s", def->sip_registrar, def->sip_user, sum);
}

static CellsLineBackend *
open_backend (CellsTelephony *self, CellsCell *cell)
{
  const CellsDefinition *def = cells_cell_get_definition (cell);
  g_autofree char *password = NULL;
  CellsSip *sip;

  if (g_str_equal (def->phone_line, "sim"))
    return g_object_ref (CELLS_LINE_BACKEND (self->sim));
  password = cells_definition_load_secret (cells_cell_get_directory (cell));
  sip = cells_sip_new (def->name, def->sip_registrar, def->sip_user, password, self->claims,
                       self->pipewire_dir);
  if (password != NULL)
    memset (password, 0, strlen (password));
  connect_backend (self, sip);
  return CELLS_LINE_BACKEND (sip);
}

/* A cell's own backend ends with its line; the SIM stays. */
static void
close_backend (CellsTelephony *self, CellsLineBackend *backend)
{
  if (backend == CELLS_LINE_BACKEND (self->sim))
    return;
  g_signal_handlers_disconnect_by_data (backend, self);
  cells_sip_shutdown (g_object_ref (CELLS_SIP (backend)));
}

/* The attached line that @backend carries, for a call or message new to it. */
static CellsLine *
line_of_backend (CellsTelephony *self, CellsLineBackend *backend)
{
  GHashTableIter iter;
  CellsLine *line;

  g_hash_table_iter_init (&iter, self->lines);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &line)) {
    if (cells_line_get_backend (line) == backend && cells_line_is_attached (line))
      return line;
  }
  return NULL;
}

/* The Cell's line: its number, state and calls. */
static void
sync_cell (CellsTelephony *self, CellsCell *cell)
{
  const CellsDefinition *def = cells_cell_get_definition (cell);
  CellsLine *line = g_hash_table_lookup (self->lines, def->name);
  CellsLineBackend *backend = line ? cells_line_get_backend (line) : NULL;
  const char *state = "";
  CellsLineInfo info = { 0 };

  if (backend == NULL && g_str_equal (def->phone_line, "sim"))
    backend = CELLS_LINE_BACKEND (self->sim);
  if (backend != NULL)
    cells_line_backend_get_info (backend, &info);
  if (wants_modem (cell))
    state =
        cells_cell_get_state (cell) != CELLS_STATE_RUNNING || line == NULL ? "stopped" : info.state;
  /* A SIP account's user is its number, also while it is not registered. */
  cells_cell_set_line_status (cell, backend ? info.own_number : def->sip_user, state,
                              cells_calls_count (self->calls, def->name));
}

static void
on_backend_changed (CellsLineBackend *backend, CellsTelephony *self)
{
  GHashTableIter iter;
  CellsCell *cell;
  CellsLine *line;

  g_hash_table_iter_init (&iter, self->lines);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &line)) {
    if (cells_line_get_backend (line) == backend)
      cells_line_sync (line);
  }
  g_hash_table_iter_init (&iter, self->cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cell))
    sync_cell (self, cell);
}

/* Calls */

static void
announce_free (Announce *a)
{
  g_clear_handle_id (&a->timeout_id, g_source_remove);
  g_free (a->cell);
  g_free (a);
}

static void
announce (Announce *a, const char *number)
{
  CellsCell *cell = g_hash_table_lookup (a->tel->cells, a->cell);

  g_clear_handle_id (&a->timeout_id, g_source_remove);
  if (cell != NULL && !cells_dbus_cell_get_foreground (CELLS_DBUS_CELL (cell)))
    g_signal_emit (a->tel, signals[INCOMING_CALL], 0, a->cell, number);
}

static gboolean
on_announce_timeout (gpointer user_data)
{
  Announce *a = user_data;

  a->timeout_id = 0;
  announce (a, "");
  return G_SOURCE_REMOVE;
}

/* An incoming call is announced once, with its caller's number, which the
 * modem may learn a moment after the call (+CLIP after RING). */
static void
maybe_announce (CellsTelephony *self, guint id, const char *cell, GVariant *props)
{
  Announce *a = g_hash_table_lookup (self->announces, GUINT_TO_POINTER (id));
  guint direction = 0;
  const char *number = NULL;

  g_variant_lookup (props, "number", "&s", &number);
  if (a == NULL && g_variant_lookup (props, "direction", "u", &direction) &&
      direction == MM_CALL_DIRECTION_INCOMING) {
    a = g_new0 (Announce, 1);
    a->tel = self;
    a->cell = g_strdup (cell);
    a->timeout_id = g_timeout_add (ANNOUNCE_WAIT_MS, on_announce_timeout, a);
    g_hash_table_insert (self->announces, GUINT_TO_POINTER (id), a);
  }
  if (a != NULL && a->timeout_id != 0 && number != NULL && *number != '\0')
    announce (a, number);
}

static void
forget_call (CellsTelephony *self, guint id)
{
  g_hash_table_remove (self->announces, GUINT_TO_POINTER (id));
  g_hash_table_remove (self->unanswered, GUINT_TO_POINTER (id));
  cells_calls_forget (self->calls, id);
}

/* Whether a call ended unanswered: rang and ended, missed until the user
 * looks at the cell. */
static gboolean
follow_answer (CellsTelephony *self, guint id, GVariant *props)
{
  gpointer key = GUINT_TO_POINTER (id);
  guint direction = 0;
  gint state = -1;

  if (g_variant_lookup (props, "direction", "u", &direction) &&
      direction == MM_CALL_DIRECTION_INCOMING)
    g_hash_table_add (self->unanswered, key);
  g_variant_lookup (props, "state", "i", &state);
  if (state == MM_CALL_STATE_ACTIVE)
    g_hash_table_remove (self->unanswered, key);
  return state == MM_CALL_STATE_TERMINATED && g_hash_table_contains (self->unanswered, key);
}

/* A call of @owner's line ("" for a SIM call no cell takes) is new or changed. */
static void
route_call (CellsTelephony *self, const char *owner, guint id, GVariant *props)
{
  g_autofree char *name = g_strdup (owner);
  CellsLine *line = g_hash_table_lookup (self->lines, name);
  CellsCell *cell = g_hash_table_lookup (self->cells, name);
  gint state = -1;
  gboolean missed;

  if (cells_calls_get_owner (self->calls, id) == NULL)
    cells_calls_set_owner (self->calls, id, name);
  if (line != NULL && cells_line_is_attached (line))
    cells_dbus_modem_bridge_emit_call_changed (CELLS_DBUS_MODEM_BRIDGE (line), id, props);
  maybe_announce (self, id, name, props);
  missed = follow_answer (self, id, props);
  g_variant_lookup (props, "state", "i", &state);
  if (state == MM_CALL_STATE_TERMINATED) {
    if (missed && cell != NULL)
      cells_cell_add_missed_call (cell);
    forget_call (self, id);
  }
  if (cell != NULL)
    sync_cell (self, cell);
}

static void
on_backend_call_changed (CellsLineBackend *backend, guint id, GVariant *props, CellsTelephony *self)
{
  const char *owner = cells_calls_get_owner (self->calls, id);

  if (owner == NULL) {
    /* A new incoming call: for the cell whose line it is, if it listens. */
    CellsLine *line = line_of_backend (self, backend);

    if (line == NULL)
      g_message ("Call %u rings nowhere: no running cell takes its line's calls", id);
    owner = line != NULL ? cells_line_get_name (line) : "";
  }
  route_call (self, owner, id, props);
}

static gboolean
on_backend_message (CellsLineBackend *backend, const char *id, const char *number, const char *text,
                    const char *timestamp, CellsTelephony *self)
{
  CellsLine *line = line_of_backend (self, backend);

  if (line == NULL)
    return FALSE;
  g_message ("Message from “%s” for cell “%s”", number, cells_line_get_name (line));
  cells_dbus_modem_bridge_emit_sms_received (CELLS_DBUS_MODEM_BRIDGE (line), id, number, text,
                                             timestamp);
  return TRUE;
}

/* The cell's calls end with its line. */
static void
hang_up_calls_of (CellsTelephony *self, CellsLine *line)
{
  g_autoptr(GArray) ids = cells_calls_of (self->calls, cells_line_get_name (line));
  CellsLineBackend *backend = cells_line_get_backend (line);

  for (guint i = 0; i < ids->len; i++) {
    guint id = g_array_index (ids, guint, i);

    g_message ("Hanging up call %u of cell “%s”", id, cells_line_get_name (line));
    /* Its end comes back as call-changed, which forgets it. */
    if (cells_line_backend_has_call (backend, id))
      cells_line_backend_hangup_async (backend, id, NULL, NULL);
    else
      forget_call (self, id);
  }
}

/* What is left of a cell's calls once its own backend is gone: the SIM's
 * are forgotten when they end. */
static void
forget_calls_of (CellsTelephony *self, const char *name)
{
  g_autoptr(GArray) ids = cells_calls_of (self->calls, name);

  for (guint i = 0; i < ids->len; i++) {
    guint id = g_array_index (ids, guint, i);

    if (!cells_line_backend_has_call (CELLS_LINE_BACKEND (self->sim), id))
      forget_call (self, id);
  }
}

/* Lines */

static void
on_line_calls_changed (CellsLine *line, CellsTelephony *self)
{
  sync_cell (self, cells_line_get_cell (line));
}

static void
on_line_modem_ended (CellsLine *line, CellsTelephony *self)
{
  hang_up_calls_of (self, line);
}

static CellsLine *
line_new (CellsTelephony *self, CellsCell *cell)
{
  g_autoptr(CellsLineBackend) backend = open_backend (self, cell);
  g_autofree char *account = account_key (cell);
  CellsLine *line = cells_line_new (cell, backend, account, self->calls, self->vmodem_path,
                                    self->verbose);

  g_signal_connect (line, "calls-changed", G_CALLBACK (on_line_calls_changed), self);
  g_signal_connect (line, "modem-ended", G_CALLBACK (on_line_modem_ended), self);
  return line;
}

static void
line_free (gpointer data)
{
  CellsLine *line = data;
  CellsTelephony *self = g_object_get_data (G_OBJECT (line), "cells-telephony");
  g_autofree char *name = g_strdup (cells_line_get_name (line));

  g_signal_handlers_disconnect_by_data (line, self);
  cells_line_close (line);
  hang_up_calls_of (self, line);
  close_backend (self, cells_line_get_backend (line));
  forget_calls_of (self, name);
  g_object_run_dispose (G_OBJECT (line));
  g_object_unref (line);
}

static void
add_line (CellsTelephony *self, CellsCell *cell)
{
  CellsLine *line = line_new (self, cell);

  g_object_set_data (G_OBJECT (line), "cells-telephony", self);
  g_hash_table_insert (self->lines, g_strdup (cells_cell_get_name (cell)), line);
}

/**
 * cells_telephony_update_cell:
 *
 * Follows a change of @cell: its state, phone line or rights. A running
 * cell with a line and the modem right gets its virtual modem; any other
 * has none.
 */
void
cells_telephony_update_cell (CellsTelephony *self, CellsCell *cell)
{
  const char *name = cells_cell_get_name (cell);
  gboolean want = wants_modem (cell) && cells_cell_get_state (cell) == CELLS_STATE_RUNNING;
  CellsLine *line = g_hash_table_lookup (self->lines, name);

  g_return_if_fail (CELLS_IS_TELEPHONY (self));
  if (*cells_cell_get_definition (cell)->phone_line != '\0')
    g_hash_table_insert (self->cells, g_strdup (name), g_object_ref (cell));
  else if (g_hash_table_remove (self->cells, name))
    cells_cell_set_line_status (cell, "", "", 0);

  if (want && line == NULL) {
    g_message ("Cell “%s” gets a virtual modem for its %s line", name,
               cells_cell_get_definition (cell)->phone_line);
    add_line (self, cell);
  } else if (!want && line != NULL) {
    g_message ("Cell “%s” has no virtual modem any more", name);
    g_hash_table_remove (self->lines, name);
  } else if (line != NULL) {
    g_autofree char *account = account_key (cell);

    if (!g_str_equal (account, cells_line_get_account (line))) {
      /* Another line or account: the cell's modem starts over with it. */
      g_message ("Cell “%s”: its phone line changed", name);
      g_hash_table_remove (self->lines, name);
      add_line (self, cell);
    } else {
      cells_line_sync (line);
    }
  }
  if (g_hash_table_contains (self->cells, name))
    sync_cell (self, cell);
}

/**
 * cells_telephony_decline:
 * @cell: the name of a cell
 *
 * Rejects the incoming calls that ring in @cell and were not answered
 * (the switcher's Decline). A declined call does not count as missed;
 * its end comes back from the line as for any other.
 *
 * Returns: how many calls were rejected
 */
guint
cells_telephony_decline (CellsTelephony *self, const char *cell)
{
  g_autoptr(GArray) ids = NULL;
  CellsLine *line;
  guint declined = 0;

  g_return_val_if_fail (CELLS_IS_TELEPHONY (self), 0);
  line = g_hash_table_lookup (self->lines, cell);
  if (line == NULL)
    return 0;
  ids = cells_calls_of (self->calls, cell);
  for (guint i = 0; i < ids->len; i++) {
    guint id = g_array_index (ids, guint, i);
    CellsLineBackend *backend = cells_line_get_backend (line);

    if (!g_hash_table_remove (self->unanswered, GUINT_TO_POINTER (id)) ||
        !cells_line_backend_has_call (backend, id))
      continue;
    g_message ("Declining call %u of cell “%s”", id, cell);
    cells_line_backend_hangup_async (backend, id, NULL, NULL);
    declined++;
  }
  return declined;
}

void
cells_telephony_remove_cell (CellsTelephony *self, CellsCell *cell)
{
  g_return_if_fail (CELLS_IS_TELEPHONY (self));
  g_hash_table_remove (self->lines, cells_cell_get_name (cell));
  g_hash_table_remove (self->cells, cells_cell_get_name (cell));
}

static void
cells_telephony_dispose (GObject *object)
{
  CellsTelephony *self = CELLS_TELEPHONY (object);

  g_hash_table_remove_all (self->lines);
  if (self->sim != NULL)
    g_signal_handlers_disconnect_by_data (self->sim, self);
  g_clear_object (&self->sim);
  G_OBJECT_CLASS (cells_telephony_parent_class)->dispose (object);
}

static void
cells_telephony_finalize (GObject *object)
{
  CellsTelephony *self = CELLS_TELEPHONY (object);

  g_hash_table_unref (self->lines);
  g_hash_table_unref (self->cells);
  g_hash_table_unref (self->announces);
  g_hash_table_unref (self->unanswered);
  cells_calls_free (self->calls);
  g_free (self->vmodem_path);
  g_free (self->pipewire_dir);
  G_OBJECT_CLASS (cells_telephony_parent_class)->finalize (object);
}

static void
cells_telephony_class_init (CellsTelephonyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cells_telephony_dispose;
  object_class->finalize = cells_telephony_finalize;

  /**
   * CellsTelephony::incoming-call:
   * @cell: the cell's name
   * @number: the caller, or ""
   *
   * A call rings in a cell that is not in the foreground.
   */
  signals[INCOMING_CALL] =
      g_signal_new ("incoming-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
cells_telephony_init (CellsTelephony *self)
{
  self->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, line_free);
  self->cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->calls = cells_calls_new ();
  self->announces = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) announce_free);
  self->unanswered = g_hash_table_new (NULL, NULL);
}

/**
 * cells_telephony_new:
 * @system_bus: the bus ModemManager is on
 * @settings: the virtual modem program, the PipeWire of calls, verbosity
 * @claims: the manager's table of device claims (the microphone of a SIP
 *   call); it outlives the router
 */
CellsTelephony *
cells_telephony_new (GDBusConnection *system_bus, const CellsSettings *settings,
                     CellsClaims *claims)
{
  CellsTelephony *self = g_object_new (CELLS_TYPE_TELEPHONY, NULL);

  self->verbose = settings->verbose;
  self->vmodem_path = g_strdup (settings->vmodem_path);
  self->pipewire_dir = g_strdup (settings->pipewire_dir);
  self->claims = claims;
  self->sim = cells_sim_new (system_bus);
  connect_backend (self, self->sim);
  return self;
}
