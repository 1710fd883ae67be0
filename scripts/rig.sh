#!/usr/bin/env bash
# rig.sh - the veth test rig for xskfwd: three network namespaces joined by
# two veth pairs, with the forwarder's namespace in the middle:
#
#     ${P}gen                 ${P}fwd                  ${P}sink
#   gen0 02:58:46:00:00:01 -- fwd0 02:58:46:00:00:10
#                             fwd1 02:58:46:00:00:11 -- sink0 02:58:46:00:00:02
#   198.18.0.1/24             198.18.0.254/24          198.18.0.2/24
#   2001:db8::1/64            2001:db8::fe/64          2001:db8::2/64
#                             198.18.1.254/24 (fwd1)
#                             2001:db8:1::fe/64 (fwd1)
#
# gen and sink share one IP subnet: the forwarder between them is a bump in
# the wire. Without the forwarder running they cannot reach each other (fwd has
# no bridge and IP forwarding is off); fwd0's address answers from the fwd
# namespace's own kernel stack.
#
# Usage (as root):
#   scripts/rig.sh up     [--queues N] [--mtu M] [--prefix P]
#                                          build the rig (rebuilds if present)
#   scripts/rig.sh down   [--prefix P]     remove it (fine if absent)
#   scripts/rig.sh status [--prefix P]     show it; exit 1 if not up
#   scripts/rig.sh env    [--prefix P]     print KEY=value lines, for
#                                          eval "$(scripts/rig.sh env)"
#   scripts/rig.sh --help
#
# P (default "xf-", or $XF_RIG_PREFIX) must match [a-z0-9-]{1,8}; namespaces
# are ${P}gen, ${P}fwd, ${P}sink. N (default 1, 1..16) is the number of rx and
# tx queues of every veth end. M (default 1500, 1280..65535: IPv6's minimum,
# for the rig's IPv6 addresses) is the MTU of all four veth ends, e.g. 9000
# for jumbo frames; `status` shows it and `env` prints it as RIG_MTU (read
# from fwd0; empty when the rig is not up). Each veth is created with both
# ends directly in their namespaces, so nothing ever appears in the host
# namespace. `down` only ever deletes those three exact namespace names. A
# bad argument is one line on stderr and exit status 2; a failure, one line
# and exit status 1.
#
# On all four veth ends tx checksum offload is off (veth senders otherwise emit
# CHECKSUM_PARTIAL frames whose UDP/TCP checksums are wrong after an AF_XDP
# hop), as are all hardware segmentation offloads (TSO etc.; software GSO still
# segments before the driver, so no frame exceeds the MTU) and tx VLAN
# offload (so VLAN tags are in the frame an XDP program sees). IPv6 DAD and
# router solicitations are disabled so addresses are usable at once and the
# wire stays quiet (MLD/ND traffic from the kernel can still appear).
#
# Notes for users of the rig:
# - AF_XDP copy-mode TX on a veth goes through veth_xmit, so no XDP program is
#   needed on gen0/sink0 for the forwarder to deliver frames to them.
# - The in-kernel devmap baseline (XDP_REDIRECT between fwd0 and fwd1) needs an
#   XDP program (XDP_PASS) on the receiving peers gen0/sink0, otherwise veth
#   drops redirected frames.
# - bpffs (/sys/fs/bpf) is not visible inside `ip netns exec` (it mounts a
#   fresh /sys), so libxdp attaches there without its dispatcher.
set -euo pipefail

readonly MAC_GEN=02:58:46:00:00:01
readonly MAC_SINK=02:58:46:00:00:02
readonly MAC_FWD_A=02:58:46:00:00:10
readonly MAC_FWD_B=02:58:46:00:00:11

readonly IP_GEN=198.18.0.1 IP_SINK=198.18.0.2 IP_FWD=198.18.0.254 IP_FWD_B=198.18.1.254
readonly IP6_GEN=2001:db8::1 IP6_SINK=2001:db8::2 IP6_FWD=2001:db8::fe IP6_FWD_B=2001:db8:1::fe

PREFIX=${XF_RIG_PREFIX:-xf-}
QUEUES=1
MTU=1500
NS_GEN='' NS_FWD='' NS_SINK=''

# Namespaces created by this invocation of `up` (removed again if it fails).
CREATED=()
UP_DONE=0

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

die() {
	echo "rig: error: $*" >&2
	exit 1
}

# bad_arg MSG: a bad argument, one line, exit status 2.
bad_arg() {
	echo "rig: error: $*" >&2
	exit 2
}

# run CMD...: run a command; on failure exit with one line naming the command
# and the last line of its stderr.
run() {
	local err
	if ! err=$("$@" 2>&1 >/dev/null); then
		err=${err##*$'\n'}
		die "'$*' failed${err:+: $err}"
	fi
}

ns_exists() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF -- "$1"
}

set_names() {
	[[ "$PREFIX" =~ ^[a-z0-9-]{1,8}$ ]] || bad_arg "invalid prefix '$PREFIX': must match [a-z0-9-]{1,8}"
	NS_GEN=${PREFIX}gen
	NS_FWD=${PREFIX}fwd
	NS_SINK=${PREFIX}sink
}

need_root() {
	[[ $EUID -eq 0 ]] || die "must run as root"
	local c
	for c in ip ethtool; do
		command -v "$c" >/dev/null 2>&1 || die "'$c' not found (run scripts/deps.sh)"
	done
}

# Serialise up/down for one prefix so two runs cannot interleave.
take_lock() {
	local dir=/run/lock
	[[ -d $dir ]] || dir=/tmp
	exec 9>"$dir/xskfwd-rig-${PREFIX}.lock"
	flock -w 60 9 || die "timed out waiting for the rig lock ($dir/xskfwd-rig-${PREFIX}.lock)"
}

rig_down() {
	local ns
	for ns in "$NS_GEN" "$NS_FWD" "$NS_SINK"; do
		if ns_exists "$ns"; then
			ip netns del "$ns" 2>/dev/null || die "cannot delete namespace $ns"
		fi
	done
}

# On a failed `up`, remove the namespaces this run created.
cleanup_failed_up() {
	local rc=$? ns
	((UP_DONE)) && return 0
	for ns in "${CREATED[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	return "$rc"
}

# ns_setup NS: create a namespace and set its sysctls before any device is
# created in it (new devices copy the "default" settings).
ns_setup() {
	local ns=$1
	run ip netns add "$ns"
	CREATED+=("$ns")
	run ip netns exec "$ns" sysctl -qw \
		net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.all.forwarding=0 \
		net.ipv4.ip_forward=0
	run ip -n "$ns" link set lo up
}

# veth_pair NAME1 NS1 MAC1 NAME2 NS2 MAC2: one veth, each end in its
# namespace, with the rig's queue count and MTU.
veth_pair() {
	local q=$QUEUES
	run ip link add "$1" netns "$2" mtu "$MTU" numtxqueues "$q" numrxqueues "$q" address "$3" \
		type veth peer name "$4" netns "$5" mtu "$MTU" numtxqueues "$q" numrxqueues "$q" \
		address "$6"
}

# tune_offloads NS DEV: tx checksum off, no hardware segmentation, no tx
# VLAN offload; then verify with ethtool -k.
tune_offloads() {
	local ns=$1 dev=$2 feats f
	run ip netns exec "$ns" ethtool -K "$dev" tx off tso off txvlan off
	# Turn off whatever segmentation feature is still on (tunnel, SCTP,
	# fraglist GSO, features newer than this ethtool knows by an alias ...)
	# and the 802.1ad tx VLAN offload, by the kernel's feature names.
	feats=$(ip netns exec "$ns" ethtool -k "$dev" |
		awk -F': ' '$1 ~ /^[ \t]*(tx-.*segmentation|tx-gso-.*|tx-vlan-stag-hw-insert)$/ &&
			$2 ~ /^on/ && $2 !~ /fixed/ {gsub(/[ \t]/, "", $1); print $1}')
	for f in $feats; do
		run ip netns exec "$ns" ethtool -K "$dev" "$f" off
	done
	feats=$(ip netns exec "$ns" ethtool -k "$dev" |
		awk -F': ' '$1 ~ /^[ \t]*(tx-.*segmentation|tx-gso-.*|tx-checksumming|tx-vlan-offload)$/ &&
			$2 ~ /^on/ {gsub(/[ \t]/, "", $1); print $1}')
	[[ -z "$feats" ]] || die "$ns/$dev: offloads still on after ethtool -K: ${feats//$'\n'/ }"
}

# addrs NS DEV IP4/LEN IP6/LEN
addrs() {
	run ip -n "$1" addr add "$3" dev "$2"
	run ip -n "$1" -6 addr add "$4" dev "$2" nodad
}

rig_up() {
	rig_down
	trap cleanup_failed_up EXIT
	trap 'exit 130' INT TERM

	ns_setup "$NS_GEN"
	ns_setup "$NS_FWD"
	ns_setup "$NS_SINK"

	veth_pair gen0 "$NS_GEN" "$MAC_GEN" fwd0 "$NS_FWD" "$MAC_FWD_A"
	veth_pair fwd1 "$NS_FWD" "$MAC_FWD_B" sink0 "$NS_SINK" "$MAC_SINK"

	tune_offloads "$NS_GEN" gen0
	tune_offloads "$NS_FWD" fwd0
	tune_offloads "$NS_FWD" fwd1
	tune_offloads "$NS_SINK" sink0

	addrs "$NS_GEN" gen0 "$IP_GEN/24" "$IP6_GEN/64"
	addrs "$NS_SINK" sink0 "$IP_SINK/24" "$IP6_SINK/64"
	addrs "$NS_FWD" fwd0 "$IP_FWD/24" "$IP6_FWD/64"
	addrs "$NS_FWD" fwd1 "$IP_FWD_B/24" "$IP6_FWD_B/64"

	run ip -n "$NS_GEN" link set gen0 up
	run ip -n "$NS_FWD" link set fwd0 up
	run ip -n "$NS_FWD" link set fwd1 up
	run ip -n "$NS_SINK" link set sink0 up

	UP_DONE=1
	trap - EXIT INT TERM
	echo "rig: up (prefix $PREFIX, $QUEUES queue(s), MTU $MTU)"
}

# link_mtu NS DEV: DEV's MTU (nothing if it cannot be read).
link_mtu() {
	ip -n "$1" -o link show dev "$2" 2>/dev/null | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'
}

# queue_count NS DEV rx|tx
queue_count() {
	ip netns exec "$1" ls "/sys/class/net/$2/queues" 2>/dev/null | grep -c "^$3-" || true
}

rig_status() {
	local ok=1 ns dev line addr pair state mac flags
	echo "rig prefix $PREFIX"
	for ns in "$NS_GEN" "$NS_FWD" "$NS_SINK"; do
		if ns_exists "$ns"; then
			echo "namespace $ns: present"
		else
			echo "namespace $ns: missing"
			ok=0
		fi
	done
	for pair in "$NS_GEN:gen0" "$NS_FWD:fwd0" "$NS_FWD:fwd1" "$NS_SINK:sink0"; do
		ns=${pair%%:*} dev=${pair#*:}
		if ! ns_exists "$ns" || ! line=$(ip -n "$ns" -br link show dev "$dev" 2>/dev/null); then
			printf '  %-6s missing\n' "$dev"
			ok=0
			continue
		fi
		# line: "gen0@if2  UP  02:58:46:00:00:01 <BROADCAST,...,UP,LOWER_UP>"
		read -r _ state mac flags <<<"$line"
		[[ "$flags" == *,UP* || "$flags" == *"<UP"* ]] || ok=0
		addr=$(ip -n "$ns" -br addr show dev "$dev" 2>/dev/null | awk '{$1=""; $2=""; print}' | xargs)
		printf '  %-6s %-4s %-8s %s mtu %s rxq %s txq %s  %s\n' "$dev" "${ns#"$PREFIX"}" "$state" \
			"$mac" "$(link_mtu "$ns" "$dev")" "$(queue_count "$ns" "$dev" rx)" \
			"$(queue_count "$ns" "$dev" tx)" "$addr"
	done
	if ((ok)); then
		echo "rig: up"
		return 0
	fi
	echo "rig: not up"
	return 1
}

rig_env() {
	cat <<EOF
RIG_GEN=$NS_GEN
RIG_FWD=$NS_FWD
RIG_SINK=$NS_SINK
RIG_GEN_IF=gen0
RIG_FWD_A=fwd0
RIG_FWD_B=fwd1
RIG_SINK_IF=sink0
RIG_GEN_MAC=$MAC_GEN
RIG_SINK_MAC=$MAC_SINK
RIG_FWD_A_MAC=$MAC_FWD_A
RIG_FWD_B_MAC=$MAC_FWD_B
RIG_GEN_IP=$IP_GEN
RIG_SINK_IP=$IP_SINK
RIG_FWD_IP=$IP_FWD
RIG_FWD_B_IP=$IP_FWD_B
RIG_GEN_IP6=$IP6_GEN
RIG_SINK_IP6=$IP6_SINK
RIG_FWD_IP6=$IP6_FWD
RIG_FWD_B_IP6=$IP6_FWD_B
RIG_MTU=$(link_mtu "$NS_FWD" fwd0)
EOF
}

# number_in VALUE MIN MAX: VALUE is a decimal number in MIN..MAX.
number_in() {
	[[ "$1" =~ ^[0-9]{1,6}$ ]] && ((10#$1 >= $2 && 10#$1 <= $3))
}

# up_value OPTION VALUE: --queues or --mtu of `up`, checked.
up_value() {
	case "$1" in
	--queues)
		number_in "$2" 1 16 || bad_arg "invalid --queues '$2': must be 1..16"
		QUEUES=$((10#$2)) ;;
	--mtu)
		number_in "$2" 1280 65535 || bad_arg "invalid --mtu '$2': must be 1280..65535"
		MTU=$((10#$2)) ;;
	esac
}

main() {
	local cmd=${1:-}
	case "$cmd" in
	-h | --help | help) usage; exit 0 ;;
	up | down | status | env) shift ;;
	"") bad_arg "missing command: up, down, status or env (see --help)" ;;
	*) bad_arg "unknown command '$cmd' (see --help)" ;;
	esac

	while (($#)); do
		case "$1" in
		--prefix)
			[[ $# -ge 2 ]] || bad_arg "--prefix needs a value"
			PREFIX=$2; shift ;;
		--prefix=*) PREFIX=${1#*=} ;;
		--queues | --mtu)
			[[ "$cmd" == up ]] || bad_arg "$1 only applies to 'up'"
			[[ $# -ge 2 ]] || bad_arg "$1 needs a value"
			up_value "$1" "$2"; shift ;;
		--queues=* | --mtu=*)
			[[ "$cmd" == up ]] || bad_arg "${1%%=*} only applies to 'up'"
			up_value "${1%%=*}" "${1#*=}" ;;
		-h | --help) usage; exit 0 ;;
		*) bad_arg "unknown argument '$1' (see --help)" ;;
		esac
		shift
	done
	set_names

	case "$cmd" in
	up) need_root; take_lock; rig_up ;;
	down) need_root; take_lock; rig_down ;;
	status) need_root; rig_status ;;
	env) rig_env ;;
	esac
}

main "$@"
