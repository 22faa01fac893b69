/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The host side of every cell's link starts so; the bridge that holds the
 * cells' gateway address is CELLS_NET_BRIDGE. */
#define CELLS_NET_LINK_PREFIX "vcell"
#define CELLS_NET_BRIDGE      "cells0"
#define CELLS_NET_TABLE       "cells"
#define CELLS_NET_SUBNET_DEFAULT "10.87.0.0/24"

/**
 * CellsSubnet:
 * @network: the first address, host byte order
 * @prefix: its length, 8 to 30
 *
 * The private range of the cells: the gateway is its first address, the
 * cells have the others.
 */
typedef struct {
  guint32 network;
  guint   prefix;
} CellsSubnet;

gboolean  cells_subnet_parse        (const char        *text,
                                     CellsSubnet       *out,
                                     GError           **error);
char     *cells_subnet_address      (const CellsSubnet *subnet,
                                     guint32            index);
guint32   cells_subnet_size         (const CellsSubnet *subnet);
gboolean  cells_subnet_index_of     (const CellsSubnet *subnet,
                                     const char        *address,
                                     guint32           *out_index);

/**
 * CellsNetCounters:
 *
 * Traffic on a link: for a cell, since its link was made, as the cell
 * sees it.
 */
typedef struct {
  guint64 rx_bytes;
  guint64 tx_bytes;
  guint64 rx_packets;
  guint64 tx_packets;
} CellsNetCounters;

char     *cells_nft_ruleset         (const CellsSubnet *subnet,
                                     const char        *uplink,
                                     const char *const *blocked);
char     *cells_route_default_link  (const char        *proc_net_route);
gboolean  cells_net_dev_counters    (const char        *proc_net_dev,
                                     const char        *link,
                                     CellsNetCounters  *out);

G_END_DECLS
