/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-nft.h"

#include <glib.h>

G_BEGIN_DECLS

/**
 * CellsNetworkSettings:
 * @enabled: whether cells get a link (else loopback only)
 * @subnet: the cells' private range
 * @uplink: (nullable): the link cells reach the world through; %NULL
 *   for whichever carries the default route, followed as it moves
 * @dns: (nullable): the servers the forwarder asks; %NULL for the host's
 *   own (its /etc/resolv.conf, followed as it changes)
 *
 * `[Network]` of cellsd.conf.
 */
typedef struct {
  gboolean     enabled;
  CellsSubnet  subnet;
  char        *uplink;
  char       **dns;
} CellsNetworkSettings;

/**
 * CellsNetLink:
 * @host_side: the host side of the cell's veth pair
 * @address: the cell's address
 * @gateway: its gateway, the DNS forwarder's address
 *
 * What a cell's LXC configuration says of its link.
 */
typedef struct {
  char host_side[16];
  char address[16];
  char gateway[16];
} CellsNetLink;

typedef struct _CellsNetwork CellsNetwork;

CellsNetwork *cells_network_new          (const CellsNetworkSettings *settings,
                                          const char                 *state_dir,
                                          GError                    **error);
void          cells_network_free         (CellsNetwork               *self);
void          cells_network_shutdown     (CellsNetwork               *self);
gboolean      cells_network_reserve      (CellsNetwork               *self,
                                          const char                 *cell,
                                          gboolean                    allowed,
                                          CellsNetLink               *out,
                                          GError                    **error);
gboolean      cells_network_adopt        (CellsNetwork               *self,
                                          const char                 *cell,
                                          const char                 *lxc_config,
                                          gboolean                    allowed,
                                          CellsNetLink               *out);
void          cells_network_release      (CellsNetwork               *self,
                                          const char                 *cell);
void          cells_network_set_allowed  (CellsNetwork               *self,
                                          const char                 *cell,
                                          gboolean                    allowed);
gboolean      cells_network_read_counters (CellsNetwork              *self,
                                          const char                 *cell,
                                          CellsNetCounters           *out);
const char   *cells_network_get_uplink   (CellsNetwork               *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CellsNetwork, cells_network_free)

G_END_DECLS
