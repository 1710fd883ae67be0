# shellcheck shell=bash
# test_forward.sh - xskfwd forward on the veth rig: gen -- fwd -- sink.
#
# Every test runs the real classifier and real AF_XDP sockets on veth pairs
# in namespaces made by setup_file (prefix xtf-, or xtq- for the 4-queue rig)
# and removed by teardown_file. The forwarder is started per test and
# stopped by SIGINT, so each test also checks a clean exit. What is asserted
# is what a user checks: frames arrive byte-for-byte (frametool), ping and TCP
# work, counters add up, the errors read right, nothing is left attached.

RIG_PREFIX=xtf-
QRIG_PREFIX=xtq-

setup_file() {
	require_root
	require_cmd ip ethtool
	[ -x "$XF_BIN/xskfwd" ] && [ -x "$XF_BIN/frametool" ] || fail "build first: make"
	"$XF_RIG" up --prefix "$RIG_PREFIX" >/dev/null
	eval "$("$XF_RIG" env --prefix "$RIG_PREFIX")"
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
	"$XF_RIG" down --prefix "$QRIG_PREFIX" >/dev/null 2>&1 || true
}

frames() { # frametool xfer with the rig's names; extra args pass through
	"$XF_BIN/frametool" xfer "$@"
}

test_frames_intact_both_ways() {
	fwd_start
	# Every shape: IPv4/UDP, IPv6/UDP, ARP, 802.1Q; 60..1514 bytes.
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --count 3 \
		--sizes 60,61,64,128,1000,1514 --types ipv4,ipv6,arp,vlan |
		tee "$XF_TEST_TMP/ab"
	frames --tx "$RIG_SINK:$RIG_SINK_IF" --rx "$RIG_GEN:$RIG_GEN_IF" --count 3 \
		--sizes 60,61,64,128,1000,1514 --types ipv4,ipv6,arp,vlan |
		tee "$XF_TEST_TMP/ba"
	# 4 types x 6 sizes, less IPv6 at 60 and 61 (below its minimum): 22 x 3
	assert_file_contains "$XF_TEST_TMP/ab" "sent 66 received 66 intact 66"
	assert_file_contains "$XF_TEST_TMP/ba" "sent 66 received 66 intact 66"
	fwd_stop
	# The forwarder saw at least those frames, and lost none.
	assert_ge "$(summary_field "$RIG_FWD_A" rx_packets)" 66 "fwd0 rx_packets"
	assert_ge "$(summary_field "$RIG_FWD_B" rx_packets)" 66 "fwd1 rx_packets"
	assert_eq "$(summary_field "$RIG_FWD_A" rx_packets)" \
		"$(summary_field "$RIG_FWD_B" tx_completed)" "fwd0 rx = fwd1 tx completed"
	assert_eq 0 "$(summary_field "$RIG_FWD_A" drops)" "fwd0 drops"
	assert_eq 0 "$(summary_field "$RIG_FWD_B" drops)" "fwd1 drops"
}

# xfer_loaded SENT WHAT ARGS...: frametool xfer gen0 -> sink0 at a rate that
# loads the rig (ARGS set it; --expect any): every frame that arrives is
# intact and arrives once, and the missing ones (if any) are within what the
# kernel counted lost on the way (rig_lost: gen0's tx, fwd0's failed
# redirects to the forwarder's full rx ring, fwd1's tx into sink0's full
# backlog) plus what frametool's own socket dropped (rx_sock_drops).
xfer_loaded() {
	local sent=$1 what=$2 before out
	shift 2
	before=$(rig_lost)
	out=$(frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --expect any "$@")
	echo "$out"
	assert_eq "$sent" "$(ft_field "$out" sent)" "$what: sent"
	assert_eq 0 "$(ft_field "$out" corrupt)" "$what: corrupt"
	assert_eq 0 "$(ft_field "$out" duplicate)" "$what: duplicate"
	assert_delivered "$sent" "$(ft_field "$out" intact)" \
		$(($(rig_lost) - before + $(ft_field "$out" rx_sock_drops))) "$what: intact"
}

# assert_fwd_accounted PORT: every frame PORT's classifier redirected was
# received by a socket, dropped by it (counted by the kernel: rx_dropped,
# rx_ring_full) or left on its rx ring; nothing was dropped in user space.
assert_fwd_accounted() {
	local p=$1
	assert_eq "$(summary_field "$p" xdp_redirected)" \
		"$(($(summary_field "$p" rx_packets) + $(summary_field "$p" rx_left) +
			$(summary_field "$p" rx_dropped) + $(summary_field "$p" rx_ring_full)))" \
		"$p redirected = received + left + socket drops"
	assert_eq 0 "$(summary_field "$p" tx_invalid_descs)" "$p tx_invalid_descs"
	assert_eq 0 "$(summary_field "$p" xdp_drop_malformed)" "$p malformed drops"
}

tcp_rx_done() { ! bg_running tcp_rx; }
tcp_rx_listening() { ip netns exec "$RIG_SINK" ss -Hltn "sport = :5001" | grep -q .; }

test_ping_and_tcp_transfer() {
	require_cmd socat sha256sum ping
	fwd_start
	ip netns exec "$RIG_GEN" ping -c 3 -i 0.2 -W 2 "$RIG_SINK_IP"
	ip netns exec "$RIG_GEN" ping -6 -c 3 -i 0.2 -W 2 "$RIG_SINK_IP6"
	head -c 10000000 /dev/urandom >"$XF_TEST_TMP/send"
	bg_start tcp_rx ip netns exec "$RIG_SINK" \
		socat -u TCP-LISTEN:5001,reuseaddr,bind="$RIG_SINK_IP" OPEN:"$XF_TEST_TMP/recv",creat,trunc
	wait_until 5 tcp_rx_listening || fail "socat did not listen"
	timeout 60 ip netns exec "$RIG_GEN" socat -u OPEN:"$XF_TEST_TMP/send" TCP:"$RIG_SINK_IP":5001
	wait_until 10 tcp_rx_done || fail "receiver did not finish"
	assert_eq "$(sha256sum <"$XF_TEST_TMP/send")" "$(sha256sum <"$XF_TEST_TMP/recv")" \
		"sha256 of the 10 MB transfer"
	fwd_stop
}

test_single_packet_crosses() {
	fwd_start
	# One frame, no other traffic: nothing may wait for a full batch.
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --types ipv4 --sizes 64 \
		--count 1 --timeout-ms 1000 | tee "$XF_TEST_TMP/one"
	assert_file_contains "$XF_TEST_TMP/one" "sent 1 received 1 intact 1"
	fwd_stop
}

test_match_udp_dport() {
	require_cmd ping
	fwd_start --match "udp dport 5000"
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --types ipv4,ipv6,vlan \
		--sizes 64,1000 --dport 5000 --count 2 | tee "$XF_TEST_TMP/m5000"
	assert_file_contains "$XF_TEST_TMP/m5000" "sent 12 received 12 intact 12"
	# Not chosen: the forwarder host's own stack answers its ping (ARP too).
	ip netns exec "$RIG_GEN" ping -c 2 -i 0.2 -W 2 "$RIG_FWD_IP"
	# Not chosen: UDP to 5001 does not cross.
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --types ipv4,ipv6 \
		--sizes 64 --dport 5001 --count 3 --timeout-ms 1000 --expect none |
		tee "$XF_TEST_TMP/m5001"
	assert_file_contains "$XF_TEST_TMP/m5001" "sent 6 received 0"
	fwd_stop
	assert_eq 12 "$(summary_field "$RIG_FWD_A" xdp_redirected)" "fwd0 frames redirected"
	# 6 UDP frames to port 5001 and 2 pings (plus ARP) went to the host stack
	assert_ge "$(summary_field "$RIG_FWD_A" xdp_pass_nomatch)" 8 "fwd0 frames passed"
}

# Several rules: any of them chooses a frame (two rules used to fail the verifier).
test_match_two_rules() {
	fwd_start --match "udp dport 5000" --match "udp dport 6000"
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --types ipv4,ipv6 \
		--sizes 64 --dport 5000 --count 2 | tee "$XF_TEST_TMP/m5000"
	assert_file_contains "$XF_TEST_TMP/m5000" "sent 4 received 4 intact 4"
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --types ipv4,ipv6 \
		--sizes 64 --dport 6000 --count 2 | tee "$XF_TEST_TMP/m6000"
	assert_file_contains "$XF_TEST_TMP/m6000" "sent 4 received 4 intact 4"
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --types ipv4 \
		--sizes 64 --dport 5001 --count 2 --timeout-ms 1000 --expect none |
		tee "$XF_TEST_TMP/m5001"
	assert_file_contains "$XF_TEST_TMP/m5001" "sent 2 received 0"
	fwd_stop
	assert_eq 8 "$(summary_field "$RIG_FWD_A" xdp_redirected)" "fwd0 frames redirected"
}

test_zero_copy_refused_on_veth() {
	local rc=0
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--mode zero-copy --duration 1 >"$XF_TEST_TMP/out" 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status of a refused zero-copy bind"
	assert_eq 1 "$(wc -l <"$XF_TEST_TMP/err")" "lines of error output"
	assert_file_contains "$XF_TEST_TMP/err" "$RIG_FWD_A/q0: zero-copy bind refused"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
	# auto falls back to copy, and says so
	fwd_start
	assert_file_contains "$FWD_LOG" "$RIG_FWD_A/q0: driver veth, xdp native"
	assert_file_contains "$FWD_LOG" "bind copy"
	fwd_stop
}

test_restart_after_kill9() {
	fwd_start
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --types ipv4 --sizes 64 \
		--count 5 >/dev/null
	bg_stop fwd KILL
	# A killed run leaves its classifier attached ...
	ip -n "$RIG_FWD" link show dev "$RIG_FWD_A" | grep -q 'prog/xdp' ||
		fail "expected the killed run's XDP program to be left attached"
	# ... and the next start replaces it and forwards.
	fwd_start
	assert_file_contains "$FWD_LOG" "$RIG_FWD_A: replaced the classifier left by a killed xskfwd"
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --count 2 |
		tee "$XF_TEST_TMP/again"
	assert_file_contains "$XF_TEST_TMP/again" "missing 0"
	fwd_stop
}

test_second_instance_refused() {
	local rc=0
	fwd_start
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--duration 1 >/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
	assert_eq 1 "$rc" "exit status of a second instance"
	assert_file_contains "$XF_TEST_TMP/err" "$RIG_FWD_A: in use by another xskfwd (pid"
	# the first one is unharmed
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --types ipv4 --sizes 64 \
		--count 3 >/dev/null
	fwd_stop
}

test_mtu_too_large_refused() {
	local rc=0
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_A" mtu 2000
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--frame-size 2048 --duration 1 >/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_A" mtu 1500
	cat "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status"
	assert_file_contains "$XF_TEST_TMP/err" \
		"$RIG_FWD_A: MTU 2000 does not fit 2048-byte frames (at most MTU 1774): use --frame-size 4096"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
}

test_bad_arguments() {
	local x="$XF_BIN/xskfwd" rc
	# each: exit status 2 and exactly one line naming the problem
	while IFS='|' read -r expect args; do
		rc=0
		# shellcheck disable=SC2086
		eval "\"$x\" $args" >/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
		assert_eq 2 "$rc" "exit status of: xskfwd $args"
		assert_eq 1 "$(wc -l <"$XF_TEST_TMP/err")" "error lines of: xskfwd $args"
		assert_file_contains "$XF_TEST_TMP/err" "$expect" "error of: xskfwd $args"
	done <<'EOF'
need exactly two interfaces|forward
need exactly two interfaces|forward a
IF_A and IF_B must differ|forward a a
--queues: range '3-1' runs backwards|forward a b --queues 3-1
--match: 'udp dport x': 'x' is not a port|forward a b --match 'udp dport x'
--match: 'bogus': unknown word 'bogus'|forward a b --match bogus
--frame-size: must be 2048 or 4096|forward a b --frame-size 3000
--ring-size: must be a power of two|forward a b --ring-size 1000
--mode: must be auto, copy or zero-copy|forward a b --mode fast
--xdp-mode: must be native or skb|forward a b --xdp-mode hw
--spin-us: 'x' is not a number|forward a b --spin-us x
--nope: unknown option|forward a b --nope
unknown command 'bogus'|bogus
EOF
	rc=0
	"$x" forward --help >"$XF_TEST_TMP/help" || rc=$?
	assert_eq 0 "$rc" "forward --help exit status"
	assert_file_contains "$XF_TEST_TMP/help" "--match RULE"
	rc=0
	"$x" forward nosuch0 nosuch1 2>"$XF_TEST_TMP/err" || rc=$?
	assert_eq 1 "$rc" "exit status for a missing interface"
	assert_file_contains "$XF_TEST_TMP/err" "nosuch0: no such interface"
}

test_four_queues_all_used() {
	local q rx tx
	"$XF_RIG" up --prefix "$QRIG_PREFIX" --queues 4 >/dev/null
	eval "$("$XF_RIG" env --prefix "$QRIG_PREFIX")"
	fwd_start --queues 0-3
	for q in 0 1 2 3; do
		assert_file_contains "$FWD_LOG" "$RIG_FWD_A/q$q: driver veth"
	done
	# Many flows: the sender's queue choice hashes them over all 4 queues.
	# 20 kpps: what the kernel may lose is read from its counters.
	xfer_loaded 400 "four queues" --types ipv4,ipv6 --sizes 64,1000 --flows 64 --count 100 \
		--interval-us 50
	fwd_stop
	for q in 0 1 2 3; do
		rx=$(summary_field "$RIG_FWD_A/q$q" rx_packets)
		tx=$(summary_field "$RIG_FWD_B/q$q" tx_packets)
		echo "queue $q: fwd0 rx $rx, fwd1 tx $tx"
		assert_ge "$rx" 1 "fwd0/q$q rx_packets"
		assert_ge "$tx" 1 "fwd1/q$q tx_packets"
	done
	# Every frame the classifier redirected was received by a socket, or
	# dropped by one and counted.
	assert_fwd_accounted "$RIG_FWD_A"
	"$XF_RIG" down --prefix "$QRIG_PREFIX" >/dev/null
}

test_missing_queue_and_cpu_refused() {
	local rc=0 ncpu
	# The rig's veths have one queue: asking for queue 1 must fail at bind.
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--queues 0-1 --duration 1 >/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status for a queue the interface lacks"
	assert_file_contains "$XF_TEST_TMP/err" \
		"$RIG_FWD_A/q1: bind: Invalid argument (the interface has 1 queue: 0-0)"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
	rc=0
	ncpu=$(nproc --all)
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--cpus "$ncpu" --duration 1 >/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status for a CPU that does not exist"
	assert_file_contains "$XF_TEST_TMP/err" "--cpus: CPU $ncpu is not available to this process"
}

test_skb_mode_and_json() {
	local n
	# generic XDP and JSON lines: same frames, same counters
	fwd_start --xdp-mode skb --json
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --count 2 |
		tee "$XF_TEST_TMP/skb"
	assert_file_contains "$XF_TEST_TMP/skb" "sent 44 received 44 intact 44"
	fwd_stop
	cat "$FWD_LOG"
	# Every line is a JSON record; start records say what is in use.
	n=$(grep -cv '^{"type":"\(start\|rate\|summary\)",.*}$' "$FWD_LOG" || true)
	assert_eq 0 "$n" "lines that are not JSON records"
	assert_file_contains "$FWD_LOG" \
		'{"type":"start","port":"fwd0","queue":0,"driver":"veth","xdp_mode":"skb"'
	assert_file_contains "$FWD_LOG" '"bind_mode":"copy"'
	n=$(grep '"type":"summary","port":"fwd1"' "$FWD_LOG" |
		sed -n 's/.*"tx_completed":\([0-9]*\).*/\1/p')
	assert_ge "$n" 44 "fwd1 tx_completed in the JSON summary"
	grep '"type":"summary","port":"fwd0"' "$FWD_LOG" | grep -q '"drops":0,' ||
		fail "fwd0 summary shows drops"
	if command -v python3 >/dev/null; then
		python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$FWD_LOG"
	fi
}

test_foreign_program_kept() {
	local rc=0
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_A" xdpdrv obj "$XF_BIN/rig/xdp_pass.bpf.o" sec xdp
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--duration 1 >/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	ip -n "$RIG_FWD" link show dev "$RIG_FWD_A" | tee "$XF_TEST_TMP/link"
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_A" xdpdrv off
	assert_eq 1 "$rc" "exit status when another program holds the interface"
	assert_file_contains "$XF_TEST_TMP/err" "$RIG_FWD_A: another XDP program (foreign_pass, id"
	assert_file_contains "$XF_TEST_TMP/link" "name foreign_pass"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
}

test_small_rings_batch1_no_wakeup() {
	# the tuning knobs change nothing a user can see but speed
	# (50 kpps into rings of 64: a starved poller overflows them, and the
	# kernel counts it.)
	fwd_start --batch 1 --ring-size 64 --no-need-wakeup --frame-size 2048 --spin-us 0
	xfer_loaded 440 "small rings" --count 20 --interval-us 20
	fwd_stop
	assert_file_contains "$FWD_LOG" "need_wakeup off"
	assert_fwd_accounted "$RIG_FWD_A"
}

test_busy_poll_forwards() {
	fwd_start --busy-poll
	assert_file_contains "$FWD_LOG" "busy_poll on"
	frames --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" --count 5 |
		tee "$XF_TEST_TMP/bp"
	assert_file_contains "$XF_TEST_TMP/bp" "sent 110 received 110 intact 110"
	fwd_stop
}
