# shellcheck shell=bash
# test_gen.sh - xskfwd gen on the veth rig: gen -- fwd -- sink.
#
# The rig (prefix xtg-) is made by setup_file and removed by teardown_file.
# End to end, the generator sends from gen0 through `xskfwd forward fwd0
# fwd1` to sink0; what is asserted is what a user checks: the summary's
# exact "sent" count, the frames that reach sink0 (its rx_packets, and their
# payload, checked frame by frame by build/gencheck), the engine that was
# used, and the one-line errors with their exit statuses.
#
# What reaches sink0 is compared to what gen sent with the kernel's own
# loss counters (rig_lost in lib.sh): gen's "sent" counts frames the kernel
# completed, and a frame gen0's veth then drops (fwd0's XDP ring full; for
# the live engine a failed XDP transmit) is in gen0's tx_dropped; fwd0
# counts the redirects its forwarder's full rx ring refused
# (rx_queue_0_drops), fwd1 what sink0's backlog refused (tx_dropped), and
# gencheck what its own socket dropped (sock_drops).
#
# Jumbo frames: the tests that need them set the MTU of the rig's veth ends
# themselves (rig_mtu, with ip link) and the rig is rebuilt afterwards.

RIG_PREFIX=xtg-

setup_file() {
	require_root
	require_cmd ip ethtool
	[ -x "$XF_BIN/xskfwd" ] && [ -x "$XF_BIN/gencheck" ] || fail "build first: make"
	rig_up
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# A test that turns fwd into a router, or changes an MTU, leaves this file
# behind: the rig is then rebuilt for the tests that follow.
teardown() {
	if [[ -e "$XF_TEST_TMP/rebuild" ]]; then
		"$XF_RIG" up --prefix "$RIG_PREFIX" >/dev/null
	fi
}

# rig_mtu MTU [NS:DEV...]: the MTU of the rig's four veth ends (or of the
# named ones); the rig is rebuilt after the test.
rig_mtu() {
	local mtu=$1 d
	shift
	: >"$XF_TEST_TMP/rebuild"
	(($#)) || set -- "$RIG_GEN:$RIG_GEN_IF" "$RIG_FWD:$RIG_FWD_A" "$RIG_FWD:$RIG_FWD_B" \
		"$RIG_SINK:$RIG_SINK_IF"
	for d in "$@"; do
		ip -n "${d%%:*}" link set dev "${d#*:}" mtu "$mtu"
	done
}

# gen ARGS...: the generator on gen0, towards sink0's MAC (or GEN_DST_MAC); output in GEN_OUT
# (stdout) and GEN_ERR (stderr), exit status in GEN_RC.
gen() {
	GEN_OUT=$XF_TEST_TMP/gen.out GEN_ERR=$XF_TEST_TMP/gen.err GEN_RC=0
	ip netns exec "$RIG_GEN" "$XF_BIN/xskfwd" gen "$RIG_GEN_IF" \
		--dst-mac "${GEN_DST_MAC:-$RIG_SINK_MAC}" "$@" >"$GEN_OUT" 2>"$GEN_ERR" || GEN_RC=$?
	cat "$GEN_OUT" "$GEN_ERR"
}

sink_rx() {
	ip netns exec "$RIG_SINK" cat "/sys/class/net/$RIG_SINK_IF/statistics/rx_packets"
}

# check_start ARGS...: gencheck captures at sink0 in the background.
check_start() {
	CHECK_LOST0=$(rig_lost)
	bg_start check ip netns exec "$RIG_SINK" "$XF_BIN/gencheck" "$RIG_SINK_IF" "$@"
	wait_until 5 grep -q '^listening' "$(bg_log check)" || fail "gencheck did not start"
}

# check_start ARGS... also reads the rig's loss counters (CHECK_LOST0).
# check_result: wait for gencheck's result (it ends by itself once it has
# its frames, or after its timeout) and print it.
check_result() {
	local log
	log=$(bg_log check)
	wait_until 10 grep -q '^frames ' "$log" || true
	bg_stop check INT >/dev/null
	cat "$log" >&2
	grep '^frames ' "$log"
}

# gc_field LINE NAME: the number after NAME in gencheck's result line.
gc_field() {
	sed -n "s/.* $2 \([0-9]*\).*/\1/p" <<<" $1"
}

# check_delivered SENT STREAMS: gencheck's result against SENT: every frame
# it saw intact, none twice, in STREAMS streams, and as many as were sent
# but for what the kernel counted lost since check_start (rig_lost, and
# gencheck's own socket drops). Sets CHECK_LOST.
check_delivered() {
	local sent=$1 line
	line=$(check_result)
	CHECK_LOST=$(($(rig_lost) - CHECK_LOST0 + $(gc_field "$line" sock_drops)))
	assert_contains "$line" "streams $2 " "gencheck's streams"
	assert_eq 0 "$(gc_field "$line" bad)" "frames not intact at sink0"
	assert_eq 0 "$(gc_field "$line" duplicate)" "duplicate frames at sink0"
	assert_eq "$(gc_field "$line" frames)" "$(gc_field "$line" intact)" "frames = intact"
	assert_ge "$CHECK_LOST" "$(gc_field "$line" missing)" "gaps within the counted losses"
	assert_delivered "$sent" "$(gc_field "$line" intact)" "$CHECK_LOST" "frames gencheck saw"
}

# summary_sent: the "sent N" of the text summary.
summary_sent() {
	sed -n 's/^summary gen [^ ]* ([0-9.]* s): sent \([0-9]*\) .*/\1/p' "$GEN_OUT"
}

# send_1000_through_forwarder ENGINE [ARGS...]: the brief's end-to-end check.
send_1000_through_forwarder() {
	local engine=$1 before after
	shift
	fwd_start
	check_start --count 1000 --timeout-ms 5000 "$@"
	before=$(sink_rx)
	gen --engine "$engine" --count 1000 --rate 10000 "$@"
	assert_eq 0 "$GEN_RC" "gen exit status"
	assert_eq 1000 "$(summary_sent)" "sent in gen's summary"
	assert_file_contains "$GEN_OUT" "summary gen $RIG_GEN_IF/stream "
	# Let the last frames cross before counting.
	sleep 0.3
	after=$(sink_rx)
	echo "sink0 rx_packets: $before -> $after"
	check_delivered 1000 1
	assert_ge $((after - before)) $((1000 - CHECK_LOST)) "frames at sink0 (less those counted lost)"
	assert_ge 1010 $((after - before)) "frames at sink0 (1000 + a little chatter)"
	fwd_stop
}

# gen_to_sink N SIZE FRAME_SIZE ARGS...: N frames of SIZE bytes from gen
# (xsk, 2000 pps, ARGS) into the sink sink_start started (with --json and
# --frame-size FRAME_SIZE, on SINK_NS/SINK_IF if set), which is then
# stopped. Every frame gen sent arrives but for what the kernel counted
# lost, in order, whole (SIZE bytes each, none truncated: a chain short of
# a piece is not ours), each in as many descriptors as FRAME_SIZE frames
# need.
gen_to_sink() {
	local n=$1 size=$2 fs=$3 sum lost0 lost got
	shift 3
	lost0=$(rig_lost)
	gen --engine xsk --count "$n" --rate 2000 --size "$size" "$@"
	assert_eq 0 "$GEN_RC" "gen exit status"
	assert_eq "$n" "$(summary_sent)" "$size bytes: sent in gen's summary"
	wait_until 5 received_at_least "$n" || true
	sink_stop
	lost=$(($(rig_lost) - lost0))
	sum=$(grep '"type":"summary"' "$SINK_LOG")
	got=$(json_field "$sum" received)
	assert_delivered "$n" "$got" "$lost" "$size-byte frames the sink received"
	assert_ge "$lost" "$(json_field "$sum" lost)" "$size bytes: gaps (within those counted lost)"
	assert_eq 0 "$(json_field "$sum" reordered)" "$size bytes: reordered"
	assert_eq 0 "$(json_field "$sum" duplicate)" "$size bytes: duplicates"
	assert_eq 0 "$(json_field "$sum" other)" "$size bytes: not ours (truncated among them)"
	assert_eq $((got * size)) "$(json_field "$sum" bytes)" "$size bytes: the bytes of whole frames"
	assert_eq "$got" "$(json_field "$sum" rx_packets)" "$size bytes: packets at the sink's socket"
	assert_eq $((got * ((size + fs - 257) / (fs - 256)))) "$(json_field "$sum" rx_descs)" \
		"$size bytes: descriptors at the sink's socket ($fs-byte frames)"
}

test_gen_bad_arguments() {
	local x="$XF_BIN/xskfwd" rc
	# each: exit status 2 and exactly one line naming the problem
	assert_bad_args ip netns exec "$RIG_GEN" <<'EOF'
xskfwd: gen: --dst-mac: required|gen gen0
xskfwd: gen: --dst-mac: '02:58:46:00:00' is not a MAC address|gen gen0 --dst-mac 02:58:46:00:00
xskfwd: gen: arguments: expected IFACE --dst-mac MAC, got 0 arguments|gen --dst-mac 02:58:46:00:00:02
xskfwd: gen: --size: 63 is below the minimum of 64 for IPv4 frames|gen gen0 --dst-mac 02:58:46:00:00:02 --size 63
xskfwd: gen: --size: 70 is below the minimum of 84 for IPv6 frames|gen gen0 --dst-mac 02:58:46:00:00:02 --ipv6 --size 70
xskfwd: gen: --rate: 'x' is not a number|gen gen0 --dst-mac 02:58:46:00:00:02 --rate x
xskfwd: gen: --engine: 'foo': must be one of auto, xsk, live|gen gen0 --dst-mac 02:58:46:00:00:02 --engine foo
xskfwd: gen: --count: cannot be combined with --duration|gen gen0 --dst-mac 02:58:46:00:00:02 --count 10 --duration 1
xskfwd: gen: --nope: unknown option|gen gen0 --dst-mac 02:58:46:00:00:02 --nope
xskfwd: gen: --src-ip: '2001:db8::1' is not an IPv4 address|gen gen0 --dst-mac 02:58:46:00:00:02 --src-ip 2001:db8::1
xskfwd: gen: --flows: sport + flows - 1 must not exceed 65535|gen gen0 --dst-mac 02:58:46:00:00:02 --sport 65000 --flows 1000
xskfwd: gen: --engine: live does not use --queues|gen gen0 --dst-mac 02:58:46:00:00:02 --engine live --queues 0
xskfwd: gen: --tx-budget: must be 0 or 32 or more|gen gen0 --dst-mac 02:58:46:00:00:02 --tx-budget 8
EOF
	rc=0
	"$x" gen --help >"$XF_TEST_TMP/help" || rc=$?
	assert_eq 0 "$rc" "gen --help exit status"
	assert_file_contains "$XF_TEST_TMP/help" "--engine auto|xsk|live"
	rc=0
	ip netns exec "$RIG_GEN" "$x" gen "$RIG_GEN_IF" --dst-mac 02:58:46:00:00:02 --size 1515 \
		>/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
	assert_eq 2 "$rc" "exit status for a frame larger than the MTU allows"
	assert_file_contains "$XF_TEST_TMP/err" \
		"xskfwd: gen: --size: 1515 does not fit the MTU 1500 of $RIG_GEN_IF (at most 1514 bytes)"
}

test_gen_xsk_through_forwarder() {
	send_1000_through_forwarder xsk
	assert_file_contains "$GEN_OUT" "$RIG_GEN_IF/q0: driver veth, engine xsk, bind copy"
}

test_gen_live_through_forwarder() {
	fwd_start
	gen --engine live --count 1
	fwd_stop
	if grep -q "does not support BPF_F_TEST_XDP_LIVE_FRAMES" "$GEN_ERR"; then
		skip "the kernel has no BPF_F_TEST_XDP_LIVE_FRAMES"
	fi
	send_1000_through_forwarder live
	assert_file_contains "$GEN_OUT" "$RIG_GEN_IF: engine live"
}

test_gen_live_needs_a_program_on_the_peer() {
	# Nothing on fwd0: XDP frames sent out of gen0 would be dropped.
	gen --engine live --count 10
	assert_eq 1 "$GEN_RC" "exit status of --engine live without a program on the peer"
	assert_eq 1 "$(wc -l <"$GEN_ERR")" "error lines"
	if ! grep -q "does not support BPF_F_TEST_XDP_LIVE_FRAMES" "$GEN_ERR"; then
		assert_file_contains "$GEN_ERR" "xskfwd: $RIG_GEN_IF: live frames:"
		assert_file_contains "$GEN_ERR" "the peer of a veth needs an XDP program"
	fi
	# auto falls back to xsk, says why, and sends
	gen --count 10
	assert_eq 0 "$GEN_RC" "exit status of the auto engine"
	assert_file_contains "$GEN_OUT" "$RIG_GEN_IF/q0: driver veth, engine xsk"
	assert_file_contains "$GEN_OUT" "engine auto chose xsk: "
	assert_eq 10 "$(summary_sent)" "sent"
}

test_gen_ipv6_flows_json() {
	local n
	fwd_start
	check_start --count 600 --timeout-ms 5000 --ipv6 --flows 7
	gen --ipv6 --size 85 --flows 7 --count 600 --rate 20000 --json --cpus 0 --engine xsk
	assert_eq 0 "$GEN_RC" "gen exit status"
	check_delivered 600 1
	fwd_stop
	# Every line is a JSON record; the summary's streams add up to "sent".
	python3 - "$GEN_OUT" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
start = [r for r in recs if r["type"] == "start"][0]
assert start["ports"][0]["port"] == "gen0" and start["engine"] == "xsk", start
assert start["options"]["flows"] == 7 and start["options"]["ipv6"] is True, start
summ = [r for r in recs if r["type"] == "summary"][0]
assert summ["port"] == "gen0" and summ["sent"] == 600, summ
assert sum(s["sent"] for s in summ["streams"]) == 600, summ
assert summ["streams"][0]["stream"] == 0, summ
PY
}

test_gen_live_two_cpus_ipv6_flows() {
	local ncpu
	ncpu=$(nproc)
	((ncpu >= 2)) || skip "needs 2 CPUs"
	fwd_start
	gen --engine live --count 1
	if grep -q "does not support BPF_F_TEST_XDP_LIVE_FRAMES" "$GEN_ERR"; then
		fwd_stop
		skip "the kernel has no BPF_F_TEST_XDP_LIVE_FRAMES"
	fi
	check_start --count 2000 --timeout-ms 5000 --flows 16 --ipv6
	# 2 CPUs: 2 streams of 1000, each numbered from 0; the BPF program's
	# IPv6 checksums, at an odd length
	gen --engine live --cpus 0,1 --count 2000 --rate 10000 --flows 16 --ipv6 --size 85
	assert_eq 0 "$GEN_RC" "gen exit status"
	assert_eq 2000 "$(summary_sent)" "sent"
	assert_file_contains "$GEN_OUT" "summary gen $RIG_GEN_IF/stream 0: sent 1000 cpu 0"
	assert_file_contains "$GEN_OUT" "summary gen $RIG_GEN_IF/stream 1: sent 1000 cpu 1"
	check_delivered 2000 2
	fwd_stop
}

test_gen_stops_on_duration_and_sigint() {
	local log
	# --duration: rate lines once a second, then the summary, status 0
	gen --engine xsk --duration 2 --rate 1000
	assert_eq 0 "$GEN_RC" "exit status after --duration"
	assert_file_contains "$GEN_OUT" "gen $RIG_GEN_IF: tx "
	grep -q "^summary gen $RIG_GEN_IF (2\.[0-9] s): sent " "$GEN_OUT" ||
		fail "no summary of a 2 s run"
	# until SIGINT, unpaced: a clean stop with a summary
	bg_start gen ip netns exec "$RIG_GEN" "$XF_BIN/xskfwd" gen "$RIG_GEN_IF" \
		--dst-mac "$RIG_SINK_MAC" --engine xsk
	log=$(bg_log gen)
	wait_until 10 grep -q "^gen $RIG_GEN_IF: tx " "$log" || fail "no rate line"
	bg_stop gen INT
	cat "$log"
	assert_eq 0 "$BG_STATUS" "exit status after SIGINT"
	grep -q "^summary gen $RIG_GEN_IF (.* s): sent [1-9][0-9]* .* unsent 0 " "$log" ||
		fail "no summary after SIGINT"
}

test_gen_live_stops_on_sigint() {
	local log
	fwd_start
	gen --engine live --count 1
	if grep -q "does not support BPF_F_TEST_XDP_LIVE_FRAMES" "$GEN_ERR"; then
		fwd_stop
		skip "the kernel has no BPF_F_TEST_XDP_LIVE_FRAMES"
	fi
	# Unpaced live runs are long; a stop must still end them at once.
	bg_start gen ip netns exec "$RIG_GEN" "$XF_BIN/xskfwd" gen "$RIG_GEN_IF" \
		--dst-mac "$RIG_SINK_MAC" --engine live
	log=$(bg_log gen)
	wait_until 10 grep -q "^gen $RIG_GEN_IF: tx " "$log" || fail "no rate line"
	XF_BG_STOP_TIMEOUT=2 bg_stop gen INT
	cat "$log"
	assert_eq 0 "$BG_STATUS" "exit status after SIGINT"
	assert_eq 0 "$BG_KILLED" "needed SIGKILL"
	grep -q "^summary gen $RIG_GEN_IF (.* s): sent [1-9][0-9]* .*engine live" "$log" ||
		fail "no summary after SIGINT"
	fwd_stop
}

test_gen_live_through_a_router() {
	# The kernel's IPv4 forwarding in fwd: sink0 at 198.18.1.2 behind fwd1
	# (a static neighbour), gen's frames addressed to fwd0's MAC. The
	# router rewrites the MACs and the TTL in place, in the page the live
	# engine sends again: unless the generator restores its headers, the
	# next frame from that page is not addressed to fwd0 and its kernel
	# drops it (uncounted), so nearly nothing arrives.
	: >"$XF_TEST_TMP/rebuild"
	ip -n "$RIG_SINK" addr add 198.18.1.2/24 dev "$RIG_SINK_IF"
	ip netns exec "$RIG_FWD" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0
	ip -n "$RIG_FWD" neigh replace 198.18.1.2 lladdr "$RIG_SINK_MAC" dev "$RIG_FWD_B" nud permanent
	# live frames need an XDP program on the receiving peer
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_A" xdpdrv obj "$XF_BIN/rig/xdp_pass.bpf.o" sec xdp.frags
	GEN_DST_MAC=$RIG_FWD_A_MAC
	gen --engine live --count 1 --dst-ip 198.18.1.2
	if grep -q "does not support BPF_F_TEST_XDP_LIVE_FRAMES" "$GEN_ERR"; then
		skip "the kernel has no BPF_F_TEST_XDP_LIVE_FRAMES"
	fi
	check_start --count 20000 --timeout-ms 5000
	# Paced above XF_GEN_LIVE_SMOOTH_PPS, so that every run sends many
	# frames and the kernel recycles their pages within it.
	gen --engine live --cpus 0 --count 20000 --rate 100000 --dst-ip 198.18.1.2
	assert_eq 0 "$GEN_RC" "gen exit status"
	assert_eq 20000 "$(summary_sent)" "sent"
	# every frame intact (TTL 63, its checksum updated by the router)
	check_delivered 20000 1
}

# Jumbo frames at MTU 9000 on every veth end: gen's chains through the
# forwarder into the sink, with 2048- and 4096-byte UMEM frames on all
# three, at sizes one byte past a frame (2049, 4097) and the MTU's largest
# (9014); IPv6 ones to gencheck, whose UDP checksum covers every byte; and
# 9014 bytes straight from gen0 into a sink on fwd0.
test_gen_jumbo_chains_to_sink() {
	local fs size
	rig_mtu 9000
	for fs in 2048 4096; do
		fwd_start --frame-size "$fs"
		assert_file_contains "$FWD_LOG" "multi-buffer on (up to"
		for size in 2049 4097 9014; do
			sink_start --json --frame-size "$fs"
			grep -q '"multi_buffer":true' "$SINK_LOG" || fail "the sink's multi-buffer is off"
			gen_to_sink 300 "$size" "$fs" --frame-size "$fs"
			assert_file_contains "$GEN_OUT" "engine xsk, bind copy, need_wakeup on, multi-buffer on (up to"
		done
		assert_file_contains "$GEN_OUT" \
			"9014-byte IPv4/UDP (a chain of $(((9014 + fs - 257) / (fs - 256))) $fs-byte UMEM frames)"
		check_start --count 300 --timeout-ms 5000 --ipv6
		gen --engine xsk --count 300 --rate 2000 --size 9014 --ipv6 --frame-size "$fs"
		assert_eq 0 "$GEN_RC" "gen exit status"
		assert_eq 300 "$(summary_sent)" "IPv6, 9014 bytes: sent"
		check_delivered 300 1
		fwd_stop
	done
	SINK_NS=$RIG_FWD SINK_IF=$RIG_FWD_A sink_start --json
	SINK_NS=$RIG_FWD SINK_IF=$RIG_FWD_A gen_to_sink 300 9014 4096
	assert_file_contains "$GEN_OUT" "9014-byte IPv4/UDP (a chain of 3 4096-byte UMEM frames)"
}

# The live engine's frames are a page at most (3408 bytes with 4 KiB
# pages): that size is sent, one more is refused, and auto takes xsk for
# it. A chain longer than the kernel takes is refused at start.
test_gen_size_limits() {
	local max
	max=$(($(getconf PAGESIZE) - 688))
	rig_mtu 9000
	fwd_start
	gen --engine live --count 1
	if grep -q "does not support BPF_F_TEST_XDP_LIVE_FRAMES" "$GEN_ERR"; then
		fwd_stop
		skip "the kernel has no BPF_F_TEST_XDP_LIVE_FRAMES"
	fi
	assert_bad_args ip netns exec "$RIG_GEN" <<EOF
xskfwd: gen: --size: $((max + 1)) is above the $max bytes of a live frame (the kernel runs each in one page): use --engine xsk|gen $RIG_GEN_IF --dst-mac $RIG_SINK_MAC --engine live --size $((max + 1))
EOF
	check_start --count 100 --timeout-ms 5000
	gen --engine live --size "$max" --count 100 --rate 1000
	assert_eq 0 "$GEN_RC" "gen exit status, live, $max bytes"
	assert_eq 100 "$(summary_sent)" "sent"
	check_delivered 100 1
	gen --size $((max + 1)) --count 10
	assert_eq 0 "$GEN_RC" "gen exit status, auto, $((max + 1)) bytes"
	assert_file_contains "$GEN_OUT" "engine auto chose xsk: live frames are at most $max bytes"
	assert_eq 10 "$(summary_sent)" "sent"
	fwd_stop
	# 40014 bytes in 2048-byte frames: 23 descriptors, more than copy mode's 18
	rig_mtu 40000 "$RIG_GEN:$RIG_GEN_IF"
	gen --engine xsk --frame-size 2048 --size 40014 --count 1
	assert_eq 1 "$GEN_RC" "exit status of a chain too long"
	assert_eq 1 "$(wc -l <"$GEN_ERR")" "error lines"
	assert_file_contains "$GEN_ERR" "xskfwd: $RIG_GEN_IF: MTU 40000 does not fit 2048-byte frames"
	assert_file_contains "$GEN_ERR" "more than the kernel's"
}
