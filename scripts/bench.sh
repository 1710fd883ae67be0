#!/usr/bin/env bash
# scripts/bench.sh - `make bench`: xskfwd against the kernel's own paths, on one
# veth rig (gen -- fwd -- sink), in one invocation.
#
# For each scenario: a placement probe (each candidate CPU placement for 3 s,
# the best one is kept and stated), then --runs runs of --seconds each; the
# rate is what reaches sink0, counted by an XDP_DROP program there (the
# cheapest receive, so the path is measured, not the sink). Reported: median
# and min-max of the runs, the ratio to the Linux bridge measured in the same
# invocation, and per-CPU use (user/system/softirq; softirq work on veth
# cannot be attributed to a namespace, so CPUs are reported, with the
# placement that says who runs where).
#
# Also: xskfwd's own drop counters at 90% of its measured maximum.
# Paths: Linux bridge (br_netfilter on, the namespace default, and off), IPv4
# routing, in-kernel XDP_REDIRECT through a devmap, xskfwd forward (copy mode
# on veth; need_wakeup on and off, busy polling); the generator's own ceilings (live-frames
# and AF_XDP engines into a drop program on fwd0); frame sizes 64/512/1500
# for xskfwd and devmap; latency (xskfwd sink, one-way, same clock) at 10% and
# 50% of each path's measured maximum for xskfwd and the bridge; then 4
# queues; routing: the kernel's IPv4 forwarding, in-kernel XDP routing
# (bpf/rig/xdp_fib.bpf.c), xskfwd forward and xskfwd route at 64 and 1500 B,
# in rounds, skb paths counted at a tc ingress drop on sink0 (and beside it
# the XDP sink), and zero-loss throughput (bisection on the paced rate) for
# route and the kernel's forwarding; serving files: xskfwd serve against
# tftpd-hpa (TFTP goodput with 1, 8 and 64 clients, windowsize 1 and 16, CPU
# per GB); 9000-byte frames on a 9000-MTU rig: xskfwd (descriptor chains),
# the Linux bridge and the frags-aware devmap, in Gbit/s and pps. Results:
# build/bench/results.jsonl (every run), summary.txt, summary.json and
# bench.png (gnuplot).
#
# Usage: bash scripts/bench.sh [--runs N] [--seconds S] [--quick] [--only REGEX] [--append]
#   --quick   1 run of 3 s, no placement probe (checks the plumbing)
#   --only    run only scenarios whose name matches REGEX
#   --append  add to build/bench/results.jsonl instead of starting it anew
# XF_BENCH_PREFIX (default xb-) names the rig's namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=3
SECS=10
PROBE_SECS=3
ONLY=.
APPEND=0
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) RUNS=${2:?}; shift 2 ;;
	--seconds) SECS=${2:?}; shift 2 ;;
	--quick) RUNS=1 SECS=3 PROBE_SECS=0; shift ;;
	--only) ONLY=${2:?}; shift 2 ;;
	--append) APPEND=1; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
case "$RUNS$SECS" in *[!0-9]*) echo "bench.sh: --runs and --seconds take whole numbers" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "bench.sh: run as root" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "bench.sh: needs at least 2 CPUs" >&2; exit 1; }

bash scripts/deps.sh --bench
make -s -j"$(nproc)" all
B=$PWD/build
OUT=$B/bench
mkdir -p "$OUT"
[ "$APPEND" = 1 ] || : >"$OUT/results.jsonl"
P=${XF_BENCH_PREFIX:-xb-}
XF=$B/xskfwd
# shellcheck source=scripts/bench_paths.sh
source scripts/bench_paths.sh

cleanup() {
	stop_fwd
	stop_server
	[ -z "${SERVE_ROOT:-}" ] || rm -rf "$SERVE_ROOT"
	bash scripts/rig.sh down --prefix "$P" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s\n' "$*" >&2; }

# --- rig and paths --------------------------------------------------------
FWD_PID=
stop_fwd() {
	if [ -n "$FWD_PID" ]; then
		kill -INT "$FWD_PID" 2>/dev/null || true
		wait "$FWD_PID" 2>/dev/null || true
		FWD_PID=
	fi
}

# The serve section's server (tftpd-hpa or xskfwd serve), its cgroup and its
# file root.
SRV_PID='' SRV_CG='' SERVE_ROOT=''
stop_server() {
	local pid
	if [ -n "${SRV_CG:-}" ] && [ -n "${SRV_PID:-}" ]; then
		# tftpd-hpa's children end on the client's closing ERROR, or when
		# their transfer times out (about 15 s). While the listener lives,
		# they are reaped as they exit (it ignores SIGCHLD): give them 3 s,
		# then kill the rest, by PID, before the listener.
		for _ in $(seq 30); do
			[ "$(wc -l <"$SRV_CG/cgroup.procs")" -gt 1 ] || break
			sleep 0.1
		done
		while read -r pid; do
			[ "$pid" = "$SRV_PID" ] || kill -KILL "$pid" 2>/dev/null || true
		done <"$SRV_CG/cgroup.procs"
	fi
	if [ -n "${SRV_PID:-}" ]; then
		# TERM: a background job of a script starts with SIGINT ignored
		kill -TERM "$SRV_PID" 2>/dev/null || true
		wait "$SRV_PID" 2>/dev/null || true
		SRV_PID=
	fi
	if [ -n "${SRV_CG:-}" ]; then
		for _ in $(seq 50); do
			grep -q '^populated 1' "$SRV_CG/cgroup.events" || break
			sleep 0.1
		done
		rmdir "$SRV_CG" 2>/dev/null || log "bench.sh: cannot remove cgroup $SRV_CG"
		SRV_CG=
	fi
}

# fresh_rig QUEUES: every scenario starts from a rebuilt rig (about 0.5 s),
# with the MTU BENCH_MTU when it is set (the jumbo section).
fresh_rig() {
	stop_fwd
	bash scripts/rig.sh up --prefix "$P" --queues "$1" ${BENCH_MTU:+--mtu "$BENCH_MTU"} >/dev/null
	eval "$(bash scripts/rig.sh env --prefix "$P")"
	DST_MAC=$RIG_SINK_MAC DST_IP=$RIG_SINK_IP
}

# sink_count [gen]: what the scenario's sink has counted (with "gen", at the
# tc sink, only the generator's frames: UDP to port 9000).
sink_count() {
	if [ "$SINK_KIND" = tc ]; then
		percpu_sum "$TC_MAP" "$([ "${1:-}" = gen ] && echo 1 || echo 0)"
	else
		count_drops "$SINK_NS" "$SINK_DEV"
	fi
}

path_xskfwd() { # [--route] xskfwd forward (or route) options...
	local mode=forward started='^forwarding ' i
	if [ "${1:-}" = --route ]; then
		mode=route started='^routing '
		shift
	fi
	ip netns exec "$RIG_FWD" "$XF" "$mode" "$RIG_FWD_A" "$RIG_FWD_B" "$@" \
		>"$OUT/fwd.log" 2>&1 &
	FWD_PID=$!
	for i in $(seq 100); do
		grep -q "$started" "$OUT/fwd.log" && return 0
		kill -0 "$FWD_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$OUT/fwd.log" >&2
	log "bench.sh: xskfwd $mode did not start"
	return 1
}

# xskfwd route between fwd0 and fwd1 over path_route's set-up (IPv4 and, as
# route requires, IPv6 forwarding on).
path_xskroute() {
	path_route
	ip netns exec "$RIG_FWD" sysctl -qw net.ipv6.conf.all.forwarding=1
	path_xskfwd --route --cpus "$FWD_CPUS" "${FWD_ARGS[@]}"
}

# The generator's ceiling: gen straight into a drop program on fwd0.
path_ceiling() {
	xdp_attach "$RIG_FWD" "$RIG_FWD_A" xdp_drop
	SINK_NS=$RIG_FWD SINK_DEV=$RIG_FWD_A
}

# --- placement ---------------------------------------------------------------
# A placement is a list of tokens joined by '+', each deciding who runs where:
#   live0 / live1   the live-frames generator on CPU 0 / 1
#   xsk0 / xsk1     the AF_XDP generator on CPU 0 / 1 (xsk4q: on queues 0-3, CPU 0)
#   fwd0 / fwd1     xskfwd's pollers on CPU 0 / 1
#   napi1           fwd0/fwd1 NAPI in kthreads pinned to CPU 1 (default: softirq on
#                   the CPU that sends to them)
# The probe tries each candidate for PROBE_SECS and keeps the best. Live frames
# enter fwd0 by ndo_xdp_xmit, which a veth takes only when it runs XDP: paths
# without a program of their own on fwd0 then get the XDP_PASS one.
placement_napi_threaded() {
	local dev pid
	for dev in "$RIG_FWD_A" "$RIG_FWD_B"; do
		# a veth has NAPI only while it runs XDP or GRO
		ip -n "$RIG_FWD" link show dev "$dev" | grep -q 'prog/xdp' ||
			ip netns exec "$RIG_FWD" ethtool -K "$dev" gro on >/dev/null 2>&1 || return 1
		ip netns exec "$RIG_FWD" sh -c "echo 1 > /sys/class/net/$dev/threaded" 2>/dev/null ||
			return 1
	done
	sleep 0.2
	for pid in $(pgrep -f "^napi/($RIG_FWD_A|$RIG_FWD_B)-" || true); do
		taskset -pc 1 "$pid" >/dev/null
	done
}

# prepare QUEUES SETUP PLACEMENT: a fresh rig with the path and placement.
prepare() {
	local tok napi=0
	fresh_rig "$1"
	SINK_NS=$RIG_SINK SINK_DEV=$RIG_SINK_IF
	GEN_ARGS=(--engine live --cpus 0)
	FWD_CPUS=1
	for tok in ${3//+/ }; do
		case "$tok" in
		live[01]) GEN_ARGS=(--engine live --cpus "${tok#live}") ;;
		xsk[01]) GEN_ARGS=(--engine xsk --cpus "${tok#xsk}") ;;
		xsk4q) GEN_ARGS=(--engine xsk --queues 0-3 --flows 64 --cpus 0) ;;
		fwd[01]) FWD_CPUS=${tok#fwd} ;;
		napi1) napi=1 ;;
		*) log "bench.sh: unknown placement token '$tok'"; return 1 ;;
		esac
	done
	$2
	SINK_KIND=xdp
	if [ "$SINK_NS" = "$RIG_SINK" ]; then
		SINK_KIND=${SINK:-xdp}
		case "$SINK_KIND" in
		xdp) sink_drop ;;
		tc) sink_tc ;;
		*) log "bench.sh: unknown sink '$SINK_KIND'"; return 1 ;;
		esac
	fi
	if [ "${GEN_ARGS[1]}" = live ] &&
		! ip -n "$RIG_FWD" link show dev "$RIG_FWD_A" | grep -q 'prog/xdp'; then
		xdp_attach "$RIG_FWD" "$RIG_FWD_A" xdp_pass
	fi
	if [ "$napi" = 1 ] && ! placement_napi_threaded; then
		log "  placement $3: threaded NAPI could not be set up"
		return 1
	fi
	return 0
}

# --- one measurement ----------------------------------------------------------
cpu_snapshot() { awk '/^cpu[0-9]+ / { print $1, $2 + $3, $4, $7 + $8, $5 + $6 }' /proc/stat; }
# cpu_usage BEFORE AFTER: "cpu0 usr/sys/sirq% cpu1 ..." as JSON
cpu_usage() {
	paste -d' ' <(echo "$1") <(echo "$2") | awk '{
		usr = $7 - $2; sys = $8 - $3; sirq = $9 - $4; idle = $10 - $5
		tot = usr + sys + sirq + idle; if (tot <= 0) tot = 1
		printf "%s\"%s\":{\"usr\":%.0f,\"sys\":%.0f,\"sirq\":%.0f}", (NR > 1 ? "," : ""), $1,
			100 * usr / tot, 100 * sys / tot, 100 * sirq / tot }'
}

# measure SECONDS GEN_ARGS...: run gen for SECONDS; prints "PPS CPUJSON GENSENT
# COUNTED TXDROP" (COUNTED: what the sink counted, with COUNT=gen at the tc
# sink only the generator's frames; TXDROP: frames gen0's veth dropped
# because fwd0's receive ring was full, the path's input queue).
measure() {
	local secs=$1 before after c0 c1 t0 t1 sent txdrop
	shift
	before=$(sink_count "${COUNT:-}")
	c0=$(cpu_snapshot)
	t0=$(date +%s.%N)
	ip netns exec "$RIG_GEN" "$XF" gen "$RIG_GEN_IF" --dst-mac "$DST_MAC" --dst-ip "$DST_IP" \
		--duration "$secs" --json "${GEN_ARGS[@]}" "$@" >"$OUT/gen.log" 2>&1 || {
		cat "$OUT/gen.log" >&2
		return 1
	}
	t1=$(date +%s.%N)
	c1=$(cpu_snapshot)
	sleep 0.2 # frames in flight
	after=$(sink_count "${COUNT:-}")
	sent=$(sed -n 's/.*"type":"summary".*"sent":\([0-9]*\).*/\1/p' "$OUT/gen.log" | head -n1)
	txdrop=$(sed -n 's/.*"type":"summary".*"iface_tx_dropped":\([0-9]*\).*/\1/p' "$OUT/gen.log" | head -n1)
	echo "$(awk -v d=$((after - before)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", d / (b - a) }')" \
		"{$(cpu_usage "$c0" "$c1")}" "${sent:-0}" $((after - before)) "${txdrop:-0}"
}

# scenario NAME QUEUES SIZE SETUP GEN_ARGS... : probe placements, run, record.
# SETUP is a function name run on a fresh rig; PLACEMENTS (env) lists candidates.
scenario() {
	local name=$1 queues=$2 size=$3 setup=$4 r
	shift 4
	[[ $name =~ $ONLY ]] || return 0
	probe "$name" "$queues" "$size" "$setup" "$@"
	[ -n "$BEST" ] || { log "bench.sh: $name: no placement worked"; return 0; }
	prepare "$queues" "$setup" "$BEST" || return 0
	for r in $(seq "$RUNS"); do
		run_once "$name" "$queues" "$size" "$BEST" "$r" "$@"
	done
	path_counters "$name"
}

# probe NAME QUEUES SIZE SETUP GEN_ARGS...: BEST = the best of PLACEMENTS
# (the first one without probing).
probe() {
	local name=$1 queues=$2 size=$3 setup=$4 best_pps=-1 pl res pps
	shift 4
	local placements=${PLACEMENTS:-default}
	BEST=
	if [ "$PROBE_SECS" -gt 0 ] && [ "$placements" != "${placements% *}" ]; then
		for pl in $placements; do
			prepare "$queues" "$setup" "$pl" || continue
			res=$(measure "$PROBE_SECS" --size "$size" "$@") || continue
			pps=${res%% *}
			log "  probe $name [$pl]: $pps pps"
			if [ "$pps" -gt "$best_pps" ]; then best_pps=$pps BEST=$pl; fi
		done
	else
		BEST=${placements%% *}
	fi
}

# run_once NAME QUEUES SIZE PLACEMENT RUN GEN_ARGS...: one run on the
# prepared rig, recorded.
run_once() {
	local name=$1 queues=$2 size=$3 pl=$4 r=$5 res pps cpu sent
	shift 5
	res=$(measure "$SECS" --size "$size" "$@")
	read -r pps cpu sent _ _ <<<"$res"
	log "  $name [$pl] run $r: $pps pps (gen sent $sent)"
	printf '{"scenario":"%s","queues":%s,"size":%s,"placement":"%s","sink":"%s","run":%s,"pps":%s,"gen_sent":%s,"seconds":%s,"cpu":%s}\n' \
		"$name" "$queues" "$size" "$pl" "$SINK_KIND" "$r" "$pps" "$sent" "$SECS" "$cpu" >>"$OUT/results.jsonl"
}

# rounds SPEC...: scenarios whose ratios matter, measured in rounds: each is
# probed, then run r of every one of them, then run r + 1 ..., each run on a
# fresh rig, so that the other jobs of a shared machine weigh on all of them
# alike. SPEC is "NAME SIZE SETUP SINK PLACEMENTS", 1 queue, PLACEMENTS
# comma-separated candidates, or "=OTHER,CANDIDATES": the placement that
# OTHER's probe chose in this call (if it ran; else the candidates').
rounds() {
	local spec name size setup sink pls r i
	local -a names=() sizes=() setups=() sinks=() bests=()
	local -A chosen=()
	for spec in "$@"; do
		read -r name size setup sink pls <<<"$spec"
		[[ $name =~ $ONLY ]] || continue
		BEST=
		if [ "${pls#=}" != "$pls" ]; then # =OTHER,CANDIDATES...
			pls=${pls#=}
			BEST=${chosen[${pls%%,*}]:-}
			pls=${pls#*,}
		fi
		[ -n "$BEST" ] || SINK=$sink PLACEMENTS=${pls//,/ } probe "$name" 1 "$size" "$setup"
		[ -n "$BEST" ] || { log "bench.sh: $name: no placement"; continue; }
		chosen[$name]=$BEST
		names+=("$name") sizes+=("$size") setups+=("$setup") sinks+=("$sink") bests+=("$BEST")
	done
	for r in $(seq "$RUNS"); do
		for i in "${!names[@]}"; do
			SINK=${sinks[i]} prepare 1 "${setups[i]}" "${bests[i]}" || continue
			run_once "${names[i]}" 1 "${sizes[i]}" "${bests[i]}" "$r"
			[ "$r" != "$RUNS" ] || path_counters "${names[i]}"
		done
	done
	stop_fwd
}

# path_counters NAME: after a scenario's runs, what the path counted itself,
# so that a fast path that was not taken shows: xdp_fib's results of
# bpf_fib_lookup, xskfwd's summary (fast path, slow path by reason, drops).
path_counters() {
	local id port
	if [ -n "$FWD_PID" ]; then
		stop_fwd
		for port in "$RIG_FWD_A" "$RIG_FWD_B"; do
			log "  $1 $port: $(grep "^summary $port " "$OUT/fwd.log" | grep -oE \
				'(rx_packets|tx_packets|xdp_redirected|xdp_pass_[a-z]*|xdp_slow_[a-z_]*|drops)=[0-9]+' |
				grep -v '=0$' | tr '\n' ' ')"
		done
	fi
	for id in $(ip -n "$RIG_FWD" -d link show dev "$RIG_FWD_A" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'); do
		bpftool prog show id "$id" | grep -q 'name rig_fib' || continue
		id=$(bpftool prog show id "$id" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr ',' '\n' |
			while read -r m; do
				if bpftool map show id "$m" | grep -q 'name fib_stats'; then echo "$m"; fi
			done)
		log "  $1 xdp_fib: bpf_fib_lookup SUCCESS $(percpu_sum "$id" 0), NO_NEIGH" \
			"$(percpu_sum "$id" 7), TTL<=1 $(percpu_sum "$id" 15), not IP $(percpu_sum "$id" 14)"
	done
}

# --- latency --------------------------------------------------------------------
# one_latency SETUP PPS SINK_CPU: xskfwd sink on sink0 (AF_XDP) while the AF_XDP
# generator on CPU 0 paces PPS; prints "p50 p99 p999 max" in us.
one_latency() {
	local sl sink_pid
	fresh_rig 1
	FWD_CPUS=1
	$1
	ip netns exec "$RIG_SINK" "$XF" sink "$RIG_SINK_IF" --cpus "$3" --json >"$OUT/sink.log" 2>&1 &
	sink_pid=$!
	sleep 1
	ip netns exec "$RIG_GEN" "$XF" gen "$RIG_GEN_IF" --dst-mac "$DST_MAC" --dst-ip "$DST_IP" \
		--duration "$4" --rate "$2" --engine xsk --cpus 0 --json >"$OUT/gen.log" 2>&1
	sleep 0.3
	kill -INT "$sink_pid"
	wait "$sink_pid" || true
	stop_fwd
	sl=$(grep '"type":"summary"' "$OUT/sink.log" | head -n1)
	for f in p50 p99 p999 max; do
		v=$(grep -o "\"$f\":[0-9.]*" <<<"$sl" | head -n1 | cut -d: -f2)
		printf '%s ' "${v:-null}"
	done
	echo
}

# latency NAME SETUP PPS: the sink on CPU 0 or CPU 1 (probed), lower p99 kept.
latency() {
	local name=$1 setup=$2 rate=$3 best="" best_p99="" cpu res p50 p99 p999 max
	[[ $name =~ $ONLY ]] || return 0
	if [ "$PROBE_SECS" -gt 0 ]; then
		for cpu in 0 1; do
			read -r p50 p99 p999 max <<<"$(one_latency "$setup" "$rate" "$cpu" "$PROBE_SECS")"
			log "  probe $name [sink on cpu $cpu]: p99 ${p99}us"
			[ "$p99" = null ] && continue
			if [ -z "$best" ] || awk -v a="$p99" -v b="$best_p99" 'BEGIN { exit !(a < b) }'; then
				best=$cpu best_p99=$p99
			fi
		done
	fi
	best=${best:-1}
	read -r p50 p99 p999 max <<<"$(one_latency "$setup" "$rate" "$best" "$SECS")"
	log "  $name at $rate pps [sink on cpu $best]: p50 ${p50}us p99 ${p99}us p99.9 ${p999}us max ${max}us"
	printf '{"scenario":"%s","rate":%s,"placement":"sink%s+xsk0+fwd1%s","latency_us":{"p50":%s,"p99":%s,"p999":%s,"max":%s}}\n' \
		"$name" "$rate" "$best" "${FWD_ARGS[*]:+ ${FWD_ARGS[*]}}" "$p50" "$p99" "$p999" "$max" \
		>>"$OUT/results.jsonl"
}

# drops_at_90pct: xskfwd at 90% of its median rate, paced by the AF_XDP
# generator on CPU 0, pollers on CPU 1 (the maximum measured in that same
# placement, xskfwd-xskgen); the forwarder's own drop counters.
drops_at_90pct() {
	local name=xskfwd-90pct-drops max rate r drops sink_pps res
	[[ $name =~ $ONLY ]] || return 0
	max=$(median_pps xskfwd-xskgen)
	[ "$max" -gt 0 ] || return 0
	rate=$((max * 9 / 10))
	for r in $(seq "$RUNS"); do
		prepare 1 set_fwd xsk0+fwd1 || return 0
		res=$(measure "$SECS" --size 64 --rate "$rate")
		stop_fwd
		drops=$(grep '^summary fwd[01] ' "$OUT/fwd.log" | grep -o 'drops=[0-9]*' |
			awk -F= '{ s += $2 } END { print s + 0 }')
		sink_pps=${res%% *}
		log "  $name run $r: offered $rate pps, sink $sink_pps pps, xskfwd drops $drops"
		printf '{"scenario":"%s","rate":%s,"run":%s,"sink_pps":%s,"xskfwd_drops":%s}\n' \
			"$name" "$rate" "$r" "$sink_pps" "$drops" >>"$OUT/results.jsonl"
	done
}

placement_of() { # SCENARIO [DEFAULT]: the placement its runs used
	{ grep "\"scenario\":\"$1\"," "$OUT/results.jsonl" || true; } |
		sed -n 's/.*"placement":"\([^"]*\)".*/\1/p' | tail -n1 | grep . || echo "${2:-default}"
}

# zero_loss NAME SETUP PLACEMENT SIZE: RFC 2544-style zero-loss throughput,
# counted at the tc sink. In one placement: the unpaced maximum first, then
# ZL_STEPS trials of ZL_SECS each, bisecting the generator's paced rate
# between the highest rate that passed (at first 0) and the lowest that
# failed (at first 1.1x the maximum). Offered = what gen sent + what gen0's
# veth dropped because fwd0's receive ring was full (the path's input
# queue: on a NIC, its rx ring overflowing); loss = offered - what the sink
# counted (the generator's frames only: UDP to port 9000). A trial passes
# with no loss, and only if the rate was offered (offered >= 98% of rate x
# seconds: else the generator, not the path, was the limit). The result is
# the highest rate that passed; the search's last interval is its
# resolution.
ZL_STEPS=$([ "$PROBE_SECS" -gt 0 ] && echo 7 || echo 3) # --quick: 3
ZL_SECS=$((SECS < 3 ? SECS : 3))
ZL_GEN_ARGS=(--batch 16)
zero_loss() {
	local name=$1 setup=$2 pl=$3 size=$4 lo=0 hi max rate step res sent got txdrop loss ok why
	local bound=untested
	[[ $name =~ $ONLY ]] || return 0
	SINK=tc prepare 1 "$setup" "$pl" || return 0
	res=$(COUNT=gen measure "$ZL_SECS" --size "$size" "${ZL_GEN_ARGS[@]}")
	max=${res%% *}
	log "  $name [$pl]: unpaced $max pps"
	hi=$((max + max / 10))
	for step in $(seq "$ZL_STEPS"); do
		rate=$(((lo + hi) / 2))
		[ "$rate" -gt 0 ] || break
		res=$(COUNT=gen measure "$ZL_SECS" --size "$size" --rate "$rate" "${ZL_GEN_ARGS[@]}")
		read -r _ _ sent got txdrop <<<"$res"
		loss=$((sent + txdrop - got))
		ok=0 why=pass
		if [ "$loss" -gt 0 ]; then
			why="fail (loss)"
		elif [ $(((sent + txdrop) * 100)) -lt $((rate * ZL_SECS * 98)) ]; then
			why="fail (not offered: the generator's limit)"
		else
			ok=1
		fi
		if [ "$ok" = 1 ]; then lo=$rate; else hi=$rate bound=${why#fail (}; fi
		log "  $name step $step: rate $rate pps, sent $sent + dropped at fwd0's input $txdrop," \
			"received $got, loss $loss: $why"
		printf '{"scenario":"%s","size":%s,"placement":"%s","step":%s,"rate":%s,"sent":%s,"input_dropped":%s,"received":%s,"loss":%s,"pass":%s}\n' \
			"$name" "$size" "$pl" "$step" "$rate" "$sent" "$txdrop" "$got" "$loss" "$ok" >>"$OUT/results.jsonl"
	done
	path_counters "$name"
	bound=${bound%)}
	bound=${bound%%:*}
	log "  $name: zero loss up to $lo pps (next failed at $hi: $bound; unpaced maximum $max)"
	printf '{"scenario":"%s","size":%s,"placement":"%s","zero_loss_pps":%s,"failed_pps":%s,"failed_by":"%s","unpaced_pps":%s,"steps":%s,"trial_seconds":%s}\n' \
		"$name" "$size" "$pl" "$lo" "$hi" "$bound" "$max" "$ZL_STEPS" "$ZL_SECS" >>"$OUT/results.jsonl"
}

median_pps() { # SCENARIO: median of its runs
	{ grep "\"scenario\":\"$1\"," "$OUT/results.jsonl" || true; } | { grep '"pps"' || true; } |
		sed 's/.*"pps":\([0-9]*\).*/\1/' | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print 0 }'
}

# --- serving files (issue 4) -----------------------------------------------------
# xskfwd serve against tftpd-hpa, the kernel-socket baseline, on the same rig:
# the server in the fwd namespace on fwd0 (198.18.0.254), pinned to CPU 1;
# tftpbench (one thread, kernel UDP sockets, every block compared with the
# local copy) in the gen namespace on CPU 0, its sessions spread over 8 local
# addresses. Both serve one 16 MiB random file from a tmp root. Matrix:
# clients {1, 8, 64} x windowsize {1, 16}, blksize 1468, RUNS runs of
# SERVE_SECS each, in rounds (each round: every case on tftpd-hpa, then on
# xskfwd, each server started afresh).
# Server CPU: the server runs in a cgroup (v2) of its own and cpu.stat's
# usage_usec is read around each run, so tftpd-hpa's children count even
# after they exit: tftpd-hpa ignores SIGCHLD, so its children are reaped
# without ever reaching its cutime/cstime. Without cgroup2, utime+stime+
# cutime+cstime from /proc/PID/stat (which misses them). Softirq work is
# charged to whichever task happens to run when it is raised or served.
SERVE_SECS=$((SECS < 4 ? SECS : 4))
SERVE_FILE=f16m
SERVE_BINDS=198.18.0.11,198.18.0.12,198.18.0.13,198.18.0.14,198.18.0.15,198.18.0.16,198.18.0.17,198.18.0.18

# start_server NAME: start tftpd-hpa or xskfwd serve on a fresh rig, wait until
# it answers. The log is $OUT/serve-NAME.log.
start_server() {
	local log=$OUT/serve-$1.log a
	fresh_rig 1
	for a in ${SERVE_BINDS//,/ }; do
		ip -n "$RIG_GEN" addr add "$a/24" dev "$RIG_GEN_IF"
	done
	case "$1" in
	tftpd-hpa)
		# --foreground: the listener is $SRV_PID itself (ip netns exec and
		# taskset exec); it forks a child per transfer.
		ip netns exec "$RIG_FWD" taskset -c 1 in.tftpd --foreground --listen \
			--address "$RIG_FWD_IP:69" --secure "$SERVE_ROOT" >"$log" 2>&1 &
		SRV_PID=$!
		;;
	xskfwd)
		ip netns exec "$RIG_FWD" taskset -c 1 "$XF" serve "$RIG_FWD_A" --root "$SERVE_ROOT" \
			--cpus 1 --max-per-client 64 >"$log" 2>&1 &
		SRV_PID=$!
		;;
	esac
	cg_make
	for _ in $(seq 50); do
		kill -0 "$SRV_PID" 2>/dev/null || break
		if ip netns exec "$RIG_GEN" "$B/tftpbench" --server "$RIG_FWD_IP" --file "$SERVE_FILE" \
			--expect "$SERVE_ROOT/$SERVE_FILE" --duration 0.3 --json 2>/dev/null |
			grep -qv '"bytes":0,'; then
			return 0
		fi
		sleep 0.1
	done
	cat "$log" >&2
	log "bench.sh: $1 did not start serving"
	stop_server
	return 1
}

# cg_make: a cgroup of our own for the server, to count its CPU time and its
# children's (removed by stop_server).
CG_SEQ=0
cg_make() {
	local mnt
	mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	CG_SEQ=$((CG_SEQ + 1))
	SRV_CG=$mnt/xskfwd-bench-serve.$$.$CG_SEQ
	if [ -z "$mnt" ] || ! mkdir "$SRV_CG" 2>/dev/null; then
		SRV_CG=
	elif ! echo "$SRV_PID" >"$SRV_CG/cgroup.procs" 2>/dev/null; then
		rmdir "$SRV_CG"
		SRV_CG=
	fi
	[ -n "$SRV_CG" ] || log "bench.sh: serve: no cgroup v2 for the server: its CPU time" \
		"comes from /proc/PID/stat, without tftpd-hpa's children"
}

# server_cpu_us: the server's CPU time so far, in microseconds.
server_cpu_us() {
	if [ -n "$SRV_CG" ]; then
		awk '$1 == "usage_usec" { print $2 }' "$SRV_CG/cpu.stat"
	else
		sed 's/^.*) //' "/proc/$SRV_PID/stat" |
			awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($12 + $13 + $14 + $15) * 1e6 / hz }'
	fi
}

# serve_run NAME CLIENTS WINDOW RUN: one tftpbench run, one line in results.jsonl.
serve_run() {
	local name=$1 clients=$2 win=$3 run=$4 t0 t1 c0 c1 res rc=0 mbps cpu_s per_gb load
	load=$(cut -d' ' -f1 /proc/loadavg) # other jobs on the machine
	t0=$(server_cpu_us)
	c0=$(cpu_snapshot)
	res=$(ip netns exec "$RIG_GEN" "$B/tftpbench" --server "$RIG_FWD_IP" --file "$SERVE_FILE" \
		--expect "$SERVE_ROOT/$SERVE_FILE" --clients "$clients" --blksize 1468 \
		--windowsize "$win" --duration "$SERVE_SECS" --bind "$SERVE_BINDS" --cpu 0 \
		--json 2>>"$OUT/tftpbench.log") || rc=$?
	c1=$(cpu_snapshot)
	# tftpd-hpa's children end on the client's closing ERROR.
	sleep 0.5
	t1=$(server_cpu_us)
	[ -n "$res" ] || { log "  serve $name: tftpbench failed (status $rc)"; return 0; }
	[ "$rc" = 0 ] || log "  serve $name: tftpbench found corrupt data (see $OUT/tftpbench.log)"
	mbps=$(grep -o '"goodput_MBps":[0-9.]*' <<<"$res" | cut -d: -f2)
	read -r cpu_s per_gb < <(awk -v t=$((t1 - t0)) \
		-v b="$(grep -o '"bytes":[0-9]*' <<<"$res" | cut -d: -f2)" \
		'BEGIN { s = t / 1e6; printf "%.3f %.2f\n", s, (b > 0 ? s / (b / 1e9) : 0) }')
	log "  serve $name c$clients w$win run $run: $mbps MB/s, server cpu ${cpu_s}s," \
		"${per_gb} cpu-s/GB (load average $load)"
	printf '{"scenario":"serve-%s-c%s-w%s","server":"%s","run":%s,"tftpbench":%s,"server_cpu_s":%s,"cpu_s_per_GB":%s,"loadavg":%s,"cpu":{%s}}\n' \
		"$name" "$clients" "$win" "$name" "$run" "$res" "$cpu_s" "$per_gb" "$load" \
		"$(cpu_usage "$c0" "$c1")" >>"$OUT/results.jsonl"
}

serve_bench() {
	local srv c w r
	[[ serve-tftpd-hpa-c64-w16 =~ $ONLY || serve-xskfwd-c64-w16 =~ $ONLY ]] || return 0
	if ! command -v in.tftpd >/dev/null; then
		# Not installed by deps.sh: Debian's package also starts a system
		# tftpd on port 69 (systemctl disable --now tftpd-hpa).
		log "bench.sh: serve: in.tftpd not found (apt-get install tftpd-hpa): skipped"
		return 0
	fi
	SERVE_ROOT=$(mktemp -d /tmp/xskfwd-serve.XXXXXX)
	chmod 755 "$SERVE_ROOT" # tftpd-hpa reads as nobody
	head -c $((16 << 20)) /dev/urandom >"$SERVE_ROOT/$SERVE_FILE"
	chmod 644 "$SERVE_ROOT/$SERVE_FILE"
	# Rounds: run r of every case on one server, then on the other, so that
	# the other jobs of a shared machine weigh on both alike.
	for r in $(seq "$RUNS"); do
		for srv in tftpd-hpa xskfwd; do
			[[ serve-$srv-c64-w16 =~ $ONLY ]] || continue
			start_server "$srv" || continue
			for c in 1 8 64; do
				for w in 1 16; do
					serve_run "$srv" "$c" "$w" "$r"
				done
			done
			stop_server
			grep '^summary ' "$OUT/serve-$srv.log" >&2 || true
		done
	done
	rm -rf "$SERVE_ROOT"
	SERVE_ROOT=
}

# --- the scenarios ------------------------------------------------------------
set_fwd() { path_xskfwd --cpus "$FWD_CPUS" "${FWD_ARGS[@]}"; }
bridge_nf_on() { path_bridge 1; }
bridge_nf_off() { path_bridge 0; }
FWD_ARGS=()
# Candidates: the kernel's stack paths run in softirq wherever the frames
# arrive; xskfwd's poller wants the CPU the generator does not use.
KERNEL_PL="live0 live0+napi1 xsk1 xsk0+napi1"
XDP_PL="live0 live0+napi1"
FWD_PL="live0+fwd1 live1+fwd0 xsk0+fwd1"

log "== generator ceilings (gen into XDP_DROP on fwd0)"
PLACEMENTS="live0 live1" scenario gen-live-ceiling 1 64 path_ceiling
PLACEMENTS="xsk0 xsk1" scenario gen-xsk-ceiling 1 64 path_ceiling

log "== 64-byte frames, 1 queue"
PLACEMENTS=$KERNEL_PL scenario bridge-nf-on 1 64 bridge_nf_on
PLACEMENTS=$KERNEL_PL scenario bridge-nf-off 1 64 bridge_nf_off
PLACEMENTS=$KERNEL_PL scenario ipv4-route 1 64 path_route
PLACEMENTS=$XDP_PL scenario xdp-devmap 1 64 path_devmap
PLACEMENTS=$FWD_PL scenario xskfwd 1 64 set_fwd
FWD_ARGS=(--no-need-wakeup)
PLACEMENTS=$FWD_PL scenario xskfwd-no-wakeup 1 64 set_fwd
FWD_ARGS=(--busy-poll)
PLACEMENTS=$FWD_PL scenario xskfwd-busy-poll 1 64 set_fwd
FWD_ARGS=()

log "== frame sizes"
for size in 512 1500; do
	PLACEMENTS=$FWD_PL scenario "xskfwd-$size" 1 "$size" set_fwd
	PLACEMENTS=$XDP_PL scenario "xdp-devmap-$size" 1 "$size" path_devmap
done

log "== latency at 10% and 50% of each path's measured maximum (AF_XDP generator, paced)"
for path in xskfwd bridge-nf-on; do
	max=$(median_pps "$path")
	[ "$max" -gt 0 ] || continue
	setup=set_fwd FWD_ARGS=()
	[ "$path" = bridge-nf-on ] && setup=bridge_nf_on
	# Two CPUs for generator, forwarder and sink: xskfwd's pollers share
	# theirs with the sink, so they must not spin (see --spin-us).
	[ "$path" = xskfwd ] && FWD_ARGS=(--spin-us 0)
	latency "latency-$path-10pct" "$setup" $((max / 10))
	latency "latency-$path-50pct" "$setup" $((max / 2))
	FWD_ARGS=()
done

log "== drops inside xskfwd at 90% of its maximum with a paced AF_XDP generator"
# The paced generator costs its CPU more than live frames: measure the
# maximum in that same placement first.
PLACEMENTS=xsk0+fwd1 scenario xskfwd-xskgen 1 64 set_fwd
drops_at_90pct

log "== 4 queues (AF_XDP generator on queues 0-3: live frames land on one peer queue per CPU)"
PLACEMENTS=xsk4q scenario q4-gen-xsk-ceiling 4 64 path_ceiling
PLACEMENTS="xsk4q xsk4q+napi1" scenario q4-bridge-nf-on 4 64 bridge_nf_on
PLACEMENTS="xsk4q xsk4q+napi1" scenario q4-xdp-devmap 4 64 path_devmap
FWD_ARGS=(--queues 0-3)
PLACEMENTS="xsk4q+fwd1 xsk4q+fwd0" scenario q4-xskfwd 4 64 set_fwd
FWD_ARGS=()

log "== routing: the kernel's IPv4 forwarding, XDP routing (xdp_fib), xskfwd forward and route"
# skb paths (the kernel's forwarding, xskfwd's copy-mode TX) into the tc
# sink; xdp_fib redirects XDP frames, which need the XDP sink.
K=live0,live0+napi1 F=live0+fwd1,live1+fwd0
for size in 64 1500; do
	# The skb paths into the XDP sink beside (64 B, in the placement the
	# tc sink's probe chose): the veth headroom copy, paid by some only.
	x=()
	[ "$size" = 64 ] && x=("route-kernel-64-xdpsink 64 path_route xdp =route-kernel-64,$K"
		"route-fwd-64-xdpsink 64 set_fwd xdp =route-fwd-64,$F"
		"route-xskfwd-64-xdpsink 64 path_xskroute xdp =route-xskfwd-64,$F")
	rounds "route-kernel-$size $size path_route tc $K" "route-xdp-fib-$size $size path_xdp_fib xdp $K" \
		"route-fwd-$size $size set_fwd tc $F" "route-xskfwd-$size $size path_xskroute tc $F" "${x[@]}"
done
# Zero loss: the AF_XDP generator on CPU 0, paced in batches of 16 (paced
# live frames leave in bursts of tens of ms, which no path takes without
# loss). veth receives on the sending CPU, so fwd0's receive (the kernel's
# whole forwarding; route's classifier) shares CPU 0 with the generator;
# xskfwd's poller runs on CPU 1. (fwd0's NAPI in a thread on CPU 1 loses
# frames at its 256-entry ring from about 80 kpps on: cross-CPU wake-ups.)
zero_loss route-zeroloss-kernel-64 path_route xsk0 64
zero_loss route-zeroloss-xskfwd-64 path_xskroute xsk0+fwd1 64

log "== 9000-byte frames: MTU 9000 on the whole rig, the AF_XDP generator (live frames take one page at most)"
# Frames of 9014 bytes (MTU 9000 + Ethernet): xskfwd carries each as a chain of
# 3 descriptors (4096-byte UMEM frames), the bridge as one skb, the devmap as a
# multi-buffer xdp_frame. skb paths into the tc sink, the devmap (XDP frames)
# into the XDP sink, as in the routing section.
BENCH_MTU=9000
K=xsk0,xsk1,xsk0+napi1 F=xsk0+fwd1,xsk1+fwd0
rounds "jumbo-bridge 9014 bridge_nf_off tc $K" "jumbo-devmap 9014 path_devmap xdp $K" \
	"jumbo-xskfwd 9014 set_fwd tc $F"
BENCH_MTU=

log "== serving files: xskfwd serve against tftpd-hpa (16 MiB file, blksize 1468)"
serve_bench

cleanup
bash scripts/bench_report.sh "$OUT"
