# shellcheck shell=bash
# test_classifier.sh - the XDP classifier under BPF_PROG_TEST_RUN.
#
# build/tests/test_classifier (tests/bpf/) loads the classifier (never
# attached) once per rule set, feeds it crafted and random frames and checks
# each verdict and counter; no interfaces, no namespaces. These tests run it,
# and run it again against an object built by clang-19, so that a newer
# compiler's code is put through the verifier (and the same table) too.
#
# build/tests/test_route_classifier does the same for the route flavour,
# whose verdicts come from the kernel's FIB: it runs inside the namespace
# xtb-route, which route_ns_up builds (five veth pairs, addresses, routes and
# neighbours, as tests/bpf/test_route_classifier.c describes them) and
# teardown removes.

ROUTE_NS=xtb-route

teardown() {
	ip netns del "$ROUTE_NS" 2>/dev/null || true
}

# The clang-19 build plus a full run of the table and random frames.
TIMEOUT_test_classifier_clang19=300
# 2 x 100000 random frames per rule set, half of them up to 9014 bytes: about
# 17 s on an idle 2-core VM (two system calls per frame: the test_run and one
# batched read of the counters).
TIMEOUT_test_classifier_test_run=300

test_classifier_test_run() {
	require_root
	[ -x "$XF_BIN/tests/test_classifier" ] || fail "build first: make"
	"$XF_BIN/tests/test_classifier" || fail "test_classifier failed (exit status $?)"
}

# The BPF object built with clang-19 into a scratch folder, and the same
# test binaries built around it: they load the object with 0, 1 and 64 rules
# (the verifier's worst case) and in the route flavour, and check the
# verdicts (the route flavour's in xtb-route, its cost measured briefly).
test_classifier_clang19() {
	local b=$XF_TEST_TMP/build
	require_root
	require_cmd ip sysctl
	command -v clang-19 >/dev/null 2>&1 || skip "clang-19 not installed"
	make -C "$XF_ROOT" --no-print-directory CLANG=clang-19 BUILD="$b" \
		"$b/tests/test_classifier" "$b/tests/test_route_classifier"
	# the object really is clang-19's (DWARF producer)
	grep -aq 'clang version 19\.' "$b/xskfwd.bpf.o" ||
		fail "$b/xskfwd.bpf.o was not built by clang 19"
	XF_RANDOM_FRAMES=${XF_RANDOM_FRAMES:-20000} "$b/tests/test_classifier" ||
		fail "test_classifier (clang-19 object) failed (exit status $?)"
	XF_REPEAT=10000 XF_SINGLE_RUNS=1000 route_test "$b/tests/test_route_classifier"
}

# route_ns_up: the namespace test_route_classifier runs in. rN has peer pN
# (both in it, up); every address is in 198.18.0.0/15 or 2001:db8::/32.
# Keep in step with the table at the top of tests/bpf/test_route_classifier.c.
route_ns_up() {
	local ns=$ROUTE_NS i dev host mac
	local -a n=(ip -n "$ns")
	ip netns del "$ns" 2>/dev/null || true
	ip netns add "$ns"
	for i in 0 1 2 3 4; do
		"${n[@]}" link add "r$i" address "02:52:00:00:0$i:01" type veth peer name "p$i" \
			address "02:52:00:00:0$i:02"
		"${n[@]}" link set "r$i" up
		"${n[@]}" link set "p$i" up
		"${n[@]}" addr add "198.18.$i.1/24" dev "r$i"
		"${n[@]}" -6 addr add "2001:db8:$(printf '%x' "$i")::1/64" dev "r$i" nodad
	done
	# forwarding on everywhere (all.forwarding reaches every interface), then off on r4
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.r4.forwarding=0 net.ipv6.conf.r4.forwarding=0
	# PERMANENT neighbours: r0's .9 (egress == ingress), r1's and r2's .2, r3's .2
	for i in 0:9:09 1:2:02 2:2:02 3:2:02; do
		IFS=: read -r dev host mac <<<"$i"
		"${n[@]}" neigh replace "198.18.$dev.$host" lladdr "02:00:00:00:0$dev:$mac" \
			dev "r$dev" nud permanent
		"${n[@]}" -6 neigh replace "2001:db8:$dev::$host" lladdr "02:00:00:00:0$dev:$mac" \
			dev "r$dev" nud permanent
	done
	"${n[@]}" route add 198.19.2.0/24 via 198.18.2.2
	"${n[@]}" -6 route add 2001:db8:102::/64 via 2001:db8:2::2
	"${n[@]}" route add 198.19.20.0/24 via 198.18.2.2 mtu lock 1280
	"${n[@]}" -6 route add 2001:db8:120::/64 via 2001:db8:2::2 mtu lock 1280
	"${n[@]}" route add blackhole 198.19.10.0/24
	"${n[@]}" route add unreachable 198.19.11.0/24
	"${n[@]}" route add prohibit 198.19.12.0/24
	"${n[@]}" -6 route add blackhole 2001:db8:110::/64
	"${n[@]}" -6 route add unreachable 2001:db8:111::/64
	"${n[@]}" -6 route add prohibit 2001:db8:112::/64
}

# route_test BIN: BIN (a test_route_classifier) in a fresh xtb-route.
route_test() {
	route_ns_up
	ip -n "$ROUTE_NS" -br addr
	ip -n "$ROUTE_NS" route
	ip -n "$ROUTE_NS" -6 route
	ip -n "$ROUTE_NS" neigh
	ip netns exec "$ROUTE_NS" "$1" r0 r1 r2 r3 r4 ||
		fail "$1 failed (exit status $?)"
	ip netns del "$ROUTE_NS"
}

# The route flavour against the FIB of xtb-route: every reason, the
# metadata of the fast path, the plain flavour on the same frames, and the
# cost of both (printed: "route flavour: N ns/frame, plain: M ns/frame").
test_classifier_route() {
	require_root
	require_cmd ip sysctl
	[ -x "$XF_BIN/tests/test_route_classifier" ] || fail "build first: make"
	route_test "$XF_BIN/tests/test_route_classifier"
}
