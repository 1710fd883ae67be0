#!/usr/bin/env bash
# scripts/bench_route_cost.sh - what xskfwd's own code costs per routed frame,
# on the veth rig, for the estimate in docs/benchmarks.md ("What route would
# do on a zero-copy NIC"). Not part of `make bench` (about 2 minutes).
#
# This VM has no hardware counters (`perf stat -e instructions true` says
# "not supported"), so the cost is read three ways, each at full load (live
# frames from CPU 0, unpaced, 64 B; xskfwd's poller on CPU 1; sink0 a tc drop):
#   1. The XDP programs' run time per run, from the kernel's BPF statistics
#      (BPF_ENABLE_STATS, held only while this script measures): xskfwd's
#      classifier in the forward and the route flavour, xdp_fib
#      (bpf/rig/xdp_fib.bpf.c, xdp-forward's routing) and the XDP_DROP sink.
#      The statistics' own cost (two clock reads per run) is in every figure:
#      the trivial XDP_DROP program's run time is that floor.
#   2. `perf record -e cpu-clock` of CPU 1 (the poller's) for 5 s: the share of
#      its samples in xskfwd itself (user space), over the frames it moved.
#   3. valgrind --tool=callgrind on xskfwd forward and route: user-space
#      instructions per frame, with full batches (the generator offers more
#      than the poller under valgrind can take).
# Prints one line per figure; the CPU's nominal clock turns ns into cycles.
#
# Usage: bash scripts/bench_route_cost.sh   (as root; the rig's namespaces are
# xbc-gen, xbc-fwd, xbc-sink, removed at exit). COST_ONLY=bpf|perf|callgrind
# runs one of the three.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench_route_cost.sh: run as root" >&2; exit 1; }
for c in perf valgrind callgrind_annotate bpftool python3; do
	command -v "$c" >/dev/null || { echo "bench_route_cost.sh: needs $c" >&2; exit 1; }
done
make -s -j"$(nproc)" all
B=$PWD/build
OUT=$B/bench/cost
mkdir -p "$OUT"
P=xbc-
XF=$B/xskfwd
FWD_PID=
# shellcheck source=scripts/bench_paths.sh
source scripts/bench_paths.sh

cleanup() {
	stop_fwd
	bash scripts/rig.sh down --prefix "$P" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
stop_fwd() {
	if [ -n "$FWD_PID" ]; then
		kill -INT "$FWD_PID" 2>/dev/null || true
		wait "$FWD_PID" 2>/dev/null || true
		FWD_PID=
	fi
}

# rig MODE: a fresh rig for forward, route or xdpfib, as bench.sh sets them up
# (scripts/bench_paths.sh): a tc drop sink, but for xdp_fib's XDP one.
rig() {
	bash scripts/rig.sh up --prefix "$P" >/dev/null
	eval "$(bash scripts/rig.sh env --prefix "$P")"
	DST_MAC=$RIG_SINK_MAC DST_IP=$RIG_SINK_IP
	case $1 in
	forward) sink_tc ;;
	route)
		path_route
		ip netns exec "$RIG_FWD" sysctl -qw net.ipv6.conf.all.forwarding=1
		sink_tc
		;;
	xdpfib)
		sink_drop
		path_xdp_fib
		;;
	esac
}

# fwd MODE [WRAPPER...]: xskfwd forward or route on CPU 1, waits until it runs.
fwd() {
	local mode=$1
	shift
	ip netns exec "$RIG_FWD" "$@" "$XF" "$mode" "$RIG_FWD_A" "$RIG_FWD_B" --cpus 1 \
		>"$OUT/fwd-$mode.log" 2>&1 &
	FWD_PID=$!
	for _ in $(seq 300); do
		grep -qE '^(forwarding|routing) ' "$OUT/fwd-$mode.log" && return 0
		sleep 0.1
	done
	cat "$OUT/fwd-$mode.log" >&2
	exit 1
}

gen() { # SECONDS: live frames from CPU 0, unpaced, 64 B, in the background
	ip netns exec "$RIG_GEN" "$XF" gen "$RIG_GEN_IF" --dst-mac "$DST_MAC" --dst-ip "$DST_IP" \
		--engine live --cpus 0 --duration "$1" >"$OUT/gen.log" 2>&1 &
	GEN_PID=$!
}

xdp_ids() { # the XDP programs on fwd0 and sink0
	ip -n "$RIG_FWD" -d link show dev "$RIG_FWD_A" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
	ip -n "$RIG_SINK" -d link show dev "$RIG_SINK_IF" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}
prog_stats() { # ID: "name run_time_ns run_cnt"
	bpftool prog show id "$1" | awk 'NR == 1 { n = $4 }
		/run_time_ns/ { for (i = 1; i < NF; i++) { if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1) } }
		END { print n, t + 0, c + 0 }'
}
tx_packets() { # fwd1's sent frames so far (its veth counter)
	ip netns exec "$RIG_FWD" cat "/sys/class/net/$RIG_FWD_B/statistics/tx_packets"
}

MHZ=$(awk -F: '/^cpu MHz/ { print $2 + 0; exit }' /proc/cpuinfo)
echo "CPU: $(awk -F: '/^model name/ { print $2; exit }' /proc/cpuinfo | xargs), ${MHZ} MHz nominal"
echo "perf stat -e instructions: $(perf stat -e instructions true 2>&1 | grep -q 'not supported' &&
	echo 'not supported (no hardware counters)' || echo supported)"

# 1. BPF run time per run, while the kernel keeps statistics: a helper holds
# BPF_ENABLE_STATS open (the statistics stop when it exits).
STATS_PID=
stats_on() {
	python3 -c '
import ctypes, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
attr = ctypes.create_string_buffer(128)  # union bpf_attr: enable_stats.type = 0 (run time)
fd = libc.syscall(321, 32, attr, 128)      # __NR_bpf (x86-64), BPF_ENABLE_STATS
if fd < 0:
    sys.exit("BPF_ENABLE_STATS: errno %d" % ctypes.get_errno())
print("on", flush=True)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
signal.pause()
' >"$OUT/stats.on" &
	STATS_PID=$!
	for _ in $(seq 50); do
		grep -q on "$OUT/stats.on" && return 0
		sleep 0.1
	done
	echo "bench_route_cost.sh: BPF statistics could not be enabled" >&2
	exit 1
}
stats_off() {
	[ -z "$STATS_PID" ] || { kill -TERM "$STATS_PID"; wait "$STATS_PID" || true; STATS_PID=; }
}
bpf_stats() { # MODE
	local a b id
	rig "$1"
	[ "$1" = xdpfib ] || fwd "$1"
	gen 8
	sleep 2
	a=$(for id in $(xdp_ids); do prog_stats "$id"; done)
	sleep 4
	b=$(for id in $(xdp_ids); do prog_stats "$id"; done)
	wait "$GEN_PID"
	stop_fwd
	paste -d' ' <(echo "$a") <(echo "$b") | awk -v m="$1" -v mhz="$MHZ" '$6 > $3 {
		ns = ($5 - $2) / ($6 - $3)
		printf "bpf      %-8s %-12s %7.1f ns/run = %4.0f cycles (%d runs)\n", m, $1, ns, ns * mhz / 1000, $6 - $3 }'
}
if [ -z "${COST_ONLY:-}" ] || [ "$COST_ONLY" = bpf ]; then
	stats_on
	for m in forward route xdpfib; do bpf_stats "$m"; done
	stats_off
fi

# 2. perf: the poller's CPU for 5 s; xskfwd's own share of it, per frame.
perf_share() { # MODE
	local t0 t1 ours
	rig "$1"
	fwd "$1"
	gen 9
	sleep 2
	t0=$(tx_packets)
	perf record -q -C 1 -e cpu-clock -F 4999 -o "$OUT/perf-$1.data" -- sleep 5 2>/dev/null
	t1=$(tx_packets)
	wait "$GEN_PID"
	stop_fwd
	# xskfwd's own share of the CPU's samples
	ours=$(perf report -i "$OUT/perf-$1.data" --stdio --sort dso 2>/dev/null |
		awk '$2 == "xskfwd" { sub(/%/, "", $1); print $1 }')
	awk -v m="$1" -v p="${ours:-0}" -v f=$((t1 - t0)) -v mhz="$MHZ" 'BEGIN {
		ns = p / 100 * 5e9 / f
		printf "perf     %-8s xskfwd %5.2f%% of CPU 1 at %.3f Mpps: %5.1f ns/frame = %4.0f cycles\n",
			m, p, f / 5e6, ns, ns * mhz / 1000 }'
	perf report -i "$OUT/perf-$1.data" --stdio --dso xskfwd --sort sym 2>/dev/null |
		awk '/^ +[0-9.]+%/ && $1 + 0 >= 0.05 { printf "           %s %s\n", $1, $NF }'
}
if [ -z "${COST_ONLY:-}" ] || [ "$COST_ONLY" = perf ]; then
	for m in forward route; do perf_share "$m"; done
fi

# 3. callgrind: user-space instructions per frame, full batches.
callgrind_ir() { # MODE
	local n ir
	rig "$1"
	fwd "$1" valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind-$1.out"
	gen 4
	wait "$GEN_PID"
	sleep 1
	n=$(tx_packets)
	stop_fwd
	ir=$(callgrind_annotate "$OUT/callgrind-$1.out" 2>/dev/null |
		awk '/PROGRAM TOTALS/ && !done { gsub(/,/, "", $1); print $1; done = 1 }')
	awk -v m="$1" -v ir="$ir" -v n="$n" 'BEGIN {
		printf "callgrind %-7s %6.1f instructions/frame in user space (%d frames)\n", m, ir / n, n }'
	callgrind_annotate --inclusive=yes "$OUT/callgrind-$1.out" 2>/dev/null |
		awk -v n="$n" '/(fwd_route_rx|rl_rx_to_tx|fwd_poller_run)/ && !/=>/ {
			name = $0; sub(/^ *[0-9,]+ *\([^)]*\) */, "", name); sub(/ \[.*$/, "", name)
			gsub(/,/, "", $1); if ($1 / n >= 1) printf "           %6.1f/frame %s\n", $1 / n, name }'
}
if [ -z "${COST_ONLY:-}" ] || [ "$COST_ONLY" = callgrind ]; then
	for m in forward route; do callgrind_ir "$m"; done
fi
