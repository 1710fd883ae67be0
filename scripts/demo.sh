#!/usr/bin/env bash
# scripts/demo.sh - the main job on the built-in veth rig, start to finish.
#
# Installs what is missing, builds, brings up the rig (namespaces xfd-gen,
# xfd-fwd, xfd-sink), runs `xskfwd forward fwd0 fwd1` in xfd-fwd showing its
# live rates while gen sends frames and pings sink through it, prints the
# forwarder's summary and the frame check, and removes the rig (also on
# failure or Ctrl-C). Usage: bash scripts/demo.sh [--seconds N] (default 8)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=8
case "${1:-}" in
--seconds) seconds=${2:?--seconds needs a number} ;;
-h | --help)
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
"") ;;
*)
	echo "demo.sh: unknown argument '$1' (see --help)" >&2
	exit 2
	;;
esac
case "$seconds" in
'' | *[!0-9]* | 0 | 1 | 2)
	echo "demo.sh: --seconds must be a whole number of at least 3" >&2
	exit 2
	;;
esac
[ "$(id -u)" = 0 ] || {
	echo "demo.sh: run as root (it creates network namespaces and attaches XDP)" >&2
	exit 1
}

bash scripts/deps.sh
make -j"$(nproc)" all

prefix=xfd-
fwd_pid=
cleanup() {
	[ -n "$fwd_pid" ] && kill -INT "$fwd_pid" 2>/dev/null && wait "$fwd_pid" 2>/dev/null
	bash scripts/rig.sh down --prefix "$prefix" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash scripts/rig.sh up --prefix "$prefix"
eval "$(bash scripts/rig.sh env --prefix "$prefix")"
echo "rig: $RIG_GEN($RIG_GEN_IF $RIG_GEN_IP) -- $RIG_FWD($RIG_FWD_A, $RIG_FWD_B) -- $RIG_SINK($RIG_SINK_IF $RIG_SINK_IP)"
echo

ip netns exec "$RIG_FWD" build/xskfwd forward "$RIG_FWD_A" "$RIG_FWD_B" --duration "$seconds" &
fwd_pid=$!
for _ in $(seq 50); do # wait up to 5 s for the sockets
	ip -n "$RIG_FWD" link show dev "$RIG_FWD_B" | grep -q prog/xdp && break
	sleep 0.1
done
sleep 0.5

echo "ping $RIG_GEN -> $RIG_SINK through the forwarder:"
ip netns exec "$RIG_GEN" ping -c 3 -i 0.3 -W 2 "$RIG_SINK_IP" | grep -E 'bytes from|packet loss'
echo "frames $RIG_GEN -> $RIG_SINK (64-byte IPv4/UDP, 8 flows), checked byte for byte:"
build/frametool xfer --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --types ipv4 \
	--sizes 64 --flows 8 --count $((seconds * 25000 / 2)) --interval-us 10 --expect all ||
	echo "demo.sh: some frames did not arrive intact (see above)"
wait "$fwd_pid" || true
fwd_pid=
