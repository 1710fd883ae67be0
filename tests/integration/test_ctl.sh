# shellcheck shell=bash
# test_ctl.sh - `xskfwd ctl PORT COMMAND`: the control socket of a running
# forwarder, on the veth rig (gen -- fwd -- sink, prefix xk-, made by
# setup_file and removed by teardown_file).
#
# What a user checks: while gen's frames are forwarded, `ctl fwd0 stats
# --json` answers, and once they stop its summary records equal the exit
# summary's (but for counters that move without gen's frames: there the
# summary is at least ctl's); `status` lists the rules, from either port;
# 50 concurrent clients and 1000 malformed requests (oversized, binary,
# unknown commands, empty) are answered and counted, and a frametool
# transfer after them is intact; a socket left by a killed run is replaced;
# the socket is 0600 and gone after the stop; a port nobody holds is one
# line and exit 1, bad arguments exit 2.

RIG_PREFIX=xk-
GEN_RULE="udp dport 9000"

setup_file() {
	require_root
	require_cmd ip ethtool jq python3
	[ -x "$XF_BIN/xskfwd" ] && [ -x "$XF_BIN/frametool" ] || fail "build first: make"
	rig_up
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
}

# ctl ARGS...: `xskfwd ctl ARGS` in the forwarder's namespace.
ctl() {
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" ctl "$@"
}

# sock_path DEV: the control socket of the forwarder's DEV.
sock_path() {
	echo "/run/xskfwd/$(stat -L -c %i "/var/run/netns/$RIG_FWD")-$(ip netns exec "$RIG_FWD" \
		cat "/sys/class/net/$1/ifindex").sock"
}

# flat PORT: the summary record of PORT on stdin as "path=value" lines
# (time and seconds left out), sorted.
flat() {
	jq -r --arg p "$1" 'select(.type == "summary" and .port == $p) | del(.time, .seconds) |
		paths(scalars) as $k | "\($k | map(tostring) | join("."))=\(getpath($k))"' | sort
}

gen_done() { ! bg_running gen; }

# all_forwarded: every frame fwd0 took went out of fwd1, and none is waiting.
all_forwarded() {
	local s
	s=$(ctl "$RIG_FWD_A" stats --json) || return 1
	[ "$(jq -s --arg a "$RIG_FWD_A" --arg b "$RIG_FWD_B" '
		(map(select(.port == $a))[0]) as $x | (map(select(.port == $b))[0]) as $y |
		$x.rx_packets > 0 and $x.rx_packets == $y.tx_completed and $x.rx_left == 0' <<<"$s")" = true ]
}

test_ctl_stats_equal_summary() {
	local s name v got n=0
	fwd_start --json --match "$GEN_RULE"
	bg_start gen ip netns exec "$RIG_GEN" "$XF_BIN/xskfwd" gen "$RIG_GEN_IF" \
		--dst-mac "$RIG_SINK_MAC" --count 30000 --rate 10000
	wait_until 10 grep -q '^[0-9. ]*s ' "$(bg_log gen)" || true
	# While gen's frames are forwarded.
	s=$(ctl "$RIG_FWD_A" stats --json) || fail "ctl stats --json failed while forwarding"
	echo "$s" | head -c 600
	echo
	assert_eq 3 "$(jq -s 'length' <<<"$s")" "records (two summaries and ctl)"
	assert_eq '["summary","summary","ctl"]' "$(jq -sc 'map(.type)' <<<"$s")" "record types"
	assert_ge "$(jq -s --arg a "$RIG_FWD_A" 'map(select(.port == $a))[0].rx_packets' <<<"$s")" \
		1 "fwd0 rx_packets while forwarding"
	wait_until 30 gen_done || fail "gen did not finish"
	bg_stop gen INT
	wait_until 5 all_forwarded || fail "the forwarder never caught up"
	ctl "$RIG_FWD_A" stats --json >"$XF_TEST_TMP/last.json"
	fwd_stop
	for p in "$RIG_FWD_A" "$RIG_FWD_B"; do
		flat "$p" <"$XF_TEST_TMP/last.json" >"$XF_TEST_TMP/ctl.$p"
		grep '"type":"summary"' "$FWD_LOG" | flat "$p" >"$XF_TEST_TMP/sum.$p"
		assert_eq "$(cut -d= -f1 "$XF_TEST_TMP/sum.$p")" "$(cut -d= -f1 "$XF_TEST_TMP/ctl.$p")" \
			"$p: the same fields"
		while IFS='=' read -r name v; do
			got=$(sed -n "s/^$name=//p" "$XF_TEST_TMP/ctl.$p")
			case "$name" in
			*tx_ring_empty | *rx_fill_ring_empty | xdp_pass_nomatch)
				assert_ge "$v" "$got" "$p $name: summary at least ctl's" ;;
			*) assert_eq "$v" "$got" "$p $name: summary and ctl" ;;
			esac
			n=$((n + 1))
		done <"$XF_TEST_TMP/sum.$p"
	done
	echo "$n summary fields equal ctl's"
	assert_ge "$n" 40 "fields compared"
	assert_ge "$(jq -r 'select(.port != null) | .tx_packets' "$XF_TEST_TMP/last.json" |
		sort -n | tail -n 1)" 29000 "frames forwarded"
}

test_ctl_status_lists_rules() {
	local s sock
	fwd_start --match "$GEN_RULE" --match "ip6 dst 2001:db8::/32"
	s=$(ctl "$RIG_FWD_A" status) || fail "ctl status failed"
	echo "$s"
	assert_contains "$s" "rule 1: $GEN_RULE"
	assert_contains "$s" "rule 2: ip6 dst 2001:db8::/32"
	assert_contains "$s" " forward, pid "
	# Either port finds the instance; JSON has the start record's members.
	s=$(ctl "$RIG_FWD_B" status --json) || fail "ctl status --json failed"
	assert_eq "[\"$GEN_RULE\",\"ip6 dst 2001:db8::/32\"]" "$(jq -c .rules <<<"$s")" "rules"
	assert_eq forward "$(jq -r .mode <<<"$s")" "mode"
	assert_eq "[\"$RIG_FWD_A\",\"$RIG_FWD_B\"]" "$(jq -c '[.ports[].port]' <<<"$s")" "ports"
	assert_ge "$(jq '.ports[0].queues | length' <<<"$s")" 1 "queues of fwd0"
	assert_ge "$(jq '.uptime * 1000 | floor' <<<"$s")" 0 "uptime"
	sock=$(sock_path "$RIG_FWD_A")
	assert_eq "600 root" "$(stat -c '%a %U' "$sock")" "socket mode and owner"
	fwd_stop
	[ ! -e "$sock" ] || fail "socket left behind: $sock"
}

# ctl_flood: 50 concurrent clients asking for stats, then 1000 malformed
# requests, from Python in the forwarder's namespace; prints "ok N" for the
# good answers, "errors N" for the error lines.
ctl_flood() {
	ip netns exec "$RIG_FWD" python3 - "$(sock_path "$RIG_FWD_A")" <<'EOF'
import socket, sys, threading
path = sys.argv[1]
def ask(req, out, i):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(path)
    try:
        s.sendall(req)
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the server may answer and close before it read everything
    data = b""
    while True:
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            break
        if not b:
            break
        data += b
    s.close()
    out[i] = data
out = [None] * 50
th = [threading.Thread(target=ask, args=(b"stats --json\n", out, i)) for i in range(50)]
for t in th: t.start()
for t in th: t.join()
print("ok", sum(1 for d in out if d and d.startswith(b'{"type":"summary"')))
bad = [b"x" * 5000, b"\x00\xff\x01binary\n", b"nosuch\n", b"stats --yaml\n", b"", b"status  --json\n",
       b"stats --json --json\n", b"\n", b"\x1b[2J\n", b"STATUS\n"]
errs = [None] * 1000
for i in range(1000):
    ask(bad[i % len(bad)], errs, i)
print("errors", sum(1 for d in errs if d and d.startswith(b"error: ") and d.count(b"\n") == 1))
EOF
}

test_ctl_many_clients_and_malformed() {
	local out s
	fwd_start
	out=$(ctl_flood) || fail "the clients failed"
	echo "$out"
	assert_contains "$out" "ok 50"
	assert_contains "$out" "errors 1000"
	s=$(ctl "$RIG_FWD_A" stats --json | jq -c 'select(.type == "ctl")')
	echo "$s"
	assert_eq 1000 "$(jq .bad_requests <<<"$s")" "bad requests counted"
	assert_eq 1051 "$(jq .requests <<<"$s")" "requests counted (this one too)"
	assert_eq 0 "$(jq .timeouts <<<"$s")" "timeouts"
	# Forwarding is intact.
	out=$("$XF_BIN/frametool" xfer --tx "$RIG_GEN:$RIG_GEN_IF" --rx "$RIG_SINK:$RIG_SINK_IF" \
		--count 3 --sizes 64,128,1514 --types ipv4,ipv6,vlan)
	echo "$out"
	assert_contains "$out" "sent 27 received 27 intact 27"
	fwd_stop
}

test_ctl_slow_client_times_out() {
	local s
	fwd_start
	# A client that connects and sends half a line; meanwhile others are served.
	bg_start slow ip netns exec "$RIG_FWD" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"sta")
print(s.recv(100).decode(), end="", flush=True); time.sleep(30)' "$(sock_path "$RIG_FWD_A")"
	s=$(ctl "$RIG_FWD_B" status) || fail "ctl status with a slow client connected"
	wait_until 5 grep -q "^error: timed out" "$(bg_log slow)" || fail "the slow client got no error"
	bg_stop slow TERM
	assert_eq 1 "$(ctl "$RIG_FWD_A" stats --json | jq 'select(.type == "ctl") | .timeouts')" \
		"timeouts counted"
	fwd_stop
}

test_ctl_stale_socket_replaced() {
	local sock
	sock=$(sock_path "$RIG_FWD_A")
	# What a kill -9 leaves: a socket file nobody listens on.
	mkdir -p /run/xskfwd
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock"
	[ -S "$sock" ] || fail "no stale socket made"
	fwd_start
	ctl "$RIG_FWD_A" status >/dev/null || fail "ctl status after a stale socket"
	fwd_stop
	[ ! -e "$sock" ] || fail "socket left behind: $sock"
}

test_ctl_errors() {
	local rc=0 err
	err=$(ctl nosuch0 status 2>&1) || rc=$?
	assert_eq 1 "$rc" "exit status for a port nobody holds"
	assert_eq "xskfwd: no running xskfwd holds nosuch0" "$err" "the line"
	rc=0
	err=$(ctl "$RIG_FWD_A" status 2>&1) || rc=$?
	assert_eq 1 "$rc" "exit status with no forwarder running"
	assert_eq "xskfwd: no running xskfwd holds $RIG_FWD_A" "$err" "the line"
	assert_bad_args <<'EOF'
xskfwd: ctl: arguments: PORT COMMAND [--json] expected (see xskfwd ctl --help)|ctl fwd0
xskfwd: ctl: nosuch: unknown command (commands: status, stats) (see xskfwd ctl --help)|ctl fwd0 nosuch
xskfwd: ctl: --yaml: unknown option (only --json) (see xskfwd ctl --help)|ctl fwd0 stats --yaml
EOF
	"$XF_BIN/xskfwd" ctl --help | grep -q '^  stats ' || fail "ctl --help lists no stats"
}
