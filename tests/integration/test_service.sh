# shellcheck shell=bash
# test_service.sh - xskfwd as a systemd service (systemd/xskfwd@.service.in):
# the unit `make install` writes passes `systemd-analyze verify` (its
# Documentation= pages included); the command line in its ExecStart=, run on
# the rig under a stand-in for systemd's notify socket, sends READY=1 once its
# start record is out and STOPPING=1 when it stops, from its own PID (what
# NotifyAccess=main accepts); stderr lines carry a wall-clock stamp off a
# terminal and a syslog priority on the journal; and, where systemd is PID 1,
# systemctl starts the unit, sees it ready and stops it, leaving no
# classifier (elsewhere that test is a skip).
#
# Namespaces: the rig with prefix xs-svc- (removed by teardown after each
# test). Files: installs below XF_TEST_TMP, and for the systemd test below
# /run/xs-svc and /run/systemd/system (removed by teardown).

RIG_PREFIX=xs-svc-
UNIT=xskfwd@.service

SVC_INST=xskfwd@xs.service
SVC_DIR=/run/xs-svc

setup_file() {
	[ -x "$XF_BIN/xskfwd" ] || fail "build first: make"
}

# After each test: what it set up (RIG_UP, SVC_UP are set by the test).
teardown() {
	if [[ -n "${SVC_UP:-}" ]]; then
		systemctl stop "$SVC_INST" || true
		rm -rf "$SVC_DIR" "/run/systemd/system/$SVC_INST.d" "/run/systemd/system/$UNIT"
		systemctl daemon-reload || true
	fi
	[[ -n "${RIG_UP:-}" ]] || return 0
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# svc_rig_up: the rig (lib.sh's rig_up), remembered for teardown.
svc_rig_up() {
	RIG_UP=1
	rig_up
}

# xf_make ARGS...: make in the repository for XF_BIN's build (a sanitizer
# build gets its SAN back, as in test_install).
xf_make() {
	local build=$XF_BIN san=() base
	[[ "$build" == "$XF_ROOT"/* ]] && build=${build#"$XF_ROOT"/}
	base=$(basename "$build")
	[[ "$base" == san-* ]] && san=("SAN=${base#san-}") && san=("${san[0]//+/,}")
	make --no-print-directory -C "$XF_ROOT" BUILD="$build" "${san[@]}" "$@" >/dev/null
}

# install_at DIR: make install with PREFIX=DIR/usr and CONFDIR=DIR/etc (no
# DESTDIR: the unit's ExecStart= then names a binary that exists), and a
# config DIR/etc/xs.conf: the example with the rig's interfaces.
install_at() {
	xf_make install PREFIX="$1/usr" CONFDIR="$1/etc"
	mkdir -p "$1/etc"
	sed "s/^interfaces: .*/interfaces: [${RIG_FWD_A:-fwd0}, ${RIG_FWD_B:-fwd1}]/" \
		"$XF_ROOT/docs/examples/forward.conf" >"$1/etc/xs.conf"
}

# unit_command UNIT_FILE INSTANCE: the command ExecStart= runs, one word a
# line, with $XSKFWD_MODE from Environment= and %i the instance.
unit_command() {
	local exec mode
	exec=$(sed -n 's/^ExecStart=//p' "$1")
	mode=$(sed -n 's/^Environment=XSKFWD_MODE=//p' "$1")
	[[ -n "$exec" && -n "$mode" ]] || fail "$1: no ExecStart= or XSKFWD_MODE"
	exec=${exec//\$XSKFWD_MODE/$mode}
	tr ' ' '\n' <<<"${exec//%i/$2}"
}

test_unit_passes_systemd_analyze_verify() {
	require_cmd systemd-analyze make man
	local d=$XF_TEST_TMP/i unit out rc=0
	install_at "$d"
	unit=$d/usr/lib/systemd/system/$UNIT
	assert_file_contains "$unit" "ExecStart=$d/usr/sbin/xskfwd \$XSKFWD_MODE --config $d/etc/%i.conf"
	out=$(cd "$XF_TEST_TMP" && MANPATH=$d/usr/share/man \
		systemd-analyze verify "$d/usr/lib/systemd/system/xskfwd@xs.service" 2>&1) || rc=$?
	echo "$out"
	assert_eq 0 "$rc" "systemd-analyze verify exit status"
	assert_eq "" "$out" "systemd-analyze verify output"
	# It does read the unit: an unknown key in a copy is reported.
	mkdir -p "$XF_TEST_TMP/bad"
	sed 's/^Type=notify$/&\nXsBogus=1/' "$unit" >"$XF_TEST_TMP/bad/$UNIT"
	out=$(cd "$XF_TEST_TMP" && MANPATH=$d/usr/share/man \
		systemd-analyze verify "$XF_TEST_TMP/bad/xskfwd@xs.service" 2>&1) || true
	assert_contains "$out" "XsBogus" "verify of a unit with an unknown key"
}

# The notify socket's stand-in: each datagram as one JSON line (its text and
# the sender's PID from SCM_CREDENTIALS, as systemd reads it) into LOG.
NOTIFY_PY='
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(sys.argv[1])
with open(sys.argv[2], "w") as log:
    while True:
        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        pid = [struct.unpack("iII", d)[0] for l, t, d in anc
               if l == socket.SOL_SOCKET and t == socket.SCM_CREDENTIALS]
        log.write(json.dumps({"text": msg.decode(), "pid": pid[0] if pid else None}) + "\n")
        log.flush()
'

# notify_field N KEY: of the N-th datagram received (from 1), KEY (text or pid).
notify_field() {
	python3 -c 'import json, sys
lines = open(sys.argv[1]).read().splitlines()
print(json.loads(lines[int(sys.argv[2]) - 1])[sys.argv[3]] if len(lines) >= int(sys.argv[2]) else "")' \
		"$XF_TEST_TMP/notify.log" "$1" "$2"
}

test_notify_ready_after_start_record_and_stopping() {
	require_root
	require_cmd ip python3 make
	svc_rig_up
	local d=$XF_TEST_TMP/i sock=$XF_TEST_TMP/notify.sock cmd=() log pid
	install_at "$d"
	mapfile -t cmd < <(unit_command "$d/usr/lib/systemd/system/$UNIT" xs)
	echo "ExecStart: ${cmd[*]}"
	: >"$XF_TEST_TMP/notify.log"
	bg_start notify python3 -c "$NOTIFY_PY" "$sock" "$XF_TEST_TMP/notify.log"
	wait_until 5 test -S "$sock" || fail "the notify listener did not start"
	bg_start fwd ip netns exec "$RIG_FWD" env NOTIFY_SOCKET="$sock" "${cmd[@]}"
	log=$(bg_log fwd)
	pid=$(bg_pid fwd)
	wait_until 10 grep -q READY=1 "$XF_TEST_TMP/notify.log" || {
		cat "$log"
		fail "no READY=1"
	}
	# The start record was flushed before READY=1 was sent.
	assert_file_contains "$log" '"type":"start"' "start record when READY=1 arrived"
	assert_eq $'READY=1\nSTATUS=forward on '"$RIG_FWD_A, $RIG_FWD_B" "$(notify_field 1 text)" \
		"first notification"
	assert_eq "$pid" "$(notify_field 1 pid)" "sender of READY=1 (the main PID)"
	ip -n "$RIG_FWD" link show dev "$RIG_FWD_A" | grep -q prog/xdp || fail "no classifier while ready"
	bg_stop fwd TERM
	assert_eq 0 "$BG_STATUS" "exit status after SIGTERM"
	cat "$log"
	assert_eq $'STOPPING=1\nSTATUS=stopping' "$(notify_field 2 text)" "second notification"
	assert_eq "$pid" "$(notify_field 2 pid)" "sender of STOPPING=1"
	assert_eq 2 "$(wc -l <"$XF_TEST_TMP/notify.log")" "notifications"
	assert_file_contains "$log" '"type":"summary"' "summary after STOPPING=1"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
	bg_stop notify TERM
}

# bad_line [ENV...]: the one error line of a bad argument, stderr to a file.
bad_line() {
	local err=$XF_TEST_TMP/err rc=0
	: >"$err"
	env -u XSKFWD_LOG_TIME "$@" "$XF_BIN/xskfwd" forward xs-nosuch0 xs-nosuch1 2>>"$err" || rc=$?
	assert_eq 2 "$rc" "exit status"
	cat "$err"
}

test_log_lines_stamped_off_terminal_prioritised_on_journal() {
	local want="forward: xs-nosuch0: no such interface (see xskfwd forward --help)" line ino
	line=$(bad_line)
	[[ "$line" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z\ xskfwd:\ (.*)$ ]] ||
		fail "no wall-clock stamp on a file: '$line'"
	assert_eq "$want" "${BASH_REMATCH[1]}" "the stamped line"
	assert_eq "xskfwd: $want" "$(bad_line XSKFWD_LOG_TIME=0)" "with XSKFWD_LOG_TIME=0"
	# JOURNAL_STREAM names stderr's device:inode when systemd connects it to
	# journald; then the priority leads, no stamp, no "xskfwd: ".
	: >"$XF_TEST_TMP/err"
	ino=$(stat -c %d:%i "$XF_TEST_TMP/err")
	assert_eq "<3>$want" "$(bad_line JOURNAL_STREAM="$ino")" "on the journal"
	# ... and only that stream: another's numbers do not count.
	[[ "$(bad_line JOURNAL_STREAM=1:1)" =~ Z\ xskfwd:\  ]] || fail "JOURNAL_STREAM of another stream"
}

# --version and `xskfwd version` with no terminal, no root, no interfaces.
test_version_everywhere() {
	local want
	want=$("$XF_BIN/xskfwd" --version </dev/null 2>&1)
	[[ "$want" =~ ^xskfwd\ [0-9]+\.[0-9]+ ]] || fail "--version: '$want'"
	assert_eq "$want" "$("$XF_BIN/xskfwd" version </dev/null 2>&1)" "xskfwd version"
	assert_eq "$want" "$("$XF_BIN/xskfwd" forward --version </dev/null 2>&1)" "forward --version"
	assert_eq "$want" "$(env -i "$XF_BIN/xskfwd" -V 2>&1)" "-V with an empty environment"
}

# Only where systemd runs the machine: the unit in /run/systemd/system, its
# instance in the rig's forwarder namespace (a drop-in's NetworkNamespacePath=),
# started, ready, stopped.
test_systemctl_start_ready_stop() {
	local comm
	comm=$(cat /proc/1/comm)
	[[ "$comm" == systemd ]] || skip "systemd is not PID 1 here (PID 1 is $comm)"
	require_root
	require_cmd systemctl make
	svc_rig_up
	local d=$SVC_DIR inst=$SVC_INST rc=0
	local drop=/run/systemd/system/$SVC_INST.d
	SVC_UP=1
	install_at "$d"
	cp "$d/usr/lib/systemd/system/$UNIT" /run/systemd/system/
	mkdir -p "$drop"
	printf '[Service]\nNetworkNamespacePath=/run/netns/%s\n' "$RIG_FWD" >"$drop/ns.conf"
	systemctl daemon-reload
	timeout 30 systemctl start "$inst" || rc=$?
	journalctl -u "$inst" --no-pager -n 20 || true
	assert_eq 0 "$rc" "systemctl start (returns once READY=1 arrived)"
	assert_eq active "$(systemctl is-active "$inst")" "state"
	assert_contains "$(systemctl show -p StatusText --value "$inst")" "forward on $RIG_FWD_A"
	ip -n "$RIG_FWD" link show dev "$RIG_FWD_A" | grep -q prog/xdp || fail "no classifier while active"
	systemctl stop "$inst"
	assert_eq 0 "$(systemctl show -p ExecMainStatus --value "$inst")" "exit status"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
}
