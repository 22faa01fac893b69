/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "switcher-client"

#include "switcher-client.h"

/**
 * SwitcherClient:
 *
 * The switcher's view of cellsd: the Manager and one CellsDBusCell proxy
 * per cell, from cellsd's ObjectManager, kept in a list sorted by name.
 * It follows the bus name org.cells.Cells1: when cellsd goes away the
 * list empties and "connected" turns false; when a cellsd owns the name
 * again everything is fetched anew. Nothing is polled: cells come and go
 * with the ObjectManager's signals, their properties with
 * PropertiesChanged (the proxies' "g-properties-changed").
 *
 * Signals: "incoming-call" (cell, number) and "import-progress" (image,
 * done, total), the Manager's.
 */

#define BUS_NAME "org.cells.Cells1"
#define MANAGER_PATH "/org/cells/Cells1"

struct _SwitcherClient {
  GObject                 parent;

  guint                   watch_id;
  GCancellable           *cancellable;   /* of the connection being made */
  GDBusObjectManager     *object_manager;
  CellsDBusManager       *manager;
  GListStore             *cells;
  gboolean                connected;
};

G_DEFINE_TYPE (SwitcherClient, switcher_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
  INCOMING_CALL,
  IMPORT_PROGRESS,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static int
compare_cells (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_strcmp0 (cells_dbus_cell_get_name ((CellsDBusCell *) a),
                    cells_dbus_cell_get_name ((CellsDBusCell *) b));
}

static void
add_object (SwitcherClient *self, GDBusObject *object)
{
  g_autoptr(CellsDBusCell) cell = cells_dbus_object_get_cell (CELLS_DBUS_OBJECT (object));

  if (cell == NULL)
    return;
  g_debug ("Cell %s", cells_dbus_cell_get_name (cell));
  g_list_store_insert_sorted (self->cells, cell, compare_cells, NULL);
}

static void
on_object_added (GDBusObjectManager *om, GDBusObject *object, SwitcherClient *self)
{
  add_object (self, object);
}

static void
on_object_removed (GDBusObjectManager *om, GDBusObject *object, SwitcherClient *self)
{
  g_autoptr(CellsDBusCell) cell = cells_dbus_object_get_cell (CELLS_DBUS_OBJECT (object));
  guint pos;

  if (cell != NULL && g_list_store_find (self->cells, cell, &pos))
    g_list_store_remove (self->cells, pos);
}

static void
on_incoming_call (CellsDBusManager *manager, const char *cell, const char *number,
                  SwitcherClient *self)
{
  g_signal_emit (self, signals[INCOMING_CALL], 0, cell, number);
}

static void
on_import_progress (CellsDBusManager *manager, const char *name, guint64 done, guint64 total,
                    SwitcherClient *self)
{
  g_signal_emit (self, signals[IMPORT_PROGRESS], 0, name, done, total);
}

static void
set_connected (SwitcherClient *self, gboolean connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_message ("cellsd %s", connected ? "is there" : "is gone");
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CONNECTED]);
}

static void
disconnect (SwitcherClient *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->object_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->object_manager, self);
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->manager);
  g_list_store_remove_all (self->cells);
  set_connected (self, FALSE);
}

static void
on_manager_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  CellsDBusManager *manager = cells_dbus_manager_proxy_new_finish (result, &error);
  SwitcherClient *self;
  g_autolist(GDBusObject) objects = NULL;

  if (manager == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("The cell manager: %s", error->message);
    return;
  }
  self = SWITCHER_CLIENT (user_data);
  self->manager = manager;
  g_signal_connect (manager, "incoming-call", G_CALLBACK (on_incoming_call), self);
  g_signal_connect (manager, "import-progress", G_CALLBACK (on_import_progress), self);
  objects = g_dbus_object_manager_get_objects (self->object_manager);
  for (GList *l = objects; l != NULL; l = l->next)
    add_object (self, l->data);
  g_signal_connect (self->object_manager, "object-added", G_CALLBACK (on_object_added), self);
  g_signal_connect (self->object_manager, "object-removed", G_CALLBACK (on_object_removed),
                    self);
  set_connected (self, TRUE);
}

static void
on_object_manager_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GDBusObjectManager *om = cells_dbus_object_manager_client_new_finish (result, &error);
  SwitcherClient *self;

  if (om == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("The cells' object manager: %s", error->message);
    return;
  }
  self = SWITCHER_CLIENT (user_data);
  self->object_manager = om;
  cells_dbus_manager_proxy_new (g_dbus_object_manager_client_get_connection (
                                  G_DBUS_OBJECT_MANAGER_CLIENT (om)),
                                G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, BUS_NAME, MANAGER_PATH,
                                self->cancellable, on_manager_ready, self);
}

static void
on_name_appeared (GDBusConnection *connection, const char *name, const char *owner,
                  gpointer user_data)
{
  SwitcherClient *self = SWITCHER_CLIENT (user_data);

  g_debug ("%s is owned by %s", name, owner);
  disconnect (self);
  self->cancellable = g_cancellable_new ();
  cells_dbus_object_manager_client_new (connection,
                                        G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                        BUS_NAME, MANAGER_PATH, self->cancellable,
                                        on_object_manager_ready, self);
}

static void
on_name_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  disconnect (SWITCHER_CLIENT (user_data));
}

static void
switcher_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SwitcherClient *self = SWITCHER_CLIENT (object);

  switch (prop_id) {
  case PROP_CONNECTED:
    g_value_set_boolean (value, self->connected);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
switcher_client_dispose (GObject *object)
{
  SwitcherClient *self = SWITCHER_CLIENT (object);

  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  if (self->cells != NULL)
    disconnect (self);
  g_clear_object (&self->cells);
  G_OBJECT_CLASS (switcher_client_parent_class)->dispose (object);
}

static void
switcher_client_class_init (SwitcherClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = switcher_client_get_property;
  object_class->dispose = switcher_client_dispose;

  props[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[INCOMING_CALL] =
    g_signal_new ("incoming-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[IMPORT_PROGRESS] =
    g_signal_new ("import-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
switcher_client_init (SwitcherClient *self)
{
  self->cells = g_list_store_new (CELLS_DBUS_TYPE_CELL);
  self->watch_id = g_bus_watch_name (G_BUS_TYPE_SYSTEM, BUS_NAME,
                                     G_BUS_NAME_WATCHER_FLAGS_NONE, on_name_appeared,
                                     on_name_vanished, self, NULL);
}

SwitcherClient *
switcher_client_new (void)
{
  return g_object_new (SWITCHER_TYPE_CLIENT, NULL);
}

gboolean
switcher_client_get_connected (SwitcherClient *self)
{
  g_return_val_if_fail (SWITCHER_IS_CLIENT (self), FALSE);
  return self->connected;
}

/**
 * switcher_client_get_manager:
 *
 * Returns: (transfer none) (nullable): the Manager, %NULL while cellsd is not there
 */
CellsDBusManager *
switcher_client_get_manager (SwitcherClient *self)
{
  g_return_val_if_fail (SWITCHER_IS_CLIENT (self), NULL);
  return self->manager;
}

/**
 * switcher_client_get_cells:
 *
 * Returns: (transfer none): the cells (CellsDBusCell), sorted by name
 */
GListModel *
switcher_client_get_cells (SwitcherClient *self)
{
  g_return_val_if_fail (SWITCHER_IS_CLIENT (self), NULL);
  return G_LIST_MODEL (self->cells);
}

/**
 * switcher_client_lookup:
 *
 * Returns: (transfer none) (nullable): the cell named @name
 */
CellsDBusCell *
switcher_client_lookup (SwitcherClient *self, const char *name)
{
  guint n;

  g_return_val_if_fail (SWITCHER_IS_CLIENT (self), NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->cells));
  for (guint i = 0; i < n; i++) {
    g_autoptr(CellsDBusCell) cell = g_list_model_get_item (G_LIST_MODEL (self->cells), i);

    if (g_strcmp0 (cells_dbus_cell_get_name (cell), name) == 0)
      return cell;
  }
  return NULL;
}
