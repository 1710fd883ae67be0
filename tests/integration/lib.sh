# shellcheck shell=bash
# lib.sh - helpers for xskfwd's integration tests (tests/integration/test_*.sh).
#
# Sourced by run.sh before each test file; test files do not source it
# themselves. Modelled on xdp-tools' lib/testing/test_runner.sh.
#
# A test file defines functions named test_* and optionally setup_file /
# teardown_file (once around the file's tests, in the file's shell, so
# variables set by setup_file are seen by the tests) and setup / teardown
# (around each test, in the test's own subshell). Each test runs in a
# subshell with `set -eE -o pipefail`: any failing command fails the test.
#
# Exit statuses of a test: 0 pass, 77 skip (see skip), anything else fail.
#
# Variables: XF_ROOT (repo top), XF_BIN (built binaries, default
# $XF_ROOT/build), XF_RIG (scripts/rig.sh); per test: XF_TEST_NAME,
# XF_TEST_LOG (its log file), XF_TEST_TMP (a scratch dir removed afterwards).
#
# Helpers (see each function's comment):
#   skip REASON                      end the test as skipped
#   fail MSG                         end the test as failed
#   assert_eq EXPECTED ACTUAL [WHAT] string equality
#   assert_ne UNEXPECTED ACTUAL [WHAT]
#   assert_ge A B [WHAT]             integer A >= B
#   assert_contains HAYSTACK NEEDLE [WHAT]
#   assert_file_contains FILE NEEDLE [WHAT]   (fixed string, grep -F)
#   wait_until TIMEOUT_S CMD...      poll CMD every 0.1 s; 1 on timeout
#   bg_start NAME CMD...             start CMD in the background, log to a file
#   bg_stop NAME [SIGNAL]            stop it (SIGINT, then SIGKILL); sets BG_STATUS
#   bg_pid NAME / bg_log NAME / bg_running NAME
#   require_root / require_cmd CMD...  skip unless satisfied
#   assert_no_xdp NS DEV             no XDP program left on DEV
#   summary_field PORT FIELD         a counter of the forwarder summary in $FWD_LOG
#   assert_redirects_accounted PORT  redirected = received + left + socket drops
#   umem_frames SIZE FRAME_SIZE      UMEM frames (descriptors) a frame of SIZE takes
#   assert_no_lock NS DEV            xskfwd's lock file for DEV removed
#   xdp_socks NS                     AF_XDP sockets open in NS
#   assert_bad_args [PREFIX...] <LIST  each "EXPECTED|ARGS": exit 2, one line, nothing else
#   assert_went_away LOG PORT        the one line of a run that lost PORT
#   fwd_gone                         the forwarder has exited
#   rig_up [ARGS...]                 scripts/rig.sh up --prefix $RIG_PREFIX ARGS, and its RIG_* variables
#   fwd_start ARGS... / fwd_stop     the forwarder on the rig, started / stopped cleanly
#   sink_start ARGS... / sink_stop   the sink on sink0 (or SINK_NS/SINK_IF), likewise
#   received_at_least N              the sink's last JSON rate record counts N frames
#   json_field LINE NAME             the first "NAME":number of a JSON record
#   veth_lost TX_NS:DEV RX_NS:DEV    frames the kernel counted as lost on one veth
#   rig_lost [back]                  the same over the rig's path gen0 -> sink0 (or back)
#   ft_field REPORT NAME             a number from a frametool report line
#   assert_delivered SENT RECEIVED LOST WHAT [MAX_MISSING]
#                                    SENT - LOST <= RECEIVED <= SENT, missing bounded
#   assert_classifier_saw SENT LOST0 CHATTER_MAX
#                                    fwd0's classifier saw every frame gen0 sent
#   tcp_transfer FROM_NS TO_NS ADDR PORT   10 MB over TCP, sha256 compared

# BG_STATUS/BG_KILLED are set for the tests to read.
# shellcheck disable=SC2034
[[ -n "${_XF_LIB_SOURCED:-}" ]] && return 0
_XF_LIB_SOURCED=1

XF_ROOT=${XF_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
XF_BIN=${XF_BIN:-$XF_ROOT/build}
XF_RIG=${XF_RIG:-$XF_ROOT/scripts/rig.sh}
export XF_ROOT XF_BIN XF_RIG
# The tests compare xskfwd's stderr lines exactly: no wall-clock stamp in
# front of them (user/core/log.c). test_service checks the stamps themselves.
export XSKFWD_LOG_TIME=0

# Exit status that means "skipped".
readonly XF_SKIP_RC=77

# Seconds bg_stop waits after its signal before SIGKILL.
XF_BG_STOP_TIMEOUT=${XF_BG_STOP_TIMEOUT:-5}

# _xf_where: "file:line" of the test code that called a helper.
_xf_where() {
	local i
	for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
		if [[ "${BASH_SOURCE[i]}" != "${BASH_SOURCE[0]}" ]]; then
			echo "${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]}"
			return
		fi
	done
	echo "?"
}

# skip REASON: end the current test (or setup/setup_file) as skipped.
skip() {
	local reason=${1:-no reason given}
	echo "SKIP: $reason" >&2
	if [[ -n "${_XF_SKIP_FILE:-}" ]]; then
		printf '%s\n' "$reason" >"$_XF_SKIP_FILE"
	fi
	exit "$XF_SKIP_RC"
}

# fail MSG: print MSG (with the caller's file:line) and end the test as failed.
fail() {
	echo "FAIL: ${1:-failed} ($(_xf_where))" >&2
	exit 1
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
	[[ "$1" == "$2" ]] || fail "${3:-value}: expected '$1', got '$2'"
}

# assert_ne UNEXPECTED ACTUAL [WHAT]
assert_ne() {
	[[ "$1" != "$2" ]] || fail "${3:-value}: expected anything but '$1'"
}

# assert_ge A B [WHAT]: integers, A >= B.
assert_ge() {
	[[ "$1" =~ ^-?[0-9]+$ ]] || fail "${3:-value}: '$1' is not an integer"
	[[ "$2" =~ ^-?[0-9]+$ ]] || fail "${3:-value}: '$2' is not an integer"
	(($1 >= $2)) || fail "${3:-value}: expected >= $2, got $1"
}

# assert_contains HAYSTACK NEEDLE [WHAT]: NEEDLE is a fixed substring.
assert_contains() {
	[[ "$1" == *"$2"* ]] || fail "${3:-output}: '$2' not found in: $(printf '%s' "$1" | head -c 2000)"
}

# assert_file_contains FILE NEEDLE [WHAT]: NEEDLE is a fixed string (grep -F).
assert_file_contains() {
	[[ -f "$1" ]] || fail "${3:-file}: $1 does not exist"
	grep -qF -- "$2" "$1" || fail "${3:-file}: '$2' not found in $1"
}

# wait_until TIMEOUT_S CMD...: run CMD every 0.1 s until it succeeds (return
# 0) or TIMEOUT_S seconds have passed (return 1). CMD's output is not hidden.
wait_until() {
	local timeout=$1 end
	shift
	[[ "$timeout" =~ ^[0-9]+(\.[0-9]+)?$ ]] || fail "wait_until: bad timeout '$timeout'"
	end=$(awk -v n="${EPOCHREALTIME/./}" -v t="$timeout" 'BEGIN { printf "%.0f", n + t * 1000000 }')
	while :; do
		if "$@"; then
			return 0
		fi
		((${EPOCHREALTIME/./} < end)) || return 1
		sleep 0.1
	done
}

require_root() {
	[[ $EUID -eq 0 ]] || skip "needs root"
}

# require_cmd CMD...: skip naming the first command that is not found.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "command not found: $c"
	done
}

# --- background processes ---------------------------------------------------
# Registry: one file per name in $_XF_BG_DIR holding "PID STARTTIME
# STARTER_SHELL_PID LOG", so
# only processes started here are ever signalled (STARTTIME guards against
# PID reuse). Each background process leads its own process group.

# _xf_stat PID: set _XF_ST_STATE and _XF_ST_PGRP and _XF_ST_START from
# /proc/PID/stat (builtins only: this is called in polling loops).
_xf_stat() {
	local line
	{ read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
	line=${line##*) }
	# shellcheck disable=SC2086
	set -- $line
	_XF_ST_STATE=$1 _XF_ST_PGRP=$3 _XF_ST_START=${20}
}

# _xf_starttime PID: its start time (empty if gone).
_xf_starttime() {
	_xf_stat "$1" && echo "$_XF_ST_START"
	return 0
}

# _xf_alive PID STARTTIME: true if that very process exists and is not a zombie.
_xf_alive() {
	_xf_stat "$1" || return 1
	[[ "$_XF_ST_STATE" != [ZX] && "$_XF_ST_START" == "$2" ]]
}

# _xf_group_alive PGID: true if any non-zombie process is in that group.
_xf_group_alive() {
	local f
	for f in /proc/[0-9]*/stat; do
		f=${f#/proc/}
		_xf_stat "${f%/stat}" || continue
		[[ "$_XF_ST_PGRP" == "$1" && "$_XF_ST_STATE" != [ZX] ]] && return 0
	done
	return 1
}

_xf_bg_file() {
	[[ "$1" =~ ^[A-Za-z0-9_.-]+$ ]] || fail "bad background process name '$1'"
	[[ -n "${_XF_BG_DIR:-}" ]] || fail "background processes can only be used inside a test"
	echo "$_XF_BG_DIR/$1"
}

# bg_start NAME CMD...: start CMD in the background (its own process group,
# stdin /dev/null, stdout+stderr to a log file; see bg_log) and register it
# under NAME. Call it directly in the test, not inside $(...).
bg_start() {
	local name=$1
	shift
	(($#)) || fail "bg_start $name: no command"
	local f log pid st had_m=0
	f=$(_xf_bg_file "$name") || exit 1
	if [[ -f "$f" ]] && bg_running "$name"; then
		fail "bg_start: '$name' is already running"
	fi
	log="${_XF_BG_LOG_PREFIX:-${TMPDIR:-/tmp}/xf-bg}.bg-$name.log"
	[[ $- == *m* ]] && had_m=1
	set -m
	if [[ "$(type -t "$1")" == file ]]; then
		"$@" </dev/null >"$log" 2>&1 &
	else
		# A function or builtin: it runs in a subshell, which must not
		# inherit job control.
		{
			set +m
			"$@"
		} </dev/null >"$log" 2>&1 &
	fi
	pid=$!
	((had_m)) || set +m
	st=$(_xf_starttime "$pid")
	echo "$pid ${st:--} $BASHPID $log" >"$f"
	echo "bg_start $name: pid $pid: $* (log $log)"
}

# bg_pid NAME: print the PID of background process NAME.
bg_pid() {
	local f pid
	f=$(_xf_bg_file "$1") || exit 1
	[[ -f "$f" ]] || fail "no background process '$1'"
	read -r pid _ <"$f"
	echo "$pid"
}

# bg_log NAME: print the path of background process NAME's log.
bg_log() {
	local f log
	f=$(_xf_bg_file "$1") || exit 1
	[[ -f "$f" ]] || fail "no background process '$1'"
	read -r _ _ _ log <"$f"
	echo "$log"
}

# bg_running NAME: true if background process NAME is still running.
bg_running() {
	local f pid st
	f=$(_xf_bg_file "$1") || exit 1
	[[ -f "$f" ]] || return 1
	read -r pid st _ <"$f"
	_xf_alive "$pid" "$st"
}

# bg_stop NAME [SIGNAL]: send SIGNAL (default INT) to NAME's process group,
# wait up to $XF_BG_STOP_TIMEOUT s, then SIGKILL the group; unregister it.
# Sets BG_STATUS to its exit status (128+N if killed by signal N; empty if
# unknown) and BG_KILLED=1 if SIGKILL was needed. Returns 0 unless NAME is
# unknown, so check BG_STATUS yourself.
bg_stop() {
	local name=$1 sig=${2:-INT}
	local f pid st starter end
	f=$(_xf_bg_file "$name") || exit 1
	[[ -f "$f" ]] || fail "bg_stop: no background process '$name'"
	read -r pid st starter _ <"$f"
	BG_STATUS=
	BG_KILLED=0
	if _xf_alive "$pid" "$st"; then
		kill -s "$sig" -- "-$pid" 2>/dev/null || kill -s "$sig" "$pid" 2>/dev/null || true
		end=$((${EPOCHREALTIME/./} + XF_BG_STOP_TIMEOUT * 1000000))
		while _xf_alive "$pid" "$st" && ((${EPOCHREALTIME/./} < end)); do
			sleep 0.05
		done
		if _xf_alive "$pid" "$st"; then
			echo "bg_stop $name: still running ${XF_BG_STOP_TIMEOUT}s after SIG$sig, sending SIGKILL"
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
			BG_KILLED=1
		fi
	fi
	# Stragglers left in its process group (children of a wrapper) go too.
	if _xf_group_alive "$pid"; then
		kill -KILL -- "-$pid" 2>/dev/null || true
	fi
	# Only the shell that started it can collect its exit status (teardown
	# runs in a subshell of the test, for instance).
	if [[ "$starter" == "$BASHPID" ]]; then
		if wait "$pid" 2>/dev/null; then BG_STATUS=0; else BG_STATUS=$?; fi
	fi
	rm -f "$f"
	echo "bg_stop $name: pid $pid stopped${BG_STATUS:+, status $BG_STATUS}"
	return 0
}

# _xf_bg_stop_all: stop every still-registered background process.
_xf_bg_stop_all() {
	local f
	[[ -d "${_XF_BG_DIR:-}" ]] || return 0
	for f in "$_XF_BG_DIR"/*; do
		[[ -f "$f" ]] || continue
		bg_stop "${f##*/}"
	done
}

# --- xskfwd's own checks ----------------------------------------------------------

# assert_no_xdp NS DEV: no XDP program is attached to DEV in namespace NS.
assert_no_xdp() {
	local out
	out=$(ip -n "$1" link show dev "$2")
	case "$out" in
	*prog/xdp*) fail "$1:$2 still has an XDP program: $out" ;;
	esac
}

# assert_bad_args [PREFIX...] < LIST: for each line "EXPECTED|ARGS" of
# standard input, `PREFIX... xskfwd ARGS` (through eval: ARGS may quote)
# exits 2, prints nothing on stdout and exactly one line on stderr, which
# contains EXPECTED and has the one wording of every argument error:
# "xskfwd: MODE: WHAT: WHY (see xskfwd MODE --help)", the same MODE twice, or
# "... (see xskfwd help)" for an unknown command.
assert_bad_args() {
	local expect args rc
	while IFS='|' read -r expect args; do
		[ -n "$expect" ] || continue
		rc=0
		eval "$* \"\$XF_BIN/xskfwd\" $args" >"$XF_TEST_TMP/bad.out" \
			2>"$XF_TEST_TMP/bad.err" || rc=$?
		cat "$XF_TEST_TMP/bad.err"
		assert_eq 2 "$rc" "exit status of: xskfwd $args"
		assert_eq 1 "$(wc -l <"$XF_TEST_TMP/bad.err")" "error lines of: xskfwd $args"
		assert_file_contains "$XF_TEST_TMP/bad.err" "$expect" "error of: xskfwd $args"
		grep -qE '^xskfwd: (([a-z]+): .* \(see xskfwd \2 --help\)|.* \(see xskfwd help\))$' \
			"$XF_TEST_TMP/bad.err" ||
			fail "not the one wording of an argument error: xskfwd $args"
		assert_eq 0 "$(wc -c <"$XF_TEST_TMP/bad.out")" "stdout of: xskfwd $args"
	done
}

# assert_went_away LOG PORT: the run whose output (stdout and stderr) is in
# LOG lost PORT: exactly one line from xskfwd, naming PORT and why.
assert_went_away() {
	local err
	err=$(grep '^xskfwd: ' "$1" || true)
	echo "$err"
	assert_eq 1 "$(grep -c . <<<"$err")" "error lines"
	assert_contains "$err" "xskfwd: $2: the interface went away" "the error names $2 and why"
}

# xdp_socks NS: the AF_XDP sockets open in namespace NS.
xdp_socks() {
	# shellcheck disable=SC2016 # awk's own $1 and $3
	ip netns exec "$1" awk '$1 == "XDP" { print $3 }' /proc/net/protocols
}

# fwd_gone: the forwarder started by fwd_start has exited.
fwd_gone() { ! bg_running fwd; }

# summary_field PORT[/qN] FIELD: a counter from the exit summary of the
# forwarder whose output is in $FWD_LOG (e.g. summary_field fwd0 drops).
summary_field() {
	local line
	line=$(grep "^summary $1[ :]" "$FWD_LOG" | head -n 1 || true)
	[ -n "$line" ] || fail "no summary line for $1"
	sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<"$line"
}

# assert_redirects_accounted PORT[/qN]: every frame PORT's classifier
# redirected (in the summary in $FWD_LOG) was received by a socket, is still
# on its rx ring (rx_left: what the bounded exit drain did not take under
# overload) or was dropped by it and counted by the kernel (rx_dropped,
# rx_ring_full, rx_invalid_descs).
assert_redirects_accounted() {
	local p=$1 redir got
	redir=$(summary_field "$p" xdp_redirected)
	got=$(($(summary_field "$p" rx_packets) + $(summary_field "$p" rx_left) +
		$(summary_field "$p" rx_dropped) + $(summary_field "$p" rx_ring_full) +
		$(summary_field "$p" rx_invalid_descs)))
	echo "$p: redirected $redir, received, left on the ring or dropped by the socket $got"
	assert_eq "$redir" "$got" "$p redirected = received + left + socket drops"
}

# umem_frames SIZE FRAME_SIZE: the UMEM frames (descriptors of a chain) a
# frame of SIZE bytes takes at least with --frame-size FRAME_SIZE, each
# holding FRAME_SIZE less the kernel's 256 bytes of headroom.
umem_frames() {
	echo $((($1 + $2 - 256 - 1) / ($2 - 256)))
}

# assert_no_lock NS DEV: xskfwd's lock file for DEV in NS
# (/run/xskfwd/<netns inode>-<ifindex>.lock) has been removed.
assert_no_lock() {
	local lock
	lock=/run/xskfwd/$(stat -L -c %i "/var/run/netns/$1")-$(ip netns exec "$1" \
		cat "/sys/class/net/$2/ifindex").lock
	[ ! -e "$lock" ] || fail "lock file left behind: $lock"
}

# rig_up [ARGS...]: the file's rig, scripts/rig.sh up --prefix $RIG_PREFIX
# ARGS (--queues, --mtu), then its RIG_* variables (rig.sh env) set here.
rig_up() {
	"$XF_RIG" up --prefix "$RIG_PREFIX" "$@" >/dev/null
	eval "$("$XF_RIG" env --prefix "$RIG_PREFIX")"
}

# fwd_start ARGS...: `xskfwd forward` between the rig's fwd0 and fwd1 (the
# RIG_* variables of `rig.sh env`), waiting until it forwards; FWD_LOG is its
# output, kept after it stops.
fwd_start() {
	bg_start fwd ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" "$@"
	FWD_LOG=$(bg_log fwd)
	if ! wait_until 10 grep -qE '^forwarding |"type":"start"' "$FWD_LOG"; then
		cat "$FWD_LOG"
		fail "the forwarder did not start"
	fi
}

# fwd_stop: SIGINT; exit status 0, and nothing left on either port: no XDP
# program, no lock file.
fwd_stop() {
	local dev
	bg_stop fwd INT
	assert_eq 0 "$BG_STATUS" "forwarder exit status after SIGINT"
	for dev in "$RIG_FWD_A" "$RIG_FWD_B"; do
		assert_no_xdp "$RIG_FWD" "$dev"
		assert_no_lock "$RIG_FWD" "$dev"
	done
}

# sink_start ARGS...: `xskfwd sink` on the rig's sink0, or on $SINK_IF in
# namespace $SINK_NS when they are set, waiting until it receives; SINK_LOG
# is its output, kept after it stops.
sink_start() {
	bg_start sink ip netns exec "${SINK_NS:-$RIG_SINK}" "$XF_BIN/xskfwd" sink \
		"${SINK_IF:-$RIG_SINK_IF}" "$@"
	SINK_LOG=$(bg_log sink)
	if ! wait_until 10 grep -qE '^receiving on |"type":"start"' "$SINK_LOG"; then
		cat "$SINK_LOG"
		fail "the sink did not start"
	fi
}

# sink_stop: SIGINT; exit status 0, no XDP program and no lock file left
# (on the interface sink_start used: same SINK_NS/SINK_IF).
sink_stop() {
	bg_stop sink INT
	cat "$SINK_LOG"
	assert_eq 0 "$BG_STATUS" "sink exit status after SIGINT"
	assert_no_xdp "${SINK_NS:-$RIG_SINK}" "${SINK_IF:-$RIG_SINK_IF}"
	assert_no_lock "${SINK_NS:-$RIG_SINK}" "${SINK_IF:-$RIG_SINK_IF}"
}

# received_at_least N: the sink's latest JSON rate record (sink_start
# --json) counts >= N frames.
received_at_least() {
	local n
	n=$(grep '"type":"rate"' "$SINK_LOG" | tail -n 1 | sed -n 's/.*"received":\([0-9]*\).*/\1/p')
	[ -n "$n" ] && [ "$n" -ge "$1" ]
}

# json_field LINE NAME: the first "NAME":number in LINE.
json_field() {
	grep -o "\"$2\":[0-9.]*" <<<"$1" | head -n 1 | cut -d: -f2
}

# --- what the kernel may lose on the way, read from its own counters -------------
#
# Under load the kernel may drop frames on a veth; the tests never assume it
# did not. They read where it counted them and assert
#   sent - lost <= received <= sent
# (exact when nothing was counted lost), so a frame that vanishes without a
# counter showing it still fails the test. Where a veth counts its drops
# (drivers/net/veth.c, kernel 6.18):
#   - the sender's tx_dropped: veth_xmit found the peer's XDP ring (with an
#     XDP program on the peer) or the peer CPU's backlog (without) full, or
#     an XDP transmit into the peer (ndo_xdp_xmit: live frames, devmap)
#     failed. A packet socket's sender sees these as ENOBUFS and frametool
#     sends again; UDP sockets do not see them (no IP_RECVERR); AF_XDP copy
#     mode completes the descriptor anyway (sendto says EBUSY).
#   - the receiver's rx_queue_N_drops (ethtool -S): its XDP program
#     returned XDP_REDIRECT and the redirect failed (an AF_XDP socket's full
#     rx ring, counted by the socket too as rx_ring_full, or its empty fill
#     ring, as rx_dropped), or the frame could not be made an xdp_buff.
#     Deliberate XDP_DROPs are rx_queue_N_xdp_drops, not losses.
# The receiver's rx_dropped is not used: it also counts the sender's
# ndo_xdp_xmit failures again, and frames no protocol wanted.

# ft_field REPORT NAME: the number after NAME in a frametool report line
# ("sent N received N intact N ... rx_sock_drops N").
ft_field() {
	sed -n "s/.* $2 \([0-9]*\).*/\1/p" <<<" $1"
}

# veth_lost TX_NS:TX_DEV RX_NS:RX_DEV: frames the kernel has counted lost so
# far on the veth from TX_DEV to its peer RX_DEV: TX_DEV's tx_dropped plus
# RX_DEV's rx_queue_N_drops. Read it before and after; the difference is what
# was lost in between.
veth_lost() {
	local tx=$1 rx=$2 t d
	t=$(ip netns exec "${tx%%:*}" cat "/sys/class/net/${tx#*:}/statistics/tx_dropped")
	# shellcheck disable=SC2016 # awk's own $1, $2
	d=$(ip netns exec "${rx%%:*}" ethtool -S "${rx#*:}" |
		awk '$1 ~ /^rx_queue_[0-9]+_drops:$/ { s += $2 } END { print s + 0 }')
	echo $((t + d))
}

# rig_lost [back]: veth_lost over the rig's two veths, gen0 -> fwd0 and
# fwd1 -> sink0 (with "back": sink0 -> fwd1 and fwd0 -> gen0). Between
# them, what the forwarder could not take is counted on fwd0 (its socket's
# full rx ring is a failed redirect): it never drops in user space.
rig_lost() {
	if [[ "${1:-}" == back ]]; then
		echo $(($(veth_lost "$RIG_SINK:$RIG_SINK_IF" "$RIG_FWD:$RIG_FWD_B") +
			$(veth_lost "$RIG_FWD:$RIG_FWD_A" "$RIG_GEN:$RIG_GEN_IF")))
	else
		echo $(($(veth_lost "$RIG_GEN:$RIG_GEN_IF" "$RIG_FWD:$RIG_FWD_A") +
			$(veth_lost "$RIG_FWD:$RIG_FWD_B" "$RIG_SINK:$RIG_SINK_IF")))
	fi
}

# assert_classifier_saw SENT LOST0 CHATTER_MAX: the classifier on the rig's
# fwd0 (the summary in $FWD_LOG) saw the SENT frames gen0 sent it, each
# moving exactly one of its counters, short of at most what the kernel
# counted lost before it (veth_lost gen0 -> fwd0 since LOST0, less the
# failed redirects the forwarder's sockets counted as theirs) and beyond by
# at most CHATTER_MAX (gen0's own stack's frames: IPv6 ND/MLD).
assert_classifier_saw() {
	local sent=$1 lost0=$2 chatter=$3 seen=0 c k lost p=$RIG_FWD_A
	for c in xdp_redirected xdp_pass_nomatch xdp_pass_nosock xdp_drop_malformed xdp_pass_split; do
		k=$(summary_field "$p" "$c")
		assert_ge "$k" 0 "$p $c"
		seen=$((seen + k))
	done
	lost=$(($(veth_lost "$RIG_GEN:$RIG_GEN_IF" "$RIG_FWD:$p") - lost0 -
		$(summary_field "$p" rx_dropped) - $(summary_field "$p" rx_ring_full)))
	assert_ge "$lost" 0 "$p drops the kernel counted, less the socket's own"
	echo "$p: classifier saw $seen frames, $sent sent, $lost counted lost before it"
	assert_ge "$((seen + lost))" "$sent" "$p frames seen by the classifier"
	assert_ge "$((sent + chatter))" "$seen" "$p frames seen (at most sent + chatter)"
}

# assert_delivered SENT RECEIVED LOST WHAT [MAX_MISSING]: SENT - LOST <=
# RECEIVED <= SENT, where LOST is what the kernel counted as lost on the way
# (it may include other traffic's frames); and at most MAX_MISSING (default:
# a fifth of SENT) are missing, so a datapath that loses everything, counted
# or not, still fails.
assert_delivered() {
	local sent=$1 got=$2 lost=$3 what=$4 max=${5:-$(($1 / 5))}
	echo "$what: sent $sent, received $got, counted lost by the kernel $lost"
	assert_ge "$got" $((sent - lost)) "$what (sent $sent, kernel counted $lost lost)"
	assert_ge "$sent" "$got" "$what (at most what was sent)"
	assert_ge "$max" $((sent - got)) "$what: frames missing (at most $max)"
	((got == sent)) || echo "NOTE: $what: $((sent - got)) frames missing, within the $lost the kernel counted lost"
}

# --- TCP ----------------------------------------------------------------------

# tcp_listening NS PORT: a TCP socket listens on PORT in namespace NS.
tcp_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

# tcp_transfer FROM_NS TO_NS ADDR PORT: 10 MB of random bytes (made once per
# test, $XF_TEST_TMP/tcp_send) from FROM_NS over TCP to ADDR:PORT (IPv4 or
# IPv6), where socat listens in TO_NS; the file received has the same sha256.
tcp_transfer() {
	local from=$1 to=$2 addr=$3 port=$4 listen=TCP-LISTEN connect=TCP
	local send=$XF_TEST_TMP/tcp_send recv=$XF_TEST_TMP/tcp_recv$port
	[[ -f "$send" ]] || head -c 10000000 /dev/urandom >"$send"
	if [[ "$addr" == *:* ]]; then
		listen=TCP6-LISTEN connect=TCP6
		addr="[$addr]"
	fi
	bg_start "tcp$port" ip netns exec "$to" \
		socat -u "$listen:$port,reuseaddr,bind=$addr" OPEN:"$recv",creat,trunc
	wait_until 5 tcp_listening "$to" "$port" || fail "socat did not listen on $addr:$port"
	timeout 60 ip netns exec "$from" socat -u OPEN:"$send" "$connect:$addr:$port"
	wait_until 10 eval "! bg_running tcp$port" || fail "the receiver of $addr:$port did not finish"
	bg_stop "tcp$port" >/dev/null
	assert_eq "$(sha256sum <"$send")" "$(sha256sum <"$recv")" "sha256 of 10 MB $from -> $addr"
}
