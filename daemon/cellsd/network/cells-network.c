/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-network"

#include "cells-network.h"
#include "cells-errors.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include <errno.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

/**
 * SECTION:cells-network
 *
 * The cells' way out: every running cell has a veth pair in LXC's router
 * mode (the cell's `eth0` with one address of the range, the host side
 * `vcellN` with a route to it), the gateway address sits on a bridge of
 * its own with no ports (`cells0`), a DNS forwarder (dnsmasq) listens
 * there alone, and cellsd's nftables table (cells-nft.c) lets a cell
 * through to the uplink and nowhere else. The uplink is the link of the
 * default route unless cellsd.conf names one, and is followed as routes
 * change (rtnetlink), without touching the cells.
 *
 * cellsd switches IPv4 forwarding on, as every container manager with
 * NAT does. The table, the bridge and the forwarder are made at start
 * (replacing what a cellsd that was killed left) and removed at a clean
 * exit; cells that keep running meanwhile keep their links and find the
 * rules again when the next cellsd starts.
 */

#define RESPAWN_S 1

typedef struct {
  guint32  index;
  gboolean allowed;
} Link;

struct _CellsNetwork {
  CellsSubnet  subnet;
  char        *fixed_uplink;
  char       **dns;
  char        *uplink;       /* now */
  char        *applied;      /* the ruleset last applied */
  char        *net_dev;      /* /proc/net/dev, as read at net_dev_time */
  gint64       net_dev_time;
  GHashTable  *links;        /* cell name → Link */
  GSubprocess *forwarder;
  char        *forwarder_pid_file;
  GCancellable *cancellable;
  guint        respawn_id;
  int          rtnl_fd;
  guint        rtnl_watch;
  guint        recheck_id;
};

static void start_forwarder (CellsNetwork *self);

static gboolean
run_tool (const char *const *argv, const char *input, GError **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_newv (argv, (input ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0) |
                                         G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                         G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (process == NULL) {
    g_prefix_error (error, "%s: ", argv[0]);
    return FALSE;
  }
  if (!g_subprocess_communicate_utf8 (process, input, NULL, NULL, &err, error))
    return FALSE;
  if (!g_subprocess_get_successful (process)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "%s failed: %s", argv[0],
                 err && *g_strstrip (err) ? err : "no reason given");
    return FALSE;
  }
  return TRUE;
}

static gboolean
write_sysctl (const char *path, const char *value, GError **error)
{
  if (!g_file_set_contents_full (path, value, -1, G_FILE_SET_CONTENTS_NONE, 0644, error)) {
    g_prefix_error (error, "Could not switch on IPv4 forwarding: ");
    return FALSE;
  }
  return TRUE;
}

/* The bridge with the gateway address, made anew if it is not there. */
static gboolean
make_bridge (CellsNetwork *self, GError **error)
{
  g_autofree char *gateway = cells_subnet_address (&self->subnet, 1);
  g_autofree char *address = g_strdup_printf ("%s/32", gateway);
  const char *add[] = { "ip", "link", "add", CELLS_NET_BRIDGE, "type", "bridge", NULL };
  const char *flush[] = { "ip", "-4", "address", "flush", "dev", CELLS_NET_BRIDGE, NULL };
  const char *addr[] = { "ip", "address", "add", address, "dev", CELLS_NET_BRIDGE, NULL };
  const char *up[] = { "ip", "link", "set", CELLS_NET_BRIDGE, "up", NULL };

  if (if_nametoindex (CELLS_NET_BRIDGE) == 0 && !run_tool (add, NULL, error))
    return FALSE;
  /* The cells talk IPv4 to the host; its IPv6 would be one more door. */
  g_file_set_contents ("/proc/sys/net/ipv6/conf/" CELLS_NET_BRIDGE "/disable_ipv6", "1", -1,
                       NULL);
  return run_tool (flush, NULL, error) && run_tool (addr, NULL, error) &&
         run_tool (up, NULL, error);
}

static char **
blocked_links (CellsNetwork *self)
{
  g_autoptr(GPtrArray) blocked = g_ptr_array_new ();
  GHashTableIter iter;
  Link *link;

  g_hash_table_iter_init (&iter, self->links);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &link)) {
    if (!link->allowed)
      g_ptr_array_add (blocked, g_strdup_printf (CELLS_NET_LINK_PREFIX "%u", link->index));
  }
  g_ptr_array_add (blocked, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&blocked), FALSE);
}

/* The table as it must be now, applied in one transaction if it changed. */
static gboolean
apply (CellsNetwork *self, GError **error)
{
  const char *nft[] = { "nft", "-f", "-", NULL };
  g_auto(GStrv) blocked = blocked_links (self);
  g_autofree char *ruleset =
      cells_nft_ruleset (&self->subnet, self->uplink, (const char *const *) blocked);

  if (ruleset == NULL) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "A link name is not one: %s",
                 self->uplink);
    return FALSE;
  }
  if (g_strcmp0 (ruleset, self->applied) == 0)
    return TRUE;
  if (!run_tool (nft, ruleset, error)) {
    g_prefix_error (error, "Could not write the cells' nftables table: ");
    return FALSE;
  }
  g_free (self->applied);
  self->applied = g_steal_pointer (&ruleset);
  return TRUE;
}

static void
apply_or_warn (CellsNetwork *self)
{
  g_autoptr(GError) error = NULL;

  if (!apply (self, &error))
    g_warning ("%s", error->message);
}

/* Uplink */

static char *
find_uplink (CellsNetwork *self)
{
  g_autofree char *routes = NULL;

  if (self->fixed_uplink != NULL)
    return g_strdup (self->fixed_uplink);
  if (!g_file_get_contents ("/proc/net/route", &routes, NULL, NULL))
    return NULL;
  return cells_route_default_link (routes);
}

static gboolean
recheck_uplink (gpointer user_data)
{
  CellsNetwork *self = user_data;
  g_autofree char *uplink = find_uplink (self);

  self->recheck_id = 0;
  if (g_strcmp0 (uplink, self->uplink) != 0) {
    g_message ("Cells reach the world through %s (before: %s)", uplink ? uplink : "nothing",
               self->uplink ? self->uplink : "nothing");
    g_free (self->uplink);
    self->uplink = g_steal_pointer (&uplink);
    apply_or_warn (self);
  }
  return G_SOURCE_REMOVE;
}

static gboolean
on_rtnl (int fd, GIOCondition condition, gpointer user_data)
{
  CellsNetwork *self = user_data;
  char buf[8192];

  while (recv (fd, buf, sizeof buf, 0) > 0 || errno == ENOBUFS)
    ;
  /* A burst of route changes is looked at once, when it has settled. */
  if (self->recheck_id == 0)
    self->recheck_id = g_timeout_add (100, recheck_uplink, self);
  return G_SOURCE_CONTINUE;
}

static void
watch_routes (CellsNetwork *self)
{
  struct sockaddr_nl sa = {
    .nl_family = AF_NETLINK,
    .nl_groups = RTMGRP_IPV4_ROUTE | RTMGRP_LINK,
  };

  if (self->fixed_uplink != NULL)
    return;
  self->rtnl_fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (self->rtnl_fd < 0 || bind (self->rtnl_fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
    g_warning ("Cannot follow the default route (%s): cells keep the uplink %s",
               g_strerror (errno), self->uplink ? self->uplink : "(none)");
    return;
  }
  self->rtnl_watch = g_unix_fd_add (self->rtnl_fd, G_IO_IN, on_rtnl, self);
}

/* The DNS forwarder */

static void
forwarder_child_setup (gpointer data)
{
  /* It goes with the cellsd that started it, as long as it keeps its
   * credentials (dnsmasq changes them: see end_stale_forwarder ()). */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* When the process started, in clock ticks since boot, or 0. */
static guint64
process_start_time (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;
  guint64 start = 0;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (after = strrchr (stat, ')')) == NULL)
    return 0;
  /* After "pid (comm)": state is field 3, starttime field 22. */
  fields = g_strsplit (after + 2, " ", -1);
  if (g_strv_length (fields) > 19)
    g_ascii_string_to_unsigned (fields[19], 10, 0, G_MAXUINT64, &start, NULL);
  return start;
}

/* A forwarder of a cellsd that was killed outlives it (dnsmasq's change
 * of user clears the parent-death signal) and holds the address: it is
 * ended by the pid and start time that cellsd wrote down. */
static void
end_stale_forwarder (CellsNetwork *self)
{
  g_autofree char *text = NULL;
  guint64 pid = 0, start = 0;
  g_auto(GStrv) words = NULL;

  if (!g_file_get_contents (self->forwarder_pid_file, &text, NULL, NULL))
    return;
  words = g_strsplit (g_strstrip (text), " ", 2);
  if (g_strv_length (words) == 2 &&
      g_ascii_string_to_unsigned (words[0], 10, 2, G_MAXINT32, &pid, NULL) &&
      g_ascii_string_to_unsigned (words[1], 10, 1, G_MAXUINT64, &start, NULL) &&
      process_start_time (pid) == start) {
    g_message ("Ending the DNS forwarder (pid %" G_GUINT64_FORMAT ") of an earlier cellsd", pid);
    kill (pid, SIGTERM);
    for (int i = 0; i < 200 && process_start_time (pid) == start; i++)
      g_usleep (10000);
    if (process_start_time (pid) == start)
      kill (pid, SIGKILL);
  }
  g_unlink (self->forwarder_pid_file);
}

static void
note_forwarder (CellsNetwork *self)
{
  pid_t pid = atoi (g_subprocess_get_identifier (self->forwarder));
  g_autofree char *text = g_strdup_printf ("%d %" G_GUINT64_FORMAT "\n", pid,
                                           process_start_time (pid));
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents_full (self->forwarder_pid_file, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_message ("The DNS forwarder's pid is not kept: %s", error->message);
}

static gboolean
respawn_forwarder (gpointer user_data)
{
  CellsNetwork *self = user_data;

  self->respawn_id = 0;
  start_forwarder (self);
  return G_SOURCE_REMOVE;
}

static void
on_forwarder_exit (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;
  CellsNetwork *self;

  if (!g_subprocess_wait_finish (process, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  g_message ("The cells' DNS forwarder ended (%s %d); starting it again in %d s",
             g_subprocess_get_if_signaled (process) ? "signal" : "status",
             g_subprocess_get_if_signaled (process) ? g_subprocess_get_term_sig (process)
                                                    : g_subprocess_get_exit_status (process),
             RESPAWN_S);
  g_clear_object (&self->forwarder);
  self->respawn_id = g_timeout_add_seconds (RESPAWN_S, respawn_forwarder, self);
}

static void
start_forwarder (CellsNetwork *self)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *gateway = cells_subnet_address (&self->subnet, 1);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, g_strdup ("dnsmasq"));
  g_ptr_array_add (argv, g_strdup ("--keep-in-foreground"));
  /* Nothing of the host's dnsmasq configuration, hosts or DHCP. */
  g_ptr_array_add (argv, g_strdup ("--conf-file=/dev/null"));
  g_ptr_array_add (argv, g_strdup ("--pid-file="));
  g_ptr_array_add (argv, g_strdup ("--no-hosts"));
  g_ptr_array_add (argv, g_strdup ("--bind-interfaces"));
  g_ptr_array_add (argv, g_strdup_printf ("--listen-address=%s", gateway));
  g_ptr_array_add (argv, g_strdup ("--log-facility=-"));
  if (self->dns != NULL) {
    g_ptr_array_add (argv, g_strdup ("--no-resolv"));
    for (guint i = 0; self->dns[i] != NULL; i++)
      g_ptr_array_add (argv, g_strdup_printf ("--server=%s", self->dns[i]));
  }
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, forwarder_child_setup, NULL, NULL);
  self->forwarder =
      g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  if (self->forwarder == NULL) {
    g_warning ("Could not start the cells' DNS forwarder: %s; cells have no DNS",
               error->message);
    return;
  }
  note_forwarder (self);
  g_subprocess_wait_async (self->forwarder, self->cancellable, on_forwarder_exit, self);
}

static void
stop_forwarder (CellsNetwork *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->respawn_id, g_source_remove);
  if (self->forwarder != NULL) {
    g_subprocess_send_signal (self->forwarder, SIGTERM);
    g_subprocess_wait (self->forwarder, NULL, NULL);
    g_clear_object (&self->forwarder);
    g_unlink (self->forwarder_pid_file);
  }
}

/**
 * cells_network_new:
 * @state_dir: cellsd's, where it keeps the forwarder's pid
 *
 * Makes the cells' network: forwarding on, the gateway's bridge, the
 * table, the DNS forwarder, and the watch on the default route.
 */
CellsNetwork *
cells_network_new (const CellsNetworkSettings *settings, const char *state_dir, GError **error)
{
  g_autoptr(CellsNetwork) self = g_new0 (CellsNetwork, 1);
  g_autofree char *network = cells_subnet_address (&settings->subnet, 0);

  self->subnet = settings->subnet;
  self->fixed_uplink = g_strdup (settings->uplink);
  self->dns = g_strdupv (settings->dns);
  self->links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();
  self->rtnl_fd = -1;
  self->forwarder_pid_file = g_build_filename (state_dir, "dns-forwarder.pid", NULL);

  if (!write_sysctl ("/proc/sys/net/ipv4/ip_forward", "1", error) ||
      !make_bridge (self, error))
    return NULL;
  self->uplink = find_uplink (self);
  if (!apply (self, error))
    return NULL;
  watch_routes (self);
  end_stale_forwarder (self);
  start_forwarder (self);
  g_message ("Cells get addresses of %s/%u and reach the world through %s", network,
             self->subnet.prefix,
             self->uplink ? self->uplink : "nothing yet (no default route)");
  return g_steal_pointer (&self);
}

/**
 * cells_network_free:
 *
 * Stops the forwarder; the table and the bridge stay for the next cellsd
 * (see cells_network_shutdown()).
 */
void
cells_network_free (CellsNetwork *self)
{
  if (self == NULL)
    return;
  stop_forwarder (self);
  g_clear_handle_id (&self->recheck_id, g_source_remove);
  g_clear_handle_id (&self->rtnl_watch, g_source_remove);
  if (self->rtnl_fd >= 0)
    close (self->rtnl_fd);
  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->links);
  g_free (self->fixed_uplink);
  g_strfreev (self->dns);
  g_free (self->uplink);
  g_free (self->applied);
  g_free (self->net_dev);
  g_free (self->forwarder_pid_file);
  g_free (self);
}

/**
 * cells_network_shutdown:
 *
 * A clean exit: removes cellsd's table and the bridge. Running cells
 * reach nothing until the next cellsd.
 */
void
cells_network_shutdown (CellsNetwork *self)
{
  const char *drop[] = { "nft", "delete", "table", "inet", CELLS_NET_TABLE, NULL };
  const char *del[] = { "ip", "link", "delete", CELLS_NET_BRIDGE, NULL };
  g_autoptr(GError) error = NULL;

  stop_forwarder (self);
  if (!run_tool (drop, NULL, &error) || !run_tool (del, NULL, &error))
    g_message ("Removing the cells' network: %s", error->message);
  g_clear_pointer (&self->applied, g_free);
}

static guint32
free_index (CellsNetwork *self)
{
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  Link *link;

  g_hash_table_iter_init (&iter, self->links);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &link))
    g_hash_table_add (used, GUINT_TO_POINTER (link->index));
  for (guint32 i = 2; i < cells_subnet_size (&self->subnet) - 1; i++) {
    if (!g_hash_table_contains (used, GUINT_TO_POINTER (i)))
      return i;
  }
  return 0;
}

static void
describe (CellsNetwork *self, guint32 index, CellsNetLink *out)
{
  g_autofree char *address = cells_subnet_address (&self->subnet, index);
  g_autofree char *gateway = cells_subnet_address (&self->subnet, 1);

  g_snprintf (out->host_side, sizeof out->host_side, CELLS_NET_LINK_PREFIX "%u", index);
  g_strlcpy (out->address, address, sizeof out->address);
  g_strlcpy (out->gateway, gateway, sizeof out->gateway);
}

static void
keep (CellsNetwork *self, const char *cell, guint32 index, gboolean allowed, CellsNetLink *out)
{
  Link *link = g_new0 (Link, 1);

  link->index = index;
  link->allowed = allowed;
  g_hash_table_replace (self->links, g_strdup (cell), link);
  describe (self, index, out);
}

/**
 * cells_network_reserve:
 * @allowed: whether the cell's network right lets it through
 *
 * Picks the link of a cell that is about to start: the lowest free
 * address. A link that is not @allowed is blocked before it exists.
 */
gboolean
cells_network_reserve (CellsNetwork *self, const char *cell, gboolean allowed, CellsNetLink *out,
                       GError **error)
{
  guint32 index = free_index (self);

  if (index == 0) {
    g_autofree char *network = cells_subnet_address (&self->subnet, 0);

    g_set_error (error, CELLS_ERROR, CELLS_ERROR_BUSY,
                 "Every address of the cells' range %s/%u is taken; give a larger range in "
                 "[Network] Subnet of cellsd.conf.", network, self->subnet.prefix);
    return FALSE;
  }
  keep (self, cell, index, allowed, out);
  if (!allowed && !apply (self, error)) {
    g_hash_table_remove (self->links, cell);
    return FALSE;
  }
  return TRUE;
}

/* The value of @key in an LXC configuration. */
static char *
config_value (const char *config, const char *key)
{
  g_auto(GStrv) lines = g_strsplit (config, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++) {
    g_auto(GStrv) kv = g_strsplit (lines[i], "=", 2);

    if (kv[0] != NULL && kv[1] != NULL && g_str_equal (g_strstrip (kv[0]), key))
      return g_strdup (g_strstrip (kv[1]));
  }
  return NULL;
}

/**
 * cells_network_adopt:
 * @lxc_config: the configuration the running cell was started with
 *
 * Takes back the link of a cell that was running before cellsd started.
 *
 * Returns: whether the cell has a link of the range
 */
gboolean
cells_network_adopt (CellsNetwork *self, const char *cell, const char *lxc_config,
                     gboolean allowed, CellsNetLink *out)
{
  g_autofree char *pair = config_value (lxc_config, "lxc.net.0.veth.pair");
  g_autofree char *address = config_value (lxc_config, "lxc.net.0.ipv4.address");
  g_autofree char *expected = NULL;
  guint32 index;

  if (address != NULL && strchr (address, '/') != NULL)
    *strchr (address, '/') = '\0';
  if (pair == NULL || !cells_subnet_index_of (&self->subnet, address, &index))
    return FALSE;
  expected = g_strdup_printf (CELLS_NET_LINK_PREFIX "%u", index);
  if (!g_str_equal (pair, expected) || if_nametoindex (pair) == 0)
    return FALSE;
  keep (self, cell, index, allowed, out);
  if (!allowed)
    apply_or_warn (self);
  return TRUE;
}

/**
 * cells_network_release:
 *
 * The cell stopped: its address is free again (LXC removed its link).
 */
void
cells_network_release (CellsNetwork *self, const char *cell)
{
  Link *link = g_hash_table_lookup (self->links, cell);
  gboolean was_blocked = link != NULL && !link->allowed;

  g_hash_table_remove (self->links, cell);
  if (was_blocked)
    apply_or_warn (self);
}

/**
 * cells_network_set_allowed:
 *
 * The cell's network right changed while it runs: its link passes
 * traffic again, or nothing from now on (connections open included).
 */
void
cells_network_set_allowed (CellsNetwork *self, const char *cell, gboolean allowed)
{
  Link *link = g_hash_table_lookup (self->links, cell);

  if (link == NULL || link->allowed == allowed)
    return;
  link->allowed = allowed;
  g_message ("Cell “%s”: network %s", cell, allowed ? "on" : "off (loopback only)");
  apply_or_warn (self);
}

/**
 * cells_network_read_counters:
 *
 * Returns: whether the cell has a link; its counters in @out
 */
gboolean
cells_network_read_counters (CellsNetwork *self, const char *cell, CellsNetCounters *out)
{
  Link *link = g_hash_table_lookup (self->links, cell);
  gint64 now = g_get_monotonic_time ();
  char name[16];
  CellsNetCounters host_side;

  if (link == NULL)
    return FALSE;
  g_snprintf (name, sizeof name, CELLS_NET_LINK_PREFIX "%u", link->index);
  /* Read once for all the cells that ask within half a second. /proc/net
   * is cellsd's own network namespace's (/sys/class/net is the one sysfs
   * was mounted in). */
  if (self->net_dev == NULL || now - self->net_dev_time > G_USEC_PER_SEC / 2) {
    g_clear_pointer (&self->net_dev, g_free);
    if (!g_file_get_contents ("/proc/net/dev", &self->net_dev, NULL, NULL))
      return FALSE;
    self->net_dev_time = now;
  }
  if (!cells_net_dev_counters (self->net_dev, name, &host_side))
    return FALSE;
  /* What the host side sends, the cell receives. */
  out->rx_bytes = host_side.tx_bytes;
  out->tx_bytes = host_side.rx_bytes;
  out->rx_packets = host_side.tx_packets;
  out->tx_packets = host_side.rx_packets;
  return TRUE;
}

const char *
cells_network_get_uplink (CellsNetwork *self)
{
  return self->uplink;
}
