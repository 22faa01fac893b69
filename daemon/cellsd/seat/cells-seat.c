/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-seat"

#include "cells-seat.h"
#include "cells-devns.h"
#include "cells-errors.h"
#include "cells-seat-proto.h"

#include <glib-unix.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/**
 * SECTION:cells-seat
 *
 * The seatd-protocol server of one cell. Its socket lives in
 * `STATE_DIR/cells/NAME/seat/seatd.sock`; the directory is bind-mounted
 * into the cell, so unmodified libseat clients (phoc, sway, …) get their
 * DRM and evdev devices from cellsd. The socket tells which cell a client
 * belongs to; its peer uid must be one of the cell's.
 *
 * While the cell is in the foreground its seat is active: display and
 * input devices may be opened and DRM fds hold master. When it leaves,
 * DRM master is dropped and evdev fds are revoked first, then
 * disable-seat is sent. A client that opens the seat while the cell is
 * in the background gets its answer (seat-opened, then enable-seat) when
 * the cell comes to the foreground, unless the seat answers at once
 * (cells_seat_set_open_waits): libseat_open_seat waits for it, so a
 * compositor started in the background comes up on the first switch to
 * its cell instead of giving up (wlroots waits 10 s for an enabled seat).
 * On a kernel with device namespaces (see
 * cells-devns.c) evdev fds are given to the cell's namespace instead and
 * keep working: the kernel sends them nothing while the cell is in the
 * background. Nodes of the other classes (camera, microphone,
 * audio, modem, sensors) do not follow the foreground; the cell's rights
 * decide, and an exclusive one is refused while another cell holds it.
 */

#define SEAT_NAME "seat0"
#define MAX_DEVICES 128
/* A phone session has one compositor; a cell's root may open thousands. */
#define SEAT_MAX_CLIENTS 16
/* How long the seat accepts nothing once cellsd has no fd left. */
#define SEAT_PAUSE_S 1
#define ACK_TIMEOUT_MS 1000
#define REOPEN_SETTLE_MS 50
#define DRM_IOCTL_SET_MASTER _IO ('d', 0x1e)
#define DRM_IOCTL_DROP_MASTER _IO ('d', 0x1f)

typedef struct {
  int               id;
  int               fd;
  CellsDeviceClass  klass;
  char             *path;
} Device;

typedef struct {
  CellsSeat *seat;
  int        fd;
  guint      watch;
  pid_t      pid;
  uid_t      uid;
  gboolean   seat_open;
  gboolean   opening;   /* asked to open the seat, answered in the foreground */
  gboolean   pending_disable;
  gboolean   enable_after_ack; /* enabled again before it acknowledged disable-seat */
  guint      ack_timeout;
  gboolean   reopening; /* enabled again, its input not yet reopened */
  guint      settle;
  char      *reopened;  /* the last input device it opened again */
  GArray    *devices;   /* Device */
  guint8     in[SEAT_PROTO_MAX_MSG * 2];
  gsize      in_len;
} Client;

struct _CellsSeat {
  char             *cell_name;
  char             *socket_path;
  dev_t             socket_dev;  /* the socket file, as bound */
  ino_t             socket_ino;
  guint32           uid_first;
  guint32           uid_count;
  CellsSeatDialect  dialect;
  CellsSeatMayConnect may_connect;
  CellsSeatMayOpen  may_open;
  CellsSeatReleased released;
  CellsSeatChanged  changed;
  CellsSeatReopened reopened;
  gpointer          data;
  int               listen_fd;
  guint             listen_watch;
  gboolean          active;
  gboolean          open_waits; /* open-seat is answered in the foreground only */
  int               devns_fd;   /* the cell's pid namespace, or -1: revoke input */
  GList            *clients;
};

/* Display and input follow the foreground: master and revocation. */
static gboolean
follows_foreground (CellsDeviceClass klass)
{
  return klass == CELLS_DEVICE_DISPLAY || klass == CELLS_DEVICE_INPUT;
}

static void
close_fd (gpointer data, gpointer user_data)
{
  close (GPOINTER_TO_INT (data) - 1);
}

/* The last close of a revoked evdev fd waits for an RCU grace period
 * (tens of milliseconds): done by a worker, not the main loop. */
static void
close_later (int fd)
{
  static GThreadPool *closer;

  if (g_once_init_enter (&closer))
    g_once_init_leave (&closer, g_thread_pool_new (close_fd, NULL, 1, FALSE, NULL));
  g_thread_pool_push (closer, GINT_TO_POINTER (fd + 1), NULL);
}

/* Takes the device from the client: input revoked, DRM master dropped.
 * A failure is logged (as seatd does): the client may keep the device.
 * Revoked already (ENODEV) or not master (EINVAL) is what was wanted. */
static void
device_take_away (const char *cell, Device *d)
{
  if (d->klass == CELLS_DEVICE_INPUT && ioctl (d->fd, EVIOCREVOKE, NULL) < 0 && errno != ENODEV)
    g_warning ("Cell “%s”: could not revoke %s: %s", cell, d->path, g_strerror (errno));
  else if (d->klass == CELLS_DEVICE_DISPLAY && ioctl (d->fd, DRM_IOCTL_DROP_MASTER, 0) < 0 &&
           errno != EINVAL)
    g_warning ("Cell “%s”: could not drop DRM master of %s: %s", cell, d->path, g_strerror (errno));
}

static void
device_release (CellsSeat *seat, Device *d)
{
  if (d->klass == CELLS_DEVICE_INPUT || d->klass == CELLS_DEVICE_DISPLAY)
    device_take_away (seat->cell_name, d);
  if (d->klass == CELLS_DEVICE_INPUT)
    close_later (d->fd);
  else
    close (d->fd);
  seat->released (seat->data, d->klass, d->path);
  g_free (d->path);
}

static void
client_free (Client *c)
{
  for (guint i = 0; i < c->devices->len; i++)
    device_release (c->seat, &g_array_index (c->devices, Device, i));
  g_array_unref (c->devices);
  g_clear_handle_id (&c->watch, g_source_remove);
  g_clear_handle_id (&c->ack_timeout, g_source_remove);
  g_clear_handle_id (&c->settle, g_source_remove);
  g_free (c->reopened);
  close (c->fd);
  g_free (c);
}

static void
client_drop (Client *c, const char *why)
{
  CellsSeat *seat = c->seat;

  g_debug ("Cell “%s”: seat client %d leaves: %s", seat->cell_name, c->pid, why);
  seat->clients = g_list_remove (seat->clients, c);
  client_free (c);
  seat->changed (seat->data);
}

static gboolean
client_send (Client *c, const guint8 *msg, gsize len, int fd)
{
  struct iovec iov = { .iov_base = (void *) msg, .iov_len = len };
  union {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

  if (fd >= 0) {
    struct cmsghdr *cmsg;

    memset (&control, 0, sizeof control);
    mh.msg_control = control.buf;
    mh.msg_controllen = sizeof control.buf;
    cmsg = CMSG_FIRSTHDR (&mh);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN (sizeof (int));
    memcpy (CMSG_DATA (cmsg), &fd, sizeof fd);
  }
  /* Messages are tiny; a client that does not read is dropped. */
  return sendmsg (c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t) len;
}

static gboolean
send_empty (Client *c, guint16 opcode)
{
  guint8 msg[SEAT_PROTO_MAX_MSG];

  return client_send (c, msg, seat_proto_empty (msg, opcode), -1);
}

static gboolean
send_error (Client *c, int err)
{
  guint8 msg[SEAT_PROTO_MAX_MSG];

  return client_send (c, msg, seat_proto_int (msg, SEAT_SERVER_ERROR, err), -1);
}

static void client_enable (Client *c);

/* The client is disabled, as it says or as its time ran out; an enable
 * that waited for it is sent now. */
static void
acknowledged (Client *c)
{
  c->pending_disable = FALSE;
  g_clear_handle_id (&c->ack_timeout, g_source_remove);
  if (c->enable_after_ack) {
    c->enable_after_ack = FALSE;
    if (c->seat->active)
      client_enable (c);
  }
}

static gboolean
on_ack_timeout (gpointer user_data)
{
  Client *c = user_data;

  c->ack_timeout = 0;
  if (c->pending_disable) {
    g_message ("Cell “%s”: seat client %d did not acknowledge disable-seat within %d ms; "
               "taken as acknowledged", c->seat->cell_name, c->pid, ACK_TIMEOUT_MS);
    acknowledged (c);
  }
  return G_SOURCE_REMOVE;
}

static void
client_disable (Client *c)
{
  for (guint i = 0; i < c->devices->len; i++) {
    Device *d = &g_array_index (c->devices, Device, i);

    if (d->klass == CELLS_DEVICE_DISPLAY ||
        (d->klass == CELLS_DEVICE_INPUT && c->seat->devns_fd < 0))
      device_take_away (c->seat->cell_name, d);
  }
  c->reopening = FALSE;
  g_clear_handle_id (&c->settle, g_source_remove);
  /* Its enable was never sent: it is disabled still, as it thinks. */
  if (c->enable_after_ack) {
    c->enable_after_ack = FALSE;
    return;
  }
  c->pending_disable = TRUE;
  g_clear_handle_id (&c->ack_timeout, g_source_remove);
  c->ack_timeout = g_timeout_add (ACK_TIMEOUT_MS, on_ack_timeout, c);
  send_empty (c, SEAT_SERVER_DISABLE_SEAT);
}

/* As seatd does, a client is enabled again only once it has acknowledged
 * the disable-seat before: libseat clients do not expect an enable while
 * they are still disabling (a compositor switched away and back within a
 * few hundred milliseconds did not reopen its input). */
static void
client_enable (Client *c)
{
  if (c->pending_disable) {
    g_debug ("Cell “%s”: seat client %d is enabled once it acknowledges disable-seat",
             c->seat->cell_name, c->pid);
    c->enable_after_ack = TRUE;
    return;
  }
  for (guint i = 0; i < c->devices->len; i++) {
    Device *d = &g_array_index (c->devices, Device, i);

    if (d->klass == CELLS_DEVICE_DISPLAY && ioctl (d->fd, DRM_IOCTL_SET_MASTER, 0) < 0)
      g_warning ("Cell “%s”: could not give DRM master back: %s", c->seat->cell_name,
                 g_strerror (errno));
  }
  c->reopening = TRUE;
  send_empty (c, SEAT_SERVER_ENABLE_SEAT);
}

static gboolean
on_settled (gpointer user_data)
{
  Client *c = user_data;

  c->settle = 0;
  c->reopening = FALSE;
  g_debug ("Cell “%s”: client %d has its input again (%s)", c->seat->cell_name, c->pid,
           c->reopened);
  if (c->seat->reopened != NULL)
    c->seat->reopened (c->seat->data, c->reopened);
  return G_SOURCE_REMOVE;
}

/* A compositor reopens its input devices once the seat is enabled again
 * (libinput_resume); when it is done, the seat's owner is told. */
static void
input_reopened (Client *c, const char *path)
{
  if (!c->reopening)
    return;
  g_free (c->reopened);
  c->reopened = g_strdup (path);
  g_clear_handle_id (&c->settle, g_source_remove);
  c->settle = g_timeout_add (REOPEN_SETTLE_MS, on_settled, c);
}

static int
compare_paths (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Requests */

static int
open_device (Client *c, const char *requested, int *out_id)
{
  CellsSeat *seat = c->seat;
  g_autofree char *path = realpath (requested, NULL);
  g_autoptr(GError) error = NULL;
  CellsDeviceClass klass;
  Device d = { 0 };
  int err;

  if (path == NULL)
    return errno;
  if (!cells_device_class_for_path (path, &klass))
    return ENOENT;
  if (follows_foreground (klass) && !seat->active)
    return EPERM;
  if (c->devices->len >= MAX_DEVICES)
    return EMFILE;
  err = seat->may_open (seat->data, klass, path);
  if (err != 0)
    return err;

  d.fd = open (path, O_RDWR | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (d.fd < 0) {
    err = errno;
    seat->released (seat->data, klass, path);
    return err;
  }
  if (klass == CELLS_DEVICE_INPUT && seat->devns_fd >= 0 &&
      !cells_devns_give (d.fd, seat->devns_fd, &error)) {
    g_warning ("Cell “%s”: %s refused: %s", seat->cell_name, path, error->message);
    close (d.fd);
    seat->released (seat->data, klass, path);
    return EIO;
  }
  d.klass = klass;
  d.path = g_strdup (path);
  d.id = 1;
  for (guint i = 0; i < c->devices->len; i++)
    d.id = MAX (d.id, g_array_index (c->devices, Device, i).id + 1);
  if (klass == CELLS_DEVICE_DISPLAY && ioctl (d.fd, DRM_IOCTL_SET_MASTER, 0) < 0)
    g_message ("Cell “%s”: DRM master for %s: %s", seat->cell_name, path, g_strerror (errno));
  g_array_append_val (c->devices, d);
  if (klass == CELLS_DEVICE_INPUT)
    input_reopened (c, path);
  seat->changed (seat->data);
  g_debug ("Cell “%s”: client %d opened %s as device %d", seat->cell_name, c->pid, path, d.id);
  *out_id = d.id;
  return 0;
}

static gboolean
handle_open_device (Client *c, const char *path)
{
  guint8 msg[SEAT_PROTO_MAX_MSG];
  int id = 0;
  int err = c->seat_open ? open_device (c, path, &id) : EPERM;
  Device *d;

  if (err != 0)
    return send_error (c, err);
  d = &g_array_index (c->devices, Device, c->devices->len - 1);
  return client_send (c, msg, seat_proto_int (msg, SEAT_SERVER_DEVICE_OPENED, id), d->fd);
}

static gboolean
handle_close_device (Client *c, int id)
{
  for (guint i = 0; i < c->devices->len; i++) {
    Device *d = &g_array_index (c->devices, Device, i);

    if (d->id == id) {
      device_release (c->seat, d);
      g_array_remove_index (c->devices, i);
      c->seat->changed (c->seat->data);
      return send_empty (c, SEAT_SERVER_DEVICE_CLOSED);
    }
  }
  return send_error (c, EBADF);
}

static gboolean
answer_open_seat (Client *c)
{
  guint8 msg[SEAT_PROTO_MAX_MSG];

  c->opening = FALSE;
  c->seat_open = TRUE;
  if (!client_send (c, msg, seat_proto_seat_opened (msg, SEAT_NAME), -1))
    return FALSE;
  if (c->seat->active)
    return send_empty (c, SEAT_SERVER_ENABLE_SEAT);
  return TRUE;
}

static gboolean
handle_open_seat (Client *c)
{
  if (c->seat_open || c->opening)
    return FALSE;
  if (c->seat->active || !c->seat->open_waits)
    return answer_open_seat (c);
  g_debug ("Cell “%s”: seat client %d opens the seat; answered in the foreground",
           c->seat->cell_name, c->pid);
  c->opening = TRUE;
  return TRUE;
}

static gboolean
handle_close_seat (Client *c)
{
  while (c->devices->len > 0) {
    device_release (c->seat, &g_array_index (c->devices, Device, 0));
    g_array_remove_index (c->devices, 0);
  }
  c->seat_open = FALSE;
  c->opening = FALSE;
  return send_empty (c, SEAT_SERVER_SEAT_CLOSED);
}

static gboolean
handle_disable_seat (Client *c)
{
  gboolean was_pending = c->pending_disable;
  gboolean ok = TRUE;

  /* libseat 0.7 expects no reply. */
  if (c->seat->dialect != CELLS_SEAT_DIALECT_0_7)
    ok = was_pending ? send_empty (c, SEAT_SERVER_SEAT_DISABLED) : send_error (c, EBUSY);
  if (was_pending)
    acknowledged (c);
  return ok;
}

static gboolean
handle_switch_session (Client *c, int session)
{
  /* Only the switcher moves the foreground. libseat 0.7 expects no reply. */
  g_message ("Cell “%s”: seat client %d asked for session %d; refused", c->seat->cell_name,
             c->pid, session);
  if (c->seat->dialect == CELLS_SEAT_DIALECT_0_7)
    return TRUE;
  return send_error (c, EPERM);
}

static gboolean
handle_request (Client *c, const struct seat_request *req)
{
  switch (req->opcode) {
  case SEAT_CLIENT_OPEN_SEAT:
    return handle_open_seat (c);
  case SEAT_CLIENT_CLOSE_SEAT:
    return handle_close_seat (c);
  case SEAT_CLIENT_OPEN_DEVICE:
    return handle_open_device (c, req->path);
  case SEAT_CLIENT_CLOSE_DEVICE:
    return handle_close_device (c, req->arg);
  case SEAT_CLIENT_DISABLE_SEAT:
    return handle_disable_seat (c);
  case SEAT_CLIENT_SWITCH_SESSION:
    return handle_switch_session (c, req->arg);
  case SEAT_CLIENT_PING:
    return send_empty (c, SEAT_SERVER_PONG);
  default:
    return FALSE;
  }
}

static gboolean
on_client_io (int fd, GIOCondition condition, gpointer user_data)
{
  Client *c = user_data;
  ssize_t n = recv (fd, c->in + c->in_len, sizeof c->in - c->in_len, MSG_DONTWAIT);
  struct seat_request req;
  int used;

  if (n <= 0) {
    if (n < 0 && errno == EAGAIN)
      return G_SOURCE_CONTINUE;
    c->watch = 0;
    client_drop (c, n == 0 ? "closed" : g_strerror (errno));
    return G_SOURCE_REMOVE;
  }
  c->in_len += n;
  while ((used = seat_proto_parse (c->in, c->in_len, &req)) > 0) {
    memmove (c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
    if (!handle_request (c, &req)) {
      c->watch = 0;
      client_drop (c, "protocol error or unwritable socket");
      return G_SOURCE_REMOVE;
    }
  }
  if (used < 0) {
    c->watch = 0;
    client_drop (c, "malformed message");
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

/* Whether the peer of @cfd may be a client: NULL, or why not. */
static char *
refusal (CellsSeat *seat, int cfd, const struct ucred *cred)
{
  g_autofree gid_t *gids = NULL;
  socklen_t len = 32 * sizeof (gid_t);

  if (seat->may_connect == NULL) {
    if (cred->uid == 0 || (cred->uid >= seat->uid_first &&
                           (guint64) cred->uid < (guint64) seat->uid_first + seat->uid_count))
      return NULL;
    return g_strdup ("not one of the cell's");
  }
  /* The primary group, then the supplementary groups the peer had when it
   * connected (the kernel says how much room they need). */
  for (int tries = 0;; tries++) {
    gids = g_realloc (gids, sizeof (gid_t) + len);
    if (getsockopt (cfd, SOL_SOCKET, SO_PEERGROUPS, gids + 1, &len) == 0)
      break;
    if (errno != ERANGE || tries > 0)
      return g_strdup_printf ("its groups are unknown (%s)", g_strerror (errno));
  }
  gids[0] = cred->gid;
  return seat->may_connect (seat->data, cred->uid, gids, 1 + len / sizeof (gid_t));
}

static gboolean on_connection (int fd, GIOCondition condition, gpointer user_data);

static gboolean
resume_listening (gpointer user_data)
{
  CellsSeat *seat = user_data;

  seat->listen_watch = g_unix_fd_add (seat->listen_fd, G_IO_IN, on_connection, seat);
  return G_SOURCE_REMOVE;
}

static gboolean
on_connection (int fd, GIOCondition condition, gpointer user_data)
{
  CellsSeat *seat = user_data;
  struct ucred cred = { .uid = (uid_t) -1, .gid = (gid_t) -1 };
  socklen_t len = sizeof cred;
  int cfd = accept4 (fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  g_autofree char *why = NULL;
  Client *c;

  if (cfd < 0 && (errno == EMFILE || errno == ENFILE)) {
    /* The connection stays queued, and would wake this again at once. */
    g_message ("Cell “%s”: no file descriptor is left for a seat connection; the seat "
               "accepts none for %u s", seat->cell_name, SEAT_PAUSE_S);
    seat->listen_watch = g_timeout_add_seconds (SEAT_PAUSE_S, resume_listening, seat);
    return G_SOURCE_REMOVE;
  }
  if (cfd < 0)
    return G_SOURCE_CONTINUE;
  if (getsockopt (cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
    why = g_strdup_printf ("its credentials are unknown (%s)", g_strerror (errno));
  else
    why = refusal (seat, cfd, &cred);
  if (why == NULL && g_list_length (seat->clients) >= SEAT_MAX_CLIENTS)
    why = g_strdup_printf ("the seat has %u clients already, the most it serves",
                           SEAT_MAX_CLIENTS);
  if (why != NULL) {
    g_message ("Cell “%s”: seat connection from uid %u refused: %s", seat->cell_name,
               (guint) cred.uid, why);
    close (cfd);
    return G_SOURCE_CONTINUE;
  }
  c = g_new0 (Client, 1);
  c->seat = seat;
  c->fd = cfd;
  c->pid = cred.pid;
  c->uid = cred.uid;
  c->devices = g_array_new (FALSE, FALSE, sizeof (Device));
  c->watch = g_unix_fd_add (cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_client_io, c);
  seat->clients = g_list_append (seat->clients, c);
  seat->changed (seat->data);
  g_debug ("Cell “%s”: seat client %d (uid %u) connected", seat->cell_name, c->pid, c->uid);
  return G_SOURCE_CONTINUE;
}

static int
listen_on (const char *path, GError **error)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  if (strlen (path) >= sizeof addr.sun_path) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED,
                 "The seat socket path %s is too long for a unix socket.", path);
    return -1;
  }
  strcpy (addr.sun_path, path);
  g_unlink (path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0 ||
      chmod (path, 0666) < 0 || listen (fd, 16) < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not listen on %s: %s",
                 path, g_strerror (errno));
    if (fd >= 0)
      close (fd);
    return -1;
  }
  return fd;
}

/**
 * cells_seat_new:
 * @dir: the directory of the socket, made here (bind-mounted into the cell)
 * @uid_first: the first host uid that may connect (besides root)
 * @uid_count: how many uids from there may connect
 * @may_open: asked before a device is opened
 * @released: told when a device is closed
 */
CellsSeat *
cells_seat_new (const char *cell_name, const char *dir, guint32 uid_first, guint32 uid_count,
                CellsSeatDialect dialect, CellsSeatMayOpen may_open, CellsSeatReleased released,
                CellsSeatChanged changed, gpointer data, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "seatd.sock", NULL);
  CellsSeat *seat;
  struct stat st;
  int fd;

  if (g_mkdir_with_parents (dir, 0755) < 0 || g_chmod (dir, 0755) < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "Could not create %s: %s", dir,
                 g_strerror (errno));
    return NULL;
  }
  fd = listen_on (path, error);
  if (fd < 0)
    return NULL;
  seat = g_new0 (CellsSeat, 1);
  seat->cell_name = g_strdup (cell_name);
  seat->socket_path = g_steal_pointer (&path);
  seat->uid_first = uid_first;
  seat->uid_count = uid_count;
  seat->dialect = dialect;
  seat->may_open = may_open;
  seat->released = released;
  seat->changed = changed;
  seat->data = data;
  seat->listen_fd = fd;
  seat->open_waits = TRUE;
  seat->devns_fd = -1;
  if (lstat (seat->socket_path, &st) == 0) {
    seat->socket_dev = st.st_dev;
    seat->socket_ino = st.st_ino;
  }
  seat->listen_watch = g_unix_fd_add (fd, G_IO_IN, on_connection, seat);
  return seat;
}

void
cells_seat_free (CellsSeat *seat)
{
  struct stat st;

  if (seat == NULL)
    return;
  g_list_free_full (seat->clients, (GDestroyNotify) client_free);
  g_clear_handle_id (&seat->listen_watch, g_source_remove);
  close (seat->listen_fd);
  /* A cellsd that replaced this one listens there now: its socket stays. */
  if (lstat (seat->socket_path, &st) == 0 && st.st_dev == seat->socket_dev &&
      st.st_ino == seat->socket_ino)
    g_unlink (seat->socket_path);
  g_free (seat->socket_path);
  g_free (seat->cell_name);
  g_free (seat);
}

/**
 * cells_seat_set_may_connect:
 *
 * Who may connect is asked of @may_connect (with the seat's data) instead
 * of the seat's uid range, from the next connection on.
 */
void
cells_seat_set_may_connect (CellsSeat *seat, CellsSeatMayConnect may_connect)
{
  g_return_if_fail (seat != NULL);
  seat->may_connect = may_connect;
}

/**
 * cells_seat_set_reopened:
 *
 * @reopened is told (with the seat's data) when a client has opened its
 * input devices again after the seat was enabled.
 */
void
cells_seat_set_reopened (CellsSeat *seat, CellsSeatReopened reopened)
{
  g_return_if_fail (seat != NULL);
  seat->reopened = reopened;
}

/**
 * cells_seat_set_active:
 *
 * Gives the seat the screen and input (the cell comes to the foreground)
 * or takes them away: DRM master dropped and evdev fds revoked before
 * disable-seat is sent, so that nothing depends on the client's answer.
 */
void
cells_seat_set_active (CellsSeat *seat, gboolean active)
{
  g_return_if_fail (seat != NULL);

  if (seat->active == active)
    return;
  seat->active = active;
  for (GList *l = seat->clients; l != NULL; l = l->next) {
    Client *c = l->data;

    /* A client that cannot be written to is dropped when its socket ends. */
    if (c->opening && active)
      answer_open_seat (c);
    else if (!c->seat_open)
      continue;
    else if (active)
      client_enable (c);
    else
      client_disable (c);
  }
}

/**
 * cells_seat_set_open_waits:
 * @waits: whether open-seat is answered only while the seat is active
 *   (the default), or at once as seatd does
 *
 * Clients waiting for their answer get it now if @waits is %FALSE.
 */
void
cells_seat_set_open_waits (CellsSeat *seat, gboolean waits)
{
  g_return_if_fail (seat != NULL);

  seat->open_waits = waits;
  if (waits)
    return;
  for (GList *l = seat->clients; l != NULL; l = l->next) {
    Client *c = l->data;

    if (c->opening)
      answer_open_seat (c);
  }
}

/**
 * cells_seat_set_device_namespace:
 * @nsfd: the cell's pid namespace (kept open by the caller), or -1
 *
 * With a namespace, evdev fds opened from now on are given to it and are
 * no longer revoked when the cell leaves the foreground.
 */
void
cells_seat_set_device_namespace (CellsSeat *seat, int nsfd)
{
  g_return_if_fail (seat != NULL);
  seat->devns_fd = nsfd;
}

guint
cells_seat_get_n_clients (CellsSeat *seat)
{
  g_return_val_if_fail (seat != NULL, 0);
  return g_list_length (seat->clients);
}

/**
 * cells_seat_dup_devices:
 *
 * Returns: (transfer full): the device nodes the seat's clients hold,
 * sorted, each once.
 */
GStrv
cells_seat_dup_devices (CellsSeat *seat)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GStrv paths;

  g_return_val_if_fail (seat != NULL, NULL);
  for (GList *l = seat->clients; l != NULL; l = l->next) {
    Client *c = l->data;

    for (guint i = 0; i < c->devices->len; i++) {
      Device *d = &g_array_index (c->devices, Device, i);

      if (g_hash_table_add (seen, d->path))
        g_strv_builder_add (builder, d->path);
    }
  }
  paths = g_strv_builder_end (builder);
  qsort (paths, g_strv_length (paths), sizeof (char *), compare_paths);
  return paths;
}

gboolean
cells_seat_dialect_from_string (const char *s, CellsSeatDialect *out)
{
  if (g_strcmp0 (s, "0.7") == 0)
    *out = CELLS_SEAT_DIALECT_0_7;
  else if (g_strcmp0 (s, "0.9") == 0)
    *out = CELLS_SEAT_DIALECT_0_9;
  else
    return FALSE;
  return TRUE;
}
