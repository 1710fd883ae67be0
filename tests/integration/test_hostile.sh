# shellcheck shell=bash disable=SC2034 # TIMEOUT_* are read by run.sh
# test_hostile.sh - xskfwd forward under a flood of malformed frames.
#
# While `forward --match 'udp dport 5000'` runs on the rig (prefix xth-),
# gen0 floods fwd0 with malformed frames aimed at port 5000 (frametool
# flood --kind mixed: random bytes, truncated headers, lengths that disagree
# with the frame, VLAN stacks, fragments, runts) and, at the same time, a
# correct transfer to port 5000 crosses the forwarder. The transfer must
# arrive intact, the forwarder must stay up (status 0 on SIGINT), its peak
# RSS must stay bounded and flat, and its counters must account for every
# frame sent.
#
# Where the kernel may lose frames on the way, and counts them (see
# veth_lost in lib.sh): gen0's tx (veth_xmit, fwd0's XDP ring full: the
# packet socket says ENOBUFS and frametool sends the frame again, so no
# frame is lost there), fwd0's rx_queue_0_drops (a failed redirect: the
# forwarder's socket's rx ring full, which the socket counts too; or a frame
# that could not be made an xdp_buff, before the classifier saw it), fwd1's
# tx (sink0's backlog full) and frametool's receive socket (rx_sock_drops).

RIG_PREFIX=xth-
TIMEOUT_test_hostile_flood_while_forwarding=180

# The flood: about 5 s at 100,000 frames/s if the machine keeps up.
FLOOD_COUNT=${XF_FLOOD_COUNT:-500000}
FLOOD_INTERVAL_US=${XF_FLOOD_INTERVAL_US:-10}
# Peak RSS bound (kB) and allowed growth (kB) between two readings 2 s apart.
RSS_MAX_KB=$((300 * 1024))
RSS_GROWTH_KB=$((4 * 1024))
# Frames gen0's own stack may add (IPv6 ND/MLD) on top of what was sent.
CHATTER_MAX=200

setup_file() {
	require_root
	require_cmd ip
	[ -x "$XF_BIN/xskfwd" ] && [ -x "$XF_BIN/frametool" ] || fail "build first: make"
	rig_up
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# vm_kb PID FIELD: a Vm* line of /proc/PID/status, in kB.
vm_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

test_hostile_flood_while_forwarding() {
	local pid hwm1 hwm2 hwm t1 rate flood_log flood_sent xfer_sent lost0 fwd_lost0 out
	bg_start fwd ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--match "udp dport 5000"
	FWD_LOG=$(bg_log fwd)
	wait_until 10 grep -q '^forwarding ' "$FWD_LOG" || {
		cat "$FWD_LOG"
		fail "the forwarder did not start"
	}
	# ip netns exec execs the forwarder: same PID.
	pid=$(bg_pid fwd)
	assert_eq xskfwd "$(cat "/proc/$pid/comm")" "forwarder process"

	lost0=$(rig_lost)
	fwd_lost0=$(veth_lost "$RIG_GEN:$RIG_GEN_IF" "$RIG_FWD:$RIG_FWD_A")
	bg_start flood "$XF_BIN/frametool" flood --tx "$RIG_GEN:$RIG_GEN_IF" --kind mixed \
		--count "$FLOOD_COUNT" --interval-us "$FLOOD_INTERVAL_US" --dport 5000
	flood_log=$(bg_log flood)
	sleep 1
	hwm1=$(vm_kb "$pid" VmHWM)
	t1=${EPOCHREALTIME/./}
	# The correct transfer, through the flood (about 2 s).
	"$XF_BIN/frametool" xfer --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" \
		--types ipv4,ipv6,vlan --sizes 64,200,1000,1514 --dport 5000 --count 200 \
		--interval-us 500 --timeout-ms 3000 --expect any | tee "$XF_TEST_TMP/xfer"
	# The second reading 2 s after the first, the flood still on.
	while ((${EPOCHREALTIME/./} < t1 + 2000000)); do sleep 0.05; done
	hwm2=$(vm_kb "$pid" VmHWM)
	bg_running flood || fail "the flood ended before the transfer did: raise --count"
	echo "VmHWM during the flood: $hwm1 kB, then $hwm2 kB"
	(((hwm2 - hwm1) <= RSS_GROWTH_KB)) ||
		fail "forwarder peak RSS grew by $((hwm2 - hwm1)) kB during the flood"

	wait_until 60 eval '! bg_running flood' || fail "the flood did not end"
	bg_stop flood
	assert_eq 0 "$BG_STATUS" "frametool flood exit status"
	cat "$flood_log"
	flood_sent=$(sed -n 's/^flood sent \([0-9]*\) .*/\1/p' "$flood_log")
	rate=$(sed -n 's/^flood sent .* rate \([0-9]*\)$/\1/p' "$flood_log")
	assert_eq "$FLOOD_COUNT" "$flood_sent" "flood frames sent"
	# The transfer: every frame that arrived is intact and arrived once;
	# a missing one must be among the frames the kernel counted lost on
	# the way (with the flood's, which share the path).
	out=$(cat "$XF_TEST_TMP/xfer")
	xfer_sent=$(ft_field "$out" sent)
	assert_ge "$xfer_sent" 1 "transfer frames sent"
	assert_eq 0 "$(ft_field "$out" corrupt)" "transfer frames corrupt"
	assert_eq 0 "$(ft_field "$out" duplicate)" "transfer frames duplicated"
	assert_delivered "$xfer_sent" "$(ft_field "$out" intact)" \
		$(($(rig_lost) - lost0 + $(ft_field "$out" rx_sock_drops))) "transfer through the flood"

	bg_running fwd || fail "the forwarder died during the flood"
	hwm=$(vm_kb "$pid" VmHWM)
	echo "flood: $flood_sent frames at $rate frames/s; forwarder peak RSS (VmHWM) $hwm kB"
	((hwm <= RSS_MAX_KB)) || fail "forwarder peak RSS $hwm kB > $RSS_MAX_KB kB"

	bg_stop fwd INT
	assert_eq 0 "$BG_STATUS" "forwarder exit status after SIGINT"
	grep '^summary' "$FWD_LOG"
	# Every frame the classifier saw on fwd0 moved exactly one counter;
	# lost before it: fwd0's rx_queue_0_drops that are not the socket's
	# (and gen0's tx drops, which frametool sent again).
	assert_classifier_saw $((flood_sent + xfer_sent)) "$fwd_lost0" "$CHATTER_MAX"
	assert_ge "$(summary_field "$RIG_FWD_A" xdp_drop_malformed)" 1 "fwd0 malformed drops"
	assert_redirects_accounted "$RIG_FWD_A"
}
