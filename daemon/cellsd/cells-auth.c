/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-auth"

#include "cells-auth.h"
#include "cells-errors.h"

#include <polkit/polkit.h>

#include <sys/stat.h>

/**
 * SECTION:cells-auth
 *
 * Who may do what. A caller whose process lives in another pid or user
 * namespace than cellsd — a process inside any cell — is refused whatever
 * its uid. Root outside the cells is allowed. Anyone else is asked about
 * through polkit, asynchronously.
 *
 * Who a caller is (its uid and pid, as the bus recorded them when it
 * connected) is asked of the bus once per connection: a unique name is
 * never given to another connection, so the answer is kept until the bus
 * says the name is gone. Whether that pid is in a cell is looked at anew
 * at every call.
 */

typedef struct {
  GDBusMethodInvocation *invocation;
  char                  *action;
  gint64                 uid;   /* -1 until the bus has said */
  gint64                 pid;
} AuthData;

static void
auth_data_free (AuthData *d)
{
  g_clear_object (&d->invocation);
  g_free (d->action);
  g_free (d);
}

static void refuse (GTask *task, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Answers the call's refusal, and logs who was refused what, as seatd and
 * ModemManager do. */
static void
refuse (GTask *task, const char *format, ...)
{
  AuthData *d = g_task_get_task_data (task);
  GDBusMethodInvocation *inv = d->invocation;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_message ("Refused %s.%s on %s to %s (uid %" G_GINT64_FORMAT ", pid %" G_GINT64_FORMAT
             ", action %s): %s", g_dbus_method_invocation_get_interface_name (inv),
             g_dbus_method_invocation_get_method_name (inv),
             g_dbus_method_invocation_get_object_path (inv),
             g_dbus_method_invocation_get_sender (inv), d->uid, d->pid, d->action, message);
  g_task_return_error (task,
                       g_error_new_literal (CELLS_ERROR, CELLS_ERROR_NOT_AUTHORIZED, message));
}

static gboolean
same_namespace (guint32 pid, const char *ns)
{
  g_autofree char *theirs = g_strdup_printf ("/proc/%u/ns/%s", pid, ns);
  g_autofree char *ours = g_strdup_printf ("/proc/self/ns/%s", ns);
  struct stat a, b;

  if (stat (theirs, &a) < 0 || stat (ours, &b) < 0)
    return FALSE;
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/**
 * cells_auth_pid_in_cell:
 * @pid: a host pid
 *
 * Returns: whether @pid lives in another pid or user namespace than
 * cellsd; a process that is gone counts as in a cell.
 */
gboolean
cells_auth_pid_in_cell (guint32 pid)
{
  return !same_namespace (pid, "pid") || !same_namespace (pid, "user");
}

static void
on_polkit_check_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  AuthData *d = g_task_get_task_data (task);
  g_autoptr(PolkitAuthorizationResult) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), result, &error);
  if (answer == NULL) {
    refuse (task, "Could not ask polkit whether you may do this (%s); refused.",
                             error->message);
    return;
  }
  if (polkit_authorization_result_get_is_challenge (answer)) {
    refuse (task, "Authentication is needed to do this (polkit action %s); run it as root "
                             "or with a polkit authentication agent.", d->action);
    return;
  }
  if (!polkit_authorization_result_get_is_authorized (answer)) {
    refuse (task, "You are not allowed to do this (polkit action %s).", d->action);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
on_polkit_authority_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  AuthData *d = g_task_get_task_data (task);
  g_autoptr(PolkitAuthority) authority = NULL;
  g_autoptr(PolkitSubject) subject = NULL;
  g_autoptr(GError) error = NULL;
  PolkitCheckAuthorizationFlags flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;

  authority = polkit_authority_get_finish (result, &error);
  if (authority == NULL) {
    refuse (task, "polkit is not available to say whether you may do this (%s); refused.",
                             error->message);
    return;
  }
  if (g_dbus_message_get_flags (g_dbus_method_invocation_get_message (d->invocation)) &
      G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
    flags |= POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;
  subject = polkit_system_bus_name_new (g_dbus_method_invocation_get_sender (d->invocation));
  polkit_authority_check_authorization (authority, subject, d->action, NULL, flags, NULL,
                                        on_polkit_check_ready, g_steal_pointer (&task));
}

/* Who the bus's unique names are: name → guint64 (uid << 32 | pid). */
#define MAX_KNOWN 512
static GHashTable      *known;
static GDBusConnection *known_bus;
static guint            known_watch;

static void
on_name_owner_changed (GDBusConnection *bus, const char *sender, const char *path,
                       const char *iface, const char *signal, GVariant *params, gpointer data)
{
  const char *name, *old_owner, *new_owner;

  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(sss)")))
    return;
  g_variant_get (params, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (*new_owner == '\0')
    g_hash_table_remove (known, name);
}

static gboolean
known_lookup (GDBusConnection *bus, const char *sender, guint32 *uid, guint32 *pid)
{
  guint64 *id = known != NULL && bus == known_bus ? g_hash_table_lookup (known, sender) : NULL;

  if (id == NULL)
    return FALSE;
  *uid = *id >> 32;
  *pid = *id & 0xffffffff;
  return TRUE;
}

static void
known_add (GDBusConnection *bus, const char *sender, guint32 uid, guint32 pid)
{
  guint64 *id = g_new (guint64, 1);

  if (bus != known_bus) {
    if (known_bus != NULL)
      g_dbus_connection_signal_unsubscribe (known_bus, known_watch);
    g_clear_object (&known_bus);
    g_clear_pointer (&known, g_hash_table_unref);
    known_bus = g_object_ref (bus);
    known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    known_watch = g_dbus_connection_signal_subscribe (
        bus, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
        "/org/freedesktop/DBus", NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_name_owner_changed, NULL,
        NULL);
  }
  /* Names whose end was missed do no harm but take room. */
  if (g_hash_table_size (known) >= MAX_KNOWN)
    g_hash_table_remove_all (known);
  *id = (guint64) uid << 32 | pid;
  g_hash_table_replace (known, g_strdup (sender), id);
}

static void
decide (GTask *task, guint32 uid, guint32 pid)
{
  AuthData *d = g_task_get_task_data (task);

  d->uid = uid;
  d->pid = pid;
  if (cells_auth_pid_in_cell (pid)) {
    refuse (task, "Requests from inside a cell are refused.");
    return;
  }
  if (uid == 0) {
    g_task_return_boolean (task, TRUE);
    return;
  }
  polkit_authority_get_async (NULL, on_polkit_authority_ready, g_object_ref (task));
}

static void
on_credentials_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  AuthData *d = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) creds = NULL;
  g_autoptr(GError) error = NULL;
  guint32 uid, pid;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL) {
    refuse (task, "Could not find out who is asking (%s); refused.", error->message);
    return;
  }
  g_variant_get (reply, "(@a{sv})", &creds);
  if (!g_variant_lookup (creds, "UnixUserID", "u", &uid) ||
      !g_variant_lookup (creds, "ProcessID", "u", &pid)) {
    refuse (task, "The bus did not say who is asking; refused.");
    return;
  }
  known_add (G_DBUS_CONNECTION (source), g_dbus_method_invocation_get_sender (d->invocation),
             uid, pid);
  decide (task, uid, pid);
}

/**
 * cells_auth_check_async:
 * @invocation: the call to authorize
 * @action: the polkit action it needs
 *
 * Finds out whether the caller of @invocation may do @action; the answer
 * is a %CELLS_ERROR_NOT_AUTHORIZED error with a sentence, or success.
 */
void
cells_auth_check_async (GDBusMethodInvocation *invocation, const char *action,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);
  AuthData *d = g_new0 (AuthData, 1);
  guint32 uid, pid;

  g_return_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation));

  d->invocation = g_object_ref (invocation);
  d->action = g_strdup (action);
  d->uid = d->pid = -1;
  g_task_set_task_data (task, d, (GDestroyNotify) auth_data_free);
  g_task_set_source_tag (task, cells_auth_check_async);

  if (known_lookup (g_dbus_method_invocation_get_connection (invocation),
                    g_dbus_method_invocation_get_sender (invocation), &uid, &pid)) {
    decide (task, uid, pid);
    return;
  }
  g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation),
                          "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionCredentials",
                          g_variant_new ("(s)", g_dbus_method_invocation_get_sender (invocation)),
                          G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          on_credentials_ready, g_steal_pointer (&task));
}

gboolean
cells_auth_check_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  GObject               *object;
  GDBusMethodInvocation *invocation;
  CellsAuthorizedFunc    func;
} AuthorizedCall;

static gboolean serving;

/**
 * cells_auth_set_serving:
 *
 * Whether this cellsd has the bus name and has taken over the state
 * directory. Until then, and once it has lost the name, authorized calls
 * (sent to its unique name) are refused instead of run: they would act
 * on what another cellsd runs.
 */
void
cells_auth_set_serving (gboolean value)
{
  serving = value;
}

static void
on_run_auth_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AuthorizedCall *call = user_data;
  g_autoptr(GError) error = NULL;

  if (!cells_auth_check_finish (result, &error))
    cells_error_return (call->invocation, error);
  else if (!serving)
    g_dbus_method_invocation_return_error (call->invocation, CELLS_ERROR, CELLS_ERROR_BUSY,
                                           "This cellsd is not the one serving "
                                           "org.cells.Cells1; ask that one.");
  else
    call->func (call->object, call->invocation);
  g_object_unref (call->object);
  g_object_unref (call->invocation);
  g_free (call);
}

/**
 * cells_auth_run:
 * @object: the exported object the call is for
 * @invocation: the call
 * @action: the polkit action it needs
 * @func: what to do once it is authorized
 *
 * Authorizes @invocation and then runs @func, or answers the refusal.
 * For use as the whole of a D-Bus method handler.
 *
 * Returns: %G_DBUS_METHOD_INVOCATION_HANDLED
 */
gboolean
cells_auth_run (gpointer object, GDBusMethodInvocation *invocation, const char *action,
                CellsAuthorizedFunc func)
{
  AuthorizedCall *call = g_new0 (AuthorizedCall, 1);

  call->object = g_object_ref (object);
  call->invocation = g_object_ref (invocation);
  call->func = func;
  cells_auth_check_async (invocation, action, on_run_auth_ready, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}
