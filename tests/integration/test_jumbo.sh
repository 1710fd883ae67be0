# shellcheck shell=bash
# test_jumbo.sh - jumbo frames through xskfwd forward (issue 11).
#
# The rig of test_forward.sh, gen -- fwd -- sink, with all four veth ends at
# MTU 9000 (scripts/rig.sh up --mtu 9000, prefix xm-), made by setup_file
# and removed by teardown_file. At that MTU a frame takes several UMEM
# frames (a chain of descriptors, XDP_PKT_CONTD on all but the last), with
# --frame-size 2048 as with 4096. What is asserted is what a user checks:
# frames of every size up to the MTU arrive byte for byte in both directions,
# ping and TCP work at 9000 bytes, a hostile flood of jumbo and small frames
# and truncations leaves the forwarder up with its counters adding up, and
# an MTU that needs longer chains than the kernel takes is refused.
# xskfwd route at MTU 9000: test_route.sh (test_jumbo_route_*).

RIG_PREFIX=xm-
JUMBO_MTU=9000
# Frame sizes (Ethernet header included, no FCS; an 802.1Q frame's as
# frametool counts them): around each UMEM frame's size, and the MTU's.
JUMBO_SIZES=(60 1514 2047 2048 2049 4095 4096 4097 8192 9014)
JUMBO_TYPES=ipv4,ipv6,vlan
JUMBO_COUNT=2
# Frames of one frametool run: three types, less IPv6 at 60 (below its 62).
JUMBO_FRAMES=$((JUMBO_COUNT * (3 * ${#JUMBO_SIZES[@]} - 1)))
# Frames gen0's own stack may add (IPv6 ND/MLD) on top of what was sent.
CHATTER_MAX=200

setup_file() {
	require_root
	require_cmd ip ethtool
	[[ -x "$XF_BIN/xskfwd" && -x "$XF_BIN/frametool" ]] || fail "build first: make"
	rig_up --mtu "$JUMBO_MTU"
	assert_eq "$JUMBO_MTU" "$RIG_MTU" "the rig's MTU"
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# jumbo_frames TX_NS:IF RX_NS:IF: frametool xfer of every type and size,
# JUMBO_COUNT of each, slowly (every 200 us): all arrive intact, once.
jumbo_frames() {
	local sizes out n=$JUMBO_FRAMES
	sizes=$(IFS=,; echo "${JUMBO_SIZES[*]}")
	out=$("$XF_BIN/frametool" xfer --tx "$1" --rx "$2" --count "$JUMBO_COUNT" --sizes "$sizes" \
		--types "$JUMBO_TYPES")
	echo "$1 -> $2: $out"
	assert_contains "$out" "sent $n received $n intact $n " "$1 -> $2"
}

# jumbo_descs FRAME_SIZE: the descriptors jumbo_frames' frames take at least.
jumbo_descs() {
	local s n=0
	for s in "${JUMBO_SIZES[@]}"; do
		n=$((n + 3 * $(umem_frames "$s" "$1")))
	done
	# no IPv6 frame of 60 bytes
	echo $((JUMBO_COUNT * (n - 1)))
}

# assert_moved A B: after a clean stop, what port A received port B sent,
# packets and descriptors (no chain too long); B's kernel completed every
# descriptor it was given.
assert_moved() {
	local a=$1 b=$2
	assert_eq "$(summary_field "$a" rx_packets)" "$(summary_field "$b" tx_packets)" \
		"$a rx_packets = $b tx_packets"
	assert_eq "$(summary_field "$a" rx_descs)" "$(summary_field "$b" tx_descs)" \
		"$a rx_descs = $b tx_descs"
	assert_eq "$(summary_field "$b" tx_descs)" "$(summary_field "$b" tx_completed)" \
		"$b tx_completed = tx_descs"
	assert_eq 0 "$(summary_field "$b" tx_chain_too_long)" "$b tx_chain_too_long"
	assert_eq 0 "$(summary_field "$b" tx_invalid_descs)" "$b tx_invalid_descs"
}

# assert_clean_run: both directions moved, nothing dropped.
assert_clean_run() {
	local p
	assert_moved "$RIG_FWD_A" "$RIG_FWD_B"
	assert_moved "$RIG_FWD_B" "$RIG_FWD_A"
	for p in "$RIG_FWD_A" "$RIG_FWD_B"; do
		assert_redirects_accounted "$p"
		assert_eq 0 "$(summary_field "$p" drops)" "$p drops"
	done
}

# frames_intact_both_ways FRAME_SIZE: Done when 1, with FRAME_SIZE-byte
# UMEM frames; the forwarder took every frame, as chains.
frames_intact_both_ways() {
	local fs=$1 p
	fwd_start --frame-size "$fs"
	assert_file_contains "$FWD_LOG" "$RIG_FWD_A/q0: driver veth" "the start line"
	assert_file_contains "$FWD_LOG" "multi-buffer on" "the start line"
	jumbo_frames "$RIG_GEN:$RIG_GEN_IF" "$RIG_SINK:$RIG_SINK_IF"
	jumbo_frames "$RIG_SINK:$RIG_SINK_IF" "$RIG_GEN:$RIG_GEN_IF"
	fwd_stop
	grep '^summary' "$FWD_LOG"
	assert_clean_run
	for p in "$RIG_FWD_A" "$RIG_FWD_B"; do
		assert_ge "$(summary_field "$p" rx_packets)" $JUMBO_FRAMES "$p rx_packets"
		assert_ge "$(summary_field "$p" rx_descs)" "$(jumbo_descs "$fs")" "$p rx_descs"
	done
}

test_jumbo_frames_intact_2048() {
	frames_intact_both_ways 2048
}

test_jumbo_frames_intact_4096() {
	frames_intact_both_ways 4096
}

# Done when 2: ping of 9000 bytes with DF (IPv4 and IPv6) and 10 MB over TCP
# with matching sha256; the segments crossed as chains.
test_jumbo_ping_and_tcp() {
	require_cmd socat sha256sum ping ss
	fwd_start
	ip netns exec "$RIG_GEN" ping -c 3 -i 0.2 -W 2 -s 8972 -M "do" "$RIG_SINK_IP"
	ip netns exec "$RIG_GEN" ping -6 -c 3 -i 0.2 -W 2 -s 8952 -M "do" "$RIG_SINK_IP6"
	tcp_transfer "$RIG_GEN" "$RIG_SINK" "$RIG_SINK_IP" 5001
	fwd_stop
	assert_clean_run
	assert_ge "$(summary_field "$RIG_FWD_A" rx_descs)" \
		$(($(summary_field "$RIG_FWD_A" rx_packets) + 1)) "fwd0 rx_descs > rx_packets (chains)"
}

# Done when 3: a flood of frametool's malformed frames up to 9014 bytes
# (random bytes, truncated headers, lengths that disagree, VLAN stacks,
# fragments, runts, jumbo UDP frames whole or cut at a random byte; about a
# second at 20,000 frames/s) leaves the forwarder up; every frame the
# classifier saw moved one counter, every redirected frame is accounted for,
# what one port received the other sent; and a transfer that follows
# arrives intact, every frame.
test_jumbo_hostile_flood() {
	local flood=20000 out lost0
	fwd_start
	lost0=$(veth_lost "$RIG_GEN:$RIG_GEN_IF" "$RIG_FWD:$RIG_FWD_A")
	out=$("$XF_BIN/frametool" flood --tx "$RIG_GEN:$RIG_GEN_IF" --kind mixed \
		--max-size $((JUMBO_MTU + 14)) --count "$flood" --interval-us 50)
	echo "$out"
	assert_contains "$out" "flood sent $flood " "the flood"
	bg_running fwd || fail "the forwarder died during the flood"
	jumbo_frames "$RIG_GEN:$RIG_GEN_IF" "$RIG_SINK:$RIG_SINK_IF"
	fwd_stop
	grep '^summary' "$FWD_LOG"
	assert_classifier_saw $((flood + JUMBO_FRAMES)) "$lost0" "$CHATTER_MAX"
	assert_ge "$(summary_field "$RIG_FWD_A" xdp_drop_malformed)" 1 "fwd0 malformed drops"
	assert_moved "$RIG_FWD_A" "$RIG_FWD_B"
	assert_moved "$RIG_FWD_B" "$RIG_FWD_A"
	assert_redirects_accounted "$RIG_FWD_A"
	assert_redirects_accounted "$RIG_FWD_B"
}

# An MTU whose frames would need longer chains than the kernel takes
# (MAX_SKB_FRAGS + 1 descriptors in copy mode) is refused before anything
# is attached: one line naming the interface, exit status 1. 2048-byte
# frames hold 1792 bytes: MTU 65535 needs 37.
test_jumbo_mtu_too_big_for_chains() {
	local rc=0 frags need
	frags=$(cat /proc/sys/net/core/max_skb_frags 2>/dev/null || echo 17)
	need=$(umem_frames $((65535 + 18)) 2048)
	[ "$need" -gt $((frags + 1)) ] || skip "this kernel takes chains of $((frags + 1)) frames"
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_A" mtu 65535
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--frame-size 2048 --duration 1 >"$XF_TEST_TMP/out" 2>"$XF_TEST_TMP/err" || rc=$?
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_A" mtu "$JUMBO_MTU"
	cat "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status"
	assert_eq 1 "$(wc -l <"$XF_TEST_TMP/err")" "error lines"
	assert_eq 0 "$(wc -c <"$XF_TEST_TMP/out")" "stdout"
	assert_file_contains "$XF_TEST_TMP/err" "xskfwd: $RIG_FWD_A: MTU 65535 does not fit 2048-byte frames \
(at most MTU 1774) and a packet would take $need frames, more than the kernel's $((frags + 1)) \
(MAX_SKB_FRAGS + 1): use --frame-size 4096, or lower the MTU (ip link set dev $RIG_FWD_A mtu 1774)"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
	assert_no_lock "$RIG_FWD" "$RIG_FWD_A"
}

# At MTU 9000 multi-buffer is on, and the start record says, per port, what
# the kernel's netdev family gave for the driver's zero-copy chain limit
# (xdp_zc_max_segs): the same as an independent reading of the family
# (tests/tools/netdev_dev_get.py, as ynl reads it). veth has no zero-copy,
# so the kernel reports none: JSON null, and the text says why. A forced
# zero-copy bind is refused, naming what the driver lacks.
test_jumbo_start_record_zc_max_segs() {
	local rc=0 want
	ip netns exec "$RIG_FWD" python3 "$XF_ROOT/tests/tools/netdev_dev_get.py" \
		"$RIG_FWD_A" "$RIG_FWD_B" | tee "$XF_TEST_TMP/kernel"
	fwd_start --json
	fwd_stop
	head -n 1 "$FWD_LOG"
	# The JSON checked; the text lines the same values give, into want.
	python3 - "$FWD_LOG" "$XF_TEST_TMP/kernel" >"$XF_TEST_TMP/want" <<'PY'
import json, sys
start = next(r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "start")
kernel = {d["ifname"]: d["xdp-zc-max-segs"] for d in map(json.loads, open(sys.argv[2]))}
assert sorted(p["port"] for p in start["ports"]) == sorted(kernel), (start["ports"], kernel)
for p in start["ports"]:
    assert all(q["multi_buffer"] is True for q in p["queues"]), p
    assert "xdp_zc_max_segs" in p, p
    got, want = p["xdp_zc_max_segs"], kernel[p["port"]]
    assert got == want, f'{p["port"]}: xdp_zc_max_segs {got}, the kernel says {want}'
    assert got is None or (isinstance(got, int) and got >= 1), got
    said = "not reported (no AF_XDP zero-copy)" if got is None else f"{got} (its zero-copy chain limit)"
    print(f'{p["port"]}: driver {p["driver"]}, xdp_zc_max_segs {said}')
PY
	fwd_start
	fwd_stop
	while read -r want; do
		assert_file_contains "$FWD_LOG" "$want"
	done <"$XF_TEST_TMP/want"
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--mode zero-copy --duration 1 >/dev/null 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status of a refused zero-copy bind"
	assert_eq 1 "$(wc -l <"$XF_TEST_TMP/err")" "lines of error output"
	assert_file_contains "$XF_TEST_TMP/err" \
		"$RIG_FWD_A/q0: zero-copy bind refused: driver veth has no AF_XDP zero-copy support"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
}
