# shellcheck shell=bash
# test_config.sh - the config file (--config FILE, user/core/conf.h): for
# every mode a config file gives exactly the start record (its "options" and
# "rules") of the equivalent command line, with and without command-line
# options overriding it; a bad config is one line naming the file and line,
# exit status 2, nothing set up; docs/examples/forward.conf parses.
#
# Namespaces: the rig with prefix xcf- (removed by teardown_file).

RIG_PREFIX=xcf-

setup_file() {
	require_root
	require_cmd ip python3
	[ -x "$XF_BIN/xskfwd" ] || fail "build first: make"
	rig_up
	ip netns exec "$RIG_FWD" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	SERVE_ROOT=$(mktemp -d)
	chmod 755 "$SERVE_ROOT"
}

teardown_file() {
	"$XF_RIG" down --prefix "$RIG_PREFIX" >/dev/null 2>&1 || true
	rm -rf "${SERVE_ROOT:?}"
}

# start_of OUT ARGS...: xskfwd ARGS in the forwarder's namespace for 1 s (or
# until it stops); its JSON start record's options and rules into OUT.
start_of() {
	local out=$1 rc=0
	shift
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" "$@" >"$out.log" 2>"$out.err" || rc=$?
	cat "$out.err"
	assert_eq 0 "$rc" "exit status of: xskfwd $*"
	python3 - "$out.log" >"$out" <<'PY' || fail "no start record from: xskfwd $*"
import json, sys
rec = json.loads(open(sys.argv[1]).readline())
assert rec["type"] == "start"
print(json.dumps({"options": rec["options"], "rules": rec.get("rules")}, sort_keys=True))
PY
}

# same MODE CONFIG -- ARGS...: `xskfwd MODE --config CONFIG` and
# `xskfwd ARGS` start with the same options and rules.
same() {
	local mode=$1 conf=$2
	shift 3
	printf '%s' "$conf" >"$XF_TEST_TMP/c.yaml"
	start_of "$XF_TEST_TMP/file" "$mode" --config "$XF_TEST_TMP/c.yaml"
	start_of "$XF_TEST_TMP/cli" "$@"
	cat "$XF_TEST_TMP/file"
	assert_eq "$(cat "$XF_TEST_TMP/cli")" "$(cat "$XF_TEST_TMP/file")" \
		"$mode: start record from the config file"
}

test_config_equals_command_line_every_mode() {
	same forward "interfaces: [$RIG_FWD_A, $RIG_FWD_B]
match: [udp dport 9, ip6 dst 2001:db8::/32]
queues: [0]
mode: copy
frame-size: 2048
ring-size: 1024
batch: 32
spin-us: 0
no-need-wakeup: true
json: true
duration: 1
" -- forward "$RIG_FWD_A" "$RIG_FWD_B" --match 'udp dport 9' --match 'ip6 dst 2001:db8::/32' \
		--queues 0 --mode copy --frame-size 2048 --ring-size 1024 --batch 32 --spin-us 0 \
		--no-need-wakeup --json --duration 1
	same route "interfaces: [$RIG_FWD_A, $RIG_FWD_B]
match: [udp]
xdp-mode: native
cpus: 0
json: true
duration: 1
" -- route "$RIG_FWD_A" "$RIG_FWD_B" --match udp --xdp-mode native --cpus 0 --json --duration 1
	same sink "interfaces: $RIG_FWD_A
all: false
match: [udp dport 9]
spin-us: 5
json: true
duration: 1
" -- sink "$RIG_FWD_A" --match 'udp dport 9' --spin-us 5 --json --duration 1
	same serve "interfaces: [$RIG_FWD_A]
root: $SERVE_ROOT
addr: [198.18.0.2, 2001:db8::2]
session-ports: 62000-62999
max-sessions: 100
json: true
duration: 1
" -- serve "$RIG_FWD_A" --root "$SERVE_ROOT" --addr 198.18.0.2 --addr 2001:db8::2 \
		--session-ports 62000-62999 --max-sessions 100 --json --duration 1
	same gen "interfaces: [$RIG_FWD_A]
dst-mac: 02:58:46:00:00:02
engine: xsk
count: 5
rate: 10
size: 128
ipv6: true
json: true
" -- gen "$RIG_FWD_A" --dst-mac 02:58:46:00:00:02 --engine xsk --count 5 --rate 10 \
		--size 128 --ipv6 --json
}

# The command line overrides the file, interfaces and repeatable options included.
test_command_line_overrides_config() {	printf 'interfaces: [nosuch0, nosuch1]\nmatch: [tcp]\nbatch: 8\njson: true\nduration: 1\n' \
		>"$XF_TEST_TMP/o.yaml"
	start_of "$XF_TEST_TMP/file" forward --config "$XF_TEST_TMP/o.yaml" "$RIG_FWD_A" \
		"$RIG_FWD_B" --match udp --batch 16
	start_of "$XF_TEST_TMP/cli" forward "$RIG_FWD_A" "$RIG_FWD_B" --match udp --batch 16 \
		--json --duration 1
	assert_eq "$(cat "$XF_TEST_TMP/cli")" "$(cat "$XF_TEST_TMP/file")" "overridden config"
}

# bad_config LINE TEXT: forward with the config TEXT fails with exactly the
# line "xskfwd: FILE:LINE", exit 2, nothing on stdout, no classifier left.
bad_config() {
	local want=$1 f=$XF_TEST_TMP/bad.yaml rc=0
	printf '%s' "$2" >"$f"
	ip netns exec "$RIG_FWD" "$XF_BIN/xskfwd" forward --config "$f" >"$XF_TEST_TMP/bad.out" \
		2>"$XF_TEST_TMP/bad.err" || rc=$?
	cat "$XF_TEST_TMP/bad.err"
	assert_eq 2 "$rc" "exit status of the config: $2"
	assert_eq 1 "$(wc -l <"$XF_TEST_TMP/bad.err")" "error lines of the config: $2"
	assert_eq "xskfwd: $f:$want" "$(cat "$XF_TEST_TMP/bad.err")" "error of the config: $2"
	assert_eq 0 "$(wc -c <"$XF_TEST_TMP/bad.out")" "stdout"
	assert_no_xdp "$RIG_FWD" "$RIG_FWD_A"
}

test_bad_config() {
	local ifs="interfaces: [$RIG_FWD_A, $RIG_FWD_B]"
	bad_config "3: colour: unknown key (not an option of xskfwd forward)" \
		"$ifs
batch: 8
colour: red
"
	bad_config "2: frame-size: 3000 is not a power of two" "$ifs
frame-size: 3000
"
	bad_config "4: match: 'bogus': unknown word 'bogus'" "$ifs
match:
  - udp
  - bogus
"
	bad_config "2: match: wrong type: a list ([A, B]), as the option repeats" "$ifs
match: udp
"
	bad_config "2: json: wrong type: true or false" "$ifs
json: yes
"
	# the end of the file, on its last line (libyaml would say the next one)
	bad_config "1: yaml: did not find expected ',' or ']' while parsing a flow sequence" \
		"queues: [0
"
	# an unreadable file is a bad argument too
	assert_bad_args ip netns exec "$RIG_FWD" <<EOF
--config: $XF_TEST_TMP/none.yaml: No such file or directory|forward --config $XF_TEST_TMP/none.yaml
EOF
}

# The shipped example parses and starts on the rig (with the rig's names).
test_example_config() {
	sed -e "s/fwd0/$RIG_FWD_A/" -e "s/fwd1/$RIG_FWD_B/" "$XF_ROOT/docs/examples/forward.conf" \
		>"$XF_TEST_TMP/ex.yaml"
	start_of "$XF_TEST_TMP/ex" forward --config "$XF_TEST_TMP/ex.yaml" --duration 1
	assert_contains "$(cat "$XF_TEST_TMP/ex")" '"udp dport 4789"'
}
