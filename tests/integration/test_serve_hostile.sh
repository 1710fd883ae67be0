# shellcheck shell=bash disable=SC2034 # TIMEOUT_* are read by run.sh
# test_serve_hostile.sh - xskfwd serve under a flood of hostile TFTP.
#
# `xskfwd serve fwd0 --timeout-ms 100 --retries 3` runs on the rig (prefix
# xsh-) with a root holding one 4 MiB random file, big. For about 6 s gen
# floods it through kernel UDP sockets (build/tftp_hostile --kind mixed,
# IPv4 and IPv6 at once): random bytes, truncated requests, odd modes,
# hostile options, stray opcodes, write requests, missing files and "../",
# ACK/DATA/ERROR to session ports, and requests for big that are never
# acknowledged (abandoners, from their own address, which fill the
# per-client cap). Meanwhile curl fetches big over IPv4 and IPv6 from gen's
# own address. Both copies must be intact, the server must stay up (status
# 0 on SIGINT), its peak RSS bounded and flat, and its counters must account
# for what was sent: tftp_hostile prints what a correct server counts for
# its datagrams, and the server's counters must match, exactly when the
# kernel counted no loss between gen0 and the server's socket, within that
# many otherwise; the curl transfers add their own requests and ACKs.
#
# Where a datagram can be lost on the way, and where the kernel counts it
# (see veth_lost in lib.sh): gen0's tx_dropped (veth_xmit found fwd0's XDP
# ring full; tftp_hostile's UDP sockets are not told), and fwd0's
# rx_queue_0_drops (the redirect to the server's socket failed: its rx ring
# full, which the socket counts too, rx_dropped in the summary). A fresh
# machine's first run once lost 49 datagrams at gen0's tx.

RIG_PREFIX=xsh-
TIMEOUT_test_serve_hostile_flood=90

# The flood: 6 s at 30,000 datagrams/s over IPv4 plus 3,000/s over IPv6.
FLOOD_COUNT=${XF_TFTP_FLOOD_COUNT:-180000}
FLOOD_INTERVAL_US=${XF_TFTP_FLOOD_INTERVAL_US:-33}
FLOOD6_COUNT=${XF_TFTP_FLOOD6_COUNT:-18000}
FLOOD6_INTERVAL_US=${XF_TFTP_FLOOD6_INTERVAL_US:-333}
# Flood and abandoners come from addresses of their own on gen0, so the
# per-client cap the abandoners fill never refuses curl or the other kinds.
# The server counts an IPv6 client by its /64, so theirs are in /64s of
# their own. They are secondary (IPv4) or deprecated (IPv6, preferred_lft 0)
# addresses, so the kernel never picks them as curl's source address.
FLOOD_IP=198.18.0.3 FLOOD_IP6=2001:db8:0:3::3
ABANDON_IP=198.18.0.4 ABANDON_IP6=2001:db8:0:4::4
# Peak RSS bound (kB) and allowed growth (kB) between two readings 2 s apart.
RSS_MAX_KB=$((200 * 1024))
RSS_GROWTH_KB=$((4 * 1024))
# An abandoned session ends after 100+200+400+800 ms of retransmissions.
EXPIRE_S=5
# Stray requests and ACKs the two curl transfers may add (retransmissions).
CURL_EXTRA_MAX=50
# Datagrams the kernel may lose on the way (gen0's tx, the server's full rx
# ring: each one missing from the counts) when other work starves the server
# or softirq of CPU: 0 on an idle machine; up to a fifth of the flood is
# tolerated on a busy one.
MAX_DROPS=${XF_TFTP_MAX_DROPS:-$(((FLOOD_COUNT + FLOOD6_COUNT) / 5))}

setup_file() {
	require_root
	require_cmd ip curl sha256sum
	curl --version | grep -q '^Protocols:.* tftp' || skip "curl without tftp://"
	[ -x "$XF_BIN/xskfwd" ] && [ -x "$XF_BIN/tftp_hostile" ] || fail "build first: make"
	rig_up
	ip -n "$RIG_GEN" addr add "$FLOOD_IP/24" dev "$RIG_GEN_IF"
	ip -n "$RIG_GEN" addr add "$ABANDON_IP/24" dev "$RIG_GEN_IF"
	ip -n "$RIG_GEN" -6 addr add "$FLOOD_IP6/64" dev "$RIG_GEN_IF" nodad preferred_lft 0
	ip -n "$RIG_GEN" -6 addr add "$ABANDON_IP6/64" dev "$RIG_GEN_IF" nodad preferred_lft 0
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# vm_kb PID FIELD: a Vm* line of /proc/PID/status, in kB.
vm_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# hostile_field LOG WORD: WORD=N from tftp_hostile's report in LOG.
hostile_field() {
	sed -n "s/^hostile .* $2=\([0-9]*\).*/\1/p" "$1"
}

# hostile_rate LOG: datagrams/s from tftp_hostile's report in LOG.
hostile_rate() {
	sed -n 's/^hostile sent .* rate \([0-9]*\) .*/\1/p' "$1"
}

# assert_within N LO HI WHAT: integers, LO <= N <= HI.
assert_within() {
	assert_ge "$1" "$2" "$4"
	assert_ge "$3" "$1" "$4"
}

# fetch URL OUT: curl's TFTP client, from gen's own address.
fetch() {
	ip netns exec "$RIG_GEN" curl -s -g --max-time 30 -o "$2" "$1"
}

test_serve_hostile_flood() {
	local root=$XF_TEST_TMP/root pid hwm1 hwm2 hwm t1 log4 log6 want n f drops lost0 lost
	mkdir "$root"
	head -c $((4 << 20)) /dev/urandom >"$root/big"
	chmod 755 "$root"
	chmod 644 "$root/big"
	want=$(sha256sum <"$root/big")

	bg_start srv ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" serve "$RIG_FWD_A" --root "$root" \
		--timeout-ms 100 --retries 3
	FWD_LOG=$(bg_log srv)
	wait_until 10 grep -q '^serving ' "$FWD_LOG" || {
		cat "$FWD_LOG"
		fail "the server did not start"
	}
	# ip netns exec execs the server: same PID.
	pid=$(bg_pid srv)
	assert_eq xskfwd "$(cat "/proc/$pid/comm")" "server process"
	# Resolve the server's MAC first: while ARP/ND is pending the kernel
	# keeps only a few datagrams and silently drops the rest of the flood.
	ip netns exec "$RIG_GEN" ping -c 1 -W 2 -q "$RIG_FWD_IP" >/dev/null
	ip netns exec "$RIG_GEN" ping -6 -c 1 -W 2 -q "$RIG_FWD_IP6" >/dev/null
	lost0=$(veth_lost "$RIG_GEN:$RIG_GEN_IF" "$RIG_FWD:$RIG_FWD_A")

	bg_start flood4 ip netns exec "$RIG_GEN" "$XF_BIN/tftp_hostile" --server "$RIG_FWD_IP" \
		--file big --kind mixed --count "$FLOOD_COUNT" --interval-us "$FLOOD_INTERVAL_US" \
		--source "$FLOOD_IP" --abandon-from "$ABANDON_IP"
	bg_start flood6 ip netns exec "$RIG_GEN" "$XF_BIN/tftp_hostile" --server "$RIG_FWD_IP6" \
		--file big --kind mixed --count "$FLOOD6_COUNT" --interval-us "$FLOOD6_INTERVAL_US" \
		--source "$FLOOD_IP6" --abandon-from "$ABANDON_IP6"
	log4=$(bg_log flood4)
	log6=$(bg_log flood6)
	sleep 0.5
	# The correct transfers, through the flood.
	t1=${EPOCHREALTIME/./}
	fetch "tftp://$RIG_FWD_IP/big" "$XF_TEST_TMP/big4" || fail "IPv4 fetch: curl status $?"
	fetch "tftp://[$RIG_FWD_IP6]/big" "$XF_TEST_TMP/big6" || fail "IPv6 fetch: curl status $?"
	echo "both fetches took $(((${EPOCHREALTIME/./} - t1) / 1000)) ms"
	assert_eq "$want" "$(sha256sum <"$XF_TEST_TMP/big4")" "sha256 of the IPv4 copy"
	assert_eq "$want" "$(sha256sum <"$XF_TEST_TMP/big6")" "sha256 of the IPv6 copy"
	# Peak RSS now, with the served file's pages mapped by the transfers,
	# and 2 s later, the flood still on: the flood alone must not grow it.
	hwm1=$(vm_kb "$pid" VmHWM)
	t1=${EPOCHREALTIME/./}
	while ((${EPOCHREALTIME/./} < t1 + 2000000)); do sleep 0.05; done
	hwm2=$(vm_kb "$pid" VmHWM)
	bg_running flood4 || fail "the flood ended before the RSS readings did: raise its count"
	echo "VmHWM during the flood: $hwm1 kB, then $hwm2 kB" \
		"(RssAnon $(vm_kb "$pid" RssAnon) kB, RssFile $(vm_kb "$pid" RssFile) kB)"
	(((hwm2 - hwm1) <= RSS_GROWTH_KB)) ||
		fail "server peak RSS grew by $((hwm2 - hwm1)) kB during the flood"

	wait_until 30 eval '! bg_running flood4 && ! bg_running flood6' ||
		fail "the flood did not end"
	bg_stop flood4
	assert_eq 0 "$BG_STATUS" "tftp_hostile (IPv4) exit status"
	bg_stop flood6
	assert_eq 0 "$BG_STATUS" "tftp_hostile (IPv6) exit status"
	cat "$log4" "$log6"
	assert_eq "$FLOOD_COUNT" "$(sed -n 's/^hostile sent \([0-9]*\) .*/\1/p' "$log4")" \
		"IPv4 datagrams sent"
	assert_eq "$FLOOD6_COUNT" "$(sed -n 's/^hostile sent \([0-9]*\) .*/\1/p' "$log6")" \
		"IPv6 datagrams sent"

	# The abandoned sessions time out; then nothing may be left running.
	wait_until "$EXPIRE_S" eval \
		'grep " sessions active " "$FWD_LOG" | tail -n 1 | grep -q " active 0 "' ||
		fail "sessions still active ${EXPIRE_S}s after the flood: $(tail -n 1 "$FWD_LOG")"
	bg_running srv || fail "the server died during the flood"
	hwm=$(vm_kb "$pid" VmHWM)
	echo "flood: $FLOOD_COUNT IPv4 datagrams at $(hostile_rate "$log4")/s and" \
		"$FLOOD6_COUNT IPv6 at $(hostile_rate "$log6")/s; server peak RSS (VmHWM) $hwm kB"
	((hwm <= RSS_MAX_KB)) || fail "server peak RSS $hwm kB > $RSS_MAX_KB kB"

	bg_stop srv INT
	assert_eq 0 "$BG_STATUS" "server exit status after SIGINT"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	assert_no_lock "$RIG_FWD" "$RIG_FWD_A"
	grep '^summary' "$FWD_LOG"
	# Where frames could go missing on the way: gen0's tx, fwd0's XDP.
	ip -n "$RIG_GEN" -s link show dev "$RIG_GEN_IF" | sed -n '5,6p'
	ip netns exec "$RIG_FWD" ethtool -S "$RIG_FWD_A" 2>/dev/null | grep -v ': 0$' || true
	lost=$(($(veth_lost "$RIG_GEN:$RIG_GEN_IF" "$RIG_FWD:$RIG_FWD_A") - lost0))

	# sv FIELD: a counter of the server's summary.
	sv() { summary_field "$RIG_FWD_A" "$1"; }
	# exp WORD: the sum of both floods' expectations.
	exp() { echo $(($(hostile_field "$log4" "$1") + $(hostile_field "$log6" "$1"))); }

	# Every frame the classifier redirected was received, or dropped by
	# the socket (rx ring full: only when the poller is starved of CPU).
	drops=$(sv rx_dropped)
	assert_eq "$(sv xdp_redirected)" "$(($(sv rx_frames) + drops))" \
		"xdp_redirected = rx_frames + rx_dropped"
	# The kernel counted those socket drops on fwd0 too (rx_queue_0_drops);
	# with gen0's tx drops they are every datagram lost on the way. Each
	# one may take a datagram out of the counts below, so they are exact
	# when the kernel counted no loss, and within that many otherwise. A
	# datagram lost where no counter saw it fails them.
	assert_ge "$lost" "$drops" "datagrams the kernel counted lost (gen0 tx + fwd0 rx drops)"
	((lost == 0)) || echo "note: the kernel counted $lost datagrams lost on the way" \
		"($drops on the server's full rx ring)"
	assert_ge "$MAX_DROPS" "$lost" "datagrams lost on the way"
	drops=$lost
	assert_eq 0 "$(sv rx_bad)" "rx_bad (the kernel built every datagram)"
	# What tftp_hostile sent, nothing from curl.
	for f in requests_malformed:malformed refused_op:refused_op refused_file:refused_file \
		msgs_malformed:msgs_malformed stray:stray; do
		assert_within "$(sv "${f%%:*}")" $(($(exp "${f#*:}") - drops)) "$(exp "${f#*:}")" \
			"${f%%:*}"
	done
	# Requests: every datagram to port 69 (RRQ/WRQ-shaped or not) but the
	# stray ACKs and ERRORs, plus curl's own (2, or a few more if one was
	# retransmitted).
	n=$(($(exp port69) - $(exp stray)))
	assert_within "$(sv requests)" $((n + 2 - drops)) $((n + CURL_EXTRA_MAX)) "requests"
	n=$(($(exp malformed) + $(exp refused_op) + $(exp refused_file) + $(exp session_requests)))
	assert_ge "$(($(sv requests) + drops))" "$n" "requests (RRQ/WRQ-shaped datagrams sent: $n)"
	# Datagrams to session ports from a stranger: unknown transfer IDs
	# (curl may add late ACKs of its own).
	n=$(exp unknown_tid)
	assert_within "$(sv unknown_tid)" $((n - drops)) $((n + CURL_EXTRA_MAX)) "unknown_tid"
	# Each request ends one way: malformed, refused, a duplicate, or a session.
	n=$(($(sv requests_malformed) + $(sv refused_op) + $(sv refused_file) + $(sv refused_busy) +
		$(sv requests_dup) + $(sv sessions_completed) + $(sv sessions_failed) +
		$(sv sessions_abandoned)))
	assert_eq "$(sv requests)" "$n" "requests = malformed + refused + dup + sessions"
	assert_eq "$(($(sv requests_malformed) + $(sv refused_op) + $(sv refused_file) +
		$(sv refused_busy)))" "$(sv sessions_refused)" "sessions_refused"
	# The requests for big: the abandoners, refused at the per-client cap or
	# accepted and timed out, and curl's two, completed.
	n=$(exp session_requests)
	assert_within "$(($(sv refused_busy) + $(sv requests_dup) + $(sv sessions_failed) +
		$(sv sessions_completed)))" $((n + 2 - drops)) $((n + CURL_EXTRA_MAX)) \
		"requests for big: refused busy + duplicates + sessions"
	assert_ge "$(sv refused_busy)" 1 "refused_busy"
	assert_ge "$(sv timeouts)" 1 "timeouts"
	assert_eq "$(sv timeouts)" "$(sv sessions_failed)" "sessions_failed (all of them timeouts)"
	assert_ge "$(sv sessions_completed)" 2 "sessions_completed"
	assert_eq 0 "$(sv sessions_abandoned)" "sessions_abandoned"
	assert_eq 0 "$(sv client_errors)" "client_errors"
	echo "server: rx_frames=$(sv rx_frames) rx_dropped=$(sv rx_dropped) lost=$lost requests=$(sv requests)" \
		"refused_busy=$(sv refused_busy) timeouts=$(sv timeouts) unknown_tid=$(sv unknown_tid)"
}
