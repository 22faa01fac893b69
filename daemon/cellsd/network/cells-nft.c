/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-network"

#include "cells-nft.h"
#include "cells-errors.h"

#include <arpa/inet.h>
#include <string.h>

/**
 * SECTION:cells-nft
 *
 * What the cells' network is made of, as text: the private range, the
 * nftables table of cellsd's own and the uplink read off the routing
 * table. No system calls here; cells-network.c applies it.
 *
 * The table, for a range 10.87.0.0/16 and an uplink wlan0:
 *
 *   - from a cell to the host (input): only DNS to the gateway address,
 *     where the forwarder listens; nothing else of the host is reachable,
 *     whatever address it has;
 *   - from a cell onwards (forward): only to the uplink, so never to
 *     another cell nor to another network the host is on;
 *   - from anywhere to a cell (forward): only what answers the cell's own
 *     connections;
 *   - a source address that does not route back through the link it came
 *     in on is dropped (a cell that takes another cell's address, or any
 *     other, passes nothing): `fib saddr . iif oif missing`;
 *   - the links of cells whose network right is "none" (@blocked) pass
 *     nothing at all;
 *   - what leaves through the uplink from the range is masqueraded.
 */

gboolean
cells_subnet_parse (const char *text, CellsSubnet *out, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (text, "/", 2);
  struct in_addr addr;
  guint64 prefix = 0;
  guint32 mask;

  if (g_strv_length (parts) != 2 || inet_pton (AF_INET, g_strstrip (parts[0]), &addr) != 1 ||
      !g_ascii_string_to_unsigned (g_strstrip (parts[1]), 10, 8, 30, &prefix, NULL)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                 "“%s” is not an IPv4 range: give an address and a prefix length from 8 to 30, "
                 "such as 10.87.0.0/16.", text);
    return FALSE;
  }
  mask = ~0u << (32 - prefix);
  out->network = ntohl (addr.s_addr) & mask;
  out->prefix = prefix;
  return TRUE;
}

/* Addresses in the range: 1 is the gateway, the last is broadcast. */
guint32
cells_subnet_size (const CellsSubnet *subnet)
{
  return 1u << (32 - subnet->prefix);
}

/**
 * cells_subnet_address:
 * @index: 1 (the gateway) to the size of the range less 2
 *
 * Returns: (transfer full): the address, dotted
 */
char *
cells_subnet_address (const CellsSubnet *subnet, guint32 index)
{
  struct in_addr addr = { .s_addr = htonl (subnet->network + index) };
  char text[INET_ADDRSTRLEN];

  return g_strdup (inet_ntop (AF_INET, &addr, text, sizeof text));
}

/* Which address of the range @address is, if it is one a cell may have. */
gboolean
cells_subnet_index_of (const CellsSubnet *subnet, const char *address, guint32 *out_index)
{
  struct in_addr addr;
  guint32 host;

  if (address == NULL || inet_pton (AF_INET, address, &addr) != 1)
    return FALSE;
  host = ntohl (addr.s_addr);
  if ((host & (~0u << (32 - subnet->prefix))) != subnet->network)
    return FALSE;
  *out_index = host - subnet->network;
  return *out_index >= 2 && *out_index < cells_subnet_size (subnet) - 1;
}

/* A name the kernel could give a link, and nft can quote. */
static gboolean
is_link_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 15)
    return FALSE;
  for (const char *p = name; *p; p++) {
    if (!g_ascii_isalnum (*p) && strchr ("_.:-@", *p) == NULL)
      return FALSE;
  }
  return TRUE;
}

/**
 * cells_nft_ruleset:
 * @uplink: (nullable): the link that carries the default route, or %NULL
 *   when there is none (cells then reach nothing)
 * @blocked: (nullable): the host sides of the links that pass nothing
 *
 * Returns: (transfer full): an nft script that replaces cellsd's table as
 * one transaction (whatever an earlier cellsd left), or %NULL if a link
 * name is not one.
 */
char *
cells_nft_ruleset (const CellsSubnet *subnet, const char *uplink, const char *const *blocked)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *gateway = cells_subnet_address (subnet, 1);
  g_autofree char *network = cells_subnet_address (subnet, 0);
  guint n_blocked = 0;

  if (uplink != NULL && !is_link_name (uplink))
    return NULL;
  for (guint i = 0; blocked != NULL && blocked[i] != NULL; i++) {
    if (!is_link_name (blocked[i]))
      return NULL;
    n_blocked++;
  }

  g_string_append (s, "table inet " CELLS_NET_TABLE "\n"
                      "delete table inet " CELLS_NET_TABLE "\n"
                      "table inet " CELLS_NET_TABLE " {\n"
                      "  set blocked {\n"
                      "    type ifname\n");
  if (n_blocked > 0) {
    g_string_append (s, "    elements = {");
    for (guint i = 0; i < n_blocked; i++)
      g_string_append_printf (s, "%s \"%s\"", i ? "," : "", blocked[i]);
    g_string_append (s, " }\n");
  }
  g_string_append (s, "  }\n");

  g_string_append_printf (s,
      "  chain input {\n"
      "    type filter hook input priority filter; policy accept;\n"
      "    iifname \"" CELLS_NET_LINK_PREFIX "*\" jump from_cell_to_host\n"
      "  }\n"
      "  chain from_cell_to_host {\n"
      "    iifname @blocked drop\n"
      "    fib saddr . iif oif missing drop\n"
      "    ip daddr %s udp dport 53 accept\n"
      "    ip daddr %s tcp dport 53 accept\n"
      "    drop\n"
      "  }\n", gateway, gateway);

  g_string_append (s,
      "  chain forward {\n"
      "    type filter hook forward priority filter; policy accept;\n"
      "    iifname \"" CELLS_NET_LINK_PREFIX "*\" jump from_cell\n"
      "    oifname \"" CELLS_NET_LINK_PREFIX "*\" jump to_cell\n"
      "  }\n"
      "  chain from_cell {\n"
      "    iifname @blocked drop\n"
      "    fib saddr . iif oif missing drop\n");
  if (uplink != NULL)
    g_string_append_printf (s, "    oifname \"%s\" accept\n", uplink);
  g_string_append (s,
      "    drop\n"
      "  }\n"
      "  chain to_cell {\n"
      "    oifname @blocked drop\n"
      "    ct state established,related accept\n"
      "    drop\n"
      "  }\n");

  g_string_append (s,
      "  chain postrouting {\n"
      "    type nat hook postrouting priority srcnat; policy accept;\n");
  if (uplink != NULL)
    g_string_append_printf (s, "    ip saddr %s/%u oifname \"%s\" masquerade\n", network,
                            subnet->prefix, uplink);
  g_string_append (s, "  }\n}\n");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/**
 * cells_route_default_link:
 * @proc_net_route: the text of /proc/net/route
 *
 * Returns: (transfer full) (nullable): the link of the IPv4 default route
 * with the lowest metric, or %NULL when there is none.
 */
char *
cells_route_default_link (const char *proc_net_route)
{
  g_auto(GStrv) lines = g_strsplit (proc_net_route, "\n", -1);
  char *best = NULL;
  guint64 best_metric = G_MAXUINT64;

  /* Iface Destination Gateway Flags RefCnt Use Metric Mask … (hex) */
  for (guint i = 1; lines[i] != NULL; i++) {
    g_auto(GStrv) f = g_strsplit_set (lines[i], " \t", -1);
    g_autoptr(GPtrArray) fields = g_ptr_array_new ();
    guint64 flags = 0, metric = 0;

    for (guint j = 0; f[j] != NULL; j++) {
      if (*f[j] != '\0')
        g_ptr_array_add (fields, f[j]);
    }
    if (fields->len < 8 || !g_str_equal (fields->pdata[1], "00000000") ||
        !g_str_equal (fields->pdata[7], "00000000") ||
        !g_ascii_string_to_unsigned (fields->pdata[3], 16, 0, G_MAXUINT32, &flags, NULL) ||
        !g_ascii_string_to_unsigned (fields->pdata[6], 10, 0, G_MAXUINT32, &metric, NULL))
      continue;
    /* RTF_UP */
    if (!(flags & 0x1) || metric >= best_metric || !is_link_name (fields->pdata[0]))
      continue;
    g_free (best);
    best = g_strdup (fields->pdata[0]);
    best_metric = metric;
  }
  return best;
}

/**
 * cells_net_dev_counters:
 * @proc_net_dev: the text of /proc/net/dev
 * @link: a link's name
 *
 * Returns: whether @link is listed; its counters (as the link itself
 * counts them) in @out
 */
gboolean
cells_net_dev_counters (const char *proc_net_dev, const char *link, CellsNetCounters *out)
{
  g_auto(GStrv) lines = g_strsplit (proc_net_dev, "\n", -1);

  /* "  NAME: rx_bytes rx_packets errs drop fifo frame compressed multicast
   *   tx_bytes tx_packets …" */
  for (guint i = 0; lines[i] != NULL; i++) {
    char *colon = strchr (lines[i], ':');
    g_auto(GStrv) f = NULL;
    g_autoptr(GPtrArray) fields = g_ptr_array_new ();

    if (colon == NULL)
      continue;
    *colon = '\0';
    if (!g_str_equal (g_strstrip (lines[i]), link))
      continue;
    f = g_strsplit_set (colon + 1, " \t", -1);
    for (guint j = 0; f[j] != NULL; j++) {
      if (*f[j] != '\0')
        g_ptr_array_add (fields, f[j]);
    }
    return fields->len >= 10 &&
           g_ascii_string_to_unsigned (fields->pdata[0], 10, 0, G_MAXUINT64, &out->rx_bytes,
                                       NULL) &&
           g_ascii_string_to_unsigned (fields->pdata[1], 10, 0, G_MAXUINT64, &out->rx_packets,
                                       NULL) &&
           g_ascii_string_to_unsigned (fields->pdata[8], 10, 0, G_MAXUINT64, &out->tx_bytes,
                                       NULL) &&
           g_ascii_string_to_unsigned (fields->pdata[9], 10, 0, G_MAXUINT64, &out->tx_packets,
                                       NULL);
  }
  return FALSE;
}
