# shellcheck shell=bash
# test_route.sh - xskfwd route: a router namespace joined to three hosts.
#
#   xtr-h0 eth0 02:58:46:00:10:01 -- rt0 02:58:46:00:10:fe \
#   xtr-h1 eth0 02:58:46:00:11:01 -- rt1 02:58:46:00:11:fe  > xtr-rt
#   xtr-h2 eth0 02:58:46:00:12:01 -- rt2 02:58:46:00:12:fe /
#
# Host i is 198.18.1i.1/24 and 2001:db8:1i::1/64 with default routes via the
# router's 198.18.1i.254 and 2001:db8:1i::fe. h1 and h2 also hold a service
# address on lo (198.18.20.1, 2001:db8:20::1), which the router reaches
# through whichever host its /32 and /128 routes name (via h1 at the start
# of every test). Every veth has 4 rx and 4 tx queues, so every run of
# `xskfwd route` serves 4 queues on each port. The router forwards IPv4 and
# IPv6, and its ICMP error rate limits are off (every probe gets its answer,
# however fast the tests send; icmp_ratelimit only: the per-source limit of
# ip_error() is not a namespace setting, see test_route_change_followed).
#
# What is asserted is what a user checks from the hosts: datagrams reach
# ordinary sockets (so the hosts' kernels accepted the checksums) with the
# TTL or hop limit one lower and the router port's MAC as their source,
# ping, TCP, traceroute, ICMP errors from the router's kernel, route and
# neighbour changes followed at once. The same assertions hold when the
# router's kernel forwards by itself: with XF_ROUTE_KERNEL=1 every test runs
# without xskfwd, which is how the tests themselves are checked. The
# xskfwd-specific part of a test is small: starting `xskfwd route`
# (route_start), stopping it cleanly (route_stop, which also checks that
# its counters add up) and reading the counters of its summary. What the
# kernel may lose on a veth is read from its counters (tr_lost).

TR_RT=xtr-rt
TR_HOSTS=(xtr-h0 xtr-h1 xtr-h2)
TR_PORTS=(rt0 rt1 rt2)
TR_QUEUES=4
TR_SVC4=198.18.20.1
TR_SVC6=2001:db8:20::1
# A second address of h0, used only by test_route_change_followed (see there).
TR_H0_ALT4=198.18.10.2
TR_H0_ALT6=2001:db8:10::2

# XF_ROUTE_KERNEL=1: the router's kernel forwards, no xskfwd.
XF_ROUTE_KERNEL=${XF_ROUTE_KERNEL:-0}

# shellcheck disable=SC2034 # read by run.sh
TIMEOUT_setup_file=60

# Addresses and MACs of host i (0..2) and of the router port facing it.
h_ip4() { echo "198.18.1$1.1"; }
h_ip6() { echo "2001:db8:1$1::1"; }
rt_ip4() { echo "198.18.1$1.254"; }
rt_ip6() { echo "2001:db8:1$1::fe"; }
h_mac() { echo "02:58:46:00:1$1:01"; }
rt_mac() { echo "02:58:46:00:1$1:fe"; }

# in_rt CMD... / in_h I CMD...: run in the router's / host I's namespace.
in_rt() { ip netns exec "$TR_RT" "$@"; }
in_h() {
	local i=$1
	shift
	ip netns exec "${TR_HOSTS[i]}" "$@"
}

# --- the topology -----------------------------------------------------------

tr_down() {
	local ns
	for ns in "$TR_RT" "${TR_HOSTS[@]}"; do
		if ip netns list | awk '{ print $1 }' | grep -qxF -- "$ns"; then
			ip netns del "$ns"
		fi
	done
}

# tr_ns NS: a namespace with IPv6 DAD and router solicitations off, set
# before any device exists in it (new devices copy "default"), rp_filter off.
tr_ns() {
	ip netns add "$1"
	ip netns exec "$1" sysctl -qw \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip -n "$1" link set lo up
}

# tr_offloads NS DEV: as scripts/rig.sh: no tx checksum offload (a veth
# sender's CHECKSUM_PARTIAL frames would be wrong after an AF_XDP hop), no
# hardware segmentation, no tx VLAN offload; verified with ethtool -k.
tr_offloads() {
	local ns=$1 dev=$2 f left
	ip netns exec "$ns" ethtool -K "$dev" tx off tso off txvlan off >/dev/null
	for f in $(ip netns exec "$ns" ethtool -k "$dev" |
		awk -F': ' '$1 ~ /^[ \t]*(tx-.*segmentation|tx-gso-.*|tx-vlan-stag-hw-insert)$/ &&
			$2 ~ /^on/ && $2 !~ /fixed/ { gsub(/[ \t]/, "", $1); print $1 }'); do
		ip netns exec "$ns" ethtool -K "$dev" "$f" off >/dev/null
	done
	left=$(ip netns exec "$ns" ethtool -k "$dev" |
		awk -F': ' '$1 ~ /^[ \t]*(tx-.*segmentation|tx-gso-.*|tx-checksumming|tx-vlan-offload)$/ &&
			$2 ~ /^on/ { gsub(/[ \t]/, "", $1); print $1 }')
	[[ -z "$left" ]] || fail "$ns/$dev: offloads still on: ${left//$'\n'/ }"
}

# tr_forwarding_on: IPv4 and IPv6 forwarding on, also on each port (writing
# ip_forward=1 when it is 1 already leaves a port's own setting as it is).
tr_forwarding_on() {
	local p
	in_rt sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	for p in "${TR_PORTS[@]}"; do
		in_rt sysctl -qw "net.ipv4.conf.$p.forwarding=1"
	done
}

# tr_mtu MTU: the MTU of every veth end, the router's and the hosts'
# (teardown puts 1500 back).
tr_mtu() {
	local i
	for i in 0 1 2; do
		in_rt ip link set "${TR_PORTS[i]}" mtu "$1"
		ip -n "${TR_HOSTS[i]}" link set eth0 mtu "$1"
	done
}

# tr_routes: the routes every test starts with (restored by teardown).
tr_routes() {
	in_rt ip route replace "$TR_SVC4/32" via "$(h_ip4 1)"
	in_rt ip -6 route replace "$TR_SVC6/128" via "$(h_ip6 1)"
}

setup_file() {
	local i h
	require_root
	require_cmd ip ethtool ping socat sha256sum tracepath ss
	[[ -x "$XF_BIN/xskfwd" && -x "$XF_BIN/udpcheck" ]] || fail "build first: make"
	if ((!XF_ROUTE_KERNEL)) && ! "$XF_BIN/xskfwd" route --help >/dev/null 2>&1; then
		fail "this xskfwd has no route mode (XF_ROUTE_KERNEL=1 runs the tests without it)"
	fi
	tr_down
	tr_ns "$TR_RT"
	in_rt sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
		net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000
	for i in 0 1 2; do
		h=${TR_HOSTS[i]}
		tr_ns "$h"
		ip link add "${TR_PORTS[i]}" netns "$TR_RT" numtxqueues "$TR_QUEUES" \
			numrxqueues "$TR_QUEUES" address "$(rt_mac "$i")" type veth \
			peer name eth0 netns "$h" numtxqueues "$TR_QUEUES" \
			numrxqueues "$TR_QUEUES" address "$(h_mac "$i")"
		tr_offloads "$TR_RT" "${TR_PORTS[i]}"
		tr_offloads "$h" eth0
		in_rt ip addr add "$(rt_ip4 "$i")/24" dev "${TR_PORTS[i]}"
		in_rt ip -6 addr add "$(rt_ip6 "$i")/64" dev "${TR_PORTS[i]}" nodad
		ip -n "$h" addr add "$(h_ip4 "$i")/24" dev eth0
		ip -n "$h" -6 addr add "$(h_ip6 "$i")/64" dev eth0 nodad
		in_rt ip link set "${TR_PORTS[i]}" up
		ip -n "$h" link set eth0 up
		ip -n "$h" route add default via "$(rt_ip4 "$i")"
		ip -n "$h" -6 route add default via "$(rt_ip6 "$i")"
	done
	for i in 1 2; do
		ip -n "${TR_HOSTS[i]}" addr add "$TR_SVC4/32" dev lo
		ip -n "${TR_HOSTS[i]}" -6 addr add "$TR_SVC6/128" dev lo
	done
	ip -n "${TR_HOSTS[0]}" addr add "$TR_H0_ALT4/24" dev eth0
	ip -n "${TR_HOSTS[0]}" -6 addr add "$TR_H0_ALT6/64" dev eth0 nodad
	tr_routes
	# Everything reachable through the kernel before any test.
	for i in 0 1 2; do
		in_rt ping -c 1 -W 2 "$(h_ip4 "$i")" >/dev/null
		in_rt ping -6 -c 1 -W 2 "$(h_ip6 "$i")" >/dev/null
	done
	echo "router topology up (xskfwd route: $( ((XF_ROUTE_KERNEL)) && echo no, the kernel forwards || echo yes))"
}

teardown_file() {
	tr_down
}

setup() {
	:
}

# teardown: whatever a test changed goes back, so that each test starts
# from the same router.
teardown() {
	local i
	_xf_bg_stop_all >/dev/null
	tr_forwarding_on
	tr_mtu 1500
	for i in 0 1 2; do
		ip -n "${TR_HOSTS[i]}" route flush cache
		ip -n "${TR_HOSTS[i]}" -6 route flush cache
	done
	in_rt ip route flush cache
	in_rt ip -6 route flush cache
	in_rt ip route del "$TR_SVC4/32" 2>/dev/null || true
	in_rt ip -6 route del "$TR_SVC6/128" 2>/dev/null || true
	tr_routes
}

# --- xskfwd route, the small step of each test ------------------------------

xsk() { ((!XF_ROUTE_KERNEL)); }

# route_start ARGS...: `xskfwd route rt0 rt1 rt2 ARGS...` in the router,
# waiting until it routes; FWD_LOG is its output. Nothing with
# XF_ROUTE_KERNEL=1.
route_start() {
	xsk || return 0
	bg_start fwd ip netns exec "$TR_RT" "$XF_BIN/xskfwd" route "${TR_PORTS[@]}" "$@"
	FWD_LOG=$(bg_log fwd)
	if ! wait_until 10 grep -qE '^routing |"type":"start"' "$FWD_LOG"; then
		cat "$FWD_LOG"
		fail "xskfwd route did not start"
	fi
}

# route_stop: SIGINT; exit status 0, no XDP program and no lock file left on
# any port, and the summary adds up: per port, every frame the classifier
# redirected was received by the socket, left on its ring or dropped by it
# and counted; every descriptor put on a tx ring was sent (tx_completed =
# tx_descs, or tx_packets without multi-buffer); no invalid descriptor, no
# malformed drop, no chain too long; over all ports, frames in = frames out.
route_stop() {
	local p rx=0 tx=0 descs
	xsk || return 0
	bg_running fwd || { cat "$FWD_LOG"; fail "xskfwd route exited before it was stopped"; }
	bg_stop fwd INT
	grep '^summary ' "$FWD_LOG" || true
	assert_eq 0 "$BG_STATUS" "xskfwd route exit status after SIGINT"
	for p in "${TR_PORTS[@]}"; do
		assert_no_xdp "$TR_RT" "$p"
		assert_no_lock "$TR_RT" "$p"
		assert_redirects_accounted "$p"
		descs=$(summary_field "$p" tx_descs)
		if [[ -n "$descs" ]]; then
			assert_eq 0 "$(counter "$p" tx_chain_too_long)" "$p tx_chain_too_long"
		else
			descs=$(counter "$p" tx_packets)
		fi
		assert_eq "$descs" "$(counter "$p" tx_completed)" "$p: tx_completed = tx_descs"
		assert_eq 0 "$(counter "$p" tx_invalid_descs)" "$p tx_invalid_descs"
		assert_eq 0 "$(counter "$p" xdp_drop_malformed)" "$p xdp_drop_malformed"
		rx=$((rx + $(counter "$p" rx_packets)))
		tx=$((tx + $(counter "$p" tx_packets)))
	done
	assert_eq "$rx" "$tx" "rx_packets over all ports = tx_packets over all ports"
}

# counter PORT[/qN] FIELD: a counter from xskfwd route's exit summary.
counter() {
	local v
	v=$(summary_field "$1" "$2")
	[[ -n "$v" ]] || fail "the summary of $1 has no $2: $(grep "^summary $1[ :]" "$FWD_LOG")"
	echo "$v"
}

# --- what the kernels saw ---------------------------------------------------

# snmp NS NAME: a counter of /proc/net/snmp ("Ip:ForwDatagrams") or of
# /proc/net/snmp6 ("Ip6OutForwDatagrams") in namespace NS.
snmp() {
	local v
	if [[ "$2" == *:* ]]; then
		# shellcheck disable=SC2016 # awk's own $i
		v=$(ip netns exec "$1" awk -v p="${2%%:*}:" -v f="${2#*:}" '
			$1 == p && !(p in hdr) { hdr[p] = 1; for (i = 2; i <= NF; i++) n[i] = $i; next }
			$1 == p { for (i = 2; i <= NF; i++) if (n[i] == f) print $i }' /proc/net/snmp)
	else
		# shellcheck disable=SC2016
		v=$(ip netns exec "$1" awk -v f="$2" '$1 == f { print $2 }' /proc/net/snmp6)
	fi
	[[ "$v" =~ ^[0-9]+$ ]] || fail "no counter $2 in $1"
	echo "$v"
}

# kernel_forwarded: IPv4 and IPv6 packets the router's own kernel forwarded.
kernel_forwarded() {
	echo $(($(snmp "$TR_RT" Ip:ForwDatagrams) + $(snmp "$TR_RT" Ip6OutForwDatagrams)))
}

# tr_lost: frames the kernel counted lost so far on all six veth directions
# (lib.sh veth_lost: the sender's tx_dropped, the receiver's failed
# redirects, among them xskfwd's full rx rings).
tr_lost() {
	local i n=0
	for i in 0 1 2; do
		n=$((n + $(veth_lost "${TR_HOSTS[i]}:eth0" "$TR_RT:${TR_PORTS[i]}") +
			$(veth_lost "$TR_RT:${TR_PORTS[i]}" "${TR_HOSTS[i]}:eth0")))
	done
	echo "$n"
}

# resolve_neighbours: the router has a valid neighbour entry for every host
# (IPv4 and IPv6), so that from now on nothing waits for ARP or ND.
resolve_neighbours() {
	local i
	for i in 0 1 2; do
		in_rt ping -c 1 -W 2 "$(h_ip4 "$i")" >/dev/null
		in_rt ping -6 -c 1 -W 2 "$(h_ip6 "$i")" >/dev/null
	done
}

# neigh_valid ADDR PORT: the router has a usable entry for ADDR on PORT.
neigh_valid() {
	in_rt ip neigh show "$1" dev "$2" | grep -qE 'REACHABLE|STALE|DELAY|PROBE|PERMANENT'
}

# --- udpcheck ---------------------------------------------------------------

# rx_start NAME HOST PORT ARGS...: udpcheck recv in host HOST's namespace
# (in the background, as NAME), once its sockets are bound.
rx_start() {
	local name=$1 h=$2 port=$3
	shift 3
	bg_start "$name" ip netns exec "${TR_HOSTS[h]}" "$XF_BIN/udpcheck" recv --port "$port" "$@"
	wait_until 5 grep -q '^listening on port' "$(bg_log "$name")" ||
		fail "$name: udpcheck recv did not start: $(cat "$(bg_log "$name")")"
}

# rx_report NAME: wait until receiver NAME has finished (its --count or
# --timeout-ms), then print its report line.
rx_report() {
	local name=$1 log
	log=$(bg_log "$name")
	wait_until 15 eval "! bg_running $name" || fail "$name did not finish"
	bg_stop "$name" >/dev/null
	grep '^received ' "$log" || fail "$name: no report: $(cat "$log")"
}

# rx_stop NAME: stop receiver NAME now and print its report line.
rx_stop() {
	local log
	log=$(bg_log "$1")
	bg_stop "$1" TERM >/dev/null
	grep '^received ' "$log" || fail "$1: no report: $(cat "$log")"
}

# send FROM_HOST ARGS...: udpcheck send from a host; prints its output.
# (The numbers in udpcheck's lines are read with lib.sh's ft_field.)
send() {
	local h=$1
	shift
	in_h "$h" "$XF_BIN/udpcheck" send "$@"
}

# assert_intact REPORT EXPECTED LOST WHAT: a receiver's report shows every
# datagram intact, once, with the TTL one lower, short of at most what the
# kernel counted lost (LOST) and what the receiving socket dropped.
assert_intact() {
	local r=$1 n=$2 lost=$3 what=$4
	assert_eq 0 "$(ft_field "$r" corrupt)" "$what: corrupt datagrams"
	assert_eq 0 "$(ft_field "$r" duplicate)" "$what: duplicate datagrams"
	assert_eq 0 "$(ft_field "$r" ttl_bad)" "$what: datagrams whose TTL is not one lower"
	assert_delivered "$n" "$(ft_field "$r" intact)" $((lost + $(ft_field "$r" rx_sock_drops))) \
		"$what: intact datagrams" 0
}

# ==========================================================================

# Done when 1: UDP from each host to each other host, IPv4 and IPv6, reaches
# an ordinary socket with the TTL one lower, the payload intact and the MACs
# of the last hop; with xskfwd, every datagram took the fast path (the
# neighbours are resolved first), and the kernel forwarded none of them.
test_udp_each_host_to_each_other() {
	local n=25 s d fam to r lost0 fwd0 lost sent i got=()
	resolve_neighbours
	route_start
	lost0=$(tr_lost)
	fwd0=$(kernel_forwarded)
	for d in 0 1 2; do
		rx_start "rx$d" "$d" 6000 --count $((4 * n)) --timeout-ms 10000 \
			--capture eth0 --src-mac "$(rt_mac "$d")" --dst-mac "$(h_mac "$d")"
	done
	for s in 0 1 2; do
		for d in 0 1 2; do
			((s != d)) || continue
			for fam in 4 6; do
				to=$(h_ip$fam "$d")
				r=$(send "$s" --to "$to" --port 6000 --count "$n" --interval-us 200 \
					--flow $((10 * s + fam)))
				echo "h$s -> $to: $r"
				assert_contains "$r" "sent $n failed 0 icmp 0" "h$s -> $to"
			done
		done
	done
	for d in 0 1 2; do
		r=$(rx_report "rx$d")
		echo "h$d: $r"
		lost=$(($(tr_lost) - lost0))
		assert_intact "$r" $((4 * n)) "$lost" "h$d"
		assert_eq "$(ft_field "$r" intact)" $(($(ft_field "$r" v4) + $(ft_field "$r" v6))) "h$d: v4 + v6"
		assert_ge "$(ft_field "$r" v4)" $((2 * n - lost)) "h$d: IPv4 datagrams"
		assert_ge "$(ft_field "$r" v6)" $((2 * n - lost)) "h$d: IPv6 datagrams"
		assert_contains "$r" "ttl 63-63" "h$d: TTL / hop limit 64 - 1"
		# The frames as the wire carried them: from the router port's
		# MAC to the host's own.
		assert_eq 0 "$(ft_field "$r" mac_bad)" "h$d: frames with other MACs than rt$d -> h$d"
		assert_ge "$(($(ft_field "$r" frames) + $(ft_field "$r" cap_drops)))" "$(ft_field "$r" received)" \
			"h$d: frames seen by the packet socket"
		got[d]=$(ft_field "$r" intact)
	done
	sent=$((12 * n))
	lost=$(($(tr_lost) - lost0))
	if xsk; then
		# The fast path took them all: the kernel forwarded none.
		assert_eq 0 $(($(kernel_forwarded) - fwd0)) "datagrams the router's kernel forwarded"
	else
		assert_delivered "$sent" $(($(kernel_forwarded) - fwd0)) "$lost" "kernel-forwarded datagrams" 0
	fi
	route_stop
	xsk || return 0
	for i in 0 1 2; do
		# Into the router from host i: 4n datagrams; out to it: what it got.
		assert_delivered $((4 * n)) "$(counter "rt$i" xdp_redirected)" "$lost" \
			"rt$i: datagrams redirected (fast path)" 0
		assert_delivered "$(counter "rt$i" tx_packets)" "${got[i]}" "$lost" \
			"rt$i: datagrams routed out (tx_packets), received by h$i" 0
		assert_ge $((4 * n)) "$(counter "rt$i" tx_packets)" "rt$i: tx_packets"
		assert_eq 0 "$(counter "rt$i" xdp_slow_no_neigh)" "rt$i xdp_slow_no_neigh"
	done
}

# Done when 1: ping between every two hosts, and 10 MB over TCP (IPv4 and
# IPv6) with matching sha256; with xskfwd, the data took the fast path.
test_ping_and_tcp_cross() {
	local s d seg
	require_cmd socat sha256sum
	resolve_neighbours
	route_start
	for s in 0 1 2; do
		for d in 0 1 2; do
			((s != d)) || continue
			in_h "$s" ping -c 1 -W 2 "$(h_ip4 "$d")"
			in_h "$s" ping -6 -c 1 -W 2 "$(h_ip6 "$d")"
		done
	done
	tcp_transfer "${TR_HOSTS[0]}" "${TR_HOSTS[1]}" "$(h_ip4 1)" 5001
	tcp_transfer "${TR_HOSTS[2]}" "${TR_HOSTS[0]}" "$(h_ip6 0)" 5002
	route_stop
	xsk || return 0
	# At least 10 MB / 1460 bytes of segments each way took the fast path:
	# in at rt0 and out at rt1, in at rt2 and out at rt0.
	seg=$((10000000 / 1460))
	assert_ge "$(counter rt0 xdp_redirected)" "$seg" "rt0 xdp_redirected (h0's segments)"
	assert_ge "$(counter rt2 xdp_redirected)" "$seg" "rt2 xdp_redirected (h2's segments)"
	assert_ge "$(counter rt1 tx_packets)" "$seg" "rt1 tx_packets"
	assert_ge "$(counter rt0 tx_packets)" "$seg" "rt0 tx_packets"
}

# Done when 2: tracepath from a host shows the router as hop 1 and the
# destination as hop 2; the Time Exceeded came from the router's kernel.
test_tracepath_shows_the_router() {
	local out te4 te6
	resolve_neighbours
	route_start
	te4=$(snmp "$TR_RT" Icmp:OutTimeExcds)
	te6=$(snmp "$TR_RT" Icmp6OutTimeExcds)
	out=$(in_h 0 tracepath -4 -n -m 5 "$(h_ip4 1)")
	echo "$out"
	grep -qE "^ *1: +$(rt_ip4 0) " <<<"$out" || fail "tracepath: hop 1 is not the router's $(rt_ip4 0)"
	grep -qE "^ *2: +$(h_ip4 1) .*reached" <<<"$out" || fail "tracepath: hop 2 is not $(h_ip4 1)"
	assert_contains "$out" "hops 2 back 2" "tracepath -4 summary"
	out=$(in_h 0 tracepath -6 -n -m 5 "$(h_ip6 1)")
	echo "$out"
	grep -qE "^ *1: +$(rt_ip6 0) " <<<"$out" || fail "tracepath -6: hop 1 is not the router's $(rt_ip6 0)"
	grep -qE "^ *2: +$(h_ip6 1) .*reached" <<<"$out" || fail "tracepath -6: hop 2 is not $(h_ip6 1)"
	assert_contains "$out" "hops 2 back 2" "tracepath -6 summary"
	assert_ge $(($(snmp "$TR_RT" Icmp:OutTimeExcds) - te4)) 1 "Time Exceeded sent by the router's kernel"
	assert_ge $(($(snmp "$TR_RT" Icmp6OutTimeExcds) - te6)) 1 "ICMPv6 Time Exceeded sent by the router's kernel"
	route_stop
	xsk || return 0
	# At least one probe per family went to the kernel for its TTL of 1.
	assert_ge "$(counter rt0 xdp_slow_ttl)" 2 "rt0 xdp_slow_ttl"
}

# Done when 3: with no neighbour entry for h1, the first datagrams wait for
# ARP / ND in the router's kernel (slow path); once the entry is there, the
# next ones take the fast path. All arrive.
test_unresolved_neighbour_slow_then_fast() {
	local n=20 r lost0 fam
	resolve_neighbours
	route_start
	lost0=$(tr_lost)
	rx_start rx 1 6001 --count $((4 * n)) --timeout-ms 10000
	in_rt ip -4 neigh flush dev rt1
	in_rt ip -6 neigh flush dev rt1
	! neigh_valid "$(h_ip4 1)" rt1 || fail "the router's entry for $(h_ip4 1) is still there"
	! neigh_valid "$(h_ip6 1)" rt1 || fail "the router's entry for $(h_ip6 1) is still there"
	for fam in 4 6; do
		# The first burst meets no neighbour entry ...
		r=$(send 0 --to "$(h_ip$fam 1)" --port 6001 --count "$n" --interval-us 1000 --flow "$fam")
		assert_contains "$r" "sent $n failed 0" "first burst, IPv$fam"
		wait_until 5 neigh_valid "$(h_ip$fam 1)" rt1 || fail "the router did not resolve $(h_ip$fam 1)"
		in_rt ip neigh show "$(h_ip$fam 1)" dev rt1
		# ... the second finds it.
		r=$(send 0 --to "$(h_ip$fam 1)" --port 6001 --count "$n" --interval-us 1000 \
			--flow $((fam + 10)))
		assert_contains "$r" "sent $n failed 0" "second burst, IPv$fam"
	done
	r=$(rx_report rx)
	echo "h1: $r"
	assert_intact "$r" $((4 * n)) $(($(tr_lost) - lost0)) "h1"
	route_stop
	xsk || return 0
	# The first datagram of each family at least went slow; all of the
	# second bursts went fast; nothing else.
	assert_ge "$(counter rt0 xdp_slow_no_neigh)" 2 "rt0 xdp_slow_no_neigh"
	assert_ge "$(counter rt0 xdp_redirected)" $((2 * n)) "rt0 xdp_redirected"
	assert_delivered $((4 * n)) $(($(counter rt0 xdp_slow_no_neigh) + $(counter rt0 xdp_redirected))) \
		$(($(tr_lost) - lost0)) "rt0 xdp_slow_no_neigh + xdp_redirected" 0
}

# log_sent LOG FAM min|max: the earliest or latest send time (us) of the
# datagrams of family FAM (4, 6) in a receiver's --log (empty if none).
log_sent() {
	# shellcheck disable=SC2016 # awk's own $3, $6
	awk -v fam="$2" -v w="$3" '$6 == fam {
		if (n++ == 0 || (w == "min" && $3 < v) || (w == "max" && $3 > v)) v = $3 }
		END { if (n) print v }' "$1"
}

# log_has_since LOG FAM T_US: LOG holds a datagram of family FAM sent at or after T_US.
log_has_since() {
	# shellcheck disable=SC2016
	awk -v fam="$2" -v t="$3" '$6 == fam && $3 >= t { f = 1; exit } END { exit !f }' "$1"
}

# icmp_first LOG KIND TYPE CODE FROM SINCE_US: the time (us) of the first
# ICMP error a sender read (its output LOG) of that kind ("icmp", "icmp6"),
# type and code, sent by FROM, at or after SINCE_US; empty if none.
icmp_first() {
	# shellcheck disable=SC2016
	awk -v k="$2" -v t="$3" -v c="$4" -v f="$5" -v s="$6" \
		'$1 == k && $3 == t && $5 == c && $7 == f && $13 >= s { print $13; exit }' "$1"
}

has_icmp() { [[ -n "$(icmp_first "$@")" ]]; }

# now_us: the real-time clock, as the datagrams' send times are.
now_us() { echo "${EPOCHREALTIME/./}"; }

# Done when 4: while a stream flows from h0 to the service address (on h1
# and h2), the router's route for it is replaced (to h2), deleted, then made
# a prohibit route, with no restart of xskfwd. Within a second of each
# change the datagrams follow it: to h2 and no longer to h1, then nowhere,
# with the router kernel's ICMP unreachable at the sender. Every datagram
# sent while a route existed arrived, once.
#
# The stream comes from a second address of h0 that nothing else uses: the
# router's kernel limits no-route errors per source (ip_error(): a burst of
# 5, then one a second, not a namespace setting), and a fresh source has
# its full burst, so the first error after the delete is immediate.
test_route_change_followed() {
	local t1 t2b t2 t3b t3 fam txlog h1log h2log tx4 tx6 lost0 t r sent_before got_before dup
	resolve_neighbours
	route_start
	lost0=$(tr_lost)
	h1log=$XF_TEST_TMP/h1.log h2log=$XF_TEST_TMP/h2.log
	rx_start rx1 1 7000 --timeout-ms 0 --log "$h1log"
	rx_start rx2 2 7000 --timeout-ms 0 --log "$h2log"
	bg_start tx4 ip netns exec "${TR_HOSTS[0]}" "$XF_BIN/udpcheck" send --to "$TR_SVC4" \
		--from "$TR_H0_ALT4" --port 7000 --count 30000 --interval-us 1000 --flow 4
	bg_start tx6 ip netns exec "${TR_HOSTS[0]}" "$XF_BIN/udpcheck" send --to "$TR_SVC6" \
		--from "$TR_H0_ALT6" --port 7000 --count 30000 --interval-us 1000 --flow 6
	tx4=$(bg_log tx4) tx6=$(bg_log tx6)
	# 0. A third of a second through h1.
	t=$(now_us)
	wait_until 5 log_has_since "$h1log" 4 $((t + 300000)) || fail "IPv4 does not reach h1"
	wait_until 5 log_has_since "$h1log" 6 $((t + 300000)) || fail "IPv6 does not reach h1"

	# 1. The route moves to h2.
	in_rt ip route replace "$TR_SVC4/32" via "$(h_ip4 2)"
	in_rt ip -6 route replace "$TR_SVC6/128" via "$(h_ip6 2)"
	t1=$(now_us)
	wait_until 5 log_has_since "$h2log" 4 $((t1 + 1200000)) || fail "IPv4 did not follow to h2"
	wait_until 5 log_has_since "$h2log" 6 $((t1 + 1200000)) || fail "IPv6 did not follow to h2"

	# 2. The route is deleted: the router has none (no default route).
	t2b=$(now_us)
	in_rt ip route del "$TR_SVC4/32"
	in_rt ip -6 route del "$TR_SVC6/128"
	t2=$(now_us)
	wait_until 5 has_icmp "$tx4" icmp 3 0 "$(rt_ip4 0)" "$t2b" ||
		fail "no ICMP net unreachable from the router after the delete"
	# IPv6 errors are not limited (net.ipv6.icmp.ratelimit=0): one
	# sent 1.2 s after the delete closes the window checked below.
	wait_until 5 has_icmp "$tx6" icmp6 1 0 "$(rt_ip6 0)" $((t2 + 1200000)) ||
		fail "no ICMPv6 no-route error from the router 1.2 s after the delete"

	# 3. A prohibit route.
	t3b=$(now_us)
	in_rt ip route add prohibit "$TR_SVC4/32"
	in_rt ip -6 route add prohibit "$TR_SVC6/128"
	t3=$(now_us)
	wait_until 5 has_icmp "$tx6" icmp6 1 1 "$(rt_ip6 0)" "$t3b" ||
		fail "no ICMPv6 administratively prohibited from the router"
	# IPv4's errors are one a second by now (see above): it may take that.
	wait_until 5 has_icmp "$tx4" icmp 3 13 "$(rt_ip4 0)" "$t3b" ||
		fail "no ICMP communication administratively prohibited from the router"

	bg_stop tx4
	bg_stop tx6
	tail -n 1 "$tx4" "$tx6"
	echo "h1: $(rx_stop rx1)"
	echo "h2: $(rx_stop rx2)"
	echo "t1 $t1 t2b $t2b t2 $t2 t3b $t3b t3 $t3"
	for fam in 4 6; do
		echo "IPv$fam: h1 sent_us $(log_sent "$h1log" "$fam" min)..$(log_sent "$h1log" "$fam" max)," \
			"h2 sent_us $(log_sent "$h2log" "$fam" min)..$(log_sent "$h2log" "$fam" max)"
		# h1 gets nothing sent later than a second after the move,
		assert_ge $((t1 + 1000000)) "$(log_sent "$h1log" "$fam" max)" \
			"IPv$fam: the last datagram h1 got was sent at most 1 s after the move (us)"
		# h2 gets what was sent within a second of it,
		t=$(log_sent "$h2log" "$fam" min)
		[[ -n "$t" ]] || fail "IPv$fam: nothing reached h2"
		assert_ge $((t1 + 1000000)) "$t" \
			"IPv$fam: the first datagram h2 got was sent at most 1 s after the move (us)"
		# and nothing arrives that was sent a second after the delete.
		assert_ge $((t2 + 1000000)) "$(log_sent "$h2log" "$fam" max)" \
			"IPv$fam: the last datagram h2 got was sent at most 1 s after the delete (us)"
		# Every datagram sent before the delete arrived, at h1 or h2, once.
		# shellcheck disable=SC2016
		r=$(cat "$h1log" "$h2log" | awk -v fam="$fam" -v t="$t2b" \
			'$6 == fam && $3 < t { n++; if ($2 > m) m = $2; if (seen[$2]++) d++ }
			END { printf "%d %d %d\n", m + 1, n, d }')
		echo "IPv$fam before the delete: sent $r (sent, received, duplicates)"
		read -r sent_before got_before dup <<<"$r"
		assert_eq 0 "$dup" "IPv$fam: datagrams that reached both hosts"
		assert_delivered "$sent_before" "$got_before" $(($(tr_lost) - lost0)) \
			"IPv$fam: datagrams sent before the delete" 0
		# The errors began with the delete, not before.
		txlog=$tx6
		[[ $fam == 6 ]] || txlog=$tx4
		t=$(awk '$1 ~ /^icmp/ { print $13; exit }' "$txlog")
		assert_ge "$t" "$t2b" "IPv$fam: the first ICMP error came after the delete (us)"
	done
	t=$(icmp_first "$tx4" icmp 3 0 "$(rt_ip4 0)" "$t2b")
	assert_ge $((t2 + 1000000)) "$t" "ICMP net unreachable at most 1 s after the delete (us)"
	t=$(icmp_first "$tx6" icmp6 1 0 "$(rt_ip6 0)" "$t2b")
	assert_ge $((t2 + 1000000)) "$t" "ICMPv6 no route at most 1 s after the delete (us)"
	t=$(icmp_first "$tx6" icmp6 1 1 "$(rt_ip6 0)" "$t3b")
	assert_ge $((t3 + 1000000)) "$t" "ICMPv6 prohibited at most 1 s after the prohibit route (us)"
	route_stop
	xsk || return 0
	# One xskfwd all along, and both routes were taken by the fast path.
	assert_ge "$(counter rt1 tx_packets)" 1 "rt1 tx_packets (the route via h1)"
	assert_ge "$(counter rt2 tx_packets)" 1 "rt2 tx_packets (the route via h2)"
	assert_ge "$(counter rt0 xdp_slow_unreachable)" 2 "rt0 xdp_slow_unreachable (prohibit, both families)"
}

# mtu_too_big_answered MTU [BIG]: rt2's MTU lowered to MTU while xskfwd
# runs: a datagram that fits exactly crosses with DF set, one of BIG bytes
# (IP header included; default: one byte more) gets Fragmentation Needed /
# Packet Too Big with the MTU from the router's kernel, and tracepath reports
# the path MTU.
mtu_too_big_answered() {
	local n=5 mtu=$1 big=${2:-$(($1 + 1))} out r lost0 ff tb
	resolve_neighbours
	route_start
	lost0=$(tr_lost)
	ff=$(snmp "$TR_RT" Ip:FragFails)
	tb=$(snmp "$TR_RT" Ip6InTooBigErrors)
	in_rt ip link set rt2 mtu "$mtu"
	out=$(in_h 0 tracepath -4 -n -m 5 "$(h_ip4 2)")
	echo "$out"
	grep -qE "^ *2: +$(h_ip4 2) .*reached" <<<"$out" || fail "tracepath -4 did not reach $(h_ip4 2)"
	assert_contains "$out" "Resume: pmtu $mtu " "tracepath -4: path MTU"
	out=$(in_h 0 tracepath -6 -n -m 5 "$(h_ip6 2)")
	echo "$out"
	grep -qE "^ *2: +$(h_ip6 2) .*reached" <<<"$out" || fail "tracepath -6 did not reach $(h_ip6 2)"
	assert_contains "$out" "Resume: pmtu $mtu " "tracepath -6: path MTU"

	rx_start rx 2 6002 --count $((2 * n)) --timeout-ms 10000
	# 20 + 8 and 40 + 8 bytes of headers: the MTU exactly.
	r=$(send 0 --to "$(h_ip4 2)" --port 6002 --size $((mtu - 28)) --df --count "$n" --flow 4)
	assert_contains "$r" "sent $n failed 0 icmp 0" "IPv4 datagrams of $mtu bytes"
	r=$(send 0 --to "$(h_ip6 2)" --port 6002 --size $((mtu - 48)) --df --count "$n" --flow 6)
	assert_contains "$r" "sent $n failed 0 icmp 0" "IPv6 datagrams of $mtu bytes"
	r=$(rx_report rx)
	echo "h2: $r"
	assert_intact "$r" $((2 * n)) $(($(tr_lost) - lost0)) "h2, datagrams of the MTU"
	# Too big: the router's kernel answers (the sender goes on until it
	# has the answer, at most 2 s).
	r=$(send 0 --to "$(h_ip4 2)" --port 6002 --size $((big - 28)) --df --count 100 \
		--interval-us 20000 --stop-on-icmp --flow 40)
	echo "$r"
	assert_contains "$r" "icmp type 3 code 4 from $(rt_ip4 0) info $mtu " \
		"Fragmentation Needed for $big bytes, MTU $mtu, from the router"
	r=$(send 0 --to "$(h_ip6 2)" --port 6002 --size $((big - 48)) --df --count 100 \
		--interval-us 20000 --stop-on-icmp --flow 60)
	echo "$r"
	assert_contains "$r" "icmp6 type 2 code 0 from $(rt_ip6 0) info $mtu " \
		"Packet Too Big for $big bytes, MTU $mtu, from the router"
	assert_ge $(($(snmp "$TR_RT" Ip:FragFails) - ff)) 1 "the router's IPv4 FragFails"
	assert_ge $(($(snmp "$TR_RT" Ip6InTooBigErrors) - tb)) 1 "the router's Ip6InTooBigErrors"
	route_stop
	xsk || return 0
	assert_ge "$(counter rt0 xdp_slow_too_big)" 2 "rt0 xdp_slow_too_big"
	# The datagrams of exactly the MTU took the fast path.
	assert_ge "$(counter rt2 tx_packets)" $((2 * n)) "rt2 tx_packets"
}

# Done when 5: rt2's MTU lowered to 1280: exactly 1280 bytes cross, 1281
# get the router kernel's answer.
test_mtu_too_big_answered() {
	mtu_too_big_answered 1280
}

# Done when 6: with --match 'udp dport 5000', UDP to 5000 takes the fast
# path; UDP to 5001, which no rule chooses, is routed by the kernel; both
# arrive.
test_match_chooses_the_fast_path() {
	local n=20 fam port r lost0 fwd0 lost
	resolve_neighbours
	route_start --match 'udp dport 5000'
	lost0=$(tr_lost)
	fwd0=$(kernel_forwarded)
	rx_start rx5000 1 5000 --count $((2 * n)) --timeout-ms 10000
	rx_start rx5001 1 5001 --count $((2 * n)) --timeout-ms 10000
	for port in 5000 5001; do
		for fam in 4 6; do
			r=$(send 0 --to "$(h_ip$fam 1)" --port "$port" --count "$n" --interval-us 200 \
				--flow "$fam")
			assert_contains "$r" "sent $n failed 0 icmp 0" "IPv$fam to port $port"
		done
	done
	for port in 5000 5001; do
		r=$(rx_report "rx$port")
		echo "h1:$port: $r"
		assert_intact "$r" $((2 * n)) $(($(tr_lost) - lost0)) "h1 port $port"
	done
	lost=$(($(tr_lost) - lost0))
	if xsk; then
		# The kernel forwarded exactly the datagrams no rule chose.
		assert_delivered $((2 * n)) $(($(kernel_forwarded) - fwd0)) "$lost" \
			"datagrams the router's kernel forwarded" 0
	else
		assert_delivered $((4 * n)) $(($(kernel_forwarded) - fwd0)) "$lost" \
			"datagrams the router's kernel forwarded" 0
	fi
	route_stop
	xsk || return 0
	assert_delivered $((2 * n)) "$(counter rt0 xdp_redirected)" "$lost" "rt0 xdp_redirected (port 5000)" 0
	assert_ge "$(counter rt0 xdp_pass_nomatch)" $((2 * n - lost)) "rt0 xdp_pass_nomatch (port 5001)"
	assert_ge $((2 * n)) "$(counter rt1 tx_packets)" "rt1 tx_packets (port 5000 only)"
}

# Done when 7: bad input is refused before anything is set up: one line,
# exit 2, nothing on stdout (one port, a port named twice, 33 ports).
test_bad_arguments_refused() {
	local many p
	xsk || skip "xskfwd's own arguments (XF_ROUTE_KERNEL=1: no xskfwd)"
	many=$(printf ' p%d' $(seq 0 32))
	assert_bad_args ip netns exec "$TR_RT" <<EOF
xskfwd: route: arguments: expected IF1 IF2 [IF3 ...], got 1 argument (see xskfwd route --help)|route rt0
xskfwd: route: rt1: named twice (see xskfwd route --help)|route rt0 rt1 rt1
xskfwd: route: arguments: expected IF1 IF2 [IF3 ...], got 33 arguments|route$many
EOF
	for p in "${TR_PORTS[@]}"; do
		assert_no_xdp "$TR_RT" "$p"
		assert_no_lock "$TR_RT" "$p"
	done
}

# IP forwarding off (in the namespace, or on one port) is a runtime error:
# exit 1 and one line naming the sysctl to set, nothing left attached. Every
# case is tried before the test fails, so its log shows them all.
test_forwarding_off_refused() {
	local c sysctl want rc p bad=()
	xsk || skip "xskfwd's own check (XF_ROUTE_KERNEL=1: no xskfwd)"
	# Run-time errors name the interface, not the mode (as every mode's do).
	for c in "net.ipv4.ip_forward|xskfwd: rt0: IPv4 forwarding is off (sysctl -w net.ipv4.ip_forward=1)" \
		"net.ipv4.conf.rt1.forwarding|xskfwd: rt1: IPv4 forwarding is off (sysctl -w net.ipv4.conf.rt1.forwarding=1)" \
		"net.ipv6.conf.all.forwarding|xskfwd: IPv6 forwarding is off (sysctl -w net.ipv6.conf.all.forwarding=1)"; do
		sysctl=${c%%|*} want=${c#*|}
		in_rt sysctl -qw "$sysctl=0"
		rc=0
		in_rt "$XF_BIN/xskfwd" route rt0 rt1 --duration 1 >"$XF_TEST_TMP/out" 2>"$XF_TEST_TMP/err" || rc=$?
		tr_forwarding_on
		echo "$sysctl=0: exit status $rc, stderr:"
		cat "$XF_TEST_TMP/err"
		((rc == 1)) || bad+=("$sysctl=0: exit status $rc, not 1")
		[[ "$(grep -c '^xskfwd: ' "$XF_TEST_TMP/err")" == 1 ]] ||
			bad+=("$sysctl=0: not one error line")
		grep -qF -- "$want" "$XF_TEST_TMP/err" || bad+=("$sysctl=0: '$want' not said")
		for p in rt0 rt1; do
			assert_no_xdp "$TR_RT" "$p"
			assert_no_lock "$TR_RT" "$p"
		done
	done
	((${#bad[@]} == 0)) || fail "$(printf '%s; ' "${bad[@]}")"
}

# Done when 8: 64 flows sent from all 4 queues of h0 (xskfwd gen: tx queue q
# of a veth lands on rx queue q of its peer) are all routed, and every
# queue of the ingress port serves.
test_four_queues_all_serve() {
	local n=4000 out sent r q lost0
	resolve_neighbours
	route_start
	lost0=$(tr_lost)
	rx_start rx 1 9000 --any --expect-ttl 63 --count "$n" --idle-ms 2000 --timeout-ms 20000
	out=$(in_h 0 "$XF_BIN/xskfwd" gen eth0 --engine xsk --queues 0-3 --flows 64 \
		--dst-mac "$(rt_mac 0)" --src-ip "$(h_ip4 0)" --dst-ip "$(h_ip4 1)" --dport 9000 \
		--count "$n" --rate 20k)
	grep '^summary' <<<"$out"
	sent=$(sed -n 's/^summary gen eth0 (.*: sent \([0-9]*\) .*/\1/p' <<<"$out")
	assert_eq "$n" "$sent" "frames gen sent"
	for q in 0 1 2 3; do
		grep -qE "^summary gen eth0/stream [0-9]+: sent [1-9][0-9]* .*queue $q\$" <<<"$out" ||
			fail "gen sent nothing from queue $q"
	done
	r=$(rx_report rx)
	echo "h1: $r"
	assert_eq 0 "$(ft_field "$r" ttl_bad)" "datagrams whose TTL is not 63"
	assert_delivered "$sent" "$(ft_field "$r" intact)" \
		$(($(tr_lost) - lost0 + $(ft_field "$r" rx_sock_drops))) "datagrams from 4 queues"
	route_stop
	xsk || return 0
	for q in 0 1 2 3; do
		echo "queue $q: rt0 rx_packets $(counter rt0/q$q rx_packets), rt1 tx_packets $(counter rt1/q$q tx_packets)"
		assert_ge "$(counter rt0/q$q rx_packets)" 1 "rt0/q$q rx_packets"
		assert_ge "$(counter rt1/q$q tx_packets)" 1 "rt1/q$q tx_packets"
	done
}

# Issue 11, jumbo frames: every port and host at MTU 9000. With 2048- and
# 4096-byte UMEM frames, a ping of 9000 bytes crosses the router (IPv4 and
# IPv6), and UDP datagrams in frames of 8193 and 9014 bytes reach h1 intact,
# with xskfwd on the fast path as descriptor chains (in at rt0 and out at
# rt1, at least as many descriptors as the frames need), and 10 MB over TCP
# with its sha256 compared.
test_jumbo_route_frames_intact() {
	local n=5 fs size fam hdr r lost0 descs
	require_cmd socat sha256sum
	tr_mtu 9000
	resolve_neighbours
	for fs in 2048 4096; do
		route_start --frame-size "$fs"
		lost0=$(tr_lost)
		in_h 0 ping -c 2 -i 0.2 -W 2 -s 8972 -M "do" "$(h_ip4 1)"
		in_h 0 ping -6 -c 2 -i 0.2 -W 2 -s 8952 -M "do" "$(h_ip6 1)"
		rx_start rx 1 6003 --count $((4 * n)) --timeout-ms 10000
		descs=0
		for size in 8193 9014; do
			for fam in 4 6; do
				# Ethernet, IP and UDP headers: 42 or 62 bytes.
				hdr=$((fam == 4 ? 42 : 62))
				r=$(send 0 --to "$(h_ip$fam 1)" --port 6003 --size $((size - hdr)) --df \
					--count "$n" --flow $((size + fam)))
				assert_contains "$r" "sent $n failed 0 icmp 0" "IPv$fam, frames of $size bytes"
				descs=$((descs + n * $(umem_frames "$size" "$fs")))
			done
		done
		r=$(rx_report rx)
		echo "h1: $r"
		assert_intact "$r" $((4 * n)) $(($(tr_lost) - lost0)) "h1, jumbo datagrams"
		tcp_transfer "${TR_HOSTS[0]}" "${TR_HOSTS[1]}" "$(h_ip4 1)" 5003
		route_stop
		xsk || continue
		assert_ge "$(counter rt0 xdp_redirected)" $((4 * n + 4)) "rt0 xdp_redirected (fast path)"
		assert_eq 0 "$(counter rt0 xdp_slow_too_big)" "rt0 xdp_slow_too_big"
		assert_ge "$(counter rt0 rx_descs)" "$descs" "rt0 rx_descs ($fs-byte frames)"
		assert_ge "$(counter rt1 tx_descs)" "$descs" "rt1 tx_descs ($fs-byte frames)"
	done
}

# Issue 11: every port at MTU 9000 but rt2 at 1500: 1500 bytes cross to h2,
# a 9000-byte datagram gets the router kernel's answer (slow path).
test_jumbo_route_egress_mtu_lower() {
	tr_mtu 9000
	mtu_too_big_answered 1500 9000
}
