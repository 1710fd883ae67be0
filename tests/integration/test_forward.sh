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
	rig_up
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
# received by a socket, dropped by it (counted by the kernel) or left on its
# rx ring; nothing was dropped in user space.
assert_fwd_accounted() {
	local p=$1
	assert_redirects_accounted "$p"
	assert_eq 0 "$(summary_field "$p" tx_invalid_descs)" "$p tx_invalid_descs"
	assert_eq 0 "$(summary_field "$p" xdp_drop_malformed)" "$p malformed drops"
}

test_ping_and_tcp_transfer() {
	require_cmd socat sha256sum ping ss
	fwd_start
	ip netns exec "$RIG_GEN" ping -c 3 -i 0.2 -W 2 "$RIG_SINK_IP"
	ip netns exec "$RIG_GEN" ping -6 -c 3 -i 0.2 -W 2 "$RIG_SINK_IP6"
	tcp_transfer "$RIG_GEN" "$RIG_SINK" "$RIG_SINK_IP" 5001
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

test_bad_arguments() {
	local x="$XF_BIN/xskfwd" rc
	# each: exit status 2 and exactly one line naming the problem
	assert_bad_args <<'EOF'
forward: arguments: expected IF_A IF_B, got 0 arguments|forward
forward: arguments: expected IF_A IF_B, got 1 argument|forward a
forward: a: named twice|forward a a
forward: --queues: range '3-1' runs backwards|forward a b --queues 3-1
forward: --match: 'udp dport x': 'x' is not a port|forward a b --match 'udp dport x'
forward: --match: 'bogus': unknown word 'bogus'|forward a b --match bogus
forward: --frame-size: 8192 is out of range (2048..4096)|forward a b --frame-size 8192
forward: --frame-size: 3000 is not a power of two|forward a b --frame-size 3000
forward: --ring-size: 1000 is not a power of two|forward a b --ring-size 1000
forward: --mode: 'fast': must be one of auto, copy, zero-copy|forward a b --mode fast
forward: --xdp-mode: 'hw': must be one of native, skb|forward a b --xdp-mode hw
forward: --spin-us: 'x' is not a number|forward a b --spin-us x
forward: --nope: unknown option|forward a b --nope
forward: --duration: needs an argument|forward a b --duration
forward: nosuch0: no such interface|forward nosuch0 nosuch1
unknown command 'bogus'|bogus
EOF
	rc=0
	"$x" forward --help >"$XF_TEST_TMP/help" || rc=$?
	assert_eq 0 "$rc" "forward --help exit status"
	assert_file_contains "$XF_TEST_TMP/help" "--match RULE"
	rc=0
	"$x" help forward >"$XF_TEST_TMP/help2" || rc=$?
	assert_eq 0 "$rc" "help forward exit status"
	cmp "$XF_TEST_TMP/help" "$XF_TEST_TMP/help2" || fail "xskfwd help forward differs from --help"
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

# A queue or CPU that does not exist is a bad argument: found before anything
# is set up (exit 2, one line, nothing attached).
test_missing_queue_and_cpu_refused() {
	local rc=0 ncpu
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--queues 0-1 --duration 1 >/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	assert_eq 2 "$rc" "exit status for a queue the interface lacks"
	assert_eq 1 "$(wc -l <"$XF_TEST_TMP/err")" "error lines"
	assert_file_contains "$XF_TEST_TMP/err" \
		"xskfwd: forward: --queues: $RIG_FWD_A has no queue 1 (it has 1: 0-0)"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
	assert_no_lock "$RIG_FWD" "$RIG_FWD_A"
	rc=0
	ncpu=$(nproc --all)
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--cpus "$ncpu" --duration 1 >/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	assert_eq 2 "$rc" "exit status for a CPU that does not exist"
	assert_eq 1 "$(wc -l <"$XF_TEST_TMP/err")" "error lines"
	assert_file_contains "$XF_TEST_TMP/err" \
		"xskfwd: forward: --cpus: CPU $ncpu is not available to this process"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
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
	# Every line is a JSON record; the start record says what is in use.
	python3 - "$FWD_LOG" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert all(r["type"] in ("start", "rate", "summary") and "time" in r for r in recs), recs
start = [r for r in recs if r["type"] == "start"]
assert len(start) == 1, start
s = start[0]
assert s["mode"] == "forward" and s["version"], s
assert s["options"]["xdp-mode"] == "skb" and s["options"]["json"] is True, s["options"]
assert s["rules"] == [], s["rules"]
p = {x["port"]: x for x in s["ports"]}
assert p["fwd0"]["driver"] == "veth" and p["fwd0"]["xdp_mode"] == "skb", p
assert p["fwd0"]["queues"][0]["bind_mode"] == "copy", p
summ = {r["port"]: r for r in recs if r["type"] == "summary"}
assert summ["fwd1"]["tx_completed"] >= 44, summ["fwd1"]
assert summ["fwd0"]["drops"] == 0, summ["fwd0"]
assert summ["fwd0"]["queues"][0]["queue"] == 0
PY
}

test_foreign_program_kept() {
	local rc=0
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_A" xdpdrv obj "$XF_BIN/rig/xdp_pass.bpf.o" sec xdp.frags
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
