# shellcheck shell=bash
# scripts/bench_paths.sh - the kernel-side paths and sinks a benchmark sets up
# on the veth rig (gen -- fwd -- sink), one copy for every script that
# measures them: bench.sh (`make bench`) and bench_route_cost.sh. Sourced, not
# run. The caller has set B (the build directory) and the rig's RIG_*
# variables (`eval "$(scripts/rig.sh env ...)"`); the functions set DST_MAC,
# DST_IP (where gen sends) and TC_MAP as they say.
# shellcheck disable=SC2034 # DST_MAC, DST_IP: read by the caller

# xdp_attach NS DEV OBJ: bpf/rig/OBJ.bpf.c's program (xdp_drop, xdp_pass: both
# frags-aware, so a 9000-MTU veth takes them), natively.
xdp_attach() {
	ip -n "$1" link set dev "$2" xdpdrv obj "$B/rig/$3.bpf.o" sec xdp.frags
}

# The sinks on sink0, chosen per scenario:
#   xdp  an XDP_DROP program, counted by veth per queue (rx_queue_N_xdp_drops).
#        Paths that redirect XDP frames into fwd1 need it: veth takes
#        redirected frames only when the peer runs XDP.
#   tc   clsact + a BPF program returning TC_ACT_SHOT at tc ingress
#        (bpf/rig/tc_drop.bpf.c), counted in its per-CPU map (TC_MAP). It
#        costs every skb the same; an XDP program on a veth first copies each
#        skb with less than 256 bytes of headroom (AF_XDP copy-mode TX skbs
#        have less, kernel-forwarded skbs do not), so the XDP sink would
#        charge some skb paths a copy and not others.
sink_drop() { xdp_attach "$RIG_SINK" "$RIG_SINK_IF" xdp_drop; }
count_drops() { # NS DEV: sum of rx_queue_*_xdp_drops
	ip netns exec "$1" ethtool -S "$2" | awk '/rx_queue_[0-9]+_xdp_drops/ { s += $2 } END { print s + 0 }'
}
TC_MAP=
sink_tc() {
	local prog
	ip netns exec "$RIG_SINK" tc qdisc add dev "$RIG_SINK_IF" clsact
	ip netns exec "$RIG_SINK" tc filter add dev "$RIG_SINK_IF" ingress bpf da \
		obj "$B/rig/tc_drop.bpf.o" sec tc
	prog=$(ip netns exec "$RIG_SINK" tc filter show dev "$RIG_SINK_IF" ingress |
		sed -n 's/.* id \([0-9]*\) .*/\1/p' | head -n1)
	TC_MAP=$(bpftool prog show id "$prog" | sed -n 's/.*map_ids \([0-9]*\).*/\1/p')
	[ -n "$TC_MAP" ] || { echo "bench: the tc sink's map was not found" >&2; return 1; }
}
percpu_sum() { # MAP_ID SLOT: the sum over CPUs of a per-CPU array's u64 slot
	bpftool -j map lookup id "$1" key "$2" 0 0 0 | grep -o '"formatted":.*' |
		grep -o '"value":[0-9]*' | awk -F: '{ s += $2 } END { print s + 0 }'
}

path_bridge() { # nf: 1 or 0
	ip -n "$RIG_FWD" link add br0 type bridge
	ip -n "$RIG_FWD" link set "$RIG_FWD_A" master br0
	ip -n "$RIG_FWD" link set "$RIG_FWD_B" master br0
	ip -n "$RIG_FWD" link set br0 up
	ip netns exec "$RIG_FWD" sysctl -qw net.bridge.bridge-nf-call-iptables="$1" \
		net.bridge.bridge-nf-call-ip6tables="$1" net.bridge.bridge-nf-call-arptables="$1"
}

# The kernel's IPv4 forwarding: sink0 gets 198.18.1.2/24 behind fwd1, a
# permanent neighbour entry, and gen sends to fwd0's MAC.
path_route() {
	ip -n "$RIG_SINK" addr add 198.18.1.2/24 dev "$RIG_SINK_IF"
	ip netns exec "$RIG_FWD" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0
	ip -n "$RIG_FWD" neigh replace 198.18.1.2 lladdr "$RIG_SINK_MAC" dev "$RIG_FWD_B" nud permanent
	DST_MAC=$RIG_FWD_A_MAC DST_IP=198.18.1.2
}

# rig_prog_on_ports OBJ cross|self: bpf/rig/OBJ.bpf.c's program on fwd0 and
# fwd1, its DEVMAP xf_rig_ports mapping each port's ifindex to the other's
# (cross) or to its own (self). bpffs lives only inside this one
# `ip netns exec`; the attachments stay.
rig_prog_on_ports() {
	ip netns exec "$RIG_FWD" sh -es "$B" "$RIG_FWD_A" "$RIG_FWD_B" "$1" "$2" <<'EOF'
mount -t bpf bpf /sys/fs/bpf
bpftool prog load "$1/rig/$4.bpf.o" /sys/fs/bpf/xf_prog type xdp pinmaps /sys/fs/bpf/m
le() { printf '%d %d %d %d' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
a=$(cat "/sys/class/net/$2/ifindex"); b=$(cat "/sys/class/net/$3/ifindex")
if [ "$5" = cross ]; then va=$b vb=$a; else va=$a vb=$b; fi
bpftool map update pinned /sys/fs/bpf/m/xf_rig_ports key $(le "$a") value $(le "$va")
bpftool map update pinned /sys/fs/bpf/m/xf_rig_ports key $(le "$b") value $(le "$vb")
bpftool net attach xdpdrv pinned /sys/fs/bpf/xf_prog dev "$2"
bpftool net attach xdpdrv pinned /sys/fs/bpf/xf_prog dev "$3"
EOF
}

# In-kernel XDP_REDIRECT between fwd0 and fwd1 through a devmap.
path_devmap() { rig_prog_on_ports xdp_devmap cross; }

# In-kernel XDP routing (bpf/rig/xdp_fib.bpf.c, as xdp-tools' xdp-forward):
# bpf_fib_lookup over path_route's routes and neighbour, a DEVMAP_HASH of
# both ports (ifindex -> itself).
path_xdp_fib() {
	path_route
	rig_prog_on_ports xdp_fib self
}
