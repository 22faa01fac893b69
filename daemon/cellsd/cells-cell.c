/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-cell"

#include "cells-cell.h"
#include "cells-auth.h"
#include "cells-errors.h"
#include "cells-image.h"
#include "cells-memory.h"
#include "cells-seat.h"
#include "cells-udev.h"
#include "cells-devns.h"
#include "cells-util.h"

#include <glib-unix.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <unistd.h>

/**
 * CellsCell:
 *
 * One cell, exported as `org.cells.Cells1.Cell`. It owns the cell's
 * definition and drives its container: the blocking liblxc calls run in
 * worker threads, and every change of state is a property change. The
 * cell watches its init through a pidfd, so a cell that ends on its own is
 * seen at once. The "destroyed" signal tells the manager to unexport it.
 */

#define STOP_TIMEOUT_S 10

struct _CellsCell {
  CellsDBusCellSkeleton parent;

  CellsDefinition      *def;
  char                 *state_dir;
  char                 *lxcpath;
  char                 *dir;
  CellsHost             host;
  CellsState            state;
  gboolean              destroying;
  gboolean              freezing;
  int                   pidfd;
  guint                 pidfd_watch;
  int                   devns_fd;   /* the init's pid namespace, with device namespaces */
  CellsSeat            *seat;
  CellsUdev            *udev;       /* the manager's */
  CellsUdevView        *udev_view;  /* while the cell runs */
  CellsClaims          *claims;     /* the manager's */
  const CellsSettings  *settings;   /* cellsd's */
  CellsNetwork         *network;    /* the manager's, or NULL: loopback only */
  gboolean              has_link;   /* the running cell has a link of the network */
  guint                 counters_id;
  CellsMemory          *memory;     /* while the cell runs */
  char                 *line_number; /* the own number of the cell's phone line */
  CellsCellValidator    validator;
  gpointer              validator_data;
};

static void cells_cell_iface_init (CellsDBusCellIface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsCell, cells_cell, CELLS_DBUS_TYPE_CELL_SKELETON,
                         G_IMPLEMENT_INTERFACE (CELLS_DBUS_TYPE_CELL, cells_cell_iface_init))

enum {
  DESTROYED,
  DEFINITION_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

typedef void (*CellsCallFunc) (CellsCell *self, GDBusMethodInvocation *invocation);

/* What a worker thread needs; copied so that the thread touches no GObject. */
typedef struct {
  char      *lxcpath;
  char      *name;
  char      *dir;
  char      *image_dir;
  char      *config;
  char     **argv;
  char      *lxc_start;
  guint32    uid_base;
  guint32    gid_base;
  gboolean   freeze;
  gboolean   modem;
  gboolean   seccomp;
  char      *resolv_conf;   /* for a cell with a link */
} CellsJob;

static void
cells_job_free (CellsJob *job)
{
  g_free (job->lxcpath);
  g_free (job->name);
  g_free (job->dir);
  g_free (job->image_dir);
  g_free (job->config);
  g_strfreev (job->argv);
  g_free (job->lxc_start);
  g_free (job->resolv_conf);
  g_free (job);
}

static CellsJob *
cells_job_new (CellsCell *self)
{
  CellsJob *job = g_new0 (CellsJob, 1);

  job->lxcpath = g_strdup (self->lxcpath);
  job->name = g_strdup (self->def->name);
  job->dir = g_strdup (self->dir);
  job->image_dir = g_build_filename (self->state_dir, "images", self->def->image, NULL);
  job->argv = g_strdupv (self->def->init);
  job->lxc_start = g_strdup (self->settings->lxc_start_path);
  job->uid_base = self->def->uid_base;
  job->gid_base = self->def->gid_base;
  job->modem = self->def->devices[CELLS_DEVICE_MODEM] != CELLS_ACCESS_NONE;
  job->seccomp = g_strcmp0 (self->def->seccomp, "none") != 0;
  return job;
}

static GTask *
cells_job_task (CellsCell *self, CellsJob *job, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_task_data (task, job, (GDestroyNotify) cells_job_free);
  return task;
}

static void
set_state (CellsCell *self, CellsState state)
{
  self->state = state;
  cells_dbus_cell_set_state (CELLS_DBUS_CELL (self), cells_state_to_string (state));
}

/* Network */

static gboolean
network_allowed (const CellsDefinition *def)
{
  return def->devices[CELLS_DEVICE_NETWORK] != CELLS_ACCESS_NONE;
}

/* The counters as properties: a PropertiesChanged only when they moved. */
static gboolean
update_counters (gpointer user_data)
{
  CellsCell *self = user_data;
  CellsDBusCell *iface = CELLS_DBUS_CELL (self);
  CellsNetCounters c;

  if (self->network == NULL ||
      !cells_network_read_counters (self->network, self->def->name, &c))
    return G_SOURCE_CONTINUE;
  if (c.rx_bytes != cells_dbus_cell_get_received_bytes (iface))
    cells_dbus_cell_set_received_bytes (iface, c.rx_bytes);
  if (c.tx_bytes != cells_dbus_cell_get_sent_bytes (iface))
    cells_dbus_cell_set_sent_bytes (iface, c.tx_bytes);
  if (c.rx_packets != cells_dbus_cell_get_received_packets (iface))
    cells_dbus_cell_set_received_packets (iface, c.rx_packets);
  if (c.tx_packets != cells_dbus_cell_get_sent_packets (iface))
    cells_dbus_cell_set_sent_packets (iface, c.tx_packets);
  return G_SOURCE_CONTINUE;
}

static void
take_link (CellsCell *self, const CellsNetLink *link)
{
  CellsDBusCell *iface = CELLS_DBUS_CELL (self);

  self->has_link = TRUE;
  cells_dbus_cell_set_address (iface, link->address);
  g_clear_handle_id (&self->counters_id, g_source_remove);
  self->counters_id = g_timeout_add_seconds (1, update_counters, self);
}

static void
reset_counters (CellsCell *self)
{
  CellsDBusCell *iface = CELLS_DBUS_CELL (self);

  cells_dbus_cell_set_received_bytes (iface, 0);
  cells_dbus_cell_set_sent_bytes (iface, 0);
  cells_dbus_cell_set_received_packets (iface, 0);
  cells_dbus_cell_set_sent_packets (iface, 0);
}

/* The cell is gone: its address is free; its counters stay as they were. */
static void
drop_link (CellsCell *self)
{
  if (!self->has_link)
    return;
  update_counters (self);
  g_clear_handle_id (&self->counters_id, g_source_remove);
  cells_network_release (self->network, self->def->name);
  cells_dbus_cell_set_address (CELLS_DBUS_CELL (self), "");
  self->has_link = FALSE;
}

/* Memory: a ceiling in the background, and what the cell uses */

static void
on_memory_changed (gpointer data, guint64 current, gboolean squeezed)
{
  CellsCell *self = data;

  cells_dbus_cell_set_memory_current (CELLS_DBUS_CELL (self), current);
  cells_dbus_cell_set_squeezed (CELLS_DBUS_CELL (self), squeezed);
}

/* A running cell in the background has its definition's ceiling, one in
 * the foreground none. */
static void
sync_ceiling (CellsCell *self)
{
  gboolean foreground = cells_dbus_cell_get_foreground (CELLS_DBUS_CELL (self));

  if (self->memory != NULL)
    cells_memory_set_ceiling (self->memory, foreground ? 0 : self->def->background_memory);
}

static void
watch_memory (CellsCell *self)
{
  if (!self->host.has_memory || self->memory != NULL)
    return;
  self->memory = cells_memory_new (self->lxcpath, self->def->name, self->host.cgroup2,
                                   on_memory_changed, self);
  sync_ceiling (self);
}

static void
unwatch_memory (CellsCell *self)
{
  g_clear_pointer (&self->memory, cells_memory_free);
  on_memory_changed (self, 0, FALSE);
}

static void
stop_watching (CellsCell *self)
{
  g_clear_handle_id (&self->pidfd_watch, g_source_remove);
  if (self->pidfd >= 0) {
    close (self->pidfd);
    self->pidfd = -1;
  }
  if (self->udev_view != NULL)
    cells_udev_view_detach (self->udev_view);
  if (self->devns_fd >= 0) {
    if (self->seat != NULL)
      cells_seat_set_device_namespace (self->seat, -1);
    close (self->devns_fd);
    self->devns_fd = -1;
  }
}

/* Seat */

static int
seat_may_open (gpointer data, CellsDeviceClass klass, const char *path)
{
  CellsCell *self = data;
  CellsAccess access = self->def->devices[klass];
  const char *holder;

  if (access == CELLS_ACCESS_NONE) {
    g_message ("Cell “%s” has no right to %s devices; %s refused", self->def->name,
               cells_device_class_to_string (klass), path);
    return EACCES;
  }
  /* Display and input are handed over by the switch, not claimed. */
  if (klass == CELLS_DEVICE_DISPLAY || klass == CELLS_DEVICE_INPUT)
    return 0;
  holder =
      cells_claims_take (self->claims, path, self->def->name, access == CELLS_ACCESS_EXCLUSIVE);
  if (holder != NULL) {
    g_message ("Cell “%s” is refused %s: cell “%s” holds it", self->def->name, path, holder);
    return EBUSY;
  }
  return 0;
}

static void
seat_released (gpointer data, CellsDeviceClass klass, const char *path)
{
  CellsCell *self = data;

  if (klass != CELLS_DEVICE_DISPLAY && klass != CELLS_DEVICE_INPUT)
    cells_claims_release (self->claims, path, self->def->name);
}

static void
seat_changed (gpointer data)
{
  CellsCell *self = data;
  g_auto(GStrv) held = cells_seat_dup_devices (self->seat);

  cells_dbus_cell_set_seat_clients (CELLS_DBUS_CELL (self), cells_seat_get_n_clients (self->seat));
  cells_dbus_cell_set_held_devices (CELLS_DBUS_CELL (self), (const char *const *) held);
}

/* The cell's compositor has reopened its input: its libinput is woken. */
static void
seat_reopened (gpointer data, const char *path)
{
  CellsCell *self = data;

  if (self->udev_view != NULL)
    cells_udev_view_wake (self->udev_view, path);
}

static void
sync_udev_rights (CellsCell *self)
{
  if (self->udev_view != NULL)
    cells_udev_view_set_rights (self->udev_view,
                                self->def->devices[CELLS_DEVICE_DISPLAY] != CELLS_ACCESS_NONE,
                                self->def->devices[CELLS_DEVICE_INPUT] != CELLS_ACCESS_NONE);
}

/* What libudev in the cell finds: the devices its seat may hand out. */
static gboolean
open_udev_view (CellsCell *self, GError **error)
{
  g_autofree char *dir = g_build_filename (self->dir, "udev", NULL);
  g_autofree char *nodes = g_build_filename (self->dir, "dri", NULL);

  if (self->udev == NULL || self->udev_view != NULL)
    return TRUE;
  self->udev_view = cells_udev_view_new (self->udev, dir, nodes, self->def->name, error);
  if (self->udev_view == NULL)
    return FALSE;
  sync_udev_rights (self);
  return TRUE;
}

static void
sync_seat_open (CellsCell *self)
{
  if (self->seat != NULL)
    cells_seat_set_open_waits (self->seat, !g_str_equal (self->def->seat_open, "at-once"));
}

static gboolean
open_seat (CellsCell *self, GError **error)
{
  g_autofree char *dir = g_build_filename (self->dir, "seat", NULL);
  CellsSeatDialect dialect = CELLS_SEAT_DIALECT_0_7;

  if (self->seat != NULL)
    return TRUE;
  cells_seat_dialect_from_string (self->def->seat_dialect, &dialect);
  self->seat = cells_seat_new (self->def->name, dir, self->def->uid_base, CELLS_IDS_PER_CELL,
                               dialect, seat_may_open, seat_released,
                               seat_changed, self, error);
  if (self->seat == NULL)
    return FALSE;
  cells_seat_set_reopened (self->seat, seat_reopened);
  sync_seat_open (self);
  cells_seat_set_active (self->seat, cells_dbus_cell_get_foreground (CELLS_DBUS_CELL (self)));
  return open_udev_view (self, error);
}

static void
close_seat (CellsCell *self)
{
  static const char *const none[] = { NULL };

  g_clear_pointer (&self->seat, cells_seat_free);
  g_clear_pointer (&self->udev_view, cells_udev_view_free);
  cells_dbus_cell_set_seat_clients (CELLS_DBUS_CELL (self), 0);
  cells_dbus_cell_set_held_devices (CELLS_DBUS_CELL (self), none);
}

static void
set_stopped (CellsCell *self, const char *last_error)
{
  g_autofree char *lower = g_build_filename (self->dir, "lower", NULL);

  stop_watching (self);
  unwatch_memory (self);
  close_seat (self);
  drop_link (self);
  cells_lxc_unmount_lower (lower);
  if (last_error != NULL)
    cells_dbus_cell_set_last_error (CELLS_DBUS_CELL (self), last_error);
  cells_dbus_cell_set_leader (CELLS_DBUS_CELL (self), 0);
  cells_dbus_cell_set_frozen (CELLS_DBUS_CELL (self), FALSE);
  set_state (self, CELLS_STATE_STOPPED);
}

static gboolean
on_leader_exit (int fd, GIOCondition condition, gpointer user_data)
{
  CellsCell *self = CELLS_CELL (user_data);

  self->pidfd_watch = 0;
  if (self->state == CELLS_STATE_RUNNING) {
    g_message ("Cell “%s”: its init (pid %u) ended", self->def->name,
               cells_dbus_cell_get_leader (CELLS_DBUS_CELL (self)));
    set_stopped (self, NULL);
  }
  return G_SOURCE_REMOVE;
}

static void
set_running (CellsCell *self, pid_t leader)
{
  stop_watching (self);
  cells_dbus_cell_set_leader (CELLS_DBUS_CELL (self), leader);
  cells_dbus_cell_set_last_error (CELLS_DBUS_CELL (self), "");
  set_state (self, CELLS_STATE_RUNNING);

  self->pidfd = cells_pidfd_open (leader);
  if (self->pidfd < 0) {
    g_message ("Cell “%s”: init %d is gone already", self->def->name, leader);
    set_stopped (self, NULL);
    return;
  }
  self->pidfd_watch = g_unix_fd_add (self->pidfd, G_IO_IN, on_leader_exit, self);
  if (self->udev_view != NULL)
    cells_udev_view_attach (self->udev_view, self->pidfd);
  watch_memory (self);

  if (self->host.dev_ns) {
    self->devns_fd = cells_devns_open (self->pidfd);
    if (self->devns_fd < 0)
      g_warning ("Cell “%s”: no device namespace, its input will be revoked on switches: %s",
                 self->def->name, g_strerror (errno));
    else if (self->seat != NULL)
      cells_seat_set_device_namespace (self->seat, self->devns_fd);
  }
}

/* The cell's own number, or else its line's. */
static void
sync_phone_number (CellsCell *self)
{
  const CellsDefinition *def = self->def;
  const char *number = def->phone_number;

  if (*number == '\0' && *def->phone_line != '\0' && self->line_number != NULL)
    number = self->line_number;
  cells_dbus_cell_set_phone_number (CELLS_DBUS_CELL (self), number);
}

/* The Cell's properties from its definition, through the table of options. */
static void
sync_properties (CellsCell *self)
{
  guint n;
  const CellsOption *options = cells_options (&n);

  cells_dbus_cell_set_name (CELLS_DBUS_CELL (self), self->def->name);
  for (guint i = 0; i < n; i++) {
    g_auto(GValue) value = G_VALUE_INIT;

    if (options[i].flags & (CELLS_OPTION_SECRET | CELLS_OPTION_OWN_PROPERTY))
      continue;
    cells_definition_get_value (self->def, &options[i], &value);
    g_object_set_property (G_OBJECT (self), options[i].key, &value);
  }
  sync_phone_number (self);
}

/* Start */

static gboolean
prepare_root (CellsJob *job, GError **error)
{
  g_autofree char *config_path = g_build_filename (job->dir, "config", NULL);
  g_autofree char *lower = g_build_filename (job->dir, "lower", NULL);
  g_autofree char *log_path = g_build_filename (job->dir, "lxc.log", NULL);

  if (!g_file_test (job->image_dir, G_FILE_TEST_IS_DIR)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_NOT_FOUND,
                 "The image %s of cell “%s” is missing.", job->image_dir, job->name);
    return FALSE;
  }
  /* This start's log only: its first error is the reason it failed. */
  if (truncate (log_path, 0) < 0 && errno != ENOENT)
    g_debug ("Cell “%s”: could not empty %s: %s", job->name, log_path, g_strerror (errno));
  /* Written anew at every start: atomic, but not worth an fsync. */
  if (!g_file_set_contents_full (config_path, job->config, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, error))
    return FALSE;
  if (job->modem) {
    g_autofree char *policy = g_build_filename (job->dir, CELLS_LXC_MODEM_POLICY, NULL);
    g_autofree char *empty = g_build_filename (job->dir, CELLS_LXC_EMPTY, NULL);

    if (!g_file_set_contents_full (policy, cells_lxc_modem_policy, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error) ||
        !g_file_set_contents_full (empty, "", 0, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
      return FALSE;
  }
  if (job->resolv_conf != NULL) {
    g_autofree char *path = g_build_filename (job->dir, CELLS_LXC_RESOLV_CONF, NULL);

    if (!g_file_set_contents_full (path, job->resolv_conf, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0644, error))
      return FALSE;
  }
  if (job->seccomp) {
    g_autofree char *profile = g_build_filename (job->dir, CELLS_LXC_SECCOMP_PROFILE, NULL);

    if (!g_file_set_contents_full (profile, cells_lxc_seccomp_profile, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
      return FALSE;
  }
  return cells_lxc_mount_lower (job->image_dir, lower, job->uid_base, job->gid_base, error);
}

static void
start_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CellsJob *job = task_data;
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time (), t1 = 0;
  pid_t leader = 0;

  if (!prepare_root (job, &error) ||
      (t1 = g_get_monotonic_time (),
       !cells_lxc_start (job->lxcpath, job->name, job->argv, job->lxc_start, &leader, &error))) {
    g_autofree char *lower = g_build_filename (job->dir, "lower", NULL);

    cells_lxc_unmount_lower (lower);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_debug ("Cell “%s”: root prepared in %" G_GINT64_FORMAT
           " µs, LXC started it in %" G_GINT64_FORMAT " µs",
           job->name, t1 - t0, g_get_monotonic_time() - t1);
  g_task_return_int (task, leader);
}

static void
on_start_thread_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CellsCell *self = CELLS_CELL (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gssize leader = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL) {
    g_warning ("%s", error->message);
    cells_dbus_cell_set_last_error (CELLS_DBUS_CELL (self), error->message);
    close_seat (self);
    drop_link (self);
    set_state (self, CELLS_STATE_FAILED);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_message ("Cell “%s” started, init pid %zd", self->def->name, leader);
  set_running (self, leader);
  g_task_return_boolean (task, TRUE);
}

void
cells_cell_start_async (CellsCell *self, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GTask) thread = NULL;
  g_autoptr(GError) error = NULL;
  CellsNetLink link;
  CellsJob *job;

  g_return_if_fail (CELLS_IS_CELL (self));

  switch (self->destroying ? CELLS_VERDICT_REFUSE : cells_state_check (self->state, CELLS_OP_START,
                                                                       self->def->name, &error)) {
  case CELLS_VERDICT_NOTHING:
    g_task_return_boolean (task, TRUE);
    return;
  case CELLS_VERDICT_REFUSE:
    if (error == NULL)
      g_set_error (&error, CELLS_ERROR, CELLS_ERROR_BUSY, "Cell “%s” is being destroyed.",
                   self->def->name);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  case CELLS_VERDICT_PROCEED:
  default:
    break;
  }

  if (!open_seat (self, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (self->network != NULL) {
    if (!cells_network_reserve (self->network, self->def->name, network_allowed (self->def),
                                &link, &error)) {
      close_seat (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
    reset_counters (self);
    take_link (self, &link);
  }
  set_state (self, CELLS_STATE_STARTING);
  job = cells_job_new (self);
  job->config = cells_lxc_config (self->def, self->dir, &self->host,
                                  self->settings->lxc_start_path,
                                  self->has_link ? &link : NULL);
  if (self->has_link)
    job->resolv_conf = g_strdup_printf ("# The cell's DNS forwarder, on its gateway; "
                                        "written by cellsd.\nnameserver %s\n", link.gateway);
  thread = cells_job_task (self, job, on_start_thread_done, g_steal_pointer (&task));
  g_task_run_in_thread (thread, start_thread);
}

gboolean
cells_cell_start_finish (CellsCell *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* D-Bus calls: each is authorized first, then run. */

static gboolean
begin_call (CellsCell *self, GDBusMethodInvocation *invocation, CellsCallFunc func)
{
  return cells_auth_run (self, invocation, CELLS_ACTION_MANAGE, (CellsAuthorizedFunc) func);
}

static gboolean
check_op (CellsCell *self, GDBusMethodInvocation *invocation, CellsOp op, CellsVerdict *verdict)
{
  g_autoptr(GError) error = NULL;

  if (self->destroying) {
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_BUSY,
                                           "Cell “%s” is being destroyed.", self->def->name);
    return FALSE;
  }
  if (self->freezing && op != CELLS_OP_START) {
    g_dbus_method_invocation_return_error (
        invocation, CELLS_ERROR, CELLS_ERROR_BUSY,
        "Cell “%s” is being frozen or thawed; try again in a moment.", self->def->name);
    return FALSE;
  }
  *verdict = cells_state_check (self->state, op, self->def->name, &error);
  if (*verdict == CELLS_VERDICT_REFUSE) {
    cells_error_return (invocation, error);
    return FALSE;
  }
  return TRUE;
}

static void
on_start_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (!cells_cell_start_finish (CELLS_CELL (source), result, &error))
    cells_error_return (invocation, error);
  else
    cells_dbus_cell_complete_start (CELLS_DBUS_CELL (source), invocation);
}

static void
do_start (CellsCell *self, GDBusMethodInvocation *invocation)
{
  cells_cell_start_async (self, on_start_ready, g_object_ref (invocation));
}

static gboolean
handle_start (CellsDBusCell *object, GDBusMethodInvocation *invocation)
{
  return begin_call (CELLS_CELL (object), invocation, do_start);
}

/* Stop */

static void
stop_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CellsJob *job = task_data;
  g_autoptr(GError) error = NULL;

  if (!cells_lxc_stop (job->lxcpath, job->name, STOP_TIMEOUT_S, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_stop_thread_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CellsCell *self = CELLS_CELL (source);
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    /* Still running, or gone meanwhile: watch it again to know which. */
    set_running (self, cells_dbus_cell_get_leader (CELLS_DBUS_CELL (self)));
    cells_error_return (invocation, error);
    return;
  }
  g_message ("Cell “%s” stopped", self->def->name);
  set_stopped (self, NULL);
  cells_dbus_cell_complete_stop (CELLS_DBUS_CELL (self), invocation);
}

static void
do_stop (CellsCell *self, GDBusMethodInvocation *invocation)
{
  g_autoptr(GTask) thread = NULL;
  CellsVerdict verdict;

  if (!check_op (self, invocation, CELLS_OP_STOP, &verdict))
    return;
  if (verdict == CELLS_VERDICT_NOTHING) {
    cells_dbus_cell_complete_stop (CELLS_DBUS_CELL (self), invocation);
    return;
  }
  set_state (self, CELLS_STATE_STOPPING);
  thread =
      cells_job_task (self, cells_job_new (self), on_stop_thread_done, g_object_ref (invocation));
  g_task_run_in_thread (thread, stop_thread);
}

static gboolean
handle_stop (CellsDBusCell *object, GDBusMethodInvocation *invocation)
{
  return begin_call (CELLS_CELL (object), invocation, do_stop);
}

/* Freeze and thaw */

static void
freeze_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CellsJob *job = task_data;
  g_autoptr(GError) error = NULL;

  if (!cells_lxc_freeze (job->lxcpath, job->name, job->freeze, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_freeze_thread_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CellsCell *self = CELLS_CELL (source);
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  CellsJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->freezing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    cells_error_return (invocation, error);
    return;
  }
  if (self->state == CELLS_STATE_RUNNING)
    cells_dbus_cell_set_frozen (CELLS_DBUS_CELL (self), job->freeze);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
run_freeze (CellsCell *self, GDBusMethodInvocation *invocation, gboolean freeze)
{
  g_autoptr(GTask) thread = NULL;
  CellsJob *job;
  CellsVerdict verdict;

  if (!check_op (self, invocation, CELLS_OP_FREEZE, &verdict))
    return;
  if (!self->host.has_freezer) {
    g_dbus_method_invocation_return_error (
        invocation, CELLS_ERROR, CELLS_ERROR_FAILED,
        "This system has no cgroup freezer; cells cannot be frozen.");
    return;
  }
  self->freezing = TRUE;
  job = cells_job_new (self);
  job->freeze = freeze;
  thread = cells_job_task (self, job, on_freeze_thread_done, g_object_ref (invocation));
  g_task_run_in_thread (thread, freeze_thread);
}

static void
do_freeze (CellsCell *self, GDBusMethodInvocation *invocation)
{
  run_freeze (self, invocation, TRUE);
}

static void
do_thaw (CellsCell *self, GDBusMethodInvocation *invocation)
{
  run_freeze (self, invocation, FALSE);
}

static gboolean
handle_freeze (CellsDBusCell *object, GDBusMethodInvocation *invocation)
{
  return begin_call (CELLS_CELL (object), invocation, do_freeze);
}

static gboolean
handle_thaw (CellsDBusCell *object, GDBusMethodInvocation *invocation)
{
  return begin_call (CELLS_CELL (object), invocation, do_thaw);
}

/* Destroy */

static void
destroy_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CellsJob *job = task_data;
  g_autofree char *lower = g_build_filename (job->dir, "lower", NULL);
  g_autofree char *doomed = g_strdup_printf ("%s/.destroy-%s-%08x", job->lxcpath, job->name,
                                             g_random_int ());
  g_autoptr(GError) error = NULL;

  cells_lxc_unmount_lower (lower);
  /* Renamed first, so that a crash midway leaves no half cell behind. */
  if (g_rename (job->dir, doomed) < 0) {
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_FAILED,
                             "Could not remove cell “%s”: %s", job->name, g_strerror (errno));
    return;
  }
  if (!cells_remove_tree (doomed, &error))
    g_warning ("Cell “%s” is destroyed but its files are not all gone: %s", job->name,
               error->message);
  g_task_return_boolean (task, TRUE);
}

static void
on_destroy_thread_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CellsCell *self = CELLS_CELL (source);
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    self->destroying = FALSE;
    cells_error_return (invocation, error);
    return;
  }
  g_message ("Cell “%s” destroyed", self->def->name);
  cells_dbus_cell_complete_destroy (CELLS_DBUS_CELL (self), invocation);
  g_signal_emit (self, signals[DESTROYED], 0);
}

static void
do_destroy (CellsCell *self, GDBusMethodInvocation *invocation)
{
  g_autoptr(GTask) thread = NULL;
  CellsVerdict verdict;

  if (!check_op (self, invocation, CELLS_OP_DESTROY, &verdict))
    return;
  self->destroying = TRUE;
  thread = cells_job_task (self, cells_job_new (self), on_destroy_thread_done,
                           g_object_ref (invocation));
  g_task_run_in_thread (thread, destroy_thread);
}

static gboolean
handle_destroy (CellsDBusCell *object, GDBusMethodInvocation *invocation)
{
  return begin_call (CELLS_CELL (object), invocation, do_destroy);
}

/* Configure */

static void
configure (CellsCell *self, GDBusMethodInvocation *invocation, GVariant *options)
{
  g_autoptr(CellsDefinition) next = cells_definition_copy (self->def);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (self->dir, "cell.conf", NULL);

  if (self->destroying) {
    g_dbus_method_invocation_return_error (invocation, CELLS_ERROR, CELLS_ERROR_BUSY,
                                           "Cell “%s” is being destroyed.", self->def->name);
    return;
  }
  if (!cells_definition_apply (next, options, FALSE, &error) ||
      (self->validator != NULL && !self->validator (next, self->validator_data, &error)) ||
      !cells_definition_save_secret (next, self->dir, &error) ||
      !cells_definition_save (next, path, &error)) {
    cells_error_return (invocation, error);
    return;
  }
  cells_definition_free (self->def);
  self->def = g_steal_pointer (&next);
  sync_properties (self);
  sync_udev_rights (self);
  sync_seat_open (self);
  sync_ceiling (self);
  if (self->has_link)
    cells_network_set_allowed (self->network, self->def->name, network_allowed (self->def));
  g_signal_emit (self, signals[DEFINITION_CHANGED], 0);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
do_configure (CellsCell *self, GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariant) options = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(@a{sv})", &options);
  configure (self, invocation, options);
}

static void
do_set_device_access (CellsCell *self, GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariant) options = NULL;
  const char *klass, *access;
  GVariantBuilder b;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s&s)", &klass, &access);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "devices", g_variant_new_parsed ("{%s: %s}", klass, access));
  options = g_variant_ref_sink (g_variant_builder_end (&b));
  configure (self, invocation, options);
}

static gboolean
handle_set_device_access (CellsDBusCell *object, GDBusMethodInvocation *invocation,
                          const char *klass, const char *access)
{
  return begin_call (CELLS_CELL (object), invocation, do_set_device_access);
}

static gboolean
handle_configure (CellsDBusCell *object, GDBusMethodInvocation *invocation, GVariant *options)
{
  return begin_call (CELLS_CELL (object), invocation, do_configure);
}

static void
cells_cell_iface_init (CellsDBusCellIface *iface)
{
  iface->handle_start = handle_start;
  iface->handle_stop = handle_stop;
  iface->handle_destroy = handle_destroy;
  iface->handle_freeze = handle_freeze;
  iface->handle_thaw = handle_thaw;
  iface->handle_configure = handle_configure;
  iface->handle_set_device_access = handle_set_device_access;
}

static void
cells_cell_finalize (GObject *object)
{
  CellsCell *self = CELLS_CELL (object);

  stop_watching (self);
  g_clear_handle_id (&self->counters_id, g_source_remove);
  g_clear_pointer (&self->memory, cells_memory_free);
  g_clear_pointer (&self->seat, cells_seat_free);
  g_clear_pointer (&self->udev_view, cells_udev_view_free);
  cells_definition_free (self->def);
  g_free (self->state_dir);
  g_free (self->lxcpath);
  g_free (self->dir);
  g_free (self->line_number);

  G_OBJECT_CLASS (cells_cell_parent_class)->finalize (object);
}

static void
cells_cell_class_init (CellsCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cells_cell_finalize;

  /**
   * CellsCell::destroyed:
   *
   * The cell's files are gone; the manager drops it.
   */
  signals[DESTROYED] = g_signal_new ("destroyed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * CellsCell::definition-changed:
   *
   * The cell's definition was changed (Configure, SetDeviceAccess).
   */
  signals[DEFINITION_CHANGED] = g_signal_new ("definition-changed", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 0);
}

static void
cells_cell_init (CellsCell *self)
{
  self->pidfd = -1;
  self->devns_fd = -1;
}

/**
 * cells_cell_new:
 * @def: (transfer full): the cell's definition
 * @state_dir: cellsd's state directory
 * @host: what the host offers cells
 * @settings: how cellsd runs; it outlives the cell
 * @claims: the manager's table of device claims, which outlives the cell
 * @network: (nullable): the manager's network, which outlives the cell, or
 *   %NULL for cells with loopback only
 * @udev: (nullable): the manager's devices for the cells' udev views,
 *   which outlive the cell
 */
CellsCell *
cells_cell_new (CellsDefinition *def, const char *state_dir, const CellsHost *host,
                const CellsSettings *settings, CellsClaims *claims, CellsNetwork *network,
                CellsUdev *udev)
{
  CellsCell *self = g_object_new (CELLS_TYPE_CELL, NULL);

  self->udev = udev;
  self->settings = settings;
  self->claims = claims;
  self->network = network;

  self->def = def;
  self->state_dir = g_strdup (state_dir);
  self->lxcpath = g_build_filename (state_dir, "cells", NULL);
  self->dir = g_build_filename (self->lxcpath, def->name, NULL);
  self->host = *host;
  sync_properties (self);
  cells_dbus_cell_set_last_error (CELLS_DBUS_CELL (self), "");
  cells_dbus_cell_set_address (CELLS_DBUS_CELL (self), "");
  set_state (self, CELLS_STATE_STOPPED);
  return self;
}

const char *
cells_cell_get_name (CellsCell *self)
{
  g_return_val_if_fail (CELLS_IS_CELL (self), NULL);
  return self->def->name;
}

/**
 * cells_cell_get_directory:
 *
 * Returns: `STATE_DIR/cells/NAME`
 */
const char *
cells_cell_get_directory (CellsCell *self)
{
  g_return_val_if_fail (CELLS_IS_CELL (self), NULL);
  return self->dir;
}

const CellsDefinition *
cells_cell_get_definition (CellsCell *self)
{
  g_return_val_if_fail (CELLS_IS_CELL (self), NULL);
  return self->def;
}

CellsState
cells_cell_get_state (CellsCell *self)
{
  g_return_val_if_fail (CELLS_IS_CELL (self), CELLS_STATE_STOPPED);
  return self->state;
}

/* The link the running cell was started with, from its LXC configuration. */
static void
adopt_link (CellsCell *self)
{
  g_autofree char *path = g_build_filename (self->dir, "config", NULL);
  g_autofree char *config = NULL;
  CellsNetLink link;

  if (self->network == NULL || !g_file_get_contents (path, &config, NULL, NULL))
    return;
  if (cells_network_adopt (self->network, self->def->name, config, network_allowed (self->def),
                           &link))
    take_link (self, &link);
  else
    g_message ("Cell “%s” runs without a link of the cells' network (it was started with "
               "loopback only, or with another range); it gets one at its next start",
               self->def->name);
}

/**
 * cells_cell_adopt:
 * @udev: (nullable): the manager's devices for the cells' udev views,
 *   made once cellsd has its name; they outlive the cell
 *
 * Once cellsd has its name: takes over a cell whose container runs
 * already (cellsd restarted), or clears what a cellsd that ended
 * mid-start left of a stopped one.
 */
void
cells_cell_adopt (CellsCell *self, CellsUdev *udev)
{
  pid_t leader;

  g_return_if_fail (CELLS_IS_CELL (self));
  self->udev = udev;

  leader = cells_lxc_running_leader (self->lxcpath, self->def->name);
  if (leader > 0) {
    g_autoptr(GError) error = NULL;

    g_message ("Cell “%s” is running (init pid %d); adopted", self->def->name, leader);
    if (!open_seat (self, &error))
      g_warning ("Cell “%s” has no seat: %s", self->def->name, error->message);
    set_running (self, leader);
  } else {
    g_autofree char *lower = g_build_filename (self->dir, "lower", NULL);

    if (cells_lxc_unmount_lower (lower) > 0)
      g_message ("Cell “%s” is stopped but its image was still mounted (cellsd ended during "
                 "a start or a stop); unmounted", self->def->name);
  }
}

/**
 * cells_cell_get_device_namespace:
 *
 * Returns: the running cell's pid namespace fd, for activating its device
 * namespace, or -1
 */
int
cells_cell_get_device_namespace (CellsCell *self)
{
  g_return_val_if_fail (CELLS_IS_CELL (self), -1);
  return self->devns_fd;
}

void
cells_cell_set_foreground (CellsCell *self, gboolean foreground)
{
  g_return_if_fail (CELLS_IS_CELL (self));
  if (self->seat != NULL)
    cells_seat_set_active (self->seat, foreground);
  /* The user sees the cell now, and its phone app shows what was missed. */
  if (foreground)
    cells_dbus_cell_set_missed_calls (CELLS_DBUS_CELL (self), 0);
  cells_dbus_cell_set_foreground (CELLS_DBUS_CELL (self), foreground);
  sync_ceiling (self);
}

/**
 * cells_cell_set_validator:
 * @validator: checks a changed definition against the other cells
 *
 * Configure applies nothing that @validator refuses.
 */
void
cells_cell_set_validator (CellsCell *self, CellsCellValidator validator, gpointer data)
{
  g_return_if_fail (CELLS_IS_CELL (self));
  self->validator = validator;
  self->validator_data = data;
}

/**
 * cells_cell_set_line_status:
 * @line_number: the own number of the cell's phone line ("" unknown)
 * @state: the line's state (PhoneLineState)
 * @calls: how many calls the cell has
 *
 * Telephony tells the cell about its line; the cell shows it.
 */
void
cells_cell_set_line_status (CellsCell *self, const char *line_number, const char *state,
                            guint calls)
{
  g_return_if_fail (CELLS_IS_CELL (self));
  g_free (self->line_number);
  self->line_number = g_strdup (line_number);
  sync_phone_number (self);
  cells_dbus_cell_set_phone_line_state (CELLS_DBUS_CELL (self), state);
  cells_dbus_cell_set_calls (CELLS_DBUS_CELL (self), calls);
}

/**
 * cells_cell_add_missed_call:
 *
 * A call rang out unanswered; it counts until the cell is in the foreground.
 */
void
cells_cell_add_missed_call (CellsCell *self)
{
  CellsDBusCell *iface = CELLS_DBUS_CELL (self);

  g_return_if_fail (CELLS_IS_CELL (self));
  cells_dbus_cell_set_missed_calls (iface, cells_dbus_cell_get_missed_calls (iface) + 1);
}

/**
 * cells_cell_set_network:
 * @network: the manager's network, made once cellsd has its name; it
 *   outlives the cell
 *
 * A running cell takes back the link it was started with.
 */
void
cells_cell_set_network (CellsCell *self, CellsNetwork *network)
{
  g_return_if_fail (CELLS_IS_CELL (self));
  self->network = network;
  if (self->state == CELLS_STATE_RUNNING && !self->has_link)
    adopt_link (self);
}
