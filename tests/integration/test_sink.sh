# shellcheck shell=bash
# test_sink.sh - xskfwd sink on the veth rig: gen -- fwd -- sink.
#
# Frames with the generator's payload are crafted by build/payload_send in
# the gen namespace, in an order chosen to contain a known number of holes,
# swaps and copies; they cross `xskfwd forward` in the fwd namespace and are
# counted by `xskfwd sink` in the sink namespace. What is asserted is what a
# user reads in the sink's summary: exactly those losses, reorderings and
# duplicates, latency figures, frames that are not ours counted as other,
# and nothing left attached afterwards. The rig (prefix xts-) has two
# queues per veth, so every test also runs two pollers on each side.

RIG_PREFIX=xts-

setup_file() {
	require_root
	require_cmd ip ethtool
	[ -x "$XF_BIN/xskfwd" ] && [ -x "$XF_BIN/payload_send" ] || fail "build first: make"
	rig_up --queues 2
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# send ARGS...: payload_send from gen0 to the sink's MAC.
send() {
	ip netns exec "$RIG_GEN" "$XF_BIN/payload_send" "$RIG_GEN_IF" --dst-mac "$RIG_SINK_MAC" "$@"
}

wait_received() {
	wait_until 15 received_at_least "$1" || fail "the sink did not receive $1 frames"
}

# sj KEY: the first value of KEY (written '"name":') in the JSON summary: a
# number, or null. The totals come first, then streams, then queues.
sj() {
	grep '"type":"summary"' "$SINK_LOG" | head -n 1 | grep -oE "$1([0-9.]+|null)" | head -n 1 |
		sed "s/^$1//"
}

test_bad_arguments() {
	local x="$XF_BIN/xskfwd" rc
	# each: exit status 2 and exactly one line naming the problem
	assert_bad_args <<'EOF'
xskfwd: sink: --queues: 'x' is not a number|sink a --queues x
xskfwd: sink: --match: 'bogus': unknown word 'bogus'|sink a --match bogus
xskfwd: sink: --duration: 0 is out of range|sink a --duration 0
xskfwd: sink: --nope: unknown option|sink a --nope
xskfwd: sink: arguments: expected IFACE, got 0 arguments|sink
xskfwd: sink: arguments: expected IFACE, got 2 arguments|sink a b
xskfwd: sink: nosuch0: no such interface|sink nosuch0
xskfwd: sink: --ring-size: 1000 is not a power of two|sink a --ring-size 1000
xskfwd: sink: --mode: 'fast': must be one of auto, copy, zero-copy|sink a --mode fast
xskfwd: sink: --xdp-mode: 'hw': must be one of native, skb|sink a --xdp-mode hw
EOF
	rc=0
	"$x" sink --help >"$XF_TEST_TMP/help" || rc=$?
	assert_eq 0 "$rc" "sink --help exit status"
	assert_file_contains "$XF_TEST_TMP/help" "--match RULE"
	assert_file_contains "$XF_TEST_TMP/help" "default: 'udp dport 9000'"
}

# The brief's fault injection through the forwarder: 0..4, then 6 before 5
# (one reordered), 7 twice (one duplicate), no 8 (one lost), 9..99.
test_gap_swap_duplicate_through_forward() {
	local n
	fwd_start
	sink_start --json
	send --seqs 0-4,6,5,7,7,9-99 --interval-us 200 | tee "$XF_TEST_TMP/sent"
	assert_file_contains "$XF_TEST_TMP/sent" "sent 100 frames"
	wait_received 100
	sink_stop
	fwd_stop
	assert_eq 100 "$(sj '"received":')" "received"
	assert_eq 1 "$(sj '"lost":')" "lost"
	assert_eq 1 "$(sj '"reordered":')" "reordered"
	assert_eq 1 "$(sj '"duplicate":')" "duplicate"
	assert_eq 0 "$(sj '"late":')" "late"
	assert_eq 0 "$(sj '"other":')" "other"
	assert_eq 6400 "$(sj '"bytes":')" "bytes (100 frames of 64)"
	assert_eq 100 "$(sj '"samples":')" "latency samples"
	for n in p50 p99 p999 max; do
		awk -v v="$(sj "\"$n\":")" 'BEGIN { exit !(v + 0 > 0 && v + 0 < 1000000) }' ||
			fail "latency $n: '$(sj "\"$n\":")' is not a positive number of microseconds"
	done
	# p50 <= p99 <= p99.9 <= max
	awk -v a="$(sj '"p50":')" -v b="$(sj '"p99":')" -v c="$(sj '"p999":')" -v d="$(sj '"max":')" \
		'BEGIN { exit !(a <= b && b <= c && c <= d) }' || fail "latency percentiles out of order"
	grep '"type":"summary"' "$SINK_LOG" | grep -qF \
		'"streams":[{"stream":0,"received":100,"lost":1,"first":0,"last":99,"reordered":1,"duplicate":1,"late":0,"queues":1}]' ||
		fail "stream 0's record is not as expected"
	# Nothing was lost on the way: the classifier redirected what the sockets read.
	assert_eq 0 "$(sj '"drops":')" "drops"
	assert_eq "$(sj '"xdp_redirected":')" "$(sj '"rx_packets":')" "redirected = received"
	if command -v python3 >/dev/null; then
		python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]' \
			"$SINK_LOG"
	fi
}

# Text output; IPv6 frames with an 802.1Q tag on three streams at once.
test_ipv6_vlan_streams_text() {
	fwd_start
	sink_start
	send --ipv6 --vlan 100 --stream 5 --streams 3 --seqs 0-199 --size 300 --interval-us 100 |
		tee "$XF_TEST_TMP/sent"
	assert_file_contains "$XF_TEST_TMP/sent" "sent 600 frames"
	sleep 2.2 # two rate lines after the frames
	sink_stop
	fwd_stop
	assert_file_contains "$SINK_LOG" "$RIG_SINK_IF/q0: driver veth, xdp native"
	assert_file_contains "$SINK_LOG" "$RIG_SINK_IF/q1: driver veth, xdp native"
	assert_file_contains "$SINK_LOG" "rule 1: udp dport 9000 (default: the generator's port)"
	grep -qE "^sink $RIG_SINK_IF: rx [0-9]+ pps [0-9.]+ Mbit/s  lost 0  other 0  to host: nomatch [0-9]+ nosock [0-9]+$" "$SINK_LOG" ||
		fail "no rate line of the documented form"
	grep -qE "^summary $RIG_SINK_IF \([0-9.]+ s\): received 600 lost 0 reordered 0 duplicate 0 late 0 other 0 bytes 180000$" \
		"$SINK_LOG" || fail "summary totals"
	grep -qE "^summary $RIG_SINK_IF: latency us: p50 [0-9]+\.[0-9]{3} p99 [0-9.]+ p99.9 [0-9.]+ max [0-9.]+ \(600 timed, 0 untimed\)$" \
		"$SINK_LOG" || fail "latency line"
	for s in 5 6 7; do
		assert_file_contains "$SINK_LOG" \
			"stream $s: received 200 lost 0 first 0 last 199 reordered 0 duplicate 0 late 0"
	done
}

# --all takes every frame: frames that are not ours are counted as other,
# by reason; untimed frames are ours but give no latency sample. Without
# --all, the default rule leaves other UDP ports to the host stack.
test_other_untimed_and_default_rule() {
	fwd_start
	sink_start --json --all
	send --magic 0x12345678 --count 10 --interval-us 100
	send --no-timestamp --stream 1 --count 10 --interval-us 100
	send --dport 9001 --stream 2 --count 20 --interval-us 100
	send --stream 3 --count 20 --magic 0 --interval-us 100
	wait_received 30
	sink_stop
	assert_eq 30 "$(sj '"received":')" "received (stream 1 untimed, stream 2 on port 9001)"
	assert_eq 10 "$(sj '"untimed":')" "untimed"
	assert_eq 20 "$(sj '"samples":')" "latency samples"
	assert_eq 30 "$(sj '"bad_magic":')" "frames with the wrong magic"
	assert_ge "$(sj '"other":')" 30 "other"
	assert_eq 0 "$(sj '"lost":')" "lost"

	# The default rule: udp dport 9000 only; --duration ends it by itself.
	sink_start --json --duration 3
	send --dport 9001 --count 10 --interval-us 100
	send --stream 4 --count 10 --interval-us 100
	wait_until 10 grep -q '"type":"summary"' "$SINK_LOG" || fail "--duration 3 did not stop it"
	sink_stop
	fwd_stop
	assert_eq 10 "$(sj '"received":')" "received with the default rule"
	assert_eq 0 "$(sj '"other":')" "other with the default rule"
	assert_ge "$(sj '"xdp_pass_nomatch":')" 10 "frames left to the host stack"
}

# One stream whose flows RSS spreads over both queues: the per-queue
# trackers merge to the stream's exact loss and duplicate counts (the copy
# of 7 hashes to the queue 7 went to). Order between queues is not defined,
# so reordering is not asserted here.
test_stream_split_over_queues() {
	local q0 q1
	fwd_start
	sink_start --json
	send --seqs 0-4,6,5,7,7,9-399 --flows 16 --interval-us 100 | tee "$XF_TEST_TMP/sent"
	wait_received 400
	sink_stop
	fwd_stop
	q0=$(grep '"type":"summary"' "$SINK_LOG" | sed -n 's/.*"queues":\[{"queue":0,[^}]*"received":\([0-9]*\).*/\1/p')
	q1=$(grep '"type":"summary"' "$SINK_LOG" | sed -n 's/.*{"queue":1,[^}]*"received":\([0-9]*\).*/\1/p')
	echo "queue 0 received $q0, queue 1 received $q1"
	assert_ge "$q0" 1 "frames on queue 0"
	assert_ge "$q1" 1 "frames on queue 1"
	assert_eq 400 "$((q0 + q1))" "frames on both queues"
	assert_eq 400 "$(sj '"received":')" "received"
	assert_eq 1 "$(sj '"lost":')" "lost"
	assert_eq 1 "$(sj '"duplicate":')" "duplicate"
	assert_eq 1 "$(sj '"split_streams":')" "split streams"
	grep '"type":"summary"' "$SINK_LOG" | grep -qE \
		'"streams":\[\{"stream":0,"received":400,"lost":1,"first":0,"last":399,"reordered":[01],"duplicate":1,"late":0,"queues":2\}\]' ||
		fail "stream 0's merged record is not as expected"
}

test_second_instance_refused() {
	local rc=0
	sink_start
	ip netns exec "$RIG_SINK" "$XF_BIN/xskfwd" sink "$RIG_SINK_IF" --duration 1 \
		>/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status of a second instance"
	assert_file_contains "$XF_TEST_TMP/err" "$RIG_SINK_IF: in use by another xskfwd (pid"
	sink_stop
}

test_restart_after_kill9() {
	sink_start
	bg_stop sink KILL
	ip -n "$RIG_SINK" link show dev "$RIG_SINK_IF" | grep -q 'prog/xdp' ||
		fail "expected the killed sink's classifier to be left attached"
	sink_start --json
	assert_file_contains "$SINK_LOG" "$RIG_SINK_IF: replaced the classifier left by a killed xskfwd"
	fwd_start
	send --count 10 --interval-us 100
	wait_received 10
	sink_stop
	fwd_stop
	assert_eq 10 "$(sj '"received":')" "received after the restart"
}

# 5000 frames at 20 kpps, 8 flows over the rig's 2 queues, through the
# forwarder: every frame arrives but those the kernel counted lost on the
# way (rig_lost: gen0's tx, fwd0's failed redirects to the forwarder's full
# rx ring, fwd1's tx, sink0's failed redirects to the sink's full rx ring,
# which the sink counts as rx_ring_full too); the sink's sequence gaps are
# among them. Exact when the kernel counted nothing.
test_gen_to_sink_exact() {
	local engine gen_sum sink_sum sent lost0 lost got
	fwd_start
	for engine in xsk live; do
		sink_start --json
		lost0=$(rig_lost)
		ip netns exec "$RIG_GEN" "$XF_BIN/xskfwd" gen "$RIG_GEN_IF" --dst-mac "$RIG_SINK_MAC" \
			--engine "$engine" --count 5000 --rate 20000 --flows 8 --json >"$XF_TEST_TMP/gen"
		gen_sum=$(grep '"type":"summary"' "$XF_TEST_TMP/gen")
		sent=$(json_field "$gen_sum" sent)
		assert_eq 5000 "$sent" "$engine: frames gen sent"
		wait_until 5 received_at_least 5000 || true
		sink_stop
		lost=$(($(rig_lost) - lost0))
		sink_sum=$(grep '"type":"summary"' "$SINK_LOG")
		got=$(json_field "$sink_sum" received)
		assert_delivered 5000 "$got" "$lost" "$engine: frames the sink received"
		assert_ge "$lost" "$(json_field "$sink_sum" lost)" "$engine: sequence gaps (within those counted lost)"
		assert_eq 0 "$(json_field "$sink_sum" duplicate)" "$engine: duplicates"
		assert_eq 0 "$(json_field "$sink_sum" other)" "$engine: frames not ours"
		assert_ge "$(json_field "$sink_sum" p50 | cut -d. -f1)" 1 "$engine: p50 latency in us"
		assert_contains "$sink_sum" '"p999":' "$engine: p99.9 latency present"
	done
	fwd_stop
}

sink_gone() { ! bg_running sink; }

# Last: it destroys the rig (and rebuilds it for whatever follows).
# Deleting the sink's interface while it runs: the kernel unbinds its
# sockets (SO_ERROR ENETDOWN, poll() silent). The sink used to sleep in
# poll() forever; with ringlib's idle policy every poller reads its socket's
# error after each sleep, so the sink exits 1 with one line, however many
# queues (the rig has 2, so 2 pollers notice).
test_interface_deleted() {
	local t0 t1 ms status lock
	sink_start
	# its lock file (see assert_no_lock), named while the interface exists
	lock=/run/xskfwd/$(stat -L -c %i "/var/run/netns/$RIG_SINK")-$(ip netns exec "$RIG_SINK" \
		cat "/sys/class/net/$RIG_SINK_IF/ifindex").lock
	[ -e "$lock" ] || fail "no lock file $lock while the sink runs"
	t0=${EPOCHREALTIME/./}
	ip netns exec "$RIG_SINK" ip link del "$RIG_SINK_IF"
	wait_until 5 sink_gone || true
	t1=${EPOCHREALTIME/./}
	ms=$(((t1 - t0) / 1000))
	echo "the sink exited ${ms} ms after $RIG_SINK_IF was deleted"
	bg_running sink && fail "the sink still runs ${ms} ms after $RIG_SINK_IF was deleted"
	bg_stop sink INT
	status=$BG_STATUS
	cat "$SINK_LOG"
	assert_eq 1 "$status" "sink exit status"
	assert_went_away "$SINK_LOG" "$RIG_SINK_IF"
	assert_contains "$(cat "$SINK_LOG")" "summary $RIG_SINK_IF" "the summary is still printed"
	assert_eq 0 "$(xdp_socks "$RIG_SINK")" "AF_XDP sockets left"
	[ ! -e "$lock" ] || fail "lock file left behind: $lock"
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null
	"$XF_RIG" up --prefix "$RIG_PREFIX" --queues 2 >/dev/null
}
