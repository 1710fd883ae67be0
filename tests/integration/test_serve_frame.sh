# shellcheck shell=bash disable=SC2034 # TIMEOUT_* are read by run.sh
# test_serve_frame.sh - the kernel accepts the reply frames serve builds
# (user/serve/serve_frame.c: lengths, IPv4 header checksum, UDP checksums), and
# rejects them once a payload bit is flipped (so it really checks).
#
# Run with tests/integration/run.sh serve_frame. Needs root, ip, ethtool and
# build/reply_send. Its own namespace pair (prefix xh3-): xh3-sa (sa0,
# 198.18.31.1, 2001:db8:31::1) and xh3-sb (sb0, .2, ::2). sb0 has rx checksum
# offload off: otherwise veth marks frames from a packet socket as verified
# and the kernel checks nothing.
#
# reply_send sends 103 IPv4 and 102 IPv6 replies (UDP payloads 0..64 bytes,
# then every 37th size up to the 1500-byte MTU's limit) from sa0 to UDP
# sockets in xh3-sb.

SF_A=xh3-sa
SF_B=xh3-sb

TIMEOUT_test_kernel_accepts_replies=60
TIMEOUT_test_kernel_rejects_corrupted_replies=60

setup_file() {
	require_root
	require_cmd ip ethtool
	[ -x "$XF_BIN/reply_send" ] || fail "build first: make"
	teardown_file
	ip netns add "$SF_A"
	ip netns add "$SF_B"
	ip -n "$SF_A" link add sa0 type veth peer name sb0 netns "$SF_B"
	ip -n "$SF_A" link set dev sa0 address 02:58:46:00:31:01
	ip -n "$SF_B" link set dev sb0 address 02:58:46:00:31:02
	ip -n "$SF_A" addr add 198.18.31.1/24 dev sa0
	ip -n "$SF_B" addr add 198.18.31.2/24 dev sb0
	ip -n "$SF_A" addr add 2001:db8:31::1/64 dev sa0 nodad
	ip -n "$SF_B" addr add 2001:db8:31::2/64 dev sb0 nodad
	ip netns exec "$SF_B" ethtool -K sb0 rx off >/dev/null
	ip -n "$SF_A" link set dev sa0 up
	ip -n "$SF_B" link set dev sb0 up
}

teardown_file() {
	[[ $EUID -eq 0 ]] || return 0 # setup_file skipped: nothing was made
	ip netns del "$SF_A" 2>/dev/null || true
	ip netns del "$SF_B" 2>/dev/null || true
}

# udp_stat FIELD: a UDP counter of xh3-sb (InDatagrams, InCsumErrors from
# /proc/net/snmp; Udp6InDatagrams, Udp6InCsumErrors from /proc/net/snmp6).
# shellcheck disable=SC2016 # awk's own $1, $2, $i
udp_stat() {
	case "$1" in
	Udp6*) ip netns exec "$SF_B" awk -v f="$1" '$1 == f { print $2 }' /proc/net/snmp6 ;;
	*)
		ip netns exec "$SF_B" awk -v f="$1" '
			$1 == "Udp:" && !n { for (i = 2; i <= NF; i++) col[$i] = i; n = 1; next }
			$1 == "Udp:" { print $col[f] }' /proc/net/snmp
		;;
	esac
}

send_replies() {
	"$XF_BIN/reply_send" --tx "$SF_A:sa0" --rx "$SF_B" --dst-mac 02:58:46:00:31:02 \
		--src4 198.18.31.1 --dst4 198.18.31.2 --src6 2001:db8:31::1 --dst6 2001:db8:31::2 "$@"
}

test_kernel_accepts_replies() {
	local out d4 d6 e4 e6
	d4=$(udp_stat InDatagrams) d6=$(udp_stat Udp6InDatagrams)
	e4=$(udp_stat InCsumErrors) e6=$(udp_stat Udp6InCsumErrors)
	out=$(send_replies)
	echo "$out"
	assert_contains "$out" "ipv4 sent 103 intact 103" "IPv4 replies"
	assert_contains "$out" "ipv6 sent 102 intact 102" "IPv6 replies"
	assert_eq 103 $(($(udp_stat InDatagrams) - d4)) "IPv4 datagrams delivered"
	assert_eq 102 $(($(udp_stat Udp6InDatagrams) - d6)) "IPv6 datagrams delivered"
	assert_eq 0 $(($(udp_stat InCsumErrors) - e4)) "IPv4 UDP checksum errors"
	assert_eq 0 $(($(udp_stat Udp6InCsumErrors) - e6)) "IPv6 UDP checksum errors"
}

test_kernel_rejects_corrupted_replies() {
	local out e4 e6
	e4=$(udp_stat InCsumErrors) e6=$(udp_stat Udp6InCsumErrors)
	out=$(send_replies --corrupt)
	echo "$out"
	# Only the empty payloads (nothing to flip) get through.
	assert_contains "$out" "ipv4 sent 103 intact 1" "IPv4 corrupted replies"
	assert_contains "$out" "ipv6 sent 102 intact 1" "IPv6 corrupted replies"
	# The kernel dropped them for their checksums. Not an exact count: UDP
	# verifies lazily (at poll or recv time, where a datagram can be counted
	# twice, or never if it is still queued at the end); seen here: 66
	# corrupted frames counted 68 (IPv4) and 64 (IPv6) times.
	assert_ge $(($(udp_stat InCsumErrors) - e4)) 51 "IPv4 UDP checksum errors"
	assert_ge $(($(udp_stat Udp6InCsumErrors) - e6)) 50 "IPv6 UDP checksum errors"
}
