# shellcheck shell=bash
# test_faults.sh - xskfwd forward on the veth rig when things go wrong:
# a link flaps under traffic, the forwarder is stopped under a flood, it runs
# without privileges, its fill ring starves, and an interface disappears.
#
# Rig prefix xtx- (setup_file/teardown_file). What each test asserts is what
# the kernel and xskfwd were seen to do on this project's VM (kernel 6.18,
# veth, copy mode); the figures are in the comments.

RIG_PREFIX=xtx-

setup_file() {
	require_root
	require_cmd ip
	if [ ! -x "$XF_BIN/xskfwd" ] || [ ! -x "$XF_BIN/frametool" ]; then
		fail "build first: make"
	fi
	rig_up
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# The forwarder runs with --spin-us 0 here: its pollers share the 2 CPUs with
# the generator.

# assert_clean_exit: after the forwarder has exited, nothing of it is left:
# no XDP program, no lock file, no AF_XDP socket in its namespace.
assert_clean_exit() {
	local dev n
	for dev in "$RIG_FWD_A" "$RIG_FWD_B"; do
		assert_no_xdp "$RIG_FWD" "$dev"
		assert_no_lock "$RIG_FWD" "$dev"
	done
	# /proc/net/protocols counts the namespace's AF_XDP sockets (line XDP).
	# ss -f xdp only sees them with the xsk_diag module, absent here: use it
	# too when it is there.
	n=$(xdp_socks "$RIG_FWD")
	assert_eq 0 "${n:-0}" "AF_XDP sockets left in $RIG_FWD (/proc/net/protocols)"
	n=$(ip netns exec "$RIG_FWD" ss -H -a -f xdp 2>/dev/null | wc -l)
	assert_eq 0 "$n" "AF_XDP sockets left in $RIG_FWD (ss -f xdp)"
}

gen_done() { ! bg_running gen; }
link_up() { ip -n "$1" link show dev "$2" | grep -q 'LOWER_UP'; }

# check_pool_and_identities: per port, everything sent completed, every frame
# the classifier redirected was taken, counted as dropped by the kernel
# (the socket's rx_dropped, rx_ring_full), or left on the rx ring when the
# bounded exit drain ended under the flood (rx_left), and the pool saw no
# foreign or double frames.
check_pool_and_identities() {
	local p
	for p in "$RIG_FWD_A" "$RIG_FWD_B"; do
		assert_eq "$(summary_field "$p" tx_packets)" "$(summary_field "$p" tx_completed)" \
			"$p tx_completed = tx_packets"
		assert_eq "$(summary_field "$p" xdp_redirected)" \
			"$(($(summary_field "$p" rx_packets) + $(summary_field "$p" rx_dropped) + \
				$(summary_field "$p" rx_ring_full) + $(summary_field "$p" rx_left)))" \
			"$p xdp_redirected = rx_packets + rx_dropped + rx_ring_full + rx_left"
	done
	if grep -q 'foreign or already free' "$FWD_LOG"; then
		fail "pool errors: $(grep 'foreign or already free' "$FWD_LOG")"
	fi
}

# 1. fwd1 goes down for 1 s while 10 kpps flow fwd0 -> fwd1. Seen: the
# kernel refuses the tx kicks on the down device (ENETDOWN, retried), fwd1's
# tx ring stops moving, the poller stops taking from fwd0 (no drops in user
# space), fwd0's rx ring fills and the kernel counts rx_ring_full (about
# 6000 of 40000). Once up, the queued frames leave (tx_completed = tx_packets)
# and new ones cross.
test_link_flap_under_traffic() {
	fwd_start --spin-us 0
	bg_start gen ip netns exec "$RIG_GEN" "$XF_BIN/xskfwd" gen "$RIG_GEN_IF" \
		--dst-mac "$RIG_SINK_MAC" --engine xsk --rate 10k --duration 4
	sleep 1.5
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_B" down
	sleep 1
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_B" up
	wait_until 10 gen_done || fail "gen did not finish"
	bg_stop gen
	assert_eq 0 "$BG_STATUS" "gen exit status"
	wait_until 5 link_up "$RIG_SINK" "$RIG_SINK_IF" || fail "$RIG_SINK_IF did not come back up"
	wait_until 5 link_up "$RIG_FWD" "$RIG_FWD_B" || fail "$RIG_FWD_B did not come back up"
	bg_running fwd || {
		cat "$FWD_LOG"
		fail "the forwarder died with the link"
	}
	"$XF_BIN/frametool" xfer --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" \
		--types ipv4 --sizes 64,1514 --count 100 | tee "$XF_TEST_TMP/ab"
	"$XF_BIN/frametool" xfer --tx "$RIG_SINK:$RIG_SINK_IF" --rx "$RIG_GEN:$RIG_GEN_IF" \
		--types ipv4 --sizes 64,1514 --count 100 | tee "$XF_TEST_TMP/ba"
	assert_file_contains "$XF_TEST_TMP/ab" "sent 200 received 200 intact 200"
	assert_file_contains "$XF_TEST_TMP/ba" "sent 200 received 200 intact 200"
	bg_running fwd || fail "the forwarder is no longer running"
	bg_stop fwd INT
	assert_eq 0 "$BG_STATUS" "forwarder exit status after SIGINT"
	grep -v '^ *[0-9.]*s ' "$FWD_LOG"
	# The interruption: fwd0's rx ring overflowed while fwd1 was down.
	assert_ge "$(summary_field "$RIG_FWD_A" rx_ring_full)" 1000 "fwd0 rx_ring_full (link down 1 s at 10 kpps)"
	check_pool_and_identities
	assert_clean_exit
}

# 3. SIGTERM while the live engine floods fwd0 unpaced (about 4 Mpps offered,
# mostly rx_ring_full). Seen: exit 0.7 s after the signal (drain 0.5 s),
# status 0.
test_sigterm_under_flood() {
	local t0 t1 ms pid
	fwd_start --spin-us 0
	bg_start gen ip netns exec "$RIG_GEN" "$XF_BIN/xskfwd" gen "$RIG_GEN_IF" \
		--dst-mac "$RIG_SINK_MAC" --engine live --duration 20
	wait_until 5 grep -q 'gen gen0: tx' "$(bg_log gen)" || {
		cat "$(bg_log gen)"
		fail "gen did not start sending"
	}
	sleep 1
	assert_eq 2 "$(xdp_socks "$RIG_FWD")" "AF_XDP sockets while running"
	pid=$(bg_pid fwd)
	t0=${EPOCHREALTIME/./}
	kill -TERM "$pid"
	wait_until 3 fwd_gone || true
	t1=${EPOCHREALTIME/./}
	ms=$(((t1 - t0) / 1000))
	echo "forwarder exited ${ms} ms after SIGTERM"
	bg_stop fwd INT
	assert_eq 0 "$BG_STATUS" "forwarder exit status after SIGTERM"
	((ms <= 1000)) || fail "forwarder took ${ms} ms to exit after SIGTERM (limit 1000)"
	bg_stop gen
	grep -v '^ *[0-9.]*s ' "$FWD_LOG"
	assert_ge "$(summary_field "$RIG_FWD_A" rx_packets)" 1000 "fwd0 rx_packets under the flood"
	check_pool_and_identities
	assert_clean_exit
}

# 4. Without CAP_NET_ADMIN, CAP_BPF and CAP_SYS_ADMIN. Seen: exit 1 and
# 'xskfwd: fwd0: attaching XDP needs CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN
# (or root); missing: CAP_BPF, CAP_NET_ADMIN'. (test_caps: as a non-root uid.)
test_without_privileges() {
	local rc=0
	command -v capsh >/dev/null 2>&1 || skip "capsh not installed"
	# Enter the namespace first (that needs CAP_SYS_ADMIN), then drop.
	timeout 20 ip netns exec "$RIG_FWD" capsh --drop=cap_net_admin,cap_bpf,cap_sys_admin -- \
		-c "exec '$XF_BIN/xskfwd' forward '$RIG_FWD_A' '$RIG_FWD_B' --duration 2" \
		>"$XF_TEST_TMP/out" 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/out" "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status without privileges"
	assert_eq 1 "$(wc -l <"$XF_TEST_TMP/err")" "lines on stderr"
	assert_eq 0 "$(wc -l <"$XF_TEST_TMP/out")" "lines on stdout"
	assert_contains "$(cat "$XF_TEST_TMP/err")" "xskfwd: fwd0: " "error names the interface"
	assert_contains "$(cat "$XF_TEST_TMP/err")" "CAP_BPF" "error names the capability"
	assert_contains "$(cat "$XF_TEST_TMP/err")" "CAP_NET_ADMIN" "error names the capability"
	assert_clean_exit
}

# 5. --ring-size 64 (fill rings of 128) under an unpaced live flood for 3 s.
# Seen: about 10.8 M frames offered, 1.0 M forwarded, 9.8 M rx_ring_full,
# rx_fill_ring_empty 0; afterwards every frame crosses both ways.
test_fill_ring_starvation() {
	fwd_start --spin-us 0 --ring-size 64
	bg_start gen ip netns exec "$RIG_GEN" "$XF_BIN/xskfwd" gen "$RIG_GEN_IF" \
		--dst-mac "$RIG_SINK_MAC" --engine live --duration 3
	wait_until 15 gen_done || fail "gen did not finish"
	tail -n 2 "$(bg_log gen)"
	bg_stop gen
	assert_eq 0 "$BG_STATUS" "gen exit status"
	"$XF_BIN/frametool" xfer --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" \
		--types ipv4 --sizes 64 --count 2000 | tee "$XF_TEST_TMP/ab"
	"$XF_BIN/frametool" xfer --tx "$RIG_SINK:$RIG_SINK_IF" --rx "$RIG_GEN:$RIG_GEN_IF" \
		--types ipv4 --sizes 64 --count 2000 | tee "$XF_TEST_TMP/ba"
	assert_file_contains "$XF_TEST_TMP/ab" "sent 2000 received 2000 intact 2000"
	assert_file_contains "$XF_TEST_TMP/ba" "sent 2000 received 2000 intact 2000"
	bg_running fwd || fail "the forwarder is no longer running"
	bg_stop fwd INT
	assert_eq 0 "$BG_STATUS" "forwarder exit status after SIGINT"
	grep -v '^ *[0-9.]*s ' "$FWD_LOG"
	# The flood did overrun the small rings.
	assert_ge "$(summary_field "$RIG_FWD_A" rx_ring_full)" 1 "fwd0 rx_ring_full under the flood"
	assert_ge "$(summary_field "$RIG_FWD_A" rx_packets)" 100000 "fwd0 rx_packets under the flood"
	check_pool_and_identities
	assert_clean_exit
}

# 2. Last: it destroys the rig (and rebuilds it for whatever follows).
# Deleting the sink namespace destroys the sink0 -- fwd1 veth pair. Seen: the
# kernel unbinds fwd1's socket (sk_err ENETDOWN, poll() silent, sendto()
# ENXIO); xskfwd exits 0.6 s later, status 1, with
# 'xskfwd: fwd1: the interface went away (deleted, or its veth peer was)'.
# Before the fix, an idle forwarder kept running.
netns_del_case() {
	local t0 t1 ms status
	fwd_start --spin-us 0
	if [ "$1" = traffic ]; then
		bg_start gen ip netns exec "$RIG_GEN" "$XF_BIN/xskfwd" gen "$RIG_GEN_IF" \
			--dst-mac "$RIG_SINK_MAC" --engine xsk --rate 10k --duration 5
		sleep 1
	fi
	t0=${EPOCHREALTIME/./}
	ip netns del "$RIG_SINK"
	wait_until 5 fwd_gone || true
	t1=${EPOCHREALTIME/./}
	ms=$(((t1 - t0) / 1000))
	echo "$1: forwarder exited ${ms} ms after the namespace was deleted"
	bg_running fwd && fail "$1: the forwarder still runs ${ms} ms after $RIG_SINK_IF's namespace went"
	bg_stop fwd INT
	status=$BG_STATUS
	if [ "$1" = traffic ]; then bg_stop gen; fi
	grep -v '^ *[0-9.]*s ' "$FWD_LOG"
	assert_eq 1 "$status" "$1: exit status"
	assert_went_away "$FWD_LOG" "$RIG_FWD_B"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	assert_eq 0 "$(xdp_socks "$RIG_FWD")" "$1: AF_XDP sockets left"
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null
	"$XF_RIG" up --prefix "$RIG_PREFIX" >/dev/null
}

test_peer_netns_deleted() {
	netns_del_case idle
	netns_del_case traffic
}
