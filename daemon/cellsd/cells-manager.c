/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-manager"

#include "cells-config.h"
#include "cells-manager.h"
#include "cells-auth.h"
#include "cells-cell.h"
#include "cells-devns.h"
#include "cells-errors.h"
#include "cells-idmap.h"
#include "cells-image.h"
#include "cells-seat.h"
#include "cells-telephony.h"
#include "cells-util.h"

#include <gio/gunixfdlist.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/**
 * CellsManager:
 *
 * The `org.cells.Cells1.Manager` object and the object manager of the
 * cells. It loads every cell from the state directory at start (adopting
 * the ones whose containers still run), creates new ones, imports images
 * and keeps the foreground: at most one cell, always a running one.
 *
 * State directory layout:
 *   images/NAME/        base images, owned by host root
 *   cells/NAME/cell.conf the cell's definition (a key file)
 *   cells/NAME/config   LXC configuration, written at every start
 *   cells/NAME/upper/   the cell's writable layer (the cell's own ids)
 *   cells/NAME/lower/   where the id-mapped image is mounted while it runs
 */

#define OBJECT_PATH "/org/cells/Cells1"

struct _CellsManager {
  CellsDBusManagerSkeleton  parent;

  char                     *state_dir;
  char                     *cells_dir;
  char                     *images_dir;
  const CellsSettings      *settings;
  CellsHost                 host;
  GHashTable               *cells;   /* name → CellsCell */
  GDBusObjectManagerServer *object_manager;
  CellsSeat                *switcher_seat;
  gboolean                  taken_over;         /* cells_manager_take_over() */
  int                       initial_devns_fd;   /* with device namespaces */
  CellsTelephony           *telephony;          /* once on the bus */
  CellsClaims              *claims;             /* who holds which device */
  CellsNetwork             *network;            /* NULL: cells have loopback only */
  CellsUdev                *udev;               /* the devices of the cells' udev views */
};

static void cells_manager_iface_init (CellsDBusManagerIface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsManager, cells_manager, CELLS_DBUS_TYPE_MANAGER_SKELETON,
                         G_IMPLEMENT_INTERFACE (CELLS_DBUS_TYPE_MANAGER, cells_manager_iface_init))

typedef void (*CellsManagerFunc) (CellsManager *self, GDBusMethodInvocation *invocation);

static gboolean
begin_call (CellsManager *self, GDBusMethodInvocation *invocation, const char *action,
            CellsManagerFunc func)
{
  return cells_auth_run (self, invocation, action, (CellsAuthorizedFunc) func);
}

static CellsCell *
lookup (CellsManager *self, const char *name, GError **error)
{
  CellsCell *cell;

  if (!cells_name_validate (name, "cell", error))
    return NULL;
  cell = g_hash_table_lookup (self->cells, name);
  if (cell == NULL)
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_NOT_FOUND, "There is no cell named “%s”.", name);
  return cell;
}

/* The kernel sends input to the foreground cell's device namespace (the
 * initial one, cellsd's and the switcher's, when there is none). */
static void
activate_device_namespace (CellsManager *self, CellsCell *cell)
{
  g_autoptr(GError) error = NULL;
  int fd = cell != NULL ? cells_cell_get_device_namespace (cell) : -1;

  if (fd < 0)
    fd = self->initial_devns_fd;
  if (!cells_devns_activate (fd, &error))
    g_warning ("%s", error->message);
}

static void
set_foreground (CellsManager *self, const char *name)
{
  const char *old = cells_dbus_manager_get_foreground (CELLS_DBUS_MANAGER (self));
  CellsCell *cell;

  gint64 start = g_get_monotonic_time ();

  if (g_strcmp0 (old, name) == 0)
    return;
  /* The old one gives everything up before the new one gets it. */
  cell = g_hash_table_lookup (self->cells, old);
  if (cell != NULL)
    cells_cell_set_foreground (cell, FALSE);
  else if (*old == '\0' && self->switcher_seat != NULL)
    cells_seat_set_active (self->switcher_seat, FALSE);
  cell = g_hash_table_lookup (self->cells, name);
  if (self->host.dev_ns)
    activate_device_namespace (self, cell);
  if (cell != NULL)
    cells_cell_set_foreground (cell, TRUE);
  else if (*name == '\0' && self->switcher_seat != NULL)
    cells_seat_set_active (self->switcher_seat, TRUE);
  g_message ("Foreground: %s (switched in %" G_GINT64_FORMAT " µs)", *name ? name : "(none)",
             g_get_monotonic_time () - start);
  cells_dbus_manager_set_last_switch_duration (CELLS_DBUS_MANAGER (self),
                                               g_get_monotonic_time () - start);
  cells_dbus_manager_set_foreground (CELLS_DBUS_MANAGER (self), name);
}

static void
on_cell_state_changed (CellsCell *cell, GParamSpec *pspec, CellsManager *self)
{
  const char *fg = cells_dbus_manager_get_foreground (CELLS_DBUS_MANAGER (self));

  if (cells_cell_get_state (cell) != CELLS_STATE_RUNNING &&
      g_strcmp0 (fg, cells_cell_get_name (cell)) == 0)
    set_foreground (self, "");
  if (self->telephony != NULL)
    cells_telephony_update_cell (self->telephony, cell);
}

static void
on_cell_definition_changed (CellsCell *cell, CellsManager *self)
{
  if (self->telephony != NULL)
    cells_telephony_update_cell (self->telephony, cell);
}

/* At most one cell has the SIM line. */
static gboolean
check_phone_line (CellsManager *self, const CellsDefinition *def, GError **error)
{
  GHashTableIter iter;
  CellsCell *cell;

  if (!g_str_equal (def->phone_line, "sim"))
    return TRUE;
  g_hash_table_iter_init (&iter, self->cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cell)) {
    const CellsDefinition *other = cells_cell_get_definition (cell);

    if (!g_str_equal (other->name, def->name) && g_str_equal (other->phone_line, "sim")) {
      g_set_error (error, CELLS_ERROR, CELLS_ERROR_EXISTS,
                   "Cell “%s” has the SIM line already; take it from that cell first "
                   "(cellsctl set %s phone-line=).", other->name, other->name);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
validate_definition (const CellsDefinition *def, gpointer data, GError **error)
{
  return check_phone_line (data, def, error);
}

static void
on_incoming_call (CellsTelephony *telephony, const char *cell, const char *number,
                  CellsManager *self)
{
  g_message ("Incoming call for cell “%s” (in the background) from “%s”", cell, number);
  cells_dbus_manager_emit_incoming_call (CELLS_DBUS_MANAGER (self), cell, number);
}

static void
on_cell_destroyed (CellsCell *cell, CellsManager *self)
{
  g_autofree char *path = cells_name_to_object_path (cells_cell_get_name (cell));
  g_autofree char *name = g_strdup (cells_cell_get_name (cell));

  if (g_strcmp0 (cells_dbus_manager_get_foreground (CELLS_DBUS_MANAGER (self)), name) == 0)
    set_foreground (self, "");
  g_signal_handlers_disconnect_by_data (cell, self);
  if (self->telephony != NULL)
    cells_telephony_remove_cell (self->telephony, cell);
  g_dbus_object_manager_server_unexport (self->object_manager, path);
  g_hash_table_remove (self->cells, name);
}

static char *
add_cell (CellsManager *self, CellsCell *cell)
{
  g_autoptr(CellsDBusObjectSkeleton) object = NULL;
  char *path = cells_name_to_object_path (cells_cell_get_name (cell));

  g_hash_table_insert (self->cells, g_strdup (cells_cell_get_name (cell)), cell);
  g_signal_connect (cell, "notify::state", G_CALLBACK (on_cell_state_changed), self);
  g_signal_connect (cell, "destroyed", G_CALLBACK (on_cell_destroyed), self);
  g_signal_connect (cell, "definition-changed", G_CALLBACK (on_cell_definition_changed), self);
  cells_cell_set_validator (cell, validate_definition, self);
  if (self->telephony != NULL)
    cells_telephony_update_cell (self->telephony, cell);
  object = cells_dbus_object_skeleton_new (path);
  cells_dbus_object_skeleton_set_cell (object, CELLS_DBUS_CELL (cell));
  g_dbus_object_manager_server_export (self->object_manager, G_DBUS_OBJECT_SKELETON (object));
  return path;
}

/* CreateCell */

static gboolean
make_cell_dir (const char *dir, const CellsDefinition *def, gboolean *created, GError **error)
{
  static const char *const subdirs[] = { "upper", "work", "lower" };
  g_autofree char *conf = g_build_filename (dir, "cell.conf", NULL);

  if (g_mkdir (dir, 0711) < 0) {
    if (errno == EEXIST)
      g_set_error (error, CELLS_ERROR, CELLS_ERROR_EXISTS,
                   "%s exists already, left by a cell whose definition could not be read; "
                   "move it away to use the name “%s”.", dir, def->name);
    else
      g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not create %s: %s",
                   dir, g_strerror (errno));
    return FALSE;
  }
  *created = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++) {
    g_autofree char *sub = g_build_filename (dir, subdirs[i], NULL);

    if (g_mkdir (sub, 0755) < 0 || chown (sub, def->uid_base, def->gid_base) < 0) {
      g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not create %s: %s",
                   sub, g_strerror (errno));
      return FALSE;
    }
  }
  return cells_definition_save (def, conf, error);
}

static gboolean
pick_ids (CellsManager *self, CellsDefinition *def, GError **error)
{
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) gids = g_array_new (FALSE, FALSE, sizeof (guint32));
  GHashTableIter iter;
  CellsCell *cell;

  g_hash_table_iter_init (&iter, self->cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cell)) {
    const CellsDefinition *other = cells_cell_get_definition (cell);

    g_array_append_val (uids, other->uid_base);
    g_array_append_val (gids, other->gid_base);
  }
  return cells_idmap_pick ("/etc/subuid", (guint32 *) uids->data, uids->len, &def->uid_base,
                           error) &&
         cells_idmap_pick ("/etc/subgid", (guint32 *) gids->data, gids->len, &def->gid_base, error);
}

static CellsCell *
create_cell (CellsManager *self, const char *name, GVariant *options, GError **error)
{
  g_autoptr(CellsDefinition) def = NULL;
  g_autofree char *dir = NULL;
  gboolean created = FALSE;

  if (!cells_name_validate (name, "cell", error))
    return NULL;
  def = cells_definition_new (name);
  if (!cells_definition_apply (def, options, TRUE, error))
    return NULL;
  if (g_hash_table_contains (self->cells, name)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_EXISTS, "A cell named “%s” exists already.", name);
    return NULL;
  }
  if (!check_phone_line (self, def, error))
    return NULL;
  if (!cells_image_exists (self->images_dir, def->image)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_NOT_FOUND,
                 "There is no image named “%s”; import one with “cellsctl image import”.",
                 def->image);
    return NULL;
  }
  if (!pick_ids (self, def, error))
    return NULL;
  def->created_at = g_get_real_time () / G_USEC_PER_SEC;

  dir = g_build_filename (self->cells_dir, name, NULL);
  if (!make_cell_dir (dir, def, &created, error) ||
      !cells_definition_save_secret (def, dir, error)) {
    if (created)
      cells_remove_tree (dir, NULL);
    return NULL;
  }
  return cells_cell_new (g_steal_pointer (&def), self->state_dir, &self->host, self->settings,
                         self->claims, self->network,
                         self->udev);
}

static void
do_create_cell (CellsManager *self, GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariant) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *name;
  CellsCell *cell;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s@a{sv})",
                 &name, &options);
  cell = create_cell (self, name, options, &error);
  if (cell == NULL) {
    cells_error_return (invocation, error);
    return;
  }
  path = add_cell (self, cell);
  g_message ("Cell “%s” created from image “%s”", name,
             cells_dbus_cell_get_image (CELLS_DBUS_CELL (cell)));
  cells_dbus_manager_complete_create_cell (CELLS_DBUS_MANAGER (self), invocation, path);
}

static gboolean
handle_create_cell (CellsDBusManager *object, GDBusMethodInvocation *invocation,
                    const char *name, GVariant *options)
{
  return begin_call (CELLS_MANAGER (object), invocation, CELLS_ACTION_MANAGE, do_create_cell);
}

/* Lookups */

static gboolean
handle_get_cell (CellsDBusManager *object, GDBusMethodInvocation *invocation, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (lookup (CELLS_MANAGER (object), name, &error) == NULL) {
    cells_error_return (invocation, error);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  path = cells_name_to_object_path (name);
  cells_dbus_manager_complete_get_cell (object, invocation, path);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
handle_list_cells (CellsDBusManager *object, GDBusMethodInvocation *invocation)
{
  CellsManager *self = CELLS_MANAGER (object);
  g_autofree const char **names =
      (const char **) g_hash_table_get_keys_as_array (self->cells, NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  guint n = g_hash_table_size (self->cells);

  qsort (names, n, sizeof (char *), compare_names);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (paths, cells_name_to_object_path (names[i]));
  g_ptr_array_add (paths, NULL);
  cells_dbus_manager_complete_list_cells (object, invocation, (const char *const *) paths->pdata);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_list_images (CellsDBusManager *object, GDBusMethodInvocation *invocation)
{
  g_auto(GStrv) images = cells_image_list (CELLS_MANAGER (object)->images_dir);

  cells_dbus_manager_complete_list_images (object, invocation, (const char *const *) images);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* SwitchTo */

static void
do_switch_to (CellsManager *self, GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;
  const char *name;
  CellsCell *cell;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &name);
  if (*name != '\0') {
    cell = lookup (self, name, &error);
    if (cell == NULL ||
        cells_state_check (cells_cell_get_state (cell), CELLS_OP_SWITCH, name, &error) ==
        CELLS_VERDICT_REFUSE) {
      cells_error_return (invocation, error);
      return;
    }
  }
  set_foreground (self, name);
  cells_dbus_manager_complete_switch_to (CELLS_DBUS_MANAGER (self), invocation);
}

static gboolean
handle_switch_to (CellsDBusManager *object, GDBusMethodInvocation *invocation, const char *name)
{
  return begin_call (CELLS_MANAGER (object), invocation, CELLS_ACTION_SWITCH, do_switch_to);
}

/* DeclineCall */

static void
do_decline_call (CellsManager *self, GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;
  const char *name;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &name);
  if (lookup (self, name, &error) == NULL) {
    cells_error_return (invocation, error);
    return;
  }
  if (self->telephony == NULL || cells_telephony_decline (self->telephony, name) == 0) {
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_NOT_FOUND,
                                           "No call is ringing in cell “%s”.", name);
    return;
  }
  cells_dbus_manager_complete_decline_call (CELLS_DBUS_MANAGER (self), invocation);
}

static gboolean
handle_decline_call (CellsDBusManager *object, GDBusMethodInvocation *invocation,
                     const char *name)
{
  return begin_call (CELLS_MANAGER (object), invocation, CELLS_ACTION_SWITCH, do_decline_call);
}

/* ImportImage */

typedef struct {
  CellsManager          *self;
  GDBusMethodInvocation *invocation;
  char                  *name;
  GCancellable          *cancellable;   /* cancelled when the caller goes away */
  guint                  watch_id;
} ImportCall;

static void
on_import_progress (guint64 done, guint64 total, gpointer user_data)
{
  ImportCall *call = user_data;

  cells_dbus_manager_emit_import_progress (CELLS_DBUS_MANAGER (call->self), call->name, done,
                                           total);
}

static void
on_import_caller_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  ImportCall *call = user_data;

  g_message ("The caller importing image “%s” went away", call->name);
  g_cancellable_cancel (call->cancellable);
}

static void
on_import_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportCall *call = user_data;
  g_autoptr(GError) error = NULL;

  if (!cells_image_import_finish (result, &error)) {
    g_message ("Import of image “%s” failed: %s", call->name, error->message);
    cells_error_return (call->invocation, error);
  } else {
    g_message ("Image “%s” imported", call->name);
    cells_dbus_manager_complete_import_image (CELLS_DBUS_MANAGER (call->self), call->invocation,
                                              NULL);
  }
  g_bus_unwatch_name (call->watch_id);
  g_object_unref (call->cancellable);
  g_object_unref (call->self);
  g_object_unref (call->invocation);
  g_free (call->name);
  g_free (call);
}

static void
do_import_image (CellsManager *self, GDBusMethodInvocation *invocation)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  GUnixFDList *fds = g_dbus_message_get_unix_fd_list (message);
  g_autoptr(GError) error = NULL;
  ImportCall *call;
  const char *name;
  gint32 handle;
  int fd;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&sh)", &name, &handle);
  if (!cells_name_validate (name, "image", &error)) {
    cells_error_return (invocation, error);
    return;
  }
  if (fds == NULL || handle < 0 || handle >= g_unix_fd_list_get_length (fds) ||
      (fd = g_unix_fd_list_get (fds, handle, &error)) < 0) {
    g_dbus_method_invocation_return_error (
        invocation, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
        "No readable file descriptor was passed for the archive.");
    return;
  }
  call = g_new0 (ImportCall, 1);
  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  call->name = g_strdup (name);
  call->cancellable = g_cancellable_new ();
  call->watch_id = g_bus_watch_name_on_connection (
      g_dbus_method_invocation_get_connection (invocation),
      g_dbus_method_invocation_get_sender (invocation), G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
      on_import_caller_vanished, call, NULL);
  g_message ("Importing image “%s”", name);
  cells_image_import_async (self->images_dir, name, fd, &self->settings->image_limits,
                            on_import_progress, call, call->cancellable, on_import_ready, call);
}

static gboolean
handle_import_image (CellsDBusManager *object, GDBusMethodInvocation *invocation,
                     GUnixFDList *fd_list, const char *name, GVariant *handle)
{
  return begin_call (CELLS_MANAGER (object), invocation, CELLS_ACTION_MANAGE, do_import_image);
}

static void
cells_manager_iface_init (CellsDBusManagerIface *iface)
{
  iface->handle_create_cell = handle_create_cell;
  iface->handle_get_cell = handle_get_cell;
  iface->handle_list_cells = handle_list_cells;
  iface->handle_switch_to = handle_switch_to;
  iface->handle_decline_call = handle_decline_call;
  iface->handle_list_images = handle_list_images;
  iface->handle_import_image = handle_import_image;
}

static void
cells_manager_finalize (GObject *object)
{
  CellsManager *self = CELLS_MANAGER (object);

  g_clear_object (&self->telephony);
  g_clear_pointer (&self->cells, g_hash_table_unref);
  g_clear_pointer (&self->network, cells_network_free);
  g_clear_pointer (&self->switcher_seat, cells_seat_free);
  g_clear_pointer (&self->udev, cells_udev_free);
  if (self->initial_devns_fd >= 0)
    close (self->initial_devns_fd);
  g_clear_object (&self->object_manager);
  g_clear_pointer (&self->claims, cells_claims_free);
  g_free (self->state_dir);
  g_free (self->cells_dir);
  g_free (self->images_dir);

  G_OBJECT_CLASS (cells_manager_parent_class)->finalize (object);
}

static void
cells_manager_class_init (CellsManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cells_manager_finalize;
}

static void
cells_manager_init (CellsManager *self)
{
  self->cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->initial_devns_fd = -1;
  self->claims = cells_claims_new ();
  self->object_manager = g_dbus_object_manager_server_new (OBJECT_PATH);
}

/* Leftovers of an import or a destroy that a crash interrupted. */
static void
remove_leftovers (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (d != NULL && (entry = g_dir_read_name (d)) != NULL) {
    g_autofree char *path = g_build_filename (dir, entry, NULL);

    if (g_str_has_prefix (entry, ".import-") || g_str_has_prefix (entry, ".destroy-")) {
      g_message ("Removing %s, left by an interrupted import or destroy", path);
      if (g_str_has_suffix (entry, ".log"))
        g_unlink (path);
      else
        cells_remove_tree (path, NULL);
    }
  }
}

/* Temporary files of atomic writes that a crash cut short (NAME.XXXXXX). */
static void
remove_temporaries (const char *cell_dir)
{
  static const char *const written[] = { "cell.conf", "sip.secret", "config", "modem-bus.conf" };
  g_autoptr(GDir) d = g_dir_open (cell_dir, 0, NULL);
  const char *entry;

  while (d != NULL && (entry = g_dir_read_name (d)) != NULL) {
    for (guint i = 0; i < G_N_ELEMENTS (written); i++) {
      gsize n = strlen (written[i]);

      if (strncmp (entry, written[i], n) == 0 && entry[n] == '.' && strlen (entry + n + 1) == 6) {
        g_autofree char *path = g_build_filename (cell_dir, entry, NULL);

        g_message ("Removing %s, left by an interrupted write", path);
        g_unlink (path);
      }
    }
  }
}

/* A cell whose creation a crash cut short: no definition yet (it is
 * written last) and nothing in its layer. Its name is free again. */
static gboolean
remove_half_created (const char *cell_dir)
{
  g_autofree char *conf = g_build_filename (cell_dir, "cell.conf", NULL);
  g_autofree char *upper = g_build_filename (cell_dir, "upper", NULL);
  g_autofree char *lower = g_build_filename (cell_dir, "lower", NULL);
  g_autoptr(GDir) layer = g_dir_open (upper, 0, NULL);

  if (g_file_test (conf, G_FILE_TEST_EXISTS) || (layer != NULL && g_dir_read_name (layer) != NULL))
    return FALSE;
  g_message ("Removing %s, a cell whose creation was interrupted", cell_dir);
  cells_lxc_unmount_lower (lower);
  return cells_remove_tree (cell_dir, NULL);
}

/* The directories below cells/ named as cells are. */
static GPtrArray *
cell_dirs (CellsManager *self)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (self->cells_dir, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (self->cells_dir, entry, NULL);

    if (cells_name_validate (entry, "cell", NULL) && g_file_test (path, G_FILE_TEST_IS_DIR))
      g_ptr_array_add (names, g_strdup (entry));
  }
  return names;
}

/* The cells' definitions, read only: nothing of the state directory is
 * changed before the name is cellsd's (cells_manager_take_over()). */
static void
load_cells (CellsManager *self)
{
  g_autoptr(GPtrArray) names = cell_dirs (self);

  for (guint i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    g_autofree char *conf = g_build_filename (self->cells_dir, name, "cell.conf", NULL);
    g_autoptr(GError) error = NULL;
    CellsDefinition *def;
    CellsCell *cell;

    /* No definition: one whose creation was cut short, removed later. */
    if (!g_file_test (conf, G_FILE_TEST_EXISTS))
      continue;
    def = cells_definition_load (name, conf, &error);
    if (def == NULL) {
      g_message ("Skipping cell “%s” (its directory is kept as it is): %s: %s", name, conf,
                 error->message);
      continue;
    }
    cell = cells_cell_new (def, self->state_dir, &self->host, self->settings, self->claims,
                           self->network, self->udev);
    g_free (add_cell (self, cell));
  }
}

/* What crashes left in the cells' directories. */
static void
clean_cells (CellsManager *self)
{
  g_autoptr(GPtrArray) names = cell_dirs (self);

  for (guint i = 0; i < names->len; i++) {
    g_autofree char *cell_dir = g_build_filename (self->cells_dir, names->pdata[i], NULL);

    remove_temporaries (cell_dir);
    remove_half_created (cell_dir);
  }
}

static gboolean
make_dir (const char *path, int mode, GError **error)
{
  if (g_mkdir_with_parents (path, mode) < 0 || g_chmod (path, mode) < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not create %s: %s",
                 path, g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

static int
switcher_may_open (gpointer data, CellsDeviceClass klass, const char *path)
{
  return 0;
}

static void
switcher_released (gpointer data, CellsDeviceClass klass, const char *path)
{
}

/* Whether @uid is one that cells run as: in a cell's block, or in root's
 * subordinate ranges, from which every block is taken. */
static gboolean
is_cells_uid (CellsManager *self, uid_t uid)
{
  g_autofree char *contents = NULL;
  g_autoptr(GArray) ranges = NULL;
  GHashTableIter iter;
  CellsCell *cell;

  g_hash_table_iter_init (&iter, self->cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cell)) {
    const CellsDefinition *def = cells_cell_get_definition (cell);

    if (uid >= def->uid_base && (guint64) uid < (guint64) def->uid_base + CELLS_IDS_PER_CELL)
      return TRUE;
  }
  if (!g_file_get_contents ("/etc/subuid", &contents, NULL, NULL))
    return FALSE;
  ranges = cells_idmap_parse (contents, "root", 0);
  for (guint i = 0; i < ranges->len; i++) {
    const CellsIdRange *r = &g_array_index (ranges, CellsIdRange, i);

    if (uid >= r->start && (guint64) uid < (guint64) r->start + r->count)
      return TRUE;
  }
  return FALSE;
}

/* Who may be the switcher's seat client, the compositor of the trusted
 * screen: root, [Switcher] User, members of [Switcher] Group; never a uid
 * that cells run as, whatever its groups. Names are looked up at each
 * connection, so a user made after cellsd started is seen. */
static char *
switcher_may_connect (gpointer data, uid_t uid, const gid_t *gids, guint n_gids)
{
  CellsManager *self = data;
  const char *user = self->settings->switcher_user;
  const char *group = self->settings->switcher_group;

  if (uid == 0)
    return NULL;
  if (is_cells_uid (self, uid))
    return g_strdup ("a uid that cells run as");
  if (user != NULL) {
    struct passwd pw, *found = NULL;
    char buf[4096];

    if (getpwnam_r (user, &pw, buf, sizeof buf, &found) == 0 && found != NULL &&
        found->pw_uid == uid)
      return NULL;
  }
  if (group != NULL) {
    struct group gr, *found = NULL;
    g_autofree char *buf = g_malloc (65536);

    if (getgrnam_r (group, &gr, buf, 65536, &found) == 0 && found != NULL) {
      for (guint i = 0; i < n_gids; i++) {
        if (gids[i] == found->gr_gid)
          return NULL;
      }
    }
  }
  if (user != NULL && group != NULL)
    return g_strdup_printf ("not root, not “%s” and not in the group “%s” ([Switcher] in "
                            "cellsd.conf)", user, group);
  if (user != NULL || group != NULL)
    return g_strdup_printf ("not root and not %s “%s” ([Switcher] in cellsd.conf)",
                            user != NULL ? "the user" : "in the group",
                            user != NULL ? user : group);
  return g_strdup ("not root (cellsd.conf names no [Switcher] User or Group)");
}

static void
switcher_seat_changed (gpointer data)
{
  CellsManager *self = data;

  cells_dbus_manager_set_switcher_seat_clients (CELLS_DBUS_MANAGER (self),
                                                cells_seat_get_n_clients (self->switcher_seat));
}

static void
switcher_reopened (gpointer data, const char *path)
{
  CellsManager *self = data;

  if (self->udev != NULL)
    cells_udev_wake_host (self->udev, path);
}

/* Input goes to cellsd's own namespace until a cell is in the foreground. */
static gboolean
use_device_namespaces (CellsManager *self, GError **error)
{
  self->initial_devns_fd = cells_devns_open_initial ();
  if (self->initial_devns_fd < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not open /proc/self/ns/pid: %s",
                 g_strerror (errno));
    return FALSE;
  }
  if (!cells_devns_activate (self->initial_devns_fd, error))
    return FALSE;
  g_message ("The kernel has device namespaces: background cells keep their input devices");
  return TRUE;
}

/**
 * cells_manager_shutdown_network:
 *
 * A clean exit: cellsd's nftables table and the cells' bridge go. Not
 * when another cellsd replaced this one: the network is its now.
 */
void
cells_manager_shutdown_network (CellsManager *self)
{
  g_return_if_fail (CELLS_IS_MANAGER (self));
  if (self->network != NULL)
    cells_network_shutdown (self->network);
}

/**
 * cells_manager_new:
 * @settings: how cellsd runs; kept, it must outlive the manager
 * @host: what the host offers cells
 *
 * Creates the manager and loads every cell, adopting running ones.
 */
CellsManager *
cells_manager_new (const CellsSettings *settings, const CellsHost *host, GError **error)
{
  g_autoptr(CellsManager) self = g_object_new (CELLS_TYPE_MANAGER, NULL);

  self->settings = settings;
  self->state_dir = g_canonicalize_filename (settings->state_dir, NULL);
  self->cells_dir = g_build_filename (self->state_dir, "cells", NULL);
  self->images_dir = g_build_filename (self->state_dir, "images", NULL);
  self->host = *host;

  /* Cells reach their own directory through these, so others may traverse. */
  if (!make_dir (self->state_dir, 0711, error) ||
      !make_dir (self->cells_dir, 0711, error) ||
      !make_dir (self->images_dir, 0700, error))
    return NULL;
  cells_dbus_manager_set_version (CELLS_DBUS_MANAGER (self), PACKAGE_VERSION);
  cells_dbus_manager_set_state_directory (CELLS_DBUS_MANAGER (self), self->state_dir);
  cells_dbus_manager_set_foreground (CELLS_DBUS_MANAGER (self), "");
  cells_dbus_manager_set_kernel_device_namespaces (CELLS_DBUS_MANAGER (self), self->host.dev_ns);
  load_cells (self);
  return g_steal_pointer (&self);
}

/**
 * cells_manager_take_over:
 *
 * Once the name is cellsd's (exported before, with the cells read from
 * the state directory): clears what a crash left there, makes the
 * switcher's seat and the cells' udev views, and adopts the cells that
 * run. A cellsd that does not get the name changes none of this (the
 * running cellsd's sockets, views, mounts and imports stay its own).
 */
gboolean
cells_manager_take_over (CellsManager *self, GError **error)
{
  GHashTableIter iter;
  CellsCell *cell;

  g_return_val_if_fail (CELLS_IS_MANAGER (self), FALSE);
  if (self->taken_over)
    return TRUE;
  self->taken_over = TRUE;
  remove_leftovers (self->images_dir);
  remove_leftovers (self->cells_dir);
  clean_cells (self);
  if (self->host.dev_ns && !use_device_namespaces (self, error))
    return FALSE;
  /* The switcher is a seat client in the root namespace (root, or the
   * user or group of [Switcher], see switcher_may_connect); it has the
   * screen while no cell is in the foreground. */
  self->switcher_seat = cells_seat_new ("(switcher)", self->settings->switcher_seat_dir, 0, 1,
                                        CELLS_SEAT_DIALECT_0_7, switcher_may_open,
                                        switcher_released, switcher_seat_changed, self, error);
  if (self->switcher_seat == NULL)
    return FALSE;
  cells_seat_set_may_connect (self->switcher_seat, switcher_may_connect);
  cells_seat_set_reopened (self->switcher_seat, switcher_reopened);
  cells_seat_set_active (self->switcher_seat, TRUE);
  self->udev = cells_udev_new ("/sys", "/run/udev", self->settings->lxc_start_path);
  g_hash_table_iter_init (&iter, self->cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cell))
    cells_cell_adopt (cell, self->udev);
  return TRUE;
}

/**
 * cells_manager_start_telephony:
 *
 * Once the name is cellsd's (exported before): cellsd is the one client
 * of ModemManager, on the same system bus. A cellsd that does not get the
 * name never touches the modem, and has nothing in flight when it exits.
 */
void
cells_manager_start_telephony (CellsManager *self)
{
  GDBusConnection *connection;
  GHashTableIter iter;
  CellsCell *cell;

  g_return_if_fail (CELLS_IS_MANAGER (self));
  connection = g_dbus_object_manager_server_get_connection (self->object_manager);
  if (self->telephony != NULL || connection == NULL)
    return;
  self->telephony = cells_telephony_new (connection, self->settings, self->claims);
  g_object_unref (connection);
  g_signal_connect (self->telephony, "incoming-call", G_CALLBACK (on_incoming_call), self);
  g_hash_table_iter_init (&iter, self->cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cell))
    cells_telephony_update_cell (self->telephony, cell);
}

gboolean
cells_manager_export (CellsManager *self, GDBusConnection *connection, GError **error)
{
  g_return_val_if_fail (CELLS_IS_MANAGER (self), FALSE);

  g_dbus_object_manager_server_set_connection (self->object_manager, connection);
  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self), connection,
                                           OBJECT_PATH, error);
}

static void
on_autostart_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!cells_cell_start_finish (CELLS_CELL (source), result, &error))
    g_warning ("Autostart of cell “%s” failed: %s", cells_cell_get_name (CELLS_CELL (source)),
               error->message);
}

/**
 * cells_manager_switch_to_switcher:
 *
 * Gives the screen to the switcher (no cell in the foreground), as the
 * secure switch chord does.
 */
void
cells_manager_switch_to_switcher (CellsManager *self)
{
  g_return_if_fail (CELLS_IS_MANAGER (self));
  set_foreground (self, "");
}

/**
 * cells_manager_start_network:
 *
 * Once the name is cellsd's: makes the cells' network (unless cellsd.conf
 * says no) and gives running cells their links back. Without it (no nft,
 * say) cells have loopback only.
 */
void
cells_manager_start_network (CellsManager *self)
{
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  CellsCell *cell;

  g_return_if_fail (CELLS_IS_MANAGER (self));
  if (!self->settings->network.enabled || self->network != NULL)
    return;
  self->network = cells_network_new (&self->settings->network, self->state_dir, &error);
  if (self->network == NULL) {
    g_warning ("Cells get loopback only: %s", error->message);
    return;
  }
  g_hash_table_iter_init (&iter, self->cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cell))
    cells_cell_set_network (cell, self->network);
}

void
cells_manager_autostart (CellsManager *self)
{
  GHashTableIter iter;
  CellsCell *cell;

  g_return_if_fail (CELLS_IS_MANAGER (self));

  g_hash_table_iter_init (&iter, self->cells);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cell)) {
    if (cells_cell_get_definition (cell)->autostart &&
        cells_cell_get_state (cell) != CELLS_STATE_RUNNING)
      cells_cell_start_async (cell, on_autostart_ready, NULL);
  }
}
