# shellcheck shell=bash
# test_status.sh - xskfwd status and xskfwd unload on the veth rig.
#
# The rig (prefix xu-, made by setup_file, removed by teardown_file) gives the
# forwarder's namespace two ports, fwd0 and fwd1. What is asserted is what an
# operator reads: a running forward's ports listed as held by its pid with
# our classifier; after kill -9, the classifier listed as left behind, which
# unload removes (nothing attached after, no lock file); a foreign program
# listed as foreign and never removed; a held port refused; bad arguments.

RIG_PREFIX=xu-

setup_file() {
	require_root
	require_cmd ip python3
	[ -x "$XF_BIN/xskfwd" ] || fail "build first: make"
	rig_up
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# xs ARGS...: xskfwd in the forwarder's namespace.
xs() {
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" "$@"
}

# assert_doc_keys MODE JSON: the record's keys are the ones docs/output.md lists.
assert_doc_keys() {
	python3 - "$XF_ROOT/docs/output.md" "$1" "$2" <<'PY' || fail "$1: keys against docs/output.md"
import json, re, sys
block = re.search(r"<!-- keys -->\n```\n(.*?)```", open(sys.argv[1]).read(), re.S).group(1)
keys = dict((tuple(w.split()), n.split()) for w, n in (l.split(": ") for l in block.splitlines()))
rec = json.loads(sys.argv[3])
assert list(rec) == keys[(sys.argv[2], rec["type"])], (list(rec), sys.argv[2])
PY
}

# port_status DEV: "STATE PID OURS" of DEV in `xskfwd status --json` (PID
# "-" when null; OURS: the names of our programs attached, or "-").
port_status() {
	xs status --json | python3 -c '
import json, sys
rec = json.loads(sys.stdin.read())
assert rec["type"] == "status", rec
for i in rec["interfaces"]:
    if i["interface"] == sys.argv[1]:
        ours = [p["name"] for p in i["programs"] if p["ours"]]
        pid = "-" if i["pid"] is None else str(i["pid"])
        print(i["state"], pid, ",".join(ours) or "-")
' "$1"
}

# instance_ports PID: the ports `xskfwd status --json` lists for PID.
instance_ports() {
	xs status --json | python3 -c '
import json, sys
rec = json.loads(sys.stdin.read())
for inst in rec["instances"]:
    if inst["pid"] == int(sys.argv[1]):
        print(" ".join(inst["ports"]))
' "$1"
}

test_running_forward_listed() {
	local pid out dev
	fwd_start
	pid=$(bg_pid fwd) # ip netns exec runs the forwarder in its own process
	for dev in "$RIG_FWD_A" "$RIG_FWD_B"; do
		assert_eq "running $pid xskfwd_xdp" "$(port_status "$dev")" "$dev in status"
	done
	assert_eq "$RIG_FWD_A $RIG_FWD_B" "$(instance_ports "$pid")" "the instance's ports"
	assert_doc_keys status "$(xs status --json)"
	out=$(xs status)
	echo "$out"
	assert_contains "$out" "running (pid $pid)"
	assert_contains "$out" "xskfwd_xdp (ours)"
	assert_contains "$out" "pid $pid: $RIG_FWD_A $RIG_FWD_B"
	fwd_stop
	assert_eq "none - -" "$(port_status "$RIG_FWD_A")" "fwd0 after a clean stop"
}

test_unload_held_port_refused() {
	local rc=0 pid
	fwd_start
	pid=$(bg_pid fwd)
	xs unload "$RIG_FWD_A" >"$XF_TEST_TMP/out" 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status of unload of a held port"
	assert_eq "xskfwd: $RIG_FWD_A is held by a running xskfwd (pid $pid)" \
		"$(cat "$XF_TEST_TMP/err")" "the one line"
	assert_eq "running $pid xskfwd_xdp" "$(port_status "$RIG_FWD_A")" "fwd0 still running"
	fwd_stop
}

test_left_behind_then_unloaded() {
	local dev out
	fwd_start
	bg_stop fwd KILL
	for dev in "$RIG_FWD_A" "$RIG_FWD_B"; do
		assert_eq "left behind - xskfwd_xdp" "$(port_status "$dev")" "$dev after kill -9"
	done
	out=$(xs status)
	echo "$out"
	assert_contains "$out" "Running xskfwd instances: none"
	# fwd1 by JSON (the record's keys are the documented ones), fwd0 by text
	assert_doc_keys unload "$(xs unload "$RIG_FWD_B" --json)"
	out=$(xs unload "$RIG_FWD_A")
	echo "$out"
	assert_contains "$out" "$RIG_FWD_A: removed the classifier left behind (id "
	for dev in "$RIG_FWD_A" "$RIG_FWD_B"; do
		assert_eq "none - -" "$(port_status "$dev")" "$dev after unload"
		assert_no_xdp "$RIG_FWD" "$dev"
		assert_no_lock "$RIG_FWD" "$dev"
	done
	# Nothing left: a second unload is an error (as xdp-loader unload's).
	assert_unload_refused "$RIG_FWD_A" "xskfwd: $RIG_FWD_A: no XDP program is attached"
}

# assert_unload_refused DEV LINE: unload DEV exits 1 with LINE alone on stderr.
assert_unload_refused() {
	local rc=0
	xs unload "$1" >"$XF_TEST_TMP/out" 2>"$XF_TEST_TMP/err" || rc=$?
	cat "$XF_TEST_TMP/err"
	assert_eq 1 "$rc" "exit status of unload $1"
	assert_eq "$2" "$(cat "$XF_TEST_TMP/err")" "the one line of unload $1"
	assert_eq 0 "$(wc -c <"$XF_TEST_TMP/out")" "stdout of unload $1"
}

test_foreign_listed_and_kept() {
	local out
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_A" xdpdrv obj "$XF_BIN/rig/xdp_pass.bpf.o" \
		sec xdp.frags
	out=$(xs status --json)
	assert_eq "foreign - -" "$(port_status "$RIG_FWD_A")" "fwd0 with a foreign program"
	assert_contains "$out" '"name":"foreign_pass"'
	assert_unload_refused "$RIG_FWD_A" \
		"xskfwd: $RIG_FWD_A: foreign_pass (id $(foreign_id)) is not xskfwd's: not removed"
	ip -n "$RIG_FWD" link show dev "$RIG_FWD_A" | tee "$XF_TEST_TMP/link"
	ip -n "$RIG_FWD" link set dev "$RIG_FWD_A" xdpdrv off
	assert_file_contains "$XF_TEST_TMP/link" "name foreign_pass"
}

# foreign_id: the id of the program on fwd0 (ip link's "prog/xdp id N").
foreign_id() {
	ip -n "$RIG_FWD" link show dev "$RIG_FWD_A" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}

test_bad_arguments() {
	assert_bad_args ip netns exec "$RIG_FWD" <<EOF
status: arguments: takes none, got 1|status $RIG_FWD_A
status: --duration: unknown option|status --duration 1
unload: arguments: expected IFACE, got 0 arguments|unload
unload: arguments: expected IFACE, got 2 arguments (at most 1)|unload $RIG_FWD_A $RIG_FWD_B
unload: nosuch0: no such interface|unload nosuch0
unload: --jsn: unknown option|unload $RIG_FWD_A --jsn
EOF
}
