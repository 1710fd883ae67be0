# shellcheck shell=bash disable=SC2034 # TIMEOUT_* are read by run.sh
# test_rig.sh - integration tests of the veth test rig (scripts/rig.sh).
#
# Run with tests/integration/run.sh [rig]. Needs root, ip, ethtool, ping.
# Uses the prefix "xt-" so it never touches a demo rig (xf-); every test
# brings the rig up itself and teardown_file takes it down.

RIG_TEST_PREFIX=xt-

# Per-test timeouts, read by run.sh.
TIMEOUT_test_rig_up_down=60
TIMEOUT_test_rig_queues=60
TIMEOUT_test_rig_mtu=60
TIMEOUT_test_rig_idempotent=60
TIMEOUT_test_rig_no_path_without_forwarder=30
TIMEOUT_test_rig_fwd_reachable=30

# rig CMD [ARGS...]: scripts/rig.sh with the test prefix.
rig() {
	local cmd=$1
	shift
	"$XF_RIG" "$cmd" --prefix "$RIG_TEST_PREFIX" "$@"
}

# ns_names: the rig's namespaces that exist, one per line.
ns_names() {
	ip netns list | awk -v p="$RIG_TEST_PREFIX" 'index($1, p) == 1 {print $1}' | sort
}

# in_ns NS CMD...: run CMD inside namespace NS.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# links_of NS: the names of the links in NS except lo, sorted, space separated.
links_of() {
	ip -n "$1" -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | grep -vx lo | sort | xargs
}

# check_end NS DEV MAC IP4/LEN IP6/LEN [MTU]: one veth end is as the rig
# promises (MTU: default 1500).
check_end() {
	local ns=$1 dev=$2 mac=$3 ip4=$4 ip6=$5 mtu=${6:-1500} out
	out=$(ip -n "$ns" -o link show dev "$dev") || fail "$dev missing in $ns"
	assert_contains "$out" "state UP" "$ns/$dev state"
	assert_contains "$out" "mtu $mtu " "$ns/$dev mtu"
	assert_eq "$mac" "$(in_ns "$ns" cat "/sys/class/net/$dev/address")" "$ns/$dev MAC"
	out=$(ip -n "$ns" -o addr show dev "$dev")
	assert_contains "$out" "inet $ip4 " "$ns/$dev IPv4 address"
	assert_contains "$out" "inet6 $ip6 " "$ns/$dev IPv6 address"
	out=$(in_ns "$ns" ethtool -k "$dev")
	assert_contains "$out" "tx-checksumming: off" "$ns/$dev tx checksum offload"
	assert_contains "$out" "tcp-segmentation-offload: off" "$ns/$dev TSO"
}

# check_peer NS DEV PEER_NS PEER_DEV: DEV's veth peer is PEER_DEV in PEER_NS.
check_peer() {
	local iflink ifindex
	iflink=$(in_ns "$1" cat "/sys/class/net/$2/iflink")
	ifindex=$(in_ns "$3" cat "/sys/class/net/$4/ifindex")
	assert_eq "$ifindex" "$iflink" "$1/$2 peer ifindex ($3/$4)"
	assert_contains "$(ip -n "$1" -d link show dev "$2")" "link-netns $3" "$1/$2 peer namespace"
}

# queues NS DEV rx|tx: number of queues of that kind.
queues() {
	in_ns "$1" ls "/sys/class/net/$2/queues" | grep -c "^$3-"
}

setup_file() {
	require_root
	require_cmd ip ethtool ping
	[[ -x "$XF_RIG" ]] || fail "$XF_RIG not found or not executable"
	rig down
}

teardown_file() {
	[[ $EUID -eq 0 ]] || return 0 # setup_file skipped: nothing was made
	rig down
	[[ -z "$(ns_names)" ]] || fail "namespaces left behind: $(ns_names | xargs)"
}

test_rig_up_down() {
	local p=$RIG_TEST_PREFIX
	rig up
	assert_eq "${p}fwd ${p}gen ${p}sink" "$(ns_names | xargs)" "namespaces after up"

	assert_eq "gen0" "$(links_of "${p}gen")" "links in ${p}gen"
	assert_eq "fwd0 fwd1" "$(links_of "${p}fwd")" "links in ${p}fwd"
	assert_eq "sink0" "$(links_of "${p}sink")" "links in ${p}sink"

	check_end "${p}gen" gen0 02:58:46:00:00:01 198.18.0.1/24 2001:db8::1/64
	check_end "${p}sink" sink0 02:58:46:00:00:02 198.18.0.2/24 2001:db8::2/64
	check_end "${p}fwd" fwd0 02:58:46:00:00:10 198.18.0.254/24 2001:db8::fe/64
	check_end "${p}fwd" fwd1 02:58:46:00:00:11 198.18.1.254/24 2001:db8:1::fe/64
	check_peer "${p}gen" gen0 "${p}fwd" fwd0
	check_peer "${p}sink" sink0 "${p}fwd" fwd1

	# Nothing was created in the host namespace.
	local dev
	for dev in gen0 fwd0 fwd1 sink0; do
		! ip link show dev "$dev" >/dev/null 2>&1 || fail "$dev exists in the host namespace"
	done

	rig status
	eval "$(rig env)"
	assert_eq "${p}gen" "$RIG_GEN" "RIG_GEN from env"
	assert_eq 02:58:46:00:00:02 "$RIG_SINK_MAC" "RIG_SINK_MAC from env"
	assert_eq 2001:db8::fe "$RIG_FWD_IP6" "RIG_FWD_IP6 from env"
	assert_eq 1500 "$RIG_MTU" "RIG_MTU from env"

	rig down
	assert_eq "" "$(ns_names | xargs)" "namespaces after down"
	rig down || fail "second down failed"
	! rig status || fail "status says up after down"
}

test_rig_queues() {
	local p=$RIG_TEST_PREFIX ns dev ns_dev
	rig up --queues 4
	for ns_dev in "${p}gen:gen0" "${p}fwd:fwd0" "${p}fwd:fwd1" "${p}sink:sink0"; do
		ns=${ns_dev%%:*} dev=${ns_dev#*:}
		assert_eq 4 "$(queues "$ns" "$dev" rx)" "$ns/$dev rx queues"
		assert_eq 4 "$(queues "$ns" "$dev" tx)" "$ns/$dev tx queues"
	done
	# Out-of-range queue counts are refused and leave nothing behind.
	rig down
	! rig up --queues 17 || fail "up --queues 17 succeeded"
	! rig up --queues 0 || fail "up --queues 0 succeeded"
	assert_eq "" "$(ns_names | xargs)" "namespaces after refused up"
}

# rig_refused ARGS...: `rig ARGS` is a bad argument: exit status 2, one
# line on stderr naming the problem, nothing on stdout.
rig_refused() {
	local rc=0
	rig "$@" >"$XF_TEST_TMP/out" 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	assert_eq 2 "$rc" "exit status of rig $*"
	assert_eq 1 "$(wc -l <"$XF_TEST_TMP/err")" "error lines of rig $*"
	assert_eq 0 "$(wc -c <"$XF_TEST_TMP/out")" "stdout of rig $*"
}

test_rig_mtu() {
	local p=$RIG_TEST_PREFIX ip6=2001:db8 out
	rig up --mtu 9000
	check_end "${p}gen" gen0 02:58:46:00:00:01 198.18.0.1/24 $ip6::1/64 9000
	check_end "${p}sink" sink0 02:58:46:00:00:02 198.18.0.2/24 $ip6::2/64 9000
	check_end "${p}fwd" fwd0 02:58:46:00:00:10 198.18.0.254/24 $ip6::fe/64 9000
	check_end "${p}fwd" fwd1 02:58:46:00:00:11 198.18.1.254/24 $ip6:1::fe/64 9000
	out=$(rig status)
	echo "$out"
	assert_eq 4 "$(grep -c ' mtu 9000 ' <<<"$out")" "veth ends with mtu 9000 in status"
	eval "$(rig env)"
	assert_eq 9000 "$RIG_MTU" "RIG_MTU from env"
	# A 9000-byte IP packet with DF reaches fwd0's own stack.
	in_ns "${p}gen" ping -c 1 -W 2 -s 8972 -M "do" 198.18.0.254 || fail "ping of 9000 bytes to fwd0"
	# Out-of-range or misplaced MTUs are bad arguments; the rig stays.
	rig_refused up --mtu 1279
	assert_file_contains "$XF_TEST_TMP/err" "rig: error: invalid --mtu '1279': must be 1280..65535"
	rig_refused up --mtu=65536
	rig_refused up --mtu 9k
	rig_refused up --mtu
	rig_refused down --mtu 9000
	assert_file_contains "$XF_TEST_TMP/err" "rig: error: --mtu only applies to 'up'"
	rig status >/dev/null || fail "the rig is not up after refused arguments"
	rig up --mtu 65535
	eval "$(rig env)"
	assert_eq 65535 "$RIG_MTU" "RIG_MTU after up --mtu 65535"
	rig down
	eval "$(rig env)"
	assert_eq "" "$RIG_MTU" "RIG_MTU without a rig"
}

test_rig_idempotent() {
	local p=$RIG_TEST_PREFIX
	rig up
	rig up --queues 2
	assert_eq "${p}fwd ${p}gen ${p}sink" "$(ns_names | xargs)" "namespaces after two ups"
	assert_eq "gen0" "$(links_of "${p}gen")" "links in ${p}gen"
	assert_eq "fwd0 fwd1" "$(links_of "${p}fwd")" "links in ${p}fwd"
	assert_eq "sink0" "$(links_of "${p}sink")" "links in ${p}sink"
	# The second up really rebuilt the rig (with its queue count).
	assert_eq 2 "$(queues "${p}fwd" fwd0 rx)" "fwd0 rx queues after rebuild"
	assert_eq 1 "$(ip -n "${p}gen" -o -4 addr show dev gen0 | wc -l)" "IPv4 addresses on gen0"
	rig status
}

test_rig_no_path_without_forwarder() {
	local p=$RIG_TEST_PREFIX start elapsed
	rig up
	# Sanity: gen's link works at all, or the check below proves nothing.
	in_ns "${p}gen" ping -c 1 -W 2 198.18.0.254 || fail "gen cannot reach fwd0"
	start=${EPOCHREALTIME/./}
	if in_ns "${p}gen" ping -c 1 -W 2 198.18.0.2; then
		fail "gen reached sink over IPv4 without a forwarder"
	fi
	elapsed=$(((${EPOCHREALTIME/./} - start) / 1000))
	((elapsed <= 3000)) || fail "ping took ${elapsed} ms to give up"
	if in_ns "${p}gen" ping -6 -c 1 -W 2 2001:db8::2; then
		fail "gen reached sink over IPv6 without a forwarder"
	fi
	if in_ns "${p}sink" ping -c 1 -W 2 198.18.0.1; then
		fail "sink reached gen over IPv4 without a forwarder"
	fi
}

test_rig_fwd_reachable() {
	local p=$RIG_TEST_PREFIX
	rig up
	in_ns "${p}gen" ping -c 2 -i 0.2 -W 2 198.18.0.254 || fail "ping gen -> fwd0 (IPv4) failed"
	in_ns "${p}gen" ping -6 -c 2 -i 0.2 -W 2 2001:db8::fe || fail "ping gen -> fwd0 (IPv6) failed"
	# The answer came from fwd0's fixed MAC.
	assert_contains "$(ip -n "${p}gen" neigh show 198.18.0.254 dev gen0)" "lladdr 02:58:46:00:00:10" \
		"gen's neighbour entry for fwd0"
}
