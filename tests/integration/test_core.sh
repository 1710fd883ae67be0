# shellcheck shell=bash
# test_core.sh - what every mode does the same way, through the one lifecycle
# (user/core/run.h): the argument checks before set-up, the exit statuses,
# SIGHUP, JSON that stays valid whatever an interface is called, one line for
# a vanished interface however many pollers saw it, the warning about queues
# no poller serves, --help and --version everywhere, -v without doubled
# prefixes.
#
# Namespaces: the rig with prefix xtc- (one queue per veth), a 4-queue rig
# xtd- made by the tests that need it, and xtc-q-MODE (one per mode) for
# interfaces with quotes and backslashes in their names. All removed by
# teardown_file.

RIG_PREFIX=xtc-
QRIG_PREFIX=xtd-
QNS=xtc-q
# Interface names a JSON writer must escape.
QA='x"a\1'
QB='x"a\2'
MODES=(forward route sink serve gen)

setup_file() {
	require_root
	require_cmd ip python3
	[ -x "$XF_BIN/xskfwd" ] || fail "build first: make"
	rig_up
	# route needs the kernel's forwarding (its slow path)
	ip netns exec "$RIG_FWD" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	SERVE_ROOT=$(mktemp -d)
	echo hello >"$SERVE_ROOT/f"
	chmod 755 "$SERVE_ROOT"
	chmod 644 "$SERVE_ROOT/f"
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
	"$XF_RIG" down --prefix "$QRIG_PREFIX" >/dev/null 2>&1 || true
	for mode in "${MODES[@]}"; do
		ip netns del "$QNS-$mode" 2>/dev/null || true
	done
	rm -rf "${SERVE_ROOT:?}"
}

# args_of MODE IFACE: the arguments MODE needs to start on IFACE.
args_of() {
	case $1 in
	forward) echo "forward $2 $RIG_FWD_B" ;;
	route) echo "route $2 $RIG_FWD_B" ;;
	sink) echo "sink $2" ;;
	serve) echo "serve $2 --root $SERVE_ROOT" ;;
	gen) echo "gen $2 --dst-mac 02:58:46:00:00:02" ;;
	esac
}

# Every mode against the common bad inputs: exit status 2, exactly one line
# of the one wording ("xskfwd: MODE: WHAT: WHY"), and nothing set up.
test_bad_inputs_every_mode() {
	local mode base ncpu
	ncpu=$(nproc --all)
	for mode in "${MODES[@]}"; do
		base=$(args_of "$mode" "$RIG_FWD_A")
		# "EXPECTED|EXTRA ARGS" -> "xskfwd: EXPECTED|BASE EXTRA ARGS", MODE named
		sed "s/^/xskfwd: /; s/MODE/$mode/; s#|#|$base #" <<EOF |
MODE: --queues: 'x' is not a number|--queues 0-x
MODE: --queues: $RIG_FWD_A has no queue 9 (it has 1: 0-0)|--queues 9
MODE: --cpus: CPU $ncpu is not available to this process|--cpus $ncpu
MODE: --cpus: 99999 is out of range|--cpus 99999
MODE: --duration: 0 is out of range (1..31536000)|--duration 0
MODE: --duration: needs an argument|--duration
MODE: --frobnicate: unknown option|--frobnicate
MODE: --mode: 'fast': must be one of auto, copy, zero-copy|--mode fast
EOF
			assert_bad_args ip netns exec "$RIG_FWD"
		# The interface: missing, unknown.
		assert_bad_args ip netns exec "$RIG_FWD" <<EOF
xskfwd: $mode: arguments: expected |$mode
xskfwd: $mode: nosuch0: no such interface|$(args_of "$mode" nosuch0)
EOF
	done
	# Conflicting options, one pair per mode.
	assert_bad_args ip netns exec "$RIG_FWD" <<EOF
xskfwd: forward: --batch: 128 exceeds --ring-size 64|forward $RIG_FWD_A $RIG_FWD_B --ring-size 64 --batch 128
xskfwd: route: --batch: 128 exceeds --ring-size 64|route $RIG_FWD_A $RIG_FWD_B --ring-size 64 --batch 128
xskfwd: sink: --all: cannot be combined with --match|sink $RIG_FWD_A --all --match udp
xskfwd: serve: --port: must lie outside --session-ports|serve $RIG_FWD_A --root $SERVE_ROOT --port 61000
xskfwd: serve: --root: /nonexistent: No such file or directory|serve $RIG_FWD_A --root /nonexistent
xskfwd: serve: --root: required: the directory to serve|serve $RIG_FWD_A
xskfwd: gen: --count: cannot be combined with --duration|gen $RIG_FWD_A --dst-mac 02:58:46:00:00:02 --count 5 --duration 1
xskfwd: gen: --engine: live does not use --queues, --mode, --tx-budget or --frame-size|gen $RIG_FWD_A --dst-mac 02:58:46:00:00:02 --engine live --mode copy
EOF
	# None of that set anything up.
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_B"
	assert_no_lock "$RIG_FWD" "$RIG_FWD_A"
}

test_help_and_version_every_mode() {
	local x="$XF_BIN/xskfwd" mode v
	v=$("$x" --version)
	assert_contains "$v" "xskfwd "
	for mode in "${MODES[@]}"; do
		"$x" "$mode" --help >"$XF_TEST_TMP/h1"
		"$x" help "$mode" >"$XF_TEST_TMP/h2"
		cmp "$XF_TEST_TMP/h1" "$XF_TEST_TMP/h2" || fail "help $mode differs from $mode --help"
		assert_file_contains "$XF_TEST_TMP/h1" "Usage: xskfwd $mode "
		assert_file_contains "$XF_TEST_TMP/h1" "Exit status: 0 clean stop, 1 run-time error, 2 bad arguments."
		assert_eq "$v" "$("$x" "$mode" --version)" "$mode --version"
		assert_eq "$v" "$("$x" "$mode" -V)" "$mode -V"
	done
}

# The options each mode's README table lists are the options its --help
# lists (both come from the option tables: the README is written by hand).
test_readme_option_tables() {
	python3 - "$XF_ROOT/README.md" "$XF_BIN/xskfwd" <<'PY'
import re, subprocess, sys
readme = open(sys.argv[1]).read()
bad = []
for mode in ("forward", "route", "sink", "serve", "gen"):
    m = re.search(r"<!-- options: %s -->\n(.*?)<!-- end options -->" % mode, readme, re.S)
    if not m:
        bad.append("README has no option table for %s" % mode)
        continue
    doc = set(re.findall(r"`(--[a-z0-9-]+)", m.group(1)))
    doc |= set(re.findall(r"`(-[a-zA-Z])[`,]", m.group(1)))
    out = subprocess.run([sys.argv[2], mode, "--help"], capture_output=True, text=True).stdout
    real = set(re.findall(r"^  (?:-[a-zA-Z], )?(--[a-z0-9-]+)", out, re.M))
    real |= set(re.findall(r"^  (-[a-zA-Z]),", out, re.M))
    if doc != real:
        bad.append("%s: README only: %s; --help only: %s" %
                   (mode, sorted(doc - real), sorted(real - doc)))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
}

# SIGHUP (a closed terminal) stops every mode cleanly: status 0, the summary,
# no classifier, lock or AF_XDP socket left behind.
test_sighup_clean_every_mode() {
	local mode log
	ip -n "$RIG_FWD" addr add 198.18.3.1/24 dev "$RIG_FWD_A" 2>/dev/null || true
	for mode in "${MODES[@]}"; do
		# shellcheck disable=SC2046
		bg_start "$mode" ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" \
			$(args_of "$mode" "$RIG_FWD_A") $([ "$mode" = gen ] && echo --rate 1000)
		wait_until 10 grep -q '^summary\|^\(forwarding\|routing\|receiving\|serving\|generating\) ' \
			"$(bg_log "$mode")" || fail "$mode did not start"
		sleep 0.3
		log=$(bg_log "$mode")
		bg_stop "$mode" HUP
		cat "$log"
		assert_eq 0 "$BG_STATUS" "$mode: exit status after SIGHUP"
		assert_file_contains "$log" "summary "
		assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
		assert_no_lock "$RIG_FWD" "$RIG_FWD_A"
		assert_eq 0 "$(xdp_socks "$RIG_FWD")" "$mode: AF_XDP sockets left"
	done
}

# json_run MODE OUT: MODE for 2 s (gen: 15 frames at 10/s) on $QA (and $QB)
# in the namespace $QNS-MODE, its --json output to OUT.
json_run() {
	local -a in_ns=(ip netns exec "$QNS-$1")
	case $1 in
	forward | route) "${in_ns[@]}" "$XF_BIN/xskfwd" "$1" "$QA" "$QB" --match 'udp dport 9' \
		--json --duration 2 >"$2" ;;
	sink) "${in_ns[@]}" "$XF_BIN/xskfwd" sink "$QA" --json --duration 2 >"$2" ;;
	serve) "${in_ns[@]}" "$XF_BIN/xskfwd" serve "$QA" --root "$SERVE_ROOT" --json \
		--duration 2 >"$2" ;;
	gen) "${in_ns[@]}" "$XF_BIN/xskfwd" gen "$QA" --dst-mac 02:58:46:00:00:02 \
		--engine xsk --count 15 --rate 10 --json >"$2" ;;
	esac
}

json_done() { ! bg_running "json-$1"; }

# Every mode's --json output is valid JSON with an interface named x"a\1,
# and every record has exactly the keys docs/output.md lists for it. The
# modes run at once, each in its own namespace (a rate record needs a
# second of running: 2 s in all, not 10).
test_json_quoted_iface_every_mode() {
	local mode log ns
	for mode in "${MODES[@]}"; do
		ns=$QNS-$mode
		ip netns add "$ns"
		ip -n "$ns" link add "$QA" type veth peer name "$QB"
		ip -n "$ns" link set "$QA" up
		ip -n "$ns" link set "$QB" up
		ip -n "$ns" addr add 198.18.4.1/24 dev "$QA"
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	done
	for mode in "${MODES[@]}"; do
		bg_start "json-$mode" json_run "$mode" "$XF_TEST_TMP/$mode.json"
	done
	for mode in "${MODES[@]}"; do
		wait_until 30 json_done "$mode" || fail "$mode: still running after 30 s"
		log=$(bg_log "json-$mode")
		bg_stop "json-$mode"
		cat "$log"
		assert_eq 0 "$BG_STATUS" "$mode: exit status"
		log=$XF_TEST_TMP/$mode.json
		cat "$log"
		python3 - "$log" "$QA" "$mode" "$XF_ROOT/docs/output.md" <<'PY' || fail "$mode: --json output"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
types = [r["type"] for r in recs]
assert types[0] == "start" and "rate" in types and types[-1] == "summary", types
doc = open(sys.argv[4]).read()
block = re.search(r"<!-- keys -->\n```\n(.*?)```", doc, re.S).group(1)
keys = {}
for line in block.splitlines():
    what, names = line.split(": ")
    keys[tuple(what.split())] = names.split()
for r in recs:
    want = keys[(sys.argv[3], r["type"])]
    assert list(r) == want, "%s %s: keys %s, docs/output.md: %s" % (sys.argv[3], r["type"], list(r), want)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["time"]), r["time"]
assert recs[0]["mode"] == sys.argv[3], recs[0]
ports = [p["port"] for p in recs[0].get("ports", [])] + [recs[0].get("port")]
assert sys.argv[2] in ports, ports
assert sys.argv[2] in [r["port"] for r in recs if r["type"] == "summary"], recs
PY
	done
	for mode in "${MODES[@]}"; do
		ip netns del "$QNS-$mode"
	done
}

# Four pollers see their interface go at once: one line says so.
test_went_away_once_four_queues() {
	"$XF_RIG" up --prefix "$QRIG_PREFIX" --queues 4 >/dev/null
	eval "$("$XF_RIG" env --prefix "$QRIG_PREFIX")"
	fwd_start --spin-us 0
	ip netns del "$RIG_SINK"
	wait_until 5 fwd_gone || fail "the forwarder still runs"
	bg_stop fwd INT
	assert_eq 1 "$BG_STATUS" "exit status"
	assert_went_away "$FWD_LOG" "$RIG_FWD_B"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
	"$XF_RIG" down --prefix "$QRIG_PREFIX" >/dev/null
	eval "$("$XF_RIG" env --prefix "$RIG_PREFIX")"
}

# Queues no poller serves are named at start, and what leaks to the host
# stack there shows on the live lines.
test_partial_queue_warning() {
	"$XF_RIG" up --prefix "$QRIG_PREFIX" --queues 4 >/dev/null
	eval "$("$XF_RIG" env --prefix "$QRIG_PREFIX")"
	fwd_start --queues 0-1
	sleep 1.2
	fwd_stop
	assert_file_contains "$FWD_LOG" \
		"xskfwd: warning: $RIG_FWD_A: queues 2-3 of 4 not served: chosen frames arriving there go to the host stack (counted as xdp_pass_nosock)"
	assert_file_contains "$FWD_LOG" \
		"xskfwd: warning: $RIG_FWD_B: queues 2-3 of 4 not served"
	grep -qE "^ +[0-9.]+s $RIG_FWD_A +rx .* to host: nomatch [0-9]+ nosock [0-9]+$" "$FWD_LOG" ||
		fail "no live line with what goes to the host"
	"$XF_RIG" down --prefix "$QRIG_PREFIX" >/dev/null
	eval "$("$XF_RIG" env --prefix "$RIG_PREFIX")"
}

# -v shows the libraries' messages, each prefixed once ("xskfwd: libbpf: ..."),
# never with the library's own prefix doubled.
test_verbose_prefixes() {
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" -v \
		--duration 1 >/dev/null 2>"$XF_TEST_TMP/err"
	grep -c '^xskfwd: lib\(bpf\|xdp\): ' "$XF_TEST_TMP/err" || fail "no library message with -v"
	if grep -E 'libbpf: libbpf:|libxdp: libxdp:' "$XF_TEST_TMP/err"; then
		fail "a doubled prefix"
	fi
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward "$RIG_FWD_A" "$RIG_FWD_B" \
		--duration 1 >/dev/null 2>"$XF_TEST_TMP/err"
	assert_eq 0 "$(grep -c 'lib\(bpf\|xdp\)' "$XF_TEST_TMP/err" || true)" "library lines without -v"
}
