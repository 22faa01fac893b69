/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-telephony"

#include "cells-config.h"
#include "cells-telephony.h"
#include "cells-errors.h"
#include "cells-sim.h"
#include "cells-sip.h"
#include "cells-modem-bridge.h"

#include <glib/gstdio.h>
#include <libmm-glib.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

/**
 * CellsTelephony:
 *
 * Phone lines of the cells. Every running cell with a phone line and the
 * `modem` right gets a virtual ModemManager (`cells-vmodem`, started
 * inside the cell) and a bridge to it; this routes between those bridges
 * and the lines: the SIM line is the phone's own modem (CellsSim), a SIP
 * line a SIP account that cellsd registers while the cell runs
 * (CellsSip). Calls and messages of the SIM go to the cell that has the
 * SIM line, and that cell's calls and messages go out through the modem;
 * a SIP cell's go through its account. A call for a cell
 * that is not in the foreground is announced ("incoming-call") so that
 * the switcher can offer it.
 *
 * A cell that stops, loses its line or its virtual modem has its calls
 * hung up; a virtual modem that ends on its own is started again.
 */

#define RESPAWN_MIN_MS 500
#define RESPAWN_MAX_MS 30000
#define ANNOUNCE_WAIT_MS 1000

struct _CellsTelephony {
  GObject          parent;

  char            *vmodem_path;
  gboolean         verbose;
  CellsSim        *sim;
  GHashTable      *cells;   /* name → CellsCell, every cell with a phone line */
  GHashTable      *lines;   /* name → Line, cells that have a virtual modem now */
  GHashTable      *owners;  /* SIM call id → cell name ("" for none) */
  GHashTable      *announces; /* SIM call id → Announce */
  GHashTable      *unanswered; /* ids of incoming calls not (yet) answered */
};

typedef struct {
  CellsTelephony       *tel;
  char                 *name;
  CellsCell            *cell;
  GCancellable         *cancellable;
  GSubprocess          *process;
  GDBusConnection      *peer;
  CellsDBusModemBridge *bridge;
  CellsSip             *sip;       /* a SIP line's account */
  char                 *account;   /* what it was made from */
  guint                 respawn_id;
  guint                 respawn_ms;
  gboolean              attached;  /* the virtual modem hears signals */
} Line;

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

static void spawn_vmodem (Line *line);

static gboolean
wants_modem (CellsCell *cell)
{
  return cells_lxc_wants_modem (cells_cell_get_definition (cell));
}

static gboolean
is_sim_line (Line *line)
{
  return g_str_equal (cells_cell_get_definition (line->cell)->phone_line, "sim");
}

static gboolean
is_sip_line (Line *line)
{
  return g_str_equal (cells_cell_get_definition (line->cell)->phone_line, "sip");
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

/* A SIP cell's modem shows an identity of its own, stable for the cell. */
static char *
synthetic_imei (const char *name)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
  GString *imei = g_string_new ("35");

  for (const char *p = sum; imei->len < 15; p++)
    g_string_append_c (imei, '0' + g_ascii_xdigit_value (*p) % 10);
  return g_string_free (imei, FALSE);
}

static Line *
sim_line (CellsTelephony *self)
{
  GHashTableIter iter;
  Line *line;

  g_hash_table_iter_init (&iter, self->lines);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &line)) {
    if (is_sim_line (line) && line->attached)
      return line;
  }
  return NULL;
}

static guint
count_calls (CellsTelephony *self, const char *name)
{
  GHashTableIter iter;
  const char *owner;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->owners);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &owner)) {
    if (g_strcmp0 (owner, name) == 0)
      n++;
  }
  return n;
}

/* The Cell's PhoneNumber, PhoneLineState and Calls. */
static void
sync_cell (CellsTelephony *self, CellsCell *cell)
{
  const CellsDefinition *def = cells_cell_get_definition (cell);
  CellsDBusCell *iface = CELLS_DBUS_CELL (cell);
  gboolean sim = g_str_equal (def->phone_line, "sim");
  const char *number = def->phone_number;
  const char *state = "";

  Line *line = g_hash_table_lookup (self->lines, def->name);

  if (*number == '\0' && sim)
    number = cells_sim_get_own_number (self->sim);
  else if (*number == '\0')
    number = def->sip_user;
  if (wants_modem (cell)) {
    if (cells_cell_get_state (cell) != CELLS_STATE_RUNNING || line == NULL)
      state = "stopped";
    else if (sim)
      state = cells_sim_state_to_string (cells_sim_get_state (self->sim));
    else
      state = line->sip ? cells_sip_state_to_string (cells_sip_get_state (line->sip)) : "unreachable";
  }
  cells_dbus_cell_set_phone_number (iface, number);
  cells_dbus_cell_set_phone_line_state (iface, state);
  cells_dbus_cell_set_calls (iface, count_calls (self, def->name));
}

/* What the bridge tells the cell's modem of its line. */
static void
sync_bridge (CellsTelephony *self, Line *line)
{
  CellsDBusModemBridge *b = line->bridge;
  CellsSim *sim = self->sim;
  const char *number = cells_cell_get_definition (line->cell)->phone_number;

  if (is_sip_line (line)) {
    const CellsDefinition *def = cells_cell_get_definition (line->cell);
    gboolean registered = line->sip && cells_sip_get_state (line->sip) == CELLS_SIP_REGISTERED;
    g_autofree char *imei = synthetic_imei (def->name);
    g_autofree char *operator = g_strdup_printf ("SIP %s", def->sip_registrar);

    cells_dbus_modem_bridge_set_own_number (b, *number ? number : def->sip_user);
    cells_dbus_modem_bridge_set_registered (b, registered);
    cells_dbus_modem_bridge_set_operator_name (b, operator);
    cells_dbus_modem_bridge_set_operator_code (b, "");
    cells_dbus_modem_bridge_set_imei (b, imei);
    cells_dbus_modem_bridge_set_imsi (b, "");
    cells_dbus_modem_bridge_set_signal_quality (b, registered ? 100 : 0);
    cells_dbus_modem_bridge_set_present (b, TRUE);
    return;
  }
  if (!is_sim_line (line)) {
    cells_dbus_modem_bridge_set_present (b, FALSE);
    return;
  }
  cells_dbus_modem_bridge_set_own_number (b, *number ? number : cells_sim_get_own_number (sim));
  cells_dbus_modem_bridge_set_registered (b, cells_sim_get_state (sim) == CELLS_SIM_REGISTERED);
  cells_dbus_modem_bridge_set_operator_name (b, cells_sim_get_operator_name (sim));
  cells_dbus_modem_bridge_set_operator_code (b, cells_sim_get_operator_code (sim));
  cells_dbus_modem_bridge_set_imei (b, cells_sim_get_imei (sim));
  cells_dbus_modem_bridge_set_imsi (b, cells_sim_get_imsi (sim));
  cells_dbus_modem_bridge_set_signal_quality (b, cells_sim_get_signal_quality (sim));
  cells_dbus_modem_bridge_set_present (b, cells_sim_get_state (sim) != CELLS_SIM_NO_MODEM);
}

static void
on_sim_changed (CellsSim *sim, CellsTelephony *self)
{
  GHashTableIter iter;
  CellsCell *cell;
  Line *line;

  g_hash_table_iter_init (&iter, self->lines);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &line))
    sync_bridge (self, line);
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

/* A call of @owner's line ("" for a SIM call no cell takes) is new or changed. */
static void
route_call (CellsTelephony *self, const char *owner, guint id, GVariant *props)
{
  g_autofree char *name = g_strdup (owner);
  guint direction = 0;
  CellsCell *cell;
  gint state = -1;
  Line *line;

  if (!g_hash_table_contains (self->owners, GUINT_TO_POINTER (id)))
    g_hash_table_insert (self->owners, GUINT_TO_POINTER (id), g_strdup (name));
  line = g_hash_table_lookup (self->lines, name);
  if (line != NULL && line->attached)
    cells_dbus_modem_bridge_emit_call_changed (line->bridge, id, props);
  maybe_announce (self, id, name, props);
  cell = g_hash_table_lookup (self->cells, name);
  if (g_variant_lookup (props, "direction", "u", &direction) && direction == MM_CALL_DIRECTION_INCOMING)
    g_hash_table_add (self->unanswered, GUINT_TO_POINTER (id));
  g_variant_lookup (props, "state", "i", &state);
  if (state == MM_CALL_STATE_ACTIVE)
    g_hash_table_remove (self->unanswered, GUINT_TO_POINTER (id));
  if (state == MM_CALL_STATE_TERMINATED) {
    /* Rang and ended unanswered: missed, until the user looks at the cell. */
    if (g_hash_table_remove (self->unanswered, GUINT_TO_POINTER (id)) && cell != NULL)
      cells_dbus_cell_set_missed_calls (CELLS_DBUS_CELL (cell),
                                        cells_dbus_cell_get_missed_calls (CELLS_DBUS_CELL (cell)) + 1);
    g_hash_table_remove (self->announces, GUINT_TO_POINTER (id));
    g_hash_table_remove (self->owners, GUINT_TO_POINTER (id));
  }
  if (cell != NULL)
    sync_cell (self, cell);
}

static void
on_sim_call_changed (CellsSim *sim, guint id, GVariant *props, CellsTelephony *self)
{
  const char *owner = g_hash_table_lookup (self->owners, GUINT_TO_POINTER (id));

  if (owner == NULL) {
    /* A new incoming call: the SIM cell's, when there is one. */
    Line *line = sim_line (self);

    if (line == NULL)
      g_message ("Call %u on the SIM rings nowhere: no running cell has the SIM line", id);
    owner = line != NULL ? line->name : "";
  }
  route_call (self, owner, id, props);
}

static void
on_sip_call_changed (CellsSip *sip, guint id, GVariant *props, Line *line)
{
  route_call (line->tel, line->name, id, props);
}

static void
on_sip_message (CellsSip *sip, const char *number, const char *text, const char *timestamp, Line *line)
{
  g_message ("Message from “%s” for cell “%s”", number, line->name);
  if (!line->attached)
    g_warning ("Cell “%s”: its virtual modem is not listening; the message from “%s” is lost",
               line->name, number);
  /* Taken (200 OK) by cellsd already: there is nothing to delete. */
  cells_dbus_modem_bridge_emit_sms_received (line->bridge, "", number, text, timestamp);
}

static void
on_sip_changed (CellsSip *sip, Line *line)
{
  sync_bridge (line->tel, line);
  sync_cell (line->tel, line->cell);
}

static gboolean
on_sim_sms_received (CellsSim *sim, const char *path, const char *number, const char *text,
                     const char *timestamp, CellsTelephony *self)
{
  Line *line = sim_line (self);

  if (line == NULL)
    return FALSE;
  g_message ("Message from “%s” for cell “%s”", number, line->name);
  cells_dbus_modem_bridge_emit_sms_received (line->bridge, path, number, text, timestamp);
  return TRUE;
}

static gboolean
handle_attach (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, Line *line)
{
  line->attached = TRUE;
  g_debug ("Cell “%s”: the virtual modem listens", line->name);
  cells_dbus_modem_bridge_complete_attach (bridge, invocation);
  if (is_sim_line (line))
    cells_sim_deliver_messages (line->tel->sim, TRUE);
  return TRUE;
}

static gboolean
handle_take_sms (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, const char *id,
                 Line *line)
{
  if (is_sim_line (line))
    cells_sim_take_message (line->tel->sim, id);
  cells_dbus_modem_bridge_complete_take_sms (bridge, invocation);
  return TRUE;
}

/* The cell's calls end with its line. */
static void
hang_up_calls_of (CellsTelephony *self, Line *line)
{
  GHashTableIter iter;
  gpointer id;
  const char *owner;

  g_hash_table_iter_init (&iter, self->owners);
  while (g_hash_table_iter_next (&iter, &id, (gpointer *) &owner)) {
    guint call = GPOINTER_TO_UINT (id);

    if (g_strcmp0 (owner, line->name) != 0)
      continue;
    g_message ("Hanging up call %u of cell “%s”", call, line->name);
    if (cells_sim_has_call (self->sim, call)) {
      cells_sim_hangup_async (self->sim, call, NULL, NULL);
    } else if (line->sip != NULL && cells_sip_has_call (line->sip, call)) {
      /* Its end comes back as CallChanged, which forgets it. */
      cells_sip_hangup (line->sip, call, NULL);
    } else {
      g_hash_table_remove (self->announces, id);
      g_hash_table_remove (self->unanswered, id);
      g_hash_table_iter_remove (&iter);
    }
  }
}

/* What is left of a line's calls once its account is gone. */
static void
forget_calls_of (CellsTelephony *self, const char *name)
{
  GHashTableIter iter;
  gpointer id;
  const char *owner;

  g_hash_table_iter_init (&iter, self->owners);
  while (g_hash_table_iter_next (&iter, &id, (gpointer *) &owner)) {
    if (g_strcmp0 (owner, name) == 0 && !cells_sim_has_call (self->sim, GPOINTER_TO_UINT (id))) {
      g_hash_table_remove (self->announces, id);
      g_hash_table_remove (self->unanswered, id);
      g_hash_table_iter_remove (&iter);
    }
  }
}

/* The bridge's methods */

static gboolean
owns_call (Line *line, guint id, GDBusMethodInvocation *invocation)
{
  const char *owner = g_hash_table_lookup (line->tel->owners, GUINT_TO_POINTER (id));

  if (g_strcmp0 (owner, line->name) == 0)
    return TRUE;
  g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_NOT_FOUND,
                                         "Cell “%s” has no call %u.", line->name, id);
  return FALSE;
}

static gboolean
check_line (Line *line, GDBusMethodInvocation *invocation)
{
  if (is_sim_line (line) || line->sip != NULL)
    return TRUE;
  g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_NOT_RUNNING,
                                         "Cell “%s” has no phone line that can place calls.",
                                         line->name);
  return FALSE;
}

static void
on_dial_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  CellsTelephony *self = g_object_get_data (G_OBJECT (invocation), "cells-telephony");
  const char *name = g_object_get_data (G_OBJECT (invocation), "cells-cell");
  Line *line = g_hash_table_lookup (self->lines, name);
  g_autoptr(GError) error = NULL;
  guint id = CELLS_IS_SIP (source) ? cells_sip_dial_finish (CELLS_SIP (source), result, &error) :
             cells_sim_dial_finish (CELLS_SIM (source), result, &error);

  if (id == 0) {
    cells_error_return (invocation, error);
    return;
  }
  if (line == NULL || line->peer == NULL ||
      line->peer != g_dbus_method_invocation_get_connection (invocation)) {
    /* The cell stopped, lost its line or its virtual modem meanwhile. */
    if (CELLS_IS_SIM (source))
      cells_sim_hangup_async (self->sim, id, NULL, NULL);
    else
      cells_sip_hangup (CELLS_SIP (source), id, NULL);
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_NOT_RUNNING,
                                           "Cell “%s” lost its line while calling.", name);
    return;
  }
  /* The cell learns the call's id before its first state. */
  g_hash_table_insert (self->owners, GUINT_TO_POINTER (id), g_strdup (name));
  cells_dbus_modem_bridge_complete_dial (line->bridge, invocation, id);
  sync_cell (self, line->cell);
}

static gboolean
handle_dial (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, const char *number,
             Line *line)
{
  if (!check_line (line, invocation))
    return TRUE;
  if (!cells_phone_number_is_valid (number) || *number == '\0') {
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                                           "“%s” is not a number the modem can dial.", number);
    return TRUE;
  }
  g_object_set_data (G_OBJECT (invocation), "cells-telephony", line->tel);
  g_object_set_data_full (G_OBJECT (invocation), "cells-cell", g_strdup (line->name), g_free);
  g_message ("Cell “%s” calls “%s”", line->name, number);
  if (line->sip != NULL)
    cells_sip_dial_async (line->sip, number, on_dial_ready, g_object_ref (invocation));
  else
    cells_sim_dial_async (line->tel->sim, number, on_dial_ready, g_object_ref (invocation));
  return TRUE;
}

static void
on_op_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (CELLS_IS_SIP (source) ? !cells_sip_send_message_finish (CELLS_SIP (source), result, &error) :
      !cells_sim_op_finish (CELLS_SIM (source), result, &error))
    cells_error_return (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
return_sync (GDBusMethodInvocation *invocation, gboolean ok, GError *error)
{
  if (ok)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    cells_error_return (invocation, error);
}

static gboolean
handle_accept (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, guint id, Line *line)
{
  g_autoptr(GError) error = NULL;

  if (!owns_call (line, id, invocation))
    return TRUE;
  if (line->sip != NULL)
    return_sync (invocation, cells_sip_accept (line->sip, id, &error), error);
  else
    cells_sim_accept_async (line->tel->sim, id, on_op_ready, g_object_ref (invocation));
  return TRUE;
}

static gboolean
handle_hangup (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, guint id, Line *line)
{
  g_autoptr(GError) error = NULL;

  if (!owns_call (line, id, invocation))
    return TRUE;
  if (line->sip != NULL)
    return_sync (invocation, cells_sip_hangup (line->sip, id, &error), error);
  else
    cells_sim_hangup_async (line->tel->sim, id, on_op_ready, g_object_ref (invocation));
  return TRUE;
}

static gboolean
handle_send_dtmf (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, guint id,
                  const char *tones, Line *line)
{
  if (*tones == '\0' || strspn (tones, "0123456789ABCD*#") != strlen (tones)) {
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                                           "DTMF tones are 0-9, A-D, * and #.");
    return TRUE;
  }
  if (!owns_call (line, id, invocation))
    return TRUE;
  if (line->sip != NULL) {
    g_autoptr(GError) error = NULL;

    return_sync (invocation, cells_sip_send_dtmf (line->sip, id, tones, &error), error);
  } else {
    cells_sim_send_dtmf_async (line->tel->sim, id, tones, on_op_ready, g_object_ref (invocation));
  }
  return TRUE;
}

static gboolean
handle_send_sms (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation,
                 const char *number, const char *text, Line *line)
{
  if (!check_line (line, invocation))
    return TRUE;
  if (!cells_phone_number_is_valid (number) || *number == '\0' || *text == '\0') {
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                                           "A message needs a number and some text.");
    return TRUE;
  }
  g_message ("Cell “%s” sends a message to “%s”", line->name, number);
  if (line->sip != NULL)
    cells_sip_send_message_async (line->sip, number, text, on_op_ready, g_object_ref (invocation));
  else
    cells_sim_send_sms_async (line->tel->sim, number, text, on_op_ready, g_object_ref (invocation));
  return TRUE;
}

/* The virtual modem's process and bridge */

static void
drop_peer (Line *line)
{
  if (line->peer == NULL)
    return;
  line->attached = FALSE;
  g_dbus_interface_skeleton_unexport_from_connection (G_DBUS_INTERFACE_SKELETON (line->bridge), line->peer);
  g_signal_handlers_disconnect_by_data (line->peer, line);
  g_dbus_connection_close (line->peer, NULL, NULL, NULL);
  g_clear_object (&line->peer);
}

static gboolean
on_respawn (gpointer user_data)
{
  Line *line = user_data;

  line->respawn_id = 0;
  spawn_vmodem (line);
  return G_SOURCE_REMOVE;
}

static void
schedule_respawn (Line *line)
{
  if (line->respawn_id != 0)
    return;
  line->respawn_ms = CLAMP (line->respawn_ms * 2, RESPAWN_MIN_MS, RESPAWN_MAX_MS);
  line->respawn_id = g_timeout_add (line->respawn_ms, on_respawn, line);
}

static void
on_vmodem_exit (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  Line *line;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  line = user_data;
  g_message ("The virtual modem of cell “%s” ended (%s %d); it is started again",
             line->name, g_subprocess_get_if_signaled (G_SUBPROCESS (source)) ? "signal" : "status",
             g_subprocess_get_if_signaled (G_SUBPROCESS (source)) ?
             g_subprocess_get_term_sig (G_SUBPROCESS (source)) :
             g_subprocess_get_exit_status (G_SUBPROCESS (source)));
  g_clear_object (&line->process);
  drop_peer (line);
  hang_up_calls_of (line->tel, line);
  schedule_respawn (line);
}

static void
on_peer_closed (GDBusConnection *peer, gboolean vanished, GError *error, Line *line)
{
  g_debug ("Cell “%s”: the bridge closed", line->name);
  drop_peer (line);
}

static void
on_peer_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *peer = g_dbus_connection_new_finish (result, &error);
  Line *line;

  if (peer == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("No bridge to the virtual modem: %s", error->message);
    return;
  }
  line = user_data;
  line->peer = peer;
  g_signal_connect (peer, "closed", G_CALLBACK (on_peer_closed), line);
  sync_bridge (line->tel, line);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (line->bridge), peer,
                                         CELLS_MODEM_BRIDGE_PATH, &error))
    g_warning ("Cell “%s”: %s", line->name, error->message);
  g_dbus_connection_start_message_processing (peer);
  g_debug ("Cell “%s”: the virtual modem is connected", line->name);
  line->respawn_ms = 0;
}

static gboolean
on_allow_mechanism (GDBusAuthObserver *observer, const char *mechanism, gpointer user_data)
{
  /* The socket pair is the authentication: its other end went only to the
   * virtual modem, whose credentials are the cell's by now. */
  return g_str_equal (mechanism, "ANONYMOUS");
}

static void
open_bridge (Line *line, int fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (fd, &error);
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GDBusAuthObserver) observer = g_dbus_auth_observer_new ();
  g_autofree char *guid = g_dbus_generate_guid ();

  if (socket == NULL) {
    close (fd);
    g_warning ("Cell “%s”: %s", line->name, error->message);
    return;
  }
  stream = g_socket_connection_factory_create_connection (socket);
  g_signal_connect (observer, "allow-mechanism", G_CALLBACK (on_allow_mechanism), NULL);
  g_dbus_connection_new (G_IO_STREAM (stream), guid,
                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER |
                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_ALLOW_ANONYMOUS |
                         G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                         observer, line->cancellable, on_peer_ready, line);
}

/* The cgroup.procs files of the cell's cgroups (v2, or each v1 hierarchy),
 * from its init's /proc/PID/cgroup. */
static GStrv
cell_cgroup_procs (pid_t leader)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cgroup", leader);
  g_autofree char *text = NULL;
  g_autoptr(GStrvBuilder) procs = g_strv_builder_new ();
  gboolean unified = g_file_test ("/sys/fs/cgroup/cgroup.controllers", G_FILE_TEST_EXISTS);
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strv_builder_end (procs);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    g_auto(GStrv) f = g_strsplit (lines[i], ":", 3);
    g_autofree char *hierarchy = NULL;
    g_autofree char *file = NULL;

    if (g_strv_length (f) != 3 || strstr (f[2], "..") != NULL)
      continue;
    if (*f[1] == '\0')
      hierarchy = g_strdup (unified ? "" : "unified");
    else
      hierarchy = g_strdup (g_str_has_prefix (f[1], "name=") ? f[1] + 5 : f[1]);
    file = g_build_filename ("/sys/fs/cgroup", hierarchy, f[2], "cgroup.procs", NULL);
    g_strv_builder_add (procs, file);
  }
  return g_strv_builder_end (procs);
}

/* In the child, before exec: into the cell's cgroups, so that its limits
 * and its freezer hold the virtual modem too. Only async-signal-safe calls. */
static void
join_cgroups (gpointer user_data)
{
  char *const *procs = user_data;

  for (guint i = 0; procs[i] != NULL; i++) {
    int fd = open (procs[i], O_WRONLY | O_CLOEXEC);

    if (fd >= 0) {
      if (write (fd, "0", 1) < 0) {
        /* A hierarchy the cell is not limited by; nothing lost. */
      }
      close (fd);
    }
  }
}

static GSubprocess *
launch (Line *line, int pidfd, int peer_fd, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  const char *env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8", NULL };
  GStrv procs = cell_cgroup_procs (cells_dbus_cell_get_leader (CELLS_DBUS_CELL (line->cell)));

  /* Nothing of cellsd's environment (the bus address above all) goes in. */
  g_subprocess_launcher_set_environ (launcher, (char **) env);
  g_subprocess_launcher_set_child_setup (launcher, join_cgroups, procs, (GDestroyNotify) g_strfreev);
  g_subprocess_launcher_take_fd (launcher, pidfd, 3);
  g_subprocess_launcher_take_fd (launcher, peer_fd, 4);
  return g_subprocess_launcher_spawn (launcher, error, line->tel->vmodem_path, "--cell", line->name,
                                      line->tel->verbose ? "--verbose" : NULL, NULL);
}

static void
spawn_vmodem (Line *line)
{
  g_autoptr(GError) error = NULL;
  pid_t leader = cells_dbus_cell_get_leader (CELLS_DBUS_CELL (line->cell));
  int pidfd = cells_pidfd_open (leader);
  int sv[2];

  if (pidfd < 0) {
    g_message ("Cell “%s”: its init is gone; no virtual modem", line->name);
    return;
  }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
    g_warning ("Cell “%s”: socketpair: %s", line->name, g_strerror (errno));
    close (pidfd);
    schedule_respawn (line);
    return;
  }
  line->process = launch (line, pidfd, sv[1], &error);
  if (line->process == NULL) {
    g_warning ("Cell “%s”: cannot start %s: %s", line->name, line->tel->vmodem_path, error->message);
    close (sv[0]);
    schedule_respawn (line);
    return;
  }
  g_debug ("Cell “%s”: virtual modem started, pid %s", line->name,
           g_subprocess_get_identifier (line->process));
  g_subprocess_wait_async (line->process, line->cancellable, on_vmodem_exit, line);
  open_bridge (line, sv[0]);
}

static void
open_account (Line *line)
{
  const CellsDefinition *def = cells_cell_get_definition (line->cell);
  g_autofree char *password = cells_definition_load_secret (cells_cell_get_directory (line->cell));
  g_autoptr(GError) error = NULL;

  line->sip = cells_sip_new (line->name, def->sip_registrar, def->sip_user, password, &error);
  if (password != NULL)
    memset (password, 0, strlen (password));
  if (line->sip == NULL) {
    g_warning ("Cell “%s”: no SIP line: %s", line->name, error->message);
    return;
  }
  g_signal_connect (line->sip, "changed", G_CALLBACK (on_sip_changed), line);
  g_signal_connect (line->sip, "call-changed", G_CALLBACK (on_sip_call_changed), line);
  g_signal_connect (line->sip, "message-received", G_CALLBACK (on_sip_message), line);
}

static Line *
line_new (CellsTelephony *self, CellsCell *cell)
{
  Line *line = g_new0 (Line, 1);

  line->tel = self;
  line->name = g_strdup (cells_cell_get_name (cell));
  line->cell = g_object_ref (cell);
  line->cancellable = g_cancellable_new ();
  line->bridge = cells_dbus_modem_bridge_skeleton_new ();
  g_signal_connect (line->bridge, "handle-dial", G_CALLBACK (handle_dial), line);
  g_signal_connect (line->bridge, "handle-accept", G_CALLBACK (handle_accept), line);
  g_signal_connect (line->bridge, "handle-hangup", G_CALLBACK (handle_hangup), line);
  g_signal_connect (line->bridge, "handle-send-dtmf", G_CALLBACK (handle_send_dtmf), line);
  g_signal_connect (line->bridge, "handle-send-sms", G_CALLBACK (handle_send_sms), line);
  g_signal_connect (line->bridge, "handle-take-sms", G_CALLBACK (handle_take_sms), line);
  g_signal_connect (line->bridge, "handle-attach", G_CALLBACK (handle_attach), line);
  line->account = account_key (cell);
  if (is_sip_line (line))
    open_account (line);
  sync_bridge (self, line);
  spawn_vmodem (line);
  return line;
}

static void
line_free (Line *line)
{
  g_cancellable_cancel (line->cancellable);
  g_clear_handle_id (&line->respawn_id, g_source_remove);
  if (line->process != NULL)
    g_subprocess_send_signal (line->process, SIGTERM);
  g_clear_object (&line->process);
  drop_peer (line);
  hang_up_calls_of (line->tel, line);
  if (line->sip != NULL)
    cells_sip_shutdown (g_steal_pointer (&line->sip));
  forget_calls_of (line->tel, line->name);
  g_free (line->account);
  g_signal_handlers_disconnect_by_data (line->bridge, line);
  g_object_unref (line->bridge);
  g_object_unref (line->cancellable);
  g_object_unref (line->cell);
  g_free (line->name);
  g_free (line);
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
  Line *line = g_hash_table_lookup (self->lines, name);

  g_return_if_fail (CELLS_IS_TELEPHONY (self));
  if (*cells_cell_get_definition (cell)->phone_line != '\0')
    g_hash_table_insert (self->cells, g_strdup (name), g_object_ref (cell));
  else
    g_hash_table_remove (self->cells, name);

  if (want && line == NULL) {
    g_message ("Cell “%s” gets a virtual modem for its %s line", name,
               cells_cell_get_definition (cell)->phone_line);
    g_hash_table_insert (self->lines, g_strdup (name), line_new (self, cell));
  } else if (!want && line != NULL) {
    g_message ("Cell “%s” has no virtual modem any more", name);
    g_hash_table_remove (self->lines, name);
  } else if (line != NULL) {
    g_autofree char *account = account_key (cell);

    if (!g_str_equal (account, line->account)) {
      /* Another line or account: the cell's modem starts over with it. */
      g_message ("Cell “%s”: its phone line changed", name);
      g_hash_table_insert (self->lines, g_strdup (name), line_new (self, cell));
    } else {
      sync_bridge (self, line);
    }
  }
  sync_cell (self, cell);
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
  g_hash_table_unref (self->owners);
  g_hash_table_unref (self->announces);
  g_hash_table_unref (self->unanswered);
  g_free (self->vmodem_path);
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
  signals[INCOMING_CALL] = g_signal_new ("incoming-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                         G_TYPE_STRING, G_TYPE_STRING);
}

static void
cells_telephony_init (CellsTelephony *self)
{
  self->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) line_free);
  self->cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->owners = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->announces = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) announce_free);
  self->unanswered = g_hash_table_new (NULL, NULL);
}

/**
 * cells_telephony_new:
 * @system_bus: the bus ModemManager is on
 * @settings: the virtual modem program, the PipeWire of calls, verbosity
 */
CellsTelephony *
cells_telephony_new (GDBusConnection *system_bus, const CellsSettings *settings)
{
  CellsTelephony *self = g_object_new (CELLS_TYPE_TELEPHONY, NULL);

  self->verbose = settings->verbose;
  self->vmodem_path = g_strdup (settings->vmodem_path);
  self->sim = cells_sim_new (system_bus);
  g_signal_connect (self->sim, "changed", G_CALLBACK (on_sim_changed), self);
  g_signal_connect (self->sim, "call-changed", G_CALLBACK (on_sim_call_changed), self);
  g_signal_connect (self->sim, "sms-received", G_CALLBACK (on_sim_sms_received), self);
  return self;
}
