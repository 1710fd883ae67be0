# shellcheck shell=bash
# test_caps.sh - xskfwd forward without root: a non-root uid (65534) holding
# exactly the capabilities README.md and docs/security.md list, and nothing
# else (setpriv: inheritable, ambient and bounding sets, no groups).
#
# Rig prefix xtc- (setup_file/teardown_file). The forwarder runs inside
# `ip netns exec` (its own mount namespace), where /run/xskfwd is replaced by
# a scratch directory the uid owns (a bind mount only that command sees): a
# non-root uid cannot create lock files in root's /run/xskfwd (DAC), and the
# locks of other runs stay out of the way. Each case runs without bpffs (as
# `ip netns exec` leaves it) and with bpffs mounted inside the namespace.
#
# Measured on this project's VM (kernel 6.18, libxdp 1.3.1, veth): the set
# below starts, forwards and exits cleanly; without CAP_PERFMON the verifier
# refuses the classifier (and libxdp's dispatcher); libxdp never gets a
# dispatcher here, with bpffs or without (its compatibility check fails
# even for root), so the classifier is the interface's only program.

RIG_PREFIX=xtc-
# What docs/security.md lists, as setpriv spells it.
CAPS=bpf,perfmon,net_admin,net_raw,ipc_lock
# CapEff of a process holding exactly $CAPS: CAP_NET_ADMIN (12), CAP_NET_RAW
# (13), CAP_IPC_LOCK (14), CAP_PERFMON (38), CAP_BPF (39).
CAPS_EFF=000000c000007000
CAPS_UID=65534

setup_file() {
	require_root
	require_cmd ip ethtool setpriv
	if [ ! -x "$XF_BIN/xskfwd" ] || [ ! -x "$XF_BIN/frametool" ]; then
		fail "build first: make"
	fi
	rig_up
	# The mount point for the per-command lock directory.
	mkdir -p /run/xskfwd
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# lockdir_new: a fresh scratch directory owned by the uid, in LOCKDIR.
lockdir_new() {
	LOCKDIR=$XF_TEST_TMP/locks.$1
	mkdir "$LOCKDIR"
	chown "$CAPS_UID" "$LOCKDIR"
}

# as_uid BPFFS CAPS CMD...: in the forwarder's namespace (a mount namespace
# of its own), with $LOCKDIR as /run/xskfwd and bpffs mounted if BPFFS is 1,
# exec CMD as uid 65534 with exactly CAPS (setpriv syntax: "bpf,net_raw").
# It execs: the calling shell becomes CMD (call it in a subshell, or through
# bg_start, whose PID is then CMD's).
as_uid() {
	local bpffs=$1 set=-all
	[ -z "$2" ] || set="-all,+${2//,/,+}"
	shift 2
	# shellcheck disable=SC2016 # expanded by the inner shell
	exec ip netns exec "$RIG_FWD" sh -c '
		set -e
		bpffs=$1 lockdir=$2 set=$3 uid=$4
		shift 4
		[ "$bpffs" = 1 ] && mount -t bpf bpf /sys/fs/bpf
		mount --bind "$lockdir" /run/xskfwd
		exec setpriv --reuid="$uid" --regid="$uid" --clear-groups \
			--inh-caps="$set" --ambient-caps="$set" --bounding-set="$set" "$@"' \
		sh "$bpffs" "$LOCKDIR" "$set" "$CAPS_UID" "$@"
}

# locks_held [KIND]: files in the run directory: every file, or with KIND
# "lock" / "sock" the ports' lock files / control sockets.
locks_held() {
	find "$LOCKDIR" -mindepth 1 ${1:+-name "*.$1"} | wc -l
}

# The documented set is enough to start, forward both ways, and exit
# cleanly on SIGINT: status 0, no XDP program left, no lock file left.
test_forward_with_documented_caps() {
	local bpffs pid
	for bpffs in 0 1; do
		echo "--- bpffs mounted: $bpffs"
		lockdir_new "$bpffs"
		bg_start fwd as_uid "$bpffs" "$CAPS" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" \
			"$RIG_FWD_B" --spin-us 0
		FWD_LOG=$(bg_log fwd)
		if ! wait_until 10 grep -q '^forwarding ' "$FWD_LOG"; then
			cat "$FWD_LOG"
			fail "the forwarder did not start with $CAPS (bpffs $bpffs)"
		fi
		# as_uid, sh and setpriv exec: the forwarder has the background PID.
		pid=$(bg_pid fwd)
		assert_eq xskfwd "$(cat "/proc/$pid/comm")" "forwarder process"
		assert_eq "$CAPS_UID" "$(awk '$1 == "Uid:" { print $2 }' "/proc/$pid/status")" \
			"the forwarder's uid"
		assert_eq "$CAPS_EFF" "$(awk '$1 == "CapEff:" { print $2 }' "/proc/$pid/status")" \
			"the forwarder's effective capabilities (exactly $CAPS)"
		assert_eq 2 "$(locks_held lock)" "lock files while running"
		assert_eq 2 "$(locks_held sock)" "control sockets while running"
		"$XF_BIN/frametool" xfer --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" \
			--types ipv4,ipv6,arp --sizes 64,1514 --count 3 | tee "$XF_TEST_TMP/ab"
		"$XF_BIN/frametool" xfer --tx "$RIG_SINK:$RIG_SINK_IF" --rx "$RIG_GEN:$RIG_GEN_IF" \
			--types ipv4,ipv6,arp --sizes 64,1514 --count 3 | tee "$XF_TEST_TMP/ba"
		assert_file_contains "$XF_TEST_TMP/ab" "sent 18 received 18 intact 18"
		assert_file_contains "$XF_TEST_TMP/ba" "sent 18 received 18 intact 18"
		bg_stop fwd INT
		grep -v '^ *[0-9.]*s ' "$FWD_LOG"
		assert_eq 0 "$BG_STATUS" "forwarder exit status after SIGINT (bpffs $bpffs)"
		assert_file_contains "$FWD_LOG" "xdp native (single program)"
		if grep -q 'warning' "$FWD_LOG"; then
			fail "warnings from a clean run: $(grep warning "$FWD_LOG")"
		fi
		assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
		assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
		assert_eq 0 "$(locks_held)" "lock files or sockets left after the exit"
	done
}

# One capability less: exit status 1 and one line that names it. CAP_PERFMON
# is the one the documentation used to leave out ("Permission denied" from
# the verifier, before the message named it).
test_missing_capability_named() {
	local drop caps rc want
	for drop in perfmon net_admin bpf net_raw; do
		want="xskfwd: $RIG_FWD_A: attaching XDP needs CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN (or root); missing: CAP_${drop^^}"
		[ "$drop" = net_raw ] &&
			want="xskfwd: creating the UMEM (an AF_XDP socket) needs CAP_NET_RAW (or root)"
		caps=$(tr , '\n' <<<"$CAPS" | grep -vx "$drop" | paste -sd,)
		lockdir_new "no-$drop"
		rc=0
		(as_uid 0 "$caps" timeout 20 "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
			--duration 2) >"$XF_TEST_TMP/out" 2>"$XF_TEST_TMP/err" || rc=$?
		echo "--- without CAP_${drop^^} (caps $caps): status $rc"
		cat "$XF_TEST_TMP/err"
		assert_eq 1 "$rc" "exit status without CAP_${drop^^}"
		assert_eq 1 "$(wc -l <"$XF_TEST_TMP/err")" "lines on stderr without CAP_${drop^^}"
		assert_file_contains "$XF_TEST_TMP/err" "$want"
		assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
		assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
		assert_eq 0 "$(locks_held)" "lock files left without CAP_${drop^^}"
	done
}
