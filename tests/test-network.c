/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cells-errors.h"
#include "cells-lxc.h"
#include "cells-nft.h"
#include "cells-settings.h"

#include <glib/gstdio.h>
#include <string.h>

static void
test_subnet (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *gw = NULL;
  g_autofree char *last = NULL;
  CellsSubnet net;
  guint32 index;

  g_assert_true (cells_subnet_parse ("10.87.0.0/24", &net, &error));
  g_assert_cmpuint (net.prefix, ==, 24);
  g_assert_cmpuint (cells_subnet_size (&net), ==, 256);
  gw = cells_subnet_address (&net, 1);
  g_assert_cmpstr (gw, ==, "10.87.0.1");
  last = cells_subnet_address (&net, 254);
  g_assert_cmpstr (last, ==, "10.87.0.254");

  /* Host bits are dropped: the range is what the prefix says. */
  g_assert_true (cells_subnet_parse (" 192.168.7.77 / 28 ", &net, NULL));
  g_assert_cmpuint (net.network, ==, 0xc0a8074fu & ~0xfu);

  g_assert_true (cells_subnet_parse ("10.87.0.0/24", &net, NULL));
  g_assert_true (cells_subnet_index_of (&net, "10.87.0.2", &index));
  g_assert_cmpuint (index, ==, 2);
  /* The network, the gateway, broadcast and other ranges are no cell's. */
  g_assert_false (cells_subnet_index_of (&net, "10.87.0.0", &index));
  g_assert_false (cells_subnet_index_of (&net, "10.87.0.1", &index));
  g_assert_false (cells_subnet_index_of (&net, "10.87.0.255", &index));
  g_assert_false (cells_subnet_index_of (&net, "10.87.1.2", &index));
  g_assert_false (cells_subnet_index_of (&net, "cells", &index));
  g_assert_false (cells_subnet_index_of (&net, NULL, &index));

  for (guint i = 0; i < 6; i++) {
    const char *bad[] = { "10.87.0.0", "10.87.0.0/31", "10.87.0.0/7", "10.87.0/24",
                          "fd00::/64", "10.87.0.0/x" };

    g_clear_error (&error);
    g_assert_false (cells_subnet_parse (bad[i], &net, &error));
    g_assert_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, bad[i]));
  }
}

static void
test_ruleset (void)
{
  const char *blocked[] = { "vcell3", "vcell9", NULL };
  const char *evil[] = { "vcell3\" accept", NULL };
  g_autofree char *with = NULL;
  g_autofree char *without = NULL;
  CellsSubnet net;

  g_assert_true (cells_subnet_parse ("10.87.0.0/24", &net, NULL));
  with = cells_nft_ruleset (&net, "wwan0", blocked);
  g_assert_nonnull (with);
  /* One transaction that replaces whatever table an earlier cellsd left. */
  g_assert_true (g_str_has_prefix (with, "table inet cells\ndelete table inet cells\n"));
  g_assert_nonnull (strstr (with, "elements = { \"vcell3\", \"vcell9\" }"));
  g_assert_nonnull (strstr (with, "ip daddr 10.87.0.1 udp dport 53 accept"));
  g_assert_nonnull (strstr (with, "oifname \"wwan0\" accept"));
  g_assert_nonnull (strstr (with, "ip saddr 10.87.0.0/24 oifname \"wwan0\" masquerade"));
  g_assert_nonnull (strstr (with, "fib saddr . iif oif missing drop"));

  /* No uplink: nothing goes out, nothing is masqueraded. */
  without = cells_nft_ruleset (&net, NULL, NULL);
  g_assert_nonnull (without);
  g_assert_null (strstr (without, "masquerade"));
  g_assert_null (strstr (without, "elements"));
  g_assert_null (strstr (without, "\" accept"));

  /* What is not a link name never reaches nft. */
  g_assert_null (cells_nft_ruleset (&net, "wlan0\"; flush ruleset", NULL));
  g_assert_null (cells_nft_ruleset (&net, "wlan0", evil));
  g_assert_null (cells_nft_ruleset (&net, "a-name-longer-than-15", NULL));
}

static void
test_routes (void)
{
  const char *routes =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
      "wwan0\t00000000\t01010A0A\t0003\t0\t0\t700\t00000000\t0\t0\t0\n"
      "usb0\t00000000\t0101A8C0\t0002\t0\t0\t1\t00000000\t0\t0\t0\n"
      "wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n";
  const char *none = "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
                     "wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n";
  g_autofree char *best = cells_route_default_link (routes);
  g_autofree char *nothing = cells_route_default_link (none);

  /* The lowest metric of the default routes that are up (usb0's is down). */
  g_assert_cmpstr (best, ==, "wlan0");
  g_assert_null (nothing);
}

static void
test_counters (void)
{
  const char *dev =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n"
      "    lo:    1000      10    0    0    0     0          0         0     1000      10    0 "
      "   0    0     0       0          0\n"
      "vcell12: 5000 50 0 0 0 0 0 0 7000000 4900 0 0 0 0 0 0\n"
      " vcell2:  123  4 0 0 0 0 0 0 456 7 0 0 0 0 0 0\n";
  CellsNetCounters c = { 0 };

  g_assert_true (cells_net_dev_counters (dev, "vcell2", &c));
  g_assert_cmpuint (c.rx_bytes, ==, 123);
  g_assert_cmpuint (c.rx_packets, ==, 4);
  g_assert_cmpuint (c.tx_bytes, ==, 456);
  g_assert_cmpuint (c.tx_packets, ==, 7);
  g_assert_true (cells_net_dev_counters (dev, "vcell12", &c));
  g_assert_cmpuint (c.tx_bytes, ==, 7000000);
  g_assert_false (cells_net_dev_counters (dev, "vcell1", &c));
}

static void
test_lxc_link (void)
{
  g_autoptr(CellsDefinition) def = cells_definition_new ("work");
  CellsHost host = { 0 };
  CellsNetLink link = { "vcell4", "10.87.0.4", "10.87.0.1" };
  g_autofree char *with = NULL;
  g_autofree char *without = NULL;

  with = cells_lxc_config (def, "/var/lib/cells/cells/work", &host, "/helper", &link);
  g_assert_nonnull (strstr (with, "lxc.net.0.veth.mode = router\n"));
  g_assert_nonnull (strstr (with, "lxc.net.0.veth.pair = vcell4\n"));
  g_assert_nonnull (strstr (with, "lxc.net.0.ipv4.address = 10.87.0.4/32\n"));
  g_assert_nonnull (strstr (with, "lxc.net.0.ipv4.gateway = 10.87.0.1\n"));
  g_assert_nonnull (strstr (with, "/helper --mount-hook /var/lib/cells/cells/work/resolv.conf "
                                  "etc/resolv.conf\n"));
  without = cells_lxc_config (def, "/var/lib/cells/cells/work", &host, "/helper", NULL);
  g_assert_nonnull (strstr (without, "lxc.net.0.type = empty\n"));
  g_assert_null (strstr (without, "resolv.conf"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/network/subnet", test_subnet);
  g_test_add_func ("/network/ruleset", test_ruleset);
  g_test_add_func ("/network/routes", test_routes);
  g_test_add_func ("/network/counters", test_counters);
  g_test_add_func ("/network/lxc-link", test_lxc_link);
  return g_test_run ();
}
