/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-vmodem-launcher"

#include "cells-vmodem-launcher.h"
#include "cells-lxc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/**
 * CellsVmodemLauncher:
 *
 * Runs the virtual modem (`cells-vmodem`) of one running cell: it is
 * started with the pidfd of the cell's init on fd 3 and its end of a
 * socket pair on fd 4, in the cell's cgroups, with nothing of cellsd's
 * environment; it joins the cell's namespaces and drops every capability
 * itself. Over the socket pair runs a peer-to-peer D-Bus connection
 * (ANONYMOUS authentication: the other end went only to that process),
 * announced as "connected"; "disconnected" when it closes. A virtual
 * modem that ends is announced as "ended" and started again after 0.5,
 * 1, 2… up to 30 s.
 */

#define RESPAWN_MIN_MS 500
#define RESPAWN_MAX_MS 30000

struct _CellsVmodemLauncher {
  GObject          parent;

  CellsCell       *cell;
  char            *name;
  char            *program;
  gboolean         verbose;
  GCancellable    *cancellable;
  GSubprocess     *process;
  GDBusConnection *peer;
  guint            respawn_id;
  guint            respawn_ms;
};

G_DEFINE_TYPE (CellsVmodemLauncher, cells_vmodem_launcher, G_TYPE_OBJECT)

enum {
  CONNECTED,
  DISCONNECTED,
  ENDED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void spawn (CellsVmodemLauncher *self);

static void
drop_peer (CellsVmodemLauncher *self)
{
  if (self->peer == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->peer, self);
  g_signal_emit (self, signals[DISCONNECTED], 0, self->peer);
  g_dbus_connection_close (self->peer, NULL, NULL, NULL);
  g_clear_object (&self->peer);
}

static gboolean
on_respawn (gpointer user_data)
{
  CellsVmodemLauncher *self = user_data;

  self->respawn_id = 0;
  spawn (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_respawn (CellsVmodemLauncher *self)
{
  if (self->respawn_id != 0)
    return;
  self->respawn_ms = CLAMP (self->respawn_ms * 2, RESPAWN_MIN_MS, RESPAWN_MAX_MS);
  self->respawn_id = g_timeout_add (self->respawn_ms, on_respawn, self);
}

static void
on_process_exit (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;
  CellsVmodemLauncher *self;
  gboolean signaled;

  if (!g_subprocess_wait_finish (process, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  signaled = g_subprocess_get_if_signaled (process);
  g_message ("The virtual modem of cell “%s” ended (%s %d); it is started again", self->name,
             signaled ? "signal" : "status",
             signaled ? g_subprocess_get_term_sig (process) :
                        g_subprocess_get_exit_status (process));
  g_clear_object (&self->process);
  drop_peer (self);
  g_signal_emit (self, signals[ENDED], 0);
  schedule_respawn (self);
}

static void
on_peer_closed (GDBusConnection *peer, gboolean vanished, GError *error, CellsVmodemLauncher *self)
{
  g_debug ("Cell “%s”: the bridge closed", self->name);
  drop_peer (self);
}

static void
on_peer_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *peer = g_dbus_connection_new_finish (result, &error);
  CellsVmodemLauncher *self;

  if (peer == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("No bridge to the virtual modem: %s", error->message);
    return;
  }
  self = user_data;
  self->peer = peer;
  g_signal_connect (peer, "closed", G_CALLBACK (on_peer_closed), self);
  /* What is exported on it is there before the first message is read. */
  g_signal_emit (self, signals[CONNECTED], 0, peer);
  g_dbus_connection_start_message_processing (peer);
  g_debug ("Cell “%s”: the virtual modem is connected", self->name);
  self->respawn_ms = 0;
}

static gboolean
on_allow_mechanism (GDBusAuthObserver *observer, const char *mechanism, gpointer user_data)
{
  /* The socket pair is the authentication: its other end went only to the
   * virtual modem, whose credentials are the cell's by now. */
  return g_str_equal (mechanism, "ANONYMOUS");
}

static void
open_bridge (CellsVmodemLauncher *self, int fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (fd, &error);
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GDBusAuthObserver) observer = g_dbus_auth_observer_new ();
  g_autofree char *guid = g_dbus_generate_guid ();

  if (socket == NULL) {
    close (fd);
    g_warning ("Cell “%s”: %s", self->name, error->message);
    return;
  }
  stream = g_socket_connection_factory_create_connection (socket);
  g_signal_connect (observer, "allow-mechanism", G_CALLBACK (on_allow_mechanism), NULL);
  g_dbus_connection_new (G_IO_STREAM (stream), guid,
                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER |
                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_ALLOW_ANONYMOUS |
                         G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                         observer, self->cancellable, on_peer_ready, self);
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
launch (CellsVmodemLauncher *self, pid_t leader, int pidfd, int peer_fd, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  const char *env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8", NULL };
  GStrv procs = cell_cgroup_procs (leader);

  /* Nothing of cellsd's environment (the bus address above all) goes in. */
  g_subprocess_launcher_set_environ (launcher, (char **) env);
  g_subprocess_launcher_set_child_setup (launcher, join_cgroups, procs,
                                         (GDestroyNotify) g_strfreev);
  g_subprocess_launcher_take_fd (launcher, pidfd, 3);
  g_subprocess_launcher_take_fd (launcher, peer_fd, 4);
  return g_subprocess_launcher_spawn (launcher, error, self->program, "--cell", self->name,
                                      self->verbose ? "--verbose" : NULL, NULL);
}

static void
spawn (CellsVmodemLauncher *self)
{
  g_autoptr(GError) error = NULL;
  pid_t leader = cells_dbus_cell_get_leader (CELLS_DBUS_CELL (self->cell));
  int pidfd = cells_pidfd_open (leader);
  int sv[2];

  if (pidfd < 0) {
    g_message ("Cell “%s”: its init is gone; no virtual modem", self->name);
    return;
  }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
    g_warning ("Cell “%s”: socketpair: %s", self->name, g_strerror (errno));
    close (pidfd);
    schedule_respawn (self);
    return;
  }
  self->process = launch (self, leader, pidfd, sv[1], &error);
  if (self->process == NULL) {
    g_warning ("Cell “%s”: cannot start %s: %s", self->name, self->program, error->message);
    close (sv[0]);
    schedule_respawn (self);
    return;
  }
  g_debug ("Cell “%s”: virtual modem started, pid %s", self->name,
           g_subprocess_get_identifier (self->process));
  g_subprocess_wait_async (self->process, self->cancellable, on_process_exit, self);
  open_bridge (self, sv[0]);
}

static void
cells_vmodem_launcher_dispose (GObject *object)
{
  CellsVmodemLauncher *self = CELLS_VMODEM_LAUNCHER (object);

  cells_vmodem_launcher_stop (self);
  g_clear_object (&self->cell);
  G_OBJECT_CLASS (cells_vmodem_launcher_parent_class)->dispose (object);
}

static void
cells_vmodem_launcher_finalize (GObject *object)
{
  CellsVmodemLauncher *self = CELLS_VMODEM_LAUNCHER (object);

  g_object_unref (self->cancellable);
  g_free (self->name);
  g_free (self->program);
  G_OBJECT_CLASS (cells_vmodem_launcher_parent_class)->finalize (object);
}

static void
cells_vmodem_launcher_class_init (CellsVmodemLauncherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cells_vmodem_launcher_dispose;
  object_class->finalize = cells_vmodem_launcher_finalize;

  /**
   * CellsVmodemLauncher::connected:
   * @peer: the connection to the virtual modem; its messages are read
   *   once the handlers have run
   */
  signals[CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DBUS_CONNECTION);
  /**
   * CellsVmodemLauncher::disconnected:
   * @peer: the connection that closed
   */
  signals[DISCONNECTED] = g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_DBUS_CONNECTION);
  /**
   * CellsVmodemLauncher::ended:
   *
   * The virtual modem's process ended; it is started again.
   */
  signals[ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cells_vmodem_launcher_init (CellsVmodemLauncher *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * cells_vmodem_launcher_new:
 * @cell: a running cell
 * @program: the virtual modem program
 * @verbose: whether it logs debug messages
 *
 * Starts the virtual modem in @cell.
 */
CellsVmodemLauncher *
cells_vmodem_launcher_new (CellsCell *cell, const char *program, gboolean verbose)
{
  CellsVmodemLauncher *self = g_object_new (CELLS_TYPE_VMODEM_LAUNCHER, NULL);

  self->cell = g_object_ref (cell);
  self->name = g_strdup (cells_cell_get_name (cell));
  self->program = g_strdup (program);
  self->verbose = verbose;
  spawn (self);
  return self;
}

/**
 * cells_vmodem_launcher_stop:
 *
 * Ends the virtual modem (SIGTERM) and its bridge, for good.
 */
void
cells_vmodem_launcher_stop (CellsVmodemLauncher *self)
{
  g_return_if_fail (CELLS_IS_VMODEM_LAUNCHER (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->respawn_id, g_source_remove);
  if (self->process != NULL)
    g_subprocess_send_signal (self->process, SIGTERM);
  g_clear_object (&self->process);
  drop_peer (self);
}
