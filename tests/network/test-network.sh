#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The cells' network end to end, in network namespaces of the test's own:
# cellsd (with its private bus) runs in a namespace whose only uplink is a
# veth to a second namespace, "the internet", where the test's DNS and
# HTTP servers are; a third namespace is a second internet the uplink
# moves to. No packet leaves these namespaces.
#
#   test-network.sh BUILD_DIR SOURCE_DIR
#
# Prints TAP. Needs root; exits 77 when a tool is missing.
set -eu

build=$1
source_dir=$2
session="$source_dir/tests/cells-session.sh"
cellsctl="$build/daemon/cellsctl/cellsctl"
# wait_for SECONDS COMMAND…
# shellcheck source=../telephony/common.sh
. "$source_dir/tests/telephony/common.sh"
init="/bin/sh -c 'trap \"exit 0\" TERM; sleep 100000 & wait'"
n=0

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (cells are containers)"
	exit 77
fi
for tool in nft dnsmasq ip unshare nsenter python3 lxc-start busctl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is missing (tests/setup-host.sh installs it)"
		exit 77
	fi
done

# The phone: a network namespace of this test's own.
if [ -z "${CELLS_TEST_NETNS:-}" ]; then
	CELLS_TEST_NETNS=1 exec unshare --net -- "$0" "$@"
fi

dir=$(mktemp -d /tmp/cells-network.XXXXXX)
chmod 711 "$dir"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
pids=

cleanup() {
	status=$?
	if [ "$status" != 0 ] && [ "$status" != 77 ]; then
		echo "# --- cellsd.log (end) ---"
		tail -40 "$dir/cellsd.log" 2>/dev/null | sed 's/^/# /'
	fi
	sh "$session" stop "$dir" >/dev/null 2>&1 || true
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	rm -rf "$dir"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM


# A namespace held by a process of its own: its pid in $netns_pid.
new_netns() {
	unshare --net sleep 100000 >/dev/null 2>&1 &
	netns_pid=$!
	pids="$pids $netns_pid"
	wait_for 5 sh -c "[ \"\$(readlink /proc/$netns_pid/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]" ||
		fail "no network namespace"
}

in_ns() {
	pid=$1
	shift
	nsenter --net="/proc/$pid/ns/net" "$@"
}

# An internet behind LINK: the peer at NET.1, this side NET.2, a DNS
# server that says example.test is NET.1 and an HTTP server there whose
# log names every client.
make_internet() {
	link=$1
	net=$2
	name=$3
	new_netns
	pid=$netns_pid
	ip link add "$link" type veth peer name eth0 netns "$pid"
	ip address add "$net.2/24" dev "$link"
	ip link set "$link" up
	in_ns "$pid" ip link set lo up
	in_ns "$pid" ip address add "$net.1/24" dev eth0
	in_ns "$pid" ip link set eth0 up
	# Every ping that reaches this internet is counted.
	in_ns "$pid" nft add table ip watch
	in_ns "$pid" nft add chain ip watch in "{ type filter hook input priority 0; }"
	in_ns "$pid" nft add rule ip watch in icmp type echo-request counter
	nsenter --net="/proc/$pid/ns/net" dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file= --no-resolv \
		--no-hosts --bind-interfaces --listen-address="$net.1" \
		--address=/example.test/"$net.1" --log-facility=- 2>>"$dir/$name-dns.log" &
	pids="$pids $!"
	nsenter --net="/proc/$pid/ns/net" python3 -m http.server --bind "$net.1" --directory "$dir/www" 80 \
		>>"$dir/$name-http.log" 2>&1 &
	pids="$pids $!"
	wait_for 10 in_ns "$pid" python3 -c \
		"import socket; socket.create_connection(('$net.1', 80), 1)" ||
		fail "the HTTP server of $name did not start"
}

prop() {
	busctl get-property org.cells.Cells1 "/org/cells/Cells1/cell/$(echo "$1" | tr - _)" \
		org.cells.Cells1.Cell "$2" | sed 's/^[a-z]* //; s/^"//; s/"$//'
}

in_cell() {
	cell=$1
	shift
	"$cellsctl" exec "$cell" -- "$@"
}

# A GET from the cell: the body on stdout.
get() {
	# (busybox's own wget -T crashes in Debian 12's busybox-static)
	in_cell "$1" timeout 4 wget -q -O - "$2"
}

# A GET that gets nothing within 2 s.
refused() {
	! in_cell "$1" timeout 2 wget -q -O - "$2" >/dev/null 2>&1
}

# The name looked up through the cell's forwarder.
resolves() {
	in_cell "$1" nslookup example.test 2>/dev/null | grep -q "^Address: 198.51.100.1"
}

ruleset() {
	nft list table inet cells | sed 's/ # handle [0-9]*//'
}

cellsd_up() {
	sh "$session" cellsd "$dir" "$build" --config "$dir/cellsd.conf"
}

echo "1..12"

mkdir -p "$dir/www"
echo "hello from the internet" >"$dir/www/hello"
head -c 1048576 /dev/urandom >"$dir/www/big"
ip link set lo up
make_internet wan0 198.51.100 internet
internet_pid=$netns_pid
ip route add default via 198.51.100.1
# A service of the phone's own, on every address it has.
python3 -m http.server --bind 0.0.0.0 --directory "$dir/www" 8080 >>"$dir/phone-http.log" 2>&1 &
pids="$pids $!"

cat >"$dir/cellsd.conf" <<'CONF'
[Network]
DNS=198.51.100.1
CONF
sh "$session" image "$dir" "$build"
sh "$session" bus "$dir"
CELLS_NETWORK=1 cellsd_up
"$cellsctl" image import busybox "$dir/busybox.tar.gz" >/dev/null
for cell in net-a net-b; do
	"$cellsctl" create "$cell" --image busybox --init "$init" >/dev/null
	"$cellsctl" start "$cell"
done
a=$(prop net-a Address)
b=$(prop net-b Address)
[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] || fail "each cell has an address of its own (a=$a b=$b)"
in_cell net-a ip route | grep -q "^default via 10.87.0.1" || fail "the cell's default route"
ok "two running cells with links: $a and $b"

for cell in net-a net-b; do
	[ "$(get "$cell" http://example.test/hello)" = "hello from the internet" ] ||
		fail "an HTTP GET by name from $cell"
done
grep -q '^198.51.100.2 .*"GET /hello' "$dir/internet-http.log" ||
	fail "the server sees the phone's address (NAT)"
if grep -q '^10\.87\.' "$dir/internet-http.log"; then
	fail "a cell's own address reached the internet"
fi
# UDP out and back, as a cell's own SIP app would talk to its registrar.
in_cell net-a nslookup example.test 198.51.100.1 2>/dev/null | grep -q "^Address: 198.51.100.1" ||
	fail "a UDP exchange with a server of the internet"
ok "both cells reach a server by name (and UDP out and back); it sees the phone's address"

rx_a=$(prop net-a ReceivedBytes)
rx_b=$(prop net-b ReceivedBytes)
get net-a http://example.test/big | wc -c | grep -qx 1048576 || fail "a 1 MiB download"
grown() {
	[ "$(prop net-a ReceivedBytes)" -ge $((rx_a + 1048576)) ]
}
wait_for 5 grown || fail "net-a's ReceivedBytes grow by the download ($rx_a → $(prop net-a ReceivedBytes))"
[ "$(prop net-b ReceivedBytes)" -lt $((rx_b + 65536)) ] ||
	fail "net-b's counters do not count net-a's download"
[ "$(prop net-a SentBytes)" -gt 0 ] && [ "$(prop net-a ReceivedPackets)" -gt 0 ] &&
	[ "$(prop net-a SentPackets)" -gt 0 ] || fail "the other counters"
"$cellsctl" show net-a | grep -q "ReceivedBytes" || fail "cellsctl show prints the counters"
ok "counters: net-a received $(prop net-a ReceivedBytes) bytes, net-b $(prop net-b ReceivedBytes)"

in_cell net-b sh -c 'httpd -p 8000 -h /etc' || fail "a server in net-b"
refused net-a "http://$b:8000/passwd" || fail "net-a reaches net-b"
! in_cell net-a ping -c 1 -W 1 "$b" >/dev/null 2>&1 || fail "net-a pings net-b"
ok "a cell cannot reach another cell"

refused net-a http://198.51.100.2:8080/hello || fail "net-a reaches the phone's uplink address"
refused net-a http://10.87.0.1:8080/hello || fail "net-a reaches the gateway's other ports"
! in_cell net-a ping -c 1 -W 1 10.87.0.1 >/dev/null 2>&1 || fail "net-a pings the host"
grep -q '"GET /hello' "$dir/phone-http.log" && fail "the phone's own service saw a cell"
ok "a cell reaches no address of the phone but the DNS forwarder"

pings() {
	in_ns "$internet_pid" nft list chain ip watch in | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}
p0=$(pings)
in_cell net-a ping -c 1 -W 2 198.51.100.1 >/dev/null || fail "a ping out"
[ "$(pings)" = $((p0 + 1)) ] || fail "the internet counts pings ($p0 → $(pings))"
# The replies would go elsewhere: what counts is what reaches the internet.
in_cell net-a ip address add "$b/32" dev eth0
in_cell net-a ip address add 198.51.100.7/32 dev eth0
for source in "$b" 198.51.100.7; do
	in_cell net-a ping -c 1 -W 1 -I "$source" 198.51.100.1 >/dev/null 2>&1 || true
done
in_cell net-a ip address del "$b/32" dev eth0
in_cell net-a ip address del 198.51.100.7/32 dev eth0
[ "$(pings)" = $((p0 + 1)) ] || fail "a spoofed source address passes ($(pings) pings arrived)"
ok "another cell's address, or any other, as source passes nothing"

"$cellsctl" set net-a device.network=none
refused net-a http://example.test/hello || fail "net-a gets through with network=none"
[ "$(get net-b http://example.test/hello)" = "hello from the internet" ] || fail "net-b is cut too"
"$cellsctl" set net-a device.network=shared
[ "$(get net-a http://example.test/hello)" = "hello from the internet" ] ||
	fail "net-a is back with network=shared"
# A cell that starts with none is cut off from its first packet.
"$cellsctl" create net-c --image busybox --init "$init" >/dev/null
"$cellsctl" set net-c device.network=none
"$cellsctl" start net-c
refused net-c http://example.test/hello || fail "net-c started with network=none gets through"
"$cellsctl" set net-c device.network=shared
[ "$(get net-c http://example.test/hello)" = "hello from the internet" ] ||
	fail "net-c is let through"
"$cellsctl" stop net-c
"$cellsctl" destroy net-c
! "$cellsctl" set net-a device.network=exclusive 2>"$dir/err" || fail "network=exclusive taken"
grep -q "cannot be exclusive" "$dir/err" || fail "network=exclusive: $(cat "$dir/err")"
ok "network none and shared while the cell runs, no restart"

make_internet wan1 203.0.113 internet2
ip route replace default via 203.0.113.1 dev wan1
moved() {
	[ "$(get net-a http://203.0.113.1/hello)" = "hello from the internet" ]
}
wait_for 5 moved || fail "net-a reaches the new internet"
grep -q '^203.0.113.2 .*"GET /hello' "$dir/internet2-http.log" || fail "NAT on the new uplink"
refused net-b http://198.51.100.1/hello || fail "the old uplink still carries cells"
resolves net-b || fail "DNS after the move"
ok "the uplink moved to wan1: cells follow it without a restart"

before=$(ruleset)
leader=$(prop net-a Leader)
kill -9 "$(cat "$dir/cellsd.pid")"
CELLS_NETWORK=1 cellsd_up
[ "$(prop net-a State)" = running ] && [ "$(prop net-a Leader)" = "$leader" ] ||
	fail "net-a adopted"
[ "$(prop net-a Address)" = "$a" ] || fail "net-a keeps its address ($(prop net-a Address))"
[ "$(ruleset)" = "$before" ] || fail "the ruleset after a restart: $(ruleset)"
[ "$(nft list tables | grep -c 'inet cells')" = 1 ] || fail "one table"
# The killed cellsd's forwarder is gone; the one answering is the new one's.
forwarder_is_new() {
	owner=$(ss -Hlunp 'sport = :53' | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | sort -u)
	[ "$(echo "$owner" | wc -w)" = 1 ] &&
		[ "$(awk '{print $4}' "/proc/$owner/stat")" = "$(cat "$dir/cellsd.pid")" ]
}
wait_for 5 forwarder_is_new || fail "the DNS forwarder is the new cellsd's ($(ss -Hlunp 'sport = :53'))"
ok "cellsd killed and restarted: same ruleset, one table, cells adopted with their addresses"

moved || fail "net-a reaches the internet after the restart"
wait_for 5 sh -c "[ \"\$(DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS busctl get-property \
org.cells.Cells1 /org/cells/Cells1/cell/net_a org.cells.Cells1.Cell ReceivedBytes | \
cut -d' ' -f2)\" -gt 0 ]" || fail "counters after the restart"
# The forwarder of the killed cellsd ends with it; the new one may need
# a second try to have the address.
wait_for 5 resolves net-b || fail "DNS after the restart"
ok "running cells keep their network across the restart"

"$cellsctl" stop net-b
[ -z "$(prop net-b Address)" ] || fail "a stopped cell has no address"
"$cellsctl" start net-b
[ "$(get net-b http://203.0.113.1/hello)" = "hello from the internet" ] && resolves net-b ||
	fail "net-b after a restart of the cell"
ok "a cell stopped and started again gets a link again"

pid=$(cat "$dir/cellsd.pid")
kill "$pid"
wait_for 10 sh -c "! kill -0 $pid" || fail "cellsd ends on SIGTERM"
! nft list table inet cells >/dev/null 2>&1 || fail "cellsd's table is left after a clean exit"
! ip link show cells0 >/dev/null 2>&1 || fail "the bridge is left after a clean exit"
[ -z "$(ss -Hlun 'sport = :53')" ] || fail "a DNS forwarder is left: $(ss -Hlunp 'sport = :53')"
nft list tables | grep -q . && fail "some table is left: $(nft list tables)"
ok "a clean exit removes cellsd's table and bridge"
